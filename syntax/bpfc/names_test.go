package bpfc

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// namesFiles is a BPF file and its user-space side: a struct's fields, an
// array element, a global renamed out of the way of a primitive, a
// thread renamed by its annotation.
var namesFiles = files{
	"main.c": `struct rec { int a; int b; };
struct rec record;
int counts[2];
int xchg;

// litmus: with user.c
// litmus: exists (consumer:v=0)

// litmus: thread producer
int produce(void *ctx)
{
record.a = 1;
counts[1] = 2;
smp_store_release(&xchg, 1);
return 0;
}
`,
	"user.c": `// litmus: thread
void consumer(void)
{
int f = smp_load_acquire(&xchg);
int v = record.a + counts[1];
}
`,
}

// TestScenarioNames: the C names of a scenario's threads (the
// annotation's name, else the function's; a "with" file's too) and of
// its locations (struct fields, array elements, a global renamed out of
// the way of a primitive's name).
func TestScenarioNames(t *testing.T) {
	fs := namesFiles
	tr := translate(t, fs)
	require.Len(t, tr.Scenarios, 1, "%v", tr.Notes)
	sc := tr.Scenarios[0]
	n := tr.Names(sc)
	assert.Equal(t, []string{"producer", "consumer"}, n.Threads, string(sc.Text))
	assert.Equal(t, map[string]string{"record_a": "record.a", "counts_1": "counts[1]", "xchg_1": "xchg"}, n.Locs, string(sc.Text))
	assert.Equal(t, n.Threads, tr.AllNames()[0].Threads)
	assert.Equal(t, n.Locs, tr.AllNames()[0].Locs)
	assert.Equal(t, "consumer", n.Thread(1))
	assert.Equal(t, "P7", n.Thread(7))
	assert.Equal(t, "record.a", n.Loc("record_a"))
	assert.Equal(t, "v", n.Loc("v"))

	// Messages about the generated test, in the C's terms. The lines are
	// those of main.c and user.c above.
	genLine := func(sub string) int {
		i := strings.Index(string(sc.Text), sub)
		require.GreaterOrEqual(t, i, 0, sub)
		return sc.File.Lines.Position(i).Line
	}
	assert.Equal(t, "This plain write of record.a races with consumer's `record.a` at consumer:v, before line 12 and line 4 of user.c",
		n.Words(fmt.Sprintf("This plain write of record_a races with P1's `*record_a` at 1:v, before line %d and line %d",
			genLine("*record_a = 1"), genLine("int f = smp_load_acquire"))))
	assert.Equal(t, "consumer's `*record_a` line 999 in P7", n.WordsOutsideQuotes("P1's `*record_a` line 999 in P7"))

	var none *Names
	assert.Equal(t, "P0", none.Thread(0))
	assert.Equal(t, "x", none.Loc("x"))
}

// FuzzNamesWords: Words never panics, whatever the message, and leaves a
// message with nothing to rename as it is.
func FuzzNamesWords(f *testing.F) {
	tr, err := Translate("main.c", []byte(namesFiles["main.c"]), namesFiles.load)
	require.NoError(f, err)
	n := tr.Names(tr.Scenarios[0])
	for _, seed := range []string{
		"This plain write of record_a races with P1's `*record_a` at 1:v, before line 12",
		"line 99999999999999999999 P99999999999999999999 `unclosed",
		"lines 0 and line -1; 7:x P1P2 ``",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		n.Words(msg)
		n.WordsOutsideQuotes(msg)
		if !strings.ContainsAny(msg, "P:`_") && !strings.Contains(msg, "line") {
			assert.Equal(t, msg, n.Words(msg))
		}
	})
}

// BenchmarkAllNames measures the C names of a translation's scenarios
// (the C read again), next to the translation itself.
func BenchmarkAllNames(b *testing.B) {
	tr, err := Translate("main.c", []byte(namesFiles["main.c"]), namesFiles.load)
	require.NoError(b, err)
	b.Run("Translate", func(b *testing.B) {
		for range b.N {
			Translate("main.c", []byte(namesFiles["main.c"]), namesFiles.load)
		}
	})
	b.Run("AllNames", func(b *testing.B) {
		for range b.N {
			tr.AllNames()
		}
	})
	b.Run("Words", func(b *testing.B) {
		n := tr.Names(tr.Scenarios[0])
		for range b.N {
			n.Words("This plain write of record_a races with P1's `*record_a` (another plain access), line 14")
		}
	})
}

// TestScenarioNamesOneFunction: two threads made of one function are
// told apart, in whatever order a scenario lists them.
func TestScenarioNamesOneFunction(t *testing.T) {
	tr := translate(t, files{"main.c": `int next;

// litmus: exists (cpu0:t=cpu1:t)

// litmus: test fwd
// litmus: threads cpu0 cpu1

// litmus: test rev
// litmus: threads cpu1 cpu0

// litmus: thread cpu0
// litmus: thread cpu1
int take(void *ctx)
{
	int t = __sync_fetch_and_add(&next, 1);
	return t;
}
`})
	require.Len(t, tr.Scenarios, 2, "%v", tr.Notes)
	all := tr.AllNames()
	for i, sc := range tr.Scenarios {
		// The generated comment above each thread names it.
		var want []string
		for _, c := range sc.File.Comments {
			if f := strings.Fields(c.Text); strings.HasPrefix(c.Text, "// main.c:") {
				want = append(want, f[len(f)-1])
			}
		}
		assert.Equal(t, want, all[i].Threads, sc.Name)
	}
	assert.ElementsMatch(t, []string{"cpu0", "cpu1"}, all[0].Threads)
}
