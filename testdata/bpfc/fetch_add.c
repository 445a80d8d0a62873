// Per-CPU-less counting with atomics: relaxed fetch-add from BPF and a
// __sync add whose result is used; no increment is lost.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

long hits = 0;

// litmus: test fetch_add_total
// litmus: forall (hits=2)
// litmus: expect Always

// litmus: test fetch_add_old
// litmus: exists (p0:old=1 /\ p1:old=1)
// litmus: expect Never

// litmus: thread
SEC("kprobe/tcp_sendmsg")
int p0(void *ctx)
{
	long old = __atomic_fetch_add(&hits, 1, __ATOMIC_RELAXED);
	return 0;
}

// litmus: thread
SEC("kprobe/tcp_recvmsg")
int p1(void *ctx)
{
	long old = __sync_fetch_and_add(&hits, 1);
	return 0;
}
