# Freestanding test guests: tests/guests/<name>.c -> build/guests/<name>.elf,
# each linked with the guest library (tests/guests/lib) at 1 MiB.

GUEST_CFLAGS := -std=gnu11 -ffreestanding -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only \
		-O2 -g -fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables \
		-fno-jump-tables -I. -Itests/guests/lib -Wall -Wextra -Werror -Wshadow \
		-Wstrict-prototypes -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
		 -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

GUEST_LIB_SRCS := $(filter-out tests/guests/lib/entry.S,$(wildcard tests/guests/lib/*.c tests/guests/lib/*.S))
GUEST_LIB_OBJS := $(patsubst tests/guests/lib/%,$(BUILD)/guests/lib/%.o,$(GUEST_LIB_SRCS))
GUEST_ENTRY    := $(BUILD)/guests/lib/entry.S.o
GUEST_LIB      := $(BUILD)/guests/libguest.a
GUEST_ELFS     := $(patsubst tests/guests/%.c,$(BUILD)/guests/%.elf,$(wildcard tests/guests/*.c))

.PHONY: guests
guests: $(GUEST_ELFS)

$(BUILD)/guests/lib/%.c.o: tests/guests/lib/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guests/lib/%.S.o: tests/guests/lib/%.S
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_LIB): $(GUEST_LIB_OBJS)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

$(BUILD)/guests/%.o: tests/guests/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guests/%.elf: $(BUILD)/guests/%.o $(GUEST_ENTRY) $(GUEST_LIB) tests/guests/lib/guest.ld
	@echo "  CC      $@"
	$(Q)$(CC) $(GUEST_LDFLAGS) -Wl,-T,tests/guests/lib/guest.ld -o $@ $(GUEST_ENTRY) $< $(GUEST_LIB)

# VTL1 programs: tests/guests/vtl1/<name>.c -> build/guests/vtl1/<name>.elf, the same
# library linked at 16 MiB (lib/vtl1.ld), for a VTL0 guest to start in VTL1.
VTL1_ELFS := $(patsubst tests/guests/vtl1/%.c,$(BUILD)/guests/vtl1/%.elf,$(wildcard tests/guests/vtl1/*.c))
guests: $(VTL1_ELFS)

$(BUILD)/guests/vtl1/%.o: tests/guests/vtl1/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guests/vtl1/%.elf: $(BUILD)/guests/vtl1/%.o $(GUEST_ENTRY) $(GUEST_LIB) tests/guests/lib/vtl1.ld
	@echo "  CC      $@"
	$(Q)$(CC) $(GUEST_LDFLAGS) -Wl,-T,tests/guests/lib/vtl1.ld -o $@ $(GUEST_ENTRY) $< $(GUEST_LIB)
include tests/guests/bzimage/bzimage.mk
include tests/guests/multiboot/multiboot.mk
