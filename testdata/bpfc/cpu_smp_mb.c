// Store buffering between two BPF programs, each with bpf_atomic.h's
// smp_mb() written out as the header defines it: an unused
// __sync_fetch_and_add of 0 to a stack slot
// (tools/testing/selftests/bpf/bpf_atomic.h). Built by clang 20 or later
// at its default -mcpu=v3 it is the fetching, fully ordered instruction,
// a full barrier: SB with smp_mb() on both sides, Never (herd7 on the hand
// translation: SB+mbs, Never). With -mcpu=v1/v2 or an older clang it is
// the non-fetching add, which orders nothing: plain SB, Sometimes (herd7
// on the hand translation without the barriers).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

int x, y;

// litmus: exists (p0:r0=0 /\ p1:r1=0)
// litmus: expect Never

// litmus: thread
SEC("tp/syscalls/sys_enter_getpid")
int p0(void *ctx)
{
	unsigned long dummy = 0;

	WRITE_ONCE(x, 1);
	__sync_fetch_and_add(&dummy, 0);
	int r0 = READ_ONCE(y);
	return 0;
}

// litmus: thread
SEC("tp/syscalls/sys_enter_getppid")
int p1(void *ctx)
{
	unsigned long dummy = 0;

	WRITE_ONCE(y, 1);
	__sync_fetch_and_add(&dummy, 0);
	int r1 = READ_ONCE(x);
	return 0;
}
