# Integration tests: a cmocka runner that boots each guest in a fresh vtlvm.
INTEG_SRCS := $(wildcard tests/integ/*.c)

$(BUILD)/integ/run_guest: $(INTEG_SRCS) tests/integ/integ.h
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) -Wno-missing-prototypes -o $@ $(INTEG_SRCS) -lcmocka -lutil

# Every case twice: the release build, then the ASan + UBSan build.
check-integ: $(BUILD)/integ/run_guest $(BUILD)/vtlvm $(BUILD)/san/vtlvm guests tools
	$(BUILD)/integ/run_guest $(BUILD)
	VTLVM_BIN=$(BUILD)/san/vtlvm $(BUILD)/integ/run_guest $(BUILD)
