/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_XXHASH_H
#define _SHIM_LINUX_XXHASH_H

/*
 * The kernel's xxh32()/xxh64() are the reference XXH32/XXH64, so libxxhash
 * computes the same values. The streaming state API is not provided.
 */

#include <xxhash.h>
#include <linux/types.h>

static inline u32 xxh32(const void *input, size_t length, u32 seed)
{
	return XXH32(input, length, seed);
}

static inline u64 xxh64(const void *input, size_t length, u64 seed)
{
	return XXH64(input, length, seed);
}

#endif /* _SHIM_LINUX_XXHASH_H */
