// SPDX-License-Identifier: MIT
#include "cli/config.h"

#include <ctype.h>
#include <errno.h>
#include <iniparser/iniparser.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "devices/acpi.h"
#include "vmm/log.h"

enum cfg_type {
	CFG_U32,
	CFG_SIZE,
	CFG_STR,
	CFG_PATH,	/* relative paths in an INI file are relative to the file */
	CFG_PATHLIST,	/* "path [args],path [args]": each path resolved like CFG_PATH */
	CFG_ENUM,
	CFG_BOOL,
	CFG_U64,	/* decimal or 0x hex */
};

struct cfg_enum {
	const char *name;
	int value;
};

struct cfg_key {
	const char *key;
	enum cfg_type type;
	size_t offset;
	const char *def;
	const char *flag;	/* long option that sets it, without "--" */
	const char *metavar;
	const char *help;
	const struct cfg_enum *enums;	/* CFG_ENUM: NULL-terminated */
	u64 min, max;			/* CFG_U32, CFG_SIZE */
};

static const struct cfg_enum backend_enum[] = {
	{ "auto", MEM_BACKEND_AUTO }, { "guest_memfd", MEM_BACKEND_GUEST_MEMFD },
	{ "memfd", MEM_BACKEND_MEMFD }, { NULL, 0 },
};
static const struct cfg_enum format_enum[] = {
	{ "auto", IMAGE_AUTO }, { "elf", IMAGE_ELF }, { "bzimage", IMAGE_BZIMAGE },
	{ "multiboot", IMAGE_MULTIBOOT }, { NULL, 0 },
};
static const struct cfg_enum serial_enum[] = {
	{ "stdio", SERIAL_STDIO }, { "none", SERIAL_NONE }, { NULL, 0 },
};
static const struct cfg_enum tristate_enum[] = {
	{ "auto", TRISTATE_AUTO }, { "on", TRISTATE_ON }, { "off", TRISTATE_OFF }, { NULL, 0 },
};
static const struct cfg_enum level_enum[] = {
	{ "error", LOG_ERR }, { "warning", LOG_WARN }, { "warn", LOG_WARN },
	{ "info", LOG_INFO }, { "debug", LOG_DEBUG }, { NULL, 0 },
};

#define OFF(field) offsetof(struct vm_config, field)

