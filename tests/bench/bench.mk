# make bench: exit-cost benchmarks, each figure one "bench NAME VALUE UNIT" line.
BENCH_SRCS := $(wildcard tests/bench/*.c)

$(BUILD)/bench/bench: $(BENCH_SRCS) tests/bench/bench.h $(BUILD)/libvtlvm.a
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $(BENCH_SRCS) $(BUILD)/libvtlvm.a $(LDLIBS)

bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/vtlvm $(BUILD)/bench/bench $(BUILD)/guests/bench_pio.elf \
		$(BUILD)/guests/bench_hcall.elf $(BUILD)/guests/bench_vtl.elf $(BUILD)/guests/vtl1/bench.elf
	$(BUILD)/bench/bench $(BUILD)
