/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_MATH64_H
#define _SHIM_LINUX_MATH64_H

#include <linux/types.h>

static inline u64 div_u64_rem(u64 dividend, u32 divisor, u32 *remainder)
{
	*remainder = dividend % divisor;
	return dividend / divisor;
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline s64 div_s64(s64 dividend, s32 divisor)
{
	return dividend / divisor;
}

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

static inline s64 div64_s64(s64 dividend, s64 divisor)
{
	return dividend / divisor;
}

/* a * b / c with a 128-bit intermediate product. */
static inline u64 mul_u64_u64_div_u64(u64 a, u64 b, u64 c)
{
	return (u64)((unsigned __int128)a * b / c);
}

static inline u64 mul_u64_u32_div(u64 a, u32 mul, u32 divisor)
{
	return mul_u64_u64_div_u64(a, mul, divisor);
}

/* n (a u64 lvalue) /= base; evaluates to the remainder. */
#define do_div(n, base) ({						\
	u32 __div_base = (base);					\
	u32 __div_rem = (n) % __div_base;				\
									\
	(n) /= __div_base;						\
	__div_rem;							\
})

#endif /* _SHIM_LINUX_MATH64_H */
