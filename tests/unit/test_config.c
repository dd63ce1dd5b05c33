// SPDX-License-Identifier: MIT
/* Unit tests for cli/config.c: value parsers, config_load() layers, config_print(). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/config.h"
#include "vmm/log.h"

/* ---- parsers ----------------------------------------------------------------- */

struct size_case {
	const char *s;
	int ret;
	u64 val;
};

static void test_config_parse_size_valid(void **state)
{
	static const struct size_case cases[] = {
		{ "0", 0, 0 }, { "4096", 0, 4096 }, { "1K", 0, KiB }, { "4k", 0, 4 * KiB },
		{ "256M", 0, 256 * MiB }, { "256m", 0, 256 * MiB }, { "3G", 0, 3 * GiB },
		{ "1T", 0, 1ULL << 40 }, { "2t", 0, 2ULL << 40 },
		{ "1KB", 0, KiB }, { "1kb", 0, KiB }, { "1KiB", 0, KiB }, { "64MiB", 0, 64 * MiB },
		{ "2Gib", 0, 2 * GiB }, { "0G", 0, 0 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "16777215T", 0, 16777215ULL << 40 },
		{ "17179869183G", 0, 17179869183ULL << 30 },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 v = 12345;
		int ret = config_parse_size(cases[i].s, &v);

		if (ret || v != cases[i].val)
			fail_msg("'%s': ret %d value %llu", cases[i].s, ret, (unsigned long long)v);
	}
}

static void test_config_parse_size_invalid(void **state)
{
	static const struct size_case cases[] = {
		{ "", -EINVAL, 0 }, { "M", -EINVAL, 0 }, { "KiB", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 }, { " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 }, { "1 M", -EINVAL, 0 }, { "1X", -EINVAL, 0 },
		{ "1MM", -EINVAL, 0 }, { "1MiBx", -EINVAL, 0 }, { "1KBB", -EINVAL, 0 },
		{ "1B", -EINVAL, 0 }, { "0x10", -EINVAL, 0 }, { "1.5G", -EINVAL, 0 },
		{ "12abc", -EINVAL, 0 },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "99999999999999999999999M", -ERANGE, 0 },
		{ "16777216T", -ERANGE, 0 }, { "17179869184G", -ERANGE, 0 },
		{ "18014398509481984K", -ERANGE, 0 },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 v = 12345;
		int ret = config_parse_size(cases[i].s, &v);

		if (ret != cases[i].ret || v != 12345)
			fail_msg("'%s': ret %d (want %d), value %llu", cases[i].s, ret, cases[i].ret,
				 (unsigned long long)v);
	}
}

