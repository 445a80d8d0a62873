package bpfc

import (
	"github.com/litmusls/litmusls/syntax"
)

// A switchCase is a group of case labels with the statements they run.
type switchCase struct {
	vals  []int64 // the labels' values; none for the default
	deflt bool    // the group holds the default label
	stmts []*cnode
	at    *cnode
}

// switchStmt lowers a switch whose cases each end in break or return
// (empty cases share the next one's statements) and whose labels are
// constants: a chain of ifs comparing the value once. When a case may
// return, rest (the statements after the switch) is lowered into every
// branch and consumed is true. ok is false when the switch has another
// shape; the caller then notes it as not modeled.
func (c *lowerer) switchStmt(n *cnode, rest []*cnode) (out []syntax.Stmt, consumed, ok bool) {
	condN, body := n.child("condition"), n.child("body")
	if condN == nil || body == nil {
		return nil, false, false
	}
	if condN.Type == "parenthesized_expression" && len(condN.named()) == 1 {
		condN = condN.named()[0]
	}
	var groups []*switchCase
	cur := &switchCase{}
	kids := body.named()
	for i, k := range kids {
		if k.Type == "comment" {
			continue
		}
		if k.Type != "case_statement" {
			return nil, false, false
		}
		if v := k.child("value"); v != nil {
			val, ok := c.constValue(v)
			if !ok {
				return nil, false, false
			}
			cur.vals = append(cur.vals, val)
		} else {
			cur.deflt = true
		}
		if cur.at == nil {
			cur.at = k
		}
		var stmts []*cnode
		for _, s := range k.named() {
			if s.Field != "value" && s.Type != "comment" {
				stmts = append(stmts, s)
			}
		}
		if len(stmts) == 0 {
			continue // falls into the next label's statements
		}
		last := stmts[len(stmts)-1]
		switch last.Type {
		case "break_statement":
			stmts = stmts[:len(stmts)-1]
		case "return_statement":
		default:
			for _, later := range kids[i+1:] {
				if later.Type == "case_statement" {
					return nil, false, false // falls through into the next case
				}
			}
		}
		for _, s := range stmts {
			if hasBreak(s) && s.Type != "for_statement" && s.Type != "while_statement" && s.Type != "do_statement" && s.Type != "switch_statement" {
				return nil, false, false
			}
		}
		cur.stmts = stmts
		groups = append(groups, cur)
		cur = &switchCase{}
	}
	if cur.at != nil {
		groups = append(groups, cur) // labels at the end, with nothing to run
	}
	returns := false
	for _, g := range groups {
		for _, s := range g.stmts {
			returns = returns || mayReturn(s)
		}
	}
	var after []*cnode
	if returns {
		after, consumed = rest, true
	}
	c.pre, c.post = nil, nil
	x := c.pure(c.expr(condN), condN)
	pre := c.pre
	c.pre = nil
	var deflt *switchCase
	var chain syntax.Stmt
	var tail *syntax.IfStmt
	snap := c.save()
	for _, g := range groups {
		if g.deflt {
			deflt = g
			continue
		}
		var cond syntax.Expr
		for _, v := range g.vals {
			eq := &syntax.BinaryExpr{Op: "==", X: copyExpr(x), Y: intExpr(v)}
			if cond == nil {
				cond = eq
			} else {
				cond = &syntax.BinaryExpr{Op: "||", X: cond, Y: eq}
			}
		}
		c.restore(snap)
		snap = c.save()
		s := at(c, &syntax.IfStmt{Cond: cond, Then: c.blockOf(g.stmts, after, g.at)}, g.at)
		if tail == nil {
			chain = s
		} else {
			tail.Else = s
		}
		tail = s
	}
	c.restore(snap)
	var els *syntax.BlockStmt
	switch {
	case deflt != nil:
		els = c.blockOf(deflt.stmts, after, deflt.at)
	case len(after) > 0:
		els = c.blockOf(nil, after, nil)
	}
	if els != nil {
		if tail == nil {
			chain = els
		} else {
			tail.Else = els
		}
	}
	c.note(n, NoteTranslation, "switch translated as a chain of ifs")
	if chain == nil {
		return pre, consumed, true
	}
	return append(pre, at(c, chain, n)), consumed, true
}
