package bpfc

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// body translates src (as main.c) and returns its one scenario's text
// from P0 on, and the notes as "line:col: message".
func body(t *testing.T, src string) (string, []string) {
	t.Helper()
	tr := translate(t, files{"main.c": src})
	var notes []string
	for _, n := range tr.Notes {
		notes = append(notes, tr.Position(Loc{n.File, n.Span}).String()[len("main.c:"):]+": "+n.Msg)
	}
	require.Len(t, tr.Scenarios, 1)
	text := string(tr.Scenarios[0].Text)
	return text[strings.Index(text, "P0("):], notes
}

// A local that holds a constant, and the variable of an unrolled loop,
// index an array as the constant does; an atomic at a computed index is a
// chain of ifs, one branch per element (softirqs.bpf.c counts by vec_nr).
func TestConstantIndex(t *testing.T) {
	text, notes := body(t, `long counts[4];
int hits[2];
// litmus: exists (counts[2]=1)
// litmus: thread
int f(void *ctx)
{
	unsigned int vec_nr = 2;
	__sync_fetch_and_add(&counts[vec_nr], 1);
	int k = READ_ONCE(hits[0]);
	__sync_fetch_and_add(&hits[k], 1);
	for (int j = 0; j < 2; j++)
		counts[j] = j;
	return 0;
}`)
	assert.Contains(t, text, "atomic_fetch_add(1, counts_2);")
	assert.Contains(t, text, "if (k == 0) {\n\t\tint t1 = atomic_fetch_add(1, hits_0);\n\t} else if (k == 1) {\n\t\tint t2 = atomic_fetch_add(1, hits_1);\n\t}")
	assert.Contains(t, text, "*counts_0 = j;")
	assert.Contains(t, text, "*counts_1 = j;")
	for _, n := range notes {
		assert.NotContains(t, n, "not modeled", n)
	}
}

// The fields of a global of a typedef'd struct (arena_spinlock_t), also
// through a pointer local and as a map's value.
func TestTypedefStruct(t *testing.T) {
	text, notes := body(t, `typedef struct { int val; int tail; } arena_spinlock_t;
typedef struct qnode qnode_t;
struct qnode { int next; };
arena_spinlock_t lock;
qnode_t q;
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, int); __type(value, qnode_t); } m SEC(".maps");
// litmus: exists (lock.val=1)
// litmus: thread
int f(void *ctx)
{
	arena_spinlock_t *l = &lock;
	int k = 0;
	qnode_t *e = bpf_map_lookup_elem(&m, &k);
	if (!e)
		return 0;
	l->val = 1;
	int r = READ_ONCE(lock.tail) + q.next + e->next;
	return 0;
}`)
	assert.Contains(t, text, "*lock_val = 1;")
	assert.Contains(t, text, "int r = READ_ONCE(*lock_tail) + *q_next + *m_next;")
	for _, n := range notes {
		assert.NotContains(t, n, "not modeled", n)
	}
}

// Function-like macros expand as the preprocessor does, in the scope of
// their use; do { } while (0) is its body once.
func TestFunctionMacros(t *testing.T) {
	text, notes := body(t, `#define CREDIT(ns) ((ns) >> 3)
#define BUMP(i) __sync_fetch_and_add(&counts[i], 1)
#define SET(a, v) do { WRITE_ONCE(a, v); } while (0)
long counts[4];
int budget, flag;
// litmus: exists (f:c=5)
// litmus: thread
int f(void *ctx)
{
	int c = CREDIT(READ_ONCE(budget));
	BUMP(2);
	SET(flag, c);
	return 0;
}`)
	assert.Contains(t, text, "int c = (((READ_ONCE(*budget))) / 8);")
	assert.Contains(t, text, "atomic_fetch_add(1, counts_2);")
	assert.Contains(t, text, "WRITE_ONCE(*flag, (c));")
	assert.Equal(t, []string{"11:2: result unused: clang 20 and later at -mcpu=v3 emit the fetching, fully ordered instruction (atomic_fetch_add); with -mcpu=v1/v2 or a clang before 20 it is the unordered atomic_add"}, notes)
}