static void test_config_parse_u32(void **state)
{
	static const struct { const char *s; int ret; u32 val; } cases[] = {
		{ "0", 0, 0 }, { "1", 0, 1 }, { "4096", 0, 4096 },
		{ "4294967295", 0, UINT32_MAX }, { "0x10", 0, 16 }, { "0XfF", 0, 255 },
		{ "0xffffffff", 0, UINT32_MAX },
		{ "4294967296", -ERANGE, 0 }, { "0x100000000", -ERANGE, 0 },
		{ "99999999999999999999999", -ERANGE, 0 },
		{ "", -EINVAL, 0 }, { "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 },
		{ "-0", -EINVAL, 0 }, { " 1", -EINVAL, 0 }, { "\t1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 }, { "1\n", -EINVAL, 0 }, { "0x", -EINVAL, 0 },
		{ "12abc", -EINVAL, 0 }, { "abc", -EINVAL, 0 }, { "1K", -EINVAL, 0 },
		{ "0xg", -EINVAL, 0 },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 v = 777;
		int ret = config_parse_u32(cases[i].s, &v);
		u32 want = cases[i].ret ? 777 : cases[i].val;

		if (ret != cases[i].ret || v != want)
			fail_msg("'%s': ret %d (want %d), value %u", cases[i].s, ret, cases[i].ret, v);
	}
}

static void test_config_parse_bool(void **state)
{
	static const struct { const char *s; int ret; bool val; } cases[] = {
		{ "1", 0, true }, { "yes", 0, true }, { "YES", 0, true }, { "on", 0, true },
		{ "true", 0, true }, { "True", 0, true },
		{ "0", 0, false }, { "no", 0, false }, { "Off", 0, false }, { "false", 0, false },
		{ "FALSE", 0, false },
		{ "", -EINVAL, 0 }, { "2", -EINVAL, 0 }, { "y", -EINVAL, 0 }, { "n", -EINVAL, 0 },
		{ "yes ", -EINVAL, 0 }, { "nope", -EINVAL, 0 }, { "truex", -EINVAL, 0 },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int init = 0; init < 2; init++) {
			bool v = init;
			int ret = config_parse_bool(cases[i].s, &v);

			if (ret != cases[i].ret || v != (cases[i].ret ? (bool)init : cases[i].val))
				fail_msg("'%s': ret %d value %d", cases[i].s, ret, v);
		}
	}
}

static void test_config_key_for_flag(void **state)
{
	static const struct { const char *flag, *key; } cases[] = {
		{ "cpus", "vm:cpus" }, { "timeout", "vm:timeout" },
		{ "kvm-device", "vm:kvm_device" }, { "memory", "memory:size" },
		{ "memory-backend", "memory:backend" }, { "kernel", "boot:kernel" },
		{ "initrd", "boot:initrd" }, { "append", "boot:cmdline" },
		{ "format", "boot:format" }, { "serial", "console:serial" },
		{ "user", "security:user" }, { "log-level", "log:level" },
		{ "hyperv", "hyperv:enabled" }, { "hv-connections", "hyperv:connections" },
		{ "hv-flush-hint", "hyperv:flush_hint" }, { "hv-privileges", "hyperv:privileges" },
		{ "hv-features", "hyperv:features" }, { "hv-hints", "hyperv:hints" },
		{ "hv-vsm", "hyperv:vsm" }, { "hv-max-vtl", "hyperv:max_vtl" },
		{ "vtl1-kernel", "vtl1:kernel" },
		{ "config", NULL }, { "mem", NULL }, { "Memory", NULL }, { "", NULL },
		{ "memory:size", NULL }, { "cpus ", NULL },
	};
	unsigned int n = 0;
	const char *flag;
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *key = config_key_for_flag(cases[i].flag);

		if (cases[i].key)
			assert_string_equal(key, cases[i].key);
		else
			assert_null(key);
	}
	/* config_flag() enumerates exactly the flags that map to keys. */
	while ((flag = config_flag(n)) != NULL) {
		assert_non_null(config_key_for_flag(flag));
		n++;
	}
	assert_int_equal(n, 21);
	assert_null(config_flag(n + 100));
}

/* ---- config_load() ------------------------------------------------------------- */

static char tmpdir[64];

static int dir_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vtlvm-cfg-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int dir_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

/* Write an INI file into tmpdir; returns its path (static buffer per slot). */
static const char *write_ini(const char *name, const char *text)
{
	static char paths[4][256];
	static unsigned int slot;
	char *path = paths[slot++ % 4];
	FILE *f;

	snprintf(path, 256, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* tmpl with each '@' replaced by tmpdir. */
static const char *expand(char *out, size_t size, const char *tmpl)
{
	size_t n = 0;

	for (; *tmpl && n + 1 < size; tmpl++) {
		if (*tmpl == '@')
			n += snprintf(out + n, size - n, "%s", tmpdir);
		else
			out[n++] = *tmpl;
	}
	out[MIN(n, size - 1)] = '\0';
	return out;
}

/* config_load() with stderr captured; the number of error lines logged in *nerr. */
static int load(struct vm_config *cfg, const char *path, const struct cfg_override *ov,
		unsigned int nr_ov, char *log, size_t logsize, unsigned int *nerr)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO), ret;
	size_t n;

	assert_non_null(tmp);
	log_level = LOG_ERR;
	dup2(fileno(tmp), STDERR_FILENO);
	ret = config_load(cfg, path, ov, nr_ov);
	dup2(saved, STDERR_FILENO);
	close(saved);
	log_level = -1;
	rewind(tmp);
	n = fread(log, 1, logsize - 1, tmp);
	log[n] = '\0';
	fclose(tmp);
	*nerr = 0;
	for (const char *p = log; (p = strstr(p, "vtlvm: error: ")); p++)
		(*nerr)++;
	return ret;
}

