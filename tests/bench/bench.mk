# tests/bench/bench.mk: make bench, the benchmarks of issue 8 ("Speed"); included by the
# Makefile and never part of make test.
#
#   make bench        builds an optimised copy of zdsim and the benchmark programs in
#                     build/bench/ (-O3, apart from the normal build), runs
#                     tests/bench/bench.sh, prints one table and writes build/bench.json
#   make bench-build  only builds them
#
# The programs (tests/bench/bench-*.c) link build/bench/libzdsim.a:
#   bench-engine  the classic hold test of the event engine at 10, 10^4 and 10^6 pending
#   bench-model   a scenario's replications through run_execute(): events per second,
#                 replication-years per second, time per event, peak memory
#   bench-http    requests per second of a running `zdsim serve`
#   bench-cpu     the least CPU time (user + sys, to the microsecond) of N runs of a command
#   bench-table   judges the rows against the targets, prints the table, writes the JSON
# bench.sh also times the CLI (storing, plotting) and, when valgrind is installed, counts
# instructions per event with callgrind. About three minutes on a 2-core machine (166 s on
# 2026-12-05).
#
# No -march=native: on the AMD EPYC this was written on it made the model no faster (14.4 M
# events per CPU-second either way), and valgrind 3.19 cannot decode the AVX-512 instructions
# it emits, so callgrind would stop with SIGILL. BENCH_OPT='-O3 -march=native' still works
# for the rest.

BENCH_BUILD ?= build/bench
BENCH_OPT   ?= -O3
BENCH_PROGS  = bench-engine bench-model bench-http bench-cpu bench-table

.PHONY: bench bench-build

bench: bench-build
	@sh tests/bench/bench.sh $(BENCH_BUILD) build/bench.json

# A make of its own with BUILD and OPT set, so that the optimised objects never mix with the
# normal build's; SANITIZE is cleared because a sanitised build measures the sanitizer.
bench-build:
	@$(MAKE) --no-print-directory BUILD=$(BENCH_BUILD) OPT='$(BENCH_OPT)' SANITIZE= \
	  $(BENCH_BUILD)/zdsim $(BENCH_BUILD)/libzdsim.a $(BENCH_PROGS:%=$(BENCH_BUILD)/%)

# Used by the make above (BUILD = build/bench), with the same flags as everything else.
$(BUILD)/bench-%: tests/bench/bench-%.c $(BUILD)/libzdsim.a $(HEADERS) | deps-check
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  BENCH   $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libzdsim.a $(ALL_LDFLAGS) $(LIBS)
