#!/bin/sh
# A sweep in N shards on one machine (or, with GNU parallel's --sshlogin, several), then one
# merge: every shard runs `zdsim sweep SCENARIO --shard K/N` into its own database, and
# `zdsim merge` stores the whole as one sweep, the same numbers as an unsharded sweep.
#
#   scenarios/cluster/parallel.sh SCENARIO [N [OUT.db]]
#
# N defaults to 8, OUT.db to zdsim.db; the shard databases go to $SHARD_DIR (default
# ./shards, created). $ZDSIM names the binary (default: zdsim on PATH). GNU parallel runs as
# many shards at once as the machine has cores, each shard on one thread; a failed shard
# stops the rest (--halt now,fail=1) and nothing is merged. Extra zdsim options, such as
# --set or --replications, go in $ZDSIM_OPTS (every shard must get the same ones: the merge
# refuses shards that differ).
set -eu

scenario=${1:?usage: parallel.sh SCENARIO [N [OUT.db]]}
n=${2:-8}
out=${3:-zdsim.db}
dir=${SHARD_DIR:-shards}
zdsim=${ZDSIM:-zdsim}

command -v parallel >/dev/null || { echo "parallel.sh: GNU parallel is missing (make deps)" >&2; exit 2; }
mkdir -p "$dir"
# Shard files left from an earlier sweep would be merged too (and refused as duplicates).
rm -f "$dir"/shard-*.db "$dir"/shard-*.db-wal "$dir"/shard-*.db-shm

# shellcheck disable=SC2086 # ZDSIM_OPTS is a list of words on purpose
parallel --will-cite --halt now,fail=1 \
  "$zdsim" sweep "$scenario" --shard {}/"$n" --jobs 1 --db "$dir"/shard-{}.db ${ZDSIM_OPTS:-} \
  ::: $(seq "$n")
"$zdsim" merge --db "$out" "$dir"/shard-*.db