static void test_config_load_defaults(void **state)
{
	struct vm_config cfg;
	char log[256];
	unsigned int nerr;
	(void)state;

	memset(&cfg, 0x5a, sizeof(cfg));
	assert_int_equal(load(&cfg, NULL, NULL, 0, log, sizeof(log), &nerr), 0);
	assert_int_equal(nerr, 0);
	assert_int_equal(cfg.cpus, 1);
	assert_int_equal(cfg.timeout_s, 0);
	assert_string_equal(cfg.kvm_dev, "/dev/kvm");
	assert_int_equal(cfg.mem_size, 256 * MiB);
	assert_int_equal(cfg.mem_backend, MEM_BACKEND_AUTO);
	assert_null(cfg.kernel);
	assert_null(cfg.initrd);
	assert_null(cfg.cmdline);
	assert_int_equal(cfg.format, IMAGE_AUTO);
	assert_int_equal(cfg.serial, SERIAL_STDIO);
	assert_null(cfg.user);
	assert_int_equal(cfg.log_level, LOG_INFO);
	assert_true(cfg.hv_enabled);
	assert_null(cfg.hv_connections);
	assert_int_equal(cfg.hv_flush_hint, TRISTATE_AUTO);
	assert_int_equal(cfg.test_fd, -1);
	assert_null(cfg.config_path);
	config_free(&cfg);
}

static void test_config_load_file(void **state)
{
	const char *path = write_ini("full.ini",
		"; every key\n"
		"[vm]\ncpus = 0x8\ntimeout = 30\nkvm_device = /dev/null\n"
		"[memory]\nsize = 2G\nbackend = memfd\n"
		"[boot]\nkernel = sub/kernel.elf\ninitrd = a.bin x=1,b.bin\n"
		"cmdline = console=ttyS0 quiet\nformat = multiboot\n"
		"[console]\nserial = none\n"
		"[security]\nuser = nobody\n"
		"[LOG]\nLevel = Debug\n");
	struct vm_config cfg;
	char log[512], want[512];
	unsigned int nerr;
	(void)state;

	assert_int_equal(load(&cfg, path, NULL, 0, log, sizeof(log), &nerr), 0);
	assert_int_equal(nerr, 0);
	assert_int_equal(cfg.cpus, 8);
	assert_int_equal(cfg.timeout_s, 30);
	assert_string_equal(cfg.kvm_dev, "/dev/null");
	assert_int_equal(cfg.mem_size, 2 * GiB);
	assert_int_equal(cfg.mem_backend, MEM_BACKEND_MEMFD);
	snprintf(want, sizeof(want), "%s/sub/kernel.elf", tmpdir);
	assert_string_equal(cfg.kernel, want);
	snprintf(want, sizeof(want), "%s/a.bin x=1,%s/b.bin", tmpdir, tmpdir);
	assert_string_equal(cfg.initrd, want);
	assert_string_equal(cfg.cmdline, "console=ttyS0 quiet");	/* not a path */
	assert_int_equal(cfg.format, IMAGE_MULTIBOOT);
	assert_int_equal(cfg.serial, SERIAL_NONE);
	assert_string_equal(cfg.user, "nobody");
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_string_equal(cfg.config_path, path);
	config_free(&cfg);
}

