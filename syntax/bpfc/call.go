package bpfc

import (
	"fmt"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file lowers calls: the marked accesses and barriers of the kernel
// and of bpf_atomic.h, the __sync and __atomic builtins (and C11's
// atomic_*_explicit), and the BPF lock helpers. See
// ../shared/facts/bpf-to-lkmm.md for the table this follows.

// parseOrder reads a memory-order argument; one it cannot read is taken as
// seq_cst, with a note.
func (c *lowerer) parseOrder(n *cnode) Order {
	if o := ParseOrder(c.text(n)); o != OrderUnknown {
		return o
	}
	c.notModeled(n, "memory order "+c.short(n)+" (taken as seq_cst)")
	return OrderSeqCst
}

var rmwOps = map[string]string{"add": "+", "sub": "-", "and": "&", "or": "|", "xor": "^"}

// call lowers a call; used says its value is needed. It returns nil when
// the call emits nothing.
func (c *lowerer) call(n *cnode, used bool) syntax.Expr {
	fn := n.child("function")
	var args []*cnode
	if al := n.child("arguments"); al != nil {
		args = al.named()
	}
	if fn == nil || fn.Type != "identifier" {
		c.notModeled(n, "call through "+c.short(fn))
		return nil
	}
	name := c.text(fn)
	need := func(k int) bool {
		if len(args) < k {
			c.notModeled(n, name+" with too few arguments")
			return false
		}
		return true
	}
	// ptr resolves argument i, a pointer to a shared location.
	ptr := func(i int, lock bool) (syntax.Expr, bool) {
		o := c.pointee(args[i])
		loc := c.location(o, args[i], lock)
		if loc == "" {
			return nil, false
		}
		return at(c, &syntax.Ident{Name: loc}, args[i]), true
	}
	mk := func(prim string, xs ...syntax.Expr) syntax.Expr { return at(c, call(prim, xs...), n) }
	fence := func(prim string) syntax.Expr {
		if used {
			c.notModeled(n, "the value of "+name+" (taken as 0)")
		}
		return mk(prim)
	}

	switch name {
	case "READ_ONCE":
		if !need(1) {
			return nil
		}
		return c.loadOnce(args[0], n, "READ_ONCE")
	case "WRITE_ONCE":
		if !need(2) {
			return nil
		}
		return c.store(args[0], args[1], n, "WRITE_ONCE", false)
	case "smp_load_acquire":
		if !need(1) {
			return nil
		}
		if p, ok := ptr(0, false); ok {
			return mk("smp_load_acquire", p)
		}
		return nil
	case "smp_store_release":
		if !need(2) {
			return nil
		}
		u0 := c.unknown
		if p, ok := ptr(0, false); ok {
			v := c.expr(args[1])
			c.storing(p.(*syntax.Ident).Name, u0, n)
			return mk("smp_store_release", p, v)
		}
		return nil
	case "smp_mb", "smp_rmb", "smp_wmb":
		if c.u.atomicH {
			// bpf_atomic.h: smp_mb() is an unused __sync_fetch_and_add
			// on a stack slot, and so are smp_rmb() and smp_wmb() off
			// x86-64.
			if c.a.weakRMW() {
				c.note(n, NoteTranslation, fmt.Sprintf("bpf_atomic.h's %s() is an unused __sync_fetch_and_add of a local: with %s it is the non-fetching add, which orders nothing (barrier())", name, c.a.builtBy()))
				return fence("barrier")
			}
			c.a.cpuLocs = append(c.a.cpuLocs, c.loc(n))
		}
		return fence(name)
	case "barrier", "smp_mb__before_atomic", "smp_mb__after_atomic":
		return fence(name)
	case "smp_acquire__after_ctrl_dep":
		return fence("smp_rmb")
	case "__sync_synchronize":
		return fence("smp_mb")
	case "cpu_relax", "__atomic_signal_fence", "atomic_signal_fence":
		return fence("barrier")
	case "__atomic_thread_fence", "atomic_thread_fence":
		if !need(1) {
			return nil
		}
		switch c.parseOrder(args[0]) {
		case OrderRelaxed:
			return nil
		case OrderConsume, OrderAcquire:
			c.note(n, NoteTranslation, "acquire fence translated as smp_rmb(), which does not order reads before later writes")
			return fence("smp_rmb")
		case OrderRelease:
			c.note(n, NoteTranslation, "release fence translated as smp_wmb(), which does not order reads before later writes")
			return fence("smp_wmb")
		}
		return fence("smp_mb")

	case "__sync_lock_test_and_set", "xchg":
		if !need(2) {
			return nil
		}
		c.needFetching(n, name)
		if p, ok := ptr(0, false); ok {
			return mk("xchg", p, c.expr(args[1]))
		}
		return nil
	case "__sync_lock_release":
		if !need(1) {
			return nil
		}
		if p, ok := ptr(0, false); ok {
			return mk("smp_store_release", p, c.lit(0, nil))
		}
		return nil
	case "__sync_val_compare_and_swap", "cmpxchg":
		if !need(3) {
			return nil
		}
		c.needFetching(n, name)
		if p, ok := ptr(0, false); ok {
			return mk("cmpxchg", p, c.expr(args[1]), c.expr(args[2]))
		}
		return nil
	case "__sync_bool_compare_and_swap":
		if !need(3) {
			return nil
		}
		c.needFetching(n, name)
		if p, ok := ptr(0, false); ok {
			old := c.pure(c.expr(args[1]), args[1])
			x := mk("cmpxchg", p, old, c.expr(args[2]))
			return at(c, &syntax.BinaryExpr{Op: "==", X: x, Y: old}, n)
		}
		return nil

	case "__atomic_load_n", "atomic_load_explicit", "atomic_load":
		if !need(1) {
			return nil
		}
		o := OrderSeqCst
		if len(args) > 1 {
			o = c.parseOrder(args[1])
		}
		if o == OrderRelaxed {
			return c.loadOnce(args[0], n, "")
		}
		if c.noAcqRel(n, name, "load") {
			return c.loadOnce(args[0], n, "")
		}
		if p, ok := ptr(0, false); ok {
			return mk("smp_load_acquire", p)
		}
		return nil
	case "__atomic_store_n", "atomic_store_explicit", "atomic_store":
		if !need(2) {
			return nil
		}
		o := OrderSeqCst
		if len(args) > 2 {
			o = c.parseOrder(args[2])
		}
		if o == OrderRelaxed || c.noAcqRel(n, name, "store") {
			return c.store(args[0], args[1], n, "", true)
		}
		p, ok := ptr(0, false)
		if !ok {
			return nil
		}
		x := mk("smp_store_release", p, c.expr(args[1]))
		if o == OrderSeqCst {
			// A seq_cst store is also ordered before later seq_cst loads.
			c.post = append(c.post, at(c, &syntax.ExprStmt{X: mk("smp_mb")}, n))
		}
		return x
	case "__atomic_exchange_n", "atomic_exchange_explicit", "atomic_exchange":
		if !need(2) {
			return nil
		}
		c.needFetching(n, name)
		o := OrderSeqCst
		if len(args) > 2 {
			o = c.parseOrder(args[2])
		}
		if p, ok := ptr(0, false); ok {
			return mk("xchg"+o.Suffix(), p, c.expr(args[1]))
		}
		return nil
	case "try_cmpxchg_acquire", "atomic_try_cmpxchg_acquire", "try_cmpxchg_relaxed", "atomic_try_cmpxchg_relaxed",
		"try_cmpxchg_release", "atomic_try_cmpxchg_release", "atomic_try_cmpxchg":
		// bpf_atomic.h: a __sync_val_compare_and_swap, fully ordered in
		// every JIT; the translation keeps the order the name promises.
		if !need(3) {
			return nil
		}
		o := OrderSeqCst
		switch {
		case strings.HasSuffix(name, "_acquire"):
			o = OrderAcquire
		case strings.HasSuffix(name, "_relaxed"):
			o = OrderRelaxed
		case strings.HasSuffix(name, "_release"):
			o = OrderRelease
		}
		return c.compareExchange(n, args, o, used)
	case "atomic_read":
		if !need(1) {
			return nil
		}
		return c.loadOnce(args[0], n, "")
	case "atomic_set":
		if !need(2) {
			return nil
		}
		return c.store(args[0], args[1], n, "", true)
	case "smp_cond_load_acquire_label", "smp_cond_load_relaxed_label", "smp_cond_load_acquire", "smp_cond_load_relaxed":
		if !need(2) {
			return nil
		}
		return c.condLoad(n, name, args)
	case "__atomic_compare_exchange_n", "atomic_compare_exchange_strong_explicit", "atomic_compare_exchange_weak_explicit",
		"atomic_compare_exchange_strong", "atomic_compare_exchange_weak", "try_cmpxchg":
		if !need(3) {
			return nil
		}
		o := OrderSeqCst
		switch {
		case name == "__atomic_compare_exchange_n" && len(args) > 4:
			o = c.parseOrder(args[4])
		case strings.HasSuffix(name, "_explicit") && len(args) > 3:
			o = c.parseOrder(args[3])
		}
		c.needFetching(n, name)
		return c.compareExchange(n, args, o, used)
	case "bpf_spin_lock", "pthread_mutex_lock", "pthread_spin_lock", "spin_lock":
		if !need(1) {
			return nil
		}
		if l, ok := ptr(0, true); ok {
			return mk("spin_lock", l)
		}
		return nil
	case "bpf_spin_unlock", "pthread_mutex_unlock", "pthread_spin_unlock", "spin_unlock",
		"bpf_res_spin_unlock", "bpf_res_spin_unlock_irqrestore":
		if !need(1) {
			return nil
		}
		if l, ok := ptr(0, true); ok {
			return mk("spin_unlock", l)
		}
		return nil
	case "bpf_res_spin_lock", "bpf_res_spin_lock_irqsave", "pthread_mutex_trylock", "pthread_spin_trylock":
		// 0 on success: the conservative reading of a resilient lock is a
		// trylock, which may fail.
		if !need(1) {
			return nil
		}
		if l, ok := ptr(0, true); ok {
			return at(c, &syntax.UnaryExpr{Op: "!", X: mk("spin_trylock", l)}, n)
		}
		return nil
	case "likely", "unlikely", "__builtin_expect":
		// Branch hints: the value of their first argument.
		if !need(1) {
			return nil
		}
		if used {
			return c.expr(args[0])
		}
		return c.exprStmt(args[0])
	case "cond_break", "cond_break_label", "barrier_var":
		// bpf_experimental.h: leave a loop the verifier cannot bound, or
		// hide a value from the compiler; no memory access.
		if name != "barrier_var" {
			c.note(n, NoteTranslation, name+": the exit of a loop that runs too long is not modeled")
		}
		return nil
	case "bpf_loop":
		if x, ok := c.bpfLoop(n, args, used); ok {
			return x
		}
	case "bpf_rcu_read_lock", "rcu_read_lock":
		return fence("rcu_read_lock")
	case "bpf_rcu_read_unlock", "rcu_read_unlock":
		return fence("rcu_read_unlock")
	}

	if op, ok := strings.CutPrefix(name, "__sync_fetch_and_"); ok && rmwOps[op] != "" {
		if !need(2) {
			return nil
		}
		return c.fetchOp(n, args, op, OrderSeqCst, true, used, false)
	}
	if op, ok := strings.CutSuffix(strings.TrimPrefix(name, "__sync_"), "_and_fetch"); ok && strings.HasPrefix(name, "__sync_") && rmwOps[op] != "" {
		if !need(2) {
			return nil
		}
		return c.fetchOp(n, args, op, OrderSeqCst, true, used, true)
	}
	if op, ok := strings.CutPrefix(name, "__atomic_fetch_"); ok && rmwOps[op] != "" {
		if !need(3) {
			return nil
		}
		return c.fetchOp(n, args, op, c.parseOrder(args[2]), false, used, false)
	}
	if rest, ok := strings.CutPrefix(name, "__atomic_"); ok {
		if op, ok := strings.CutSuffix(rest, "_fetch"); ok && rmwOps[op] != "" {
			if !need(3) {
				return nil
			}
			return c.fetchOp(n, args, op, c.parseOrder(args[2]), false, used, true)
		}
	}
	if rest, ok := strings.CutPrefix(name, "atomic_fetch_"); ok {
		op, explicit := strings.CutSuffix(rest, "_explicit")
		if rmwOps[op] != "" {
			o := OrderSeqCst
			if explicit {
				if !need(3) {
					return nil
				}
				o = c.parseOrder(args[2])
			}
			if !need(2) {
				return nil
			}
			return c.fetchOp(n, args, op, o, false, used, false)
		}
	}

	if m := c.u.fmacros[name]; m != nil {
		return c.expandMacro(n, name, m, args, used)
	}
	if x, ok := c.inline(n, name, args, used); ok {
		return x
	}
	msg := "call to " + name
	if strings.HasPrefix(name, "bpf_") {
		msg = "helper call " + name
	}
	if used {
		msg += " (its result is taken as 0)"
	}
	c.notModeled(n, msg)
	return nil
}

// condLoad lowers smp_cond_load_acquire(p, cond) and its relatives
// (bpf_atomic.h's _label forms take a label to jump to when the loop
// gives up): a loop that reads *p into VAL until cond, a C expression
// over VAL, holds. It is modeled by its last iteration, as a spin-wait
// loop: one read (an acquire one for the _acquire forms) and a filter
// keeping the executions where cond holds. The value is VAL.
func (c *lowerer) condLoad(n *cnode, name string, args []*cnode) syntax.Expr {
	o := c.pointee(args[0])
	if o == nil {
		return nil
	}
	var rd syntax.Expr
	if strings.Contains(name, "acquire") {
		loc := c.location(o, args[0], false)
		if loc == "" {
			return nil
		}
		rd = at(c, call("smp_load_acquire", at(c, &syntax.Ident{Name: loc}, args[0])), n)
	} else if rd = c.loadOnce(args[0], n, ""); rd == nil {
		return nil
	}
	msg := name + " modeled by its last iteration: only the executions where its condition holds are checked"
	if strings.HasSuffix(name, "_label") {
		msg += "; its jump to the label when it gives up is not modeled"
	}
	c.note(n, NoteTranslation, msg)
	val := c.fresh("VAL")
	c.pre = append(c.pre, at(c, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: val}, Value: rd}, n))
	c.scopes = append(c.scopes, map[string]*local{"VAL": {reg: val}})
	cond := c.expr(args[1])
	c.scopes = c.scopes[:len(c.scopes)-1]
	w := c.fresh("w")
	c.waits = append(c.waits, wait{reg: w, loc: c.loc(n)})
	c.pre = append(c.pre, at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: w}, Y: &syntax.UnaryExpr{Op: "!", X: &syntax.ParenExpr{X: cond}}}}, args[1]))
	return &syntax.Ident{Name: val}
}

