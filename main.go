// Command litmusls checks Linux-kernel memory model (LKMM) and BPF litmus
// tests, in the terminal and as a language server.
//
// Run "litmusls help" for the list of subcommands. Each subcommand lives in
// its own cmd_*.go file; this file only dispatches.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// version is set at link time (-ldflags "-X main.version=...").
var version = "devel"

// A command is one subcommand. run returns the process exit status:
// 0 success, 1 the input had problems, 2 usage error.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands holds every subcommand; each cmd_*.go file registers its own in
// an init function, so adding a command never touches this file.
var commands = map[string]command{
	"version": {"print the version", runVersion},
}

func main() {
	// Invoked as herd7 (a symlink named herd7), litmusls is herd7: the
	// kernel's scripts run it unchanged (see cmd_herd7.go).
	if filepath.Base(os.Args[0]) == "herd7" {
		os.Exit(runHerd7(os.Args[0], os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		return 2
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "litmusls: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	return cmd.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: litmusls <command> [arguments]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-10s %s\n", name, commands[name].summary)
	}
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "litmusls %s\n", version)
	return 0
}
