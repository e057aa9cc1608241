# tests/fuzz/fuzz.mk: libFuzzer targets for the parsers of hostile input (issue 9).
#
#   make fuzz                 every target for FUZZ_SECONDS (default 300) each; -j2 runs them
#                             side by side
#   make fuzz-smoke           every target for 60 s each (CI)
#   make fuzz-build           only build them, into build/fuzz/
#   make fuzz-merge           minimise what the runs found (build/fuzz/corpus/) into the
#                             checked-in corpus tests/fuzz/corpus/<target>/
#   make fuzz-scenario FUZZ_SECONDS=600    one target
#
# Targets (tests/fuzz/fuzz-<target>.c, one LLVMFuzzerTestOneInput each):
#   scenario  scenario_load_data with --set overrides, the scenario_to_string round trip,
#             scenario_sweep_points
#   values    dist_parse, units_parse_duration, units_parse_rate, units_parse_percent,
#             calendar_parse_window, calendar_parse_schedule, calendar_parse_datetime, their
#             text round trips and calendar_expand
#   pipeline  a scenario file through the whole pipeline: scenario_load_data, run_estimate and
#             a bounded run_execute (horizon <= 7 d, <= 2 replications, one thread, small
#             foundations), checking the result's ranges and that causes add up to downtime
#   serve     serve_respond on a small store (no socket, no gnuplot): the request target's
#             parse, the query, routing, every handler, the cache, escaping
#
# The simulator's sources are compiled again with -fsanitize=fuzzer-no-link,address,undefined
# (coverage counters and sanitizers in every object), so build/libzdsim.a is not used. A run
# reads the seeds in tests/fuzz/corpus/<target>/ and writes what it finds to
# build/fuzz/corpus/<target>/, so the checked-in corpus changes only by `make fuzz-merge`.
# A crash, leak, UBSan report or timeout stops the run with a non-zero exit and leaves the
# input in build/fuzz/artifacts/<target>/; replay it with
#   build/fuzz/fuzz-<target> build/fuzz/artifacts/<target>/crash-...
# and add it as a case to tests/test-fuzz-regressions.c, which also replays the whole corpus
# through the same code in `make test`. The dictionaries tests/fuzz/<target>.dict hold the
# words of each grammar (section and key names, units, days, zones).
#
# Needs clang and libFuzzer's runtime (Debian: clang, libclang-rt-dev, which is
# libclang-rt-14-dev on Debian 12); `make fuzz-deps` installs them when missing, as
# `make deps` does for the rest. Usable on its own too: make -f tests/fuzz/fuzz.mk fuzz

# This file, for the recursive `make fuzz-deps` (MAKEFILE_LIST grows as files are read).
FUZZ_MK := $(lastword $(MAKEFILE_LIST))

FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 300
FUZZ_BUILD    ?= build/fuzz
FUZZ_TARGETS  ?= scenario values serve pipeline
FUZZ_DEB_PACKAGES ?= clang libclang-rt-dev

# Inputs are text; longer ones only repeat structure. A scenario file of 4 KiB has room for
# every section, several actions and a sweep. A serve input is a few request lines; 4608
# bytes hold one whose query is just over serve.c's 4096-byte limit (16 parameters of 256
# bytes) beside a few short ones. One input takes about a millisecond; 10 s means a hang
# (loop or quadratic blow-up), which is a finding.
FUZZ_MAX_LEN_scenario ?= 4096
FUZZ_MAX_LEN_pipeline ?= 4096
FUZZ_MAX_LEN_values   ?= 512
FUZZ_MAX_LEN_serve    ?= 4608
FUZZ_TIMEOUT          ?= 10
FUZZ_RSS_MB           ?= 2048
FUZZ_OPTIONS          ?= -print_final_stats=1

# The same packages and warnings as the Makefile when included from it; these defaults only
# serve `make -f tests/fuzz/fuzz.mk`.
PKGS     ?= glib-2.0 gthread-2.0 json-glib-1.0 libevent sqlite3
WARNINGS ?= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
            -Wfloat-equal -Wswitch-default -Werror

FUZZ_SANITIZE = address,undefined
FUZZ_CFLAGS   = -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer \
                -fsanitize=$(FUZZ_SANITIZE) -fno-sanitize-recover=all $(WARNINGS) -Iinclude \
                $(shell pkg-config --cflags $(PKGS)) -DZDSIM_VERSION='"fuzz"'
