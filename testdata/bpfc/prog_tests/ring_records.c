// SPDX-License-Identifier: GPL-2.0
#include <test_progs.h>
#include "ring_records.skel.h"

// litmus: thread consumer
static void *consumer(void *arg)
{
	struct ring_records *skel = arg;
	struct ring_records__bss *bss = skel->bss;
	struct record r = {};
	int h;

	h = smp_load_acquire(&bss->head);
	if (h)
		r = bss->slots[h - 1];
	return NULL;
}
