// SPDX-License-Identifier: GPL-2.0
#include <test_progs.h>
#include "volatile_ready.skel.h"

// litmus: thread reader
static void *reader(void *arg)
{
	struct volatile_ready *skel = arg;
	int seen, d = 0;

	seen = __atomic_load_n(&skel->bss->ready, __ATOMIC_ACQUIRE);
	if (seen)
		d = skel->bss->data;
	return NULL;
}