static const struct cfg_key schema[] = {
	/* key              type         offset              default     flag */
	/* The MADT's processor entries hold 8-bit APIC IDs (ACPI 6.5, 5.2.12.2). */
	{ "vm:cpus",        CFG_U32,     OFF(cpus),          "1",        "cpus", "N",
	  "number of virtual processors (1 to 255, and at most KVM's limit)", NULL, 1,
	  ACPI_MAX_CPUS },
	{ "vm:timeout",     CFG_U32,     OFF(timeout_s),     "0",        "timeout", "SECONDS",
	  "stop the guest after this many seconds, exit status 12 (0: never)", NULL, 0,
	  UINT32_MAX },
	{ "vm:kvm_device",  CFG_STR,     OFF(kvm_dev),       "/dev/kvm", "kvm-device", "PATH",
	  "the KVM device to open", NULL, 0, 0 },
	{ "memory:size",    CFG_SIZE,    OFF(mem_size),      "256M",     "memory", "SIZE",
	  "guest RAM, with a K, M, G or T suffix (2M to 1T, page-aligned)", NULL, LAYOUT_MIN_RAM,
	  LAYOUT_MAX_RAM },
	{ "memory:backend", CFG_ENUM,    OFF(mem_backend),   "auto",     "memory-backend",
	  "auto|guest_memfd|memfd", "RAM backing: guest_memfd where KVM offers it, else memfd",
	  backend_enum, 0, 0 },
	{ "boot:kernel",    CFG_PATH,    OFF(kernel),        "",         "kernel", "FILE",
	  "the image to boot: ELF64, Linux bzImage or multiboot", NULL, 0, 0 },
	{ "boot:initrd",    CFG_PATHLIST, OFF(initrd),       "",         "initrd", "FILE",
	  "initrd (multiboot: module list \"file [args],file [args]\")", NULL, 0, 0 },
	{ "boot:cmdline",   CFG_STR,     OFF(cmdline),       "",         "append", "STRING",
	  "kernel command line", NULL, 0, 0 },
	{ "boot:format",    CFG_ENUM,    OFF(format),        "auto",     "format",
	  "auto|elf|bzimage|multiboot", "image format (auto: detect from the file)",
	  format_enum, 0, 0 },
	{ "console:serial", CFG_ENUM,    OFF(serial),        "stdio",    "serial", "stdio|none",
	  "where COM1 goes: stdin/stdout, or nowhere", serial_enum, 0, 0 },
	{ "hyperv:enabled", CFG_BOOL,    OFF(hv_enabled),    "on",       "hyperv", "on|off",
	  "present the Hyper-V interface (CPUID, synthetic MSRs, hypercalls, SynIC, timers)",
	  NULL, 0, 0 },
	{ "hyperv:vsm",     CFG_BOOL,    OFF(hv_vsm),        "on",       "hv-vsm", "on|off",
	  "Virtual Secure Mode: VTL1, the VSM hypercalls and registers (needs hyperv on)",
	  NULL, 0, 0 },
	{ "hyperv:max_vtl", CFG_U32,     OFF(hv_max_vtl),    "1",        "hv-max-vtl", "N",
	  "the highest VTL the guest may enable (this build holds VTL0 and VTL1)", NULL, 1,
	  VTL_MAX - 1 },
	{ "hyperv:connections", CFG_STR, OFF(hv_connections), "",        "hv-connections",
	  "ID=msg:VP:SINT,ID=event:VP:SINT:FLAG",
	  "connections for HvCallPostMessage/HvCallSignalEvent, to SINTs of VTL0 VPs",
	  NULL, 0, 0 },
	{ "hyperv:flush_hint", CFG_ENUM, OFF(hv_flush_hint), "auto",     "hv-flush-hint",
	  "auto|on|off", "advertise PV TLB flushes (auto: where KVM flushes on KVM_SET_SREGS, "
	  "Linux 6.6+)", tristate_enum, 0, 0 },
	{ "hyperv:privileges", CFG_U64, OFF(hv_privileges), "0xffffffffffffffff", "hv-privileges",
	  "MASK", "withhold partition privileges (CPUID 0x40000003 EAX:EBX) by clearing bits",
	  NULL, 0, UINT64_MAX },
	{ "hyperv:features", CFG_U64,  OFF(hv_features),   "0xffffffff", "hv-features", "MASK",
	  "withhold features (CPUID 0x40000003 EDX) by clearing bits", NULL, 0, UINT32_MAX },
	{ "hyperv:hints",   CFG_U64,     OFF(hv_hints),      "0xffffffff", "hv-hints", "MASK",
	  "withhold recommendations (CPUID 0x40000004 EAX) by clearing bits", NULL, 0,
	  UINT32_MAX },
	{ "vtl1:kernel",    CFG_PATH,    OFF(vtl1_kernel),   "",         "vtl1-kernel", "FILE",
	  "a VTL1 program (ELF64), loaded at boot for the VTL0 guest to start in VTL1",
	  NULL, 0, 0 },
	{ "security:user",  CFG_STR,     OFF(user),          "",         "user", "USER",
	  "after setup, switch to this user and drop all capabilities", NULL, 0, 0 },
	{ "log:level",      CFG_ENUM,    OFF(log_level),     "info",     "log-level",
	  "error|warning|info|debug", "messages vtlvm prints on stderr", level_enum, 0, 0 },
};

/*
 * Where a value came from, for messages: "file:line" or "--flag". For a file
 * the line is looked up only when there is an error to report (ini_path and
 * ini_key set, where empty).
 */
struct cfg_source {
	char where[512];
	const char *ini_path, *ini_key;
};

static int nr_errors;

static void source_resolve(struct cfg_source *src);

static void __printf(2, 3) cfg_error(struct cfg_source *src, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!src->where[0])
		source_resolve(src);
	pr_err("%s: %s", src->where, msg);
	nr_errors++;
}

