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
static inline void *memchr_inv(const void *start, int c, size_t bytes)
{
	const u8 *p = start;
	size_t i;

	for (i = 0; i < bytes; i++)
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
