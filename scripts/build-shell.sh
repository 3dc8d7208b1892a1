#!/usr/bin/env bash
# Builds the `streams` program into $1 (default .build/streams), for the launcher ./streams:
#   1. Native AOT (start-up of a few ms) when clang is there (scripts/install-peers.sh installs clang and
#      zlib1g-dev; it is run once when clang is missing),
#   2. else ReadyToRun (framework-dependent, pre-compiled: start-up of a few tens of ms),
#   3. else a plain Release build.
# Quiet unless it fails; the log of the last attempt stays in $1/build.log.
# Safe to run from several processes at once: one builds under a lock, the others wait and reuse its result.
# The build uses its own artifacts folder (.build/shell-artifacts) so it never races `dotnet build` of the
# solution over the projects' obj/ folders. STREAMS_NO_AOT=1 skips step 1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/.build/streams}"
bin="$out/streams"
project="$root/src/Streams.Shell/Streams.Shell.csproj"
artifacts="$root/.build/shell-artifacts"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$out"

# Newer sources than the binary (the binary's own test, SourceCheck.cs, repeated under the lock; obj/ and bin/, which
# `dotnet build` rewrites, are not sources).
stale() {
  [ -x "$bin" ] || return 0
  [ -e "$out/.checks-sources" ] || return 0   # built before the binary checked its sources itself
  [ -n "$(find "$root/src" "$root/Directory.Build.props" "$root/Directory.Packages.props" \
      \( -name obj -o -name bin \) -prune -o \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -newer "$bin" -print -quit 2>/dev/null)" ]
}

mkdir -p "$(dirname "$artifacts")"
exec 9>"$artifacts.lock"   # one lock for every output folder: they share the artifacts folder
if ! flock -n 9; then
  echo "streams: waiting for another build of the shell…" >&2
  flock 9
fi
if ! stale; then
  exit 0
fi

stage="$(mktemp -d "$out/.stage.XXXXXX")"
started="$out/.build.started"
log="$out/build.log"
trap 'rm -rf "$stage"' EXIT
touch "$started"   # sources edited during the build stay newer than the binary, so the next run rebuilds
: >"$log"
echo "streams: building the shell (first run, or sources changed)…" >&2

# Moves the staged build into $out; the binary last and by rename, so a running launcher never execs half a file.
install_stage() {
  local f
  for f in "$stage"/* "$stage"/.[!.]*; do
    [ -e "$f" ] || continue
    [ "$(basename "$f")" = streams ] && continue
    rm -rf "$out/$(basename "$f")"
    mv -f "$f" "$out/"
  done
  mv -f "$stage/streams" "$bin"
  touch -r "$started" "$bin"   # as new as the sources it was built from, also when the link step was skipped
  : >"$out/.checks-sources"    # the launcher's sign that this binary checks its sources (SourceCheck.cs)
}

publish() {
  rm -rf "${stage:?}"/*
  echo "+ dotnet publish $*" >>"$log"
  dotnet publish "$project" -c Release -r linux-x64 --artifacts-path "$artifacts" -o "$stage" -nologo "$@" >>"$log" 2>&1 \
    && [ -x "$stage/streams" ]
}

if [ "${STREAMS_NO_AOT:-}" != 1 ] && ! command -v clang >/dev/null 2>&1 && [ -x "$root/scripts/install-peers.sh" ]; then
  "$root/scripts/install-peers.sh" >>"$log" 2>&1 || true
fi

if [ "${STREAMS_NO_AOT:-}" != 1 ] && command -v clang >/dev/null 2>&1; then
  if publish -p:PublishAot=true; then
    install_stage
    exit 0
  fi
  echo "streams: Native AOT publish failed; falling back to ReadyToRun (log: $log)" >&2
  grep -E '(error|warning) [A-Z]+[0-9]+' "$log" | grep -v NU1603 | sort -u | tail -n 20 >&2 || tail -n 20 "$log" >&2
fi
if publish --self-contained false -p:PublishReadyToRun=true -p:TieredCompilation=true; then
  install_stage
  exit 0
fi
echo "+ dotnet build" >>"$log"
if dotnet build "$project" -c Release --artifacts-path "$artifacts" -o "$stage" -nologo >>"$log" 2>&1 && [ -x "$stage/streams" ]; then
  install_stage
  exit 0
fi
tail -n 40 "$log" >&2
exit 1
