// The same counter, but one program forgets the lock: an increment can be
// lost, and the plain accesses race.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct bpf_spin_lock lock SEC(".bss");
int cnt SEC(".bss");

// litmus: exists (cnt=1)
// litmus: expect Sometimes DATARACE

// litmus: thread
SEC("tc")
int ingress(struct __sk_buff *skb)
{
	bpf_spin_lock(&lock);
	cnt++;
	bpf_spin_unlock(&lock);
	return 0;
}

// litmus: thread
SEC("tc")
int egress(struct __sk_buff *skb)
{
	cnt++;
	return 0;
}
