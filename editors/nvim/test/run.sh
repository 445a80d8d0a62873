#!/usr/bin/env bash
# End-to-end test of the Neovim plugin: headless Neovim with the plugin
# opens a kernel litmus test (copied from ../shared at run time) and a racy
# test, and e2e.lua checks diagnostics, hover (by request and by K), the
# quick fix, one server for both and another for a second project. It runs
# three times: setup() with no arguments (the server found on $PATH), the
# README's setup() with settings, and the latter again through a stand-in
# for vim.lsp.start on Neovim 0.7 (so both of the plugin's paths run).
#
# usage: run.sh [LITMUSLS]   (default: build the server into a temp dir)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
plugin="$(dirname "$here")"
root="$(cd "$plugin/../.." && pwd)"
shared="$root/../shared"

command -v nvim >/dev/null || { echo "nvim e2e: nvim is not installed" >&2; exit 1; }
kernel="$shared/corpus/kernel/MP+poonceonces.litmus"
[ -f "$kernel" ] || { echo "nvim e2e: $kernel is missing (the corpus is read from ../shared)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

litmusls="${1:-}"
if [ -z "$litmusls" ]; then
  litmusls="$work/litmusls"
  (cd "$root" && go build -o "$litmusls" .)
fi

mkdir -p "$work/xdg/config" "$work/xdg/data" "$work/xdg/state" "$work/xdg/cache" "$work/bin"
ln -s "$(cd "$(dirname "$litmusls")" && pwd)/$(basename "$litmusls")" "$work/bin/litmusls"

# fresh_copies copies the tests anew (the quick fix edits them): the kernel
# and racy tests in two folders of no project (they share one server), and
# a test in a project of its own (a folder with .git).
fresh_copies() {
  rm -rf "$work/tests" "$work/more" "$work/proj"
  mkdir -p "$work/tests" "$work/more" "$work/proj/.git" "$work/proj/sub"
  cp "$kernel" "$work/tests/"
  cp "$here/racy-lb.litmus" "$work/more/"
  cp "$kernel" "$work/proj/sub/"
  cp "$root/testdata/bpfc/mp_plain_flag.c" "$work/tests/"
  printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$work/tests/plain.c"
}

export LITMUSLS="$litmusls"
export KERNEL_TEST="$work/tests/MP+poonceonces.litmus"
export RACY_TEST="$work/more/racy-lb.litmus"
export OTHER_PROJECT_TEST="$work/proj/sub/MP+poonceonces.litmus"
export ANNOTATED_C="$work/tests/mp_plain_flag.c" PLAIN_C="$work/tests/plain.c"
export XDG_CONFIG_HOME="$work/xdg/config" XDG_DATA_HOME="$work/xdg/data"
export XDG_STATE_HOME="$work/xdg/state" XDG_CACHE_HOME="$work/xdg/cache"

# run_nvim SETUP [shim]: one headless Neovim session, started in $work
# (no project) with fresh copies of the tests. SETUP "bare" calls setup()
# with no arguments and finds the server on $PATH, "full" passes cmd and
# settings; "shim" stands in a vim.lsp.start with Neovim 0.8.0's behaviour
# on 0.7 (see e2e.lua).
run_nvim() {
  echo "== nvim e2e: setup $1${2:+, vim.lsp.start $2}"
  fresh_copies
  local status=0
  (cd "$work" && PATH="$work/bin:$PATH" E2E_SETUP="$1" E2E_LSP_START="${2:-}" timeout 180 nvim --headless -u NONE -i NONE -n \
    --cmd "set rtp^=$plugin" \
    -c 'filetype plugin on' -c 'syntax on' \
    -c "luafile $here/e2e.lua" </dev/null) || status=$?
  if [ "$status" -ne 0 ]; then
    echo "nvim e2e ($1${2:+, $2}): FAILED (exit status $status)" >&2
    log="$(find "$work/xdg" -name 'lsp.log' 2>/dev/null | head -1)"
    if [ -n "$log" ]; then
      echo "--- tail of Neovim's LSP log ---" >&2
      tail -n 40 "$log" >&2
    fi
    return 1
  fi
}

failed=0
# doc/tags is committed (so :help litmusls works without a helptags step):
# it must be what helptags makes of doc/litmusls.txt now.
mkdir -p "$work/doc"
cp "$plugin/doc/litmusls.txt" "$work/doc/"
nvim --headless -u NONE -i NONE -n -c "helptags $work/doc" -c 'qall!' </dev/null
if ! cmp -s "$work/doc/tags" "$plugin/doc/tags"; then
  echo "nvim e2e: doc/tags is stale; run nvim --headless -c 'helptags doc' -c q in editors/nvim" >&2
  failed=1
fi
run_nvim bare || failed=1
run_nvim full || failed=1
if ! nvim --headless -u NONE -i NONE -n -c 'lua io.stdout:write(vim.lsp.start and "yes" or "no")' -c 'qall!' 2>/dev/null | grep -q yes; then
  run_nvim full shim || failed=1
fi
exit "$failed"
