#!/usr/bin/env bash
# Builds and runs every test; prints one closing line "N passed, N failed" and exits non-zero on any failure.
# Installs the Debian packages the interop tests use when it can (as root with apt-get).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

scripts/install-peers.sh || echo "test.sh: could not install every peer tool; tests that need one will fail" >&2

results="$root/.build/test-results"
rm -rf "$results"
mkdir -p "$results"

status=0
aborted=()
echo "test.sh: building…"
if ! dotnet build Streams.slnx -c Release -v quiet -nologo >"$results/build.log" 2>&1; then
  cat "$results/build.log"
  echo "0 passed, 1 failed"
  exit 1
fi

projects=(tests/Streams.Core.Tests tests/Streams.Modules.Tests tests/Streams.Transports.Tests tests/Streams.Shell.Tests)
for p in "${projects[@]}"; do
  name="$(basename "$p")"
  echo "test.sh: $name…"
  timeout 1500 dotnet test "$p" -c Release --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
      --results-directory "$results" --blame-hang-timeout 5m >"$results/$name.log" 2>&1 || { status=1; aborted+=("$name"); }
  grep -E "^\s+(Failed|Error Message|  Failed)|^Failed!|^Passed!|Test Run Aborted|The active test run was aborted" "$results/$name.log" | head -40
done

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files+1))
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  x=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
  skipped=$((skipped + ${t:-0} - ${x:-0}))
done
# A test host that crashed or hung leaves a results file whose counters do not show it: count each such run.
if [ "$failed" -eq 0 ] && [ "${#aborted[@]}" -gt 0 ]; then
  echo "test.sh: test runs that did not finish cleanly: ${aborted[*]}"
  failed=$((failed + ${#aborted[@]}))
fi
if [ "$files" -lt "${#projects[@]}" ]; then
  echo "test.sh: only $files of ${#projects[@]} test projects produced results"
  failed=$((failed + ${#projects[@]} - files))
fi

# The installed program: scripts/install.sh (Native AOT when clang is there) and command lines through the binary.
echo "test.sh: the installed program…"
if tests/installed.sh >"$results/installed.log" 2>&1; then
  passed=$((passed + 1))
  tail -n 1 "$results/installed.log"
else
  tail -n 30 "$results/installed.log"
  failed=$((failed + 1))
fi

# The benchmark smoke test: every benchmark runs once, quickly, so none rots.
if [ -x benchmarks/smoke.sh ]; then
  echo "test.sh: benchmark smoke test…"
  if benchmarks/smoke.sh >"$results/bench-smoke.log" 2>&1; then
    passed=$((passed + 1))
  else
    tail -n 30 "$results/bench-smoke.log"
    failed=$((failed + 1))
  fi
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ] && [ "$passed" -gt 0 ]
