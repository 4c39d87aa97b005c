// Entry for qemu-system-aarch64 -M virt (EL1, MMU off): interrupts masked, an exception vector table that
// reports any exception and stops, stack, zeroed .bss, firmware_main(), semihosting exit.
    .section .text.start, "ax"
    .global _start
_start:
    msr     daifset, #0xf           // the firmware takes interrupts through the GIC's registers, never as exceptions
    ldr     x0, =vectors
    msr     vbar_el1, x0
    isb
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
    .global firmware_exit
firmware_exit:
    ldr     x1, =exit_block
    str     x0, [x1, #8]
    mov     w0, #0x18
    hlt     #0xf000
3:  wfe
    b       3b

// 16 vectors of 0x80 bytes: any exception is a firmware bug; report it (vector offset, ESR, ELR) and exit 2.
    .balign 0x800
vectors:
    .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    .balign 0x80
    mov     x0, #(\n * 0x80)
    b       unexpected
    .endr
unexpected:
    mrs     x1, esr_el1
    mrs     x2, elr_el1
    ldr     x3, =__stack_top
    mov     sp, x3
    bl      firmware_exception
    mov     x0, #2
    b       firmware_exit

    .data
    .balign 8
exit_block:
    .quad   0x20026
    .quad   0
