// The classic bpf_spin_lock use: a counter in an array map's value, under
// the lock embedded in that value. Every key names the one element.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct elem {
	struct bpf_spin_lock lock;
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct elem);
} stats SEC(".maps");

// litmus: exists (stats.packets=2 /\ stats.bytes!=300)
// litmus: expect Never

static __always_inline int account(__u64 len)
{
	__u32 key = 0;
	struct elem *e;

	e = bpf_map_lookup_elem(&stats, &key);
	if (!e)
		return 0;
	bpf_spin_lock(&e->lock);
	e->packets++;
	e->bytes += len;
	bpf_spin_unlock(&e->lock);
	return 1;
}

// litmus: thread
SEC("tc")
int ingress(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct elem *e = bpf_map_lookup_elem(&stats, &key);

	if (!e)
		return TC_ACT_OK;
	bpf_spin_lock(&e->lock);
	e->packets++;
	e->bytes += 100;
	bpf_spin_unlock(&e->lock);
	return TC_ACT_OK;
}

// litmus: thread
SEC("tc")
int egress(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct elem *e = bpf_map_lookup_elem(&stats, &key);

	if (!e)
		return TC_ACT_OK;
	bpf_spin_lock(&e->lock);
	e->bytes += 200;
	e->packets++;
	bpf_spin_unlock(&e->lock);
	return TC_ACT_OK;
}
