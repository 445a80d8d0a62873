package bpfc

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cpuSrc uses each kind of builtin whose code depends on -mcpu.
const cpuSrc = `int x, y;
// litmus: exists (x=1)
// litmus: thread
int f(void *ctx)
{
	long slot = 0;
	__sync_fetch_and_add(&x, 1);
	__sync_fetch_and_or(&y, 2);
	__atomic_fetch_add(&x, 1, __ATOMIC_RELAXED);
	__sync_fetch_and_add(&slot, 0);
	return 0;
}
`

// translateCPU translates src with opts and returns the thread's text,
// the header's CPU line and the notes as "line:col: kind: message".
func translateCPU(t *testing.T, src string, opts Options) (body, header string, notes []string, sc *Scenario) {
	t.Helper()
	tr, err := TranslateOptions("main.c", []byte(src), files{}.load, opts)
	require.NoError(t, err)
	for _, n := range tr.Notes {
		notes = append(notes, tr.Position(Loc{n.File, n.Span}).String()[len("main.c:"):]+": "+n.Kind.String()+": "+n.Msg)
	}
	require.Len(t, tr.Scenarios, 1)
	sc = tr.Scenarios[0]
	text := string(sc.Text)
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "(* BPF built") {
			header = l
		}
	}
	return text[strings.Index(text, "P0("):], header, notes, sc
}

// The default is clang 20's -mcpu=v3: an unused __sync_fetch_and_OP is
// the fetching, fully ordered instruction (LLVM pull requests 106494 and
// 107008), a relaxed unused __atomic_fetch_add the non-fetching one, and
// the add to a stack slot (bpf_atomic.h's smp_mb()) a full barrier.
func TestCPUDefault(t *testing.T) {
	body, header, notes, sc := translateCPU(t, cpuSrc, Options{})
	assert.Equal(t, CPUv3, sc.CPU)
	assert.Contains(t, header, "-mcpu=v3 (clang 20 and later")
	assert.Contains(t, body, "\tint t0 = atomic_fetch_add(1, x);")
	assert.Contains(t, body, "\tint t1 = atomic_fetch_or(2, y);")
	assert.Contains(t, body, "\tatomic_add(1, x);")
	assert.Contains(t, body, "\tsmp_mb();")
	assert.Len(t, sc.CPUSensitive, 3) // the two __sync calls and the stack slot
	for _, n := range notes {
		assert.NotContains(t, n, ": compile: ")
	}
}

// -mcpu=v1/v2 has only the non-fetching add: an unused
// __sync_fetch_and_add is atomic_add, and the add to a stack slot orders
// nothing; __sync_fetch_and_or does not compile at all.
func TestCPUv2(t *testing.T) {
	for _, opts := range []Options{{CPU: CPUv2}, {CPU: CPUv1}} {
		body, header, notes, sc := translateCPU(t, cpuSrc, opts)
		assert.Equal(t, opts.CPU, sc.CPU)
		assert.Contains(t, header, "-mcpu="+opts.CPU.String()+" (an unused __sync_fetch_and_add is the unordered atomic_add)")
		assert.Contains(t, body, "\tatomic_add(1, x);\n")
		assert.NotContains(t, body, "smp_mb")
		assert.Empty(t, sc.CPUSensitive)
		assert.Contains(t, notes, "8:2: compile: clang -mcpu="+opts.CPU.String()+" cannot compile __sync_fetch_and_or: BPF has atomic or from -mcpu=v3 (clang's default since clang 20)")
	}
}

// A used result of __sync_fetch_and_add, an exchange or a
// compare-and-exchange does not compile for v1/v2 either.
func TestCPUv2Errors(t *testing.T) {
	src := `int x;
// litmus: exists (x=1)
// litmus: cpu v2
// litmus: thread
int f(void *ctx)
{
	long r = __sync_fetch_and_add(&x, 1);
	r = __sync_lock_test_and_set(&x, 2);
	r = __sync_val_compare_and_swap(&x, 0, 1);
	return 0;
}
`
	_, _, notes, _ := translateCPU(t, src, Options{})
	assert.Equal(t, []string{
		`7:11: compile: clang -mcpu=v2 cannot compile a used result of __sync_fetch_and_add ("Invalid usage of the XADD return value"): BPF has fetching atomics from -mcpu=v3 (clang's default since clang 20)`,
		"8:6: compile: clang -mcpu=v2 cannot compile __sync_lock_test_and_set: BPF has exchange and compare-and-exchange from -mcpu=v3 (clang's default since clang 20)",
		"9:6: compile: clang -mcpu=v2 cannot compile __sync_val_compare_and_swap: BPF has exchange and compare-and-exchange from -mcpu=v3 (clang's default since clang 20)",
	}, notes)
}

// The annotation chooses the CPU; the caller's choice overrides it; a
// malformed one is an annotation error.
func TestCPUAnnotation(t *testing.T) {
	src := strings.Replace(cpuSrc, "// litmus: thread", "// litmus: cpu v1\n// litmus: thread", 1)
	_, header, _, sc := translateCPU(t, src, Options{})
	assert.Equal(t, CPUv1, sc.CPU)
	assert.Contains(t, header, "-mcpu=v1")
	_, _, _, sc = translateCPU(t, src, Options{CPU: CPUv4})
	assert.Equal(t, CPUv4, sc.CPU)

	bad := strings.Replace(cpuSrc, "// litmus: thread", "// litmus: cpu v9\n// litmus: thread", 1)
	_, _, notes, sc := translateCPU(t, bad, Options{})
	assert.Equal(t, DefaultCPU, sc.CPU)
	assert.Contains(t, notes, "3:4: annotation: litmus: cpu takes v1, v2, v3 or v4")
}

