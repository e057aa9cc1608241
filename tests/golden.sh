#!/bin/sh
# Golden reports: each example scenario in scenarios/ runs at its fixed seed and its report
# must equal tests/golden/<name>.txt byte for byte (the engine's timing line aside, which
# differs per machine). `sh tests/golden.sh regenerate` (make golden) rewrites them: explain
# why in the commit that changes one. Prints TAP.
mode=${1:-check}
bin=${ZDSIM_BIN:-build/zdsim}
n=0
status=0
for f in scenarios/*.ini; do
  name=$(basename "$f" .ini)
  case "$name" in demo) continue ;; esac
  n=$((n + 1))
  out=$("$bin" run --jobs 2 "$f" 2>&1 | grep -v '^Engine:')
  if [ "$mode" = regenerate ]; then
    printf '%s\n' "$out" >"tests/golden/$name.txt"
    echo "ok $n - $name regenerated"
  elif [ ! -f "tests/golden/$name.txt" ]; then
    echo "not ok $n - $name: tests/golden/$name.txt is missing (make golden)"
    status=1
  elif printf '%s\n' "$out" | diff -u "tests/golden/$name.txt" - >/tmp/zdsim-golden.$$ 2>&1; then
    echo "ok $n - $name matches its golden report"
  else
    echo "not ok $n - $name differs from tests/golden/$name.txt:"
    sed 's/^/# /' /tmp/zdsim-golden.$$ | head -40
    status=1
  fi
  rm -f /tmp/zdsim-golden.$$
done
echo "1..$n"
exit $status
