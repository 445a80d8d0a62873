#!/usr/bin/env bash
# The project's test command (README: "Test"). Installs what the tests need,
# then vets and runs every Go test. The corpus is read from ../shared.
set -euo pipefail
cd "$(dirname "$0")"
command -v go >/dev/null || { echo "test.sh: Go 1.26 is required" >&2; exit 1; }
go vet ./...
go test -count=1 ./...
