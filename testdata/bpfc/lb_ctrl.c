// Load buffering between two BPF programs: each store depends on the
// value the program read (a control dependency), so the cycle cannot form.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// litmus: exists (p0:r0=1 /\ p1:r1=1)
// litmus: expect Never

volatile int x, y;

// litmus: thread
SEC("kprobe/vfs_read")
int p0(struct pt_regs *ctx)
{
	int r0 = READ_ONCE(x);

	if (r0)
		WRITE_ONCE(y, 1);
	return 0;
}

// litmus: thread
SEC("kprobe/vfs_write")
int p1(struct pt_regs *ctx)
{
	int r1 = READ_ONCE(y);

	if (r1 != 0)
		WRITE_ONCE(x, 1);
	return 0;
}
