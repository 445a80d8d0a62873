package main

import (
	"os/exec"
	"strings"
	"testing"
)

// allowedDeps lists, for each package of the module, the module packages it
// may import (directly or not): imports go one way,
// syntax → checker → analysis → lsp → main.
var allowedDeps = map[string][]string{
	"syntax":   {},
	"checker":  {"syntax"},
	"analysis": {"syntax", "checker"},
	"lsp":      {"syntax", "checker", "analysis"},
}

func TestImportDirection(t *testing.T) {
	const module = "github.com/litmusls/litmusls"
	for pkg, allowed := range allowedDeps {
		out, err := exec.Command("go", "list", "-deps", module+"/"+pkg+"/...").Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		ok := map[string]bool{pkg: true}
		for _, a := range allowed {
			ok[a] = true
		}
		for _, dep := range strings.Fields(string(out)) {
			rel, inModule := strings.CutPrefix(dep, module+"/")
			if !inModule {
				continue
			}
			top, _, _ := strings.Cut(rel, "/")
			if !ok[top] {
				t.Errorf("package %s imports %s, against the import direction", pkg, dep)
			}
		}
	}
}
