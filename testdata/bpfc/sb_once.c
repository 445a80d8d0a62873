// Store buffering without barriers: volatile accesses are marked but not
// ordered, so both programs may read the old values.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// litmus: exists (p0:r0=0 /\ p1:r1=0)
// litmus: expect Sometimes

int x SEC(".bss");
int y SEC(".bss");

// litmus: thread
SEC("fentry/bpf_fentry_test1")
int BPF_PROG(p0, int a)
{
	*(volatile int *)&x = 1;
	int r0 = *(volatile int *)&y;
	return 0;
}

// litmus: thread
SEC("fentry/bpf_fentry_test2")
int BPF_PROG(p1, int a, __u64 b)
{
	*(volatile int *)&y = 1;
	int r1 = *(volatile int *)&x;
	return 0;
}
