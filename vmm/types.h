/* SPDX-License-Identifier: MIT */
/*
 * vmm/types.h -- fixed-width types and the few helpers every module uses.
 *
 * Domain scalars that must not be mixed get their own typedef (gpa_t, gva_t);
 * everything else is a plain u8..u64 as in kvmtool's linux/types.h.
 */
#ifndef VTLVM_TYPES_H
#define VTLVM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 gpa_t;	/* guest physical address */
typedef u64 gva_t;	/* guest virtual address */

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

#define PAGE_SIZE	4096ULL
#define PAGE_SHIFT	12

#define BIT(n)		(1ULL << (n))
/* Bits h..l inclusive, h >= l, as the kernel's GENMASK_ULL. */
#define GENMASK_ULL(h, l) ((~0ULL >> (63 - (h))) & (~0ULL << (l)))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define __must_check	__attribute__((warn_unused_result))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __noreturn	__attribute__((noreturn))
#define __unused	__attribute__((unused))
#define __packed	__attribute__((packed))

/*
 * Does [a, a + alen) overlap [b, b + blen)? Both lengths must be non-zero.
 * Compares inclusive ends, so a range ending at 2^64 (end wraps to 0) works.
 */
static inline bool range_overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a <= b + (blen - 1) && b <= a + (alen - 1);
}

/* Is [a, a + alen) inside [b, b + blen), without overflow? */
static inline bool range_within(u64 a, u64 alen, u64 b, u64 blen)
{
	return a >= b && alen <= blen && a - b <= blen - alen;
}

#endif /* VTLVM_TYPES_H */
