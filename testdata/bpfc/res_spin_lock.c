// bpf_res_spin_lock can fail (deadlock or timeout): the translation treats
// it as a trylock, and callers must check. At least one program always
// gets the lock.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct bpf_res_spin_lock rlock SEC(".data.lock");
int cnt SEC(".data.lock");

// litmus: exists (cnt=0)
// litmus: expect Never

// litmus: thread
SEC("tc")
int p0(struct __sk_buff *skb)
{
	if (bpf_res_spin_lock(&rlock))
		return 0;
	cnt++;
	bpf_res_spin_unlock(&rlock);
	return 0;
}

// litmus: thread
SEC("tc")
int p1(struct __sk_buff *skb)
{
	if (bpf_res_spin_lock(&rlock))
		return 0;
	cnt++;
	bpf_res_spin_unlock(&rlock);
	return 0;
}
