# Integration tests: a cmocka runner that boots each guest in a fresh vtlvm.
INTEG_SRCS := $(wildcard tests/integ/*.c)

$(BUILD)/integ/run_guest: $(INTEG_SRCS) tests/integ/integ.h
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) -Wno-missing-prototypes -o $@ $(INTEG_SRCS) -lcmocka -lutil

check-integ: $(BUILD)/integ/run_guest $(BUILD)/vtlvm guests tools
	$(BUILD)/integ/run_guest $(BUILD)