static void test_config_load_paths(void **state)
{
	static const struct { const char *kernel, *initrd, *want_kernel, *want_initrd; } cases[] = {
		/* @ stands for the INI file's directory */
		{ "/abs/k.elf", "/abs/i.img", "/abs/k.elf", "/abs/i.img" },
		{ "k.elf", "mod.bin", "@/k.elf", "@/mod.bin" },
		{ "../k.elf", "a.bin x,,y,b.bin", "@/../k.elf", "@/a.bin x,,y,@/b.bin" },
		{ "k,,x.elf", "/m/a.bin,b.bin arg", "@/k,,x.elf", "/m/a.bin,@/b.bin arg" },
		{ "k.elf", "a,,b.bin,c.bin", "@/k.elf", "@/a,,b.bin,@/c.bin" },
		{ "k.elf", "a.bin,", "@/k.elf", "@/a.bin," },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char text[256], want[512], log[256];
		struct vm_config cfg;
		unsigned int nerr;
		const char *path;

		snprintf(text, sizeof(text), "[boot]\nkernel = %s\ninitrd = %s\n",
			 cases[i].kernel, cases[i].initrd);
		path = write_ini("paths.ini", text);
		assert_int_equal(load(&cfg, path, NULL, 0, log, sizeof(log), &nerr), 0);
		assert_string_equal(cfg.kernel, expand(want, sizeof(want), cases[i].want_kernel));
		assert_string_equal(cfg.initrd, expand(want, sizeof(want), cases[i].want_initrd));
		config_free(&cfg);
	}
}

static void test_config_load_errors_all_counted(void **state)
{
	const char *path = write_ini("bad.ini",
		"orphan = 1\n"			/* 1: key before any section */
		"[vm]\n"
		"cpus = many\n"			/* 3 */
		"timeout = -5\n"		/* 4 */
		"cpuz = 2\n"			/* 5: unknown key */
		"[memory]\n"
		"size = 2049K\n"		/* 7: not page aligned */
		"backend = tmpfs\n"		/* 8 */
		"[vmm]\n"			/* 9: unknown section, its keys not repeated */
		"cpus = 2\n"
		"other = 3\n"
		"[log]\n"
		"level = loud\n");		/* 13 */
	struct vm_config cfg;
	char log[2048], needle[256];
	unsigned int nerr;
	static const char *const expect[] = {
		"bad.ini:1: unknown key 'orphan'",
		"bad.ini:3: vm:cpus: 'many' is not a number",
		"bad.ini:4: vm:timeout: '-5' is not a number",
		"bad.ini:5: unknown key 'vm:cpuz'",
		"bad.ini:7: memory:size: 2049K is out of range",
		"bad.ini:8: memory:backend: 'tmpfs' is not one of",
		"bad.ini:9: unknown section [vmm]",
		"bad.ini:13: log:level: 'loud' is not one of",
	};
	(void)state;

	assert_int_equal(load(&cfg, path, NULL, 0, log, sizeof(log), &nerr), -EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(expect); i++) {
		snprintf(needle, sizeof(needle), "%s/%s", tmpdir, expect[i]);
		if (!strstr(log, needle))
			fail_msg("missing '%s' in:\n%s", needle, log);
	}
	assert_int_equal(nerr, ARRAY_SIZE(expect));
	/* A rejected value leaves the default in place. */
	assert_int_equal(cfg.cpus, 1);
	assert_int_equal(cfg.mem_size, 256 * MiB);
	assert_int_equal(cfg.log_level, LOG_INFO);
	config_free(&cfg);
}

