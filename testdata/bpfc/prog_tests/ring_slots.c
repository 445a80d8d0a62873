// SPDX-License-Identifier: GPL-2.0
#include <test_progs.h>
#include "ring_slots.skel.h"

#define RING_MASK 3

// litmus: thread consumer
static int consume(struct ring_slots *skel)
{
	__u32 h = smp_load_acquire(&skel->bss->head);
	__u32 t = skel->bss->tail;
	__u64 v = 0;

	if (h == t)
		return -1;
	v = skel->bss->slots[t & RING_MASK];
	smp_store_release(&skel->bss->tail, t + 1);
	return v;
}
