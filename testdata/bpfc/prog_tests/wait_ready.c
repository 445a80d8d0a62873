// SPDX-License-Identifier: GPL-2.0
#include <test_progs.h>
#include "wait_ready.skel.h"

// litmus: thread waiter
static void *waiter(void *arg)
{
	struct wait_ready *skel = arg;
	int d;

	while (!READ_ONCE(skel->data_shared->ready))
		cpu_relax();
	smp_rmb();
	d = READ_ONCE(skel->data_shared->data);
	return NULL;
}
