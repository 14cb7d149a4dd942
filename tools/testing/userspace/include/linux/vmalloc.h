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
#include <linux/string.h>

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

/* vmap()'s flags and protection: the values are the shim's own. */
#define VM_MAP			0x4u
#define VM_USERMAP		0x8u
#define VM_MAP_PUT_PAGES	0x200u

typedef struct { unsigned long pgprot; } pgprot_t;
#define PAGE_KERNEL		((pgprot_t){ 0 })

struct page;

/*
 * No page tables here: the "mapping" is a new contiguous allocation with
 * the pages' contents. With VM_MAP_PUT_PAGES the area owns the pages and
 * their array, which it no longer needs: they go now, and vfree() frees
 * the copy. Without it the caller keeps them, as in the kernel.
 */
static inline void *vmap(struct page **pages, unsigned int count,
			 unsigned long flags, pgprot_t prot)
{
	unsigned int i;
	char *area;

	area = shim_alloc((size_t)count * PAGE_SIZE, PAGE_SIZE, GFP_KERNEL);
	if (!area)
		return NULL;
	for (i = 0; i < count; i++)
		memcpy(area + (size_t)i * PAGE_SIZE, pages[i], PAGE_SIZE);
	if (flags & VM_MAP_PUT_PAGES) {
		for (i = 0; i < count; i++)
			shim_free(pages[i]);
		kvfree(pages);
	}
	return area;
}

#endif /* _SHIM_LINUX_VMALLOC_H */
