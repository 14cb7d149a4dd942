/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_RANDOM_H
#define _SHIM_LINUX_RANDOM_H

/*
 * Random bytes from getrandom(2), or, after shim_random_seed() (<shim.h>),
 * a reproducible pseudo-random sequence.
 */

#include <linux/types.h>
#include <shim.h>

void get_random_bytes(void *buf, size_t len);

static inline u32 get_random_u32(void)
{
	u32 v;

	get_random_bytes(&v, sizeof(v));
	return v;
}

static inline u64 get_random_u64(void)
{
	u64 v;

	get_random_bytes(&v, sizeof(v));
	return v;
}

/* Uniform in [0, ceil), ceil > 0. */
static inline u32 get_random_u32_below(u32 ceil)
{
	return ((u64)get_random_u32() * ceil) >> 32;
}

#define prandom_u32_max(ceil)	get_random_u32_below(ceil)

#endif /* _SHIM_LINUX_RANDOM_H */