FUZZ_LIBS     = $(shell pkg-config --libs $(PKGS)) -lm

FUZZ_LIB_SRC = $(filter-out sim/main.c,$(wildcard sim/*.c))
FUZZ_LIB_OBJ = $(FUZZ_LIB_SRC:sim/%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_HEADERS = $(wildcard include/zdsim/*.h)
FUZZ_BINS    = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz-%)

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-deps fuzz-deps-check fuzz-merge \
        $(FUZZ_TARGETS:%=fuzz-%) $(FUZZ_TARGETS:%=fuzz-merge-%)

fuzz: $(FUZZ_TARGETS:%=fuzz-%)

# Objects named only as prerequisites of a pattern rule would be deleted as intermediate.
.SECONDARY: $(FUZZ_LIB_OBJ)

# A target-specific value reaches the prerequisites' recipes too.
fuzz-smoke: FUZZ_SECONDS = 60
fuzz-smoke: fuzz

fuzz-build: $(FUZZ_BINS)

# libFuzzer's runtime is missing when a trivial target does not link.
fuzz-deps-check:
	@if ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void) d; (void) n; return 0; }\n' \
	    | $(FUZZ_CC) -fsanitize=fuzzer -x c - -o /dev/null >/dev/null 2>&1 \
	    || ! pkg-config --exists $(PKGS) 2>/dev/null; then \
	  $(MAKE) --no-print-directory -f $(FUZZ_MK) fuzz-deps; fi

fuzz-deps:
	@missing=$$(for p in $(FUZZ_DEB_PACKAGES) libglib2.0-dev libevent-dev libsqlite3-dev \
	    libjson-glib-dev pkg-config; do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' \
	      || printf '%s ' $$p; done); \
	if [ -z "$$missing" ]; then echo "fuzz-deps: all Debian packages present"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "fuzz-deps: missing $$missing"; \
	  echo "fuzz-deps: run as root: apt-get update && apt-get install -y --no-install-recommends $$missing"; \
	  exit 1; fi; \
	echo "fuzz-deps: installing $$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  --no-install-recommends $$missing

$(FUZZ_BUILD)/obj/%.o: sim/%.c $(FUZZ_HEADERS) | fuzz-deps-check
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_LIB_OBJ) $(FUZZ_HEADERS) | fuzz-deps-check
	@mkdir -p $(dir $@)
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) $(FUZZ_LIBS)

# One run: new inputs go to the first directory (build/), seeds come from the second.
# UBSan stops at the first report (-fno-sanitize-recover) with a stack, like ASan.
$(FUZZ_TARGETS:%=fuzz-%): fuzz-%: $(FUZZ_BUILD)/fuzz-%
	@mkdir -p $(FUZZ_BUILD)/corpus/$* $(FUZZ_BUILD)/artifacts/$*
	@echo "  FUZZ    $* for $(FUZZ_SECONDS) s"
	@UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ASAN_OPTIONS=$${ASAN_OPTIONS:-detect_leaks=1} \
	  $(FUZZ_BUILD)/fuzz-$* -max_total_time=$(FUZZ_SECONDS) \
	  -max_len=$(FUZZ_MAX_LEN_$*) -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=$(FUZZ_RSS_MB) \
	  -dict=tests/fuzz/$*.dict -artifact_prefix=$(FUZZ_BUILD)/artifacts/$*/ $(FUZZ_OPTIONS) \
	  $(FUZZ_BUILD)/corpus/$* tests/fuzz/corpus/$*

fuzz-merge: $(FUZZ_TARGETS:%=fuzz-merge-%)

# Adds to the checked-in corpus only the inputs that reach a code edge it does not reach;
# -use_counters=0 ignores how often an edge runs, which keeps the corpus to a few hundred
# small files (with counters it would grow by hundreds per run for almost no new code).
$(FUZZ_TARGETS:%=fuzz-merge-%): fuzz-merge-%: $(FUZZ_BUILD)/fuzz-%
	@mkdir -p tests/fuzz/corpus/$* $(FUZZ_BUILD)/corpus/$*
	@echo "  MERGE   $*"
	@$(FUZZ_BUILD)/fuzz-$* -merge=1 -use_counters=0 -max_len=$(FUZZ_MAX_LEN_$*) \
	  tests/fuzz/corpus/$* $(FUZZ_BUILD)/corpus/$* 2>&1 | grep -E '^MERGE-OUTER: [0-9]+ new'
