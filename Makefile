# The Wuzhong low-altitude planner - plain GNU make.
#
#   make          build bin/planner (installs missing Debian packages first)
#   make test     unit + end-to-end tests; last line "N passed, N failed, N skipped"
#   make check    the whole suite again under ASan + UBSan
#   make valgrind memcheck over every command and the bad-input corpus
#   make determinism  -O0 and -O2 builds give the same bytes
#   make ci       test, check, valgrind, determinism, fuzz-regress (.ci/run)
#   make fuzz     libFuzzer on the scenario and proposal readers, FUZZ_SECONDS each
#                 (default 60) from tests/fuzz/corpus; make fuzz-regress runs the
#                 corpus (seeds and every past crash) once
#   make accept   pin every scenario's answers as they are now (tests/expected;
#                 review with git diff before committing)
#   make mutants  mutation testing: each mutant of tools/mutants/mutants.txt
#                 built in a copy (build/mutants/src) and run against the tests;
#                 every one must be killed (make mutants-fast or MUTANTS=fast:
#                 the few that die in a unit suite in seconds)
#   make coverage the suite on a gcov build (build/cov), line and branch
#                 coverage per engine module (lcov), HTML in build/cov/html
#   make test-clients  the plan in the clients (tests/clients): QGIS headless
#                 (labels, styles, the Processing provider of tools/qgis),
#                 plan.kml through OGR, report.html in Chromium (390 px, A4);
#                 installs CLIENT_PKGS first when root, a SKIP line for each
#                 client that cannot be installed
#   make run      plan scenarios/wuzhong-2025.yaml, print a summary
#   make deps     install missing Debian packages (as root; else print the command)
#   make clean
#
# Flavours build into their own folders (build/release, build/asan), so
# switching never mixes objects.

CC      ?= cc
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
FLAVOR  ?= release
B       := build/$(FLAVOR)

# Debian 12 packages the build, the tests and the tools need.
DEB_PKGS := pkg-config libgeos-dev libproj-dev proj-bin libgdal-dev gdal-bin \
            libspatialite-dev libsqlite3-mod-spatialite spatialite-bin libsqlite3-dev \
            sqlite3 libfyaml-dev libcmocka-dev python3 python3-jsonschema glpk-utils \
            librsvg2-bin fonts-wqy-microhei postgresql-15-postgis-3 valgrind lcov
PC_PKGS  := geos proj gdal sqlite3 spatialite libfyaml cmocka
# The clients the plan is tested in (make test-clients), apart from the
# build's: QGIS's Python (with the Processing plugin), OGR's Python, Chromium.
# Measured here: 134 packages, 229 MB fetched, 861 MB on disk, 50 s (apt
# lists fresh, --no-install-recommends).
CLIENT_PKGS := python3-qgis qgis-providers python3-gdal chromium

ifeq ($(FLAVOR),fuzz)
  CC    := clang
  OPT   := -O1 -g
  SAN   := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# -O0 with the plain loops where -O2 has SIMD ones: make determinism then
# checks that both give the same bytes
ifeq ($(FLAVOR),o0)
  OPT   := -O0 -g -DPL_NO_SIMD
endif

# gcov instrumentation, unoptimised so that lines and branches are the
# source's own (make coverage)
ifeq ($(FLAVOR),cov)
  OPT   := -O0 -g
  SAN   := --coverage
endif

ifeq ($(FLAVOR),asan)
  OPT   := -O1 -g
  SAN   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# Evaluated only when a recipe needs them (after 'deps' has run).
# GDAL's headers go on -isystem: they trip our warnings otherwise.
PC_CFLAGS = $(shell pkg-config --cflags geos proj sqlite3 libfyaml) \
            $(patsubst -I%,-isystem %,$(shell pkg-config --cflags gdal))
