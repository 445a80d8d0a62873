package cat

import "github.com/litmusls/litmusls/syntax"

func newLines(src string) *syntax.Lines { return syntax.NewLines("", []byte(src)) }
