// SPDX-License-Identifier: GPL-2.0
#include <test_progs.h>
#include "atomics_xchg.skel.h"

// litmus: thread user
static void check_xchg(struct atomics_xchg *skel)
{
	int done_seen = __atomic_load_n(&skel->bss->done, __ATOMIC_ACQUIRE);

	if (!done_seen)
		return;
	__u64 v = skel->data->value;
	__u64 r = skel->bss->result;
	ASSERT_EQ(v, 2, "value");
	ASSERT_EQ(r, 1, "result");
}
