package litmusgen

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestDump(t *testing.T) {
	dir := os.Getenv("LITMUSGEN_DUMP")
	if dir == "" {
		t.Skip()
	}
	n, _ := strconv.Atoi(os.Getenv("LITMUSGEN_N"))
	for s := range uint64(n) {
		os.WriteFile(filepath.Join(dir, "c"+strconv.Itoa(int(s))+".litmus"), []byte(LKMM(s).String()), 0o644)
	}
}
