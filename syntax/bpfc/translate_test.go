package bpfc

import (
	"errors"
	"fmt"
	iofs "io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// files maps names to contents, as the load function of Translate sees
// them.
type files map[string]string

func (fs files) load(p string) ([]byte, error) {
	s, ok := fs[p]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", p, iofs.ErrNotExist)
	}
	return []byte(s), nil
}

// translate translates fs["main.c"].
func translate(t *testing.T, fs files) *Translation {
	t.Helper()
	tr, err := Translate("main.c", []byte(fs["main.c"]), fs.load)
	require.NoError(t, err)
	return tr
}

// check translates src (as main.c) and compares the body of the threads of
// its one scenario, and the notes as "line:col: message", with want.
func check(t *testing.T, src string, wantThreads string, wantNotes ...string) {
	t.Helper()
	tr := translate(t, files{"main.c": src})
	var notes []string
	for _, n := range tr.Notes {
		p := tr.Position(Loc{n.File, n.Span})
		notes = append(notes, p.String()[len("main.c:"):]+": "+n.Msg)
	}
	assert.Equal(t, wantNotes, notes)
	require.Len(t, tr.Scenarios, 1)
	text := string(tr.Scenarios[0].Text)
	start := strings.Index(text, "\nP0(")
	end := strings.LastIndex(text, "\n}\n")
	require.True(t, start >= 0 && end > start, text)
	assert.Equal(t, strings.TrimSpace(wantThreads), strings.TrimSpace(text[start:end+2]))
}

const head = "// litmus: exists (x=1)\nint x, y;\nstruct bpf_spin_lock l;\n"

func TestAccesses(t *testing.T) {
	check(t, head+`
// litmus: thread
int f(void *ctx)
{
	int r = x;                    /* plain */
	x = r + 1;
	y += 2;
	r = READ_ONCE(y);
	WRITE_ONCE(x, r);
	*(volatile int *)&y = 3;
	r = *(volatile int *)&x;
	r = smp_load_acquire(&x);
	smp_store_release(&y, 1);
	x++;
	return r;
}`, `
P0(int *x, int *y)
{
	int r = *x;
	*x = r + 1;
	*y += 2;
	r = READ_ONCE(*y);
	WRITE_ONCE(*x, r);
	WRITE_ONCE(*y, 3);
	r = READ_ONCE(*x);
	r = smp_load_acquire(x);
	smp_store_release(y, 1);
	*x += 1;
}`)
}

func TestAtomics(t *testing.T) {
	check(t, head+`
// litmus: thread
int f(void *ctx)
{
	int r, e = 0;
	r = __sync_fetch_and_add(&x, 1);
	__sync_fetch_and_or(&x, 4);
	r = __sync_add_and_fetch(&x, 1);
	r = __sync_xor_and_fetch(&x, 1);
	r = __sync_val_compare_and_swap(&x, 0, 1);
	r = __sync_bool_compare_and_swap(&x, 0, 1);
	r = __sync_lock_test_and_set(&y, 2);
	__atomic_fetch_add(&x, 1, __ATOMIC_RELAXED);
	r = __atomic_fetch_sub(&x, 1, __ATOMIC_RELAXED);
	r = __atomic_fetch_and(&x, 1, __ATOMIC_ACQUIRE);
	r = __atomic_add_fetch(&x, 1, __ATOMIC_RELEASE);
	r = __atomic_exchange_n(&y, 1, __ATOMIC_ACQ_REL);
	r = __atomic_load_n(&x, __ATOMIC_RELAXED);
	__atomic_store_n(&x, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&x, 2, __ATOMIC_SEQ_CST);
	if (__atomic_compare_exchange_n(&y, &e, 5, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		r = e;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	smp_mb();
	return 0;
}`, `
P0(int *x, int *y)
{
	int r;
	int e = 0;
	r = atomic_fetch_add(1, x);
	// result unused: clang 20 and later at -mcpu=v3 emit the fetching, fully ordered instruction (atomic_fetch_or); with -mcpu=v1/v2 or a clang before 20 it is the unordered atomic_or (main.c:10)
	int t1 = atomic_fetch_or(4, x);
	r = atomic_add_return(1, x);
	r = atomic_fetch_xor(1, x) ^ 1;
	r = cmpxchg(x, 0, 1);
	r = cmpxchg(x, 0, 1) == 0;
	r = xchg(y, 2);
	atomic_add(1, x);
	r = atomic_fetch_sub_relaxed(1, x);
	r = atomic_fetch_and_acquire(1, x);
	r = atomic_add_return_release(1, x);
	r = xchg(y, 1);
	r = READ_ONCE(*x);
	WRITE_ONCE(*x, 1);
	smp_store_release(x, 2);
	smp_mb();
	int t0 = cmpxchg_acquire(y, e, 5);
	int ok0 = t0 == e;
	e = t0;
	if (ok0) {
		r = e;
	}
	smp_mb();
	smp_mb();
}`, "10:2: result unused: clang 20 and later at -mcpu=v3 emit the fetching, fully ordered instruction (atomic_fetch_or); with -mcpu=v1/v2 or a clang before 20 it is the unordered atomic_or")
}

