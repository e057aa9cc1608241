#!/bin/sh
# Runs each GTest program given as an argument in TAP mode, then tests/golden.sh,
# tests/readme-examples.sh and tests/install.sh, and ends with one closing line
# "N passed, N failed" (the form CI reads); exits 1 when anything failed.
# $VALGRIND, when set, prefixes every test program (make valgrind).
passed=0
failed=0
failed_names=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() {
  # Reads TAP from $log: "ok N ..." and "not ok N ..." lines, skipping "# SKIP" ones.
  p=$(grep -c '^ok ' "$log")
  f=$(grep -c '^not ok ' "$log")
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$f" -eq 0 ] || failed_names="$failed_names $1"
}

# Runs a TAP shell script: its lines, its count, and a failure when it exits non-zero without
# a "not ok" line (a script that breaks must not pass by printing nothing).
run_script() {
  name=$1
  shift
  sh "$name" "$@" >"$log" 2>&1
  rc=$?
  sed 's/^/  /' "$log"
  count "$name"
  if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
    failed=$((failed + 1))
    failed_names="$failed_names $name(exit $rc)"
  fi
}

for t in "$@"; do
  echo "# $t"
  $VALGRIND "$t" --tap >"$log" 2>&1
  rc=$?
  grep -E '^(ok|not ok|Bail out|# (Start|End) of)' "$log" | grep -v '^# ' | sed 's/^/  /'
  count "$t"
  if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
    # A crash or an abort outside a test case: show why and count it as a failure.
    tail -n 20 "$log" | sed 's/^/  | /'
    failed=$((failed + 1))
    failed_names="$failed_names $t(exit $rc)"
  elif grep -q '^not ok ' "$log"; then
    grep -B2 -A10 '^not ok ' "$log" | sed 's/^/  | /' | head -60
  fi
done

if [ -z "$VALGRIND" ] && [ -f tests/golden.sh ]; then
  echo "# tests/golden.sh"
  run_script tests/golden.sh check
fi

# Every example of README.md against the program's output.
if [ -z "$VALGRIND" ] && [ -f tests/readme-examples.sh ]; then
  echo "# tests/readme-examples.sh"
  run_script tests/readme-examples.sh
fi

# Sharded sweeps: GNU parallel's path against the unsharded sweep, the cluster files' shapes.
if [ -z "$VALGRIND" ] && [ -f tests/shards.sh ]; then
  echo "# tests/shards.sh"
  run_script tests/shards.sh
fi

# Nothing in the repository refers to files outside it.
if [ -z "$VALGRIND" ] && [ -f tests/self-contained.sh ]; then
  echo "# tests/self-contained.sh"
  run_script tests/self-contained.sh
fi

# Last, because it builds for PREFIX=/usr (the data directory is compiled in).
if [ -z "$VALGRIND" ] && [ -f tests/install.sh ]; then
  echo "# tests/install.sh"
  run_script tests/install.sh
fi

[ -z "$failed_names" ] || echo "failed:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
