package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"

	"github.com/litmusls/litmusls/lsp"
)

func init() {
	commands["serve"] = command{"run the language server (stdio, or TCP with --listen)", runServe}
}

// runServe runs the language server: on standard input and output, or on
// TCP connections to --listen ADDR. It never writes to stdout itself: in
// stdio mode stdout carries JSON-RPC, and logs go to stderr.
func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "", "accept TCP connections on `ADDR` (host:port) instead of using stdio")
	debounce := fs.Duration("debounce", lsp.DefaultDebounce, "wait this long after an edit before checking")
	verbose := fs.Bool("v", false, "log debug messages")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: litmusls serve [--listen ADDR] [--debounce D] [-v]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	srv := lsp.NewServer(lsp.Options{
		Logger:   slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
		Debounce: *debounce,
		Version:  version,
	})

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if *listen != "" {
		err = srv.ListenAndServe(ctx, *listen)
		if errors.Is(err, context.Canceled) {
			err = nil
		}
	} else {
		err = srv.ServeStdio(ctx)
	}
	if err != nil {
		fmt.Fprintf(stderr, "litmusls serve: %v\n", err)
		return 1
	}
	return 0
}
