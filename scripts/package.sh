#!/usr/bin/env bash
# The 2019 way to build the MI package, kept for build jobs that still run it:
# compiles the executables (deno task compile), then writes
# dist/connect-dashboard-metrics.zip (deno task package). Given --exe PATH, it
# packages that executable and compiles nothing. Other arguments go to package.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v deno >/dev/null 2>&1 || {
  echo "error: scripts/package.sh needs Deno 2.9 on PATH (npm install -g deno@2.9.6)" >&2
  exit 2
}
compile=yes
for arg in "$@"; do
  [[ "$arg" == --exe || "$arg" == --exe=* ]] && compile=no
done
if [[ "$compile" == yes ]]; then deno task -q compile; fi
exec deno task -q package "$@"
