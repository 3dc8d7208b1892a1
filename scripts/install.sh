#!/usr/bin/env bash
# Installs the `streams` program into PREFIX (default /usr/local): builds it as ./streams does (Native AOT when clang
# is installed, else ReadyToRun; scripts/build-shell.sh) and puts it in PREFIX/bin. A Native AOT build is one file
# with no dependency but libc and libm; a ReadyToRun build is a folder, installed as PREFIX/lib/streams with a link
# in PREFIX/bin. The installed program runs as it is: only the ./streams launcher asks it to check the checkout's
# sources first (STREAMS_SOURCE_ROOT), so it starts without that walk.
#   scripts/install.sh              # /usr/local/bin/streams
#   scripts/install.sh "$HOME/.local"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${1:-/usr/local}"
build="$root/.build/streams"

"$root/scripts/build-shell.sh" "$build"
mkdir -p "$prefix/bin"
if [ -e "$build/streams.dll" ]; then
  # Framework-dependent: the apphost finds streams.dll beside the file it resolves to, so link to the folder's.
  rm -rf "$prefix/lib/streams.new"
  mkdir -p "$prefix/lib/streams.new"
  cp -a "$build"/. "$prefix/lib/streams.new/"
  rm -rf "$prefix/lib/streams"
  mv "$prefix/lib/streams.new" "$prefix/lib/streams"
  ln -sfn ../lib/streams/streams "$prefix/bin/streams"
else
  # One file, replaced by rename so that a running copy is never overwritten in place.
  cp "$build/streams" "$prefix/bin/.streams.new"
  chmod 755 "$prefix/bin/.streams.new"
  mv -f "$prefix/bin/.streams.new" "$prefix/bin/streams"
fi
echo "streams: installed $prefix/bin/streams" >&2
