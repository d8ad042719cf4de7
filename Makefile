# snex build. Every module folder's .c files go into libsnex; every tests/test_*.c,
# bench/bench_*.c and examples/basics/*.c is its own program; every other examples/<dir>
# is one program built from all its .c files, except examples/<dir>/plot*.c: each of
# those is a program of its own, linked with PLplot (examples/clusternet/plotff.c
# plots what examples/clusternet/clusternet stored).
#
#   make            build the libraries, examples, tests and benchmarks
#   MPI=1 / MPI=0   build MPI sweeps (docs/CLUSTER.md) or not; default: when Open MPI
#                   is installed (pkg-config ompi-c)
#   make deps       install missing Debian packages (apt-get, only when missing)
#   make test       deps + build + check-layers + run every test (non-zero on any failure)
#   make check-layers  link each module's tests against that module and those below
#   make asan       the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make valgrind   the suite under valgrind (memcheck, leak check)
#   make run        deps + build what the main example needs (in parallel) + run it
#   V=1             show the full compiler commands (default: one short line each)
#   make bench      deps + build + run every benchmark (prints BENCH lines)
#   make bench-compare  COBA, CUBA and the clustered network in snex and in Brian2
#                   (numpy, cpp_standalone): loop times and ratios (minutes; not CI)
#   make faults     build + every tools/faults/*.sh (crashing runs, kill -9, full disks,
#                   damaged files ...; docs/RELIABILITY.md), non-zero if any fails
#   make fuzz       the fuzz targets (tools/fuzz/) built with clang's libFuzzer in
#                   build-fuzz, each run FUZZ_SECONDS (60) from its seed corpus;
#                   non-zero on any crash (not part of CI: too long)
#   make install    PREFIX=/usr/local DESTDIR= : headers, libraries, snex.pc, docs and
#                   the examples' sources (share/doc/snex)
#   make uninstall  the same PREFIX and DESTDIR: removes what install put there

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
SANITIZE ?=

# The version lives in include/snex/version.h; the shared library's SONAME carries
# its major number: libsnex.so -> libsnex.so.0 -> libsnex.so.0.1.0.
VERSION := $(shell sed -n 's/^\#define SNX_VERSION_STRING "\(.*\)"/\1/p' include/snex/version.h)
SONAME := libsnex.so.$(firstword $(subst ., ,$(VERSION)))
LIBDIR = $(PREFIX)/lib
MODULES := core sim network explore storage

CC ?= cc
# Parallel jobs for the builds the top-level targets start themselves.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Quiet by default: "  CC file" per step; V=1 shows the commands.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @echo "  $(1) $@"
endif

PKGS := hdf5 gsl
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# MPI sweeps: explore/env_mpi*.c under SNX_HAVE_MPI. Without Open MPI nothing of it
# is built and nothing new is needed; with it, every program linked with libsnex
# also links libmpi (snex.pc says so: Requires.private ompi-c).
MPI ?= $(shell pkg-config --exists ompi-c 2>/dev/null && echo 1 || echo 0)
ifeq ($(MPI),1)
MPI_CFLAGS := $(shell pkg-config --cflags ompi-c) -DSNX_HAVE_MPI
MPI_LIBS := $(shell pkg-config --libs ompi-c)
PC_REQUIRES := hdf5 gsl ompi-c
else
PC_REQUIRES := hdf5 gsl
endif
PLOT_CFLAGS = $(shell pkg-config --cflags plplot 2>/dev/null)
PLOT_LIBS = $(shell pkg-config --libs plplot 2>/dev/null)

CFLAGS ?= -O2 -g
CFLAGS += $(if $(VM_ISAS),-DSIM_VM_MULTI_ISA)
CFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -fPIC -fopenmp \
          -Iinclude $(PKG_CFLAGS) $(MPI_CFLAGS) -DSNX_VERSION=\"$(VERSION)\"
