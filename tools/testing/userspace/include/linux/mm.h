/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_MM_H
#define _SHIM_LINUX_MM_H

/*
 * The page-size arithmetic, and pages as page-sized allocations of the
 * slab shim (counted, failure-injectable): a struct page * is the page's
 * own address. No mappings.
 */
#include <asm/page.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/slab.h>

struct page;

static inline struct page *alloc_page(gfp_t gfp)
{
	return shim_alloc(PAGE_SIZE, PAGE_SIZE, gfp);
}

static inline void __free_page(struct page *page)
{
	shim_free(page);
}

#endif /* _SHIM_LINUX_MM_H */
