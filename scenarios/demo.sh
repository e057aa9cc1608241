#!/bin/sh
# The main job (make demo): the one-instance gap and how two instances close it.
# Runs the example Mendix app with 1, 2 and 3 instances under the platform defaults and prints
# each report, then a one-line comparison.
set -e
bin=${1:-build/zdsim}
for n in 1 2 3; do
  case $n in 1) f=scenarios/mendix-1-instance.ini ;; *) f=scenarios/mendix-$n-instances.ini ;; esac
  echo "==> $bin run $f"
  "$bin" run "$f"
  echo
done
echo "==> Downtime per year from platform updates (the one-instance gap), by instance count:"
for n in 1 2 3; do
  case $n in 1) f=scenarios/mendix-1-instance.ini ;; *) f=scenarios/mendix-$n-instances.ini ;; esac
  "$bin" run --csv "$f" | awk -F, -v n=$n '
    $1 == "downtime_by_cause_s.platform-update" { pu = $2 }
    $1 == "downtime_per_year_s" { dt = $2; lo = $4; hi = $5 }
    $1 == "instance_hours_per_year" { ih = $2 }
    END { printf "  %d instance(s): %6.1f min/year from updates, %6.1f min/year in all [%.1f, %.1f], %6.0f instance-hours/year\n", n, pu / 60, dt / 60, lo / 60, hi / 60, ih }'
done
