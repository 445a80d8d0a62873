// Message passing with a plain flag: the compiler and the CPU may reorder
// the stores, and the flag accesses race.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// litmus: exists (reader:f=1 /\ reader:d=0)
// litmus: expect Sometimes DATARACE

int data SEC(".bss");
int flag SEC(".bss");

// litmus: thread writer
SEC("tp/syscalls/sys_enter_getpid")
int writer(void *ctx)
{
	data = 42;
	flag = 1;
	return 0;
}

// litmus: thread reader
SEC("tp/syscalls/sys_enter_getppid")
int reader(void *ctx)
{
	int f = flag;
	int d = 0;

	if (f)
		d = data;
	return 0;
}