// bpf_atomic.h's try_cmpxchg_acquire family keeps the order its name
// promises; smp_cond_load_acquire_label is a spin-wait on an acquire load,
// with VAL the value read.
func TestAtomicHeaderFamily(t *testing.T) {
	text, notes := body(t, `typedef struct { int val; } arena_spinlock_t;
arena_spinlock_t lock;
int cnt;
// litmus: exists (f:got=1)
// litmus: thread
int f(void *ctx)
{
	int val = 0;
	int got = atomic_try_cmpxchg_acquire(&lock.val, &val, 1);
	int e = 0;
	try_cmpxchg_relaxed(&cnt, &e, 2);
	int v = smp_cond_load_acquire_label(&lock.val, VAL == 0, out);
	int w = atomic_read(&cnt);
	atomic_set(&cnt, 3);
	return 0;
out:
	return 1;
}`)
	assert.Contains(t, text, "int t0 = cmpxchg_acquire(lock_val, val, 1);")
	assert.Contains(t, text, "int t1 = cmpxchg_relaxed(cnt, e, 2);")
	assert.Contains(t, text, "int VAL0 = smp_load_acquire(lock_val);\n\tw0 = (VAL0 == 0) == 0;\n\tint v = VAL0;")
	assert.Contains(t, text, "int w = READ_ONCE(*cnt);\n\tWRITE_ONCE(*cnt, 3);")
	assert.Contains(t, text, "filter 0:w0=0")
	assert.Contains(t, notes, "12:10: smp_cond_load_acquire_label modeled by its last iteration: only the executions where its condition holds are checked; its jump to the label when it gives up is not modeled")
}

// bpf_for and bpf_repeat with constant bounds are unrolled.
func TestIteratorMacros(t *testing.T) {
	text, _ := body(t, `long counts[4];
int x;
// litmus: exists (x=1)
// litmus: thread
int f(void *ctx)
{
	int i;
	bpf_for(i, 1, 3) {
		__sync_fetch_and_add(&counts[i], 1);
	}
	bpf_repeat(2) {
		WRITE_ONCE(x, 1);
	}
	return 0;
}`)
	assert.Contains(t, text, "i = 1;\n\t{\n")
	assert.Contains(t, text, "atomic_fetch_add(1, counts_1);")
	assert.Contains(t, text, "i = 2;\n\t{\n")
	assert.Contains(t, text, "atomic_fetch_add(1, counts_2);")
	assert.Equal(t, 2, strings.Count(text, "WRITE_ONCE(*x, 1);"))
}

// A switch is a chain of ifs; labels without statements share the next
// ones'; a case that returns takes the code after the switch into the
// other branches.
func TestSwitch(t *testing.T) {
	text, notes := body(t, `enum { QUEUED = 1, RUNNING = 2, DONE = 3 };
int state, x, y;
// litmus: exists (f:r=1)
// litmus: thread
int f(void *ctx)
{
	int s = READ_ONCE(state), r = 0;
	switch (s) {
	case QUEUED:
	case RUNNING:
		WRITE_ONCE(x, 1);
		break;
	case DONE:
		return 0;
	default:
		r = 2;
	}
	WRITE_ONCE(y, r);
	return 0;
}`)
	assert.Contains(t, text, `	if (((s == 1) != 0) | ((s == 2) != 0)) {
		WRITE_ONCE(*x, 1);
		WRITE_ONCE(*y, r);
	} else if (s != 3) {
		r = 2;
		WRITE_ONCE(*y, r);
	}`)
	assert.Equal(t, []string{"8:2: switch translated as a chain of ifs"}, notes)

	// A case that falls through into the next one is not modeled.
	_, notes = body(t, "int x;\n// litmus: exists (x=1)\n// litmus: thread\nint f(void *ctx)\n{\n\tswitch (READ_ONCE(x)) {\n\tcase 1:\n\t\tx = 2;\n\tcase 2:\n\t\tx = 3;\n\t}\n\treturn 0;\n}")
	require.Len(t, notes, 1)
	assert.Contains(t, notes[0], "6:2: not modeled: switch statement, which accesses the shared x")
}