// bpfLoop unrolls bpf_loop(nr, callback, ctx, flags) with a constant nr
// of at most maxUnroll and a callback of the same file that always
// returns 0 (1 would end the loop): the callback inlined nr times, its
// index a constant in each copy. The value is nr. It reports false when
// it cannot.
func (c *lowerer) bpfLoop(n *cnode, args []*cnode, used bool) (syntax.Expr, bool) {
	if len(args) < 3 || args[1].Type != "identifier" {
		return nil, false
	}
	nr, ok := c.constValue(args[0])
	fn := c.u.funcs[c.text(args[1])]
	if !ok || nr < 0 || nr > maxUnroll || fn == nil {
		return nil, false
	}
	zero := true
	walk(fn, func(k *cnode) bool {
		if k.Type == "return_statement" {
			if nm := k.named(); len(nm) == 1 {
				v, ok := c.u.constValue(nm[0], 0)
				zero = zero && ok && v == 0
			}
		}
		return zero
	})
	if !zero {
		return nil, false
	}
	c.note(n, NoteTranslation, fmt.Sprintf("bpf_loop unrolled: %d calls of %s", nr, c.text(args[1])))
	for k := int64(0); k < nr; k++ {
		if _, ok := c.inlineWith(n, c.text(args[1]), []*cnode{nil, args[2]}, map[int]int64{0: k}, false); !ok {
			return nil, false
		}
	}
	if used {
		return c.lit(nr, n), true
	}
	return nil, true
}

