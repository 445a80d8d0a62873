// SPDX-License-Identifier: GPL-2.0
/* Shaped like the kernel selftest atomics pair: a BPF program exchanges
 * value, keeps the old one in result, then publishes completion. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "bpf_atomic.h"

// litmus: test atomics_xchg
// litmus: with ../prog_tests/atomics_xchg.c
// litmus: exists (user:done_seen=1 /\ user:v=1)
// litmus: expect Never

__u64 value SEC(".data") = 1;
__u64 result SEC(".bss") = 0;
int done SEC(".bss") = 0;

// litmus: thread prog
SEC("raw_tp/sys_enter")
int xchg(const void *ctx)
{
	result = __sync_lock_test_and_set(&value, 2);
	smp_store_release(&done, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
