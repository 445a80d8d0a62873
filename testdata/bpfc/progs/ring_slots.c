// A four-slot ring between a BPF producer and a user-space consumer
// (prog_tests/ring_slots.c). The producer writes the slot at its head and
// publishes the new head with a release store; the consumer reads the head
// with an acquire load, then the slot at its tail. The slot index is
// computed at run time.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "bpf_atomic.h"

#define RING_SIZE 4
#define RING_MASK (RING_SIZE - 1)

// litmus: test ring_slots
// litmus: with ../prog_tests/ring_slots.c
// litmus: exists (consumer:h=2 /\ consumer:v!=20)
// litmus: expect Never

__u64 slots[RING_SIZE] SEC(".bss");
__u32 head SEC(".bss") = 1;
__u32 tail SEC(".bss") = 1;

// litmus: thread producer
SEC("perf_event")
int produce(void *ctx)
{
	__u32 h = head;

	if (h - smp_load_acquire(&tail) >= RING_SIZE)
		return 0;
	slots[h & RING_MASK] = 20;
	smp_store_release(&head, h + 1);
	return 0;
}