func TestLocksAndControl(t *testing.T) {
	check(t, head+`
// litmus: thread
SEC("tc")
int f(struct __sk_buff *skb)
{
	bpf_spin_lock(&l);
	if (x) {
		bpf_spin_unlock(&l);
		return 0;
	}
	y = 1;
	bpf_spin_unlock(&l);
	return 1;
}`, `
P0(int *x, int *y, spinlock_t *l)
{
	spin_lock(l);
	if (*x) {
		spin_unlock(l);
	} else {
		*y = 1;
		spin_unlock(l);
	}
}`)
}

func TestNotModeled(t *testing.T) {
	// The loop accesses a shared location: the scenario depends on it, so
	// it is an error (no verdict), not information; a per-CPU map is no
	// CPU's but its own.
	check(t, head+`
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, int); __type(value, int); } m SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __type(value, int); } pc SEC(".maps");
// litmus: thread
int f(void *ctx)
{
	int *v, *w, k = 0, i;
	v = bpf_map_lookup_elem(&m, &k);
	if (!v)
		return 0;
	*v = 1;
	w = bpf_map_lookup_elem(&pc, &k);
	*w = 2;
	for (i = 0; i < k; i++)
		x = i;
	bpf_printk("hi");
	return TC_ACT_OK;
}`, `
P0(int *m)
{
	int k = 0;
	int i;
	// every key of map m names one element: accesses through different keys are taken to conflict (main.c:11)
	if (1 != 0) {
		*m = 1;
		// not modeled: pc, a per-CPU map, whose elements no two CPUs share (main.c:16)
		// not modeled: loop for (i = 0; i < k; i++) x = i;, which accesses the shared x: the scenario gets no verdict until this is written with what the translation models (main.c:17)
		// not modeled: helper call bpf_printk (main.c:19)
	}
}`, "11:6: every key of map m names one element: accesses through different keys are taken to conflict",
		"16:2: not modeled: pc, a per-CPU map, whose elements no two CPUs share",
		"17:2: not modeled: loop for (i = 0; i < k; i++) x = i;, which accesses the shared x: the scenario gets no verdict until this is written with what the translation models",
		"19:2: not modeled: helper call bpf_printk")
	tr := translate(t, files{"main.c": head + "// litmus: thread\nint f(void *ctx)\n{\n\tfor (;;)\n\t\tx = 1;\n\treturn 0;\n}\n"})
	require.Len(t, tr.Notes, 1)
	assert.Equal(t, NoteIncomplete, tr.Notes[0].Kind)
	assert.True(t, tr.Notes[0].IsError())
}