// noAcqRel reports whether an acquire or release (or stronger) atomic
// load or store (what: "load" or "store") of a BPF program loses its
// ordering: BPF has load-acquire and store-release from -mcpu=v4 only
// (kernel 6.15), so below v4 it is taken as READ_ONCE or WRITE_ONCE, the
// most the program can count on, with a note. User-space code is built for
// the host and keeps its ordering.
func (c *lowerer) noAcqRel(n *cnode, name, what string) bool {
	if !c.u.bpf || c.a.cpu >= CPUv4 {
		return false
	}
	insn := map[string]string{"load": "load-acquire", "store": "store-release"}[what]
	c.note(n, NoteTranslation, fmt.Sprintf("%s at -mcpu=%s: BPF has %s only from -mcpu=v4 (kernel 6.15), so this %s is taken as unordered (%s); build with -mcpu=v4 and say // litmus: cpu v4", name, c.a.cpu, insn, what, map[string]string{"load": "READ_ONCE", "store": "WRITE_ONCE"}[what]))
	return true
}

// needFetching notes that clang cannot compile the builtin name (an
// exchange, a compare-and-exchange) at -mcpu=v1/v2.
func (c *lowerer) needFetching(n *cnode, name string) {
	if !c.a.cpu.fetching() && strings.HasPrefix(name, "__") {
		c.note(n, NoteCompile, fmt.Sprintf("clang -mcpu=%s cannot compile %s: BPF has exchange and compare-and-exchange from -mcpu=v3 (clang's default since clang 20)", c.a.cpu, name))
	}
}

