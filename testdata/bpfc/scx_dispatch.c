// A sched_ext-style hand-off: enqueue publishes the task's pid, then its
// state with a release store; dispatch reads the state with an acquire
// load and goes on only past the guard
//   if (!task || BPF_CORE_READ(task, pid) != pid || state != QUEUED)
// whose first two operands the translation cannot compute: each is an
// unknown truth value, both ways, and the state test is kept. Past the
// guard, the pid is always seen: hand translation (P1 reads two unknowns
// that a third thread sets, returns unless both are false and state is
// QUEUED, then reads pid), herd7: Never.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

enum { IDLE, QUEUED, RUNNING };

struct task_ctx {
	int pid;
	int state;
} tctx;

// litmus: exists (dispatch:seen=1 /\ dispatch:p=0)
// litmus: expect Never

// litmus: thread
SEC("struct_ops/enqueue")
int BPF_PROG(enqueue, struct task_struct *p, u64 enq_flags)
{
	WRITE_ONCE(tctx.pid, 42);
	smp_store_release(&tctx.state, QUEUED);
	return 0;
}

// litmus: thread
SEC("struct_ops/dispatch")
int BPF_PROG(dispatch, struct task_struct *task, int pid)
{
	int state = smp_load_acquire(&tctx.state);
	int seen = 0, p = 0;

	if (!task || BPF_CORE_READ(task, pid) != pid || state != QUEUED)
		return 0;
	seen = 1;
	p = READ_ONCE(tctx.pid);
	return 0;
}
