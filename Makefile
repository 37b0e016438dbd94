# mailauth - email-authentication records (SPF, DKIM, DMARC) on Amazon Route 53.
#
#   make          build build/mailauth
#   make deps     install what building needs: the Debian -dev packages
#   make test-deps  install what check and demo need on top: test tools, the
#                 Route 53 emulator (moto, in build/venv when no Python has
#                 it), the CI example linters (npm, in build/lint)
#   make check    unit tests, the same under ASan+UBSan, the fuzz harnesses
#                 over their seed corpora, the CI examples linted, integration
#                 tests (moto), the same against a binary built with ASan+UBSan
#   make fuzz     every fuzz harness under libFuzzer (clang) for FUZZ_SECONDS
#   make demo     plan and apply examples/mailauth.yaml against a local Route 53
#   make install  the binary, its report reader (LIBDIR/mailauth/report.so), the
#                 man page, bash, zsh and fish completion, the DMARC rollout
#                 templates under PREFIX (default /usr/local); DESTDIR stages
#                 them for a package; make uninstall removes them

CC       ?= cc
# The binary links BIN_PKGS; REPORT_PKGS (e-mail and zip reports) only the
# shared object mailauth-report.so, loaded by "report" and the gate when
# they read reports (src/report/load.c).  Unit tests and fuzz harnesses
# link everything.
PKGS      = libcurl libcrypto yaml-0.1 libcjson libxml-2.0 zlib libarchive gmime-3.0 libidn2 libpsl libcares
REPORT_PKGS = libarchive gmime-3.0 zlib
BIN_PKGS  = $(filter-out libarchive gmime-3.0,$(PKGS))
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
BIN_LIBS   := $(shell pkg-config --libs $(BIN_PKGS) 2>/dev/null)
REPORT_LIBS := $(shell pkg-config --libs $(REPORT_PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

VERSION   = 0.1.0
WARN      = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-format-nonliteral
CFLAGS   ?= -O2 -g
# -pthread: plan and apply run each account of the config in a thread of
# its own (src/cli/common.c, cmd-apply.c); every link line uses ALL_CFLAGS.
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -pthread \
             -DMAILAUTH_VERSION='"$(VERSION)"' -Iinclude $(WARN) $(PKG_CFLAGS) $(CFLAGS)
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Each object's header dependencies, written by the compiler beside it
# (FILE.d) and included below: touching a header rebuilds only its users.
# An object without its .d (older build, deleted file) is rebuilt.
DEP_FLAGS = -MMD -MP

BUILD    ?= build
LIB_SRC   = $(filter-out $(LOAD_SRC),$(sort $(wildcard src/core/*.c src/config/*.c src/aws/*.c src/creds/*.c src/http/*.c \
              src/route53/*.c src/ses/*.c src/sts/*.c src/s3/*.c src/dns/*.c \
              src/desired/*.c src/live/*.c src/plan/*.c src/apply/*.c src/report/*.c src/resolve/*.c src/verify/*.c \
              src/cli/*.c)))
MAIN_SRC  = src/main.c
# The binary has load.c where the others have container.c, which is the
# shared object (built position-independent under BUILD/pic).
LOAD_SRC  = src/report/load.c
SO_SRC    = src/report/container.c
TEST_SRC  = $(sort $(wildcard tests/check_*.c tests/fake_*.c))
FUZZ_SRC  = $(sort $(wildcard tests/fuzz/*.c))

LIB_OBJ   = $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ  = $(TEST_SRC:%.c=$(BUILD)/%.o)
FUZZ_OBJ  = $(FUZZ_SRC:%.c=$(BUILD)/%.o)
BIN_OBJ   = $(filter-out $(SO_SRC:%.c=$(BUILD)/%.o),$(LIB_OBJ)) $(LOAD_SRC:%.c=$(BUILD)/%.o) \
            $(BUILD)/src/main.o
SO_OBJ    = $(SO_SRC:%.c=$(BUILD)/pic/%.o)
REPORT_SO = $(BUILD)/mailauth-report.so
DEPS      = $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d) $(BUILD)/src/main.d \
            $(LOAD_SRC:%.c=$(BUILD)/%.d) $(SO_OBJ:.o=.d)

PYTHON_FIND = sh tests/find-python.sh

# Install locations, GNU style.  datadir is compiled into the binary
# (MAILAUTH_DATADIR, src/cli/common.c), so the one that runs from bindir
# finds the rollout templates even when datadir is not PREFIX/share.
PREFIX   ?= /usr/local
prefix   = $(PREFIX)
exec_prefix = $(prefix)
bindir   = $(exec_prefix)/bin
datarootdir = $(prefix)/share
datadir  = $(datarootdir)
libdir   = $(exec_prefix)/lib
pkglibdir = $(libdir)/mailauth
mandir   = $(datarootdir)/man
man1dir  = $(mandir)/man1
bashcompdir = $(datarootdir)/bash-completion/completions
zshcompdir = $(datarootdir)/zsh/site-functions
fishcompdir = $(datarootdir)/fish/vendor_completions.d
INSTALL  = install
INSTALL_PROGRAM = $(INSTALL)
INSTALL_DATA = $(INSTALL) -m 644
DMARC_TEMPLATES = $(sort $(wildcard policies/dmarc/*.yaml))

.PHONY: all deps test-deps lint-ci check unit unit-asan integration integration-asan demo clean install uninstall

all: $(BUILD)/mailauth $(REPORT_SO)

$(BUILD)/%.o: %.c $(BUILD)/%.d
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEP_FLAGS) -c -o $@ $<

$(BUILD)/pic/%.o: %.c $(BUILD)/pic/%.d
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC $(DEP_FLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c $(BUILD)/tests/%.d
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(CHECK_CFLAGS) -I$(BUILD)/tests $(DEP_FLAGS) -c -o $@ $<

$(DEPS):
include $(wildcard $(DEPS))

# The folders compiled into the binary, each in a file replaced only when
# it changes, so that the object using it is rebuilt then and only then:
# the datadir (common.o) and where make install puts the report object
# (load.o).
STAMP = @mkdir -p $(dir $@) && echo '$(1)' > $@.tmp && \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(BUILD)/datadir: FORCE
	$(call STAMP,$(datadir)/mailauth)

$(BUILD)/pkglibdir: FORCE
	$(call STAMP,$(pkglibdir))

$(BUILD)/src/cli/common.o: $(BUILD)/datadir
$(BUILD)/src/cli/common.o: ALL_CFLAGS += -DMAILAUTH_DATADIR='"$(datadir)/mailauth"'
$(BUILD)/src/report/load.o: $(BUILD)/pkglibdir
$(BUILD)/src/report/load.o: ALL_CFLAGS += -DMAILAUTH_LIBDIR='"$(pkglibdir)"'

.PHONY: FORCE
FORCE:

# The binary exports to the report object the symbols it takes from the
# binary (buffers, errors, the report parser): those undefined in the
# object and defined in the binary, and no others.
$(BUILD)/report-syms.list: $(SO_OBJ) $(BIN_OBJ)
	@nm -u $(SO_OBJ) | awk '{ print $$NF }' | sort -u > $@.u
	@nm -g --defined-only $(BIN_OBJ) | awk 'NF == 3 { print $$3 }' | sort -u > $@.d
	@{ echo '{'; comm -12 $@.u $@.d | sed 's/.*/	&;/'; echo '};'; } > $@
	@rm -f $@.u $@.d

$(BUILD)/mailauth: $(BIN_OBJ) $(BUILD)/report-syms.list
	$(CC) $(ALL_CFLAGS) -Wl,--dynamic-list=$(BUILD)/report-syms.list -o $@ \
	    $(BIN_OBJ) $(BIN_LIBS)

$(REPORT_SO): $(SO_OBJ) src/report/report-so.ver
	$(CC) $(ALL_CFLAGS) -fPIC -shared \
	    -Wl,--version-script=src/report/report-so.ver -o $@ $(SO_OBJ) \
	    $(REPORT_LIBS)

# Every "NAME_suite(void)" defined in tests/check_*.c runs; see check_main.c.
# Replaced only when the list changes, so that check_main.o is not rebuilt
# for every edit of a test.
$(BUILD)/tests/suites.h: $(TEST_SRC)
	@mkdir -p $(dir $@)
	@grep -h '^[a-z0-9_]*_suite(void)' $(TEST_SRC) | sed 's/(void).*//; s/.*/SUITE(&)/' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(BUILD)/tests/check_main.o: $(BUILD)/tests/suites.h

$(BUILD)/unit: $(LIB_OBJ) $(TEST_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS)

deps:
	@sh tests/deps.sh

test-deps: deps
	@sh tests/deps.sh test

# The pipeline examples, linted (tests/lint/lint-ci.sh): yamllint, then
# actionlint for GitHub Actions and gitlab-ci-local for GitLab CI.
lint-ci:
	@sh tests/lint/lint-ci.sh --github examples/ci/github-actions.yml \
	    --gitlab examples/ci/gitlab-ci.yml

# The unit tests run twice: as built, and under AddressSanitizer and UBSan
# in one process (CK_FORK=no) so that leaks and reports stop the run.
unit: $(BUILD)/unit
	$(BUILD)/unit

unit-asan:
	$(MAKE) --no-print-directory BUILD=build/asan CFLAGS="-O1 -g $(SAN_FLAGS)" build/asan/unit
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 build/asan/unit

integration: $(BUILD)/mailauth $(REPORT_SO)
	@py=$$($(PYTHON_FIND)) || exit 1; \
	MAILAUTH_BIN=$(BUILD)/mailauth "$$py" tests/integration/run.py

# The integration tests again, against the binary built with ASan+UBSan
# from the objects of unit-asan.  It sits beside build/mailauth (as
# build/mailauth-asan) so that it finds ../policies the same way.  A
# sanitizer report goes to a file under build/sanitizer/, whatever exit
# code the test expected: any such file fails the run.
SAN_LOG = $(CURDIR)/build/sanitizer
integration-asan:
	$(MAKE) --no-print-directory BUILD=build/asan CFLAGS="-O1 -g $(SAN_FLAGS)" build/asan/mailauth \
	    build/asan/mailauth-report.so
	@mkdir -p build && cp build/asan/mailauth build/mailauth-asan && \
	    cp build/asan/mailauth-report.so build/mailauth-asan-report.so
	@rm -rf $(SAN_LOG) && mkdir -p $(SAN_LOG)
	@py=$$($(PYTHON_FIND)) || exit 1; \
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:log_path=$(SAN_LOG)/report \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(SAN_LOG)/report \
	MAILAUTH_BIN=build/mailauth-asan "$$py" tests/integration/run.py; rc=$$?; \
	if [ -n "$$(ls $(SAN_LOG))" ]; then \
		cat $(SAN_LOG)/* >&2; \
		echo "integration-asan: sanitizer reports above ($(SAN_LOG))" >&2; \
		exit 1; \
	fi; \
	exit $$rc

check: test-deps
	$(MAKE) --no-print-directory all $(BUILD)/unit
	$(MAKE) --no-print-directory lint-ci
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory unit-asan
	$(MAKE) --no-print-directory fuzz-seeds
	$(MAKE) --no-print-directory integration
	$(MAKE) --no-print-directory integration-asan

# Fuzzing (tests/fuzz/, docs/development.md): one libFuzzer harness per
# parser of untrusted input, tests/fuzz/fuzz_NAME.c, with its seed corpus in
# tests/fuzz/corpus/NAME/.  fuzz-seeds builds each with the project's
# compiler under ASan+UBSan (the objects of unit-asan) linked to a small
# driver that runs every seed once: part of check, no clang needed.  fuzz
# builds them with clang and libFuzzer and runs each for FUZZ_SECONDS; new
# inputs go to build/fuzz/corpus/NAME, crashes to tests/fuzz/crashes/
# (ignored by git).  fuzz-deps installs clang for it, as deps does for check.
FUZZ_NAMES   = $(patsubst tests/fuzz/fuzz_%.c,%,$(filter tests/fuzz/fuzz_%,$(FUZZ_SRC)))
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_DEFS    = -DFUZZ_TEMPLATES='"$(CURDIR)/policies/dmarc"'
FUZZ_OPTIONS = ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0 \
               UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: fuzz fuzz-seeds fuzz-deps fuzz-bins fuzz-seed-bins

$(BUILD)/tests/fuzz/%.o: ALL_CFLAGS += $(FUZZ_DEFS)
.SECONDARY: $(FUZZ_OBJ)

$(BUILD)/fuzz-seeds/%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/util.o \
    $(BUILD)/tests/fuzz/driver.o $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/bin/%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/util.o $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

fuzz-seed-bins: $(FUZZ_NAMES:%=$(BUILD)/fuzz-seeds/%)
fuzz-bins: $(FUZZ_NAMES:%=$(BUILD)/bin/%)

fuzz-seeds:
	$(MAKE) --no-print-directory BUILD=build/asan CFLAGS="-O1 -g $(SAN_FLAGS)" fuzz-seed-bins
	@for n in $(FUZZ_NAMES); do \
		$(FUZZ_OPTIONS) build/asan/fuzz-seeds/$$n tests/fuzz/corpus/$$n || \
		    { echo "fuzz-seeds: harness '$$n' failed" >&2; exit 1; }; \
	done

fuzz: fuzz-deps
	$(MAKE) --no-print-directory BUILD=build/fuzz CC=$(FUZZ_CC) \
	    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(SAN_FLAGS)" fuzz-bins
	@mkdir -p tests/fuzz/crashes; failed=""; \
	for n in $(FUZZ_NAMES); do \
		mkdir -p build/fuzz/corpus/$$n; \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
		if $(FUZZ_OPTIONS) build/fuzz/bin/$$n -max_total_time=$(FUZZ_SECONDS) \
		    -timeout=25 -print_final_stats=1 \
		    -artifact_prefix=tests/fuzz/crashes/$$n- \
		    build/fuzz/corpus/$$n tests/fuzz/corpus/$$n \
		    >build/fuzz/$$n.log 2>&1; then \
			grep -E '^stat::number_of_executed_units' build/fuzz/$$n.log; \
		else \
			grep -E '^==[0-9]+==ERROR|runtime error|^SUMMARY|Test unit written' \
			    build/fuzz/$$n.log; \
			failed="$$failed $$n"; \
		fi; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "fuzz: failed:$$failed (build/fuzz/NAME.log, tests/fuzz/crashes/)" >&2; \
		exit 1; \
	fi

fuzz-deps:
	@sh tests/deps.sh fuzz

# Route 53 requests, time and memory of plan against moto, beside listing
# the whole zone; not part of check (docs/performance.md).
.PHONY: bench
bench: $(BUILD)/mailauth $(REPORT_SO)
	@py=$$($(PYTHON_FIND)) || exit 1; \
	MAILAUTH_BIN=$(BUILD)/mailauth "$$py" tests/bench/bench.py

demo: test-deps
	$(MAKE) --no-print-directory all
	@py=$$($(PYTHON_FIND)) || exit 1; \
	MAILAUTH_BIN=$(BUILD)/mailauth "$$py" examples/demo.py

install: $(BUILD)/mailauth $(REPORT_SO)
	$(INSTALL) -d $(DESTDIR)$(bindir) $(DESTDIR)$(man1dir) $(DESTDIR)$(pkglibdir) \
	    $(DESTDIR)$(bashcompdir) $(DESTDIR)$(zshcompdir) $(DESTDIR)$(fishcompdir) \
	    $(DESTDIR)$(datadir)/mailauth/policies/dmarc
	$(INSTALL_PROGRAM) $(BUILD)/mailauth $(DESTDIR)$(bindir)/mailauth
	$(INSTALL_DATA) $(REPORT_SO) $(DESTDIR)$(pkglibdir)/report.so
	$(INSTALL_DATA) docs/mailauth.1 $(DESTDIR)$(man1dir)/mailauth.1
	$(INSTALL_DATA) completions/mailauth.bash $(DESTDIR)$(bashcompdir)/mailauth
	$(INSTALL_DATA) completions/_mailauth $(DESTDIR)$(zshcompdir)/_mailauth
	$(INSTALL_DATA) completions/mailauth.fish $(DESTDIR)$(fishcompdir)/mailauth.fish
	$(INSTALL_DATA) $(DMARC_TEMPLATES) $(DESTDIR)$(datadir)/mailauth/policies/dmarc

# Removes what install put there, then the folders of mailauth's own that
# are left empty; shared folders (bindir, man1dir, ...) stay.
uninstall:
	rm -f $(DESTDIR)$(bindir)/mailauth $(DESTDIR)$(man1dir)/mailauth.1 \
	    $(DESTDIR)$(pkglibdir)/report.so \
	    $(DESTDIR)$(bashcompdir)/mailauth $(DESTDIR)$(zshcompdir)/_mailauth \
	    $(DESTDIR)$(fishcompdir)/mailauth.fish
	rm -f $(DMARC_TEMPLATES:policies/dmarc/%=$(DESTDIR)$(datadir)/mailauth/policies/dmarc/%)
	rmdir $(DESTDIR)$(datadir)/mailauth/policies/dmarc \
	    $(DESTDIR)$(datadir)/mailauth/policies \
	    $(DESTDIR)$(datadir)/mailauth 2>/dev/null || true
	rmdir $(DESTDIR)$(pkglibdir) 2>/dev/null || true

clean:
	rm -rf build
