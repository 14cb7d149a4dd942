/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_STRING_H
#define _SHIM_LINUX_STRING_H

#include <string.h>
#include <linux/errno.h>
#include <linux/types.h>

/* In slab.c, with the slab shim's accounting. */
void *kmemdup(const void *src, size_t len, gfp_t gfp);
char *kstrdup(const char *s, gfp_t gfp);

/*
 * Copy at most size - 1 characters and always terminate (if size > 0).
 * Returns the length copied, or -E2BIG if src was truncated.
 */
static inline ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t len;

	if (!size)
		return -E2BIG;
	len = strnlen(src, size);
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

/* The first byte of [start, start + bytes) that is not c, or NULL. */
/* Eight bytes at a time where it can, as lib/string.c's does. */
static inline void *memchr_inv(const void *start, int c, size_t bytes)
{
	const u8 *p = start;
	u64 pattern = 0x0101010101010101ULL * (u8)c, w;
	size_t i = 0;

	for (; i + 8 <= bytes; i += 8) {
		__builtin_memcpy(&w, p + i, 8);
		if (w != pattern)
			break;
	}
	for (; i < bytes; i++)
		if (p[i] != (u8)c)
			return (void *)(p + i);
	return NULL;
}

/* A memset() that the compiler may not drop as a dead store. */
static inline void memzero_explicit(void *s, size_t count)
{
	explicit_bzero(s, count);
}

#endif /* _SHIM_LINUX_STRING_H */
