package cat

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
)

// mp is a candidate of the message-passing shape, with the outcome the
// LKMM forbids without fences:
//
//	0: IW x   1: IW y
//	thread 0: 2: W x=1 (ONCE)  3: W y=1 (ONCE)
//	thread 1: 4: R y=1 (ONCE)  5: R x=0 (ONCE)
//
// with rf 3→4 and 0→5.
func mp() *checker.Candidate {
	ev := []checker.Event{
		{Kind: checker.KindW, Tags: checker.TagInit, Thread: -1, Loc: 0, Instr: -1},
		{Kind: checker.KindW, Tags: checker.TagInit, Thread: -1, Loc: 1, Instr: -1},
		{Kind: checker.KindW, Tags: checker.TagOnce, Thread: 0, Loc: 0, Instr: 0, Val: 1},
		{Kind: checker.KindW, Tags: checker.TagOnce, Thread: 0, Loc: 1, Instr: 1, Val: 1},
		{Kind: checker.KindR, Tags: checker.TagOnce, Thread: 1, Loc: 1, Instr: 0},
		{Kind: checker.KindR, Tags: checker.TagOnce, Thread: 1, Loc: 0, Instr: 1},
	}
	n := len(ev)
	s := &checker.Structure{Events: ev, Locs: []checker.Location{{Name: "x"}, {Name: "y"}},
		Po: checker.NewRel(n), Rmw: checker.NewRel(n), Addr: checker.NewRel(n), Data: checker.NewRel(n), Ctrl: checker.NewRel(n)}
	s.Po.Add(2, 3)
	s.Po.Add(4, 5)
	rf := checker.NewRel(n)
	rf.Add(3, 4)
	rf.Add(0, 5)
	return &checker.Candidate{Structure: s, Rf: rf, Val: []int64{0, 0, 1, 1, 1, 0}}
}

// memFiles reads the files given as text, and any other from disk (so
// that stdlib.cat comes from ../shared/model).
func memFiles(files map[string]string) func(string) ([]byte, error) {
	return func(path string) ([]byte, error) {
		if src, ok := files[filepath.ToSlash(path)]; ok {
			return []byte(src), nil
		}
		if strings.HasPrefix(filepath.ToSlash(path), "mem/") {
			return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
		}
		return os.ReadFile(path)
	}
}

// load compiles mem/test.cat from files, with stdlib.cat from the LKMM
// model directory.
func load(t *testing.T, files map[string]string) (*Model, error) {
	t.Helper()
	return New("mem/test.cat", Options{
		Include:  []string{filepath.Join(sharedDir(t), "model", "lkmm")},
		ReadFile: memFiles(files),
	})
}

// outcomes judges c and lists each execution as "ok", "ok a,b" (with its
// flags) or "fail NAME".
func outcomes(m *Model, c *checker.Candidate) []string {
	var out []string
	err := m.Judge(c, func(x *checker.Execution, j checker.Judgement) bool {
		switch {
		case j.Failed != "":
			out = append(out, "fail "+j.Failed)
		case len(j.Flags) > 0:
			out = append(out, "ok "+strings.Join(j.Flags, ","))
		default:
			out = append(out, "ok")
		}
		return true
	})
	if err != nil {
		out = append(out, "error "+err.Error())
	}
	return out
}

// check runs a cat text on the mp candidate and compares the outcomes.
func check(t *testing.T, cat string, want ...string) {
	t.Helper()
	m, err := load(t, map[string]string{"mem/test.cat": "\"test\"\n" + cat})
	require.NoError(t, err)
	require.Equal(t, want, outcomes(m, mp()))
}

