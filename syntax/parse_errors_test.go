package syntax

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// check parses src and compares the formatted errors with want (one
// "line:col: message" per line), then runs more assertions on the tree.
func check(t *testing.T, src string, want string, more func(t *testing.T, f *File)) {
	t.Helper()
	f, errs := Parse("", []byte(src))
	require.NotNil(t, f)
	require.Equal(t, want, errs.Format(f.Lines))
	if more != nil {
		more(t, f)
	}
}

const good = "C t\n{ x=1; }\nP0(int *x) {\n\tint r0;\n\tr0 = READ_ONCE(*x);\n}\n\nP1(int *x) {\n\tWRITE_ONCE(*x, 1);\n}\nexists (0:r0=1)\n"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
		more            func(t *testing.T, f *File)
	}{
		{"good", good, "", func(t *testing.T, f *File) {
			require.Len(t, f.Threads, 2)
			require.NotNil(t, f.Cond)
		}},
		{"truncated", good[:40], "5:6: expected expression, found end of file\n", func(t *testing.T, f *File) {
			require.Len(t, f.Threads, 1)
			require.Len(t, f.Threads[0].Body.Stmts, 2)
		}},
		{"missing brace",
			"C t\n{ x=1; }\nP0(int *x) {\n\tint r0;\n\tr0 = READ_ONCE(*x);\n\nP1(int *x) {\n\tWRITE_ONCE(*x, 1);\n}\nexists (0:r0=1)\n",
			"7:1: expected '}' to end the body of P0, found 'P1'\n", func(t *testing.T, f *File) {
				require.Len(t, f.Threads, 2)
				require.Equal(t, "P1", f.Threads[1].Name)
				require.Len(t, f.Threads[1].Body.Stmts, 1)
				require.NotNil(t, f.Cond)
			}},
		{"stray token",
			"C t\n{ x=1; }\nP0(int *x) {\n\tint r0;\n\tr0 = READ_ONCE(*x) ) ;\n\tsmp_mb();\n}\nP1(int *x) {\n\tWRITE_ONCE(*x, 1);\n}\nexists (0:r0=1)\n",
			"5:21: expected ';' after statement, found ')'\n", func(t *testing.T, f *File) {
				require.Len(t, f.Threads, 2)
				require.Len(t, f.Threads[0].Body.Stmts, 3) // the declaration, the read, smp_mb()
				require.NotNil(t, f.Cond)
			}},
		{"unknown primitive and arity",
			"C t\n{ x=1; }\nP0(int *x) {\n\tsmp_foo();\n\tWRITE_ONCE(*x);\n\tsmp_mb();\n}\nexists (0:r0=1)\n",
			"4:2: unknown primitive smp_foo\n5:2: WRITE_ONCE takes 2 arguments, found 1\n", func(t *testing.T, f *File) {
				require.Len(t, f.Threads[0].Body.Stmts, 3)
				require.NotNil(t, f.Cond)
			}},
		{"unterminated string on a CRLF line", "C t\r\n{ x=1; }\r\n\"\r\n",
			"3:1: expected thread P0 or final condition, found '\"'\n3:1: string not terminated\n", nil},
		{"bad condition",
			"C t\n{ x=1; }\nP0(int *x) {\n\tsmp_mb();\n}\nexists (0:r0= /\\ x=1)\n",
			"6:15: expected value, found '/\\'\n", func(t *testing.T, f *File) {
				require.NotNil(t, f.Cond)
				require.Len(t, f.Threads, 1)
			}},
		{"bad filter, good condition",
			"C t\n{}\nP0(int *x) {\n\tsmp_mb();\n}\nfilter (x 1)\nexists (x=1)\n",
			"6:11: expected '=' after x, found '1'\n", func(t *testing.T, f *File) {
				require.NotNil(t, f.Filter)
				require.Equal(t, "x", f.Cond.Prop.(*ParenProp).X.(*AtomProp).Loc.Name)
			}},
		{"empty file", "", "1:1: empty file: expected a test starting with 'C name' or 'BPF name'\n", nil},
		{"binary junk", "\x00\x01\xff\xfe{}(*", "1:1: expected 'C' or 'BPF' at the start of the test, found \"\\x00\\x01\\xff\\xfe{}(*\"\n", nil},
		{"missing semicolon",
			"C t\n{ x=1; }\nP0(int *x) {\n\tint r0\n\tr0 = READ_ONCE(*x);\n\tsmp_mb();\n}\nexists (0:r0=1)\n",
			"5:2: expected ';' after statement, found 'r0'\n", func(t *testing.T, f *File) {
				require.Len(t, f.Threads[0].Body.Stmts, 3)
				require.NotNil(t, f.Cond)
			}},
		{"bad init item",
			"C t\n{ x=1; y=; z=2 }\nP0(int *x) {\n\tsmp_mb();\n}\nexists (0:r0=1)\n",
			"2:10: expected expression, found ';'\n", func(t *testing.T, f *File) {
				require.Len(t, f.Init.Items, 3)
				require.Equal(t, "z", f.Init.Items[2].Loc.Name)
				require.Len(t, f.Threads, 1)
			}},
		{"missing init", "C t\nP0(int *x) {\n\tsmp_mb();\n}\nexists (0:r0=1)\n",
			"2:1: expected '{' to start the init block, found 'P0'\n", func(t *testing.T, f *File) {
				require.Len(t, f.Threads, 1)
				require.NotNil(t, f.Cond)
			}},
		{"no condition", "C t\n{}\nP0(int *x) {\n\tsmp_mb();\n}\n", "", func(t *testing.T, f *File) {
			require.Nil(t, f.Cond) // herd7 reads it as "forall (true)"
			require.Len(t, f.Threads, 1)
		}},
		{"if without ')'",
			"C t\n{}\nP0(int *x) {\n\tif (r0 { smp_mb(); }\n\tsmp_wmb();\n}\nexists (x=1)\n",
			"4:9: expected ')' after if condition, found '{'\n", func(t *testing.T, f *File) {
				require.Len(t, f.Threads[0].Body.Stmts, 2)
				require.NotNil(t, f.Cond)
			}},
		{"bad thread header",
			"C t\n{}\nP0(int *x {\n\tsmp_mb();\n}\nP1(int *y) {\n\tsmp_wmb();\n}\nexists (x=1)\n",
			"3:11: expected ')' after parameters, found '{'\n", func(t *testing.T, f *File) {
				require.Len(t, f.Threads, 2)
				require.NotNil(t, f.Threads[0].Body)
				require.NotNil(t, f.Cond)
			}},
		{"junk between threads",
			"C t\n{}\nP0(int *x) {\n\tsmp_mb();\n}\n@@ garbage {;}\nP1(int *y) {\n\tsmp_wmb();\n}\nexists (x=1)\n",
			"6:1: expected thread P1 or final condition, found invalid character \"@\"\n", func(t *testing.T, f *File) {
				require.Len(t, f.Threads, 2)
				require.NotNil(t, f.Cond)
			}},
		{"unterminated comment", "C t\n(* Result: Never\n{}\n",
			"2:1: comment not terminated\n", func(t *testing.T, f *File) {
				require.Equal(t, "Never", f.Result.Verdict)
			}},
		{"huge nesting",
			"C t\n{}\nP0(int *x) {\n\tr0 = " + strings.Repeat("(", 100000) + "\n}\nexists (x=1)\n",
			"4:106: nesting too deep\n", nil},
		{"huge condition nesting",
			"C t\n{}\nP0(int *x) {\n}\nexists " + strings.Repeat("~", 100000) + "\n",
			"5:207: nesting too deep\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.src, tt.want, tt.more) })
	}
}
