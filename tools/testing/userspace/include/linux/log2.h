/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_LOG2_H
#define _SHIM_LINUX_LOG2_H

#include <stdbool.h>
#include <linux/bitops.h>

/*
 * Each of these is an integer constant expression when its argument is a
 * constant (so BUILD_BUG_ON(!is_power_of_2(N)) works) and a function call
 * otherwise.
 */
static inline __attribute_const__ bool __is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

#define is_power_of_2(n)						\
	(__builtin_constant_p(n) ?					\
	 ((n) != 0 && ((n) & ((n) - 1)) == 0) : __is_power_of_2(n))

/* floor(log2(n)); n must not be 0. */
#define ilog2(n)							\
	(__builtin_constant_p(n) ?					\
	 ((n) < 2 ? 0 : 63 - __builtin_clzll(n)) :			\
	 (sizeof(n) <= 4 ? fls((u32)(n)) - 1 : fls64(n) - 1))

/* The smallest power of two >= n; n must be at least 1. */
static inline __attribute_const__ unsigned long __roundup_pow_of_two(unsigned long n)
{
	return 1UL << fls_long(n - 1);
}

#define roundup_pow_of_two(n)						\
	(__builtin_constant_p(n) ?					\
	 ((n) == 1 ? 1UL : 1UL << (ilog2((n) - 1) + 1)) :		\
	 __roundup_pow_of_two(n))

/* The largest power of two <= n; n must be at least 1. */
#define rounddown_pow_of_two(n)	(1UL << ilog2(n))

/* ceil(log2(n)), 0 for n <= 1. */
#define order_base_2(n)		((n) > 1 ? ilog2((n) - 1) + 1 : 0)

#endif /* _SHIM_LINUX_LOG2_H */
