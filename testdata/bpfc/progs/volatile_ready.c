// The BPF program publishes data and sets a flag declared volatile, as
// selftests do for flags user space polls; user space reads the flag with
// an acquire load, then data. A volatile object's accesses are what
// READ_ONCE/WRITE_ONCE make, so nothing races and the data is seen: hand
// translation (*data = 1; smp_mb(); WRITE_ONCE(*ready, 1) |
// r0 = smp_load_acquire(ready); if (r0) r1 = *data), herd7: Never, no
// data race. Taken as plain (*ready = 1), herd7 says Sometimes with a
// data race.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// litmus: test volatile_ready
// litmus: with ../prog_tests/volatile_ready.c
// litmus: exists (reader:seen=1 /\ reader:d=0)
// litmus: expect Never

int data = 0;
volatile int ready = 0;

// litmus: thread publish
SEC("fentry/bpf_fentry_test1")
int BPF_PROG(publish)
{
	data = 1;
	__sync_synchronize();
	ready = 1;
	return 0;
}