/* Decimal or 0x hex. */
static int config_parse_u64(const char *s, u64 *out)
{
	unsigned long long v;
	char *end;

	if (!*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	/* Decimal, or hex with 0x: a leading zero is not octal ("010" is ten). */
	v = strtoull(s, &end, (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10);
	if (errno || *end)
		return errno == ERANGE ? -ERANGE : -EINVAL;
	*out = v;
	return 0;
}

int config_parse_u32(const char *s, u32 *out)
{
	u64 v;
	int r = config_parse_u64(s, &v);

	if (r)
		return r;
	if (v > UINT32_MAX)
		return -ERANGE;
	*out = v;
	return 0;
}

int config_parse_size(const char *s, u64 *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!*s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	switch (toupper((unsigned char)*end)) {
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	case 'T': shift = 40; end++; break;
	}
	if (shift && (*end == 'B' || *end == 'b' || *end == 'i'))
		end += (*end == 'i' && (end[1] == 'B' || end[1] == 'b')) ? 2 : 1;
	if (*end)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (u64)v << shift;
	return 0;
}

int config_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "yes", "on", "true" };
	static const char *const no[] = { "0", "no", "off", "false" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static const struct cfg_key *schema_find(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(schema); i++)
		if (!strcasecmp(schema[i].key, key))
			return &schema[i];
	return NULL;
}

const char *config_key_for_flag(const char *flag)
{
	for (size_t i = 0; i < ARRAY_SIZE(schema); i++)
		if (schema[i].flag && !strcmp(schema[i].flag, flag))
			return schema[i].key;
	return NULL;
}

const char *config_flag(unsigned int i)
{
	for (size_t j = 0; j < ARRAY_SIZE(schema); j++)
		if (schema[j].flag && i-- == 0)
			return schema[j].flag;
	return NULL;
}

/* dir/path for a relative path; a copy of path otherwise. */
static char *resolve_path(const char *path, size_t len, const char *base_dir)
{
	char *out;

	if (!base_dir || !len || path[0] == '/')
		return strndup(path, len);
	if (asprintf(&out, "%s/%.*s", base_dir, (int)len, path) < 0)
		return NULL;
	return out;
}

/* Resolve the path at the start of each comma-separated element (",," is a literal comma). */
static char *resolve_path_list(const char *list, const char *base_dir)
{
	const char *p = list;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	while (*p) {
		size_t plen = strcspn(p, " ,");

		if (plen && base_dir && p[0] != '/')
			fprintf(f, "%s/", base_dir);
		fwrite(p, 1, plen, f);
		p += plen;
		/* Copy the arguments, up to and including the element's single comma. */
		while (*p) {
			if (p[0] == ',' && p[1] == ',') {
				fputs(",,", f);
				p += 2;
				continue;
			}
			fputc(*p, f);
			if (*p++ == ',')
				break;
		}
	}
	fclose(f);
	return out;
}

static int set_enum(const struct cfg_key *k, const char *value, int *out)
{
	for (const struct cfg_enum *e = k->enums; e->name; e++) {
		if (!strcasecmp(e->name, value)) {
			*out = e->value;
			return 0;
		}
	}
	return -EINVAL;
}

static void set_string(struct vm_config *cfg, const struct cfg_key *k, char *s)
{
	char **field = (char **)((char *)cfg + k->offset);

	free(*field);
	*field = s && *s ? s : NULL;
	if (s && !*s)
		free(s);
}

/* Set one key from its text; reports errors against src. */
static void cfg_set(struct vm_config *cfg, const struct cfg_key *k, const char *value,
		    const char *base_dir, struct cfg_source *src)
{
	void *field = (char *)cfg + k->offset;
	u64 size;
	u32 u;

	switch (k->type) {
	case CFG_U32:
		if (config_parse_u32(value, &u))
			cfg_error(src, "%s: '%s' is not a number from %llu to %llu", k->key, value,
				  (unsigned long long)k->min, (unsigned long long)k->max);
		else if (u < k->min || u > k->max)
			cfg_error(src, "%s: %u is out of range (%llu to %llu)", k->key, u,
				  (unsigned long long)k->min, (unsigned long long)k->max);
		else
			*(u32 *)field = u;
		break;
	case CFG_SIZE:
		if (config_parse_size(value, &size))
			cfg_error(src, "%s: '%s' is not a size (a number with an optional K, M, G "
				  "or T suffix)", k->key, value);
		else if (size < k->min || size > k->max || !IS_ALIGNED(size, PAGE_SIZE))
			cfg_error(src, "%s: %s is out of range (%lluM to %lluT, a multiple of 4K)",
				  k->key, value, (unsigned long long)(k->min >> 20),
				  (unsigned long long)(k->max >> 40));
		else
			*(u64 *)field = size;
		break;
	case CFG_ENUM:
		if (set_enum(k, value, field))
			cfg_error(src, "%s: '%s' is not one of %s", k->key, value, k->metavar);
		break;
	case CFG_U64:
		if (config_parse_u64(value, &size) || size > k->max)
			cfg_error(src, "%s: '%s' is not a number from 0 to %#llx", k->key, value,
				  (unsigned long long)k->max);
		else
			*(u64 *)field = size;
		break;
	case CFG_BOOL:
		if (config_parse_bool(value, field))
			cfg_error(src, "%s: '%s' is not on or off", k->key, value);
		break;
	case CFG_STR:
		set_string(cfg, k, strdup(value));
		break;
	case CFG_PATH:
		set_string(cfg, k, resolve_path(value, strlen(value), base_dir));
		break;
	case CFG_PATHLIST:
		set_string(cfg, k, resolve_path_list(value, base_dir));
		break;
	}
}

/*
 * The line of "name" in section "sec" of path, or of the section header
 * itself when name is NULL; 0 if not found. iniparser does not keep lines.
 */
static unsigned int ini_line_of(const char *path, const char *sec, const char *name)
{
	char line[1024], cur[256] = "";
	unsigned int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;
		size_t len;

		n++;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '[') {
			/* iniparser strips blanks inside the brackets: "[ vm ]" is [vm]. */
			p += 1 + strspn(p + 1, " \t");
			len = strcspn(p, "]");
			while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
				len--;
			snprintf(cur, sizeof(cur), "%.*s", (int)len, p);
			if (!name && !strcasecmp(cur, sec)) {
				fclose(f);
				return n;
			}
			continue;
		}
		if (!name)
			continue;
		len = strcspn(p, " \t=");
		if (!strcasecmp(cur, sec) && strlen(name) == len && !strncasecmp(p, name, len)) {
			fclose(f);
			return n;
		}
	}
	fclose(f);
	return 0;
}

