#!/bin/sh
# Sharded sweeps without a cluster: scenarios/cluster/parallel.sh runs a sweep in 3 shards
# with GNU parallel and merges them, and what the merged sweep shows is what the unsharded
# sweep shows: every run's `zdsim show` report (its "Engine:" line, the wall time, left out:
# the merge's is the sum of the shards' times), `zdsim list --sweep` (its created times left
# out) and a terminal plot of the sweep. Then the shapes of the Slurm script and the
# Kubernetes manifest, which need a cluster to run (tests/cluster/slurm-test.sh runs the
# Slurm one). Run from the source tree with $ZDSIM_BIN (tests/run-tests.sh does). Prints TAP.
bin=$(cd "$(dirname "${ZDSIM_BIN:-build/zdsim}")" && pwd)/$(basename "${ZDSIM_BIN:-build/zdsim}")
src=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
status=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1))
  echo "not ok $n - $1"
  [ ! -s "$tmp/out" ] || sed 's/^/# /' "$tmp/out" | head -30
  status=1
}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
# check DESCRIPTION COMMAND...: runs COMMAND, its output kept in $tmp/out.
check() {
  desc=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then ok "$desc"; else not_ok "$desc"; fi
}

# Two points of seven replications: 14 work items, so the 3 shards hold 5, 5 and 4 and
# shards straddle the points.
cat >"$tmp/s.ini" <<'INI'
[scenario]
name = shards-test
horizon = 30d
replications = 7
[platform]
updates = 5/w
[sweep]
app.instances = 1,2
INI

if command -v parallel >/dev/null 2>&1; then
  check "parallel.sh runs 3 shards with GNU parallel and merges them" \
    env ZDSIM="$bin" SHARD_DIR="$tmp/shards" sh "$src/scenarios/cluster/parallel.sh" \
    "$tmp/s.ini" 3 "$tmp/merged.db"
  check "the unsharded sweep" "$bin" sweep "$tmp/s.ini" --db "$tmp/whole.db"

  same_show() {
    for id in 1 2; do
      "$bin" show --db "$tmp/whole.db" "$id" | grep -v '^Engine:' >"$tmp/a" || return 1
      "$bin" show --db "$tmp/merged.db" "$id" | grep -v '^Engine:' >"$tmp/b" || return 1
      diff -u "$tmp/a" "$tmp/b" || return 1
    done
  }
  check "zdsim show of each merged run is the unsharded run's, byte for byte (wall time aside)" \
    same_show
  # The database's name and the created times (ISO 8601 UTC) are the only differences allowed.
  created='s/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z/CREATED/'
  same_list() {
    "$bin" list --db "$tmp/whole.db" --sweep 1 | sed "s|$tmp/whole.db|DB|; $created" >"$tmp/a" &&
      "$bin" list --db "$tmp/merged.db" --sweep 1 | sed "s|$tmp/merged.db|DB|; $created" \
        >"$tmp/b" &&
      diff -u "$tmp/a" "$tmp/b"
  }
  check "zdsim list --sweep shows the same runs (created times aside)" same_list
  if command -v gnuplot >/dev/null 2>&1; then
    same_plot() {
      "$bin" plot --db "$tmp/whole.db" --sweep 1 --kind availability --terminal >"$tmp/a" &&
        "$bin" plot --db "$tmp/merged.db" --sweep 1 --kind availability --terminal >"$tmp/b" &&
        diff -u "$tmp/a" "$tmp/b"
    }
    check "zdsim plot --sweep draws the merged sweep as the unsharded one" same_plot
  else
    skip "gnuplot missing"
  fi
else
  skip "GNU parallel missing (make deps installs it)"
fi

# The Slurm array script: valid bash, an array directive, the shard from Slurm's environment.
check "sweep.sbatch is valid bash" bash -n "$src/scenarios/cluster/sweep.sbatch"
sbatch_shape() {
  f=$src/scenarios/cluster/sweep.sbatch
  grep -q '^#SBATCH --array=1-' "$f" && grep -q -- '--shard env' "$f" &&
    grep -q 'SLURM_ARRAY_TASK_ID' "$f"
}
check "sweep.sbatch is an array job whose tasks take their shard from Slurm" sbatch_shape

# The Kubernetes Indexed Job, checked line by line for the fields the Kubernetes Job
# documentation names (this is a structural check of the text, not a YAML parse).
yaml=$src/scenarios/cluster/sweep-job.yaml
k8s_shape() {
  grep -q '^apiVersion: batch/v1$' "$yaml" && grep -q '^kind: Job$' "$yaml" &&
    grep -q '^  completionMode: Indexed$' "$yaml" &&
    grep -q '^  completions: [0-9][0-9]*$' "$yaml" &&
    grep -q '^  parallelism: [0-9][0-9]*$' "$yaml" &&
    grep -q '^      restartPolicy: \(Never\|OnFailure\)$' "$yaml" &&
    grep -q '^      containers:$' "$yaml" && grep -q '^          command:$' "$yaml" &&
    grep -q 'JOB_COMPLETION_INDEX' "$yaml" && grep -q -- '--shard env' "$yaml" &&
    # ZDSIM_SHARDS must be the completions.
    c=$(sed -n 's/^  completions: //p' "$yaml") &&
    grep -A1 'name: ZDSIM_SHARDS' "$yaml" | grep -q "value: \"$c\""
}
check "sweep-job.yaml has the fields of an Indexed Job (grep-level)" k8s_shape
# A real YAML parse when python3 has PyYAML; no new dependency otherwise.
if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null; then
  k8s_yaml() {
    python3 - "$yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
spec = doc["spec"]
pod = spec["template"]["spec"]
assert doc["apiVersion"] == "batch/v1" and doc["kind"] == "Job", doc
assert spec["completionMode"] == "Indexed"
assert isinstance(spec["completions"], int) and spec["completions"] >= 1
assert isinstance(spec["parallelism"], int) and spec["parallelism"] >= 1
assert pod["restartPolicy"] in ("Never", "OnFailure")
c = pod["containers"][0]
assert any("JOB_COMPLETION_INDEX" in part for part in c["command"]), c["command"]
env = {e["name"]: e["value"] for e in c.get("env", [])}
assert env["ZDSIM_SHARDS"] == str(spec["completions"]), env
PY
  }
  check "sweep-job.yaml parses as YAML with those fields (PyYAML)" k8s_yaml
else
  skip "python3 with PyYAML missing: the YAML parse is left to the grep-level check"
fi

echo "1..$n"
exit $status
