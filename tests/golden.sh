#!/bin/sh
# Golden reports: each example scenario in scenarios/ runs at its fixed seed and its report
# must equal tests/golden/<name>.txt byte for byte (the engine's timing line aside, which
# differs per machine). `sh tests/golden.sh regenerate` (make golden) rewrites them: explain
# why in the commit that changes one. Prints TAP.
mode=${1:-check}
bin=${ZDSIM_BIN:-build/zdsim}
n=0
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Runs are stored where they cannot disturb anyone's zdsim.db.
export ZDSIM_DB="$tmp/golden.db"
for f in scenarios/*.ini; do
  name=$(basename "$f" .ini)
  case "$name" in demo) continue ;; esac
  n=$((n + 1))
  # The report is stdout; what goes to stderr (progress, "stored as run N") is not part of it.
  out=$("$bin" run --jobs 2 "$f" 2>"$tmp/stderr" | grep -v '^Engine:')
  if [ -s "$tmp/stderr" ] && ! grep -q '^stored as run' "$tmp/stderr"; then
    echo "not ok $((n)) - $name: zdsim run wrote to stderr:"
    sed 's/^/# /' "$tmp/stderr"
    status=1
    continue
  fi
  if [ "$mode" = regenerate ]; then
    printf '%s\n' "$out" >"tests/golden/$name.txt"
    echo "ok $n - $name regenerated"
  elif [ ! -f "tests/golden/$name.txt" ]; then
    echo "not ok $n - $name: tests/golden/$name.txt is missing (make golden)"
    status=1
  elif printf '%s\n' "$out" | diff -u "tests/golden/$name.txt" - >"$tmp/diff" 2>&1; then
    echo "ok $n - $name matches its golden report"
  else
    echo "not ok $n - $name differs from tests/golden/$name.txt:"
    sed 's/^/# /' "$tmp/diff" | head -40
    status=1
  fi
done
echo "1..$n"
exit $status