LDLIBS += $(PKG_LIBS) $(MPI_LIBS) -lm -fopenmp
ifeq ($(SANITIZE),1)
CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
# make fuzz's build (with CC=clang): coverage for libFuzzer, ASan and UBSan. The
# instrumentation keeps clang from vectorising `omp simd` loops, which it reports.
ifeq ($(SANITIZE),fuzz)
CFLAGS += -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
          -fno-sanitize-recover=all -Wno-pass-failed
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC := $(foreach m,$(MODULES),$(wildcard $(m)/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
# The engine's inner loops (sim/vm.c, sim/kernels.c) once more for each wider
# instruction set on x86-64 with GCC (which can ask the CPU for an ISA level);
# program.c picks one set at start-up (docs/PERFORMANCE.md, "Instruction sets").
VM_ISAS := $(if $(and $(findstring x86_64,$(shell $(CC) -dumpmachine 2>/dev/null)),\
             $(filter 0,$(shell $(CC) --version 2>/dev/null | grep -c clang))),avx2 avx512)
VM_FLAGS_avx2 := -march=x86-64-v3
VM_FLAGS_avx512 := -march=x86-64-v4 -mprefer-vector-width=512
VM_SRC := vm kernels
LIB_OBJ += $(foreach s,$(VM_SRC),$(VM_ISAS:%=$(BUILD)/obj/sim/$(s)_%.o))
LIB_A := $(BUILD)/libsnex.a
LIB_SO := $(BUILD)/libsnex.so
LIB_SO_FILE := $(BUILD)/libsnex.so.$(VERSION)

TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard bench/bench_*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
BASICS_SRC := $(wildcard examples/basics/*.c)
BASICS_BIN := $(BASICS_SRC:examples/basics/%.c=$(BUILD)/examples/basics/%)
PLOT_SRC := $(wildcard examples/*/plot*.c)
PLOT_BIN := $(PLOT_SRC:%.c=$(BUILD)/%)
example_src = $(filter-out $(PLOT_SRC),$(wildcard examples/$(1)/*.c))
EXAMPLE_DIRS := $(filter-out basics,$(notdir $(patsubst %/,%,$(wildcard examples/*/))))
# A folder holding only plot programs has no program of its own.
EXAMPLE_BIN := $(foreach d,$(EXAMPLE_DIRS),$(if $(call example_src,$(d)),$(BUILD)/examples/$(d)/$(d)))

.PHONY: all deps test asan valgrind run bench bench-compare install uninstall clean check-tests check-layers faults \
        fuzz fuzz-build
all: $(LIB_A) $(LIB_SO) $(TEST_BIN) $(BENCH_BIN) $(BASICS_BIN) $(EXAMPLE_BIN) $(PLOT_BIN)

deps:
	@tools/install-deps.sh

# Library objects export only what include/ marks SNX_API (snex/api.h); the flags
# are a prerequisite, so a change of them rebuilds the library.
$(BUILD)/obj/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(call say,CC)
	$(Q)$(CC) $(CFLAGS) -fvisibility=hidden -MMD -MP -c $< -o $@

# Static patterns: only these targets (a general vm_% would also "make" vm_x.d.o).
define isa_copy
$(VM_ISAS:%=$(BUILD)/obj/sim/$(1)_%.o): $(BUILD)/obj/sim/$(1)_%.o: sim/$(1).c Makefile
	@mkdir -p $$(dir $$@)
	$$(call say,CC)
	$$(Q)$$(CC) $$(CFLAGS) $$(VM_FLAGS_$$*) -DSIM_VM_ISA=$$* -fvisibility=hidden -MMD -MP -c $$< -o $$@
endef
$(foreach s,$(VM_SRC),$(eval $(call isa_copy,$(s))))

# One prelinked object: a program that uses any of libsnex.a gets all of it, as with
# libsnex.so, so that storage/'s registration of the default backend (a
# constructor, storage/hdf5_env.c) is always there.
$(LIB_A): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR)
	$(Q)$(CC) -r -nostdlib -o $(BUILD)/obj/libsnex.o $^
	$(Q)rm -f $@ && ar rcs $@ $(BUILD)/obj/libsnex.o

