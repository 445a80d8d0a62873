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
