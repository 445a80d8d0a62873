// A test-and-set lock built from the __sync builtins: the winner of the
// exchange updates the counter plainly, then releases the lock with
// __sync_lock_release (a release store). Two winners never both see the
// counter at 0, and the plain accesses do not race.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

int busy SEC(".bss");
int cnt SEC(".bss");

// litmus: exists (a:got=1 /\ b:got=1 /\ a:seen=0 /\ b:seen=0)
// litmus: expect Never

// litmus: thread a
SEC("tp_btf/sched_switch")
int BPF_PROG(a_prog)
{
	int got = 0, seen = -1;

	if (__sync_lock_test_and_set(&busy, 1) == 0) {
		got = 1;
		seen = cnt;
		cnt = seen + 1;
		__sync_lock_release(&busy);
	}
	return 0;
}

// litmus: thread b
SEC("tp_btf/sched_wakeup")
int BPF_PROG(b_prog)
{
	int got = 0, seen = -1;

	if (__sync_lock_test_and_set(&busy, 1) == 0) {
		got = 1;
		seen = cnt;
		cnt = seen + 1;
		__sync_lock_release(&busy);
	}
	return 0;
}
