package checker

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	syncat "github.com/litmusls/litmusls/syntax/cat"

	"github.com/litmusls/litmusls/syntax"
)

// macroLKMM is the compiled LKMM with macros to lower the tests by: the
// compiled model reads the tag bits that the macros' known annotations
// give the events.
type macroLKMM struct {
	LKMM
	m *Macros
}

func (m *macroLKMM) Macros() *Macros { return m.m }

// fuzzDef is a .def of our own for the seeds: every core operation, an
// if, an assignment to a register parameter and nested macro calls.
const fuzzDef = `rd(X) __load{ONCE}(X)
wr(X,V) { __store{ONCE}(X,V); }
full() { __fence{MB}; }
foo() { __fence{foo}; }
wr_if_zero(X,V) { if (rd(X) == 0) { wr(X,V); } }
copy(R,X) { R = rd(X); }
swap(X,V) __xchg{MB}(X,V)
cas(X,V,W) __cmpxchg{ACQUIRE}(X,V,W)
inc(X) { __atomic_op(X,+,1); }
fetch_or(V,X) __atomic_fetch_op{RELEASE}(X,|,V)
add_ret(V,X) __atomic_op_return{ONCE}(X,+,V) < 0
add_unless(X,V,W) __atomic_add_unless{MB}(X,V,W)
lk(X) { __lock(X); }
ulk(X) { __unlock(X); }
trylk(X) __trylock(X)
islk(X) __islocked(X)
sync(X) { __srcu{sync-srcu}(X); }
deref(X) __load{deref}(X)
`

const fuzzTest = `C F
{}
P0(int *x, int *y, spinlock_t *s) {
	int r0; int r1;
	wr(*x, 1); full(); foo();
	wr_if_zero(*y, 2);
	r0 = swap(y, 3) + cas(x, 1, 2);
	inc(x);
	lk(s); r1 = trylk(s); ulk(s);
}
P1(int *x, int *y, int *s) {
	int r0; int r1; int r2;
	copy(r0, *y);
	r1 = fetch_or(2, y) + add_ret(1, x) + add_unless(x, 1, 4) + islk(s);
	r2 = deref(*x);
	sync(s);
	if (r0) { r1 = rd(*x); }
}
exists (1:r0=2 /\ 1:r2=0)
`

// FuzzMacroLowering checks that no .def and no test make the lowering by
// macros panic or fail with anything but the test's LowerError: each pair
// that parses is checked (briefly) under the compiled LKMM.
func FuzzMacroLowering(f *testing.F) {
	f.Add(fuzzDef, fuzzTest)
	f.Add("f(X) f(X)\ng(X) { g(X); }\n", "C R\n{}\nP0(int *x) { int r0; r0 = f(*x); g(x); }\nexists (x=1)\n")
	f.Add("w(X,V) { X = V; *X = V; }\n", "C A\n{}\nP0(int *x) { int r0; w(r0, 1); w(x, 2); }\nexists (x=1)\n")
	f.Add("u(X,V) { __srcu{srcu-unlock}(X, V); }\nt(X) __trylock(X)\nd(X) __load{lderef}(*X)\n",
		"C B\n{}\nP0(int *x, int *s) { int r0; if (t(s)) { u(s, d(x)); } else { r0 = d(x) + t(x); } }\nexists (0:r0=1)\n")
	f.Fuzz(func(t *testing.T, def, test string) {
		df, errs := syncat.ParseMacros("f.def", []byte(def))
		if len(errs) > 0 {
			return
		}
		ms, bad := NewMacros(df)
		if len(bad) > 0 {
			return
		}
		file, perrs := syntax.Parse("f.litmus", []byte(test))
		for _, e := range perrs {
			if !e.Primitive {
				return
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := Check(ctx, file, Options{Model: &macroLKMM{m: ms}, Workers: 1, Timeout: 200 * time.Millisecond})
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Check: %v", err)
		}
	})
}

// TestMacroEvents lowers the seed test by fuzzDef and looks at the
// events of thread 0's path where wr_if_zero stores: each carries the
// annotations its core operation names (herd/CSem.ml, lkmmv2: an RMW's
// read and write both), with the tag bits of those the kernel's model
// knows, and a new annotation ('foo) has its name only.
func TestMacroEvents(t *testing.T) {
	df, errs := syncat.ParseMacros("f.def", []byte(fuzzDef))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	ms, bad := NewMacros(df)
	if len(bad) > 0 {
		t.Fatal(bad)
	}
	file, _ := syntax.Parse("f.litmus", []byte(fuzzTest))
	p, err := lowerWith(file, ms)
	if err != nil {
		t.Fatal(err)
	}
	type ev struct {
		kind   Kind
		tags   Tag
		annots string
	}
	describe := func(events []pevent) []ev {
		var out []ev
		for _, e := range events {
			out = append(out, ev{e.Kind, e.Tags, strings.Join(e.Annots, ",")})
		}
		return out
	}
	var stored []ev
	for _, pt := range p.threads[0] {
		if d := describe(pt.events); len(d) > 4 && d[4].kind == KindW {
			stored = d
			break
		}
	}
	// The first such path: the cas and the trylock succeed.
	want := []ev{
		{KindW, TagOnce, "ONCE"},                // wr(*x, 1)
		{KindF, TagFenceMb, "MB"},               // full()
		{KindF, 0, "foo"},                       // foo()
		{KindR, TagOnce, "ONCE"},                // wr_if_zero's rd
		{KindW, TagOnce, "ONCE"},                // and its wr
		{KindR, TagMb | TagRMW, "MB"},           // swap
		{KindW, TagMb | TagRMW, "MB"},           //
		{KindR, TagAcquire | TagRMW, "ACQUIRE"}, // cas, success
		{KindW, TagAcquire | TagRMW, "ACQUIRE"}, //
		{KindR, TagRMW, ""},                     // inc: __atomic_op without braces
		{KindW, TagRMW, ""},                     //
		{KindR, TagLKR, ""},                     // lk(s)
		{KindW, TagLKW, ""},                     //
		{KindR, TagLKR, ""},                     // trylk(s), success
		{KindW, TagLKW, ""},                     //
		{KindW, TagUL, ""},                      // ulk(s)
	}
	if len(stored) != len(want) {
		t.Fatalf("got %d events, want %d: %v", len(stored), len(want), stored)
	}
	for i := range want {
		if stored[i] != want[i] {
			t.Errorf("event %d: got %v, want %v", i, stored[i], want[i])
		}
	}
	// The read of a failing cas, with no write after it, carries its
	// tags too (lkmmv2).
	found := false
	for _, pt := range p.threads[0] {
		for i, e := range pt.events {
			if e.Kind == KindR && e.Tags == TagAcquire|TagRMW && strings.Join(e.Annots, ",") == "ACQUIRE" &&
				i+1 < len(pt.events) && pt.events[i+1].Tags&TagAcquire == 0 {
				found = true
			}
		}
	}
	if !found {
		t.Error("no path with the lone ACQUIRE read of a failing cas")
	}
	// deref: a read annotated once, then an rb_dep fence.
	var p1 []string
	for _, e := range p.threads[1][0].events {
		p1 = append(p1, strings.Join(e.Annots, ","))
	}
	if got := strings.Join(p1, " "); !strings.Contains(got, "once rb_dep sync-srcu") {
		t.Errorf("thread 1's annotations: %s", got)
	}
}