// "litmus: param" gives thread parameters and __kconfig externs a value;
// without it an extern is unknown, and a condition on it goes both ways.
func TestParams(t *testing.T) {
	text, notes := body(t, `extern int CONFIG_HZ __kconfig;
extern bool CONFIG_SMP __kconfig;
int x, y;
// litmus: param tif=1 CONFIG_SMP=1
// litmus: exists (x=1)
// litmus: thread
int BPF_PROG(f, int tif, void *p)
{
	if (tif && CONFIG_SMP)
		WRITE_ONCE(x, 1);
	if (CONFIG_HZ > 100)
		WRITE_ONCE(y, 1);
	return 0;
}`)
	assert.Contains(t, text, "\tint tif = 1;\n")
	assert.Contains(t, text, "if ((tif != 0) & (1 != 0)) {")
	assert.Contains(t, text, "if (READ_ONCE(*unknown0)) {\n\t\tWRITE_ONCE(*y, 1);")
	assert.Contains(t, notes, "11:6: not modeled: extern CONFIG_HZ (give its value with // litmus: param CONFIG_HZ=VALUE; taken as 0)")

	tr := translate(t, files{"main.c": "int x;\n// litmus: param tif 2=3\n// litmus: exists (x=1)\n// litmus: thread\nint f(void *ctx) { x = 1; return 0; }\n"})
	var msgs []string
	for _, n := range tr.Notes {
		msgs = append(msgs, n.Msg)
	}
	assert.ElementsMatch(t, []string{`litmus: param takes NAME=VALUE pairs, VALUE an integer: "tif"`, `litmus: param takes NAME=VALUE pairs, VALUE an integer: "2=3"`}, msgs)
}

// A skeleton section held in a pointer ("bss = skel->bss") names the
// globals as skel->bss does.
func TestSkeletonPointer(t *testing.T) {
	text, notes := body(t, `int counts[4];
int ready;
// litmus: exists (u:c=0)
// litmus: thread
void *u(void *arg)
{
	struct x_bpf *skel = arg;
	struct x_bpf__bss *bss = skel->bss;
	int i = 1;
	int r = smp_load_acquire(&bss->ready);
	int c = bss->counts[i];
	return NULL;
}`)
	assert.Contains(t, text, "int r = smp_load_acquire(ready);\n\tint c = *counts_1;")
	assert.Empty(t, notes)
}

// Arrays of structs and array fields: one location per field of each
// element; a computed index is a chain of ifs.
func TestArraysOfStructs(t *testing.T) {
	src := `struct slot { int seq; int val; } slots[2] = { { 1, 2 } };
struct ring { int head; int buf[2]; } r;
// litmus: exists (f:v=2)
// litmus: thread
int f(void *ctx)
{
	int h = READ_ONCE(r.head);
	int v = slots[h].val;
	slots[1].seq = 3;
	WRITE_ONCE(r.buf[h], 7);
	r.buf[0] = 1;
	return 0;
}`
	text := string(translate(t, files{"main.c": src}).Scenarios[0].Text)
	for _, want := range []string{
		"int slots_0_val = 2;", "int slots_1_seq = 0;",
		"if (h == 0) {\n\t\tt0 = *slots_0_val;\n\t} else if (h == 1) {\n\t\tt0 = *slots_1_val;\n\t}",
		"*slots_1_seq = 3;",
		"if (h == 0) {\n\t\tWRITE_ONCE(*r_buf_0, 7);\n\t} else if (h == 1) {\n\t\tWRITE_ONCE(*r_buf_1, 7);\n\t}",
		"*r_buf_0 = 1;",
	} {
		assert.Contains(t, text, want)
	}
}

