#!/usr/bin/env bash
# End-to-end test of the Neovim plugin: headless Neovim with the plugin
# opens a kernel litmus test (copied from ../shared at run time) and a racy
# test, and e2e.lua checks diagnostics, hover and the quick fix.
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

mkdir -p "$work/tests" "$work/xdg/config" "$work/xdg/data" "$work/xdg/state" "$work/xdg/cache"
cp "$kernel" "$work/tests/"
cp "$here/racy-lb.litmus" "$work/tests/"
cp "$root/testdata/bpfc/mp_plain_flag.c" "$work/tests/"
printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$work/tests/plain.c"

export LITMUSLS="$litmusls"
export KERNEL_TEST="$work/tests/MP+poonceonces.litmus"
export RACY_TEST="$work/tests/racy-lb.litmus"
export ANNOTATED_C="$work/tests/mp_plain_flag.c" PLAIN_C="$work/tests/plain.c"
export XDG_CONFIG_HOME="$work/xdg/config" XDG_DATA_HOME="$work/xdg/data"
export XDG_STATE_HOME="$work/xdg/state" XDG_CACHE_HOME="$work/xdg/cache"

# run_nvim MODE: one headless Neovim session; MODE "shim" stands in a
# vim.lsp.start with Neovim 0.8.0's behaviour on 0.7 (see e2e.lua).
run_nvim() {
  echo "== nvim e2e${1:+ (vim.lsp.start $1)}"
  local status=0
  E2E_LSP_START="${1:-}" timeout 180 nvim --headless -u NONE -i NONE -n \
    --cmd "set rtp^=$plugin" \
    -c 'filetype plugin on' -c 'syntax on' \
    -c "luafile $here/e2e.lua" </dev/null || status=$?
  if [ "$status" -ne 0 ]; then
    echo "nvim e2e${1:+ ($1)}: FAILED (exit status $status)" >&2
    log="$(find "$work/xdg" -name 'lsp.log' 2>/dev/null | head -1)"
    if [ -n "$log" ]; then
      echo "--- tail of Neovim's LSP log ---" >&2
      tail -n 40 "$log" >&2
    fi
    return 1
  fi
}

failed=0
run_nvim || failed=1
if ! nvim --headless -u NONE -i NONE -n -c 'lua io.stdout:write(vim.lsp.start and "yes" or "no")' -c 'qall!' 2>/dev/null | grep -q yes; then
  # The copies were edited by the quick fix: start the second run afresh.
  cp "$kernel" "$work/tests/"
  cp "$here/racy-lb.litmus" "$work/tests/"
  run_nvim shim || failed=1
fi
exit "$failed"
