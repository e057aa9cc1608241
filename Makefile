# zdsim: build, test, demo. `make` builds build/zdsim, its man pages and its bash completion;
# `make test` runs every test; `make demo` runs the main job; `make install` (PREFIX, DESTDIR)
# and `make uninstall`. Each installs missing Debian packages first (`make deps`).

CC       ?= cc
BUILD    ?= build
OPT      ?= -O2
SANITIZE ?=

# Install layout: PREFIX/bin/zdsim, PREFIX/share/man/man{1,5}, the bash completion, and
# PREFIX/share/zdsim/{plots,scenarios}. DESTDIR stages the tree elsewhere (packaging); the
# binary is built for PREFIX and finds its templates relative to itself either way.
PREFIX        ?= /usr/local
DESTDIR       ?=
BINDIR         = $(PREFIX)/bin
MANDIR         = $(PREFIX)/share/man
COMPLETIONDIR  = $(PREFIX)/share/bash-completion/completions
DATADIR        = $(PREFIX)/share/zdsim

# Sanitizer builds live apart so that they never mix objects with the normal build.
ifneq ($(SANITIZE),)
BUILD    := $(BUILD)/san
OPT      := -O1 -fno-omit-frame-pointer
SANFLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
endif

PKGS         = glib-2.0 gthread-2.0 gio-2.0 json-glib-1.0 libevent sqlite3
DEB_PACKAGES = libglib2.0-dev libevent-dev libsqlite3-dev libjson-glib-dev gnuplot-nox \
               pkg-config tzdata sqlite3 parallel
# A one-node Slurm for `make test-slurm` (tests/cluster/slurm.sh); not needed by `make test`.
CLUSTER_PACKAGES = slurm-wlm munge

# Recursive (=) on purpose: expanded when a recipe runs, after deps-check may have installed
# the packages that pkg-config reports on.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))

WARNINGS = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wfloat-equal -Wswitch-default -Werror
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS  = -std=c11 -D_GNU_SOURCE $(CFLAGS) $(SANFLAGS) $(WARNINGS) -Iinclude $(PKG_CFLAGS) \
              $(if $(GIT_HASH),-DZDSIM_GIT='"$(GIT_HASH)"')
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
LIBS        = $(PKG_LIBS) -lm

# The release is written once, in include/zdsim/version.h; the build adds the commit, so
# `zdsim --version` says "zdsim 0.2.0 (git 1a2b3c4)" ("-dirty" with uncommitted changes), and
# "zdsim 0.2.0" outside a git checkout.
GIT_HASH := $(shell git rev-parse --short HEAD 2>/dev/null)$(shell \
              git rev-parse --short HEAD >/dev/null 2>&1 && ! git diff --quiet HEAD -- 2>/dev/null \
              && echo -dirty)