// Struct locals are a register per field; a whole struct is copied and
// assigned field by field (marked when the destination is volatile).
func TestStructCopy(t *testing.T) {
	text, notes := body(t, `struct rec { int a; int b; };
struct rec g, h;
volatile struct rec vg;
// litmus: exists (f:snap.a=1)
// litmus: thread
int f(void *ctx)
{
	struct rec snap = g;
	struct rec z = { .b = 5 };
	int x = snap.a + z.b;
	h = snap;
	snap.b = 3;
	vg = g;
	struct rec *p = &h;
	struct rec w = *p;
	return 0;
}`)
	for _, want := range []string{
		"\tint snap_a;\n\tint snap_b;\n\tsnap_a = *g_a;\n\tsnap_b = *g_b;\n",
		"\tint z_a = 0;\n\tint z_b = 5;\n\tint x = snap_a + z_b;\n",
		"\t*h_a = snap_a;\n\t*h_b = snap_b;\n\tsnap_b = 3;\n",
		"\tWRITE_ONCE(*vg_a, *g_a);\n\tWRITE_ONCE(*vg_b, *g_b);\n",
		"\tw_a = *h_a;\n\tw_b = *h_b;\n",
		"exists (0:snap_a=1)",
	} {
		assert.Contains(t, text, want)
	}
	assert.Empty(t, notes)
}

// bpf_loop with a constant count and a callback of the file that returns
// 0 is the callback inlined that many times, its index a constant.
func TestBPFLoop(t *testing.T) {
	text, notes := body(t, `long counts[4];
static int cb(__u32 index, void *ctx)
{
	__sync_fetch_and_add(&counts[index], 1);
	return 0;
}
static int stop(__u32 index, void *ctx)
{
	return 1;
}
// litmus: exists (counts[1]=1)
// litmus: thread
int f(void *ctx)
{
	int n = bpf_loop(2, cb, NULL, 0);
	bpf_loop(2, stop, NULL, 0);
	return 0;
}`)
	assert.Contains(t, text, "\tint index = 0;\n\t{\n")
	assert.Contains(t, text, "atomic_fetch_add(1, counts_0);")
	assert.Contains(t, text, "\tint index_1 = 1;\n\t{\n")
	assert.Contains(t, text, "atomic_fetch_add(1, counts_1);")
	assert.Contains(t, text, "\tint n = 2;\n")
	assert.Contains(t, notes, "15:10: bpf_loop unrolled: 2 calls of cb")
	assert.Contains(t, notes, "16:2: not modeled: helper call bpf_loop")
}

// The real arena lock's helpers: likely/unlikely are their argument,
// cond_break_label leaves a loop only when it runs too long, a
// compare-and-exchange retry loop is its last (successful) iteration, and
// an index the translation cannot compute is any element.
func TestRealHelpers(t *testing.T) {
	text, notes := body(t, `#define _Q_LOCKED_VAL 1
typedef struct { int val; } arena_spinlock_t;
arena_spinlock_t lock;
long counts[2];
// litmus: exists (f:got=1)
static __always_inline int arena_spin_trylock(arena_spinlock_t __arena *lock)
{
	int val = atomic_read(&lock->val);

	if (unlikely(val))
		return 0;
	return likely(atomic_try_cmpxchg_acquire(&lock->val, &val, _Q_LOCKED_VAL));
}
// litmus: thread
int f(void *ctx)
{
	int got = arena_spin_trylock(&lock);
	u32 old = atomic_read(&lock.val), new;
	do {
		new = old | 256;
		cond_break_label(out);
	} while (!atomic_try_cmpxchg_acquire(&lock.val, &old, new));
	__sync_fetch_and_add(&counts[bpf_get_smp_processor_id()], 1);
	return 0;
out:
	return 1;
}`)
	for _, want := range []string{
		"\t\tint val = READ_ONCE(*lock_val);\n\t\tif (val) {\n\t\t\tarena_spin_trylock_ret0 = 0;\n\t\t} else {\n\t\t\tint t0 = cmpxchg_acquire(lock_val, val, 1);",
		"\t{\n\t\tnew = old | 256;\n",
		"int t1 = cmpxchg_acquire(lock_val, old, new);",
		"if (READ_ONCE(*unknown0)) {\n\t\tint t2 = atomic_fetch_add(1, counts_0);\n\t} else {\n\t\tint t3 = atomic_fetch_add(1, counts_1);\n\t}",
		"filter 0:w0=0",
	} {
		assert.Contains(t, text, want)
	}
	assert.Contains(t, notes, "21:3: cond_break_label: the exit of a loop that runs too long is not modeled")
	assert.Contains(t, notes, "23:31: not modeled: index bpf_get_smp_processor_id() depends on values the translation cannot compute: any element, in different executions")
}

