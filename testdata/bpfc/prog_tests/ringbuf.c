// SPDX-License-Identifier: GPL-2.0
#include <test_progs.h>
#include "ringbuf.skel.h"

// litmus: thread consumer
static int consume(struct ringbuf *skel)
{
	__u32 h = smp_load_acquire(&skel->bss->head);
	__u64 v = 0;

	if (h == skel->bss->tail)
		return -1; /* empty */
	v = skel->bss->slot0;
	smp_store_release(&skel->bss->tail, skel->bss->tail + 1);
	return v;
}
