#!/usr/bin/env bash
# End-to-end comparisons of the `streams` shell and drivers against the tools people use today, in one run:
#   - shell pipelines on a generated 60 MB log: ./streams -c '…' against bash -c '…' with LC_ALL=C GNU tools,
#     start-up included, outputs compared for equality;
#   - start-up: ./streams -c true against bash -c true;
#   - 1 GiB into a socat sink through `connect tcp:` against socat;
#   - a line-framed echo server: `listen tcp: -m line -- cat` against socat's fork + EXEC:cat;
#   - the ZeroMQ streamer and forwarder against NetMQ's Proxy and libzmq's zmq_proxy (pyzmq).
# Each timing is the best of several runs (hyperfine when installed, else a bash loop). Prints a table of ratios
# and writes it into docs/benchmarks.md between the compare markers (a rerun replaces it). Parts whose commands
# do not exist yet print "n/a (reason)". Every process started here is stopped on exit.
#   benchmarks/compare.sh            # everything (about 5 minutes on 2 cores)
#   RUNS=3 SIZE_MB=60 benchmarks/compare.sh
#   PARTS="pipelines startup" benchmarks/compare.sh   # any of: pipelines startup tcp echo zmq
#   NO_DOC=1 benchmarks/compare.sh   # print only
#   STREAMS=/path/to/streams benchmarks/compare.sh   # another build of the shell (default: the ./streams launcher)
# The rows time ./streams, as the benchmark issue asks: the launcher runs sh and has the program check that no
# source is newer than its build before it runs (about 4 ms). Rows "(the program)" time `cat` and `wc -l` through
# the built program itself (.build/streams/streams, what scripts/install.sh installs), without that check.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
RUNS="${RUNS:-5}"
SIZE_MB="${SIZE_MB:-60}"
PARTS="${PARTS:-pipelines startup tcp echo zmq}"
program="$root/.build/streams/streams"
streams="${STREAMS:-$root/streams}"
doc="$root/docs/benchmarks.md"
work="$(mktemp -d)"
pids=()
rows=()

cleanup() {
  local p i
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null
  done
  for p in "${pids[@]}"; do
    for ((i = 0; i < 20; i++)); do
      kill -0 "$p" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "compare: $*" >&2; }
want() { [[ " $PARTS " == *" $1 "* ]]; }
row() { rows+=("| $1 | $2 | $3 | $4 | $5 |"); printf '%-44s %10s %10s %8s  %s\n' "$1" "$2" "$3" "$4" "$5"; }
na() { row "$1" "–" "–" "–" "n/a ($2)"; }

# best_of NAME CMD: the fastest of $RUNS runs of CMD (a bash command line), in seconds.
best_of() {
  local cmd="$2" json="$work/h.json"
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --shell=bash --style none --warmup 1 --runs "$RUNS" --export-json "$json" -- "$cmd" >/dev/null 2>&1 || { echo fail; return; }
    /usr/bin/python3 -c 'import json,sys; print("%.4f" % min(json.load(open(sys.argv[1]))["results"][0]["times"]))' "$json"
  else
    local best="" i t0 t1 t
    bash -c "$cmd" >/dev/null 2>&1 || { echo fail; return; }
    for ((i = 0; i < RUNS; i++)); do
      t0=$(date +%s%N)
      bash -c "$cmd" >/dev/null 2>&1 || { echo fail; return; }
      t1=$(date +%s%N)
      t=$(( (t1 - t0) / 1000 ))
      if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    awk -v us="$best" 'BEGIN { printf "%.4f", us / 1e6 }'
  fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "–" }'; }
