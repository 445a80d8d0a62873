// Store buffering between two BPF programs, each with the full barrier of
// bpf_atomic.h (smp_mb(), a fetch-add on a stack slot with -mcpu>=v3).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "bpf_atomic.h"

/* litmus: test sb_mb
 * litmus: exists (p0:r0=0 /\ p1:r1=0)
 * litmus: expect Never
 */

int x, y;

// litmus: thread p0
SEC("kprobe/do_nanosleep")
int BPF_KPROBE(p0)
{
	int r0;

	WRITE_ONCE(x, 1);
	smp_mb();
	r0 = READ_ONCE(y);
	return r0;
}

// litmus: thread p1
SEC("kprobe/do_sys_open")
int BPF_KPROBE(p1)
{
	int r1;

	WRITE_ONCE(y, 1);
	smp_mb();
	r1 = READ_ONCE(x);
	return r1;
}
