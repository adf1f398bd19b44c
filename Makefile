# tracevm: `make` builds build/tracevm, `make test` installs what is missing
# and runs every test, `make bench` runs the benchmarks.
CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
B       := build
CFLAGS  ?= -O2 -g
# what our code always needs, whatever CFLAGS the caller sets
TV_CFLAGS := $(CFLAGS) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -I. -I$(B) -MMD -MP
# libbpf, libdw, libelf and their compressors linked statically: nothing to
# install at run time, and a faster exec (no relocation of shared libraries).
# libdw.a reads compressed sections through zlib, liblzma and libbz2.
STATIC_LIBS := -lbpf -ldw -lelf -lz -llzma -lbz2 -lffi
LDLIBS  := -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic
# build/tracevm itself is fully static: no ld.so, no libc.so to map and
# relocate, ~25 fewer page faults at exec (~1 ms on a virtual machine).
TV_STATIC ?= -static
TV_LDLIBS := $(if $(TV_STATIC),$(STATIC_LIBS),$(LDLIBS))

DEB_BUILD := gcc make clang llvm libclang-rt-dev bpftool libbpf-dev libelf-dev libdw-dev liblzma-dev libbz2-dev libffi-dev procps \
             uthash-dev zlib1g-dev pkg-config libcmocka-dev strace
DEB_BENCH := hyperfine

