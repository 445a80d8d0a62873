package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCheckScenarioArg: "check file.c#SCENARIO", the command fix and
// check print for one scenario of a file with several, checks that
// scenario alone; an unknown scenario or a missing file is an error.
func TestCheckScenarioArg(t *testing.T) {
	path := filepath.Join(bpfcDir, "mp_variants.c")
	code, out, errs := run("check", path+"#mp_plain_writer")
	assert.Equal(t, 0, code, errs)
	assert.Contains(t, out, "Test mp_plain_writer Allowed")
	assert.NotContains(t, out, "mp_release")

	code, out, errs = run("check", path+"#nope")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, path+`: no scenario "nope"`)

	missing := filepath.Join(bpfcDir, "missing.c")
	code, _, errs = run("check", missing+"#nope")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, missing+": no such file")
}
