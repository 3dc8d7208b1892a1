#!/usr/bin/env bash
# The installed program, end to end: scripts/install.sh into a temporary prefix (the same build as ./streams:
# Native AOT when clang is there), then command lines through the real binary, each with its expected stdout and
# status. What the in-process tests cannot see: the publish itself, start-up, the process's signals (SIGPIPE for
# children) and exit statuses. Run by ./test.sh; prints what differed and exits non-zero on any difference.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
if ! timeout 900 "$root/scripts/install.sh" "$prefix" </dev/null; then
  echo "installed: scripts/install.sh failed" >&2
  exit 1
fi
streams="$prefix/bin/streams"
failures=0

# check LINE EXPECTED-STDOUT EXPECTED-STATUS
check() {
  local out status
  out="$(cd "$prefix" && timeout 60 "$streams" -c "$1" </dev/null 2>"$prefix/stderr")"
  status=$?
  if [ "$out" != "$2" ] || [ "$status" != "$3" ]; then
    echo "installed: streams -c '$1': stdout '$out' status $status, expected '$2' status $3; stderr: $(head -c 300 "$prefix/stderr")" >&2
    failures=$((failures + 1))
  fi
}

printf 'b\na\nc\na\n' >"$prefix/f.txt"
check 'seq 3 | sort -rn' $'3\n2\n1' 0
check 'yes | head -n 1' 'y' 0                        # yes ends at once when head stops reading
check '/usr/bin/yes | head -n 2' $'y\ny' 0           # an external program gets SIGPIPE back
check 'sort -u f.txt | tr a-z A-Z' $'A\nB\nC' 0
check 'cat f.txt | grep -c a; echo $?' $'2\n0' 0
check 'wc -l < f.txt' '4' 0
check 'nosuchcommand' '' 127
check 'echo a |' '' 2
check 'false || echo yes' 'yes' 0
check 'set -o pipefail; false | true' '' 1

# A script with arguments, and the interactive prompt's plain mode on a pipe.
printf 'echo "$1-$2"\n' >"$prefix/s.sh"
out="$(cd "$prefix" && timeout 60 "$streams" s.sh x y </dev/null)"
[ "$out" = "x-y" ] || { echo "installed: script with arguments printed '$out'" >&2; failures=$((failures + 1)); }
out="$(printf 'echo hi\nexit 3\n' | timeout 60 "$streams" 2>/dev/null)"
status=$?
{ [ "$out" = "hi" ] && [ "$status" = 3 ]; } || { echo "installed: stdin script printed '$out', status $status" >&2; failures=$((failures + 1)); }

if [ "$failures" -gt 0 ]; then
  echo "installed: $failures command lines differed" >&2
  exit 1
fi
echo "installed: $(file -b "$streams" 2>/dev/null | cut -d, -f1-2); every command line as expected"
