package lsp

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	glsp "github.com/tliron/glsp/protocol_3_16"
)

// TestConfigureNoSettings: clients say "no settings" in several ways, and
// each must leave the defaults alone rather than fail initialize (Neovim
// sends an empty Lua table as []). Non-empty arrays and scalars are still
// refused.
func TestConfigureNoSettings(t *testing.T) {
	for _, raw := range []string{`null`, `[]`, `{}`, `{"litmusls": null}`, `{"litmusls": []}`, `{"litmusls": {}}`} {
		t.Run(raw, func(t *testing.T) {
			ss := newSession(context.Background(), NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
			var v any
			require.NoError(t, json.Unmarshal([]byte(raw), &v))
			require.NoError(t, ss.configure(v))
			assert.Equal(t, DefaultDebounce, ss.diag.debounce)
		})
	}
	ss := newSession(context.Background(), NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	require.NoError(t, ss.configure(map[string]any{"debounce": "3s"}))
	for _, raw := range []string{`[1]`, `["debounce"]`, `{"litmusls": [1]}`, `"x"`, `3`} {
		var v any
		require.NoError(t, json.Unmarshal([]byte(raw), &v))
		assert.Error(t, ss.configure(v), raw)
	}
	assert.Equal(t, 3*time.Second, ss.diag.debounce, "a refused setting changes nothing")
}

// TestInitializeNoSettings: initialize, decoded from the JSON a client
// sends, succeeds with initializationOptions [] (Neovim's empty table),
// null or left out, and still refuses a non-object.
func TestInitializeNoSettings(t *testing.T) {
	for _, opts := range []string{`, "initializationOptions": []`, `, "initializationOptions": null`, ``, `, "initializationOptions": {"litmusls": []}`} {
		ss := newSession(context.Background(), NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
		var params glsp.InitializeParams
		require.NoError(t, json.Unmarshal([]byte(`{"capabilities": {}`+opts+`}`), &params))
		_, err := ss.initialize(nil, &params)
		assert.NoError(t, err, "initializationOptions%s", opts)
	}
	ss := newSession(context.Background(), NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	var params glsp.InitializeParams
	require.NoError(t, json.Unmarshal([]byte(`{"capabilities": {}, "initializationOptions": [1, 2]}`), &params))
	_, err := ss.initialize(nil, &params)
	assert.ErrorContains(t, err, "settings must be an object")
}
