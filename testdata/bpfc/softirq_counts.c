// Counting by softirq vector, as bcc's libbpf-tools/softirqs.bpf.c does:
// a global array indexed by the vector number, bumped with
// __sync_fetch_and_add. One program takes the vector from a local set to
// a constant, the other from its tracepoint argument (annotated). Both
// bumps reach counts[3]: hand translation (P0 and P1 each
// "int t = atomic_fetch_add(1, counts_3);", forall (counts_3=2)), herd7:
// Always.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define NR_SOFTIRQS 10

__u64 counts[NR_SOFTIRQS] = {};

// litmus: param vec_nr=3
// litmus: forall (counts[3]=2)
// litmus: expect Always

// litmus: thread local_vec
SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit_local)
{
	unsigned int vec_nr = 3;

	__sync_fetch_and_add(&counts[vec_nr], 1);
	return 0;
}

// litmus: thread arg_vec
SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit, unsigned int vec_nr)
{
	__sync_fetch_and_add(&counts[vec_nr], 1);
	return 0;
}