static void source_resolve(struct cfg_source *src)
{
	const char *path = src->ini_path, *key = src->ini_key;
	char sec[256];
	const char *colon = strchr(key, ':');
	unsigned int line;

	snprintf(sec, sizeof(sec), "%.*s", colon ? (int)(colon - key) : (int)strlen(key), key);
	line = ini_line_of(path, sec, colon ? colon + 1 : NULL);
	if (line)
		snprintf(src->where, sizeof(src->where), "%s:%u", path, line);
	else
		snprintf(src->where, sizeof(src->where), "%s", path);
}

static char ini_path_for_errors[512];

static int __printf(1, 2) ini_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t len;

	unsigned int line;
	char *text;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = '\0';
	/* iniparser 4.1 says "iniparser: syntax error in F (N):\n-> TEXT": make it one line. */
	text = strstr(msg, "\n-> ");
	if (text && sscanf(msg, "iniparser: syntax error in %*[^(](%u)", &line) == 1) {
		pr_err("%s:%u: syntax error: %s", ini_path_for_errors, line, text + 4);
	} else {
		for (char *c = msg; *c; c++)
			if (*c == '\n')
				*c = ' ';
		pr_err("%s: %s", ini_path_for_errors, msg);
	}
	nr_errors++;
	return 0;
}

static bool section_known(const char *sec)
{
	size_t len = strlen(sec);

	for (size_t i = 0; i < ARRAY_SIZE(schema); i++)
		if (!strncasecmp(schema[i].key, sec, len) && schema[i].key[len] == ':')
			return true;
	return false;
}

