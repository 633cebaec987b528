# forgetop - build, test, benchmark.
#
# Sources are found by folder, so a new module is a new file and nothing here changes.
# `make` builds ./forgetop; `make test` installs what is missing, builds and runs every suite.

PREFIX  ?= /usr/local
DESTDIR ?=
# The system-wide settings file, read when the operator has none: /etc for a /usr prefix.
SYSCONFDIR  ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
BASH_COMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSH_COMPDIR  ?= $(PREFIX)/share/zsh/site-functions
BUILD   ?= build
CC      ?= cc

PKGS     := ncursesw libcurl libcjson hiredis libpq yaml-0.1 inih sqlite3 zlib
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

OPT      ?= -O2 -g
SAN      ?=
CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_XOPEN_SOURCE_EXTENDED \
	-DFORGETOP_SYSCONFDIR='"$(SYSCONFDIR)"'
CFLAGS   += -std=c11 -Wall -Wextra -Werror $(OPT) $(SAN) $(PKG_CFLAGS) -MMD -MP
LDFLAGS  += $(SAN)
LDLIBS   += $(PKG_LIBS) -lpthread -lm

LIB_SRC  := $(wildcard core/*.c sources/*.c widgets/*.c) $(filter-out tui/main.c,$(wildcard tui/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/tui/main.o
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
SCREEN_SRC := $(wildcard tests/screen/*.c)
SCREEN_BIN := $(SCREEN_SRC:tests/screen/%.c=$(BUILD)/tests/screen/%)
PROBE_SRC := $(wildcard tests/integration/*_probe.c)
PROBE_BIN := $(PROBE_SRC:tests/integration/%.c=$(BUILD)/tests/probes/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
LIB      := $(BUILD)/libforgetop.a
BIN      ?= forgetop

.PHONY: all run test asan bench fuzz fuzz-bins install uninstall clean deps format golden unit deb \
	FORCE

all: $(BIN)

$(BIN): $(MAIN_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(LDLIBS)

# The archive is remade when the list of objects changes too, so a deleted source
# cannot live on inside it.
$(BUILD)/objects.list: FORCE
	@mkdir -p $(BUILD)
	@echo '$(LIB_OBJ)' | cmp -s - $@ || echo '$(LIB_OBJ)' > $@

$(LIB): $(LIB_OBJ) $(BUILD)/objects.list
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $(LIB_OBJ)

FORCE:

# Keep the objects of the test and bench programs between runs.
.SECONDARY:

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/unit-tests: $(UNIT_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(LIB) $(LDLIBS) -lcriterion

$(BUILD)/tests/screen/%: $(BUILD)/tests/screen/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tests/probes/%: $(BUILD)/tests/integration/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

deps:
	@scripts/install-deps

unit: $(BUILD)/unit-tests

# Everything the suites run: the program, the unit tests, the screen harnesses, and the
# probes the suites drive a source through (built with the same sanitizers under make asan).
test-bins: $(BIN) $(BUILD)/unit-tests $(SCREEN_BIN) $(PROBE_BIN) $(BENCH_BIN)

test: deps
	@$(MAKE) --no-print-directory test-bins
	@BUILD=$(BUILD) BIN=./$(BIN) tests/run-all

asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=forgetop-asan OPT="-O1 -g" \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		test-bins
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		FORGETOP_ASAN=1 BUILD=build-asan BIN=./forgetop-asan tests/run-all

bench: deps
	@$(MAKE) --no-print-directory $(BIN) $(BENCH_BIN) $(PROBE_BIN)
	@BUILD=$(BUILD) BIN=./$(BIN) bench/run-all

# Fuzzing: each fuzz/NAME.c is a libFuzzer harness, linked against the library built
# with the same sanitizers in build-fuzz/; fuzz/run gives each FUZZ_SECONDS with its
# corpus. tests/integration/fuzz-regress.sh replays the corpus without libFuzzer.
FUZZ_SECONDS ?= 30
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_SRC     := $(filter-out fuzz/driver.c,$(wildcard fuzz/*.c))
FUZZ_BIN     := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)

fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=$(FUZZ_CC) OPT="-O1 -g" \
		SAN="$(FUZZ_SAN)" fuzz-bins
	@BUILD=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run

fuzz-bins: $(FUZZ_BIN)

$(FUZZ_BIN): $(BUILD)/fuzz/%: $(BUILD)/fuzz/%.o $(LIB)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LDLIBS)

run: deps
	@$(MAKE) --no-print-directory $(BIN)
	./$(BIN) --demo

golden: deps
	@$(MAKE) --no-print-directory test-bins
	@BUILD=$(BUILD) BIN=./$(BIN) FORGETOP_GOLDEN_UPDATE=1 tests/run-screens

# The themes go where the binary looks (bin/../share/forgetop/themes, widgets/theme.c).
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/forgetop/themes \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/doc/forgetop \
		$(DESTDIR)$(SYSCONFDIR)/forgetop $(DESTDIR)$(BASH_COMPDIR) $(DESTDIR)$(ZSH_COMPDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/forgetop
	install -m 0644 themes/*.theme $(DESTDIR)$(PREFIX)/share/forgetop/themes/
	install -m 0644 man/forgetop.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 etc/*.conf $(DESTDIR)$(PREFIX)/share/doc/forgetop/
	@# the operator may have edited the system-wide file: a reinstall keeps it
	[ -e $(DESTDIR)$(SYSCONFDIR)/forgetop/forgetop.conf ] || \
		install -m 0644 etc/forgetop.conf $(DESTDIR)$(SYSCONFDIR)/forgetop/
	install -m 0644 completions/forgetop.bash $(DESTDIR)$(BASH_COMPDIR)/forgetop
	install -m 0644 completions/_forgetop $(DESTDIR)$(ZSH_COMPDIR)/_forgetop

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/forgetop $(DESTDIR)$(PREFIX)/share/man/man1/forgetop.1 \
		$(DESTDIR)$(BASH_COMPDIR)/forgetop $(DESTDIR)$(ZSH_COMPDIR)/_forgetop
	rm -rf $(DESTDIR)$(PREFIX)/share/forgetop $(DESTDIR)$(PREFIX)/share/doc/forgetop

# A Debian package, built by dpkg-buildpackage in a copy of the tree under build/deb so the
# checkout stays clean; the .deb is copied to build/. The package's own make must not see
# this one's BUILD, BIN or flags (a suite's environment has them), so they are dropped.
DEB_VERSION = $(shell dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null)
DEB_ARCH    = $(shell dpkg-architecture -q DEB_HOST_ARCH 2>/dev/null)
DEB_FILE    = $(BUILD)/forgetop_$(DEB_VERSION)_$(DEB_ARCH).deb

deb: deps
	@rm -rf $(BUILD)/deb $(DEB_FILE) && mkdir -p $(BUILD)/deb/forgetop-$(DEB_VERSION)
	@tar -cf - --exclude=./build --exclude=./build-asan --exclude=./build-fuzz \
		--exclude=./forgetop --exclude=./forgetop-asan --exclude=./.git . \
		| tar -xf - -C $(BUILD)/deb/forgetop-$(DEB_VERSION)
	@cd $(BUILD)/deb/forgetop-$(DEB_VERSION) && env -u BUILD -u BIN -u OPT -u SAN -u CC \
		-u CFLAGS -u CPPFLAGS -u LDFLAGS -u MAKEFLAGS -u MFLAGS -u MAKEOVERRIDES -u MAKELEVEL \
		dpkg-buildpackage -us -uc -b -j2 >../build.log 2>&1 || { tail -40 ../build.log; exit 1; }
	@cp $(BUILD)/deb/forgetop_$(DEB_VERSION)_$(DEB_ARCH).deb $(DEB_FILE)
	@echo "  DEB     $(DEB_FILE)"

format:
	clang-format -i $(wildcard core/*.[ch] sources/*.[ch] tui/*.[ch] widgets/*.[ch] \
		include/forgetop/*.h tests/unit/*.c tests/screen/*.c bench/*.c)

clean:
	rm -rf build build-asan build-fuzz forgetop forgetop-asan

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) \
	$(SCREEN_BIN:%=%.d) $(PROBE_SRC:%.c=$(BUILD)/%.d) $(BENCH_BIN:%=%.d)
-include $(FUZZ_BIN:=.d)
