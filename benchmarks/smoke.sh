#!/usr/bin/env bash
# The benchmark smoke test: builds benchmarks/Streams.Benchmarks (Release) and runs every benchmark method once,
# in-process, for every combination of its [Params] (Program.cs --smoke), so that none rots. Exits non-zero when
# the build or any benchmark fails. Takes well under a minute on 2 cores (plus the build).
#   benchmarks/smoke.sh                 # everything
#   benchmarks/smoke.sh '*StackDepth*'  # a glob over Namespace.Type.Method
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
project="$root/benchmarks/Streams.Benchmarks/Streams.Benchmarks.csproj"
out="$root/.build/bench-smoke"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! dotnet build "$project" -c Release -nologo -v quiet -o "$out" >"$log" 2>&1; then
  cat "$log" >&2
  echo "smoke: the benchmark project does not build" >&2
  exit 1
fi
exec timeout 600 dotnet "$out/Streams.Benchmarks.dll" --smoke "${1:-*}"