/* Does the section part of "section:key" belong to the schema? */
static bool section_known_prefix(const char *key)
{
	char sec[256];

	snprintf(sec, sizeof(sec), "%.*s", (int)strcspn(key, ":"), key);
	return section_known(sec);
}

/* Apply every entry of the file; unknown sections and keys are errors. */
static void apply_dictionary(struct vm_config *cfg, const dictionary *d, const char *path,
			     const char *base_dir)
{
	for (ssize_t i = 0; i < d->size; i++) {
		const char *key = d->key[i];
		const struct cfg_key *k;
		struct cfg_source src = { .ini_path = path, .ini_key = key };

		if (!key)
			continue;
		if (!strchr(key, ':')) {
			if (!section_known(key))
				cfg_error(&src, "unknown section [%s]", key);
			continue;
		}
		k = schema_find(key);
		if (!k && key[0] != ':' && !section_known_prefix(key))
			continue;	/* its unknown section is reported already */
		if (!k) {
			cfg_error(&src, "unknown key '%s'", key[0] == ':' ? key + 1 : key);
			continue;
		}
		cfg_set(cfg, k, d->val[i] ? d->val[i] : "", base_dir, &src);
	}
}

/*
 * One pass over the raw text for what iniparser would accept silently: NUL
 * bytes (not a text file), and `;` or `#` glued to an unquoted value, which
 * iniparser takes as the start of a comment and cuts the value at
 * ("init=/x#y" would become "init=/x"). A comment after whitespace stays legal.
 */
static void check_raw_text(const char *path, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned int n = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, f)) > 0) {
		char *v = strchr(line, '='), *p;

		n++;
		if (memchr(line, '\0', len)) {
			pr_err("%s:%u: binary data (a NUL byte): not an INI file", path, n);
			nr_errors++;
			break;
		}
		p = line + strspn(line, " \t");
		if (!v || *p == ';' || *p == '#' || *p == '[')
			continue;
		for (v++; *v == ' ' || *v == '\t'; v++)
			;
		if (*v == '"' || *v == '\'')
			continue;
		for (p = v; *p && *p != '\n'; p++) {
			if ((*p == ';' || *p == '#') && p > v && p[-1] != ' ' && p[-1] != '\t') {
				pr_err("%s:%u: '%c' in an unquoted value starts a comment: put the value "
				       "in double quotes", path, n, *p);
				nr_errors++;
				break;
			}
		}
	}
	free(line);
}

static void load_file(struct vm_config *cfg, const char *path)
{
	char *copy = strdup(path), *dir;
	dictionary *d;
	struct stat st;
	FILE *f;

	/* Say why the file cannot be read, which iniparser would not. */
	f = fopen(path, "r");
	if (!f || fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		if (f)
			pr_err("%s: not a regular file", path);
		else
			pr_err("%s: cannot read config file: %s", path, strerror(errno));
		nr_errors++;
		if (f)
			fclose(f);
		free(copy);
		return;
	}
	check_raw_text(path, f);
	fclose(f);
	if (nr_errors) {
		free(copy);
		return;
	}
	snprintf(ini_path_for_errors, sizeof(ini_path_for_errors), "%s", path);
	iniparser_set_error_callback(ini_error);
	d = iniparser_load(path);
	if (!d) {
		if (!nr_errors)
			pr_err("%s: cannot parse config file", path);
		nr_errors++;
		free(copy);
		return;
	}
	dir = dirname(copy);
	apply_dictionary(cfg, d, path, dir);
	iniparser_freedict(d);
	free(copy);
}

static void apply_defaults(struct vm_config *cfg)
{
	struct cfg_source src = { .where = "schema default" };

	memset(cfg, 0, sizeof(*cfg));
	cfg->test_fd = -1;
	for (size_t i = 0; i < ARRAY_SIZE(schema); i++)
		cfg_set(cfg, &schema[i], schema[i].def, NULL, &src);
}

