package cat

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLinuxKernelCfg(t *testing.T) {
	path := filepath.Join(sharedDir(t), "model", "lkmm", "linux-kernel.cfg")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	c, errs := ParseConfig("linux-kernel.cfg", src)
	require.Empty(t, errs.Format(c.Lines))
	for key, want := range map[string]string{
		"macros":  "linux-kernel.def",
		"bell":    "linux-kernel.bell",
		"model":   "linux-kernel.cat",
		"variant": "lkmmv2",
		"xscale":  "2.0",
	} {
		e := c.Get(key)
		require.NotNil(t, e, key)
		require.Equal(t, want, e.Value, key)
		require.Equal(t, want, string(src[e.ValueSpan.Start:e.ValueSpan.End]))
		require.Equal(t, key, string(src[e.KeySpan.Start:e.KeySpan.End]))
	}
	attrs := c.All("edgeattr")
	require.Len(t, attrs, 5)
	require.Equal(t, []string{"hb", "color", "indigo"}, attrs[0].Values())
}

func TestConfig(t *testing.T) {
	src := "# comment\n\nmodel = a.cat\r\nvariant  lkmmv2,other  \nlocal-conf x.cfg\nbogus 1\nshow\n=x\nmodel b.cat\n"
	c, errs := ParseConfig("x.cfg", []byte(src))
	require.Equal(t, "x.cfg:6:1: unknown key bogus\nx.cfg:7:5: expected a value after the key show\nx.cfg:8:1: expected a key at the start of the line\n", errs.Format(c.Lines))
	require.Len(t, c.Comments, 1)
	require.Equal(t, "b.cat", c.Get("model").Value)
	require.Len(t, c.All("model"), 2)
	require.Equal(t, "a.cat", c.All("model")[0].Value)
	require.Equal(t, []string{"lkmmv2", "other"}, c.Get("variant").Values())
	require.Equal(t, "x.cfg", c.Get("local-conf").Value)
	require.Nil(t, c.Get("graph"))
}
