// The BPF program writes data, then a write barrier, then ready; user
// space spins until ready is set, then reads data after a read barrier.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "bpf_atomic.h"

// litmus: test wait_ready
// litmus: with ../prog_tests/wait_ready.c
// litmus: exists (waiter:d=0)
// litmus: expect Never

int data SEC(".data.shared") = 0;
int ready SEC(".data.shared") = 0;

// litmus: thread bpf
SEC("uprobe")
int BPF_UPROBE(publish)
{
	WRITE_ONCE(data, 1);
	smp_wmb();
	WRITE_ONCE(ready, 1);
	return 0;
}
