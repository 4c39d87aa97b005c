// Entry for qemu-system-aarch64 -M virt (EL1, MMU off): stack, zeroed .bss, firmware_firmware_main(), semihosting exit.
    .section .text.start, "ax"
    .global _start
_start:
    ldr     x0, =__stack_top
    mov     sp, x0
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    str     xzr, [x0], #8
    b       1b
2:  bl      firmware_main
    // SYS_EXIT (0x18) with {ADP_Stopped_ApplicationExit, status}: QEMU exits with firmware_main's result.
    ldr     x1, =exit_block
    str     x0, [x1, #8]
    mov     w0, #0x18
    hlt     #0xf000
3:  wfe
    b       3b

    .data
    .balign 8
exit_block:
    .quad   0x20026
    .quad   0
