# vtlvm -- a userspace VMM on raw /dev/kvm with Hyper-V VSM. See README.md.
#
#   make            build build/vtlvm, the test guests and the tests
#   make run        install what is missing (Debian), build, boot configs/default.ini
#   make check      install test dependencies, build, run unit + guest tests
#   make bench      exit-cost benchmarks (bench NAME VALUE UNIT lines)
#   make check-hw   boot Debian's kernel (needs hardware virtualization)
#   make valgrind   unit tests under valgrind

BUILD   ?= build
V       ?= 0
Q       := $(if $(filter 1,$(V)),,@)
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

WARNINGS := -Wall -Wextra -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
	    -Wold-style-definition -Wredundant-decls -Wundef -Wwrite-strings -Wshadow -Werror
CFLAGS  ?= -O2 -g
HOST_CFLAGS := -std=gnu11 -D_GNU_SOURCE -I. $(WARNINGS) $(CFLAGS) -MMD -MP \
	       -DVTLVM_VERSION='"$(VERSION)"'
LDLIBS  := -lpthread -lcap-ng -lfdt -liniparser
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Debian packages: what building needs, and what the tests add.
DEPS_BUILD := gcc make libc6-dev linux-libc-dev libcap-ng-dev libfdt-dev libiniparser-dev
DEPS_TEST  := libcmocka-dev

VMM_SRCS  := $(wildcard vmm/*.c mem/*.c devices/*.c hv/*.c vtl/*.c)
CLI_SRCS  := $(filter-out cli/main.c,$(wildcard cli/*.c))
LIB_SRCS  := $(VMM_SRCS) $(CLI_SRCS)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
SAN_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/san/%.o)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%)

.PHONY: all run check check-unit check-integ bench check-hw valgrind valgrind-run deps deps-test clean
.DELETE_ON_ERROR:

all: $(BUILD)/vtlvm $(BUILD)/san/vtlvm guests tools $(UNIT_BINS) $(BUILD)/integ/run_guest

# ---- the VMM --------------------------------------------------------------
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/san/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/libvtlvm.a: $(LIB_OBJS)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

$(BUILD)/libvtlvm-san.a: $(SAN_OBJS)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

$(BUILD)/vtlvm: $(BUILD)/obj/cli/main.o $(BUILD)/libvtlvm.a
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# The same VMM built with ASan + UBSan: `make check` boots every guest with it too.
$(BUILD)/san/vtlvm: $(BUILD)/san/cli/main.o $(BUILD)/libvtlvm-san.a
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

# ---- unit tests (cmocka, ASan + UBSan) --------------------------------------
# A test that defines __wrap_foo, itself or in a tests/unit header it
# includes, gets -Wl,--wrap=foo (multipath's %.o.wrap idea).
unit_headers = $(addprefix tests/unit/,$(shell sed -n 's/^\#include "\([a-z_]*\.h\)"/\1/p' $(1)))
wraps = $(shell cat $(1) $(wildcard $(call unit_headers,$(1))) | grep -o '__wrap_[A-Za-z0-9_]*' | \
	  sort -u | sed 's/__wrap_/-Wl,--wrap=/')

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libvtlvm-san.a
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -Wno-missing-prototypes -o $@ $< \
		$(call wraps,$<) $(BUILD)/libvtlvm-san.a $(LDLIBS) -lcmocka

include tests/guests/guests.mk
include tests/integ/integ.mk
include tests/bench/bench.mk
include tests/hw/hw.mk

# ---- entry points -----------------------------------------------------------
deps:
	@tests/install-deps.sh $(DEPS_BUILD)

deps-test:
	@tests/install-deps.sh $(DEPS_BUILD) $(DEPS_TEST)

# The guest paths follow BUILD (default.ini names build/, for running it by hand).
run: deps
	@$(MAKE) --no-print-directory $(BUILD)/vtlvm guests
	$(BUILD)/vtlvm run --config configs/default.ini --kernel $(BUILD)/guests/demo.elf \
		--vtl1-kernel $(BUILD)/guests/vtl1/demo.elf

check: deps-test
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory check-unit check-integ

check-unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

valgrind: deps-test
	@tests/install-deps.sh valgrind
	@$(MAKE) --no-print-directory valgrind-run

valgrind-run: $(UNIT_BINS:$(BUILD)/unit/%=$(BUILD)/unit-vg/%)
	@set -e; for t in $^; do echo "== valgrind $$t"; \
		valgrind -q --error-exitcode=99 --leak-check=full $$t; done

$(BUILD)/unit-vg/%: tests/unit/%.c $(BUILD)/libvtlvm.a
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) -Wno-missing-prototypes -o $@ $< $(call wraps,$<) \
		$(BUILD)/libvtlvm.a $(LDLIBS) -lcmocka

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- test data: broken images for the bad-input tests ------------------------
.PHONY: tools
tools: $(BUILD)/testdata/truncated.elf $(BUILD)/testdata/garbage.bin $(BUILD)/testdata/big.elf \
	$(BUILD)/testdata/nul.ini $(BUILD)/testdata/high.elf \
       $(MB_TESTDATA)

$(BUILD)/testdata/truncated.elf: $(BUILD)/guests/hello.elf
	@mkdir -p $(@D)
	$(Q)head -c 300 $< > $@

$(BUILD)/testdata/garbage.bin:
	@mkdir -p $(@D)
	$(Q)printf 'this is not a kernel image\n%.0s' $$(seq 1 40) > $@

# An ELF whose image (with bss) needs more than 2 MiB of RAM.
$(BUILD)/testdata/big.elf: $(BUILD)/guests/hello.o $(GUEST_ENTRY) $(GUEST_LIB) tests/guests/lib/guest.ld
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(GUEST_LDFLAGS) -Wl,-T,tests/guests/lib/guest.ld -Wl,--defsym,__pad=0 \
		-o $@ $(GUEST_ENTRY) $< $(GUEST_LIB) -Wl,--section-start=.bss=0x300000

$(BUILD)/testdata/nul.ini:
	@mkdir -p $(@D)
	$(Q)printf '[vm\000]\n' > $@

# hello.elf moved to 4 GiB + 1 MiB (physical addresses only): an entry above the boot map.
$(BUILD)/testdata/high.elf: $(BUILD)/guests/hello.elf
	@mkdir -p $(@D)
	$(Q)objcopy --change-section-lma '*+0x100000000' $< $@ 2>/dev/null
