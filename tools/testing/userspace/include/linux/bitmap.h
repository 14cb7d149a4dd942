/* SPDX-License-Identifier: GPL-2.0-only */
/* The few bitmap operations the tests use. */
#ifndef _SHIM_LINUX_BITMAP_H
#define _SHIM_LINUX_BITMAP_H

#include <string.h>
#include <linux/bitops.h>

#define BITS_TO_LONGS(n)	(((n) + 8 * sizeof(long) - 1) / (8 * sizeof(long)))
#define DECLARE_BITMAP(name, bits)	unsigned long name[BITS_TO_LONGS(bits)]

static inline void bitmap_zero(unsigned long *map, unsigned int bits)
{
	memset(map, 0, BITS_TO_LONGS(bits) * sizeof(long));
}

static inline unsigned int bitmap_weight(const unsigned long *map, unsigned int bits)
{
	unsigned int i, w = 0;

	for (i = 0; i < bits; i++)
		w += !!(map[i / (8 * sizeof(long))] & (1UL << (i % (8 * sizeof(long)))));
	return w;
}

/* Every set bit of @addr below @size, in order. */
#define for_each_set_bit(bit, addr, size)					\
	for ((bit) = 0; (bit) < (size); (bit)++)				\
		if (!test_bit((bit), (addr))) {} else

#endif
