// A try-lock in the shape of the BPF arena spin lock
// (tools/testing/selftests/bpf/bpf_arena_spin_lock.h): the lock is a
// global of a typedef'd struct, taken with bpf_atomic.h's
// atomic_try_cmpxchg_acquire and released with smp_store_release; the
// same program runs on two CPUs and increments data under the lock. (The
// real lock word is an atomic_t in a union; here it is an int.) Both
// taking the lock and losing an increment never happens: hand translation
// (each P: int val = 0; int t = cmpxchg_acquire(lock_val, val, 1);
// int got = t == val; if (got) { *data = *data + 1;
// smp_store_release(lock_val, 0); }, exists (data=1 /\ 0:got=1 /\
// 1:got=1)), herd7: Never, no data race.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "bpf_atomic.h"

#define _Q_LOCKED_VAL 1

typedef struct {
	int val;
} arena_spinlock_t;

arena_spinlock_t lock;
int data;

// litmus: exists (data=1 /\ cpu0:got=1 /\ cpu1:got=1)
// litmus: expect Never

static __always_inline int arena_spin_trylock(arena_spinlock_t *lock)
{
	int val = 0;

	return atomic_try_cmpxchg_acquire(&lock->val, &val, _Q_LOCKED_VAL);
}

static __always_inline void arena_spin_unlock(arena_spinlock_t *lock)
{
	smp_store_release(&lock->val, 0);
}

// litmus: thread cpu0
// litmus: thread cpu1
SEC("syscall")
int bump(void *ctx)
{
	int got = arena_spin_trylock(&lock);

	if (got) {
		data = data + 1;
		arena_spin_unlock(&lock);
	}
	return 0;
}
