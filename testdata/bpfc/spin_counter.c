// Two BPF programs count events in a global struct protected by a
// bpf_spin_lock: no increment is lost.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define private(name) SEC(".data." #name) __hidden __attribute__((aligned(8)))

struct counter {
	struct bpf_spin_lock lock;
	int cnt;
};

private(A) struct counter stats;

// litmus: exists (stats.cnt=1)
// litmus: expect Never

static __always_inline void bump(void)
{
}

// litmus: thread
SEC("tc")
int ingress(struct __sk_buff *skb)
{
	bpf_spin_lock(&stats.lock);
	stats.cnt++;
	bpf_spin_unlock(&stats.lock);
	return 0;
}

// litmus: thread
SEC("tc")
int egress(struct __sk_buff *skb)
{
	struct counter *c = &stats;

	bpf_spin_lock(&c->lock);
	c->cnt += 1;
	bpf_spin_unlock(&c->lock);
	return 0;
}