// A clang before 20 at -mcpu=v3 emits the non-fetching instruction for
// every unused read-modify-write, and/or/xor included.
func TestCPUOldClang(t *testing.T) {
	body, header, _, sc := translateCPU(t, cpuSrc, Options{OldClang: true})
	assert.Contains(t, header, "clang before 20, -mcpu=v3")
	assert.Contains(t, body, "\tatomic_add(1, x);")
	assert.Contains(t, body, "\tatomic_or(2, y);")
	assert.NotContains(t, body, "smp_mb")
	assert.Empty(t, sc.CPUSensitive)
}

// With bpf_atomic.h included, its smp_mb() is the add to a stack slot: a
// barrier at v3, nothing at v1/v2.
func TestCPUAtomicHeader(t *testing.T) {
	src := "#include \"bpf_atomic.h\"\nint x;\n// litmus: exists (x=1)\n// litmus: thread\nint f(void *ctx)\n{\n\tWRITE_ONCE(x, 1);\n\tsmp_mb();\n\treturn 0;\n}\n"
	body, _, _, sc := translateCPU(t, src, Options{})
	assert.Contains(t, body, "\tsmp_mb();")
	assert.Len(t, sc.CPUSensitive, 1)
	body, _, notes, _ := translateCPU(t, src, Options{CPU: CPUv2})
	assert.Contains(t, body, "\tbarrier();")
	assert.Contains(t, notes, "8:2: translation: bpf_atomic.h's smp_mb() is an unused __sync_fetch_and_add of a local: with clang -mcpu=v2 it is the non-fetching add, which orders nothing (barrier())")
	// Without the header, smp_mb() is the kernel's.
	body, _, _, sc = translateCPU(t, strings.TrimPrefix(src, "#include \"bpf_atomic.h\"\n"), Options{CPU: CPUv2})
	assert.Contains(t, body, "\tsmp_mb();")
	assert.Empty(t, sc.CPUSensitive)
}

func TestParseCPU(t *testing.T) {
	for s, want := range map[string]CPU{"v1": CPUv1, "2": CPUv2, " v3 ": CPUv3, "v4": CPUv4, "v5": CPUDefault, "": CPUDefault, "vv3": CPUDefault} {
		assert.Equal(t, want, ParseCPU(s), s)
	}
	assert.Equal(t, "v3", CPUv3.String())
	assert.Equal(t, "", CPUDefault.String())
}

// acqRelSrc is message passing in a BPF program (it includes
// bpf_helpers.h) with an acquire load and a release store, and the same
// accesses in a user-space file (no BPF header, no SEC()).
const acqRelSrc = `#include <bpf/bpf_helpers.h>
int data, flag;
// litmus: exists (r:f=1 /\ r:d=0)
// litmus: thread
int w(void *ctx)
{
	data = 42;
	__atomic_store_n(&flag, 1, __ATOMIC_RELEASE);
	return 0;
}
// litmus: thread
int r(void *ctx)
{
	int f = __atomic_load_n(&flag, __ATOMIC_ACQUIRE), d = 0;
	if (f)
		d = data;
	return 0;
}
`

// Load-acquire and store-release are BPF instructions from -mcpu=v4 only
// (../shared/facts/bpf-lowering.md, section 3: L-108636): below v4 a BPF
// program's acquire load and release store are taken as READ_ONCE and
// WRITE_ONCE, the most it can count on, with a note each, never as the
// ordered accesses; with "litmus: cpu v4" they are. User-space code,
// built for the host, keeps its ordering whatever the cpu.
func TestCPUAcquireRelease(t *testing.T) {
	body, _, notes, _ := translateCPU(t, acqRelSrc, Options{})
	assert.Contains(t, body, "WRITE_ONCE(*flag, 1);")
	assert.Contains(t, body, "READ_ONCE(*flag)")
	assert.NotContains(t, body, "smp_load_acquire")
	assert.NotContains(t, body, "smp_store_release")
	var acqrel []string
	for _, n := range notes {
		if strings.Contains(n, "only from -mcpu=v4") {
			acqrel = append(acqrel, n)
		}
	}
	assert.Len(t, acqrel, 2, "%q", notes)

	body, _, _, _ = translateCPU(t, acqRelSrc, Options{CPU: CPUv4})
	assert.Contains(t, body, "smp_store_release(flag, 1);")
	assert.Contains(t, body, "smp_load_acquire(flag)")

	user := strings.Replace(acqRelSrc, "#include <bpf/bpf_helpers.h>\n", "", 1)
	body, _, notes, _ = translateCPU(t, user, Options{})
	assert.Contains(t, body, "smp_store_release(flag, 1);")
	assert.Contains(t, body, "smp_load_acquire(flag)")
	for _, n := range notes {
		assert.NotContains(t, n, "only from -mcpu=v4")
	}
}
