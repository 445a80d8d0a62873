package syntax

// InspectProp calls f for p and for every proposition under it, outermost
// first, left before right. Most callers want the atoms:
//
//	InspectProp(cond.Prop, func(p Prop) {
//		if a, ok := p.(*AtomProp); ok { ... }
//	})
func InspectProp(p Prop, f func(Prop)) {
	if p == nil {
		return
	}
	f(p)
	switch p := p.(type) {
	case *NotProp:
		InspectProp(p.X, f)
	case *AndProp:
		InspectProp(p.X, f)
		InspectProp(p.Y, f)
	case *OrProp:
		InspectProp(p.X, f)
		InspectProp(p.Y, f)
	case *ImpliesProp:
		InspectProp(p.X, f)
		InspectProp(p.Y, f)
	case *ParenProp:
		InspectProp(p.X, f)
	}
}

// InspectExpr calls f for e and for every expression under it, outermost
// first, left before right: operands, a condition and its branches, a
// call's arguments, an index and what it indexes.
func InspectExpr(e Expr, f func(Expr)) {
	if e == nil {
		return
	}
	f(e)
	switch e := e.(type) {
	case *UnaryExpr:
		InspectExpr(e.X, f)
	case *BinaryExpr:
		InspectExpr(e.X, f)
		InspectExpr(e.Y, f)
	case *AssignExpr:
		InspectExpr(e.X, f)
		InspectExpr(e.Y, f)
	case *CondExpr:
		InspectExpr(e.Cond, f)
		InspectExpr(e.X, f)
		InspectExpr(e.Y, f)
	case *ParenExpr:
		InspectExpr(e.X, f)
	case *CastExpr:
		InspectExpr(e.X, f)
	case *CallExpr:
		for _, a := range e.Args {
			InspectExpr(a, f)
		}
	case *IndexExpr:
		InspectExpr(e.X, f)
		InspectExpr(e.Index, f)
	}
}

// ThreadRegisters returns the names a C thread declares as locals and
// the names it assigns: together, its registers.
func ThreadRegisters(th *Thread) (locals, assigned map[string]bool) {
	locals, assigned = map[string]bool{}, map[string]bool{}
	InspectStmt(th.Body, func(s Stmt) {
		if d, ok := s.(*DeclStmt); ok && d.Name != nil {
			locals[d.Name.Name] = true
		}
	}, func(e Expr) {
		if a, ok := e.(*AssignExpr); ok {
			if id, ok := a.X.(*Ident); ok {
				assigned[id.Name] = true
			}
		}
	})
	return locals, assigned
}

// InspectStmt calls stmt for s and every statement under it, and expr for
// every expression under them, outermost first. A call's function name is
// not visited as an expression.
func InspectStmt(s Stmt, stmt func(Stmt), expr func(Expr)) {
	if s == nil {
		return
	}
	stmt(s)
	switch s := s.(type) {
	case *BlockStmt:
		for _, x := range s.Stmts {
			InspectStmt(x, stmt, expr)
		}
	case *DeclStmt:
		InspectExpr(s.Value, expr)
	case *ExprStmt:
		InspectExpr(s.X, expr)
	case *IfStmt:
		InspectExpr(s.Cond, expr)
		InspectStmt(s.Then, stmt, expr)
		InspectStmt(s.Else, stmt, expr)
	case *WhileStmt:
		InspectExpr(s.Cond, expr)
		InspectStmt(s.Body, stmt, expr)
	}
}

// Unparen returns e without the parentheses and casts around it.
func Unparen(e Expr) Expr {
	for {
		switch x := e.(type) {
		case *ParenExpr:
			e = x.X
		case *CastExpr:
			e = x.X
		default:
			return e
		}
	}
}
