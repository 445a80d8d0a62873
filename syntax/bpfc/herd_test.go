package bpfc

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// herdRejects lists what herd7's parser rejects in a generated C litmus
// test, after herdtools7's lib/CLexer.mll, lib/CParser.mll and
// lib/splitter.mll: operators its lexer lacks, compound assignments,
// empty blocks, a primitive that returns a value called as a statement,
// constants beyond 32 bits, a spinlock_t in the init section, and in a
// comment among the threads a word that ends the program part or a
// double quote.
func herdRejects(text string) []string {
	var out []string
	lines := strings.Split(text, "\n")
	inProg := false
	var code strings.Builder
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(l, "P0(") {
			inProg = true
		}
		if m := threadHead.FindStringSubmatch(l); m != nil {
			for _, p := range strings.Split(m[1], ",") {
				f := strings.Fields(strings.ReplaceAll(p, "*", " "))
				if len(f) > 0 && reserved[f[len(f)-1]] {
					out = append(out, "line "+strconv.Itoa(i+1)+": parameter named with a herd7 keyword "+f[len(f)-1])
				}
			}
		}
		if inProg && (strings.HasPrefix(l, "exists") || strings.HasPrefix(l, "~exists") || strings.HasPrefix(l, "forall") || strings.HasPrefix(l, "filter") || strings.HasPrefix(l, "locations")) {
			inProg = false
		}
		if !inProg {
			if strings.HasPrefix(t, "spinlock_t") {
				out = append(out, "line "+strconv.Itoa(i+1)+": spinlock_t in the init section")
			}
			continue
		}
		if k := strings.Index(l, "//"); k >= 0 {
			c := l[k:]
			if splitWords.MatchString(c) || strings.Contains(c, `"`) {
				out = append(out, "line "+strconv.Itoa(i+1)+": comment herd7's splitter stops at: "+c)
			}
			l = l[:k]
		}
		if m := stmtCall.FindStringSubmatch(l); m != nil {
			if p, ok := syntax.Primitives[m[1]]; ok && p.Returns {
				out = append(out, "line "+strconv.Itoa(i+1)+": "+m[1]+" called as a statement")
			}
		}
		if plainRMW.MatchString(l) {
			out = append(out, "line "+strconv.Itoa(i+1)+": "+plainRMWWords)
			l = "\trmw;"
		}
		for _, bad := range herdBad.FindAllString(l, -1) {
			out = append(out, "line "+strconv.Itoa(i+1)+": "+bad)
		}
		for _, m := range herdNum.FindAllStringSubmatch(l, -1) {
			num := m[1]
			if k, err := strconv.ParseInt(num, 10, 64); err != nil || k < herdMin || k > herdMax {
				out = append(out, "line "+strconv.Itoa(i+1)+": constant "+num)
			}
		}
		code.WriteString(l)
		code.WriteByte('\n')
	}
	if emptyBlock.MatchString(code.String()) {
		out = append(out, "an empty block")
	}
	return out
}

// plainRMWWords names the one construct herd7 rejects that
// Scenario.Text keeps: a plain read-modify-write of a location, "*x += v",
// which analysis reads as such; Scenario.Herd writes it out.
const plainRMWWords = "plain read-modify-write *x OP= v"

// knownRejects drops the plain read-modify-writes from rejects.
func knownRejects(rejects []string) (rest []string) {
	for _, r := range rejects {
		if !strings.HasSuffix(r, plainRMWWords) {
			rest = append(rest, r)
		}
	}
	return rest
}

