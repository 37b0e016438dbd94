# mailauth - email-authentication records (SPF, DKIM, DMARC) on Amazon Route 53.
#
#   make          build build/mailauth
#   make deps     install the Debian packages and the Python emulator it needs
#   make check    unit tests, the same under ASan+UBSan, integration tests (moto)
#   make demo     plan and apply examples/mailauth.yaml against a local Route 53

CC       ?= cc
PKGS      = libcurl libcrypto yaml-0.1 libcjson libxml-2.0 zlib libarchive gmime-3.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

VERSION   = 0.1.0
WARN      = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-format-nonliteral
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
             -DMAILAUTH_VERSION='"$(VERSION)"' -Iinclude $(WARN) $(PKG_CFLAGS) $(CFLAGS)
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

BUILD    ?= build
LIB_SRC   = $(sort $(wildcard src/core/*.c src/config/*.c src/aws/*.c src/http/*.c \
              src/route53/*.c src/dns/*.c src/plan/*.c src/report/*.c src/cli/*.c))
MAIN_SRC  = src/main.c
TEST_SRC  = $(sort $(wildcard tests/check_*.c))
HDRS      = $(wildcard include/mailauth/*.h) $(wildcard src/*/*.h) $(wildcard tests/*.h)

LIB_OBJ   = $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ  = $(TEST_SRC:%.c=$(BUILD)/%.o)

PYTHON_FIND = sh tests/find-python.sh

.PHONY: all deps check unit unit-asan integration demo clean

all: $(BUILD)/mailauth

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(CHECK_CFLAGS) -I$(BUILD)/tests -c -o $@ $<

$(BUILD)/mailauth: $(LIB_OBJ) $(BUILD)/src/main.o
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS)

# Every "NAME_suite(void)" defined in tests/check_*.c runs; see check_main.c.
$(BUILD)/tests/suites.h: $(TEST_SRC)
	@mkdir -p $(dir $@)
	@grep -h '^[a-z0-9_]*_suite(void)' $(TEST_SRC) | sed 's/(void).*//; s/.*/SUITE(&)/' > $@.tmp
	@mv $@.tmp $@

$(BUILD)/tests/check_main.o: $(BUILD)/tests/suites.h

$(BUILD)/unit: $(LIB_OBJ) $(TEST_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS)

deps:
	@sh tests/deps.sh

# The unit tests run twice: as built, and under AddressSanitizer and UBSan
# in one process (CK_FORK=no) so that leaks and reports stop the run.
unit: $(BUILD)/unit
	$(BUILD)/unit

unit-asan:
	$(MAKE) --no-print-directory BUILD=build/asan CFLAGS="-O1 -g $(SAN_FLAGS)" build/asan/unit
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 build/asan/unit

integration: $(BUILD)/mailauth
	@py=$$($(PYTHON_FIND)) || exit 1; \
	MAILAUTH_BIN=$(BUILD)/mailauth "$$py" tests/integration/run.py

check: deps
	$(MAKE) --no-print-directory all $(BUILD)/unit
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory unit-asan
	$(MAKE) --no-print-directory integration

# Route 53 requests, time and memory of plan against moto, beside listing
# the whole zone; not part of check (docs/performance.md).
.PHONY: bench
bench: $(BUILD)/mailauth
	@py=$$($(PYTHON_FIND)) || exit 1; \
	MAILAUTH_BIN=$(BUILD)/mailauth "$$py" tests/bench/bench.py

demo: deps
	$(MAKE) --no-print-directory all
	@py=$$($(PYTHON_FIND)) || exit 1; \
	MAILAUTH_BIN=$(BUILD)/mailauth "$$py" examples/demo.py

clean:
	rm -rf build
