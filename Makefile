# budgetx: plain Makefile.  `make` builds build/budgetx, build/libbudgetx.a
# and build/libbudgetx.so; `make check` runs every test suite.

CC ?= cc
CFLAGS ?= -O2 -g
WERROR ?=
BUILD ?= build
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share/budgetx
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
DESTDIR ?=

PKGS = libxml-2.0 libxslt zlib libdeflate libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS)) -pthread

# The CLI's allocator (docs/performance.md, "## alloc"): glibc's malloc by
# default; `make ALLOC=jemalloc` links jemalloc (Debian 12: libjemalloc-dev)
# into build/budgetx: 11-19% less CPU in batches of 400 documents, but
# 15-24% more for one document (2,300 page faults instead of 400: it has
# no huge-page heap, src/cli_heap.c).  Only build/budgetx links it:
# libbudgetx leaves the allocator to its host.  A build under a sanitizer
# (make asan, ubsan, check-failinject, fuzz) always uses glibc's: ASan
# brings its own malloc, and failure injection wraps it.
ALLOC ?= libc
ifneq ($(findstring -fsanitize,$(CFLAGS) $(LDFLAGS)),)
override ALLOC := libc
endif
ifeq ($(ALLOC),jemalloc)
ALLOC_LIBS := $(shell pkg-config --libs jemalloc)
ifeq ($(ALLOC_LIBS),)
$(error ALLOC=jemalloc: pkg-config finds no jemalloc (Debian 12: libjemalloc-dev))
endif
else ifeq ($(ALLOC),libc)
ALLOC_LIBS :=
else
$(error ALLOC must be libc or jemalloc, not '$(ALLOC)')
endif

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       $(WERROR)
ALL_CFLAGS = -std=c11 -pthread $(WARN) $(CFLAGS) -fPIC -Iinclude -Isrc -I$(BUILD) \
             $(PKG_CFLAGS) \
             -MMD -MP -DBX_DATADIR='"$(DATADIR)"'
ifneq ($(wildcard src/report_xml.c),)
ALL_CFLAGS += -DBX_HAVE_REPORT_XML
endif