SRC      = $(wildcard sim/*.c)
LIB_SRC  = $(filter-out sim/main.c,$(SRC))
LIB_OBJ  = $(LIB_SRC:sim/%.c=$(BUILD)/obj/%.o)
TEST_SRC = $(wildcard tests/test-*.c)
TESTS    = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
HEADERS  = $(wildcard include/zdsim/*.h sim/*.h)
TEST_HEADERS = $(wildcard tests/*.h)  # fixtures the test programs share

# Generated from the built binary (zdsim help --man, --completion), so they can never
# describe another version of the program.
MAN_PAGES  = $(BUILD)/man/zdsim.1 $(BUILD)/man/zdsim-scenario.5
COMPLETION = $(BUILD)/completion/zdsim
# What `make install` copies from the source tree, and `make uninstall` removes again.
PLOT_FILES     = $(wildcard plots/*.gp)
SCENARIO_FILES = $(wildcard scenarios/*.ini scenarios/regression/*.ini)

.PHONY: all deps deps-check test golden readme demo clean valgrind install uninstall FORCE
.PHONY: deps-cluster test-slurm

all: $(BUILD)/zdsim $(MAN_PAGES) $(COMPLETION)

# Quick check run before every build: installs only when something is missing.
deps-check:
	@if ! pkg-config --exists $(PKGS) 2>/dev/null || ! command -v gnuplot >/dev/null 2>&1 \
	    || [ ! -d /usr/share/zoneinfo/Europe ] || ! command -v parallel >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory deps; fi

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' \
	      || printf '%s ' $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "deps: missing $$missing"; \
	  echo "deps: run as root: apt-get update && apt-get install -y --no-install-recommends $$missing"; \
	  exit 1; fi; \
	echo "deps: installing $$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  --no-install-recommends $$missing

# `make V=1` shows the full compiler lines.
Q = $(if $(V),,@)

$(BUILD)/obj/%.o: sim/%.c $(HEADERS) | deps-check
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# plot.c and cli_help.c name the installed data directory (ZDSIM_DATADIR, from PREFIX). The
# binary links its own copies of them, compiled for PREFIX (the library's copies then go
# unused), so that a PREFIX change rebuilds these two and the binary, not the library and the
# tests. The stamp holds the directory and changes only when it does.
DATADIR_OBJ = $(BUILD)/obj/datadir/plot.o $(BUILD)/obj/datadir/cli_help.o

$(BUILD)/datadir.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)' | cmp -s - $@ 2>/dev/null || echo '$(DATADIR)' >$@

$(BUILD)/obj/datadir/%.o: sim/%.c $(HEADERS) $(BUILD)/datadir.stamp | deps-check
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $< (for $(DATADIR))")
	$(Q)$(CC) $(ALL_CFLAGS) -DZDSIM_DATADIR='"$(DATADIR)"' -c $< -o $@

# The files that print or store the version are rebuilt when the commit changes; the stamp
# holds the commit and changes only when it does.
VERSION_OBJ = $(patsubst sim/%.c,$(BUILD)/obj/%.o,$(shell grep -l 'zdsim/version.h' sim/*.c))

$(BUILD)/version.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(GIT_HASH)' | cmp -s - $@ 2>/dev/null || echo '$(GIT_HASH)' >$@

$(VERSION_OBJ): $(BUILD)/version.stamp

$(BUILD)/libzdsim.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/zdsim: $(BUILD)/obj/main.o $(DATADIR_OBJ) $(BUILD)/libzdsim.a
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/man/zdsim.1: $(BUILD)/zdsim
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  MAN     $@")
	$(Q)$(BUILD)/zdsim help --man 1 >$@.tmp && mv $@.tmp $@

$(BUILD)/man/zdsim-scenario.5: $(BUILD)/zdsim
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  MAN     $@")
	$(Q)$(BUILD)/zdsim help --man 5 >$@.tmp && mv $@.tmp $@

$(COMPLETION): $(BUILD)/zdsim
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  GEN     $@")
	$(Q)$(BUILD)/zdsim help --completion bash >$@.tmp && mv $@.tmp $@

$(BUILD)/tests/%: tests/%.c $(BUILD)/libzdsim.a $(HEADERS) $(TEST_HEADERS) | deps-check
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Itests -Isim -o $@ $< $(BUILD)/libzdsim.a $(ALL_LDFLAGS) $(LIBS)

# Every GTest program in TAP mode, then the golden reports; one closing line
# "N passed, N failed" and a non-zero exit on any failure.
test: all $(TESTS)
	@ZDSIM_BIN=$(BUILD)/zdsim sh tests/run-tests.sh $(TESTS)

# A sharded sweep as a Slurm array job on a one-node Slurm started for the test (as root; the
# daemons are stopped again whatever happens). Not part of `make test`: it needs slurm-wlm
# and munge (make deps-cluster) and root.
test-slurm: $(BUILD)/zdsim
	@ZDSIM_BIN=$(BUILD)/zdsim bash tests/cluster/slurm-test.sh

deps-cluster:
	@missing=$$(for p in $(CLUSTER_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' \
	      || printf '%s ' $$p; done); \
	if [ -z "$$missing" ]; then echo "deps-cluster: all Debian packages present"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "deps-cluster: run as root: apt-get update && apt-get install -y --no-install-recommends $$missing"; \
	  exit 1; fi; \
	echo "deps-cluster: installing $$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  --no-install-recommends $$missing

# Regenerates the golden reports from the example scenarios (explain the change in the commit).
golden: $(BUILD)/zdsim
	@ZDSIM_BIN=$(BUILD)/zdsim sh tests/golden.sh regenerate

# Rewrites README.md's example blocks from the program's output (tests/readme-examples.sh);
# read the diff before committing it.
readme: $(BUILD)/zdsim
	@ZDSIM_BIN=$(BUILD)/zdsim sh tests/readme-examples.sh regenerate

valgrind: $(BUILD)/zdsim $(TESTS)
	@ZDSIM_BIN=$(BUILD)/zdsim VALGRIND="valgrind --leak-check=full --error-exitcode=99 -q --suppressions=tests/valgrind.supp" \
	  sh tests/run-tests.sh $(TESTS)

demo: $(BUILD)/zdsim
	@sh scenarios/demo.sh $(BUILD)/zdsim

# Benchmarks (never part of make test) and fuzzing live in their own make fragments.
-include tests/bench/bench.mk
-include tests/fuzz/fuzz.mk

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(DATADIR)/plots \
	  $(DESTDIR)$(DATADIR)/scenarios/regression
	install -m 755 $(BUILD)/zdsim $(DESTDIR)$(BINDIR)/zdsim
	install -m 644 $(BUILD)/man/zdsim.1 $(DESTDIR)$(MANDIR)/man1/zdsim.1
	install -m 644 $(BUILD)/man/zdsim-scenario.5 $(DESTDIR)$(MANDIR)/man5/zdsim-scenario.5
	install -m 644 $(COMPLETION) $(DESTDIR)$(COMPLETIONDIR)/zdsim
	install -m 644 $(PLOT_FILES) $(DESTDIR)$(DATADIR)/plots/
	install -m 644 $(filter-out scenarios/regression/%,$(SCENARIO_FILES)) \
	  $(DESTDIR)$(DATADIR)/scenarios/
	install -m 644 $(filter scenarios/regression/%,$(SCENARIO_FILES)) \
	  $(DESTDIR)$(DATADIR)/scenarios/regression/

# Removes exactly what install wrote, then zdsim's own directories if they are empty.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/zdsim $(DESTDIR)$(MANDIR)/man1/zdsim.1 \
	  $(DESTDIR)$(MANDIR)/man5/zdsim-scenario.5 $(DESTDIR)$(COMPLETIONDIR)/zdsim \
	  $(addprefix $(DESTDIR)$(DATADIR)/,$(PLOT_FILES) $(SCENARIO_FILES))
	@rmdir $(DESTDIR)$(DATADIR)/scenarios/regression $(DESTDIR)$(DATADIR)/scenarios \
	  $(DESTDIR)$(DATADIR)/plots $(DESTDIR)$(DATADIR) 2>/dev/null || true

clean:
	rm -rf build plots/out
