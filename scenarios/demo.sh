#!/bin/sh
# The main job (make demo): why a Mendix app on Cloud Foundry needs two instances, and what
# no instance count buys. Runs the sweep of scenarios/demo.ini (1 to 4 instances x a
# Single-AZ or Multi-AZ database, everything else the platform's defaults), stores it in the
# database ($ZDSIM_DB, else zdsim.db), draws every picture into plots/out/, and asks zdsim
# recommend for the smallest instance count that reaches 99.998 % (10.5 min a year) with each database.
# Usage: sh scenarios/demo.sh [path/to/zdsim]   (run from the repository root)
set -e
bin=${1:-build/zdsim}
scenario=scenarios/demo.ini
out=plots/out
target=99.998%

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

# recommend answers once per combination of the sweep's other axes (here the database), and
# exits 1 when one of them has no instance count that meets the target: with a Single-AZ
# database that is the answer the demo shows, not a failure.
echo
echo "==> $bin recommend $scenario --target $target"
rc=0
"$bin" recommend "$scenario" --target "$target" --max-instances 4 --no-store || rc=$?
[ "$rc" -le 1 ] || exit "$rc"

echo
echo "==> The pictures"
echo "  $out/availability.png  availability by instance count, a line per database (95 % bars)"
echo "  $out/cost.png          downtime per year and instance-hours per year by instance count"
echo "  $out/timeline.png      an infrastructure restart: the 1-instance app goes down, 2 stay up"
echo "  $out/outages.png       how long outages last, per instance count and database"
echo "  $out/heatmap.png       when in the week the app is down, with the portal and RDS windows"
echo "Stored as sweep $sweep in ${ZDSIM_DB:-zdsim.db}: zdsim list --sweep $sweep shows its runs."