// loadOnce lowers a marked load of the lvalue arg (READ_ONCE(x), or a
// relaxed atomic load when arg is a pointer, as with __atomic_load_n).
func (c *lowerer) loadOnce(arg, n *cnode, macro string) syntax.Expr {
	var o *obj
	if macro == "READ_ONCE" {
		o = c.objectOf(arg)
	} else {
		o = c.pointee(arg)
	}
	if o == nil {
		return nil
	}
	if o.reg != "" {
		return at(c, &syntax.Ident{Name: o.reg}, arg)
	}
	if o.dyn != nil {
		return c.dynLoad(o, n, true)
	}
	name := c.location(o, arg, false)
	if name == "" {
		return nil
	}
	return at(c, call("READ_ONCE", c.deref(name, arg)), n)
}

// store lowers a marked store: WRITE_ONCE(x, v), or a relaxed atomic store
// through a pointer when viaPtr.
func (c *lowerer) store(dst, val, n *cnode, macro string, viaPtr bool) syntax.Expr {
	var o *obj
	if viaPtr {
		o = c.pointee(dst)
	} else {
		o = c.objectOf(dst)
	}
	u0 := c.unknown
	v := c.expr(val)
	if o == nil {
		return nil
	}
	if o.dyn != nil {
		c.dynStore(o, n, "=", v, val, true)
		return nil
	}
	if o.reg != "" {
		return at(c, &syntax.AssignExpr{Op: "=", X: at(c, &syntax.Ident{Name: o.reg}, dst), Y: v}, n)
	}
	name := c.location(o, dst, false)
	if name == "" {
		return nil
	}
	c.storing(name, u0, n)
	return c.writeOnce(name, "=", v, dst, n)
}

