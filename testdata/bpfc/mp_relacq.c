// Message passing between two BPF programs through globals: the writer
// publishes data with a release store, the reader checks the flag with an
// acquire load (clang -mcpu=v4 load-acquire/store-release).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// litmus: exists (reader:f=1 /\ reader:d=0)
// litmus: expect Never
// litmus: cpu v4

int data;
int flag;

// litmus: thread writer
SEC("tp/syscalls/sys_enter_getpid")
int writer(void *ctx)
{
	data = 42;
	__atomic_store_n(&flag, 1, __ATOMIC_RELEASE);
	return 0;
}

// litmus: thread reader
SEC("tp/syscalls/sys_enter_getppid")
int reader(void *ctx)
{
	int f, d = 0;

	f = __atomic_load_n(&flag, __ATOMIC_ACQUIRE);
	if (f)
		d = data;
	return 0;
}
