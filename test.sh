#!/usr/bin/env bash
# The project's test command (README: "Test"). Installs what the tests need,
# vets and runs every Go test (the corpus is read from ../shared), then the
# editor tests: the VS Code extension's grammar and server tests, its .vsix
# package (an esbuild bundle), the extension end to end in code-server (VS
# Code's web build, editors/vscode/test/e2e-code-server.sh), and the Neovim
# plugin's end-to-end test in headless Neovim.
set -euo pipefail
cd "$(dirname "$0")"
root="$(pwd)"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
apt_install() {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

command -v go >/dev/null || { echo "test.sh: Go 1.26 is required" >&2; exit 1; }
command -v dot >/dev/null || apt_install graphviz # check --graph's SVG test runs Graphviz's dot
go vet ./...
go test -count=1 ./...

echo "== editor tests"
command -v nvim >/dev/null || apt_install neovim
command -v npm >/dev/null || apt_install nodejs npm

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
litmusls="$work/litmusls"
go build -o "$litmusls" .

cd "$root/editors/vscode"
# npm ci from the committed lock file; skipped locally when node_modules
# was installed from the same lock file.
if [ -n "${CI:-}" ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
echo "== vscode: grammar"
node test/grammar.js
echo "== vscode: server and extension"
npm run --silent build
LITMUSLS="$litmusls" node --test test/server.test.js test/extension.test.js test/status.test.js
echo "== vscode: package"
rm -f ./*.vsix
npx vsce package --no-dependencies --skip-license >"$work/vsce.log" 2>&1 || { cat "$work/vsce.log" >&2; exit 1; }
vsix="$(ls ./*.vsix 2>/dev/null | head -1)"
[ -n "$vsix" ] && [ -s "$vsix" ] || { cat "$work/vsce.log" >&2; echo "test.sh: vsce made no .vsix" >&2; exit 1; }
# Zip entry names are stored as text: check the files the extension needs,
# and that it is the esbuild bundle alone (no sources, no node_modules).
for f in extension/package.json extension/dist/extension.js extension/dist/THIRD-PARTY-LICENSES.txt \
  extension/syntaxes/litmus.tmLanguage.json extension/language-configuration.json; do
  grep -qaF "$f" "$vsix" || { echo "test.sh: $vsix lacks $f" >&2; exit 1; }
done
for f in extension/node_modules/ extension/src/; do
  if grep -qaF "$f" "$vsix"; then echo "test.sh: $vsix ships $f (the bundle should hold it)" >&2; exit 1; fi
done
echo "packaged $vsix ($(wc -c <"$vsix") bytes)"

echo "== vscode: end to end in code-server"
# Real VS Code (its web build) with the .vsix, driven by headless Chromium;
# the script installs what it needs (apt-get, npm, into ~/.cache).
test/e2e-code-server.sh "$litmusls" "$root/editors/vscode/${vsix#./}"

echo "== nvim: end to end"
cd "$root"
editors/nvim/test/run.sh "$litmusls"
