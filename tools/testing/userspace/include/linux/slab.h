/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

/*
 * kmalloc and friends over the C library's allocator, so ASan sees every
 * object. Each allocation is counted in shim_nr_allocated and may be made
 * to fail with shim_fail_nth (see <shim.h>).
 */

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/types.h>
#include <shim.h>

/* kmalloc(0) returns this: not NULL, but faults when used. */
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

/*
 * In slab.c. align 0 means kmalloc's alignment: like the kernel's kmalloc
 * caches, a power-of-two size up to a page is aligned to itself, any other
 * size to the next power of two (at most a page).
 */
void *shim_alloc(size_t size, size_t align, gfp_t gfp);
void shim_free(const void *p);

static inline void *kmalloc(size_t size, gfp_t gfp)
{
	if (!size)
		return ZERO_SIZE_PTR;
	return shim_alloc(size, 0, gfp);
}

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, gfp);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kmalloc_array(n, size, gfp | __GFP_ZERO);
}

static inline void kfree(const void *p)
{
	if (!ZERO_OR_NULL_PTR(p))
		shim_free(p);
}

/* kvmalloc never needs vmalloc here: one allocation, freed by kvfree. */
static inline void *kvmalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp);
}

static inline void *kvzalloc(size_t size, gfp_t gfp)
{
	return kzalloc(size, gfp);
}

static inline void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	return kmalloc_array(n, size, gfp);
}

static inline void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kcalloc(n, size, gfp);
}

static inline void kvfree(const void *p)
{
	kfree(p);
}

/* Slab caches: counted per cache, so destroying a cache in use warns. */
#define SLAB_HWCACHE_ALIGN	0x1u
#define SLAB_ACCOUNT		0x2u
#define SLAB_PANIC		0x4u
#define SLAB_RECLAIM_ACCOUNT	0x8u

struct kmem_cache;

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *s);
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *s, void *obj);

static inline void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return kmem_cache_alloc(s, gfp | __GFP_ZERO);
}

#define KMEM_CACHE(type, flags)						\
	kmem_cache_create(#type, sizeof(struct type),			\
			  __alignof__(struct type), flags, NULL)

#endif /* _SHIM_LINUX_SLAB_H */
