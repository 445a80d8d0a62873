// Two writers and one reader in one file; each scenario picks its threads.
// The release writer pairs with the acquire reader; the plain writer does
// not, and its plain flag store races with the reader's load.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

int data, flag;

// litmus: exists (reader:f=1 /\ reader:d=0)

// litmus: test mp_release
// litmus: threads writer_release reader
// litmus: expect Never

// litmus: test mp_plain_writer
// litmus: threads writer_plain reader
// litmus: expect Sometimes DATARACE

// litmus: thread writer_release
SEC("cgroup_skb/egress")
int writer_release(struct __sk_buff *skb)
{
	WRITE_ONCE(data, 1);
	smp_store_release(&flag, 1);
	return 1;
}

// litmus: thread writer_plain
SEC("cgroup_skb/egress")
int writer_plain(struct __sk_buff *skb)
{
	WRITE_ONCE(data, 1);
	flag = 1;
	return 1;
}

// litmus: thread reader
SEC("cgroup_skb/ingress")
int reader(struct __sk_buff *skb)
{
	int f = smp_load_acquire(&flag);
	int d = -1;

	if (f)
		d = READ_ONCE(data);
	return 1;
}
