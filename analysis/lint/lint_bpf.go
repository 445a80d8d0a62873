package lint

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// This file holds the BPF rules: an atomic without fetch used as a
// barrier (L15), a relaxed fetch whose result is used (L16), and an
// outcome that only x86's strong JIT hides (L17). They apply to BPF
// litmus tests and to C tests that stand for translated BPF C
// (Options.BPF).

var bpfFetchName = map[string]string{"+": "add", "&": "and", "|": "or", "^": "xor"}

// bpf runs the BPF rules.
// (L15 runs before the other rules, which leave its atomics to it.)
func (l *linter) bpf(ctx context.Context) error {
	if l.f.Dialect == syntax.DialectC {
		l.relaxedFetches()
	}
	return l.jitStrength(ctx)
}

// unusedAtomics runs L15: an atomic without fetch on a location no other
// thread touches, between accesses of its thread, is there to act as a
// barrier, and orders nothing.
func (l *linter) unusedAtomics() {
	for _, v := range l.views {
		for t, evs := range v.threads {
			for _, i := range evs {
				e := v.ev(i)
				if e.Kind != checker.KindR || !isRMW(e) || e.Tags&checker.TagNoreturn == 0 {
					continue
				}
				p, q := v.neighbours(t, i)
				shared := false
				for _, j := range v.s.Events {
					if access(&j) && j.Thread != t && j.Loc == e.Loc {
						shared = true
					}
				}
				if shared || p < 0 || q < 0 {
					l.voteGood(CodeBPFUnusedAtomic, e.Span)
					continue
				}
				msg := fmt.Sprintf("%s updates %s, which no other thread touches, as if to act as a barrier between %s and %s, but an atomic operation without fetch is unordered in BPF: it orders nothing (arm64 stadd, riscv amoadd without aq/rl, a powerpc loop without sync). clang emits it for __sync_fetch_and_add() with an unused result when building for -mcpu=v1 or v2.",
					l.quote(e), locName(v.s, e), l.quote(v.ev(p)), l.quote(v.ev(q)))
				d := analysis.Diagnostic{Span: e.Span, Severity: l.uselessSeverity(), Code: CodeBPFUnusedAtomic, Message: msg,
					Related: l.neighbourRelated(v, p, q)}
				if ed, ok := l.fetchEdit(e); ok {
					d.Fixes = []analysis.Fix{{Title: "Use the fetching form, which is fully ordered: " + ed.NewText, Edits: []analysis.Edit{ed}}}
				}
				l.voteBad(d)
			}
		}
	}
}

// fetchEdit rewrites an atomic without fetch as its fully ordered
// fetching form.
func (l *linter) fetchEdit(e *checker.Event) (analysis.Edit, bool) {
	if in := l.nodes.instrs[e.Span]; in != nil {
		op := bpfFetchName[in.Op]
		if in.Kind != syntax.InstrAtomic || op == "" || in.Mem == nil || in.Src == nil || !in.Src.IsReg {
			return analysis.Edit{}, false
		}
		return analysis.Edit{Span: in.Span, NewText: fmt.Sprintf("r%d = atomic_fetch_%s(%s, r%d)", in.Src.Reg, op, l.text(in.Mem.Span), in.Src.Reg)}, true
	}
	c := l.call(e)
	if c == nil || !strings.HasPrefix(c.Fun.Name, "atomic_") {
		return analysis.Edit{}, false
	}
	return analysis.Edit{Span: c.Fun.Span, NewText: "atomic_fetch_" + strings.TrimPrefix(c.Fun.Name, "atomic_")}, true
}

