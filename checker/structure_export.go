package checker

import (
	"errors"

	"github.com/litmusls/litmusls/syntax"
)

// Structures lowers f and returns event structures that together hold
// every path of every thread: the i-th takes the i-th path of each thread
// (or its last, when the thread has fewer), so there are as many as the
// thread with the most paths has, not one per combination. They are for
// analyses that read each thread's events and its po, rmw, addr, data and
// ctrl relations; they carry no reads-from and no model cache. Event spans
// refer to f's source.
//
// A test the checker cannot lower gives its LowerError, as Check reports
// it in Result.Errors; any other error is the checker's own failure.
func Structures(f *syntax.File) ([]*Structure, *LowerError, error) {
	lowerFile := lower
	switch f.Dialect {
	case syntax.DialectC:
	case syntax.DialectBPF:
		lowerFile = lowerBPF
	default:
		return nil, &LowerError{f.ArchSpan, f.Dialect.String() + " litmus tests cannot be checked"}, nil
	}
	p, err := lowerFile(f)
	if err != nil {
		var le *LowerError
		if errors.As(err, &le) {
			return nil, le, nil
		}
		return nil, nil, err
	}
	most := 1
	for _, ps := range p.threads {
		most = max(most, len(ps))
	}
	out := make([]*Structure, 0, most)
	for i := range most {
		paths := make([]*path, p.nthread)
		for t, ps := range p.threads {
			if len(ps) > 0 {
				paths[t] = ps[min(i, len(ps)-1)]
			}
		}
		out = append(out, p.buildStructure(paths).Structure)
	}
	return out, nil, nil
}
