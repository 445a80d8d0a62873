// Store buffering in user space with C11 seq_cst atomics (as a test
// harness might write it): both reading 0 is forbidden.

// litmus: exists (t0:r0=0 /\ t1:r1=0)
// litmus: expect Never

int x, y;

// litmus: thread
void t0(void)
{
	__atomic_store_n(&x, 1, __ATOMIC_SEQ_CST);
	int r0 = __atomic_load_n(&y, __ATOMIC_SEQ_CST);
}

// litmus: thread
void t1(void)
{
	atomic_store_explicit(&y, 1, memory_order_seq_cst);
	int r1 = atomic_load_explicit(&x, memory_order_seq_cst);
}
