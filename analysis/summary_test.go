package analysis

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/internal/testkit"
	"github.com/litmusls/litmusls/syntax"
)

func TestSummary(t *testing.T) {
	corpus := filepath.Join(testkit.SharedDir(t), "corpus")
	tests := []struct {
		path    string
		elapsed time.Duration
		want    string
	}{
		{"kernel/MP+pooncerelease+poacquireonce.litmus", 400 * time.Microsecond, "Never · 3 states · 0.4 ms"},
		{"kernel/MP+poonceonces.litmus", 25 * time.Millisecond, "Sometimes · 4 states · 25 ms"},
		{"paulmck/manual/plain/C-S+o-mb-o+o-ctl-p.litmus", 1500 * time.Millisecond, "Sometimes · 3 states · data-race · 1.5 s"},
		{"kernel/CoWW+poonceonce.litmus", time.Microsecond, "Never · 1 state · <0.1 ms"},
	}
	for _, tt := range tests {
		src, err := os.ReadFile(filepath.Join(corpus, tt.path))
		require.NoError(t, err)
		f, errs := syntax.Parse(tt.path, src)
		require.Empty(t, errs)
		res, err := checker.Check(context.Background(), f, checker.Options{})
		require.NoError(t, err)
		assert.Equal(t, tt.want, Summary(res, tt.elapsed), tt.path)
	}
	assert.Equal(t, "Not checked: unknown location z", Summary(&checker.Result{Errors: []*checker.LowerError{{Msg: "unknown location z"}}}, 0))
	assert.Equal(t, "Cut off · no verdict · 0 states so far · 10.0 s", Summary(&checker.Result{Verdict: "Never", Cutoff: true}, 10*time.Second))
	assert.Equal(t, "Cut off · no verdict · 1 state so far · data-race · 2.0 s",
		Summary(&checker.Result{Verdict: "Sometimes", Cutoff: true, States: make([]checker.State, 1), Flags: []string{"data-race"}}, 2*time.Second))
	assert.Equal(t, "", Summary(nil, 0))
}
