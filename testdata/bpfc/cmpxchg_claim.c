// Two programs race to claim a slot with compare-and-swap: at most one
// wins.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define NOBODY 0

int owner = NOBODY;

// litmus: exists (a:won=1 /\ b:won=1)
// litmus: expect Never

// litmus: thread a
SEC("xdp")
int claim_a(struct xdp_md *ctx)
{
	int won = 0;

	if (__sync_val_compare_and_swap(&owner, NOBODY, 1) == NOBODY)
		won = 1;
	return won;
}

// litmus: thread b
SEC("xdp")
int claim_b(struct xdp_md *ctx)
{
	int won = __sync_bool_compare_and_swap(&owner, NOBODY, 2);

	return won;
}