func TestEval(t *testing.T) {
	tests := []struct {
		name, cat string
		want      []string
	}{
		{"check passes", "acyclic po as t", []string{"ok"}},
		{"check fails", "irreflexive po^-1 ; po as t", []string{"fail t"}},
		{"first failing check", "empty po as a\nempty rf as b", []string{"fail a"}},
		{"anonymous check", "empty po", []string{"fail empty po"}},
		{"negated check", "~empty po as a", []string{"ok"}},
		{"flags", "flag ~empty po as p\nflag ~empty 0 as z\nflag empty 0 as e", []string{"ok e,p"}},
		{"no flag after a failure", "flag ~empty po as p\nempty rf as r", []string{"fail r"}},
		{"coherence of mp", "let fr = rf^-1 ; co0\nacyclic po | rf | fr as sc", []string{"fail sc"}},
		// herd7 skips the universe in a sequence.
		{"universe in a sequence", "let q = _ ; po\nempty q \\ po as a\nempty po \\ q as b", []string{"ok"}},
		// A sequence stops at its first empty operand: fail is never called.
		{"sequence stops early", "empty 0 ; fail(po) as a\nempty [R & W] ; fail(po) as b", []string{"ok"}},
		{"lazy let", "let x = fail(po)\nacyclic po as a", []string{"ok"}},
		{"try", "let x = try fail(po) with po\nempty x \\ po as a\nlet y = try nosuch with 0\nempty y as b", []string{"ok"}},
		{"let rec", "let rec t = po | (t ; po)\nempty t \\ po+ as a\nempty po+ \\ t as b", []string{"ok"}},
		{"let rec functions", "enum B = 'T || 'F\nlet rec even s = match s with {} -> 'T || _ ++ r -> odd r end\n" +
			"and odd s = match s with {} -> 'F || _ ++ r -> even r end\n" +
			"flag ~empty (if even(W) = 'T then W else 0) as w-even", []string{"ok w-even"}},
		{"with", "with x from {po, 0, rf}\nflag ~empty x & po as has-po", []string{"ok", "ok has-po", "ok"}},
		{"with nothing", "with x from {}\nacyclic po as a", nil},
		{"procedure", "procedure sub(a, b) = empty a \\ b as in-sub end\ncall sub(po, po)\ncall sub(rf, po)", []string{"fail in-sub"}},
		{"tags", "enum E = 'a || 'b\nflag ~empty (match 'b with 'a -> 0 || 'b -> po end) as b\nflag ~empty (if 'a in ~{'b} then po else 0) as c", []string{"ok b,c"}},
		{"explicit sets", "let s = {po, rf}\nlet u = {po} | {rf}\nflag ~empty (if s = u then po else 0) as eq", []string{"ok eq"}},
		{"pairs", "let r = map (fun p -> p ++ 0) rf\nwith s from r\nempty s \\ rf as sub\nflag ~empty s & (W * R) \\ (IW * R) as from-thread", []string{"ok from-thread", "ok"}},
		{"set match", "let n s = match s with {} -> 0 || e ++ _ -> [{e}] end\nempty n(W) \\ [IW] as first-is-init", []string{"ok"}},
		{"linearisations", "let os = linearisations(W, 0)\nflag ~empty (if os = {} then 0 else po) as some\n" +
			"let two = linearisations(W \\ IW, 0)\nflag ~empty (if two subset {} then 0 else po) as nonempty", []string{"ok nonempty,some"}},
		{"linearisations respect the order", "let os = linearisations(IW, (IW * IW) & id)\nempty (if os = {} then 0 else po) as a", []string{"ok"}},
		{"classes-loc", "let ps = classes-loc(W)\nwith p from ps\nflag ~empty p & IW as has-init", []string{"ok has-init", "ok has-init"}},
		{"generate_cos", "include \"cos-opt.cat\"\nflag ~empty co as co", []string{"ok co"}},
		{"annotation-free sets", "empty M \\ (R | W) as a\nempty (R & W) as b\nempty F as c", []string{"ok"}},
		{"int and ext", "empty int & ext as a\nempty po \\ int as b\nempty ((IW * IW) \\ id) & (ext | int) as c\nempty (W * R) \\ (ext | int) as d", []string{"ok"}},
		{"loc", "empty (W * W) & loc \\ ((W * W) & (loc & loc)) as a\nflag ~empty rf \\ loc as bad", []string{"ok"}},
		{"domain and range", "empty domain(rf) \\ W as a\nempty range(rf) \\ R as b", []string{"ok"}},
		{"different-values", "let d = different-values(rf)\nempty d as a\nflag ~empty different-values(po) as p", []string{"ok p"}},
		{"complement", "empty ~po & po as a\nempty ~R & R as b", []string{"ok"}},
		{"cartesian and restriction", "empty (po & (W * W)) \\ [W] ; po ; [W] as a", []string{"ok"}},
		{"variants", "flag ~empty (if \"lkmmv2\" then po else 0) as v2", []string{"ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, tt.cat, tt.want...)
		})
	}
}

// TestVariant: a condition on a variant given in Options holds.
func TestVariant(t *testing.T) {
	m, err := New("mem/test.cat", Options{
		Include:  []string{filepath.Join(sharedDir(t), "model", "lkmm")},
		ReadFile: memFiles(map[string]string{"mem/test.cat": "flag ~empty (if \"lkmmv2\" then po else 0) as v2\nif \"lkmmv2\" && not \"x\" flag ~empty po as ins end"}),
		Variants: []string{"lkmmv2"},
	})
	require.NoError(t, err)
	require.Equal(t, []string{"ok ins,v2"}, outcomes(m, mp()))
}