// fetchOp lowers the read-modify-write builtins. sync marks the __sync
// family (sequentially consistent); newValue the OP_and_fetch forms,
// which return the new value. What clang emits depends on the CPU (see
// [CPU]): an unused result that asks for no ordering, or that asks for it
// from v1/v2 or a clang before 20, is the non-fetching, unordered
// atomic_OP; everything else is the fetching instruction, which v1/v2
// lack.
func (c *lowerer) fetchOp(n *cnode, args []*cnode, op string, o Order, sync, used, newValue bool) syntax.Expr {
	name := c.text(n.child("function"))
	arith := op == "add" || op == "sub"
	fetch := used || o != OrderRelaxed && !c.a.weakRMW()
	switch {
	case !c.a.cpu.fetching() && !arith:
		c.note(n, NoteCompile, fmt.Sprintf("clang -mcpu=%s cannot compile %s: BPF has atomic %s from -mcpu=v3 (clang's default since clang 20)", c.a.cpu, name, op))
	case !c.a.cpu.fetching() && used:
		c.note(n, NoteCompile, fmt.Sprintf("clang -mcpu=%s cannot compile a used result of %s (\"Invalid usage of the XADD return value\"): BPF has fetching atomics from -mcpu=v3 (clang's default since clang 20)", c.a.cpu, name))
	}
	sensitive := !used && o != OrderRelaxed
	if sensitive && !c.a.weakRMW() {
		c.a.cpuLocs = append(c.a.cpuLocs, c.loc(n))
	}
	o2 := c.pointee(args[0])
	if o2 != nil && o2.reg != "" {
		return c.localRMW(n, args, op, o, o2.reg, fetch, used, newValue)
	}
	if o2 != nil && o2.dyn != nil {
		// An element at a computed index: one branch per element.
		v := c.pure(c.expr(args[1]), args[1])
		idx := c.index(o2.dyn)
		locs := c.elements(o2, n)
		if locs == nil {
			return nil
		}
		if sensitive {
			c.note(n, NoteTranslation, c.rmwNote(op, fetch))
		}
		var t string
		if used {
			t = c.fresh("t")
			c.pre = append(c.pre, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}})
		}
		c.pre = append(c.pre, c.chain(idx, locs, n, func(loc string) syntax.Stmt {
			x := c.rmwCall(n, op, o, fetch, newValue, copyExpr(v), at(c, &syntax.Ident{Name: loc}, args[0]))
			if t == "" {
				return at(c, &syntax.ExprStmt{X: x}, n)
			}
			return at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: t}, Y: x}}, n)
		}))
		if t == "" {
			return nil
		}
		return &syntax.Ident{Name: t}
	}
	loc := c.location(o2, args[0], false)
	if loc == "" {
		return nil
	}
	p := at(c, &syntax.Ident{Name: loc}, args[0])
	v := c.expr(args[1])
	if sensitive {
		c.note(n, NoteTranslation, c.rmwNote(op, fetch))
	}
	if !fetch {
		return at(c, call("atomic_"+op, v, p), n)
	}
	if !newValue {
		return at(c, call("atomic_fetch_"+op+o.Suffix(), v, p), n)
	}
	if arith {
		return at(c, call("atomic_"+op+"_return"+o.Suffix(), v, p), n)
	}
	// and/or/xor have no _return form: the new value is old OP v.
	v = c.pure(v, args[1])
	x := at(c, call("atomic_fetch_"+op+o.Suffix(), v, p), n)
	return at(c, &syntax.BinaryExpr{Op: rmwOps[op], X: x, Y: v}, n)
}