CLI_SRC = src/main.c $(wildcard src/cli*.c) $(wildcard src/cmd_*.c)
LIB_SRC = $(filter-out $(CLI_SRC),$(wildcard src/*.c))
LIB_OBJ = $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
CLI_OBJ = $(CLI_SRC:src/%.c=$(BUILD)/obj/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_OBJ = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/obj/unit/%.o) \
           $(BUILD)/obj/unit/main.o
SUITES = $(UNIT_SRC:tests/unit/test_%.c=%)

BIN = $(BUILD)/budgetx
LIBA = $(BUILD)/libbudgetx.a
LIBSO = $(BUILD)/libbudgetx.so
UNIT = $(BUILD)/unit-tests

TEST_ENV = LC_ALL=C TZ=UTC BUDGETX_DATADIR=$(CURDIR)

.PHONY: all check check-suites deps-test check-xlsx check-cli check-failinject check-hostile check-unit check-golden check-install check-bundle check-zip check-docs check-convert check-rules check-batch check-exit check-lean check-heap check-alloc check-jemalloc check-bench lint asan ubsan valgrind coverage \
        golden-update install uninstall clean bench fuzz docs quickstart deps

all: $(BIN) $(LIBA) $(LIBSO)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# digests of the rule files that validate against rules.xsd at build time
$(BUILD)/rules_digests.h: scripts/rules-digests.sh schemas/rules.xsd \
                          $(wildcard schemas/rules/*.xml)
	@mkdir -p $(dir $@)
	sh scripts/rules-digests.sh schemas/rules.xsd \
	    $(wildcard schemas/rules/*.xml) > $@.tmp
	@mv $@.tmp $@

$(BUILD)/obj/rules.o: $(BUILD)/rules_digests.h

# the same for the template files against template.xsd
$(BUILD)/templates_digests.h: scripts/rules-digests.sh \
                              schemas/templates/template.xsd \
                              $(wildcard schemas/templates/*.xml)
	@mkdir -p $(dir $@)
	sh scripts/rules-digests.sh -n templates_validated \
	    schemas/templates/template.xsd \
	    $(wildcard schemas/templates/*.xml) > $@.tmp
	@mv $@.tmp $@

$(BUILD)/obj/templates.o: $(BUILD)/templates_digests.h

# the unit test that matches parsed bytes against both lists
$(BUILD)/obj/unit/test_datafiles_read.o: $(BUILD)/rules_digests.h \
                                         $(BUILD)/templates_digests.h

$(BUILD)/obj/unit/%.o: tests/unit/%.c $(BUILD)/unit_suites.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I$(BUILD) -include tests/unit/protos.h -c -o $@ $<

# The unit runner calls bx_test_suite_<name>() for each tests/unit/test_<name>.c
$(BUILD)/unit_suites.h: $(UNIT_SRC) Makefile
	@mkdir -p $(dir $@)
	@printf '%s\n' $(foreach s,$(SUITES),'SUITE($(s))') > $@.tmp
	@mv $@.tmp $@

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIBSO): $(LIB_OBJ) src/libbudgetx.map
	$(CC) -shared -o $@ $(LIB_OBJ) -Wl,--version-script=src/libbudgetx.map \
	    -Wl,-soname,libbudgetx.so.0 $(LDFLAGS) $(PKG_LIBS)

$(BIN): $(CLI_OBJ) $(LIBA) $(BUILD)/alloc-$(ALLOC) | schemas/lean/SOURCES \
        schemas/lean/DATA schemas/lean/XSLT schemas/lean/TEMPLATES
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(LIBA) $(LDFLAGS) $(PKG_LIBS) \
	    $(ALLOC_LIBS)

# relink build/budgetx when ALLOC changes
$(BUILD)/alloc-$(ALLOC):
	@mkdir -p $(dir $@)
	@rm -f $(BUILD)/alloc-*
	@touch $@

# lean copies of the disclosure schema (no xs:annotation, comments, blank
# text) in the data directory: compiled instead of the originals while
# schemas/lean/SOURCES matches them (src/datafiles.c); generated, not
# committed; `make install` copies them with schemas/
LEAN_XSD = schemas/budgetx.xsd $(sort $(wildcard schemas/disclosure/*.xsd))
$(BUILD)/lean-xsd: scripts/lean-xsd.c scripts/lean-io.h src/hash64.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ scripts/lean-xsd.c $(LDFLAGS) $(PKG_LIBS)

schemas/lean/SOURCES: $(BUILD)/lean-xsd $(LEAN_XSD)
	./$(BUILD)/lean-xsd . $(LEAN_XSD)

# lean copies of the rule files, templates and code lists (no comments,
# blank text between elements, elements read only for docs/rules.md) with
# schemas/lean/DATA (hash64 of each original and lean copy, the original's
# SHA-256): parsed instead of an original while its line matches and (rule
# files, templates) the build validated it
# (src/datafiles.c, datafiles_read_parse_lean()); generated, not committed
LEAN_DATA = $(sort $(wildcard schemas/rules/*.xml)) \
            $(sort $(wildcard schemas/templates/*.xml)) \
            $(sort $(wildcard schemas/codes/*/*.xml))
$(BUILD)/lean-data: scripts/lean-data.c scripts/lean-io.h src/hash64.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ scripts/lean-data.c $(LDFLAGS) $(PKG_LIBS)

schemas/lean/DATA: $(BUILD)/lean-data $(LEAN_DATA)
	./$(BUILD)/lean-data . $(LEAN_DATA)