PC_LIBS   = $(shell pkg-config --libs geos proj gdal libfyaml)
ALL_CFLAGS = -Iplanner -Iplanner/engine -std=c11 -D_GNU_SOURCE -DGEOS_USE_ONLY_R_API -pthread $(OPT) $(WARN) $(SAN) $(PC_CFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = -pthread $(SAN) $(LDFLAGS)

SRC      := $(wildcard planner/*/*.c)
OBJ      := $(SRC:planner/%.c=$(B)/%.o)
LIB_OBJ  := $(filter-out $(B)/cli/main.o,$(OBJ))
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%.o)
PLANNER  := $(if $(filter release,$(FLAVOR)),bin/planner,$(B)/planner)

.PHONY: all build deps test test-clients clients-deps check accept run clean unit checksymbols geodata bench fuzz fuzz-regress valgrind determinism ci \
        mutants mutants-fast coverage
all: deps
	@$(MAKE) --no-print-directory build

build: $(PLANNER)

deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"; \
	for p in $(PC_PKGS); do pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	for c in ogrinfo ogr2ogr cs2cs proj invproj python3 glpsol rsvg-convert valgrind sqlite3 lcov genhtml; do \
	  command -v $$c >/dev/null 2>&1 || missing="$$missing $$c"; done; \
	[ -f /usr/share/postgresql/15/extension/postgis.control ] || missing="$$missing postgis"; \
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || missing="$$missing python3-jsonschema"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing CJK-font"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "make deps: installing Debian packages (missing:$$missing)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_PKGS) >/dev/null || exit 1; \
	  else \
	    echo "make deps: missing:$$missing"; \
	    echo "  run: sudo apt-get install -y $(DEB_PKGS)"; exit 1; \
	  fi; \
	fi

$(PLANNER): $(OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(OBJ) $(PC_LIBS) -lm

$(B)/%.o: planner/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iplanner $(shell pkg-config --cflags cmocka) -c -o $@ $<

$(B)/unit/run: $(UNIT_OBJ) $(LIB_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJ) $(LIB_OBJ) $(PC_LIBS) $(shell pkg-config --libs cmocka) -lm

unit: $(PLANNER) $(B)/unit/run

test: deps
	@$(MAKE) --no-print-directory unit
	@tests/run.sh $(abspath $(PLANNER)) $(abspath $(B)/unit/run)

# The clients: installed when missing and root (else, or when apt cannot,
# each missing client is a SKIP line of tests/clients/run.sh).
clients-deps:
	@missing=""; \
	/usr/bin/python3 -c 'import qgis.core' 2>/dev/null || missing="$$missing python3-qgis"; \
	/usr/bin/python3 -c 'from osgeo import ogr' 2>/dev/null || missing="$$missing python3-gdal"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && apt-get update -qq >/dev/null 2>&1 && \
	     DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(CLIENT_PKGS) >/dev/null 2>&1; then \
	    echo "make clients-deps: installed $(CLIENT_PKGS)"; \
	  else \
	    echo "SKIP - make clients-deps: cannot install$$missing (needs root and apt: apt-get install -y $(CLIENT_PKGS))"; \
	  fi; \
	fi

test-clients: all
	@$(MAKE) --no-print-directory clients-deps
	@tests/clients/run.sh $(abspath $(PLANNER))

# Sanitizer reports of every process (unit runner and each planner run of the
# end-to-end tests) go to build/asan/sanlog; tests/run.sh fails if any appear.
check: deps
	@$(MAKE) --no-print-directory FLAVOR=asan unit
	@rm -rf build/asan/sanlog && mkdir -p build/asan/sanlog
	@SAN_LOG_DIR=$(abspath build/asan/sanlog) \
	  ASAN_OPTIONS=detect_leaks=1:log_path=$(abspath build/asan/sanlog)/asan \
	  UBSAN_OPTIONS=print_stacktrace=1:log_path=$(abspath build/asan/sanlog)/ubsan \
	  tests/run.sh $(abspath build/asan/planner) $(abspath build/asan/unit/run)

# memcheck over every command and the bad-input corpus
valgrind: all
	@tests/valgrind/run.sh

# the same bytes from -O0 and -O2 builds, and from two runs of one
determinism: all
	@$(MAKE) --no-print-directory FLAVOR=o0 build
	@tests/determinism.sh $(abspath bin/planner) $(abspath build/o0/planner)

# what CI runs (.ci/run): the suite, the suite under ASan + UBSan, memcheck,
# determinism and the fuzz corpus replayed
ci: test check valgrind determinism fuzz-regress

# ---- mutation testing and coverage -----------------------------------------
# make mutants: every mutant of tools/mutants/mutants.txt applied to a copy of
# the tree (build/mutants/src, its own release build; the tree itself is never
# changed), built, and run against its quick suite, then the whole suite; one
# line a mutant (KILLED / SURVIVED / NOT APPLIED / NOT BUILT) and a summary;
# fails unless every mutant is killed.  MUTANTS=fast, or make mutants-fast: the
# subset marked fast (unit suites only, a minute or so).
mutants: all
	@$(MAKE) --no-print-directory unit
	@tools/mutants/run $(if $(filter fast,$(MUTANTS)),--fast)

mutants-fast: all
	@$(MAKE) --no-print-directory unit
	@tools/mutants/run --fast

# make coverage: the whole suite (unit, e2e, bad) on the gcov build, then line
# and branch coverage of each module (planner/<layer>/*.c).  The suite's own
# verdict is printed but does not stop the report.  Figures and the largest
# uncovered areas: tools/mutants/COVERAGE.md.
COV_INFO := build/cov/coverage.info
coverage: deps
	@$(MAKE) --no-print-directory FLAVOR=cov unit
	@find build/cov -name '*.gcda' -delete
	@tests/run.sh $(abspath build/cov/planner) $(abspath build/cov/unit/run) >build/cov/tests.log 2>&1; \
	  echo "coverage: suite run on the gcov build: $$(tail -n 1 build/cov/tests.log) (build/cov/tests.log)"
	@lcov --quiet --capture --directory build/cov --base-directory . --rc lcov_branch_coverage=1 \
	  --output-file build/cov/all.info 2>build/cov/lcov.log
	@lcov --quiet --extract build/cov/all.info '$(abspath planner)/*/*.c' --rc lcov_branch_coverage=1 \
	  --output-file $(COV_INFO) 2>>build/cov/lcov.log
	@genhtml --quiet --branch-coverage --output-directory build/cov/html $(COV_INFO) >>build/cov/lcov.log 2>&1 || true
	@tools/mutants/covtable $(COV_INFO)

# ---- fuzzing (clang's libFuzzer, ASan + UBSan) ----------------------------
FUZZ_SECONDS  ?= 60
FUZZ_TARGETS  := scenario proposals
FUZZ_SCENARIO := $(abspath tests/e2e/data/square.yaml)
FUZZ_FLAGS    := -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -Iplanner -fsanitize=fuzzer,address,undefined -o $@ $< $(LIB_OBJ) $(PC_LIBS) -lm

fuzz-bins:
	@command -v clang >/dev/null 2>&1 && [ -n "$$(find /usr/lib/llvm-* -name 'libclang_rt.fuzzer*' 2>/dev/null)" ] || \
	  { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null; } || \
	  { echo "make fuzz: needs clang and libclang-rt-14-dev"; exit 1; }
	@$(MAKE) --no-print-directory FLAVOR=fuzz $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)

# Each target runs FUZZ_SECONDS on a working copy of its seed corpus; a
# crash, leak or hang stops it with the input saved as build/fuzz/NAME-crash-*
# (copy it into tests/fuzz/corpus/NAME to keep it as a regression test).
fuzz: deps fuzz-bins
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/work-$$t && \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s" && \
	  FUZZ_SCENARIO=$(FUZZ_SCENARIO) ASAN_OPTIONS=detect_leaks=1 build/fuzz/fuzz_$$t $(FUZZ_FLAGS) \
	    -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=build/fuzz/$$t- \
	    build/fuzz/work-$$t tests/fuzz/corpus/$$t >build/fuzz/$$t.log 2>&1; \
	  rc=$$?; grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)' build/fuzz/$$t.log; \
	  [ $$rc -eq 0 ] || { echo "fuzz_$$t: FAILED (exit $$rc), see build/fuzz/$$t.log"; exit 1; }; \
	done

fuzz-regress: deps fuzz-bins
	@for t in $(FUZZ_TARGETS); do \
	  FUZZ_SCENARIO=$(FUZZ_SCENARIO) build/fuzz/fuzz_$$t $(FUZZ_FLAGS) tests/fuzz/corpus/$$t/* >build/fuzz/$$t-regress.log 2>&1 || \
	    { echo "fuzz_$$t: an input of tests/fuzz/corpus/$$t fails, see build/fuzz/$$t-regress.log"; exit 1; }; \
	  echo "fuzz_$$t: $$(ls tests/fuzz/corpus/$$t | wc -l) corpus inputs run, no failure"; \
	done

# Every symbol the engine exports starts with pl_ (SQLite's checksymbols).
checksymbols: build
	@bad=$$(nm -g --defined-only $(LIB_OBJ) | awk 'NF == 3 && $$3 !~ /^pl_/ {print $$3}'); \
	if [ -n "$$bad" ]; then echo "exported without the pl_ prefix: $$bad"; exit 1; fi; \
	echo "checksymbols: every exported symbol starts with pl_"

# Re-derive geodata/ from geodata/sources/ (make test checks it is unchanged).
geodata: deps
	tools/wuzhong-geodata.py geodata

# Benchmarks beside peers in the same run (figures are ratios; not tests).
# make bench [BENCH_ARGS="--sizes 1000,10000 --repeat 1"]; --install-peers adds
# python3-geopandas and coinor-cbc (PostGIS comes with make deps). See tools/bench/RESULTS.md.
bench: all
	tools/bench/run --planner bin/planner $(BENCH_ARGS)

# Pin every scenario's answers as they are now: run it on purpose, then
# review what changed with git diff tests/expected before committing.
accept: all
	@sh tests/pinned.sh $(abspath $(PLANNER)) accept

run: all
	bin/planner run scenarios/wuzhong-2025.yaml

clean:
	rm -rf build bin out tests/e2e/result

-include $(OBJ:.o=.d) $(UNIT_OBJ:.o=.d)