// rmwNote says what an unused read-modify-write that asks for ordering
// became, and what another build makes of it.
func (c *lowerer) rmwNote(op string, fetch bool) string {
	if !fetch {
		return fmt.Sprintf("result unused: %s emits the non-fetching atomic %s, which orders nothing (atomic_%s); clang 20 and later at -mcpu=v3 or v4 emit the fetching, fully ordered instruction", c.a.builtBy(), op, op)
	}
	return fmt.Sprintf("result unused: clang 20 and later at -mcpu=%s emit the fetching, fully ordered instruction (atomic_fetch_%s); with -mcpu=v1/v2 or a clang before 20 it is the unordered atomic_%s", c.a.cpu, op, op)
}

// rmwCall is the read-modify-write primitive of fetchOp on location p
// with operand v (without effects).
func (c *lowerer) rmwCall(n *cnode, op string, o Order, fetch, newValue bool, v, p syntax.Expr) syntax.Expr {
	switch {
	case !fetch:
		return at(c, call("atomic_"+op, v, p), n)
	case !newValue:
		return at(c, call("atomic_fetch_"+op+o.Suffix(), v, p), n)
	case op == "add" || op == "sub":
		return at(c, call("atomic_"+op+"_return"+o.Suffix(), v, p), n)
	}
	return at(c, &syntax.BinaryExpr{Op: rmwOps[op], X: at(c, call("atomic_fetch_"+op+o.Suffix(), v, p), n), Y: copyExpr(v)}, n)
}

