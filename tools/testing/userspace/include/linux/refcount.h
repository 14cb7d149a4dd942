/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_REFCOUNT_H
#define _SHIM_LINUX_REFCOUNT_H

/*
 * Reference counts with the kernel's checks: incrementing from zero (a
 * use-after-free) or going below zero warns and leaves the count
 * saturated, so the object leaks rather than being freed twice.
 */

#include <limits.h>
#include <stdbool.h>
#include <linux/atomic.h>
#include <linux/bug.h>

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n)	{ .refs = ATOMIC_INIT(n) }
#define REFCOUNT_SATURATED	(INT_MIN / 2)

static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return atomic_read(&r->refs);
}

static inline void refcount_add(int i, refcount_t *r)
{
	int old = atomic_fetch_add_relaxed(i, &r->refs);

	if (WARN_ONCE(old <= 0, "refcount_t: addition on 0 or saturated\n"))
		refcount_set(r, REFCOUNT_SATURATED);
}

static inline void refcount_inc(refcount_t *r)
{
	refcount_add(1, r);
}

/* Take a reference unless the count is zero; true if taken. */
static inline bool __must_check refcount_inc_not_zero(refcount_t *r)
{
	int old = atomic_read(&r->refs);

	do {
		if (!old)
			return false;
	} while (!atomic_try_cmpxchg_relaxed(&r->refs, &old, old + 1));
	WARN_ONCE(old < 0, "refcount_t: saturated\n");
	return true;
}

/*
 * Drop i references; true if that was the last, and the caller frees. The
 * decrement releases this thread's accesses to the object; the last one
 * also acquires everyone else's, before the free.
 */
static inline bool __must_check refcount_sub_and_test(int i, refcount_t *r)
{
	int old = __atomic_fetch_sub(&r->refs.counter, i, __ATOMIC_ACQ_REL);

	if (old == i)
		return true;
	if (WARN_ONCE(old < i, "refcount_t: underflow; use-after-free\n"))
		refcount_set(r, REFCOUNT_SATURATED);
	return false;
}

static inline bool __must_check refcount_dec_and_test(refcount_t *r)
{
	return refcount_sub_and_test(1, r);
}

static inline void refcount_dec(refcount_t *r)
{
	WARN_ONCE(refcount_dec_and_test(r), "refcount_t: decrement hit 0\n");
}

#endif /* _SHIM_LINUX_REFCOUNT_H */
