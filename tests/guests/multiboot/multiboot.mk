# 32-bit multiboot test guests (tests/guests/multiboot), included from
# tests/guests/guests.mk:
#
#   $(BUILD)/guests/multiboot.elf        ELF32 i386 kernel, header without address fields
#   $(BUILD)/guests/multiboot-aout.bin   the same code flattened, loaded by the a.out
#                                        kludge (header flags bit 16)
#
# plus, for the integration rows (built by the top-level `tools` target):
#
#   $(BUILD)/testdata/mb-mod{1,2}.bin    the modules the guests check
#   $(BUILD)/testdata/mb-*.bin|elf       broken kernels for the bad-input rows
#
# Every image links the same code (mbtest.c, runtime.c, lib/string.c) with its own build
# of entry.S, whose -D options (MB_ENTRY_DEFS_<variant>) shape the header.

MB_DIR     := tests/guests/multiboot
MB_OUT     := $(BUILD)/guests/multiboot
MB_CFLAGS  := -m32 -march=i686 -std=gnu11 -ffreestanding -fno-pic -fno-pie -mgeneral-regs-only \
	      -O2 -g -fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables \
	      -fno-jump-tables -fno-tree-loop-distribute-patterns -I. -I$(MB_DIR) \
	      -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -MMD -MP
MB_LDFLAGS := -m32 $(GUEST_LDFLAGS) -Wl,-T,$(MB_DIR)/mb.ld
MB_OBJS    := $(MB_OUT)/runtime.o $(MB_OUT)/mbtest.o $(MB_OUT)/string.o

# Header variants (flags: bit 0 page-aligned modules, bit 1 memory info, bit 16 a.out kludge).
MB_ENTRY_DEFS_elf      :=
MB_ENTRY_DEFS_aout     := -DMB_FLAGS=0x10003
MB_ENTRY_DEFS_badsum   := -DMB_FLAGS=0x10003 -DMB_CHECKSUM_BIAS=1
MB_ENTRY_DEFS_badflag  := -DMB_FLAGS=0x23
MB_ENTRY_DEFS_aoutfile := -DMB_FLAGS=0x10003 '-DMB_LOAD_END=(__mb_data_end + 0x10000)'
MB_ENTRY_DEFS_aoutram  := -DMB_FLAGS=0x10003 -DMB_BSS_END=0xf0000000
MB_VARIANTS := elf aout badsum badflag aoutfile aoutram

# What the integration rows read; mb-mod*.bin hold one line repeated (mbtest.c knows which).
MB_TESTDATA := $(BUILD)/testdata/mb-mod1.bin $(BUILD)/testdata/mb-mod2.bin \
	       $(BUILD)/testdata/mb-badsum.bin $(BUILD)/testdata/mb-badflag.elf \
	       $(BUILD)/testdata/mb-aout-outside-file.bin $(BUILD)/testdata/mb-aout-outside-ram.bin

.PHONY: multiboot-guests
multiboot-guests: $(BUILD)/guests/multiboot.elf $(BUILD)/guests/multiboot-aout.bin
guests: multiboot-guests

.SECONDARY: $(MB_OBJS) $(MB_VARIANTS:%=$(MB_OUT)/entry-%.o) $(MB_VARIANTS:%=$(MB_OUT)/mb-%.elf)

# Static pattern rules only: a plain $(MB_OUT)/entry-%.o rule would also
# "make" the .d files that the top-level Makefile includes.
$(filter-out $(MB_OUT)/string.o,$(MB_OBJS)): $(MB_OUT)/%.o: $(MB_DIR)/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(MB_CFLAGS) -c $< -o $@

# The string functions are the 64-bit guests' own (tests/guests/lib/string.c).
$(MB_OUT)/string.o: tests/guests/lib/string.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(MB_CFLAGS) -c $< -o $@

$(MB_VARIANTS:%=$(MB_OUT)/entry-%.o): $(MB_OUT)/entry-%.o: $(MB_DIR)/entry.S $(MB_DIR)/multiboot.mk
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(MB_CFLAGS) $(MB_ENTRY_DEFS_$*) -c $< -o $@

$(MB_VARIANTS:%=$(MB_OUT)/mb-%.elf): $(MB_OUT)/mb-%.elf: $(MB_OUT)/entry-%.o $(MB_OBJS) \
					       $(MB_DIR)/mb.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(MB_LDFLAGS) -o $@ $< $(MB_OBJS)

$(BUILD)/guests/multiboot.elf: $(MB_OUT)/mb-elf.elf
	$(Q)cp $< $@

# objcopy -O binary writes [__mb_start, __mb_data_end): what load_addr..load_end_addr say.
$(BUILD)/guests/multiboot-aout.bin: $(MB_OUT)/mb-aout.elf
	@echo "  OBJCOPY $@"
	$(Q)objcopy -O binary $< $@

$(BUILD)/testdata/mb-badsum.bin: $(MB_OUT)/mb-badsum.elf
	@mkdir -p $(@D)
	$(Q)objcopy -O binary $< $@

$(BUILD)/testdata/mb-badflag.elf: $(MB_OUT)/mb-badflag.elf
	@mkdir -p $(@D)
	$(Q)cp $< $@

$(BUILD)/testdata/mb-aout-outside-file.bin: $(MB_OUT)/mb-aoutfile.elf
	@mkdir -p $(@D)
	$(Q)objcopy -O binary $< $@

$(BUILD)/testdata/mb-aout-outside-ram.bin: $(MB_OUT)/mb-aoutram.elf
	@mkdir -p $(@D)
	$(Q)objcopy -O binary $< $@

$(BUILD)/testdata/mb-mod1.bin: $(MB_DIR)/multiboot.mk
	@mkdir -p $(@D)
	$(Q)printf 'multiboot module one\n%.0s' $$(seq 1 250) > $@

$(BUILD)/testdata/mb-mod2.bin: $(MB_DIR)/multiboot.mk
	@mkdir -p $(@D)
	$(Q)printf 'module two\n%.0s' $$(seq 1 100) > $@
