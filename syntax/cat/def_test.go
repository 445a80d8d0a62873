package cat

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// defCalls lists each macro as "name(params) => call call ...", with "{}"
// after the parameters of a statement macro.
func defCalls(f *MacroFile) string {
	var b strings.Builder
	for _, m := range f.Macros {
		params := make([]string, len(m.Params))
		for i, p := range m.Params {
			params[i] = p.Name
		}
		b.WriteString(m.Name.Name + "(" + strings.Join(params, ",") + ")")
		if m.Body != nil {
			b.WriteString("{}")
		}
		b.WriteString(" =>")
		for _, c := range m.Calls() {
			b.WriteString(" " + c.String())
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestLinuxKernelDef reads the kernel's macro file: every primitive maps
// to a core operation with its tags and arguments.
func TestLinuxKernelDef(t *testing.T) {
	path := filepath.Join(sharedDir(t), "model", "lkmm", "linux-kernel.def")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	f, errs := ParseMacros("linux-kernel.def", src)
	require.Empty(t, errs.Format(f.Lines))
	require.Greater(t, len(f.Macros), 100)
	want := map[string]string{
		"READ_ONCE":                 "__load{ONCE}(X)",
		"WRITE_ONCE":                "__store{ONCE}(X,V)",
		"smp_store_release":         "__store{RELEASE}(*X,V)",
		"smp_store_mb":              "__store{ONCE}(X,V) __fence{MB}",
		"smp_mb__after_unlock_lock": "__fence{after-unlock-lock}",
		"xchg_relaxed":              "__xchg{ONCE}(X,V)",
		"cmpxchg":                   "__cmpxchg{MB}(X,V,W)",
		"spin_lock":                 "__lock(X)",
		"spin_trylock":              "__trylock(X)",
		"srcu_read_unlock":          "__store{srcu-unlock}(*X,Y)",
		"synchronize_srcu":          "__srcu{sync-srcu}(X)",
		"atomic_read":               "READ_ONCE(*X)",
		"atomic_set":                "WRITE_ONCE(*X,V)",
		"atomic_andnot":             "__atomic_op{NORETURN}(X,&~,V)",
		"atomic_fetch_or_release":   "__atomic_fetch_op{RELEASE}(X,|,V)",
		"atomic_dec_and_test":       "__atomic_op_return{MB}(X,-,1)",
		"atomic_add_unless":         "__atomic_add_unless{MB}(X,V,W)",
	}
	for name, calls := range want {
		m := f.ExprMacro(name)
		if m == nil {
			m = f.StmtMacro(name)
		}
		require.NotNil(t, m, name)
		var got []string
		for _, c := range m.Calls() {
			got = append(got, c.String())
		}
		require.Equal(t, calls, strings.Join(got, " "), name)
	}
	dec := f.ExprMacro("atomic_dec_and_test").Expr.(*CBinary)
	require.Equal(t, "==", dec.Op)
	require.Equal(t, int64(0), dec.Y.(*CInt).Value)
	require.Nil(t, f.ExprMacro("WRITE_ONCE"))
	require.Nil(t, f.StmtMacro("READ_ONCE"))

	// Every call names a core operation or another macro of the file.
	for _, m := range f.Macros {
		for _, c := range m.Calls() {
			if !c.Core() {
				require.True(t, f.ExprMacro(c.Name.Name) != nil || f.StmtMacro(c.Name.Name) != nil, "%s calls %s", m.Name.Name, c.Name.Name)
			}
		}
	}
	line := f.Lines.Position(f.ExprMacro("READ_ONCE").Span.Start).Line
	require.Equal(t, "READ_ONCE(X) __load{ONCE}(X)", strings.Split(string(src), "\n")[line-1])
}

func TestMacros(t *testing.T) {
	tests := []struct{ name, src, calls, errs string }{
		{"expression and statement", "f(X) __load{once}(X)\ng(X,V) { __store{once}(X,V); __fence{mb}; }\n",
			"f(X) => __load{once}(X)\ng(X,V){} => __store{once}(X,V) __fence{mb}\n", ""},
		{"nested calls and deref", "h(X) READ_ONCE(*(X))\n", "h(X) => READ_ONCE(*X)\n", ""},
		{"no params", "mb() { __fence{MB}; }\n", "mb(){} => __fence{MB}\n", ""},
		{"operators", "t(V,X) __atomic_op_return{MB}(X,+,V) < 0 | 1\n", "t(V,X) => __atomic_op_return{MB}(X,+,V)\n", ""},
		{"assignment and if", "s(X) { *X = 1; if (X == 2) { __fence{mb}; } else __lock(X); }\n", "s(X){} => __fence{mb} __lock(X)\n", ""},
		{"comments", "// line\n/* block\n */ f(X) X\n", "f(X) =>\n", ""},
		{"missing semicolon", "xchg(X,Y) { __xchg{mb}(X,Y) }\nf(X) X\n", "xchg(X,Y){} => __xchg{mb}(X,Y)\nf(X) =>\n",
			"1:29: expected ';' after the statement, found '}'\n"},
		{"missing tags", "f(X) __load(X)\n", "f(X) => __load(X)\n", "1:6: __load needs {tags}\n"},
		{"tags on a lock", "f(X) { __lock{mb}(X); }\n", "f(X){} => __lock{mb}(X)\n", "1:8: __lock takes no {tags}\n"},
		{"arity", "f(X) __cmpxchg{mb}(X,1)\n", "f(X) => __cmpxchg{mb}(X,1)\n", "1:6: __cmpxchg takes 3 arguments, found 2\n"},
		{"statement as expression", "f(X) __store{once}(X,1)\n", "f(X) => __store{once}(X,1)\n", "1:6: __store is a statement, not an expression\n"},
		{"operator argument", "f(X) __atomic_fetch_op{mb}(X,X,1)\n", "f(X) => __atomic_fetch_op{mb}(X,X,1)\n",
			"1:30: the second argument of __atomic_fetch_op is an operator (+, -, &, |, ^ or &~)\n"},
		{"stray operator", "f(X) g(X,+)\n", "f(X) => g(X,+)\n", "1:10: an operator is only the second argument of an atomic operation\n"},
		{"tags on a macro call", "f(X) READ_ONCE{mb}(X)\n", "f(X) => READ_ONCE{mb}(X)\n", "1:6: READ_ONCE is not one of herd7's core operations and takes no {tags}\n"},
		{"fence with arguments", "f() { __fence{mb}(); }\n", "f(){} => __fence{mb}()\n", "1:7: __fence takes no arguments\n"},
		{"recovery", "f(X) )\ng(X) X\n", "f(X) =>\ng(X) =>\n", "1:6: expected an expression, found ')'\n"},
		{"bad header", "f X\ng(X) X\n", "f() =>\ng(X) =>\n", "1:3: expected '(' after the macro name, found name X\n"},
		{"unclosed comment", "f(X) X /* x\n", "f(X) =>\n", "1:8: comment not terminated\n"},
		{"stray character", "f(X) X @\ng(X) X\n", "f(X) =>\ng(X) =>\n", "1:8: unexpected character \"@\"\n"},
		{"negative constant", "f(X) X-1\n", "f(X) =>\n", "1:7: expected a macro name, found '-1'\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, errs := ParseMacros("", []byte(tt.src))
			require.Equal(t, tt.errs, errs.Format(f.Lines))
			require.Equal(t, tt.calls, defCalls(f))
		})
	}
}

// TestMacrosDepth checks that deep nesting is an error, not a crash.
func TestMacrosDepth(t *testing.T) {
	for _, body := range []string{strings.Repeat("(", 5000), strings.Repeat("*", 5000), strings.Repeat("{", 5000)} {
		f, errs := ParseMacros("deep.def", []byte("f(X) "+body))
		require.NotNil(t, f)
		require.Len(t, errs, 1)
		require.Equal(t, "nesting too deep", errs[0].Msg)
	}
}
