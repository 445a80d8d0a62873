// A ring of records in the shape of a BPF ring buffer and its user-space
// consumer (kernel/bpf/ringbuf.c publishes a record, then the producer
// position with a release store; libbpf's ringbuf_process_ring reads the
// producer position with an acquire load, then the record): here an
// array of structs in .bss, the consumer reaching it through the
// skeleton's section pointer and copying a whole record. Seeing the
// position without the record's fields never happens: hand translation
// (P0: *slots_0_seq = 1; *slots_0_val = 42; smp_store_release(head, 1) |
// P1: h = smp_load_acquire(head); if (h != 0) { r_seq = *slots_0_seq;
// r_val = *slots_0_val; }, exists (1:h=1 /\ 1:r_val=0)), herd7: Never,
// no data race.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct record {
	int seq;
	int val;
};

struct record slots[2];
int head;

// litmus: test ring_records
// litmus: with ../prog_tests/ring_records.c
// litmus: exists (consumer:h=1 /\ consumer:r.val=0)
// litmus: expect Never

// litmus: thread producer
SEC("tp/syscalls/sys_enter_write")
int produce(void *ctx)
{
	struct record rec = { .seq = 1, .val = 42 };
	int h = 0;

	slots[h] = rec;
	smp_store_release(&head, h + 1);
	return 0;
}
