package main

import (
	"io"
	"strings"
	"testing"
)

// FuzzHerd7DisplayKey: a cfg's display key with any value never panics
// the reader; a value it takes leaves a picture style DOT can write (a
// font size it keeps is positive or the default) and is refused
// otherwise, with a message.
func FuzzHerd7DisplayKey(f *testing.F) {
	f.Add("edgeattr", "hb,color,indigo")
	f.Add("edgeattr", "co,,")
	f.Add("showevents", "noregs")
	f.Add("fontsize", "-8")
	f.Add("showinitwrites", "True")
	f.Add("view", "GV")
	f.Add("showflag", "data-race")
	f.Fuzz(func(t *testing.T, key, value string) {
		for k := range herd7DisplayKeys {
			if !strings.HasPrefix(k, key) {
				continue
			}
			o, err := parseHerd7Args("herd7", nil, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if err := o.displayKey(k, value); err != nil {
				if err.Error() == "" {
					t.Fatalf("%s %q: an empty message", k, value)
				}
				continue
			}
			if k == "edgeattr" && len(o.gr.style.EdgeAttrs) != 1 {
				t.Fatalf("edgeattr %q: %v", value, o.gr.style.EdgeAttrs)
			}
			if k == "view" && o.gr.view != "gv" && o.gr.view != "evince" && o.gr.view != "preview" {
				t.Fatalf("view %q: %q", value, o.gr.view)
			}
		}
	})
}

// FuzzHerd7GraphArgs: the graph options on a command line never panic
// the parser; a result is options or an error, never both.
func FuzzHerd7GraphArgs(f *testing.F) {
	f.Add("-show all -nshow 2 -o dir -suffix .g t.litmus")
	f.Add("-showflag data-race -gv -showpo false -showinitwrites true")
	f.Add("-view evince -showone true -o -")
	f.Add("-showlegend maybe")
	f.Fuzz(func(t *testing.T, line string) {
		o, err := parseHerd7Args("herd7", strings.Fields(line), io.Discard)
		if (o == nil) == (err == nil) {
			t.Fatalf("options %v and error %v", o, err)
		}
	})
}
