#!/usr/bin/env bash
# Boots the firmware on qemu-system-aarch64 -M virt with QEMU's own virtio-mmio devices and checks it.
# Usage: run-firmware.sh <firmware.elf> <legacy|modern> <work dir> [devices: rng,blk]
# The work dir is the run's own (CTest runs the QEMU tests in parallel): the disk image lives there, and
# only when a block device is attached.
# Exit 0: every check passed; 1: a check failed; 77: QEMU is not installed (CTest reports a skip).
set -u
fw=$1 transport=$2 work=$3 devices=${4:-rng,blk}
if ! command -v qemu-system-aarch64 >/dev/null; then
  echo "SKIP: qemu-system-aarch64 is not installed (tb/scripts/setup-deps.sh installs qemu-system-arm)"
  exit 77
fi
mkdir -p "$work"
args=()
[[ $devices == *rng* ]] && args+=(-device virtio-rng-device)
if [[ $devices == *blk* ]]; then
  disk="$work/disk.img"
  dd if=/dev/zero of="$disk" bs=1M count=1 status=none
  args+=(-drive "file=$disk,if=none,format=raw,id=d0" -device virtio-blk-device,drive=d0)
fi
legacy=true
[ "$transport" = modern ] && legacy=false
start=$(date +%s%N)
out=$(timeout 60 qemu-system-aarch64 -M virt,gic-version=2 -cpu cortex-a53 -m 128M -nographic -monitor none -serial stdio \
      -semihosting -no-reboot -nic none -global virtio-mmio.force-legacy=$legacy "${args[@]}" -kernel "$fw" 2>&1)
rc=$?
echo "$out"
echo "qemu ($transport transport): exit $rc in $(( ($(date +%s%N) - start) / 1000000 )) ms"
if [ $rc -ne 0 ] || ! grep -q "RESULT: PASS" <<<"$out"; then
  exit 1
fi
exit 0
