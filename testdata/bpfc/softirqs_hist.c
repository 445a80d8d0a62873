// The shape of bcc libbpf-tools softirqs.bpf.c (written again here):
// counts and time per vector, a log2 histogram when targ_dist is set, the
// start time in a per-CPU map (not shared, so its read is only a note). The
// same exit program on two CPUs for vector 3: both counts arrive. Hand
// translation (each P: t = atomic_fetch_add(1, counts_3);
// t = atomic_fetch_add(0, time_3);), forall (counts_3=2), herd7: Always.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#define NR_SOFTIRQS 10
#define MAX_SLOTS 8
struct hist { __u32 slots[MAX_SLOTS]; };
const volatile bool targ_dist = false;
const volatile bool targ_ns = false;
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");
__u64 counts[NR_SOFTIRQS] = {};
__u64 time[NR_SOFTIRQS] = {};
struct hist hists[NR_SOFTIRQS] = {};
// litmus: param vec_nr=3
// litmus: forall (counts[3]=2)
// litmus: expect Always
static int handle_exit(unsigned int vec_nr)
{
	u64 delta, *tsp;
	u32 key = 0;

	if (vec_nr >= NR_SOFTIRQS)
		return 0;
	tsp = bpf_map_lookup_elem(&start, &key);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	if (!targ_ns)
		delta /= 1000U;
	if (!targ_dist) {
		__sync_fetch_and_add(&counts[vec_nr], 1);
		__sync_fetch_and_add(&time[vec_nr], delta);
	} else {
		struct hist *hist;
		u64 slot;

		hist = &hists[vec_nr];
		slot = log2(delta);
		if (slot >= MAX_SLOTS)
			slot = MAX_SLOTS - 1;
		__sync_fetch_and_add(&hist->slots[slot], 1);
	}
	return 0;
}
// litmus: thread cpu0
// litmus: thread cpu1
SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit_btf, unsigned int vec_nr)
{
	return handle_exit(vec_nr);
}
