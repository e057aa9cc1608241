#!/bin/sh
# The main job (make demo): why a Mendix app on Cloud Foundry needs two instances.
# Runs the sweep of scenarios/demo.ini (1 to 4 instances x rolling / stop-start evacuation,
# with the RDS window not aligned with the portal window), stores it in the database
# ($ZDSIM_DB, else zdsim.db), draws every picture into plots/out/, and asks zdsim recommend
# for the smallest instance count that reaches 99.95 % under each policy.
# Usage: sh scenarios/demo.sh [path/to/zdsim]   (run from the repository root)
set -e
bin=${1:-build/zdsim}
scenario=scenarios/demo.ini
out=plots/out
target=99.95%

if [ ! -x "$bin" ]; then
  echo "demo: $bin not found: run make first" >&2
  exit 2
fi
mkdir -p "$out"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "==> $bin sweep $scenario"
"$bin" sweep "$scenario" 2>"$log" || { cat "$log" >&2; exit 1; }
cat "$log" >&2
sweep=$(sed -n 's/^stored as sweep \([0-9][0-9]*\) .*/\1/p' "$log")
if [ -z "$sweep" ]; then
  echo "demo: the sweep was not stored" >&2
  exit 1
fi

echo
echo "==> pictures of sweep $sweep"
for kind in availability cost timeline outages heatmap; do
  "$bin" plot --sweep "$sweep" --kind "$kind" -o "$out/$kind.png" 2>"$log" ||
    { cat "$log" >&2; exit 1; }
done
echo "  done: $out/"

# recommend answers once per policy, the other axis of the scenario's [sweep].
echo
echo "==> $bin recommend $scenario --target $target"
"$bin" recommend "$scenario" --target "$target" --no-store

echo
echo "==> The pictures"
echo "  $out/availability.png  availability by instance count, a line per policy (95 % bars)"
echo "  $out/cost.png          downtime per year and instance-hours per year by instance count"
echo "  $out/timeline.png      one platform update: the 1-instance app goes down, 2 stay up"
echo "  $out/outages.png       how long outages last, per instance count and policy"
echo "  $out/heatmap.png       when in the week the app is down, with the portal and RDS windows"
echo "Stored as sweep $sweep in ${ZDSIM_DB:-zdsim.db}: zdsim list --sweep $sweep shows its runs."