$(LIB_SO_FILE): $(LIB_OBJ)
	$(call say,LD)
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The links as installed, so that programs built in the tree find the library by its
# SONAME too.
$(LIB_SO): $(LIB_SO_FILE)
	$(Q)ln -sf $(notdir $<) $(BUILD)/$(SONAME)
	$(Q)ln -sf $(SONAME) $@

# Programs of one source file: -MMD writes <program>.d (included at the end), so that
# editing a header they include (tests/*_test.h ...) rebuilds them.
$(BUILD)/tests/%: tests/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(call say,LINK)
	$(Q)$(CC) $(CFLAGS) -Itests -MMD -MP $(LDFLAGS) -o $@ $< $(LIB_A) -lcmocka $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(call say,LINK)
	$(Q)$(CC) $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(filter %.o,$^) $(LIB_A) $(LDLIBS)

# bench_neuron_update's hand-written loop, with the library's flags and with the best
# this machine's compiler does (the issue's two yardsticks).
$(BUILD)/bench/bench_neuron_update: $(BUILD)/bench/neuron_loop_default.o \
                                    $(BUILD)/bench/neuron_loop_native.o
$(BUILD)/bench/neuron_loop_default.o: bench/neuron_loop.c bench/neuron_loop.h Makefile
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -DNEURON_LOOP=neuron_loop_default -c $< -o $@
$(BUILD)/bench/neuron_loop_native.o: bench/neuron_loop.c bench/neuron_loop.h Makefile
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -O3 -march=native -DNEURON_LOOP=neuron_loop_native -c $< -o $@

$(BUILD)/examples/basics/%: examples/basics/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(call say,LINK)
	$(Q)$(CC) $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

