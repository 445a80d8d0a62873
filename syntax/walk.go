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