// TestErrors: problems in a model are errors with file:line:col from New,
// never panics.
func TestErrors(t *testing.T) {
	tests := []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{"mem/test.cat": "let x = nosuch"}, "mem/test.cat:1:9: unbound var: nosuch"},
		{map[string]string{"mem/test.cat": "\n  acyclic po | 'tag"}, "mem/test.cat:2:16: tag 'tag is undefined"},
		{map[string]string{"mem/test.cat": "let x = po |"}, "mem/test.cat:1:13: expected an expression"},
		{map[string]string{"mem/test.cat": "include \"nosuch.cat\""}, "mem/test.cat:1:1: cannot read mem/nosuch.cat"},
		{map[string]string{"mem/test.cat": "include \"a.cat\"", "mem/a.cat": "let y = po\nlet z = y ; nosuch"}, "mem/a.cat:2:13: unbound var: nosuch"},
		{map[string]string{"mem/test.cat": "include \"test.cat\""}, "includes nested too deeply"},
		// A type error on the way every execution takes is found at once.
		{map[string]string{"mem/test.cat": "acyclic R | po as t"}, "mem/test.cat:1:13: type events expected, rel found"},
		{map[string]string{"mem/test.cat": "let f(a, b) = a | b\nempty f(po) as t"}, "mem/test.cat:2:7: argument_mismatch"},
		{map[string]string{"mem/test.cat": "with x from po\nempty x"}, "mem/test.cat:1:13: set expected"},
		{map[string]string{"mem/test.cat": "call nosuch(po)"}, "mem/test.cat:1:6: unbound var: nosuch"},
		// The dry run's second execution has reads.
		{map[string]string{"mem/test.cat": "let f = match R with {} -> 0 || e ++ _ -> R | po end\nempty f as t"}, "mem/test.cat:1:47: type events expected, rel found"},
		// A binding used on that way is evaluated then.
		{map[string]string{"mem/test.cat": "let x = fail(po)\nacyclic x as a"}, "mem/test.cat:1:9: primitive fail: fail on <rel>"},
	}
	for _, tt := range tests {
		_, err := load(t, tt.files)
		require.Error(t, err, tt.want)
		var ce *Error
		require.True(t, errors.As(err, &ce), "%T", err)
		require.Contains(t, err.Error(), tt.want)
	}
}

// TestJudgeError: an evaluation error that only some executions meet (here
// those with an atomic access, which neither execution of New's dry run
// has) is Judge's error, an *Error that says where.
func TestJudgeError(t *testing.T) {
	m, err := load(t, map[string]string{"mem/test.cat": "let f = match X with {} -> 0 || e ++ _ -> R | po end\nempty f as t"})
	require.NoError(t, err)
	require.Equal(t, []string{"ok"}, outcomes(m, mp()))
	c := mp()
	c.Events[2].Tags |= checker.TagRMW
	var ce *Error
	require.ErrorAs(t, m.Judge(c, func(*checker.Execution, checker.Judgement) bool { return true }), &ce)
	require.Equal(t, "mem/test.cat:1:47: type events expected, rel found", ce.Error())
}

// TestConfig reads linux-kernel.cfg: the model, its bell file and the
// lkmmv2 variant.
func TestConfig(t *testing.T) {
	m := lkmm(t)
	require.Contains(t, m.prog.annots, "rcu-lock")
	require.Contains(t, m.prog.builtins, "Rcu-lock")
	// The weak outcome of MP without fences is allowed.
	require.Equal(t, []string{"ok"}, outcomes(m, mp()))
}

// TestCache judges two candidates of one event structure: what depends on
// the candidate (rf, and the values different-values reads) is computed
// again, what depends only on the structure is kept.
func TestCache(t *testing.T) {
	m, err := load(t, map[string]string{"mem/test.cat": "let p = po\nlet r = po ; rf\nlet d = different-values(p)\n" +
		"flag ~empty r as po-rf\nflag ~empty d as differ\nflag ~empty p as po"})
	require.NoError(t, err)
	c1 := mp()
	// The same structure, with thread 1 reading x=1 from event 2.
	rf := checker.NewRel(c1.N())
	rf.Add(3, 4)
	rf.Add(2, 5)
	c2 := &checker.Candidate{Structure: c1.Structure, Rf: rf, Val: []int64{0, 0, 1, 1, 1, 1}}
	require.Equal(t, []string{"ok differ,po,po-rf"}, outcomes(m, c1))
	require.Equal(t, []string{"ok po,po-rf"}, outcomes(m, c2))
	rf = checker.NewRel(c1.N())
	rf.Add(1, 4)
	rf.Add(0, 5)
	c3 := &checker.Candidate{Structure: c1.Structure, Rf: rf, Val: []int64{0, 0, 1, 1, 0, 0}}
	require.Equal(t, []string{"ok po"}, outcomes(m, c3))
	require.Equal(t, []string{"ok differ,po,po-rf"}, outcomes(m, c1))
}