$(PLOT_BIN): $(BUILD)/%: %.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(call say,LINK)
	$(Q)$(CC) $(CFLAGS) $(PLOT_CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(LIB_A) $(PLOT_LIBS) $(LDLIBS)

# A program of several files: gcc's -MMD would keep only the last file's list, so the
# folder's own headers are prerequisites instead (public headers come with $(LIB_A)).
# A static pattern rule: it must not also claim the .d files above.
.SECONDEXPANSION:
$(EXAMPLE_BIN): $(BUILD)/examples/%: $$(call example_src,$$(firstword $$(subst /, ,$$*))) \
                     $$(wildcard examples/$$(firstword $$(subst /, ,$$*))/*.h) $(LIB_A)
	@mkdir -p $(dir $@)
	$(call say,LINK)
	$(Q)$(CC) $(CFLAGS) $(PLOT_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(LIB_A) $(PLOT_LIBS) $(LDLIBS)
# cuba shares coba's network (examples/coba/vogels_abbott.h).
$(BUILD)/examples/cuba/cuba: examples/coba/vogels_abbott.h

# The snex command (tools/snex/, one program; its plots use PLplot like plotff's).
SNEX_TOOL := $(BUILD)/tools/snex
all: $(SNEX_TOOL)
$(SNEX_TOOL): $(wildcard tools/snex/*.c tools/snex/*.h) examples/clusternet/pngplot.h $(LIB_A)
	@mkdir -p $(dir $@)
	$(call say,LINK)
	$(Q)$(CC) $(CFLAGS) $(PLOT_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(LIB_A) $(PLOT_LIBS) $(LDLIBS)

# The sweep tools/faults/runs.sh and tests/test_env_mpi.py break in every way they can.
RUNS_SWEEP := $(BUILD)/tools/runs_sweep
all: $(RUNS_SWEEP)
$(RUNS_SWEEP): tools/faults/runs_sweep.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(call say,LINK)
	$(Q)$(CC) $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

install: install-snex
.PHONY: install-snex
install-snex: $(SNEX_TOOL)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(SNEX_TOOL) $(DESTDIR)$(PREFIX)/bin/snex
	install -m 644 tools/snex.1 $(DESTDIR)$(PREFIX)/share/man/man1/snex.1

check-tests: all check-layers
	@tools/run-tests.sh $(BUILD) $(TEST_WRAPPER)

# make check-layers: a module's tests link against that module and the ones below it
# only (ARCHITECTURE.md, "Dependency direction"): core's against core, sim's against
# core + sim (with GSL), explore's (test_traj_*, test_env_*: none needs storage)
# against core + explore, without libhdf5 or GSL. A call the wrong way fails the
# link; a module source that includes a header of a module above it fails the grep.
# The programs are only linked; check-tests runs the full ones.
layer_obj = $(foreach m,$(1),$(filter $(BUILD)/obj/$(m)/%,$(LIB_OBJ)))
LAYER_BIN := $(BUILD)/layers/core/test_core \
  $(patsubst tests/%.c,$(BUILD)/layers/sim/%,$(wildcard tests/test_sim_*.c)) \
  $(patsubst tests/%.c,$(BUILD)/layers/explore/%,$(wildcard tests/test_traj_*.c tests/test_env_*.c))
LAYER_LINK = @mkdir -p $(dir $@) && $(if $(Q),echo "  LINK $@" &&) $(CC) $(CFLAGS) -Itests -MMD -MP $(LDFLAGS) -o $@ $(filter %.c %.o,$^) -lcmocka

$(BUILD)/layers/core/%: tests/%.c $(call layer_obj,core)
	$(LAYER_LINK) -lm
$(BUILD)/layers/sim/%: tests/%.c $(call layer_obj,core sim)
	$(LAYER_LINK) $(shell pkg-config --libs gsl 2>/dev/null) -lm -fopenmp
$(BUILD)/layers/explore/%: tests/%.c $(call layer_obj,core explore)
	$(LAYER_LINK) -lm -fopenmp $(MPI_LIBS)

check-layers: $(LAYER_BIN)
	@! grep -nE '#include [<"](snex\.h|snex/(traj|env|service|storage|network)\.h|hdf5\.h)' \
	  core/*.[ch] sim/*.[ch] || { echo "check-layers: core/ or sim/ includes a header of explore/, storage/ or network/"; exit 1; }
	@! grep -nE '#include [<"](snex\.h|snex/(sim|storage|network)\.h|hdf5\.h)' \
	  explore/*.[ch] || { echo "check-layers: explore/ includes a header of sim/, storage/ or network/"; exit 1; }
	@echo "ok   check-layers ($(words $(LAYER_BIN)) test programs linked against their layers only)"

test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all check-layers
	@$(MAKE) --no-print-directory check-tests

asan: deps
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build-asan SANITIZE=1 all check-layers
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=1 check-tests

valgrind: deps
	@$(MAKE) --no-print-directory BUILD=build-valgrind \
	  TEST_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect" \
	  check-tests

run: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/examples/clusternet/clusternet \
	  $(BUILD)/examples/clusternet/plotff
	@tools/run-main-example.sh $(BUILD)

bench: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@for b in $(BENCH_BIN); do $$b || exit 1; done

# The same networks (COBA, CUBA, the clustered network at scale 0.5 and 1.0) in snex
# and in Brian2 (numpy and cpp_standalone), loop times and their ratios
# (bench/compare_brian2.py; docs/PERFORMANCE.md). Not part of bench or CI: Brian2
# compiles for minutes.
bench-compare: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/examples/coba/coba \
	  $(BUILD)/examples/cuba/cuba $(BUILD)/examples/clusternet/clusternet
	@/usr/bin/python3 bench/compare_brian2.py --build $(BUILD)

# Every script runs, even after one failed; each says what it checks and exits non-zero
# on a failure.
faults: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@failed=""; for f in tools/faults/*.sh; do \
	  echo "== $$f"; BUILD=$(BUILD) sh $$f || failed="$$failed $$f"; \
	done; \
	if [ -n "$$failed" ]; then echo "make faults: failed:$$failed"; exit 1; fi

# The fuzz targets (tools/fuzz/fuzz_*.c, libFuzzer's main) and the seed writer
# (tools/fuzz/seeds.c, its own main), built by clang in build-fuzz; tools/fuzz/run.sh
# runs each target (docs/RELIABILITY.md, "Fuzzing"). make faults replays the seed
# corpora without clang (tools/faults/fuzz_seeds.sh, with tools/fuzz/replay.c).
FUZZ_SECONDS ?= 60
FUZZ_BIN := $(patsubst tools/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tools/fuzz/fuzz_*.c tools/fuzz/seeds.c))
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang SANITIZE=fuzz fuzz-build
	@tools/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)
fuzz-build: $(FUZZ_BIN)
$(BUILD)/fuzz/%: tools/fuzz/%.c tools/fuzz/fuzz.h $(LIB_A)
	@mkdir -p $(dir $@)
	$(call say,LINK)
	$(Q)$(CC) $(CFLAGS) $(if $(filter fuzz_%,$*),-fsanitize=fuzzer) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

# snex.pc gives programs an rpath to the library's folder, except for the system
# prefix /usr: ld.so finds libraries elsewhere (/usr/local/lib included) only through
# its cache, which install does not update, or LD_LIBRARY_PATH.
PC_RPATH = $(if $(filter /usr /usr/,$(PREFIX)),,-Wl$(,)-rpath$(,)$${libdir})
, := ,
# The docs, and the examples' sources to read and copy (share/doc/snex/examples).
DOCDIR = $(PREFIX)/share/doc/snex
DOC_FILES := README.md $(wildcard docs/*.md docs/*.png)
EXAMPLE_FILES := $(wildcard $(addprefix examples/*/*.,c h py md))
install: $(LIB_A) $(LIB_SO)
	install -d $(DESTDIR)$(PREFIX)/include/snex $(DESTDIR)$(LIBDIR)/pkgconfig
	install -m 644 include/snex.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 include/snex/*.h $(DESTDIR)$(PREFIX)/include/snex/
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIB_SO_FILE) $(DESTDIR)$(LIBDIR)/
	ln -sf libsnex.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libsnex.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    -e 's|@RPATH@|$(PC_RPATH)|g' -e 's|@REQUIRES@|$(PC_REQUIRES)|g' tools/snex.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/snex.pc
	install -d $(DESTDIR)$(DOCDIR) $(addprefix $(DESTDIR)$(DOCDIR)/,$(sort $(dir $(EXAMPLE_FILES))))
	install -m 644 $(DOC_FILES) $(DESTDIR)$(DOCDIR)/
	$(foreach d,$(sort $(dir $(EXAMPLE_FILES))),\
	  install -m 644 $(filter $(d)%,$(EXAMPLE_FILES)) $(DESTDIR)$(DOCDIR)/$(d) &&) true

# Everything install put there (the snex command and its man page included); the
# folders only when nothing else is left in them.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/include/snex.h $(addprefix $(DESTDIR)$(PREFIX)/include/snex/,\
	  $(notdir $(wildcard include/snex/*.h)))
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,libsnex.a libsnex.so $(SONAME) \
	  libsnex.so.$(VERSION) pkgconfig/snex.pc)
	rm -f $(DESTDIR)$(PREFIX)/bin/snex $(DESTDIR)$(PREFIX)/share/man/man1/snex.1
	rm -rf $(DESTDIR)$(DOCDIR)
	-rmdir $(DESTDIR)$(PREFIX)/include/snex 2>/dev/null

clean:
	rm -rf build build-asan build-valgrind build-fuzz

-include $(LIB_OBJ:.o=.d) $(addsuffix .d,$(TEST_BIN) $(BENCH_BIN) $(BASICS_BIN) $(PLOT_BIN) $(LAYER_BIN) $(RUNS_SWEEP))
