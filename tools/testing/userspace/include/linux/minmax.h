/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_MINMAX_H
#define _SHIM_LINUX_MINMAX_H

#include <linux/compiler_types.h>

/*
 * Each argument is evaluated once. As in Linux 6.1, both arguments must have
 * the same type: comparing the addresses of two different types draws
 * "comparison of distinct pointer types", an error under -Werror. Use
 * min_t()/max_t() to compare different types.
 */
#define __shim_cmp(x, y, op) ({						\
	typeof(x) __cmp_x = (x);					\
	typeof(y) __cmp_y = (y);					\
									\
	(void)(&__cmp_x == &__cmp_y);					\
	__cmp_x op __cmp_y ? __cmp_x : __cmp_y;				\
})

#define min(x, y)		__shim_cmp(x, y, <)
#define max(x, y)		__shim_cmp(x, y, >)
#define min3(x, y, z)		min((typeof(x))min(x, y), z)
#define max3(x, y, z)		max((typeof(x))max(x, y), z)
#define min_t(type, x, y)	min((type)(x), (type)(y))
#define max_t(type, x, y)	max((type)(x), (type)(y))

/* val limited to [lo, hi]; all three of the same type. */
#define clamp(val, lo, hi)	min(max(val, lo), hi)
#define clamp_t(type, val, lo, hi)	min_t(type, max_t(type, val, lo), hi)
#define clamp_val(val, lo, hi)	clamp_t(typeof(val), val, lo, hi)

#define swap(a, b)							\
do {									\
	typeof(a) __swap_tmp = (a);					\
									\
	(a) = (b);							\
	(b) = __swap_tmp;						\
} while (0)

#endif /* _SHIM_LINUX_MINMAX_H */
