package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowedDeps lists, for each package of the module, the module packages it
// may import (directly or not). A key covers the package and every package
// under it; a sub-package may have a rule of its own, which then holds for
// it as well as its parent's. An allowed package allows every package under
// it too ("syntax" allows syntax/bpfc). Imports go one way,
// syntax → checker → analysis → lsp → main, and within analysis the
// primitive documentation imports only syntax; the lints and the
// rewrites each import analysis's base and primitive, never each other;
// the C quick fixes build on the rewrites. internal/testkit, which only
// tests import, imports only syntax.
var allowedDeps = map[string][]string{
	"syntax":             {},
	"checker":            {"syntax"},
	"checker/graph":      {"syntax", "checker"},
	"analysis":           {"syntax", "checker"},
	"analysis/primitive": {"syntax"},
	"analysis/lint":      {"syntax", "checker", "analysis", "analysis/primitive"},
	"analysis/ide":       {"syntax", "checker", "analysis", "analysis/primitive"},
	"analysis/rewrite":   {"syntax", "checker", "analysis", "analysis/primitive"},
	"analysis/cfix":      {"syntax", "checker", "analysis", "analysis/primitive", "analysis/rewrite"},
	"internal/testkit":   {"syntax"},
	"lsp":                {"syntax", "checker", "analysis"},
}

func TestImportDirection(t *testing.T) {
	const module = "github.com/litmusls/litmusls"
	for pkg, allowed := range allowedDeps {
		out, err := exec.Command("go", "list", "-deps", module+"/"+pkg+"/...").Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		ok := append([]string{pkg}, allowed...)
		for _, dep := range strings.Fields(string(out)) {
			rel, inModule := strings.CutPrefix(dep, module+"/")
			if !inModule {
				continue
			}
			if !slices.ContainsFunc(ok, func(a string) bool { return within(rel, a) }) {
				t.Errorf("package %s imports %s, against the import direction", pkg, dep)
			}
		}
	}
}

// within reports whether the package path rel (relative to the module) is
// pkg or lies under it.
func within(rel, pkg string) bool {
	return rel == pkg || strings.HasPrefix(rel, pkg+"/")
}
