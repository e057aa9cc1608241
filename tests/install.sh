#!/bin/sh
# make install and make uninstall: `make install DESTDIR=... PREFIX=/usr` writes every file of
# the install layout and nothing else; the installed zdsim runs from anywhere, reads its
# reference, and draws with its own installed templates (copied elsewhere, run from an
# unrelated directory, so that neither the source tree nor the compiled-in /usr path can
# supply them); `make uninstall` removes exactly what install wrote. Run from the source tree
# (tests/run-tests.sh does); uses the build of the make that runs it. Prints TAP.
make=${MAKE:-make}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/stage
n=0
status=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1))
  echo "not ok $n - $1"
  [ ! -s "$tmp/out" ] || sed 's/^/# /' "$tmp/out" | head -30
  status=1
}
# check DESCRIPTION COMMAND...: runs COMMAND, its output kept in $tmp/out.
check() {
  desc=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then ok "$desc"; else not_ok "$desc"; fi
}

# What the layout holds, from the source tree.
expected() {
  echo usr/bin/zdsim
  echo usr/share/bash-completion/completions/zdsim
  echo usr/share/man/man1/zdsim.1
  echo usr/share/man/man5/zdsim-scenario.5
  for f in plots/*.gp scenarios/*.ini scenarios/regression/*.ini; do
    echo "usr/share/zdsim/$f"
  done
}
expected | sort >"$tmp/expected"

check "make install DESTDIR=\$tmp PREFIX=/usr" \
  $make --no-print-directory -s install DESTDIR="$stage" PREFIX=/usr

(cd "$stage" && find . -type f | sed 's|^\./||' | sort) >"$tmp/installed"
if diff -u "$tmp/expected" "$tmp/installed" >"$tmp/out"; then
  ok "install wrote every file of the layout and nothing else ($(wc -l <"$tmp/expected") files)"
else
  not_ok "install wrote every file of the layout and nothing else"
fi

check "the installed binary is executable" test -x "$stage/usr/bin/zdsim"

# Copied elsewhere: what it finds now can only come from the copy.
mkdir -p "$tmp/elsewhere" "$tmp/cwd"
cp -R "$stage/usr" "$tmp/elsewhere/usr"
bin=$tmp/elsewhere/usr/bin/zdsim

keys() {
  "$bin" help keys >"$tmp/keys" || return 1
  grep -q '^scenario\.name = ' "$tmp/keys" && grep -q '^app\.instances = 1 |' "$tmp/keys"
}
check "the installed zdsim help keys lists the keys" keys

man_pages() {
  grep -q '^\.TH ZDSIM 1 ' "$stage/usr/share/man/man1/zdsim.1" &&
    grep -q '^\.TH ZDSIM-SCENARIO 5 ' "$stage/usr/share/man/man5/zdsim-scenario.5" &&
    grep -q '/usr/share/zdsim/plots' "$stage/usr/share/man/man1/zdsim.1"
}
check "the installed man pages have their titles and name the installed data directory" man_pages

if command -v bash >/dev/null 2>&1; then
  check "the installed completion is valid bash" \
    bash -n "$stage/usr/share/bash-completion/completions/zdsim"
fi

# A tiny scenario drawn from an unrelated directory, without ZDSIM_PLOTS.
cat >"$tmp/cwd/tiny.ini" <<'EOF'
[scenario]
name = tiny
replications = 2
horizon = 28d
EOF
plot() (
  cd "$tmp/cwd" &&
    env -u ZDSIM_PLOTS ZDSIM_DB="$tmp/cwd/runs.db" "$bin" run --no-store --plot out tiny.ini &&
    [ -s out/timeline.png ]
)
check "the installed zdsim run --plot finds its installed templates from anywhere" plot

# Without the copy's templates it must fail: nothing else may stand in for them. (A zdsim
# installed on this machine under /usr would, through the compiled-in path.)
if [ -d /usr/share/zdsim/plots ]; then
  ok "# SKIP /usr/share/zdsim/plots exists on this machine"
else
  rm -r "$tmp/elsewhere/usr/share/zdsim/plots"
  no_templates() (
    cd "$tmp/cwd" &&
      ! env -u ZDSIM_PLOTS ZDSIM_DB="$tmp/cwd/runs.db" "$bin" run --no-store --plot out2 \
        tiny.ini 2>"$tmp/err" >/dev/null &&
      grep -q 'cannot find the plot templates' "$tmp/err"
  )
  check "without its templates the installed zdsim finds none elsewhere" no_templates
fi

# Uninstall removes exactly what install wrote: a file of another package stays.
echo other >"$stage/usr/share/man/man1/other.1"
check "make uninstall DESTDIR=\$tmp PREFIX=/usr" \
  $make --no-print-directory -s uninstall DESTDIR="$stage" PREFIX=/usr
(cd "$stage" && find . -type f | sed 's|^\./||' | sort) >"$tmp/left"
if [ "$(cat "$tmp/left")" = "usr/share/man/man1/other.1" ] && [ ! -e "$stage/usr/share/zdsim" ]
then
  ok "uninstall removed every installed file and zdsim's directories, and nothing else"
else
  cp "$tmp/left" "$tmp/out"
  not_ok "uninstall removed every installed file and zdsim's directories, and nothing else"
fi

echo "1..$n"
exit $status
