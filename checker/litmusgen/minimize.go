package litmusgen

// Minimize shrinks t while bad holds: it removes whole threads,
// statements (at any depth; a block with its body), clauses of the
// final condition and locations, one at a time, keeping each removal
// after which bad still holds, until none can be removed. bad must hold
// for t. The result is a new test; t is not changed.
func Minimize(t *Test, bad func(*Test) bool) *Test {
	cur := t.clone()
	for changed := true; changed; {
		changed = false
		for i := len(cur.Threads) - 1; i >= 0 && len(cur.Threads) > 1; i-- {
			if c := removeThread(cur, i); bad(c) {
				cur, changed = c, true
			}
		}
		for i := len(cur.Clauses) - 1; i >= 0; i-- {
			c := cur.clone()
			c.Clauses = append(c.Clauses[:i], c.Clauses[i+1:]...)
			if bad(c) {
				cur, changed = c, true
			}
		}
		for i := len(cur.Locations) - 1; i >= 0; i-- {
			c := cur.clone()
			c.Locations = append(c.Locations[:i], c.Locations[i+1:]...)
			if bad(c) {
				cur, changed = c, true
			}
		}
		for ti := range cur.Threads {
			for k := countStmts(cur.Threads[ti].Stmts) - 1; k >= 0; k-- {
				c := cur.clone()
				n := k
				c.Threads[ti].Stmts, _ = removeStmt(c.Threads[ti].Stmts, &n)
				if bad(c) {
					cur, changed = c, true
				}
			}
		}
		if cur.Quant != "exists" || cur.Or {
			c := cur.clone()
			c.Quant, c.Or = "exists", false
			if bad(c) {
				cur, changed = c, true
			}
		}
	}
	return cur
}

func countStmts(ss []Stmt) int {
	n := 0
	for _, s := range ss {
		n += 1 + countStmts(s.Body)
	}
	return n
}

// removeStmt removes the statement numbered *n in preorder (a block
// with its body) and reports whether it found it.
func removeStmt(ss []Stmt, n *int) ([]Stmt, bool) {
	for i := range ss {
		if *n == 0 {
			return append(ss[:i:i], ss[i+1:]...), true
		}
		*n--
		if ss[i].Body != nil {
			if body, ok := removeStmt(ss[i].Body, n); ok {
				if body == nil {
					body = []Stmt{}
				}
				ss[i].Body = body
				return ss, true
			}
		}
	}
	return ss, false
}

// removeThread returns a copy of t without thread i: later threads are
// renumbered, and clauses and locations that name thread i dropped. A
// BPF test's labels keep their names, which stay unique.
func removeThread(t *Test, i int) *Test {
	c := t.clone()
	c.Threads = append(c.Threads[:i], c.Threads[i+1:]...)
	fix := func(cl []Clause) []Clause {
		var out []Clause
		for _, x := range cl {
			switch {
			case x.Thread == i:
				continue
			case x.Thread > i:
				x.Thread--
			}
			out = append(out, x)
		}
		return out
	}
	c.Clauses = fix(c.Clauses)
	c.Locations = fix(c.Locations)
	return c
}
