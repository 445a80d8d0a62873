// One program running on two CPUs at once: two thread annotations before
// one function make two threads that run it. The fetch-add hands out
// distinct tickets.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

__u64 next_ticket SEC(".bss");

// litmus: exists (cpu0:ticket=cpu1:ticket)
// litmus: expect Never

// litmus: thread cpu0
// litmus: thread cpu1
SEC("raw_tp/sched_switch")
int take_ticket(void *ctx)
{
	__u64 ticket = __sync_fetch_and_add(&next_ticket, 1);

	bpf_printk("ticket %llu", ticket);
	return 0;
}