// localRMW lowers a read-modify-write of a local variable (a stack slot
// no other program sees), as bpf_atomic.h's smp_mb() does: the fetching,
// fully ordered instruction is a full barrier, smp_mb(); the non-fetching
// or a relaxed one orders nothing. The local's register takes the new
// value; the call's value is the old or new one as the builtin says.
func (c *lowerer) localRMW(n *cnode, args []*cnode, op string, o Order, reg string, fetch, used, newValue bool) syntax.Expr {
	v := c.pure(c.expr(args[1]), args[1])
	var old syntax.Expr = &syntax.Ident{Name: reg}
	if used && !newValue {
		t := c.fresh("t")
		c.pre = append(c.pre, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}, Value: &syntax.Ident{Name: reg}})
		old = &syntax.Ident{Name: t}
	}
	full := fetch && o.Suffix() == ""
	if full {
		c.note(n, NoteTranslation, "a fully ordered read-modify-write of a local variable is a full barrier: smp_mb()")
		c.pre = append(c.pre, at(c, &syntax.ExprStmt{X: at(c, call("smp_mb"), n)}, n))
	} else if o != OrderRelaxed {
		c.note(n, NoteTranslation, fmt.Sprintf("the non-fetching atomic %s of a local variable (%s) orders nothing", op, c.a.builtBy()))
	}
	upd := at(c, &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: reg}, Y: &syntax.BinaryExpr{Op: rmwOps[op], X: &syntax.Ident{Name: reg}, Y: v}}, n)
	if !used {
		return upd
	}
	c.pre = append(c.pre, at(c, &syntax.ExprStmt{X: upd}, n))
	if newValue {
		return &syntax.Ident{Name: reg}
	}
	return old
}

// builtBy names the build that gives the non-fetching instruction.
func (a *assembler) builtBy() string {
	if a.oldClang {
		return "clang before 20"
	}
	return "clang -mcpu=" + a.cpu.String()
}

// pure returns x, or a register holding its value when x has effects
// (so that it can be used twice).
func (c *lowerer) pure(x syntax.Expr, n *cnode) syntax.Expr {
	if !hasEffects(x) {
		return x
	}
	t := c.fresh("t")
	c.pre = append(c.pre, at(c, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}, Value: x}, n))
	return &syntax.Ident{Name: t}
}

// compareExchange lowers the compare-and-exchange builtins that take the
// expected value through a pointer to a local, which receives the old
// value: "t = cmpxchg(x, e, d); ok = t == e; e = t;", valued ok.
func (c *lowerer) compareExchange(n *cnode, args []*cnode, o Order, used bool) syntax.Expr {
	p0 := c.pointee(args[0])
	loc := c.location(p0, args[0], false)
	if loc == "" {
		return nil
	}
	e := c.pointee(args[1])
	if e == nil {
		return nil
	}
	if e.reg == "" {
		c.notModeled(args[1], "expected value not in a local variable")
		return nil
	}
	d := c.expr(args[2])
	t := c.fresh("t")
	ok := c.fresh("ok")
	x := at(c, call("cmpxchg"+o.Suffix(), at(c, &syntax.Ident{Name: loc}, args[0]), &syntax.Ident{Name: e.reg}, d), n)
	c.pre = append(c.pre,
		at(c, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}, Value: x}, n),
		&syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: ok}, Value: &syntax.BinaryExpr{Op: "==", X: &syntax.Ident{Name: t}, Y: &syntax.Ident{Name: e.reg}}},
		&syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: e.reg}, Y: &syntax.Ident{Name: t}}},
	)
	if !used {
		return nil
	}
	return at(c, &syntax.Ident{Name: ok}, n)
}