static void test_config_load_range_limits(void **state)
{
	static const struct { const char *text; int ret; } cases[] = {
		{ "[vm]\ncpus = 0\n", -EINVAL }, { "[vm]\ncpus = 256\n", -EINVAL },
		{ "[vm]\ncpus = 255\n", 0 }, { "[vm]\ntimeout = 4294967295\n", 0 },
		{ "[vm]\ntimeout = 4294967296\n", -EINVAL },
		{ "[memory]\nsize = 2M\n", 0 }, { "[memory]\nsize = 2044K\n", -EINVAL },
		{ "[memory]\nsize = 1T\n", 0 }, { "[memory]\nsize = 1025G\n", -EINVAL },
		{ "[memory]\nsize = 0\n", -EINVAL },
		{ "[console]\nserial = STDIO\n", 0 }, { "[console]\nserial = file\n", -EINVAL },
		{ "this line is not ini\n", -EINVAL },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vm_config cfg;
		char log[512];
		unsigned int nerr;
		int ret = load(&cfg, write_ini("r.ini", cases[i].text), NULL, 0, log, sizeof(log),
			       &nerr);

		if (ret != cases[i].ret || (ret && !nerr))
			fail_msg("'%s': ret %d, %u errors", cases[i].text, ret, nerr);
		config_free(&cfg);
	}
}

static void test_config_load_missing_file(void **state)
{
	struct vm_config cfg;
	char log[512], path[128];
	unsigned int nerr;
	(void)state;

	snprintf(path, sizeof(path), "%s/nonexistent.ini", tmpdir);
	assert_int_equal(load(&cfg, path, NULL, 0, log, sizeof(log), &nerr), -EINVAL);
	assert_int_equal(nerr, 1);
	assert_non_null(strstr(log, "cannot read config file"));
	config_free(&cfg);
}

static void test_config_load_overrides(void **state)
{
	const char *path = write_ini("ov.ini", "[vm]\ncpus = 2\n[memory]\nsize = 64M\n"
					       "[boot]\nkernel = k.elf\n");
	const struct cfg_override ov[] = {
		{ "vm:cpus", "4", "cpus" },
		{ "boot:kernel", "rel/other.elf", "kernel" },
		{ "boot:cmdline", "a b", "append" },
		{ "vm:cpus", "6", "cpus" },	/* the last flag wins */
	};
	const struct cfg_override bad[] = {
		{ "memory:size", "lots", "memory" },
		{ "log:level", "chatty", "log-level" },
	};
	struct vm_config cfg;
	char log[1024];
	unsigned int nerr;
	(void)state;

	assert_int_equal(load(&cfg, path, ov, ARRAY_SIZE(ov), log, sizeof(log), &nerr), 0);
	assert_int_equal(cfg.cpus, 6);
	assert_int_equal(cfg.mem_size, 64 * MiB);		/* from the file */
	assert_string_equal(cfg.kernel, "rel/other.elf");	/* flags are relative to cwd */
	assert_string_equal(cfg.cmdline, "a b");
	config_free(&cfg);

	assert_int_equal(load(&cfg, path, bad, ARRAY_SIZE(bad), log, sizeof(log), &nerr),
			 -EINVAL);
	assert_int_equal(nerr, 2);
	assert_non_null(strstr(log, "--memory: memory:size: 'lots' is not a size"));
	assert_non_null(strstr(log, "--log-level: log:level: 'chatty'"));
	assert_int_equal(cfg.mem_size, 64 * MiB);
	config_free(&cfg);
}

/* ---- config_print() round trip ------------------------------------------------- */

static void assert_cfg_equal(const struct vm_config *a, const struct vm_config *b)
{
	assert_int_equal(a->cpus, b->cpus);
	assert_int_equal(a->timeout_s, b->timeout_s);
	assert_string_equal(a->kvm_dev, b->kvm_dev);
	assert_int_equal(a->mem_size, b->mem_size);
	assert_int_equal(a->mem_backend, b->mem_backend);
	assert_string_equal(a->kernel ? a->kernel : "", b->kernel ? b->kernel : "");
	assert_string_equal(a->initrd ? a->initrd : "", b->initrd ? b->initrd : "");
	assert_string_equal(a->cmdline ? a->cmdline : "", b->cmdline ? b->cmdline : "");
	assert_int_equal(a->format, b->format);
	assert_int_equal(a->serial, b->serial);
	assert_string_equal(a->user ? a->user : "", b->user ? b->user : "");
	assert_int_equal(a->log_level, b->log_level);
}