# lean copies of the stylesheets (no comments, no blank text outside
# xsl:text: what libxslt drops before it compiles) with schemas/lean/XSLT
# (hash64 of each original and lean copy, and what each includes):
# compiled instead of an original while its line and those of everything
# it includes match (src/datafiles.c, lean_sheet()); none when a
# stylesheet does not compile cleanly; generated, not committed
LEAN_XSLT = $(sort $(wildcard xslt/*.xsl))
$(BUILD)/lean-xslt: scripts/lean-xslt.c scripts/lean-io.h src/hash64.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ scripts/lean-xslt.c $(LDFLAGS) $(PKG_LIBS)

schemas/lean/XSLT: $(BUILD)/lean-xslt $(LEAN_XSLT)
	./$(BUILD)/lean-xslt . $(LEAN_XSLT)

# the index of the template registry (scripts/tpl-index.c, linked with
# the library: it loads the registry through the real path, every file
# validated, and indexes it only if it loads cleanly): while it matches
# the template directory a run parses only the templates it uses
# (src/templates.c, templates_open()); generated, not committed
$(BUILD)/tpl-index: scripts/tpl-index.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ scripts/tpl-index.c $(LIBA) $(LDFLAGS) \
	    $(PKG_LIBS)

schemas/lean/TEMPLATES: $(BUILD)/tpl-index schemas/lean/SOURCES \
                        schemas/lean/DATA schemas/templates/template.xsd \
                        $(wildcard schemas/templates/*.xml)
	./$(BUILD)/tpl-index .

$(UNIT): $(UNIT_OBJ) $(LIBA) | schemas/lean/DATA schemas/lean/XSLT \
         schemas/lean/TEMPLATES
	$(CC) $(CFLAGS) -o $@ $(UNIT_OBJ) $(LIBA) $(LDFLAGS) $(PKG_LIBS) -lcunit

# `make check` first installs what the tests need (.ci/packages-test),
# then runs every suite
check: deps-test
	$(MAKE) check-suites

check-suites: check-unit check-golden check-cli check-rules check-convert \
       check-bundle check-zip check-docs check-install check-hostile \
       check-bench check-xlsx check-templates check-batch check-exit \
       check-lean check-heap check-alloc

# workbooks: goldens, openpyxl, LibreOffice round trips, hostile inputs
check-xlsx: $(BIN)
	$(TEST_ENV) sh tests/xlsx/run.sh $(CURDIR)/$(BIN)

# the command line: completion scripts, --help against man page and README
check-cli: $(BIN)
	$(TEST_ENV) sh tests/cli/run.sh $(CURDIR)/$(BIN)
	$(TEST_ENV) sh tests/cli/examples.sh $(CURDIR)/$(BIN)

# Allocation-failure injection (tests/failinject): an ASan build whose
# N-th allocation fails, for every N over the sample's validate, convert
# and bundle paths, a stylesheet's compilation, and the process-wide
# set-up.  A CI step of its own (.ci/run), with the sampling below: every
# path, fewer runs each.  By hand, more: FI_RUNS=60 FI_INIT_STEP=1 (every
# allocation of the set-up), FI_RULES_STEP=1 (every allocation of ours
# while the rules run), or FI_RUNS=0 (every allocation, for hours).  The
# rules' window is a document with findings, so that their wording
# (labels, suggestions, pairings) is tried too.
FI_RUNS ?= 25
FI_INIT_STEP ?= 4
FI_RULES_STEP ?= 3
FI_RULES_DOC ?= $(CURDIR)/samples/pingdingshan-hitech-service-center-2024.xml
FI_BUILD = build-fi
FI_WRAP = -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc \
          -Wl,--wrap=strdup -Wl,--wrap=strndup -Wl,--wrap=rules_eval \
          -Wl,--wrap=xmlSchemaNewValidCtxt -Wl,--wrap=xmlSchemaFreeValidCtxt
check-failinject:
	$(MAKE) BUILD=$(FI_BUILD) \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address" \
	    LDFLAGS="-fsanitize=address" $(FI_BUILD)/budgetx
	$(CC) -std=c11 -O1 -g -fsanitize=address $(PKG_CFLAGS) -o \
	    $(FI_BUILD)/budgetx-fi $(CLI_OBJ:$(BUILD)/%=$(FI_BUILD)/%) \
	    tests/failinject/failmalloc.c $(FI_BUILD)/libbudgetx.a $(FI_WRAP) \
	    $(PKG_LIBS)
	$(CC) -std=c11 -O1 -g -fsanitize=address $(PKG_CFLAGS) -Iinclude -o \
	    $(FI_BUILD)/budgetx-fi-retry tests/failinject/retry.c \
	    tests/failinject/failmalloc.c $(FI_BUILD)/libbudgetx.a $(FI_WRAP) \
	    $(PKG_LIBS)
	FI_RUNS=$(FI_RUNS) FI_INIT_STEP=$(FI_INIT_STEP) \
	    FI_RULES_STEP=$(FI_RULES_STEP) FI_RULES_DOC=$(FI_RULES_DOC) \
	    $(TEST_ENV) sh tests/failinject/run.sh $(CURDIR)/$(FI_BUILD)/budgetx-fi

# hostile inputs and broken data files (issue 9)
check-hostile: $(BIN)
	$(TEST_ENV) sh tests/hostile/run.sh $(CURDIR)/$(BIN)

check-rules: $(BIN)
	$(TEST_ENV) sh tests/rules/golden.sh $(CURDIR)/$(BIN)

check-convert: $(BIN)
	$(TEST_ENV) sh tests/convert/run.sh $(CURDIR)/$(BIN)
	$(TEST_ENV) sh tests/convert/xsltproc.sh $(CURDIR)/$(BIN)

# the generated docs/rules.md must match the rule set it documents
check-docs:
	@xsltproc xslt/rules-doc.xsl schemas/rules/2024.xml > $(BUILD)/rules.md
	@cmp -s $(BUILD)/rules.md docs/rules.md && echo "docs: 1 passed, 0 failed" \
	    || { echo "docs/rules.md is stale: run make docs"; exit 1; }

check-batch: $(BIN)
	$(TEST_ENV) sh tests/batch/run.sh $(CURDIR)/$(BIN)

# the CLI's exit without teardown: no leak, BUDGETX_FREE_AT_EXIT frees
check-exit: $(BIN)
	$(TEST_ENV) sh tests/exit/run.sh $(CURDIR)/$(BIN)

# one document: huge pages on the heap, the prefetch thread (fixed1)
check-heap: $(BIN)
	$(TEST_ENV) sh tests/heap/run.sh $(CURDIR)/$(BIN)

# the allocator build/budgetx runs with is the one it was built for
# (ALLOC; glibc's under a sanitizer)
check-alloc: $(BIN)
	$(TEST_ENV) sh tests/alloc/run.sh $(CURDIR)/$(BIN) $(ALLOC)

# the jemalloc build (ALLOC=jemalloc, in build-jemalloc): the allocator
# check, then the suites that compare output bytes, against the same
# goldens as the default build (a CI step of its own, .ci/run)
JE_BUILD = build-jemalloc
check-jemalloc:
	$(MAKE) BUILD=$(JE_BUILD) ALLOC=jemalloc check-alloc check-golden \
	    check-rules check-convert check-bundle check-batch check-exit

# lean copies of the schemas, rule files and templates: used while fresh,
# same bytes as without
check-lean: $(BIN)
	$(TEST_ENV) sh tests/lean/run.sh $(CURDIR)/$(BIN)
	$(TEST_ENV) sh tests/lean/data.sh $(CURDIR)/$(BIN)
	$(TEST_ENV) sh tests/lean/xslt.sh $(CURDIR)/$(BIN)

check-bundle: $(BIN)
	$(TEST_ENV) sh tests/bundle/run.sh $(CURDIR)/$(BIN)

$(BUILD)/bxzip_driver: tests/unit/bxzip_driver.c $(LIBA)
	$(CC) $(ALL_CFLAGS) -o $@ tests/unit/bxzip_driver.c $(LIBA) $(LDFLAGS) \
	    $(PKG_LIBS)

check-zip: $(BUILD)/bxzip_driver
	$(TEST_ENV) sh tests/zip/interop.sh $(CURDIR)/$(BUILD)/bxzip_driver

check-install: $(BIN)
	$(TEST_ENV) sh tests/install/run.sh

check-unit: $(UNIT)
	$(TEST_ENV) BX_TEST_ROOT=$(CURDIR) $(UNIT)

check-golden: $(BIN)
	$(TEST_ENV) sh tests/golden/run.sh $(CURDIR)/$(BIN)

golden-update: $(BIN)
	$(TEST_ENV) sh tests/golden/run.sh $(CURDIR)/$(BIN) --update

SAN_FLAGS = -O1 -g -fno-omit-frame-pointer
# BX_SANITIZED: ASan shadows memory and quarantines freed blocks, so the
# peak-memory bounds of tests/bench/xlsx.sh and tests/xlsx/run.sh do not
# measure the program there; they are enforced by the plain make check.
asan:
	BX_SANITIZED=1 $(MAKE) BUILD=build-asan WERROR=$(WERROR) \
	    CFLAGS="$(SAN_FLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" check

ubsan:
	$(MAKE) BUILD=build-ubsan WERROR=$(WERROR) \
	    CFLAGS="$(SAN_FLAGS) -fsanitize=undefined -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=undefined" check

valgrind: $(BIN) $(UNIT)
	$(TEST_ENV) BX_TEST_ROOT=$(CURDIR) BX_TEST_QUICK=1 valgrind -q \
	    --error-exitcode=99 \
	    --leak-check=full --errors-for-leak-kinds=definite $(UNIT)
	$(TEST_ENV) BUDGETX_FREE_AT_EXIT=1 \
	    BX_WRAP="valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite" sh tests/golden/run.sh \
	    $(CURDIR)/$(BIN)

coverage:
	$(MAKE) BUILD=build-cov CFLAGS="-O0 -g --coverage" \
	    LDFLAGS="--coverage" check
	gcov -o build-cov/obj src/*.c > /dev/null && mkdir -p build-cov/gcov \
	    && mv *.gcov build-cov/gcov/ && echo "gcov files in build-cov/gcov"

lint:
	clang-format --dry-run --Werror src/*.c src/*.h include/*.h \
	    tests/unit/*.c

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
	    $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
	    $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/budgetx
	install -m 644 $(LIBA) $(DESTDIR)$(LIBDIR)/libbudgetx.a
	install -m 755 $(LIBSO) $(DESTDIR)$(LIBDIR)/libbudgetx.so.0
	ln -sf libbudgetx.so.0 $(DESTDIR)$(LIBDIR)/libbudgetx.so
	install -m 644 include/budgetx.h $(DESTDIR)$(INCLUDEDIR)/budgetx.h
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(shell sed -n 's/^#define BX_VERSION "\(.*\)"/\1/p' include/budgetx.h)|' \
	    budgetx.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/budgetx.pc
	cp -R schemas $(DESTDIR)$(DATADIR)/
	if [ -d xslt ]; then cp -R xslt $(DESTDIR)$(DATADIR)/; fi
	install -m 644 docs/budgetx.1 $(DESTDIR)$(MANDIR)/man1/budgetx.1
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	./$(BIN) completion bash > $(DESTDIR)$(BASHCOMPDIR)/budgetx
	./$(BIN) completion zsh > $(DESTDIR)$(ZSHCOMPDIR)/_budgetx

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/budgetx $(DESTDIR)$(LIBDIR)/libbudgetx.* \
	    $(DESTDIR)$(INCLUDEDIR)/budgetx.h \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/budgetx.pc \
	    $(DESTDIR)$(MANDIR)/man1/budgetx.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/budgetx $(DESTDIR)$(ZSHCOMPDIR)/_budgetx
	rm -rf $(DESTDIR)$(DATADIR)

# libFuzzer targets: tests/fuzz/fuzz_<name>.c, corpus tests/fuzz/corpus/<name>/,
# optional dictionary tests/fuzz/<name>.dict; `make fuzz FUZZ_TARGETS=rules`
# runs one.  Each prints its executions and coverage (-print_final_stats).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang \
	    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" \
	    build-fuzz/libbudgetx.a
	@for t in $(FUZZ_TARGETS); do \
	    clang -O1 -g -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
	        $(PKG_CFLAGS) tests/fuzz/fuzz_$$t.c build-fuzz/libbudgetx.a \
	        $(PKG_LIBS) -o build-fuzz/fuzz_$$t || exit 1; \
	    mkdir -p build-fuzz/corpus-$$t; \
	    echo "fuzz_$$t: $(FUZZ_SECONDS)s"; \
	    dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	    BUDGETX_DATADIR=$(CURDIR) build-fuzz/fuzz_$$t $$dict \
	        -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	        -print_final_stats=1 \
	        -artifact_prefix=build-fuzz/ build-fuzz/corpus-$$t \
	        tests/fuzz/corpus/$$t || exit 1; \
	done

# The template registry (schemas/templates) is the one source of table
# ordinals and titles: its derived copies must match it.
check-templates: $(BIN)
	@python3 tools/templates_gen.py --check $(CURDIR)
	$(TEST_ENV) sh tests/templates/run.sh $(CURDIR)/$(BIN)

templates-gen:
	python3 tools/templates_gen.py $(CURDIR)

.PHONY: check-templates templates-gen

# docs/rules.md is generated from the rule set; the output is committed
docs:
	xsltproc -o docs/rules.md xslt/rules-doc.xsl schemas/rules/2024.xml

# make bench: paired runs against the shell pipeline and python3-lxml
# (tests/bench/bench.py; BENCH_QUICK=1 for a smoke run).  check-bench is
# a few-second smoke of the generator and one pass of every job.
bench: $(BIN)
	python3 tests/bench/bench.py $(CURDIR)/$(BIN)
	sh tests/bench/xlsx.sh $(CURDIR)/$(BIN)
	sh tests/bench/mem.sh $(CURDIR)/$(BIN) 80 320 870

# instructions per MB (callgrind) in the smoke: a spread line per job, or,
# for a sanitizer build that valgrind cannot run, the line saying so
ifneq ($(findstring -fsanitize,$(CFLAGS) $(LDFLAGS)),)
BENCH_INSTR_LINE = ^== instructions per MB: skipped, a sanitizer build
BENCH_INSTR_COUNT = 1
else
BENCH_INSTR_LINE = ^  spread: x.*documents of up to
BENCH_INSTR_COUNT = 2
endif

check-bench: $(BIN)
	BENCH_QUICK=1 BENCH_DOCS=4 BENCH_RUNS=1 BENCH_SINGLE_RUNS=1 \
	    python3 tests/bench/bench.py $(CURDIR)/$(BIN) \
	    > $(BUILD)/bench-smoke.txt || { cat $(BUILD)/bench-smoke.txt; exit 1; }
	@test "$$(grep -c '^  spread: x.*median of the rounds' $(BUILD)/bench-smoke.txt)" = 2 \
	    || { cat $(BUILD)/bench-smoke.txt; \
	         echo "bench smoke: no paired time per MB"; exit 1; }
	@test "$$(grep -c '$(BENCH_INSTR_LINE)' $(BUILD)/bench-smoke.txt)" = $(BENCH_INSTR_COUNT) \
	    || { cat $(BUILD)/bench-smoke.txt; \
	         echo "bench smoke: no instructions per MB"; exit 1; }
	@sh tests/bench/xlsx.sh $(CURDIR)/$(BIN) 0.2 > $(BUILD)/bench-xlsx-smoke.txt \
	    || { cat $(BUILD)/bench-xlsx-smoke.txt; exit 1; }
	@sh tests/bench/mem.sh $(CURDIR)/$(BIN) 20 80 320 > $(BUILD)/bench-mem-smoke.txt \
	    || { cat $(BUILD)/bench-mem-smoke.txt; exit 1; }
	@echo "bench smoke: 1 passed, 0 failed"

clean:
	rm -rf build build-asan build-ubsan build-cov build-fuzz build-fi \
	    build-jemalloc
	rm -rf schemas/lean

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)

# One command for a fresh Debian 12 machine: install what is missing,
# build, and validate the bundled sample.
SAMPLE = samples/pingdingshan-hitech-service-center-2024.xml
quickstart:
	sh .ci/install-deps
	$(MAKE) all
	./$(BIN) validate $(SAMPLE) || test $$? -eq 1

deps:
	sh .ci/install-deps

deps-test:
	sh .ci/install-deps .ci/packages-test
