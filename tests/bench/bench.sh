#!/bin/sh
# tests/bench/bench.sh: runs the benchmarks of make bench (issue 8) and prints one table.
#
#   sh tests/bench/bench.sh [BUILD-DIR [JSON-OUT]]     (make bench: build/bench build/bench.json)
#
# BUILD-DIR holds the optimised zdsim and the bench-* programs (tests/bench/bench.mk). Every
# measurement appends one row (id, label, value, unit, note; tab-separated) to
# BUILD-DIR/bench-rows.tsv; bench-table then judges the rows against the targets, prints the
# table and writes JSON-OUT. A row that cannot be measured (a command not built yet) says so
# instead of a number. Rates are medians of several runs. Rates of one thread are per
# CPU-second, which a busy machine does not change much; wall-clock rates are in the notes,
# and --jobs 2 against --jobs 1 is wall-clock by nature, so run this on a quiet machine.
set -eu

dir=${1:-build/bench}
json=${2:-build/bench.json}
bin=$dir/zdsim
rows=$dir/bench-rows.tsv
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zdsim-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
: > "$rows"
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
started=$(date +%s)

step() { printf '==> %s\n' "$*" >&2; }
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" >> "$rows"; }
now() { date +%s.%N; }
# Seconds taken by a command (its output goes to $tmp/out and $tmp/err); fails with it.
timed() {
  t0=$(now)
  "$@" > "$tmp/out" 2> "$tmp/err" || { cat "$tmp/err" >&2; return 1; }
  t1=$(now)
  echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
has_command() { "$bin" help "$1" > /dev/null 2>&1; }

step "engine: hold test at 10, 10^4 and 10^6 pending"
"$dir/bench-engine" 0.4 5 >> "$rows"

step "model: scenarios/mendix-2-instances.ini at --jobs 1 and 2"
"$dir/bench-model" --id model --label "2 instances" --jobs 1,2 --repeat 5 --min-seconds 1.5 \
  --rows events_per_s,rep_years_per_s,speedup,ns_per_event,ms_per_rep_year,ms_per_rep_year_min,events_per_rep_year \
  scenarios/mendix-2-instances.ini >> "$rows"

step "scaling: 1, 10, 100 and 1,000 instances"
for n in 1 10 100 1000; do
  "$dir/bench-model" --id "scale.$n" --label "$n instance(s)" --jobs 1 --repeat 3 \
    --min-seconds 1 --rows events_per_s,ns_per_event,ms_per_rep_year,peak_mb,events_per_rep_year \
    "tests/bench/scale-$n.ini" >> "$rows"
done
# Peak memory as a user runs it: one model per core at once.
"$dir/bench-model" --id scale.1000.all --label "1000 instance(s)" --jobs 0 --repeat 0 \
  --replications 2 --rows peak_mb tests/bench/scale-1000.ini >> "$rows"

# Issue 19: 10,000 instances within 64 MiB, as the kernel counts it (/usr/bin/time -v's
# maximum resident set); two weeks, since memory does not grow with the horizon.
if [ -x /usr/bin/time ]; then
  step "scaling: peak memory at 10,000 instances"
  /usr/bin/time -v "$dir/bench-model" --id x --jobs 1 --repeat 0 --rows events \
    --set scenario.horizon=14d tests/bench/scale-10000.ini > /dev/null 2> "$tmp/time-v"
  kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time-v")
  row scale.10000.peak_mb "10000 instance(s): peak memory (max RSS, /usr/bin/time -v)" \
    "$(echo "$kb" | awk '{ printf "%.1f", $1 / 1024 }')" MiB "1 replication of 14 days, --jobs 1"
else
  row scale.10000.peak_mb "10000 instance(s): peak memory" "n/a (no /usr/bin/time)" MiB
fi

# CPU seconds (user + sys, to the microsecond) of a command, the least of N runs: on a
# machine shared with other work the least is the least disturbed (issue 19).
cpu_min() {  # N COMMAND...
  "$dir/bench-cpu" "$@" 2> "$tmp/err" || { cat "$tmp/err" >&2; return 1; }
}

step "sweep set-up: 40 and 1,000 points of one key, 1 replication of a week each"
if has_command sweep; then
  for n in 40 1000; do
    printf '[scenario]\nname = sweep-%s\nreplications = 1\nhorizon = 1w\n[sweep]\nplatform.watch_time = %s\n' \
      "$n" "$(seq -f '%gs' -s, 1 "$n")" > "$tmp/sweep-$n.ini"
    row "sweep.p$n.cpu_s" "zdsim sweep --no-store, $n points" \
      "$(cpu_min 5 "$bin" sweep --no-store --jobs 1 "$tmp/sweep-$n.ini")" s "CPU time, least of 5"
  done
else
  row sweep.p40.cpu_s "zdsim sweep, 40 points" "n/a (no zdsim sweep)" s
fi

# Instructions per event do not depend on the machine's load: callgrind counts them inside
# run_execute() only (the scenario's parsing is left out). To stay within seconds, the
# 1,000-instance case runs one replication of two weeks and the 1-instance case 500.
if command -v valgrind > /dev/null 2>&1; then
  step "callgrind: instructions per event"
  callgrind() {  # ID LABEL FILE BENCH-MODEL-ARGS...
    id=$1 label=$2 file=$3
    shift 3
    if ! valgrind --tool=callgrind --toggle-collect=run_execute \
         --callgrind-out-file="$tmp/callgrind.out" "$dir/bench-model" --id x --jobs 1 \
         --repeat 0 --rows events "$@" "$file" > "$tmp/events" 2> "$tmp/valgrind.err"; then
      row "$id" "$label" "n/a (callgrind failed: $(grep -m 1 -i 'unrecognised\|error' \
        "$tmp/valgrind.err"))" instructions
      return 0
    fi
    events=$(cut -f3 "$tmp/events")
    ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$tmp/callgrind.out")
    row "$id" "$label" "$(echo "$ir $events" | awk '{ printf "%.1f", $1 / $2 }')" \
      instructions "callgrind, $events events"
  }
  callgrind model.instr_per_event "2 instances: instructions per event" \
    scenarios/mendix-2-instances.ini --replications 20
  callgrind scale.1.instr_per_event "1 instance(s): instructions per event" \
    tests/bench/scale-1.ini --replications 500 --set scenario.horizon=14d
  callgrind scale.1000.instr_per_event "1000 instance(s): instructions per event" \
    tests/bench/scale-1000.ini --replications 1 --set scenario.horizon=14d
else
  row model.instr_per_event "2 instances: instructions per event" "n/a (valgrind not installed)" instructions
fi

step "storing: zdsim run -r 1000 with and without storing"
if "$bin" help run 2> /dev/null | grep -q -- --no-store; then
  : > "$tmp/with"
  : > "$tmp/without"
  for _ in 1 2 3 4 5; do
    timed "$bin" run --no-store -r 1000 scenarios/mendix-2-instances.ini >> "$tmp/without"
    rm -f "$tmp/store.db" "$tmp/store.db-wal" "$tmp/store.db-shm"
    timed "$bin" run --db "$tmp/store.db" -r 1000 scenarios/mendix-2-instances.ini >> "$tmp/with"
  done
  row store.without_s "without storing (--no-store)" "$(median < "$tmp/without")" s "median of 5"
  row store.with_s "with storing (a new database each time)" "$(median < "$tmp/with")" s \
    "median of 5, taken in turn with the runs without"
  # Issue 19: the same in CPU time (user + sys, least of 5), which other work on the machine
  # changes far less than wall time.
  row store.without_cpu_s "without storing: CPU time" \
    "$(cpu_min 5 "$bin" run --no-store -r 1000 scenarios/mendix-2-instances.ini)" s "least of 5"
  : > "$tmp/cpu-with"
  for _ in 1 2 3 4 5; do
    rm -f "$tmp/store.db" "$tmp/store.db-wal" "$tmp/store.db-shm"
    cpu_min 1 "$bin" run --db "$tmp/store.db" -r 1000 scenarios/mendix-2-instances.ini >> "$tmp/cpu-with"
  done
  row store.with_cpu_s "with storing: CPU time" "$(sort -g "$tmp/cpu-with" | head -n 1)" s \
    "least of 5, a new database each time"
else
  row store.with_s "with storing" "n/a (store not built)" s
  row store.without_s "without storing" "n/a (store not built)" s
fi

step "the demo sweep, plotting it"
if has_command sweep; then
  t=$(timed "$bin" sweep --db "$tmp/demo.db" scenarios/demo.ini)
  sweep=$(sed -n 's/^stored as sweep \([0-9]*\).*/\1/p' "$tmp/err")
  row plot.sweep "zdsim sweep scenarios/demo.ini (8 points, stored), for reference" "$t" s "one run"
else
  row plot.sweep "zdsim sweep scenarios/demo.ini" "n/a (sweep not built)" s
  sweep=
fi
if has_command plot && [ -n "$sweep" ]; then
  for kind in availability cost timeline outages heatmap; do
    : > "$tmp/plot-$kind"
    for _ in 1 2 3; do
      if ! timed "$bin" plot --db "$tmp/demo.db" --sweep "$sweep" --kind "$kind" \
           -o "$tmp/$kind.png" >> "$tmp/plot-$kind"; then
        echo "n/a (failed: $(head -n 1 "$tmp/err"))" > "$tmp/plot-$kind"
        break
      fi
    done
    if grep -q '^n/a' "$tmp/plot-$kind"; then
      row "plot.$kind" "zdsim plot --sweep --kind $kind -o FILE.png" "$(cat "$tmp/plot-$kind")" s
    else
      row "plot.$kind" "zdsim plot --sweep --kind $kind -o FILE.png" \
        "$(median < "$tmp/plot-$kind")" s "median of 3"
    fi
  done
else
  row plot.all "zdsim plot, every kind" "n/a (plot not built)" s
fi

step "dashboard: requests per second"
if has_command serve && [ -n "$sweep" ]; then
  # --port 0 takes any free port; the server prints its address on its first line.
  : > "$tmp/serve.out"
  "$bin" serve --db "$tmp/demo.db" --port 0 > "$tmp/serve.out" 2> "$tmp/serve.err" &
  server=$!
  trap 'kill "$server" 2> /dev/null || true; rm -rf "$tmp"' EXIT INT TERM
  url=
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    url=$(sed -n 's/^Serving .* at \(http[^ ]*\) .*/\1/p' "$tmp/serve.out")
    [ -n "$url" ] && break
    sleep 0.2
  done
  if [ -z "$url" ]; then
    row serve.root "GET /" "n/a (zdsim serve did not start: $(head -n 1 "$tmp/serve.err"))" req/s
  else
    for page in "root /" "api_runs /api/runs" "run /runs/1" "sweep /sweeps/$sweep" \
                "plot /sweeps/$sweep/plot/availability.svg"; do
      "$dir/bench-http" --id "serve.${page%% *}" --label "GET ${page#* }" --seconds 0.5 \
        --repeat 3 "$url" "${page#* }" >> "$rows"
    done
    # Issue 7's figure: the index and a run page at 64 connections with wrk (Debian's wrk;
    # installed here when missing and root, as make deps does for the build).
    if ! command -v wrk > /dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk \
        > /dev/null 2>&1 || true
    fi
    for page in "root /" "run /runs/1"; do
      if ! command -v wrk > /dev/null 2>&1; then
        row "serve.wrk.${page%% *}" "GET ${page#* } (wrk, 64 connections)" "n/a (wrk not installed)" req/s
        continue
      fi
      wrk -t2 -c64 -d3s "$url${page#* /}" > "$tmp/wrk" 2>&1 || true
      rps=$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk")
      errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/[^0-9 ]/, " "); n += $1 + $2 + $3 + $4 } END { print n + 0 }' "$tmp/wrk")
      row "serve.wrk.${page%% *}" "GET ${page#* } (wrk, 64 connections)" "${rps:-n/a}" req/s \
        "wrk -t2 -c64 -d3s; $errors errors or non-2xx responses"
    done
  fi
  kill "$server" 2> /dev/null || true
  wait "$server" 2> /dev/null || true
  trap 'rm -rf "$tmp"' EXIT INT TERM
elif has_command serve; then
  row serve.root "requests per second" "n/a (no stored sweep to serve)" req/s
else
  row serve.root "requests per second" "n/a (no dashboard yet)" req/s
fi

version=$("$bin" --version 2> /dev/null || echo '?')
echo >&2
"$dir/bench-table" --rows "$rows" --json "$json" --load "$load" --version "$version"
echo "bench took $(( $(date +%s) - started )) s" >&2
