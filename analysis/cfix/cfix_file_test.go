package cfix

import (
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/analysis/rewrite"
	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

func cfixFileOptions() rewrite.ActionOptions {
	return rewrite.ActionOptions{Budget: 10 * time.Second, SynthBudget: 20 * time.Second, Cache: rewrite.NewCheckCache(0)}
}

// twoBroken has two scenarios, each broken, that need different fixes:
// message passing (release and acquire on the flag) and store buffering
// (a fence in each program).
const twoBroken = `// Two broken scenarios in one file.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

int data, flag, x, y;

// litmus: test mp
// litmus: threads writer reader
// litmus: exists (reader:f=1 /\ reader:d=0)

// litmus: test sb
// litmus: threads p0 p1
// litmus: exists (p0:r0=0 /\ p1:r1=0)

// litmus: thread writer
SEC("cgroup_skb/egress")
int writer(struct __sk_buff *skb)
{
	WRITE_ONCE(data, 1);
	WRITE_ONCE(flag, 1);
	return 1;
}

// litmus: thread reader
SEC("cgroup_skb/ingress")
int reader(struct __sk_buff *skb)
{
	int f = READ_ONCE(flag);
	int d = READ_ONCE(data);
	return 1;
}

// litmus: thread p0
SEC("fentry/bpf_fentry_test1")
int p0(void *ctx)
{
	WRITE_ONCE(x, 1);
	int r0 = READ_ONCE(y);
	return 0;
}

// litmus: thread p1
SEC("fentry/bpf_fentry_test2")
int p1(void *ctx)
{
	WRITE_ONCE(y, 1);
	int r1 = READ_ONCE(x);
	return 0;
}
`

// TestFixCFileTwoScenarios: each broken scenario gets its fix in turn,
// the second found on the text the first made; the edits, against the
// unedited text, make both correct.
func TestFixCFileTwoScenarios(t *testing.T) {
	path := filepath.Join(t.TempDir(), "two.c")
	tr := cfixTranslate(t, path, []byte(twoBroken), nil)
	require.Len(t, tr.Scenarios, 2)
	fx, err := FixCFile(context.Background(), tr, cfixFileOptions())
	require.NoError(t, err)
	require.Empty(t, fx.Problem)
	assert.Equal(t, []string{"mp", "sb"}, fx.Scenarios)
	require.Len(t, fx.Steps, 2, "%+v", fx.Steps)
	assert.Equal(t, "mp", fx.Steps[0].Scenario)
	assert.Equal(t, "sb", fx.Steps[1].Scenario)
	assert.False(t, fx.Relaxed)
	require.Len(t, fx.Edits, 1)
	edited, err := analysis.Apply([]byte(twoBroken), fx.Edits[path])
	require.NoError(t, err)
	text := string(edited)
	assert.Contains(t, text, "smp_store_release(&flag, 1);")
	assert.Contains(t, text, "smp_load_acquire(&flag);")
	assert.Equal(t, 2, strings.Count(text, "\tsmp_mb();\n"), text)
	assert.Equal(t, 1, strings.Count(text, `#include "bpf_atomic.h"`), text)
	for _, o := range fx.After {
		assert.True(t, o.OK(), o.Verdict)
	}
	after := cfixOutcomes(t, cfixTranslate(t, path, edited, nil))
	for i, o := range after {
		assert.True(t, o.OK(), "%s: %s", fx.Scenarios[i], o.Verdict)
	}
}

// TestFixCFileExamples: what FixCFile does with the examples: a fix in
// the file, one in the user-space file only, weakenings, a refusal.
func TestFixCFileExamples(t *testing.T) {
	opts := cfixFileOptions()
	fix := func(rel string) (*bpfc.Translation, *CFileFix) {
		tr := cfixTranslate(t, cfixFile(t, rel), nil, nil)
		fx, err := FixCFile(context.Background(), tr, opts)
		require.NoError(t, err)
		return tr, fx
	}

	tr, fx := fix("mp_plain_flag.c")
	require.Empty(t, fx.Problem)
	require.Len(t, fx.Steps, 1)
	assert.Equal(t, "Use smp_store_release on line 17, smp_load_acquire on line 25 (data race gone; bad outcome becomes Never)", fx.Steps[0].Title)
	assert.Equal(t, "Sometimes", fx.Base[0].Verdict)
	assert.Equal(t, "Never", fx.After[0].Verdict)
	assert.Len(t, fx.Edits[tr.Sources[0].Name], 3, "the include, the store and the load")

	tr, fx = fix("progs/atomics_xchg_plain.c")
	require.Empty(t, fx.Problem)
	user := cfixFile(t, "prog_tests/atomics_xchg_plain.c")
	assert.Empty(t, fx.Edits[tr.Sources[0].Name])
	require.Len(t, fx.Edits[user], 1)
	assert.Equal(t, "__atomic_load_n(&skel->bss->done, __ATOMIC_ACQUIRE)", fx.Edits[user][0].NewText)

	tr, fx = fix("sb_seqcst.c")
	require.Empty(t, fx.Problem)
	assert.True(t, fx.Relaxed)
	assert.Equal(t, "Use __atomic_load_n with __ATOMIC_RELAXED on line 13, atomic_load_explicit with memory_order_relaxed on line 20", fx.RelaxTitle())
	assert.Positive(t, fx.Saved.On(primitive.PowerPC64))
	assert.Equal(t, "Never", fx.After[0].Verdict)
	edited, err := analysis.Apply(tr.Sources[0].Text, fx.Edits[tr.Sources[0].Name])
	require.NoError(t, err)
	after := cfixOutcomes(t, cfixTranslate(t, tr.Sources[0].Name, edited, nil))
	assert.True(t, after[0].OK())

	_, fx = fix("sb_mb.c")
	assert.Empty(t, fx.Problem)
	assert.Empty(t, fx.Steps)
	assert.Nil(t, fx.Edits)

	_, fx = fix("spin_counter_racy.c")
	assert.Equal(t, "spin_counter_racy", fx.Scenario)
	assert.Contains(t, fx.Problem, "no fix exists in the vocabulary")
	assert.Nil(t, fx.Edits)
	assert.Empty(t, fx.Steps)
}

// TestFixCFileCancelled: a context that has ended is FixCFile's error.
func TestFixCFileCancelled(t *testing.T) {
	tr := cfixTranslate(t, cfixFile(t, "mp_plain_flag.c"), nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fx, err := FixCFile(ctx, tr, cfixFileOptions())
	assert.Error(t, err)
	assert.Nil(t, fx)
}

// TestComposeEdits: composed edits of the source do what the two sets do
// one after the other, on random texts and edits.
func TestComposeEdits(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	randomEdits := func(text []byte) []analysis.Edit {
		var out []analysis.Edit
		at := 0
		for at <= len(text) && rng.Intn(3) > 0 {
			start := at + rng.Intn(len(text)-at+1)
			end := start + rng.Intn(min(4, len(text)-start)+1)
			nt := strings.Repeat(string(rune('A'+rng.Intn(26))), rng.Intn(4))
			out = append(out, analysis.Edit{Span: syntax.Span{Start: start, End: end}, NewText: nt})
			at = end + 1
		}
		rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
	for i := range 2000 {
		src := []byte(strings.Repeat("abcdefghij", rng.Intn(4)))
		first := randomEdits(src)
		mid, err := analysis.Apply(src, first)
		require.NoError(t, err)
		second := randomEdits(mid)
		want, err := analysis.Apply(mid, second)
		require.NoError(t, err)
		got, err := composeEdits(src, first, second)
		require.NoError(t, err, "case %d", i)
		text, err := analysis.Apply(src, got)
		require.NoError(t, err)
		require.Equal(t, string(want), string(text), "case %d: %q then %v then %v gives %v", i, src, first, second, got)
		for j := 1; j < len(got); j++ {
			require.Less(t, got[j-1].Span.End, got[j].Span.Start, "case %d: in order, apart: %v", i, got)
		}
	}
}

// TestFixCFileOtherFileCompose: FixCFile's edits of a "with" file are
// against its text in the translation.
func TestFixCFileOtherFileCompose(t *testing.T) {
	prog := cfixFile(t, "progs/atomics_xchg_plain.c")
	user := cfixFile(t, "prog_tests/atomics_xchg_plain.c")
	tr := cfixTranslate(t, prog, nil, nil)
	fx, err := FixCFile(context.Background(), tr, cfixFileOptions())
	require.NoError(t, err)
	us, err := os.ReadFile(user)
	require.NoError(t, err)
	edited, err := analysis.Apply(us, fx.Edits[user])
	require.NoError(t, err)
	ftr := cfixTranslate(t, prog, nil, func(p string) ([]byte, error) {
		if p == user {
			return edited, nil
		}
		return os.ReadFile(p)
	})
	assert.True(t, cfixOutcomes(t, ftr)[0].OK())
}