has() { "$streams" -c "help $1" >/dev/null 2>&1; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  local i
  for ((i = 0; i < 100; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

log "building the shell (./streams)…"
if ! "$root/streams" -c true || ! "$streams" -c true; then
  log "./streams -c true fails; the shell parts are n/a"
  streams=""
fi

printf '%-44s %10s %10s %8s  %s\n' "comparison" "streams" "baseline" "ratio" "note"
header='| comparison | streams | baseline | streams / baseline | note |'

# ---------------------------------------------------------------------------------------------------------------
if want pipelines; then
  data="$work/log.txt"
  log "generating a ${SIZE_MB} MB log…"
  awk -v size=$((SIZE_MB * 1000 * 1000)) 'BEGIN {
    srand(42); n = 0
    split("INFO INFO INFO INFO WARN ERROR DEBUG", lv, " ")
    split("api auth db cache queue web billing search", svc, " ")
    while (n < size) {
      l = sprintf("2026-11-%02d %02d:%02d:%02d.%03d %s %s-%d request id=%d user=u%04d took %d ms status=%d\n",
        1 + int(rand() * 28), int(rand() * 24), int(rand() * 60), int(rand() * 60), int(rand() * 1000),
        lv[1 + int(rand() * 7)], svc[1 + int(rand() * 8)], int(rand() * 16), int(rand() * 10000000),
        int(rand() * 5000), int(rand() * 2000), (rand() < 0.9 ? 200 : 500))
      printf "%s", l; n += length(l)
    }
  }' >"$data"
  pipelines=(
    'cat'
    'wc -l'
    'grep -c ERROR'
    'cat | cat | cat | cat'
    "grep -v DEBUG | cut -d' ' -f4 | sort | uniq -c | sort -rn | head"
    "cut -d' ' -f9 | sort -n | tail"
    'tr a-z A-Z'
  )
  for p in "${pipelines[@]}"; do
    name="\`$p\` (${SIZE_MB} MB)"
    if [ -z "$streams" ]; then na "$name" "the shell does not run"; continue; fi
    q=$(printf '%q' "$p")
    LC_ALL=C bash -c "$p" <"$data" >"$work/gnu.out" 2>&1
    if ! "$streams" -c "$p" <"$data" >"$work/ours.out" 2>"$work/ours.err"; then
      na "$name" "fails: $(head -c 120 "$work/ours.err" | tr '\n' ' ')"
      continue
    fi
    same="same output"
    cmp -s "$work/gnu.out" "$work/ours.out" || same="OUTPUT DIFFERS"
    # Output to a file, not /dev/null: GNU grep stops at the first match when its output is /dev/null.
    ours=$(best_of "$name" "$streams -c $q <$data >$work/timed.out")
    gnu=$(best_of "$name" "LC_ALL=C bash -c $q <$data >$work/timed.out")
    row "$name" "$ours s" "$gnu s" "$(ratio "$ours" "$gnu")" "GNU with LC_ALL=C; $same"
    if [ "$p" = cat ] || [ "$p" = 'wc -l' ] && [ "$streams" != "$program" ]; then
      # The same through the built program alone, as installed: no launcher, no source check.
      ours=$(best_of "$name" "$program -c $q <$data >$work/timed.out")
      row "\`$p\` (${SIZE_MB} MB, the program)" "$ours s" "$gnu s" "$(ratio "$ours" "$gnu")" "${program#"$root"/} without the launcher"
    fi
  done
fi

# ---------------------------------------------------------------------------------------------------------------
if want startup; then
  if [ -z "$streams" ]; then
    na '`-c true` (start-up)' "the shell does not run"
  elif command -v hyperfine >/dev/null 2>&1; then
    json="$work/start.json"
    hyperfine --style none -N --warmup 5 --runs 100 --export-json "$json" -- "$root/streams -c true" "$program -c true" "bash -c true" >/dev/null 2>&1
    read -r launcher direct bash_ < <(/usr/bin/python3 -c '
import json, sys, statistics
r = json.load(open(sys.argv[1]))["results"]
print(" ".join("%.4f" % statistics.median(x["times"]) for x in r))' "$json")
    kind="Native AOT"
    [ -e "$root/.build/streams/streams.dll" ] && kind="ReadyToRun"
    row '`./streams -c true` (start-up, launcher)' "$launcher s" "$bash_ s" "$(ratio "$launcher" "$bash_")" "median of 100; $kind; the launcher checks the build is fresh"
    row '`streams -c true` (start-up, binary)' "$direct s" "$bash_ s" "$(ratio "$direct" "$bash_")" "median of 100; $kind; ${program#"$root"/}"
  else
    ours=$(best_of startup "$root/streams -c true")
    b=$(best_of startup "bash -c true")
    row '`./streams -c true` (start-up)' "$ours s" "$b s" "$(ratio "$ours" "$b")" "best of $RUNS"
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
if want tcp; then
  name='1 GiB into a socat TCP sink'
  if [ -z "$streams" ] || ! has connect; then
    na "$name" "no \`connect\` command in the shell yet"
  elif ! command -v socat >/dev/null 2>&1; then
    na "$name" "socat is not installed"
  else
    port=$(free_port)
    socat -u "TCP-LISTEN:$port,reuseaddr,fork" OPEN:/dev/null &
    pids+=($!)
    if wait_port "$port"; then
      ours=$(best_of "$name" "head -c 1G /dev/zero | $streams -c 'connect tcp:127.0.0.1:$port'")
      theirs=$(best_of "$name" "head -c 1G /dev/zero | socat -u - TCP:127.0.0.1:$port")
      if [ "$ours" = fail ]; then
        na "$name" "connect tcp: failed"
      else
        row "$name" "$ours s" "$theirs s" "$(ratio "$ours" "$theirs")" "\`connect tcp:\` vs \`socat -u - TCP:\`; $(awk -v t="$ours" 'BEGIN { printf "%.2f GB/s", 1.073741824 / t }')"
      fi
    else
      na "$name" "the socat sink did not start"
    fi
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
if want echo; then
  lines=500000
  name="line echo, $lines lines of 100 bytes"
  if [ -z "$streams" ] || ! has listen; then
    na "$name" "no \`listen\` command in the shell yet"
  elif ! command -v socat >/dev/null 2>&1; then
    na "$name" "socat is not installed"
  else
    input="$work/lines.txt"
    awk -v n=$lines 'BEGIN { for (i = 0; i < n; i++) printf "%099d\n", i }' >"$input"
    p1=$(free_port)
    "$streams" -c "listen tcp:127.0.0.1:$p1 -m line -- cat" &
    pids+=($!)
    p2=$(free_port)
    socat "TCP-LISTEN:$p2,fork,reuseaddr" EXEC:cat &
    pids+=($!)
    if wait_port "$p1" && wait_port "$p2"; then
      socat -t 60 - "TCP:127.0.0.1:$p1" <"$input" >"$work/echo.out" 2>/dev/null
      same="same output"
      cmp -s "$input" "$work/echo.out" || same="OUTPUT DIFFERS ($(wc -l <"$work/echo.out") lines back)"
      ours=$(best_of "$name" "socat -t 60 - TCP:127.0.0.1:$p1 <$input")
      theirs=$(best_of "$name" "socat -t 60 - TCP:127.0.0.1:$p2 <$input")
      row "$name" "$ours s" "$theirs s" "$(ratio "$ours" "$theirs")" "\`listen … -m line -- cat\` vs socat fork EXEC:cat; socat client; $same"
    else
      na "$name" "a server did not start listening"
    fi
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
zmq_table=()
if want zmq; then
  if ! /usr/bin/python3 -c 'import zmq' 2>/dev/null; then
    log "python3-zmq is missing: libzmq columns will be skipped by the harness"
  fi
  log "ZeroMQ devices (benchmarks/Streams.Benchmarks --devices)…"
  out="$work/devices.txt"
  # Built first and run from its output, with the build servers shut down: measured straight after `dotnet run`'s
  # build, the first device of the table ran a third slower than in a run from the built harness.
  if dotnet build -c Release "$root/benchmarks/Streams.Benchmarks" >"$out" 2>&1 \
    && { dotnet build-server shutdown >/dev/null 2>&1; sleep 2; } \
    && dotnet "$root/benchmarks/Streams.Benchmarks/bin/Release/net10.0/Streams.Benchmarks.dll" --devices 3 >"$out" 2>&1; then
    mapfile -t zmq_table < <(grep '^| ' "$out")
    printf '%s\n' "${zmq_table[@]}"
  else
    tail -n 5 "$out" >&2
    na "ZeroMQ streamer / forwarder" "the device harness failed"
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
[ -n "${NO_DOC:-}" ] && exit 0
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
table="$work/table.md"
{
  echo "Run of \`benchmarks/compare.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'): $(nproc) vCPUs ($cpu), .NET $(dotnet --version), $(hyperfine --version 2>/dev/null || echo 'bash timing loop'). Times are the best of $RUNS runs, in seconds, start-up included; a ratio below 1 means streams is faster."
  echo
  echo "$header"
  echo "| --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  if [ "${#zmq_table[@]}" -gt 0 ]; then
    echo
    echo "ZeroMQ devices, 100-byte messages over loopback TCP, pyzmq producer and consumer processes (median of 3 rounds; a ratio above 1 means streams is faster):"
    echo
    printf '%s\n' "${zmq_table[@]}"
  fi
} >"$table"
mkdir -p "$(dirname "$doc")"
[ -f "$doc" ] || printf '# Benchmarks\n\n<!-- compare:begin -->\n<!-- compare:end -->\n' >"$doc"
if ! grep -q '<!-- compare:begin -->' "$doc"; then
  printf '\n<!-- compare:begin -->\n<!-- compare:end -->\n' >>"$doc"
fi
/usr/bin/python3 - "$doc" "$table" <<'EOF'
import re, sys
doc, table = sys.argv[1], open(sys.argv[2]).read()
text = open(doc).read()
text = re.sub(r"<!-- compare:begin -->.*?<!-- compare:end -->",
              lambda m: "<!-- compare:begin -->\n" + table + "<!-- compare:end -->", text, flags=re.S)
open(doc, "w").write(text)
EOF
log "wrote the table into ${doc#"$root"/}"
