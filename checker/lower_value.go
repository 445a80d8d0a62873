package checker

import (
	"fmt"

	"github.com/litmusls/litmusls/syntax"
)

// This file holds the symbolic values of lowering: what a thread's code
// computes from constants and the values its reads return, folded when
// constant, evaluated once the reads' values are chosen, and wrapped to
// 32 bits as herd7 computes C values.

// A sval is a symbolic value: a constant, the value read by an event of
// the same thread, or an operation on other values.
type sval struct {
	op   string // "k" constant, "r" read, "kd" constant that depends on event read, else a C operator ("+", "==", "!", "?:")
	k    int64
	read int // the index of the read event in the thread, for "r"
	a, b *sval
	c    *sval // the condition of "?:"
	size int   // nodes of v counted as a tree, at most maxValueSize+1; 0 for a leaf made without mk
}

// maxValueSize bounds the size of a pointer value counted as a tree, each
// shared part once per use: such a value is printed (sval.String) to key
// the locations it was resolved to, and code such as "r0 = r0 + r0;"
// written n times makes a value of 2^n nodes out of n.
const maxValueSize = 1 << 16

func konst(k int64) *sval { return &sval{op: "k", k: k} }

// konstFrom is the constant k as the result of event e of the thread (a
// spin_trylock's or spin_is_locked's lock event): herd7 makes the
// primitive's value the event's output, so what uses the value depends on
// the event (a branch on it is a control dependency), though the value is
// known.
func konstFrom(k int64, e int) *sval { return &sval{op: "kd", k: k, read: e} }

func (v *sval) isConst() bool { return v.op == "k" }

// treeSize returns the size of v counted as a tree (see maxValueSize).
func (v *sval) treeSize() int {
	if v == nil {
		return 0
	}
	return max(v.size, 1)
}

// sizeOf returns the tree size of a node over parts.
func sizeOf(parts ...*sval) int {
	n := 1
	for _, p := range parts {
		n += p.treeSize()
	}
	return min(n, maxValueSize+1)
}

// each calls f on every node of v: each distinct node once when v is
// large, so that a value shared many times costs its size once.
func (v *sval) each(f func(*sval)) {
	if v.treeSize() <= 64 {
		v.eachTree(f)
		return
	}
	seen := map[*sval]bool{}
	var walk func(x *sval)
	walk = func(x *sval) {
		if x == nil || seen[x] {
			return
		}
		seen[x] = true
		f(x)
		walk(x.a)
		walk(x.b)
		walk(x.c)
	}
	walk(v)
}

func (v *sval) eachTree(f func(*sval)) {
	if v == nil {
		return
	}
	f(v)
	v.a.eachTree(f)
	v.b.eachTree(f)
	v.c.eachTree(f)
}

// deps adds to set the reads v depends on.
func (v *sval) deps(set map[int]bool) {
	v.each(func(x *sval) {
		if x.op == "r" || x.op == "kd" {
			set[x.read] = true
		}
	})
}

// eval computes v given the values of the thread's reads. A large value
// is evaluated once per distinct node, so that one shared many times (as
// "r0 = r0 + r0;" written n times makes) costs its number of nodes.
func (v *sval) eval(reads func(int) int64) int64 {
	if v.size > 64 {
		return v.evalShared(reads, map[*sval]int64{})
	}
	switch v.op {
	case "k", "kd":
		return v.k
	case "r":
		return reads(v.read)
	case "?:":
		if v.c.eval(reads) != 0 {
			return v.a.eval(reads)
		}
		return v.b.eval(reads)
	}
	x := v.a.eval(reads)
	if v.b == nil {
		return unop(v.op, x)
	}
	return binop(v.op, x, v.b.eval(reads))
}

