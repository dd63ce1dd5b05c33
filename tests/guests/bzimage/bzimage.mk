# The bzImage test guest (tests/guests/bzimage): a protected-mode kernel
# linked at 1 MiB (head.S, bzimage.c and the guest library), wrapped by the
# host tool mkbzimage into a bzImage with a real setup header whose syssize
# and init_size come from the ELF; its initrd (mkinitrd); and the broken
# bzImages of the bad-input tests.

BZT_DIR   := tests/guests/bzimage
BZT_OUT   := $(BUILD)/guests/bzimage
BZT_TOOLS := $(BUILD)/tools/mkbzimage $(BUILD)/tools/mkinitrd
BZT_OBJS  := $(BZT_OUT)/head.S.o $(BZT_OUT)/bzimage.o
BZT_BAD   := $(addprefix $(BUILD)/testdata/bzimage-,truncated proto-2.11 no-kernel64 \
	     init-size-16M)

guests: $(BZT_OUT)/bzImage $(BZT_OUT)/initrd.img
tools: $(BZT_BAD)

$(BZT_TOOLS): $(BUILD)/tools/%: $(BZT_DIR)/%.c $(BZT_DIR)/bzimage_test.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $<

$(BZT_OUT)/head.S.o: $(BZT_DIR)/head.S
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BZT_OUT)/kernel.elf: $(BZT_OBJS) $(GUEST_ENTRY) $(GUEST_LIB) $(BZT_DIR)/bzimage.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(GUEST_LDFLAGS) -Wl,-T,$(BZT_DIR)/bzimage.ld -o $@ $(BZT_OBJS) \
		$(GUEST_ENTRY) $(GUEST_LIB)

$(BZT_OUT)/bzImage: $(BZT_OUT)/kernel.elf $(BUILD)/tools/mkbzimage
	@echo "  BZIMAGE $@"
	$(Q)$(BUILD)/tools/mkbzimage $< $@

$(BZT_OUT)/initrd.img: $(BUILD)/tools/mkinitrd
	@echo "  GEN     $@"
	$(Q)$< $@

# ---- broken bzImages: each must be refused with one line naming the file ----
$(BUILD)/testdata/bzimage-truncated: $(BZT_OUT)/bzImage
	@mkdir -p $(@D)
	$(Q)head -c $$(( $$(stat -c %s $<) / 2 )) $< > $@

$(BUILD)/testdata/bzimage-proto-2.11: $(BZT_OUT)/kernel.elf $(BUILD)/tools/mkbzimage
	@mkdir -p $(@D)
	$(Q)$(BUILD)/tools/mkbzimage --version 0x020b $< $@

$(BUILD)/testdata/bzimage-no-kernel64: $(BZT_OUT)/kernel.elf $(BUILD)/tools/mkbzimage
	@mkdir -p $(@D)
	$(Q)$(BUILD)/tools/mkbzimage --xloadflags 0 $< $@

$(BUILD)/testdata/bzimage-init-size-16M: $(BZT_OUT)/kernel.elf $(BUILD)/tools/mkbzimage
	@mkdir -p $(@D)
	$(Q)$(BUILD)/tools/mkbzimage --init-size 0x1000000 $< $@
