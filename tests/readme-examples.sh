#!/bin/sh
# README examples: a code block of README.md that follows a line
#   <!-- example: zdsim ARGS... -->
# holds the exact standard output of that command, so the README cannot drift from the
# program. Each runs with sh from the top of the source tree, `zdsim` being $ZDSIM_BIN (else
# build/zdsim), in README order, all with one fresh database (ZDSIM_DB), so an example may
# show what an earlier one stored. Examples must be deterministic: use --no-timing (and
# --no-store or a fresh database where ids would show). Prints TAP.
# `sh tests/readme-examples.sh regenerate` (make readme) rewrites the blocks from the
# program's output: read the diff before committing it.
mode=${1:-check}
bin=${ZDSIM_BIN:-build/zdsim}
case "$bin" in /*) ;; *) bin="$(pwd)/$bin" ;; esac
readme=${README:-README.md}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ZDSIM_DB="$tmp/readme.db"
export ZDSIM_README_BIN="$bin"
# The progress bar and the terminal never reach the output: stderr is a file.
n=0
status=0

grep -n '^<!-- example: .* -->$' "$readme" >"$tmp/markers"
while IFS= read -r marker; do
  n=$((n + 1))
  line=${marker%%:*}
  cmd=${marker#*<!-- example: }
  cmd=${cmd% -->}
  # The block: the fence on the next line, then every line up to the closing fence.
  if ! awk -v start="$line" '
      NR == start + 1 { if ($0 !~ /^```/) exit 3; inside = 1; next }
      inside && /^```$/ { closed = 1; exit 0 }
      inside { print }
      END { if (!closed) exit 3 }' "$readme" >"$tmp/expected.$n"; then
    echo "not ok $n - $readme:$line: no code block right after the example marker"
    status=1
    continue
  fi
  case "$cmd" in
  zdsim\ *) ;;
  *)
    echo "not ok $n - $readme:$line: an example starts with zdsim, got '$cmd'"
    status=1
    continue
    ;;
  esac
  sh -c "zdsim() { \"\$ZDSIM_README_BIN\" \"\$@\"; }; $cmd" >"$tmp/actual.$n" 2>"$tmp/stderr.$n" </dev/null
  if [ "$mode" = regenerate ]; then
    echo "ok $n - $cmd regenerated"
  elif diff -u "$tmp/expected.$n" "$tmp/actual.$n" >"$tmp/diff" 2>&1; then
    echo "ok $n - $readme:$line: $cmd"
  else
    echo "not ok $n - $readme:$line: $cmd prints something else (make readme regenerates):"
    sed 's/^/# /' "$tmp/diff" | head -40
    sed 's/^/# stderr: /' "$tmp/stderr.$n" | head -5
    status=1
  fi
done <"$tmp/markers"

if [ "$mode" = regenerate ] && [ "$status" -eq 0 ]; then
  # Every block after a marker takes its command's output; the rest of the file stays.
  awk -v dir="$tmp" '
    /^<!-- example: .* -->$/ { print; n++; pending = 1; next }
    pending && /^```/ { print; file = dir "/actual." n
                        while ((getline l < file) > 0) print l
                        close(file); pending = 0; skipping = 1; next }
    skipping && /^```$/ { print; skipping = 0; next }
    skipping { next }
    { pending = 0; print }' "$readme" >"$tmp/readme.new" && cp "$tmp/readme.new" "$readme"
fi
echo "1..$n"
exit $status
