# wg-meshconf: GNU Make, pkg-config, no autotools.
# `make` builds with the libraries pkg-config finds and never installs anything;
# `make deps` (scripts/install-deps) installs the Debian packages, and the targets
# that run everything on a fresh Debian machine (check, demo, e2e, formats, fuzz)
# call it first. V=1 shows the commands.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
# The completion folders, Debian's paths under PREFIX.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
PKG_CONFIG ?= pkg-config
CC ?= cc
INSTALL ?= install

# Quiet `CC file.o` lines unless V=1.
ifeq ($(V),1)
Q :=
msg = @:
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2);
endif

BUILD := build
# The version: `git describe --tags` of a v* tag in a repository (3.0.0, or
# 3.0.0-4-g1a2b3c4 four commits after it), else the VERSION file (a tarball).
# The binary and the man page get it from here only.
VERSION := $(shell git describe --tags --match 'v[0-9]*' 2>/dev/null | sed 's/^v//')
ifeq ($(VERSION),)
VERSION := $(shell cat VERSION)
endif
# Rewritten only when the version changes, so that what embeds it is rebuilt then.
VERSION_STAMP := $(BUILD)/version
$(shell mkdir -p $(BUILD) && echo '$(VERSION)' | cmp -s - $(VERSION_STAMP) || \
	echo '$(VERSION)' >$(VERSION_STAMP))

WARN := -Wall -Wextra -Werror -Wshadow -Wconversion -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla
CFLAGS ?= -O2 -g
CPPFLAGS += -Isrc -D_GNU_SOURCE -DWGM_VERSION='"$(VERSION)"'
# The libraries, found by pkg-config (each with the Debian package that has it).
PKGS := libsodium libqrencode libpng
ALL_CFLAGS = -std=c17 $(WARN) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags $(PKGS)) -MMD -MP
LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lpthread

# Every module, in the folders of its layer (see HACKING.md); main.c alone holds main().
MODULES := $(filter-out src/main.c,$(wildcard src/*.c src/*/*.c))
OBJS := $(MODULES:src/%.c=$(BUILD)/obj/%.o)
BIN := $(BUILD)/wg-meshconf

# The sanitized build used by the tests.
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_OBJS := $(MODULES:src/%.c=$(BUILD)/san/%.o)
SAN_BIN := $(BUILD)/san/wg-meshconf
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%)

MAN := $(BUILD)/wg-meshconf.1

.PHONY: all check unit cli completion man robust formats e2e demo bench fuzz install \
	uninstall clean deps libs libs-test deb

all: $(BIN) $(MAN)

deps:
	@./scripts/install-deps

# Stops with the name of what is missing, before any compiler error about it.
libs:
	@PKG_CONFIG=$(PKG_CONFIG) ./scripts/check-libs $(PKGS)
libs-test:
	@PKG_CONFIG=$(PKG_CONFIG) ./scripts/check-libs $(PKGS) cmocka

$(BIN): $(OBJS) $(BUILD)/obj/main.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/obj/%.o: src/%.c | libs
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/main.o $(BUILD)/san/main.o: $(VERSION_STAMP)

# The man page with the version in its title line, beside each binary (the CLI
# tests check that the two agree).
$(MAN) $(BUILD)/san/wg-meshconf.1: doc/wg-meshconf.1 $(VERSION_STAMP)
	@mkdir -p $(@D)
	$(call msg,GEN,$@)
	$(Q)sed '/^\.TH /s/"wg-meshconf [^"]*"/"wg-meshconf $(VERSION)"/' $< >$@

$(SAN_BIN): $(SAN_OBJS) $(BUILD)/san/main.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/san/%.o: src/%.c | libs
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

$(BUILD)/unit/%: tests/unit/%.c $(SAN_OBJS) | libs-test
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Wno-missing-prototypes $(SAN) $(CMOCKA_CFLAGS) \
		-o $@ $< $(SAN_OBJS) $(UNIT_LDFLAGS) $(CMOCKA_LIBS) $(LIBS)

# The writer's test makes a chosen rename fail, as an immutable file does.
$(BUILD)/unit/test_writer: UNIT_LDFLAGS = -Wl,--wrap=renameat2

# `make check`: unit tests and CLI tests on the sanitized build, then the
# network-namespace tests on the plain build; one summary line at the end.
check: deps
	@./scripts/install-deps --all
	@$(MAKE) --no-print-directory $(BIN) $(SAN_BIN) $(BUILD)/san/wg-meshconf.1 $(UNIT_BINS)
	@BUILD=$(BUILD) ./scripts/run-tests $(UNIT_BINS)

unit: $(UNIT_BINS)
	@BUILD=$(BUILD) SUITES=unit ./scripts/run-tests $(UNIT_BINS)

cli: $(SAN_BIN) $(BUILD)/san/wg-meshconf.1
	@BUILD=$(BUILD) SUITES=cli ./scripts/run-tests

e2e: deps $(BIN)
	@./scripts/install-deps --e2e
	@BUILD=$(BUILD) SUITES=e2e ./scripts/run-tests

# libFuzzer harnesses, one per parser (clang). FUZZ_SECONDS per harness.
FUZZ_SECONDS ?= 60
fuzz: deps
	@./scripts/install-deps --fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

formats: deps $(SAN_BIN)
	@./scripts/install-deps --formats
	@BUILD=$(BUILD) SUITES=formats ./scripts/run-tests

# The shell completions in bash, zsh and fish; the man page through man and lexgrog.
completion: $(SAN_BIN)
	@BUILD=$(BUILD) SUITES=completion ./scripts/run-tests

man: $(SAN_BIN) $(BUILD)/san/wg-meshconf.1
	@BUILD=$(BUILD) SUITES=man ./scripts/run-tests

# The Debian package of HEAD built, checked by lintian, installed and run (root).
deb:
	@./scripts/install-deps --package
	@SUITES=package ./scripts/run-tests

robust: $(SAN_BIN)
	@BUILD=$(BUILD) SUITES=robust ./scripts/run-tests

demo: deps $(BIN)
	@./scripts/demo $(BIN)

bench: $(BIN)
	@./bench/run $(BIN)

install: $(BIN) $(MAN)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	$(INSTALL) -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/wg-meshconf
	$(INSTALL) -m 0644 $(MAN) $(DESTDIR)$(MANDIR)/man1/wg-meshconf.1
	$(INSTALL) -m 0644 completions/wg-meshconf.bash $(DESTDIR)$(BASHCOMPDIR)/wg-meshconf
	$(INSTALL) -m 0644 completions/_wg-meshconf $(DESTDIR)$(ZSHCOMPDIR)/_wg-meshconf
	$(INSTALL) -m 0644 completions/wg-meshconf.fish $(DESTDIR)$(FISHCOMPDIR)/wg-meshconf.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/wg-meshconf $(DESTDIR)$(MANDIR)/man1/wg-meshconf.1 \
		$(DESTDIR)$(BASHCOMPDIR)/wg-meshconf $(DESTDIR)$(ZSHCOMPDIR)/_wg-meshconf \
		$(DESTDIR)$(FISHCOMPDIR)/wg-meshconf.fish

clean:
	rm -rf $(BUILD)

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/*/*/*.d)
