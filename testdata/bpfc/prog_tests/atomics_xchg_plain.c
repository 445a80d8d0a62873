// SPDX-License-Identifier: GPL-2.0
#include <test_progs.h>
#include "atomics_xchg_plain.skel.h"

// litmus: thread user
static void check_xchg(struct atomics_xchg_plain *skel)
{
	int done_seen = skel->bss->done;

	if (!done_seen)
		return;
	__u64 v = skel->data->value;
	ASSERT_EQ(v, 2, "value");
}