// bpf_task_storage_get and the other local-storage getters point to
// their map's one element, as bpf_map_lookup_elem does.
func TestStorageGet(t *testing.T) {
	text, notes := body(t, `struct task_ctx { int state; int seq; };
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctx_stor SEC(".maps");
// litmus: exists (task_ctx_stor.seq=1)
// litmus: thread
int BPF_PROG(f, struct task_struct *p)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctx_stor, p, 0, 0);
	if (!tctx)
		return 0;
	WRITE_ONCE(tctx->seq, 1);
	smp_store_release(&tctx->state, 1);
	return 0;
}`)
	assert.Contains(t, text, "WRITE_ONCE(*task_ctx_stor_seq, 1);\n\t\tsmp_store_release(task_ctx_stor_state, 1);")
	assert.Equal(t, []string{"11:26: every key of map task_ctx_stor names one element: accesses through different keys are taken to conflict"}, notes)
}

// A final condition on a location stored a value the translation cannot
// compute gets no verdict.
func TestUnknownStore(t *testing.T) {
	tr := translate(t, files{"main.c": `int x, y, z;
// litmus: exists (x=5 /\ y=1 /\ z=0)
// litmus: thread
int f(void *ctx)
{
	x = bpf_get_prandom_u32();
	WRITE_ONCE(y, bpf_ktime_get_ns());
	smp_store_release(&z, 3);
	return 0;
}`})
	var errs []string
	for _, n := range tr.Notes {
		if n.IsError() {
			errs = append(errs, tr.Position(Loc{n.File, n.Span}).String()+": "+n.Kind.String()+": "+n.Msg)
		}
	}
	assert.Equal(t, []string{
		"main.c:2:20: incomplete: x may hold a value the translation cannot compute (stored at main.c:6:2): the scenario gets no verdict until that value is written with what the translation models",
		"main.c:2:27: incomplete: y may hold a value the translation cannot compute (stored at main.c:7:2): the scenario gets no verdict until that value is written with what the translation models",
	}, errs)
}

// Each scenario has the notes of its own threads.
func TestScenarioNotes(t *testing.T) {
	tr := translate(t, files{"main.c": `int x;
// litmus: test one
// litmus: threads a
// litmus: exists (x=1)
// litmus: test two
// litmus: threads b
// litmus: exists (x=1)
// litmus: thread
int a(void *ctx) { bpf_printk("a"); x = 1; return 0; }
// litmus: thread
int b(void *ctx) { bpf_trace_printk("b"); x = 1; return 0; }
`})
	require.Len(t, tr.Scenarios, 2)
	msgs := func(ns []Note) (out []string) {
		for _, n := range ns {
			out = append(out, n.Msg)
		}
		return out
	}
	assert.Equal(t, []string{"not modeled: helper call bpf_printk"}, msgs(tr.Scenarios[0].Notes))
	assert.Equal(t, []string{"not modeled: helper call bpf_trace_printk"}, msgs(tr.Scenarios[1].Notes))
	assert.Len(t, tr.Notes, 2)
}
