#!/usr/bin/env bash
# End-to-end test of the VS Code extension in real VS Code: code-server
# (VS Code's web build, from npm) with the .vsix installed, driven through
# Debian's headless Chromium by playwright-core (e2e-code-server.js).
#
# usage: e2e-code-server.sh [LITMUSLS [VSIX]]
#   (default: build the server, and package the extension, into a temp dir)
#
# It installs what it needs: Debian's libkrb5-dev (code-server's kerberos
# module builds from source), ripgrep and chromium with apt-get, and the
# npm packages pinned in e2e/package-lock.json (code-server 4.100.3, which
# wants Node 20, and playwright-core) into $LITMUSLS_E2E_CACHE (default
# ~/.cache/litmusls-code-server), reused while the lock file is unchanged.
# @vscode/ripgrep would download rg from GitHub; it finds Debian's rg
# packed where it looks first, in $TMPDIR/vscode-ripgrep-cache-1.15.11.
# code-server runs twice, each time fresh, in its own process group with
# its own HOME, user data and extensions folders, all in a temp dir (the
# group is killed after the run, and at exit): once with litmusls.path set
# for the checks of e2e-code-server.js, once with it naming no file, to see
# one notification for several files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
vscode="$(dirname "$here")"
root="$(cd "$vscode/../.." && pwd)"
cache="${LITMUSLS_E2E_CACHE:-$HOME/.cache/litmusls-code-server}"
export TMPDIR="${TMPDIR:-/tmp}"
start_time=$(date +%s)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages.
need=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v rg >/dev/null || need+=(ripgrep)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v g++ >/dev/null && command -v make >/dev/null || need+=(build-essential)
command -v python3 >/dev/null || need+=(python3)
if [ "${#need[@]}" -gt 0 ]; then
  echo "e2e-code-server: apt-get install ${need[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != 20 ]; then
  echo "e2e-code-server: code-server 4.100.3 needs Node 20; this is Node $(node --version)" >&2
  exit 1
fi

# npm packages, into the cache while the lock file is unchanged.
stamp="$cache/.installed-lock"
if ! cmp -s "$here/e2e/package-lock.json" "$stamp" || [ ! -x "$cache/node_modules/.bin/code-server" ]; then
  echo "e2e-code-server: installing code-server and playwright-core into $cache"
  rgcache="$TMPDIR/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$cache" "$rgcache"
  rgdir="$(mktemp -d)"
  cp "$(command -v rg)" "$rgdir/rg"
  tar czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$rgdir" rg
  rm -rf "$rgdir" "$cache/node_modules" "$stamp"
  cp "$here/e2e/package.json" "$here/e2e/package-lock.json" "$cache/"
  # Root needs unsafe-perm for code-server's postinstall (it checks the
  # variable); npm_config_yes answers npx's questions in its scripts.
  (cd "$cache" && npm_config_unsafe_perm=true npm_config_yes=true npm ci --no-audit --no-fund --loglevel=error)
  cp "$here/e2e/package-lock.json" "$stamp"
fi
code_server="$cache/node_modules/.bin/code-server"

work="$(mktemp -d)"
pgid=""
cleanup() {
  if [ -n "$pgid" ]; then kill -- "-$pgid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

litmusls="${1:-}"
if [ -z "$litmusls" ]; then
  litmusls="$work/litmusls"
  (cd "$root" && go build -o "$litmusls" .)
fi
litmusls="$(cd "$(dirname "$litmusls")" && pwd)/$(basename "$litmusls")"
vsix="${2:-}"
if [ -z "$vsix" ]; then
  (cd "$vscode" && npx vsce package --no-dependencies --skip-license --out "$work/litmusls.vsix" >/dev/null)
  vsix="$work/litmusls.vsix"
fi
vsix="$(cd "$(dirname "$vsix")" && pwd)/$(basename "$vsix")"

mkdir -p "$work/ws" "$work/shots"
cp "$root/editors/nvim/test/racy-lb.litmus" "$work/ws/"
cp "$root/editors/nvim/test/racy-lb.litmus" "$work/ws/other.litmus"
cp "$root/testdata/bpfc/mp_plain_flag.c" "$work/ws/"
printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$work/ws/plain.c"

# run_code_server MODE PATH: a fresh code-server (own HOME, user data and
# extensions folders, the .vsix installed, litmusls.path set to PATH) in a
# process group of its own, and e2e-code-server.js with E2E_MODE=MODE
# against it; the group is killed after.
run_code_server() {
  local mode="$1" path="$2" dir="$work/$1" port up="" st=0
  mkdir -p "$dir/home" "$dir/data/User" "$dir/extensions"
  cat >"$dir/data/User/settings.json" <<EOF
{
  "litmusls.path": "$path",
  "litmusls.debounce": "50ms",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.ignoreRecommendations": true,
  "editor.hover.delay": 100
}
EOF
  HOME="$dir/home" "$code_server" --user-data-dir "$dir/data" --extensions-dir "$dir/extensions" \
    --install-extension "$vsix" >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; return 1; }
  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  # setsid: code-server leads a process group of its own (it is not a
  # group leader here, so setsid runs it in place and $! is the group's id).
  HOME="$dir/home" setsid "$code_server" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry \
    --disable-update-check --disable-workspace-trust \
    --user-data-dir "$dir/data" --extensions-dir "$dir/extensions" "$work/ws" \
    >"$dir/code-server.log" 2>&1 &
  pgid=$!
  for _ in $(seq 1 300); do
    if node -e "fetch('http://127.0.0.1:$port/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then
      up=1
      break
    fi
    kill -0 "$pgid" 2>/dev/null || break
    sleep 0.2
  done
  if [ -z "$up" ]; then
    cat "$dir/code-server.log" >&2
    echo "e2e-code-server: code-server did not start" >&2
    return 1
  fi
  echo "== vscode e2e ($mode) in code-server $(node -p "require('$cache/node_modules/code-server/package.json').version") (port $port)"
  CS_URL="http://127.0.0.1:$port" WORKSPACE="$work/ws" SHOTS="$work/shots" NODE_PATH="$cache/node_modules" \
    E2E_MODE="$mode" timeout 600 node "$here/e2e-code-server.js" || st=$?
  kill -- "-$pgid" 2>/dev/null || true
  pgid=""
  cp "$dir/code-server.log" "$work/shots/code-server-$mode.log" 2>/dev/null || true
  return "$st"
}

status=0
run_code_server checks "$litmusls" || status=1
# The quick fix edited racy-lb.litmus in the editor only: the files on
# disk are still as copied.
run_code_server missing "$work/ws/no-such-litmusls" || status=1
if [ "$status" -ne 0 ]; then
  keep="$TMPDIR/litmusls-e2e-code-server-failure"
  rm -rf "$keep" && cp -r "$work/shots" "$keep"
  echo "e2e-code-server: FAILED; screenshots and code-server's logs are in $keep" >&2
fi
echo "e2e-code-server: $(($(date +%s) - start_time)) s in all"
exit "$status"
