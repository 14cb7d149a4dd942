/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_OVERFLOW_H
#define _SHIM_LINUX_OVERFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/compiler.h>

/*
 * *d = a op b; true if the mathematically exact result does not fit *d
 * (then *d holds the wrapped result).
 */
#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d)	__builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

/* Sizes that saturate at SIZE_MAX, which no allocator will satisfy. */
static inline size_t __must_check size_mul(size_t a, size_t b)
{
	size_t bytes;

	if (check_mul_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

static inline size_t __must_check size_add(size_t a, size_t b)
{
	size_t bytes;

	if (check_add_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

#define array_size(a, b)	size_mul(a, b)
#define flex_array_size(p, member, count)	\
	size_mul(count, sizeof(*(p)->member))
#define struct_size(p, member, count)	\
	size_add(sizeof(*(p)), flex_array_size(p, member, count))

#endif /* _SHIM_LINUX_OVERFLOW_H */