// relaxedFetches runs L16: a relaxed fetch whose old value is used.
func (l *linter) relaxedFetches() {
	for _, v := range l.views {
		for i := range v.s.Events {
			e := v.ev(i)
			c := l.call(e)
			if e.Kind != checker.KindR || !isRMW(e) || c == nil || !strings.HasSuffix(c.Fun.Name, "_relaxed") || !strings.Contains(c.Fun.Name, "fetch") {
				continue
			}
			used := !v.s.Addr.Row(i).Empty() || !v.s.Data.Row(i).Empty() || !v.s.Ctrl.Row(i).Empty()
			if reg := l.nodes.regOf[e.Span]; reg != "" && l.regUsed(e.Thread, reg, e.Span.End) {
				used = true
			}
			if !used {
				continue
			}
			strong := strings.TrimSuffix(c.Fun.Name, "_relaxed")
			l.add(analysis.Diagnostic{Span: e.Span, Severity: analysis.SeverityWarning, Code: CodeBPFRelaxedFetch,
				Message: fmt.Sprintf("The old value %s returns is used, but it stands for a relaxed __atomic_fetch_*() in BPF C, which clang 22 compiles to the atomic without fetch: the register then holds the operand, not the old value. Use a stronger memory order (the JITs make every fetching atomic fully ordered anyway), or check the compiler.", l.quote(e)),
				Fixes:   []analysis.Fix{{Title: "Use the fully ordered " + strong, Edits: []analysis.Edit{{Span: c.Fun.Span, NewText: strong}}}},
			})
		}
	}
}

// jitStrength runs L17: an outcome the model allows but the x86-64 JIT
// never shows, because it gives every load acquire and every store
// release order. It checks the test again with its accesses made that
// strong.
func (l *linter) jitStrength(ctx context.Context) error {
	known, reached := l.outcome()
	if !known || !reached || l.f.Cond == nil || slices.Contains(l.res.Flags, "data-race") {
		// With a data race, the compiler may reorder plain accesses
		// whatever the JIT does.
		return nil
	}
	seen := map[syntax.Span]bool{}
	var edits []analysis.Edit
	for _, v := range l.views {
		for i := range v.s.Events {
			e := v.ev(i)
			if !dataAccess(e) || seen[e.Span] {
				continue
			}
			var ed analysis.Edit
			var ok bool
			switch {
			case isRMW(e) && e.Tags&checker.TagNoreturn != 0:
				ed, ok = l.fetchEdit(e)
			case e.Kind == checker.KindR:
				ed, ok = l.acquireEdit(e)
			default:
				ed, ok = l.releaseEdit(e)
			}
			if ok {
				seen[e.Span] = true
				edits = append(edits, ed)
			}
		}
	}
	if len(edits) == 0 {
		return nil
	}
	text, err := analysis.Apply(l.src, edits)
	if err != nil {
		return nil
	}
	sf, errs := syntax.Parse(l.f.Filename, text)
	if len(errs) > 0 {
		return nil
	}
	res, err := checker.Check(ctx, sf, checker.Options{Timeout: l.opts.timeout()})
	if err != nil {
		return err
	}
	if res.Cutoff || len(res.Errors) > 0 {
		return nil
	}
	if analysis.OutcomeOf(res).Bad {
		return nil
	}
	l.add(analysis.Diagnostic{Span: l.f.Cond.Span, Severity: analysis.SeverityWarning, Code: CodeBPFJITStrength,
		Message: "This outcome is allowed by the BPF memory model and can happen with the arm64, powerpc and riscv JITs, but never with the x86-64 JIT, whose loads and stores keep their order (only a store followed by a load may pass): testing on x86 will not show it. Judge the code by the model, not by an x86 run."})
	return nil
}

// bpfAcquireEdit rewrites a BPF load as load_acquire.
func (l *linter) bpfAcquireEdit(e *checker.Event) (analysis.Edit, bool) {
	in := l.nodes.instrs[e.Span]
	if in == nil || in.Kind != syntax.InstrLoad || in.Mem == nil || in.Dst == nil {
		return analysis.Edit{}, false
	}
	return analysis.Edit{Span: in.Span, NewText: fmt.Sprintf("r%d = load_acquire(%s)", in.Dst.Reg, l.text(in.Mem.Span))}, true
}

// bpfReleaseEdit rewrites a BPF store as store_release.
func (l *linter) bpfReleaseEdit(e *checker.Event) (analysis.Edit, bool) {
	in := l.nodes.instrs[e.Span]
	if in == nil || in.Kind != syntax.InstrStore || in.Mem == nil || in.Src == nil {
		return analysis.Edit{}, false
	}
	return analysis.Edit{Span: in.Span, NewText: fmt.Sprintf("store_release(%s, %s)", l.text(in.Mem.Span), l.text(in.Src.Span))}, true
}
