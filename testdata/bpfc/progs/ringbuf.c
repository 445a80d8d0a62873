// A one-slot ring in BPF globals: the BPF producer fills the slot and
// publishes the head with a release store; user space (prog_tests/ringbuf.c)
// consumes it with an acquire load of the head and hands the slot back
// through tail.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "bpf_atomic.h"

// litmus: test ringbuf
// litmus: with ../prog_tests/ringbuf.c
// litmus: exists (consumer:h=1 /\ consumer:v=0)
// litmus: expect Never

__u64 slot0;
__u32 head;
__u32 tail;

// litmus: thread producer
SEC("perf_event")
int produce(void *ctx)
{
	__u32 t = smp_load_acquire(&tail);

	if (head - t >= 1)
		return 0; /* full */
	slot0 = 7;
	bpf_printk("produced %d", 7);
	smp_store_release(&head, head + 1);
	return 0;
}
