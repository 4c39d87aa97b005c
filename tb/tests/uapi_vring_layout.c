/* The uapi's vring_init()/vring_size() are C (implicit void* conversions): the legacy ring layout is
 * computed here and compared with the register map from test_regmap_uapi.cpp. */
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_ring.h>

struct uapi_vring_offsets {
  uint64_t avail, used, used_event, avail_event, size;
};

void uapi_vring_layout(unsigned num, unsigned align, struct uapi_vring_offsets* out) {
  struct vring vr;
  unsigned char* base = (unsigned char*)(uintptr_t)0x100000; /* layout only: never dereferenced */
  vring_init(&vr, num, base, align);
  out->avail = (uint64_t)((unsigned char*)vr.avail - base);
  out->used = (uint64_t)((unsigned char*)vr.used - base);
  out->used_event = (uint64_t)((unsigned char*)&vr.avail->ring[num] - (unsigned char*)vr.avail);
  out->avail_event = (uint64_t)((unsigned char*)&vr.used->ring[num] - (unsigned char*)vr.used);
  out->size = vring_size(num, align);
}