var (
	threadHead = regexp.MustCompile(`^P[0-9]+\((.*)\)\s*$`)
	plainRMW   = regexp.MustCompile(`^\s*\*[A-Za-z_][A-Za-z0-9_]* [-+*/&|^]= [^=]*;\s*$`)
	herdBad    = regexp.MustCompile(`!($|[^=])|&&|\|\||%|<<|>>|\?|~|[-+*/&|^]=|\+\+|--`)
	herdNum    = regexp.MustCompile(`(?:^|[^A-Za-z0-9_])(-?[0-9]+)\b`)
	stmtCall   = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*)\(`)
	emptyBlock = regexp.MustCompile(`\{\s*\}`)
)

// The checker of the rejected constructs finds each of them.
func TestHerdRejects(t *testing.T) {
	text := "C t\n{\n\tspinlock_t l;\n}\n\nP0(int *x, int *lock)\n{\n\tint r = !READ_ONCE(*x) && 1 || 2 % 3;\n\t*x += 1;\n\tr += 1 << 2 >> 1;\n\tr = ~r ? 1 : 2;\n\tr++;\n\tREAD_ONCE(*x);\n\tr = 2147483648;\n\tif (r) {\n\t}\n\t// the filter \"x\"\n}\n\nexists (0:r=1)\n"
	got := strings.Join(herdRejects(text), "\n")
	for _, want := range []string{"spinlock_t in the init section", ": !R", ": &&", ": ||", ": %", ": +=", ": <<", ": >>", ": ~", ": ?", ": ++", "READ_ONCE called as a statement", "constant 2147483648", "an empty block", "comment herd7's splitter stops at", plainRMWWords, "parameter named with a herd7 keyword lock"} {
		assert.Contains(t, got, want)
	}
	assert.Empty(t, herdRejects("C t\n{\n}\n\nP0(int *x)\n{\n\tint r = READ_ONCE(*x) != 0;\n\tWRITE_ONCE(*x, -5);\n}\n\nexists (0:r=1)\n"))
}

// herdSrc uses every C construct whose litmus form herd7's C lacks.
const herdSrc = `#define BIG 0x80000000UL
int x, y, lock;
struct bpf_spin_lock l;
// litmus: exists (exists:r=1)
// litmus: thread exists
int filter(void *ctx)
{
	int r = !READ_ONCE(x);
	int k = 5, e = 0;
	r += 2;
	x++;
	y -= 1;
	r = r && READ_ONCE(y) || k;
	r = (k % 3) + (k << 2) + (k >> 1) + ~k + -k + (k ? 1 : 2);
	r = r == (k < 2);
	if (READ_ONCE(x) == BIG) {
	}
	if (r) {
	} else {
		WRITE_ONCE(y, 1);
	}
	__sync_fetch_and_add(&x, 1);
	__sync_val_compare_and_swap(&y, 0, 1);
	bpf_spin_lock(&l);
	bpf_spin_unlock(&l);
	WRITE_ONCE(lock, 1);
	if (bpf_ktime_get_ns() > 3)
		return 0;
	bpf_printk("filter \"exists\"");
	return 0;
}

// litmus: thread
int empty(void *ctx)
{
	return 0;
}
`

// Every generated test, as translate prints it (Scenario.Herd), is one
// herd7 parses; Scenario.Text differs only by its plain read-modify-writes
// of locations ("*x += 1", see plainRMWWords): the constructs of herdSrc,
// and every C scenario of testdata/bpfc. (Checked with the reference herd7
// by hand too: the translation of herdSrc and every testdata/bpfc/*.litmus
// parse, and herd7's output for each is check's.)
func TestHerdAccepts(t *testing.T) {
	tr := translate(t, files{"main.c": herdSrc})
	require.Len(t, tr.Scenarios, 1)
	// Text keeps the plain read-modify-writes of locations, for analysis;
	// Herd, what translate prints, has none.
	text := string(tr.Scenarios[0].Text)
	rejects := herdRejects(text)
	assert.Equal(t, []string{"line 19: " + plainRMWWords, "line 20: " + plainRMWWords}, rejects, text)
	herd := string(tr.Scenarios[0].Herd)
	assert.Empty(t, herdRejects(herd), herd)
	assert.Contains(t, herd, "\t*x = *x + 1;\n\t*y = *y - 1;\n")
	assert.Contains(t, text, "int r = READ_ONCE(*x) == 0;")
	assert.Contains(t, text, "WRITE_ONCE(*y, 1);")
	assert.Contains(t, text, "WRITE_ONCE(*lock_1, 1);")
	var notes []string
	for _, n := range tr.Notes {
		notes = append(notes, n.Msg)
	}
	assert.Contains(t, notes, "constant 2147483648 is out of herd7's 32-bit range: taken as -2147483648, the same low 32 bits")

	root := filepath.Join("..", "..", "testdata", "bpfc")
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".c") {
			return err
		}
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		rel, _ := filepath.Rel(root, path)
		tr, err := Translate(rel, src, func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(root, p)) })
		require.NoError(t, err)
		for _, sc := range tr.Scenarios {
			n++
			assert.Empty(t, knownRejects(herdRejects(string(sc.Text))), "%s#%s:\n%s", rel, sc.Name, sc.Text)
			assert.Empty(t, herdRejects(string(sc.Herd)), "%s#%s:\n%s", rel, sc.Name, sc.Herd)
		}
		return nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, n, 20)
}