/* config_print() into a malloc()ed string. */
static char *print_to_string(const struct vm_config *cfg)
{
	/* static: gcc 12's -Wdangling-pointer mistakes &text given to open_memstream */
	static char *text;
	static size_t len;
	FILE *f;

	text = NULL;
	f = open_memstream(&text, &len);
	assert_non_null(f);
	config_print(cfg, f);
	fclose(f);
	return text;
}

static void round_trip(const char *ini)
{
	struct vm_config a, b;
	char log[1024], *text, *text2;
	unsigned int nerr;

	assert_int_equal(load(&a, ini ? write_ini("in.ini", ini) : NULL, NULL, 0, log,
			      sizeof(log), &nerr), 0);
	text = print_to_string(&a);
	if (load(&b, write_ini("printed.ini", text), NULL, 0, log, sizeof(log), &nerr))
		fail_msg("printed config does not load:\n%s\n%s", text, log);
	assert_cfg_equal(&a, &b);
	/* Printing again gives the same keys and values (only the header names the file). */
	text2 = print_to_string(&b);
	assert_string_equal(strchr(text, '\n'), strchr(text2, '\n'));
	free(text);
	free(text2);
	config_free(&a);
	config_free(&b);
}

static void test_config_print_round_trip(void **state)
{
	static const char *const inis[] = {
		NULL,	/* defaults */
		"[vm]\ncpus = 3\ntimeout = 7\n[memory]\nsize = 1536M\nbackend = guest_memfd\n"
		"[boot]\nkernel = /k.elf\ninitrd = a.bin x,,y,b.bin\ncmdline = \"console=ttyS0 ; # =\"\n"
		"format = bzimage\n[console]\nserial = none\n[security]\nuser = vm\n"
		"[log]\nlevel = warn\n",
		"[memory]\nsize = 2052K\n[log]\nlevel = error\n",
		"[memory]\nsize = 1T\n",
		/* Kernel command lines may quote values: they must survive printing. */
		"[boot]\ncmdline = 'dyndbg=\"file x.c +p\" root=/dev/vda'\n",
		"[boot]\ncmdline = \"it's quoted\"\n",
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(inis); i++)
		round_trip(inis[i]);
}

static void test_config_print_format(void **state)
{
	const char *path = write_ini("fmt.ini", "[memory]\nsize = 3G\n[boot]\nkernel = /x\n");
	struct vm_config cfg;
	char log[256], *text;
	const char *vm, *mem, *boot;
	unsigned int nerr;
	(void)state;

	assert_int_equal(load(&cfg, path, NULL, 0, log, sizeof(log), &nerr), 0);
	text = print_to_string(&cfg);
	assert_non_null(strstr(text, path));	/* the header names the file */
	vm = strstr(text, "\n[vm]\n");
	mem = strstr(text, "\n[memory]\n");
	boot = strstr(text, "\n[boot]\n");
	assert_true(vm && mem && boot && vm < mem && mem < boot);
	assert_non_null(strstr(text, "\nsize = 3G\n"));
	assert_non_null(strstr(text, "\nkernel = \"/x\"\n"));
	assert_non_null(strstr(text, "\ncmdline = \"\"\n"));
	assert_non_null(strstr(text, "(default 256M, flag --memory)"));
	assert_null(strstr(text, "[vm]\n[vm]"));	/* each section once */
	free(text);
	config_free(&cfg);
}

#define D(fn) cmocka_unit_test(fn)

int main(void)
{
	const struct CMUnitTest tests[] = {
		D(test_config_parse_size_valid),
		D(test_config_parse_size_invalid),
		D(test_config_parse_u32),
		D(test_config_parse_bool),
		D(test_config_key_for_flag),
		D(test_config_load_defaults),
		D(test_config_load_file),
		D(test_config_load_paths),
		D(test_config_load_errors_all_counted),
		D(test_config_load_range_limits),
		D(test_config_load_missing_file),
		D(test_config_load_overrides),
		D(test_config_print_round_trip),
		D(test_config_print_format),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("config", tests, dir_setup, dir_teardown);
}