int config_load(struct vm_config *cfg, const char *ini_path, const struct cfg_override *ov,
		unsigned int nr_ov)
{
	nr_errors = 0;
	apply_defaults(cfg);
	if (ini_path) {
		load_file(cfg, ini_path);
		cfg->config_path = strdup(ini_path);
	}
	for (unsigned int i = 0; i < nr_ov; i++) {
		const struct cfg_key *k = schema_find(ov[i].key);
		struct cfg_source src = { .where = "" };

		snprintf(src.where, sizeof(src.where), "--%s", ov[i].flag);
		BUG_ON(!k);
		cfg_set(cfg, k, ov[i].value, NULL, &src);
	}
	return nr_errors ? -EINVAL : 0;
}

void config_free(struct vm_config *cfg)
{
	for (size_t i = 0; i < ARRAY_SIZE(schema); i++) {
		enum cfg_type t = schema[i].type;

		if (t == CFG_STR || t == CFG_PATH || t == CFG_PATHLIST)
			set_string(cfg, &schema[i], NULL);
	}
	free(cfg->config_path);
	cfg->config_path = NULL;
}

static void print_value(const struct vm_config *cfg, const struct cfg_key *k, FILE *out)
{
	const void *field = (const char *)cfg + k->offset;
	const char *s;
	u64 size;
	char q;

	switch (k->type) {
	case CFG_U32:
		fprintf(out, "%u", *(const u32 *)field);
		break;
	case CFG_SIZE:
		size = *(const u64 *)field;
		if (size && IS_ALIGNED(size, GiB))
			fprintf(out, "%lluG", (unsigned long long)(size >> 30));
		else if (size && IS_ALIGNED(size, MiB))
			fprintf(out, "%lluM", (unsigned long long)(size >> 20));
		else
			fprintf(out, "%lluK", (unsigned long long)(size >> 10));
		break;
	case CFG_BOOL:
		fputs(*(const bool *)field ? "on" : "off", out);
		break;
	case CFG_U64:
		fprintf(out, "%#llx", (unsigned long long)*(const u64 *)field);
		break;
	case CFG_ENUM:
		for (const struct cfg_enum *e = k->enums; e->name; e++) {
			if (e->value == *(const int *)field) {
				fputs(e->name, out);
				break;
			}
		}
		break;
	case CFG_STR:
	case CFG_PATH:
	case CFG_PATHLIST:
		s = *(char *const *)field;
		s = s ? s : "";
		/* iniparser has no escapes: a value holding '"' can only be quoted with '\''. */
		q = strchr(s, '"') && !strchr(s, '\'') ? '\'' : '"';
		fprintf(out, "%c%s%c", q, s, q);
		break;
	}
}

void config_print(const struct vm_config *cfg, FILE *out)
{
	char section[64] = "";

	fprintf(out, "; effective vtlvm configuration%s%s\n",
		cfg->config_path ? " from " : "", cfg->config_path ? cfg->config_path : "");
	for (size_t i = 0; i < ARRAY_SIZE(schema); i++) {
		const struct cfg_key *k = &schema[i];
		const char *colon = strchr(k->key, ':');
		int seclen = colon - k->key;

		if (strncmp(section, k->key, seclen) || section[seclen]) {
			snprintf(section, sizeof(section), "%.*s", seclen, k->key);
			fprintf(out, "\n[%s]\n", section);
		}
		fprintf(out, "; %s (default %s%s%s)\n", k->help, k->def[0] ? k->def : "none",
			k->flag ? ", flag --" : "", k->flag ? k->flag : "");
		fprintf(out, "%s = ", colon + 1);
		print_value(cfg, k, out);
		fputc('\n', out);
	}
}

void config_print_flag_help(FILE *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(schema); i++) {
		const struct cfg_key *k = &schema[i];
		char opt[64];

		if (!k->flag)
			continue;
		snprintf(opt, sizeof(opt), "--%s %s", k->flag, k->metavar);
		if (strlen(opt) > 34)
			fprintf(out, "  %s\n  %-34s %s [%s]\n", opt, "", k->help, k->key);
		else
			fprintf(out, "  %-34s %s [%s]\n", opt, k->help, k->key);
	}
}