// evalShared is eval with the values of the nodes already computed.
func (v *sval) evalShared(reads func(int) int64, done map[*sval]int64) int64 {
	if x, ok := done[v]; ok {
		return x
	}
	var x int64
	switch v.op {
	case "k", "kd":
		x = v.k
	case "r":
		x = reads(v.read)
	case "?:":
		if v.c.evalShared(reads, done) != 0 {
			x = v.a.evalShared(reads, done)
		} else {
			x = v.b.evalShared(reads, done)
		}
	default:
		x = v.a.evalShared(reads, done)
		if v.b == nil {
			x = unop(v.op, x)
		} else {
			x = binop(v.op, x, v.b.evalShared(reads, done))
		}
	}
	done[v] = x
	return x
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func unop(op string, x int64) int64 {
	switch op {
	case "i32":
		return wrap32(x)
	case "-":
		return -x
	case "!":
		return b2i(x == 0)
	case "~":
		return ^x
	}
	return x
}

func binop(op string, x, y int64) int64 {
	switch op {
	case "+":
		return x + y
	case "-":
		return x - y
	case "*":
		return x * y
	case "/":
		if y == 0 {
			return 0
		}
		return x / y
	case "%":
		if y == 0 {
			return 0
		}
		return x % y
	case "&":
		return x & y
	case "|":
		return x | y
	case "^":
		return x ^ y
	case "&~":
		return x &^ y
	case "<<":
		return x << uint(y&63)
	case ">>":
		return x >> uint(y&63)
	case "==":
		return b2i(x == y)
	case "!=":
		return b2i(x != y)
	case "<":
		return b2i(x < y)
	case "<=":
		return b2i(x <= y)
	case ">":
		return b2i(x > y)
	case ">=":
		return b2i(x >= y)
	case "&&":
		return b2i(x != 0 && y != 0)
	case "||":
		return b2i(x != 0 || y != 0)
	}
	return 0
}

// wrap32 gives x as herd7 computes C values, in 32-bit integers that
// wrap around; an address (a location plus or minus a little pointer
// arithmetic) is left as it is.
func wrap32(x int64) int64 {
	if x > addrBase-1<<20 && x < addrBase+1<<20 {
		return x
	}
	return int64(int32(x))
}

// fits32 reports whether the constant k is one herd7 can read: C values
// are 32-bit integers, and a larger literal is an error there.
func fits32(k int64) bool { return k >= -1<<31 && k < 1<<31 }

// checkedInt returns the constant k written at e, or an error when herd7
// could not read it.
func checkedInt(e syntax.Expr, k int64) (int64, error) {
	if !fits32(k) {
		return 0, &LowerError{e.GetSpan(), fmt.Sprintf("%d does not fit in 32 bits: herd7 computes C values as 32-bit integers", k)}
	}
	return k, nil
}

// mkC is mk for C arithmetic, which wraps around at 32 bits as herd7's
// does: the operators that can leave the 32-bit range wrap their result.
func mkC(op string, a, b *sval) *sval {
	v := mk(op, a, b)
	switch op {
	case "+", "-", "*", "<<":
		return mk("i32", v, nil)
	}
	return v
}

func mk(op string, a, b *sval) *sval {
	if a.isConst() && (b == nil || b.isConst()) {
		if b == nil {
			return konst(unop(op, a.k))
		}
		return konst(binop(op, a.k, b.k))
	}
	return &sval{op: op, a: a, b: b, size: sizeOf(a, b)}
}

// String prints v; equal values print the same.
func (v *sval) String() string {
	switch v.op {
	case "k":
		return fmt.Sprint(v.k)
	case "r":
		return fmt.Sprintf("r%d", v.read)
	case "kd":
		return fmt.Sprintf("%d@r%d", v.k, v.read)
	case "?:":
		return fmt.Sprintf("(%s?%s:%s)", v.c, v.a, v.b)
	}
	if v.b == nil {
		return fmt.Sprintf("(%s%s)", v.op, v.a)
	}
	return fmt.Sprintf("(%s%s%s)", v.a, v.op, v.b)
}
