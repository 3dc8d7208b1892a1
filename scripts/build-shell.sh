#!/usr/bin/env bash
# Builds the `streams` program into $1: Native AOT when the toolchain is there (clang), else ReadyToRun, else a
# plain Release build. Quiet unless it fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/.build/streams}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
mkdir -p "$out"
project="$root/src/Streams.Shell/Streams.Shell.csproj"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
echo "streams: building the shell (first run, or sources changed)…" >&2
if command -v clang >/dev/null 2>&1 && [ "${STREAMS_NO_AOT:-}" != 1 ]; then
  if dotnet publish "$project" -c Release -r linux-x64 -p:PublishAot=true -o "$out" >"$log" 2>&1; then
    exit 0
  fi
  echo "streams: Native AOT publish failed; falling back to a JIT build (see below)" >&2
  tail -n 20 "$log" >&2
fi
if dotnet publish "$project" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out" >"$log" 2>&1; then
  exit 0
fi
if dotnet build "$project" -c Release -o "$out" >"$log" 2>&1; then
  exit 0
fi
cat "$log" >&2
exit 1
