/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_VMALLOC_H
#define _SHIM_LINUX_VMALLOC_H

/*
 * vmalloc over the C library's allocator, page-aligned, with the slab
 * shim's counting and failure injection.
 */

#include <asm/page.h>
#include <linux/gfp.h>
#include <linux/slab.h>

static inline void *vmalloc(unsigned long size)
{
	if (!size)
		return NULL;
	return shim_alloc(size, PAGE_SIZE, GFP_KERNEL);
}

static inline void *vzalloc(unsigned long size)
{
	if (!size)
		return NULL;
	return shim_alloc(size, PAGE_SIZE, GFP_KERNEL | __GFP_ZERO);
}

/* Zeroed and page-aligned, as memory to be mapped into userspace must be. */
static inline void *vmalloc_user(unsigned long size)
{
	return vzalloc(size);
}

static inline void vfree(const void *p)
{
	if (p)
		shim_free(p);
}

#endif /* _SHIM_LINUX_VMALLOC_H */
