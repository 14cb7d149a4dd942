// SPDX-License-Identifier: GPL-2.0-only
/*
 * The slab shim: kmalloc() and kmem_cache over the C library's allocator,
 * so that ASan sees every object, with the two controls tests use
 * (<shim.h>): shim_nr_allocated counts live objects, so that a run can
 * check it frees everything, and shim_fail_nth fails the Nth allocation
 * from now, so that tests reach the -ENOMEM paths. The inline half
 * (kmalloc, kvmalloc, vmalloc) is in <linux/slab.h> and <linux/vmalloc.h>.
 */
#include <stdlib.h>
#include <string.h>

#include <asm/page.h>
#include <linux/bug.h>
#include <linux/cache.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <shim.h>

long shim_nr_allocated;
int shim_fail_nth;

/* Consume one step of shim_fail_nth; true if this allocation must fail. */
static bool should_fail(gfp_t gfp)
{
	int n = __atomic_load_n(&shim_fail_nth, __ATOMIC_RELAXED);

	if (gfp & __GFP_NOFAIL)
		return false;
	while (n > 0) {
		if (__atomic_compare_exchange_n(&shim_fail_nth, &n, n - 1, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return n == 1;
	}
	return false;
}

/* kmalloc's alignment for size: see <linux/slab.h>. */
static size_t kmalloc_align(size_t size)
{
	if (size >= PAGE_SIZE)
		return PAGE_SIZE;
	return max_t(size_t, roundup_pow_of_two(size), sizeof(void *) * 2);
}

void *shim_alloc(size_t size, size_t align, gfp_t gfp)
{
	void *p;

	if (should_fail(gfp))
		return NULL;
	if (!align)
		align = kmalloc_align(size);
	if (posix_memalign(&p, align, size))
		return NULL;
	if (gfp & __GFP_ZERO)
		memset(p, 0, size);
	__atomic_add_fetch(&shim_nr_allocated, 1, __ATOMIC_RELAXED);
	return p;
}

void shim_free(const void *p)
{
	__atomic_sub_fetch(&shim_nr_allocated, 1, __ATOMIC_RELAXED);
	free((void *)p);
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p && len)
		memcpy(p, src, len);
	return p;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kmemdup(s, strlen(s) + 1, gfp) : NULL;
}

struct kmem_cache {
	const char *name;
	size_t size;
	size_t align;
	void (*ctor)(void *obj);
	long nr_objects;
};

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s) {
		BUG_ON(flags & SLAB_PANIC);
		return NULL;
	}
	if (flags & SLAB_HWCACHE_ALIGN)
		align = max_t(unsigned int, align, SMP_CACHE_BYTES);
	s->name = name;
	s->size = size;
	s->align = max_t(size_t, roundup_pow_of_two(align ?: 1), sizeof(void *) * 2);
	s->ctor = ctor;
	return s;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	long n;

	if (!s)
		return;
	n = __atomic_load_n(&s->nr_objects, __ATOMIC_RELAXED);
	WARN(n, "kmem_cache %s destroyed with %ld objects in use\n", s->name, n);
	kfree(s);
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	void *obj = shim_alloc(s->size, s->align, gfp);

	if (!obj)
		return NULL;
	if (s->ctor)
		s->ctor(obj);
	__atomic_add_fetch(&s->nr_objects, 1, __ATOMIC_RELAXED);
	return obj;
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	if (!obj)
		return;
	__atomic_sub_fetch(&s->nr_objects, 1, __ATOMIC_RELAXED);
	shim_free(obj);
}