func TestAnnotationErrors(t *testing.T) {
	tr := translate(t, files{"main.c": `int x;
// litmus: exists (t:r=1 /\ z=2)
// litmus: frobnicate
// litmus: thread t
void f(void) { x = 1; }
// litmus: thread
`})
	var msgs []string
	for _, n := range tr.Notes {
		assert.True(t, n.IsError())
		msgs = append(msgs, tr.Position(Loc{n.File, n.Span}).String()+": "+n.Msg)
	}
	assert.Equal(t, []string{
		`main.c:2:20: thread t has no local variable "r"`,
		`main.c:2:29: no global "z" (write THREAD:local for a thread's local variable)`,
		`main.c:3:4: unknown litmus annotation "frobnicate" (want test, with, thread, threads, exists, ~exists, forall, filter, expect, cpu or param)`,
		`main.c:6:4: litmus: thread is not followed by a function definition`,
	}, msgs)
	require.Len(t, tr.Scenarios, 1)
	assert.Nil(t, tr.Scenarios[0].File.Cond)
}

func TestPropSyntax(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{`(0:r=1 /\ x!=2) \/ ~(y==-1) -> true`, ""},
		{`0:r=1 && !(x=0x10 || y=1)`, ""},
		{`a:r=b:s /\ x!=a:r`, ""},
		{`a:r=b:`, `expected a local variable name after "b:"`},
		{`0:r=`, "expected a value"},
		{`0:r=1 /\`, "expected THREAD:local=value or global=value"},
		{`(x=1`, "expected ')'"},
		{`x=1 y=2`, `unexpected "y=2"`},
		{strings.Repeat("(", 500) + "x=1", "condition nested too deeply"},
	} {
		_, err := parseProp(tc.in, 0)
		if tc.err == "" {
			assert.Nil(t, err, tc.in)
		} else if assert.NotNil(t, err, tc.in) {
			assert.Equal(t, tc.err, err.Msg)
		}
	}
}

// The "with" file's threads join the scenario, its skeleton accesses name
// the BPF globals, and the source map leads both ways.
func TestWithAndSourceMap(t *testing.T) {
	fs := files{
		"progs/p.c": `// litmus: test mp
// litmus: with ../user/u.c
// litmus: exists (user:f=1 /\ user:d=0)
int data SEC(".bss"), flag SEC(".bss");
// litmus: thread
SEC("xdp") int prog(void *ctx) { data = 1; smp_store_release(&flag, 1); return 0; }
`,
		"user/u.c": `// litmus: thread user
void u(struct p *skel)
{
	int f = smp_load_acquire(&skel->bss->flag);
	int d = skel->bss->data;
}
`,
	}
	tr, err := Translate("progs/p.c", []byte(fs["progs/p.c"]), fs.load)
	require.NoError(t, err)
	assert.Empty(t, tr.Notes)
	require.Len(t, tr.Scenarios, 1)
	sc := tr.Scenarios[0]
	assert.Equal(t, "mp", sc.Name)
	text := string(sc.Text)
	assert.Contains(t, text, "// user/u.c:2-6 user\nP1(int *data, int *flag)")

	// Generated → C: the plain read of data in P1.
	gen := strings.Index(text, "*data;")
	l, ok := sc.Map.ToC(syntax.Span{Start: gen, End: gen + len("*data")})
	require.True(t, ok)
	assert.Equal(t, LinkExpr, l.Kind)
	u := tr.Source("user/u.c")
	assert.Equal(t, "skel->bss->data", string(u.Text[l.C.Span.Start:l.C.Span.End]))

	// The condition maps to its annotation; an atom to its text.
	l, ok = sc.Map.ToC(sc.File.Cond.Span)
	require.True(t, ok)
	assert.Equal(t, LinkCond, l.Kind)
	assert.Equal(t, "litmus: exists (user:f=1 /\\ user:d=0)", string(tr.Sources[0].Text[l.C.Span.Start:l.C.Span.End]))

	// C → generated: the acquire load of flag.
	off := strings.Index(fs["user/u.c"], "smp_load_acquire")
	links := sc.Map.FromC("user/u.c", off)
	require.NotEmpty(t, links)
	assert.Equal(t, "smp_load_acquire(flag)", text[links[0].Gen.Start:links[0].Gen.End])

	// Every link lies in the generated text and in its C file.
	for _, l := range sc.Map.Links() {
		assert.True(t, 0 <= l.Gen.Start && l.Gen.Start <= l.Gen.End && l.Gen.End <= len(sc.Text))
		src := tr.Source(l.C.File)
		require.NotNil(t, src, l.C.File)
		assert.True(t, 0 <= l.C.Span.Start && l.C.Span.Start <= l.C.Span.End && l.C.Span.End <= len(src.Text))
	}
}

func TestScenarios(t *testing.T) {
	tr := translate(t, files{"main.c": `int x;
// litmus: filter (x=1)
// litmus: test one
// litmus: exists (x=1)
// litmus: test two
// litmus: forall (x=1)
// litmus: expect Always
// litmus: thread
void f(void) { WRITE_ONCE(x, 1); }
`})
	assert.Empty(t, tr.Notes)
	require.Len(t, tr.Scenarios, 2)
	assert.Equal(t, "one", tr.Scenarios[0].Name)
	assert.Equal(t, syntax.Exists, tr.Scenarios[0].File.Cond.Quant)
	assert.NotNil(t, tr.Scenarios[0].File.Filter) // file-level annotations apply to every scenario
	assert.Equal(t, syntax.Forall, tr.Scenarios[1].File.Cond.Quant)
	require.NotNil(t, tr.Scenarios[1].File.Result)
	assert.Equal(t, "Always", tr.Scenarios[1].File.Result.Verdict)

	// "threads" picks the threads of a scenario.
	tr = translate(t, files{"main.c": `int x;
// litmus: test one
// litmus: threads b
// litmus: exists (x=2)
// litmus: test two
// litmus: threads a c
// litmus: exists (x=1)
// litmus: thread a
void f(void) { WRITE_ONCE(x, 1); }
// litmus: thread b
void g(void) { WRITE_ONCE(x, 2); }
`})
	require.Len(t, tr.Scenarios, 2)
	assert.Len(t, tr.Scenarios[0].File.Threads, 1)
	assert.Contains(t, string(tr.Scenarios[0].Text), "WRITE_ONCE(*x, 2)")
	assert.Len(t, tr.Scenarios[1].File.Threads, 1)
	require.Len(t, tr.Notes, 1)
	assert.Equal(t, `no thread named "c"`, tr.Notes[0].Msg)
	assert.Equal(t, "annotation", tr.Notes[0].Kind.String())

	// A file with only threads is no scenario; a missing "with" file is an error.
	tr = translate(t, files{"main.c": "// litmus: with nope.c\n// litmus: thread\nvoid f(void) {}\n"})
	assert.Empty(t, tr.Scenarios)
	require.Len(t, tr.Notes, 1)
	assert.Equal(t, "cannot read nope.c: no such file", tr.Notes[0].Msg)

	// Another I/O error is the tool failing.
	src := "// litmus: with u.c\n// litmus: exists (x=1)\nint x;\n// litmus: thread\nvoid f(void) {}\n"
	_, err := Translate("main.c", []byte(src), func(string) ([]byte, error) { return nil, errors.New("disk on fire") })
	assert.EqualError(t, err, "disk on fire")
}

// Names that clash with primitives or with each other are renamed.
func TestNames(t *testing.T) {
	check(t, "// litmus: exists (xchg=1)\nint xchg, x;\n"+`
// litmus: thread
void f(void)
{
	int x = xchg;
	{
		int x = 2;
		xchg = x;
	}
}`, `
P0(int *xchg_1)
{
	int x_1 = *xchg_1;
	{
		int x_2 = 2;
		*xchg_1 = x_2;
	}
}`)
}

func TestBlank(t *testing.T) {
	src := "#define private(n) SEC(\".data.\" #n)\nprivate(A) int x SEC(\".bss\") __hidden = 1; // SEC(\"keep\")\nchar s[] = \"SEC(x)\";\n"
	got := string(blank([]byte(src)))
	assert.Equal(t, len(src), len(got))
	assert.Equal(t, "#define private(n) SEC(\".data.\" #n)\n           int x                      = 1; // SEC(\"keep\")\nchar s[] = \"SEC(x)\";\n", got)
}

// A condition on a value the translation cannot compute keeps the path
// that carries on; bpf_for loops are not modeled, body included.
// An operand of a condition that the translation cannot compute is an
// unknown truth value, read from a location only the last thread writes:
// both ways are checked, and the modeled operands are kept.
func TestUnknownConditions(t *testing.T) {
	check(t, head+`
// litmus: thread
int f(void *ctx)
{
	int i, t = bpf_ktime_get_ns();
	if (t > 5)
		return 0;
	if (READ_ONCE(y) && t)
		x = 1;
	bpf_for(i, 0, t) {
		y = i;
	}
	return 0;
}`, `
P0(int *x, int *y, int *unknown0, int *unknown1)
{
	// not modeled: helper call bpf_ktime_get_ns (its result is taken as 0) (main.c:8)
	int i;
	int t = 0;
	// not modeled: t > 5 depends on values the translation cannot compute: taken as unknown, true in some executions and false in others (main.c:9)
	if (READ_ONCE(*unknown0) == 0) {
		// not modeled: t depends on values the translation cannot compute: taken as unknown, true in some executions and false in others (main.c:11)
		int t0 = 0;
		if (READ_ONCE(*y)) {
			t0 = READ_ONCE(*unknown1) != 0;
		}
		if (t0) {
			*x = 1;
		}
		// not modeled: loop bpf_for(i, 0, t), whose body accesses the shared y: the scenario gets no verdict until this is written with what the translation models (main.c:13)
	}
}

// truth values the translation cannot compute (unknown0, unknown1): 0 or 1
P1(int *unknown0, int *unknown1)
{
	WRITE_ONCE(*unknown0, 1);
	WRITE_ONCE(*unknown1, 1);
}`, "8:13: not modeled: helper call bpf_ktime_get_ns (its result is taken as 0)",
		"9:6: not modeled: t > 5 depends on values the translation cannot compute: taken as unknown, true in some executions and false in others",
		"11:22: not modeled: t depends on values the translation cannot compute: taken as unknown, true in some executions and false in others",
		"13:2: not modeled: loop bpf_for(i, 0, t), whose body accesses the shared y: the scenario gets no verdict until this is written with what the translation models")
}

// Functions of the file are inlined: parameters become registers or
// aliases, returns set the result.
func TestInline(t *testing.T) {
	check(t, head+`
static __always_inline int bump(int *p, int by)
{
	if (READ_ONCE(y))
		return 0;
	__sync_fetch_and_add(p, by);
	return 1;
}
static void rec(void) { rec(); }
// litmus: thread
int f(void *ctx)
{
	int ok = bump(&x, 2);
	rec();
	return ok;
}`, `
P0(int *x, int *y)
{
	int by = 2;
	int bump_ret0;
	{
		if (READ_ONCE(*y)) {
			bump_ret0 = 0;
		} else {
			// result unused: clang 20 and later at -mcpu=v3 emit the fetching, fully ordered instruction (atomic_fetch_add); with -mcpu=v1/v2 or a clang before 20 it is the unordered atomic_add (main.c:9)
			int t0 = atomic_fetch_add(by, x);
			bump_ret0 = 1;
		}
	}
	int ok = bump_ret0;
	// not modeled: recursive call to rec (main.c:12)
}`,
		"9:2: result unused: clang 20 and later at -mcpu=v3 emit the fetching, fully ordered instruction (atomic_fetch_add); with -mcpu=v1/v2 or a clang before 20 it is the unordered atomic_add",
		"12:25: not modeled: recursive call to rec")
}

// The first branch of a preprocessor conditional is translated.
func TestPreprocessor(t *testing.T) {
	check(t, head+`
// litmus: thread
void f(void)
{
#ifdef __BPF_FEATURE_LOAD_ACQ_STORE_REL
	__atomic_store_n(&x, 1, __ATOMIC_RELEASE);
#else
	smp_store_release(&x, 1);
#endif
	WRITE_ONCE(y, 1);
}`, `
P0(int *x, int *y)
{
	// preprocessor conditional: only its first branch is translated (main.c:8)
	smp_store_release(x, 1);
	WRITE_ONCE(*y, 1);
}`, "8:1: preprocessor conditional: only its first branch is translated")
}

// Polling loops that only read are modeled by their last iteration.
func TestLoops(t *testing.T) {
	check(t, head+`
// litmus: thread
void f(void)
{
	int v, n = 0;
	do {
		v = smp_load_acquire(&x);
	} while (v == 0);
	do {
		WRITE_ONCE(y, 1);
	} while (READ_ONCE(x) < 2);
	while (!READ_ONCE(y))
		cpu_relax();
}`, `
P0(int *x, int *y)
{
	int w0;
	int w1;
	int v;
	int n = 0;
	// polling loop modeled by its last iteration: only the executions where it ends are checked (main.c:9)
	{
		v = smp_load_acquire(x);
	}
	w0 = v == 0;
	// not modeled: loop do { WRITE_ONCE(y, 1); } while (READ_..., which accesses the shared y: the scenario gets no verdict until this is written with what the translation models (main.c:12)
	// spin-wait loop modeled by its last iteration: only the executions where it ends are checked (main.c:15)
	w1 = READ_ONCE(*y) == 0;
}`,
		"9:2: polling loop modeled by its last iteration: only the executions where it ends are checked",
		"12:2: not modeled: loop do { WRITE_ONCE(y, 1); } while (READ_..., which accesses the shared y: the scenario gets no verdict until this is written with what the translation models",
		"15:2: spin-wait loop modeled by its last iteration: only the executions where it ends are checked")
	tr := translate(t, files{"main.c": head + "// litmus: thread\nvoid f(void) { while (!READ_ONCE(x)); }\n"})
	require.Len(t, tr.Scenarios, 1)
	require.NotNil(t, tr.Scenarios[0].File.Filter)
	assert.Contains(t, string(tr.Scenarios[0].Text), "filter 0:w0=0\n")
	l, ok := tr.Scenarios[0].Map.ToC(tr.Scenarios[0].File.Filter.Span)
	require.True(t, ok)
	assert.Equal(t, LinkFilter, l.Kind)
	assert.Equal(t, "while (!READ_ONCE(x));", string(tr.Sources[0].Text[l.C.Span.Start:l.C.Span.End]))
}

// A store through a volatile pointer is WRITE_ONCE; a compound one reads
// the old value with READ_ONCE.
func TestVolatileCompound(t *testing.T) {
	check(t, head+`
// litmus: thread
void f(void)
{
	int k = READ_ONCE(y);
	*(volatile int *)&x += 2;
	(*(volatile int *)&y)++;
	k = (*(volatile int *)&x)--;
	k = (*(volatile int *)&y -= 3);
}`, `
P0(int *x, int *y)
{
	int k = READ_ONCE(*y);
	WRITE_ONCE(*x, READ_ONCE(*x) + 2);
	WRITE_ONCE(*y, READ_ONCE(*y) + 1);
	// not modeled: the value of a volatile update (taken as 0), which accesses the shared x: the scenario gets no verdict until this is written with what the translation models (main.c:11)
	k = WRITE_ONCE(*x, READ_ONCE(*x) - 1);
	// not modeled: the value of a volatile store (taken as 0), which accesses the shared y: the scenario gets no verdict until this is written with what the translation models (main.c:12)
	k = (WRITE_ONCE(*y, READ_ONCE(*y) - 3));
}`,
		"11:6: not modeled: the value of a volatile update (taken as 0), which accesses the shared x: the scenario gets no verdict until this is written with what the translation models",
		"12:7: not modeled: the value of a volatile store (taken as 0), which accesses the shared y: the scenario gets no verdict until this is written with what the translation models")
}

// Global arrays of scalars are one location per element; a computed index
// becomes a chain of ifs.
func TestArrays(t *testing.T) {
	check(t, `#define N (1 << 1)
// litmus: exists (buf[1]=7)
int buf[N] = { 5 };
int i;
// litmus: thread
void f(void)
{
	int k = READ_ONCE(i);
	buf[1] = 3;
	buf[k] = 7;
	WRITE_ONCE(buf[k & 1], buf[0]);
	k = buf[9];
}`, `
P0(int *buf_0, int *buf_1, int *i)
{
	int k = READ_ONCE(*i);
	*buf_1 = 3;
	// computed index into buf: one branch per element (main.c:10)
	if (k == 0) {
		*buf_0 = 7;
	} else if (k == 1) {
		*buf_1 = 7;
	}
	// computed index into buf: one branch per element (main.c:11)
	int t0 = *buf_0;
	if ((k & 1) == 0) {
		WRITE_ONCE(*buf_0, t0);
	} else if ((k & 1) == 1) {
		WRITE_ONCE(*buf_1, t0);
	}
	// not modeled: element 9 of buf, out of its bounds, which accesses the shared buf: the scenario gets no verdict until this is written with what the translation models (main.c:12)
	k = 0;
}`,
		"10:2: computed index into buf: one branch per element",
		"11:2: computed index into buf: one branch per element",
		"12:6: not modeled: element 9 of buf, out of its bounds, which accesses the shared buf: the scenario gets no verdict until this is written with what the translation models")
	tr := translate(t, files{"main.c": "#define N (1 << 1)\n// litmus: exists (buf[0]=5)\nint buf[N] = { 5 };\n// litmus: thread\nvoid f(void) { buf[1] = 7; }\n"})
	require.Len(t, tr.Scenarios, 1)
	assert.Contains(t, string(tr.Scenarios[0].Text), "int buf_0 = 5;")
}

// Counted loops with constant bounds are unrolled.
func TestUnroll(t *testing.T) {
	check(t, head+`
#define N 2
// litmus: thread
void f(void)
{
	int i, s = 0;
#pragma unroll
	for (int j = 0; j < N; j++)
		s += READ_ONCE(x);
	for (i = 1; i <= 2; i += 1) {
		WRITE_ONCE(y, i);
	}
}`, `
P0(int *x, int *y)
{
	int i;
	int s = 0;
	// loop unrolled: 2 iterations (main.c:11)
	int j = 0;
	{
		s = s + READ_ONCE(*x);
	}
	j = 1;
	{
		s = s + READ_ONCE(*x);
	}
	// loop unrolled: 2 iterations (main.c:13)
	i = 1;
	{
		WRITE_ONCE(*y, i);
	}
	i = 2;
	{
		WRITE_ONCE(*y, i);
	}
	i = 3;
}`,
		"11:2: loop unrolled: 2 iterations",
		"13:2: loop unrolled: 2 iterations")
}

// && and || evaluate their right operand only when C does; so does ?:.
func TestLazy(t *testing.T) {
	check(t, head+`
// litmus: thread
void f(void)
{
	int a = READ_ONCE(x) && READ_ONCE(y);
	int b = a || smp_load_acquire(&y);
	int c = b ? x : 2;
	do {
	} while (a && !READ_ONCE(x));
}`, `
P0(int *x, int *y)
{
	int w0;
	int t0 = 0;
	if (READ_ONCE(*x)) {
		t0 = READ_ONCE(*y) != 0;
	}
	int a = t0;
	int t1 = 1;
	if ((a) == 0) {
		t1 = smp_load_acquire(y) != 0;
	}
	int b = t1;
	int t2;
	if (b) {
		t2 = *x;
	} else {
		t2 = 2;
	}
	int c = t2;
	// spin-wait loop modeled by its last iteration: only the executions where it ends are checked (main.c:11)
	int t3 = 0;
	if (a) {
		t3 = (READ_ONCE(*x) == 0) != 0;
	}
	w0 = t3;
}`, "11:2: spin-wait loop modeled by its last iteration: only the executions where it ends are checked")
}
