package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckScenarioArg: "check file.c#SCENARIO", the command fix and
// check print for one scenario of a file with several, checks that
// scenario alone; an unknown scenario or a missing file is an error.
func TestCheckScenarioArg(t *testing.T) {
	path := filepath.Join(bpfcDir, "mp_variants.c")
	code, out, errs := run("check", path+"#mp_plain_writer")
	assert.Equal(t, 0, code, errs)
	assert.Contains(t, out, "Test mp_plain_writer Allowed")
	assert.NotContains(t, out, "mp_release")

	code, out, errs = run("check", path+"#nope")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, path+`: no scenario "nope"`)

	missing := filepath.Join(bpfcDir, "missing.c")
	code, _, errs = run("check", missing+"#nope")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, missing+": no such file")
}

// TestCheckCExplainInC: --explain on annotated C names every event by its
// place in the C and its C text, threads by the C's names, and the
// condition and states with them; nothing of the generated test shows.
func TestCheckCExplainInC(t *testing.T) {
	path := filepath.Join(bpfcDir, "mp_variants.c")
	code, out, errs := run("check", "--explain", path)
	require.Equal(t, 0, code, errs)
	expl := out[strings.Index(out, "Explanation of mp_release:"):]
	expl = expl[:strings.Index(expl, "\nTest ")] + out[strings.Index(out, "Explanation of mp_plain_writer:"):]
	for _, want := range []string{
		"  No allowed execution satisfies the condition (reader:f=1 /\\ reader:d=0).\n",
		// Lines and columns read off mp_variants.c.
		"    " + path + ":41:10: reader R[acquire] flag=1  `smp_load_acquire(&flag)`\n",
		"    " + path + ":24:2: writer_release W[release] flag=1  `smp_store_release(&flag, 1)`\n",
		"    final state: reader:d=0; reader:f=1;\n",
		"    " + path + ":45:7: reader `READ_ONCE(data)` read data=0, the initial value of data\n",
		"      " + path + ":33:2: writer_plain `flag = 1`, a plain write of flag=1\n",
		"writer_plain's write does not become visible to reader before reader's read executes",
	} {
		assert.Contains(t, expl, want)
	}
	assert.NotContains(t, expl, ".litmus")
	assert.NotRegexp(t, `\bP[0-9]\b|\b[0-9]:[a-z]`, expl)
}

// recordC is annotated C whose locations are struct fields and whose
// first thread's annotation renames its function: the C's names are
// record.a, record.ready, producer and consumer.
const recordC = `struct rec { int a; int ready; };
struct rec record;

// litmus: exists (consumer:r=1 /\ consumer:v=0)

// litmus: thread producer
int produce(void *ctx)
{
	record.a = 1;
	smp_store_release(&record.ready, 1);
	return 0;
}

// litmus: thread
int consumer(void *ctx)
{
	int r = READ_ONCE(record.ready);
	int v = -1;

	if (r)
		v = record.a;
	return 0;
}
`

// TestCheckCNamesInC: --explain, --lint and --json on annotated C speak
// of struct fields as the C spells them (record.a, not the generated
// record_a), of threads by their C names, of lines by the C's.
func TestCheckCNamesInC(t *testing.T) {
	path := writeFile(t, t.TempDir(), "rec.c", recordC)
	code, out, errs := run("check", "--explain", "--lint", path)
	require.Equal(t, 0, code, errs)
	expl := out[strings.Index(out, "Explanation of rec:"):]
	for _, want := range []string{
		"    " + path + ":17:10: consumer `READ_ONCE(record.ready)` read record.ready=1, written by producer's `smp_store_release(&record.ready, 1)` at " + path + ":10:2\n",
		"    data race on record.a (rw-race):\n",
		"      " + path + ":9:2: producer `record.a = 1`, a plain write of record.a=1\n",
		path + ":9:2: warning: L10 This plain write of record.a races with consumer's `record.a` (another plain access)",
		// The read to make an acquire is READ_ONCE(record.ready), on line 17 of the C.
		"Cheapest fix found: Use smp_load_acquire on line 17 ",
	} {
		assert.Contains(t, expl, want)
	}
	assert.NotContains(t, expl, "record_")
	assert.NotRegexp(t, `\bP[0-9]\b|\b[0-9]:[a-z]`, expl)

	code, out, errs = run("check", "--json", path)
	require.Equal(t, 0, code, errs)
	var j checkJSON
	require.NoError(t, json.Unmarshal([]byte(out), &j))
	var events []string
	for _, w := range j.Witnesses {
		for _, ev := range w.Events {
			events = append(events, fmt.Sprintf("%s %s %s `%s`", ev.Pos, ev.ThreadName, ev.Text, ev.Source))
		}
	}
	assert.Contains(t, events, path+":9:2 producer W record.a=1 `record.a = 1`")
	assert.Contains(t, events, path+":17:10 consumer R[once] record.ready=1 `READ_ONCE(record.ready)`")
	assert.Contains(t, events, "  W[init] record.a=0 ``")

	// The reason of a Never: the cycle in the C's location names.
	fixed := writeFile(t, t.TempDir(), "rec.c", strings.NewReplacer(
		"READ_ONCE(record.ready)", "smp_load_acquire(&record.ready)",
		"v = record.a", "v = READ_ONCE(record.a)",
		"record.a = 1", "WRITE_ONCE(record.a, 1)").Replace(recordC))
	code, out, errs = run("check", "--json", fixed)
	require.Equal(t, 0, code, errs)
	j = checkJSON{}
	require.NoError(t, json.Unmarshal([]byte(out), &j))
	require.NotNil(t, j.Reason, out)
	assert.Contains(t, j.Reason.Cycle, "record.ready")
	assert.NotContains(t, j.Reason.Cycle, "record_")
}

// TestCheckGraphCNames: the picture of an annotated C scenario's
// execution names threads and locations as the C does and quotes the C.
func TestCheckGraphCNames(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", t.TempDir()) // DOT only
	path := writeFile(t, t.TempDir(), "rec.c", recordC)
	code, _, errs := run("check", "--graph", dir, path)
	require.Equal(t, 0, code, errs)
	dot, err := os.ReadFile(filepath.Join(dir, "rec.dot"))
	require.NoError(t, err)
	for _, s := range []string{
		`label="producer"`, `label="consumer"`,
		`W record.a=1\lrecord.a = 1  (rec.c:9:2)\l`,
		`smp_store_release(&record.ready, 1)  (rec.c:10:2)`,
		`final state: consumer:r=1; consumer:v=0;`,
	} {
		assert.Contains(t, string(dot), s)
	}
	assert.NotContains(t, string(dot), "record_")
	assert.NotRegexp(t, `"P[0-9]"`, string(dot))
}

// TestCheckWithFileAlone: check and fix of the user-space file a "with"
// names, alone, say which files' scenarios it takes part in and what to
// run instead.
func TestCheckWithFileAlone(t *testing.T) {
	user := filepath.Join(bpfcDir, "prog_tests", "ringbuf.c")
	prog := filepath.Join(bpfcDir, "progs", "ringbuf.c")
	code, out, errs := run("check", user)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, user+": no scenario of its own; its threads take part in those of "+prog+": check "+prog+"\n")

	code, out, _ = run("fix", "--dry-run", user)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, user+": cannot fix: no scenario of its own; its threads take part in those of "+prog+": fix them together, litmusls fix "+prog+" "+user+"\n")
}
