#!/usr/bin/env bash
# Installs the Debian packages that the interop tests, the benchmarks and the Native AOT build use, when run as
# root on a machine with apt-get. Does nothing when they are all there.
set -uo pipefail
packages=(socat netcat-openbsd python3-zmq python3-twisted qpdf zstd brotli openssl gzip tmux clang zlib1g-dev libzmq3-dev hyperfine)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-peers: missing ${missing[*]} (run as root with apt-get to install them)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || apt-get install -y "${missing[@]}"
