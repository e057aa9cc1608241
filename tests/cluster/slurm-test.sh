#!/usr/bin/env bash
# The Slurm path of a sharded sweep, on a one-node Slurm started here (tests/cluster/slurm.sh,
# as root): `sbatch --wait` runs scenarios/cluster/sweep.sbatch as an array of N = 3 tasks
# with the built zdsim, `zdsim merge` puts the three shards together, and every merged run's
# report is the unsharded sweep's (the "Engine:" line, wall time, left out: the merge's is the
# sum of the shards' times). The trap stops the daemons whatever happens. `make test-slurm`
# runs it; .ci/run runs it after `make test`. Prints TAP; exits 1 on any failure.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "$(dirname "${ZDSIM_BIN:-$src/build/zdsim}")" && pwd)/$(basename "${ZDSIM_BIN:-build/zdsim}")
tmp=$(mktemp -d)
chmod 755 "$tmp" # slurmd runs the job as the submitting user, root here; keep it readable
cluster=$tmp/slurm
n=0
status=0

cleanup() {
  bash "$src/tests/cluster/slurm.sh" down "$cluster" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1))
  echo "not ok $n - $1"
  [ ! -s "$tmp/out" ] || sed 's/^/# /' "$tmp/out" | tail -30
  status=1
}
check() {
  desc=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then ok "$desc"; else not_ok "$desc"; fi
}
finish() {
  echo "1..$n"
  exit $status
}

[ -x "$bin" ] || { echo "not ok 1 - no zdsim binary at $bin (make first)"; echo "1..1"; exit 1; }

if ! check "a one-node Slurm comes up (slurm.sh up)" bash "$src/tests/cluster/slurm.sh" up "$cluster"; then
  for log in "$cluster"/*.log; do [ -f "$log" ] && { echo "# $log:"; tail -10 "$log" | sed 's/^/#   /'; }; done
  finish
fi
export SLURM_CONF=$cluster/slurm.conf

# Two points of seven replications: 14 work items over 3 shards (5, 5, 4).
cat >"$tmp/s.ini" <<'INI'
[scenario]
name = slurm-test
horizon = 30d
replications = 7
[platform]
updates = 5/w
[sweep]
app.instances = 1,2
INI

cd "$tmp" || exit 1
check "sbatch --wait runs sweep.sbatch as an array of 3 tasks" \
  timeout 300 env ZDSIM="$bin" sbatch --wait --array=1-3 --chdir="$tmp" \
  "$src/scenarios/cluster/sweep.sbatch" "$tmp/s.ini" "$tmp/shards"
for f in "$tmp"/zdsim-shard-*.out; do
  [ -f "$f" ] && { echo "# $(basename "$f"):"; sed 's/^/#   /' "$f"; }
done
check "each task stored its shard (shard-1.db .. shard-3.db)" \
  test -f "$tmp/shards/shard-1.db" -a -f "$tmp/shards/shard-2.db" -a -f "$tmp/shards/shard-3.db"
check "zdsim merge --status: complete" \
  bash -c "'$bin' merge --status '$tmp'/shards/shard-*.db | grep -q '^complete'"
check "zdsim merge puts the three shards together" \
  "$bin" merge --db "$tmp/merged.db" "$tmp"/shards/shard-1.db "$tmp"/shards/shard-2.db \
  "$tmp"/shards/shard-3.db
check "the unsharded sweep" "$bin" sweep "$tmp/s.ini" --db "$tmp/whole.db"
same_show() {
  for id in 1 2; do
    "$bin" show --db "$tmp/whole.db" "$id" | grep -v '^Engine:' >"$tmp/a" || return 1
    "$bin" show --db "$tmp/merged.db" "$id" | grep -v '^Engine:' >"$tmp/b" || return 1
    diff -u "$tmp/a" "$tmp/b" || return 1
  done
}
check "zdsim show of each merged run is the unsharded run's (wall time aside)" same_show
finish