MODULES := bytecode assembler vm kernel-side host-helpers frontend
LIB_SRC := $(foreach m,$(MODULES),$(wildcard $(m)/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard cli/*.c))
UNIT    := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))
HELPERS := $(patsubst tests/helpers/%.c,$(B)/tests/%,$(wildcard tests/helpers/*.c)) \
	   $(B)/tests/uprobe_target_nopie $(B)/tests/dwarf_target_nodebug

all: $(B)/tracevm

# A fresh machine gets its packages before the first compile; the stamp keeps
# later builds from asking dpkg again.
$(B)/.deps-ok: Makefile
	@$(MAKE) --no-print-directory deps
	@mkdir -p $(B) && touch $@

# ---- the one BPF object, embedded through a bpftool skeleton -------------
$(B)/vmlinux.h: | $(B)/.deps-ok
	@mkdir -p $(B)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(B)/tv.bpf.o: kernel-side/bpf/tv.bpf.c $(wildcard kernel-side/bpf/*.h) bytecode/bytecode.h bytecode/*.def $(B)/vmlinux.h
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -I. -I$(B) -Wall -Werror -c $< -o $@

$(B)/tv.skel.h: $(B)/tv.bpf.o
	$(BPFTOOL) gen skeleton $< name tv_bpf > $@.tmp && mv $@.tmp $@

# The pin directory is named after this hash of the object: a new build
# never reuses an older build's pins.
$(B)/tv_abi.h: $(B)/tv.bpf.o
	echo "#define TV_BPF_HASH \"$$(sha256sum $< | cut -c1-16)\"" > $@

# What each pin must be (map shapes, program types), read from the object:
# a warm start reuses only pins that match.
$(B)/gen/pin_expect: kernel-side/gen/pin_expect.c | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(TV_CFLAGS) -o $@ $< $(LDLIBS)

$(B)/tv_pins.h: $(B)/tv.bpf.o $(B)/gen/pin_expect
	$(B)/gen/pin_expect $< > $@.tmp && mv $@.tmp $@

$(B)/kernel-side/%.o: kernel-side/%.c $(B)/tv.skel.h $(B)/tv_abi.h $(B)/tv_pins.h
	@mkdir -p $(dir $@)
	$(CC) $(TV_CFLAGS) -c $< -o $@

$(B)/%.o: %.c | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(TV_CFLAGS) -c $< -o $@

$(B)/libtracevm.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^ # no member of a source since removed

$(B)/tracevm: $(CLI_OBJ) $(B)/libtracevm.a
	$(CC) $(TV_CFLAGS) $(TV_STATIC) -o $@ $^ $(TV_LDLIBS)

# ---- tests -------------------------------------------------------------------
$(B)/tests/test_%: tests/unit/test_%.c $(B)/libtracevm.a
	@mkdir -p $(dir $@)
	$(CC) $(TV_CFLAGS) -o $@ $< $(B)/libtracevm.a $(LDLIBS) -lcmocka

# One binary runs every conformance group (a file each): the coverage check
# after them sees what all of them ran.
CONF_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard tests/unit/conformance_*.c))
$(CONF_OBJ): $(B)/libtracevm.a
$(B)/tests/test_conformance: tests/unit/test_conformance.c $(CONF_OBJ) $(B)/libtracevm.a
	@mkdir -p $(dir $@)
	$(CC) $(TV_CFLAGS) -o $@ $< $(CONF_OBJ) $(B)/libtracevm.a $(LDLIBS) -lcmocka

$(B)/tests/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) -O0 -g -fno-omit-frame-pointer -Wall -Werror -o $@ $<

# the same target at fixed addresses, for uaddr() in a binary that is not PIE
$(B)/tests/uprobe_target_nopie: tests/helpers/uprobe_target.c
	@mkdir -p $(dir $@)
	$(CC) -O0 -g -fno-omit-frame-pointer -Wall -Werror -no-pie -o $@ $<

# the DWARF reader's target once more without debug info (its error)
$(B)/tests/dwarf_target_nodebug: tests/helpers/dwarf_target.c
	@mkdir -p $(dir $@)
	$(CC) -O0 -g0 -Wall -Werror -o $@ $<

# test_dwarf reads these beside it
$(B)/tests/test_dwarf: $(B)/tests/dwarf_target $(B)/tests/dwarf_target_nodebug

test: deps all $(UNIT) $(HELPERS) $(B)/fuzz/fuzz_frontend
	@FUZZ_SECONDS=10 tests/run.sh $(B)

# ---- the frontend under libFuzzer (with ASan and UBSan) ---------------------
FUZZ_SECONDS ?= 300
$(B)/fuzz/fuzz_frontend: tests/fuzz/fuzz_frontend.c $(wildcard frontend/*.c bytecode/*.c frontend/*.h frontend/*.def bytecode/*.h bytecode/*.def)
	@mkdir -p $(dir $@)
	$(CLANG) -g -O1 -std=gnu11 -D_GNU_SOURCE -I. -I$(B) -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=undefined -o $@ $< $(wildcard frontend/*.c bytecode/*.c) $(LDLIBS)

fuzz: $(B)/fuzz/fuzz_frontend
	@mkdir -p $(B)/fuzz/corpus
	$< -max_total_time=$(FUZZ_SECONDS) -timeout=10 -artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus tests/fuzz/corpus

deps:
	@missing=$$(for p in $(DEB_BUILD); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else echo "run as root, or: sudo apt-get install $$missing"; exit 1; fi; \
	fi

# ---- benchmarks ----------------------------------------------------------------
BENCH_BIN := $(B)/bench/attach_latency $(B)/bench/notify_now $(B)/bench/getppid_loop \
             $(B)/bench/native_attach $(B)/bench/native.bpf.o $(B)/bench/verify_cost

$(B)/bench/native.bpf.o: bench/native.bpf.c $(B)/vmlinux.h
	@mkdir -p $(dir $@)
	$(CLANG) -g -O2 -target bpf -I$(B) -c $< -o $@

$(B)/bench/native_attach $(B)/bench/verify_cost: $(B)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TV_CFLAGS) -o $@ $< $(LDLIBS)

$(B)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TV_CFLAGS) -o $@ $<

bench: deps all $(BENCH_BIN)
	@missing=$$(for p in $(DEB_BENCH); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	[ -z "$$missing" ] || { apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; }
	@bench/run.sh $(B)

format:
	clang-format -i $(LIB_SRC) $(wildcard cli/*.[ch] tests/unit/*.[ch] tests/helpers/*.c $(MODULES:%=%/*.h) kernel-side/bpf/*)

clean:
	rm -rf $(B)

# The unit tests once more under AddressSanitizer and UBSan, in their own tree.
asan:
	$(MAKE) B=build-asan TV_STATIC= CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
	  LDLIBS="-fsanitize=address,undefined $(LDLIBS)" build-asan/tracevm $(UNIT:$(B)/%=build-asan/%)
	@for t in $(UNIT:$(B)/%=build-asan/%); do UBSAN_OPTIONS=halt_on_error=1 $$t || exit 1; done

.PHONY: all test deps bench format clean asan fuzz
.SECONDARY:
-include $(shell find $(B) -name '*.d' 2>/dev/null)
