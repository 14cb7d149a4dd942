/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_ATOMIC_H
#define _SHIM_LINUX_ATOMIC_H

#include <stdbool.h>
#include <asm/barrier.h>
#include <linux/compiler.h>
#include <linux/types.h>

/*
 * Orderings follow the kernel's atomic_t.txt: read and set are relaxed,
 * operations that return nothing are relaxed, operations that return a value
 * are fully ordered (seq_cst) unless their name says _relaxed, _acquire or
 * _release, and a failed cmpxchg orders nothing.
 */

#define __shim_cmpxchg(ptr, oldp, new, success, failure)		\
	__atomic_compare_exchange_n(ptr, oldp, new, false, success, failure)

/*
 * cmpxchg(ptr, old, new): if *ptr == old, store new. Returns the value *ptr
 * had, so the exchange happened if and only if that equals old. Works on
 * pointers and on 1, 2, 4 and 8-byte integers.
 */
#define __shim_cmpxchg_ret(ptr, old, new, success, failure) ({		\
	typeof(*(ptr)) __cx_old = (old);				\
	typeof(*(ptr)) __cx_new = (new);				\
									\
	__shim_cmpxchg(ptr, &__cx_old, __cx_new, success, failure);	\
	__cx_old;							\
})

#define cmpxchg(ptr, old, new)	\
	__shim_cmpxchg_ret(ptr, old, new, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define cmpxchg_acquire(ptr, old, new)	\
	__shim_cmpxchg_ret(ptr, old, new, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)
#define cmpxchg_release(ptr, old, new)	\
	__shim_cmpxchg_ret(ptr, old, new, __ATOMIC_RELEASE, __ATOMIC_RELAXED)
#define cmpxchg_relaxed(ptr, old, new)	\
	__shim_cmpxchg_ret(ptr, old, new, __ATOMIC_RELAXED, __ATOMIC_RELAXED)
#define cmpxchg64(ptr, old, new)	cmpxchg(ptr, old, new)

/*
 * try_cmpxchg(ptr, oldp, new): as cmpxchg(), but returns true on success and
 * on failure stores the value found into *oldp, ready for the next attempt.
 */
#define __shim_try_cmpxchg(ptr, oldp, new, success, failure) ({	\
	typeof(*(ptr)) __tcx_new = (new);				\
									\
	__shim_cmpxchg(ptr, oldp, __tcx_new, success, failure);		\
})

#define try_cmpxchg(ptr, oldp, new)	\
	__shim_try_cmpxchg(ptr, oldp, new, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define try_cmpxchg_acquire(ptr, oldp, new)	\
	__shim_try_cmpxchg(ptr, oldp, new, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)
#define try_cmpxchg_release(ptr, oldp, new)	\
	__shim_try_cmpxchg(ptr, oldp, new, __ATOMIC_RELEASE, __ATOMIC_RELAXED)
#define try_cmpxchg_relaxed(ptr, oldp, new)	\
	__shim_try_cmpxchg(ptr, oldp, new, __ATOMIC_RELAXED, __ATOMIC_RELAXED)

/* xchg(ptr, new): store new, return the previous value. */
#define __shim_xchg(ptr, new, order) ({					\
	typeof(*(ptr)) __x_new = (new);					\
									\
	__atomic_exchange_n(ptr, __x_new, order);			\
})

#define xchg(ptr, new)		__shim_xchg(ptr, new, __ATOMIC_SEQ_CST)
#define xchg_acquire(ptr, new)	__shim_xchg(ptr, new, __ATOMIC_ACQUIRE)
#define xchg_release(ptr, new)	__shim_xchg(ptr, new, __ATOMIC_RELEASE)
#define xchg_relaxed(ptr, new)	__shim_xchg(ptr, new, __ATOMIC_RELAXED)

/*
 * The atomic_t, atomic64_t and atomic_long_t operations, generated for each
 * type: pfx is the name prefix, T the counter's type.
 */
#define __SHIM_ATOMIC_OPS(pfx, atype, T)				\
static inline T pfx##_read(const atype *v)				\
{ return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }		\
static inline T pfx##_read_acquire(const atype *v)			\
{ return __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE); }		\
static inline void pfx##_set(atype *v, T i)				\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_set_release(atype *v, T i)			\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELEASE); }		\
static inline void pfx##_add(T i, atype *v)				\
{ __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_sub(T i, atype *v)				\
{ __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_inc(atype *v)					\
{ pfx##_add(1, v); }							\
static inline void pfx##_dec(atype *v)					\
{ pfx##_sub(1, v); }							\
static inline void pfx##_and(T i, atype *v)				\
{ __atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_or(T i, atype *v)				\
{ __atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline T pfx##_fetch_add(T i, atype *v)				\
{ return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline T pfx##_fetch_add_relaxed(T i, atype *v)			\
{ return __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }	\
static inline T pfx##_fetch_sub(T i, atype *v)				\
{ return __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline T pfx##_add_return(T i, atype *v)				\
{ return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline T pfx##_add_return_relaxed(T i, atype *v)			\
{ return __atomic_add_fetch(&v->counter, i, __ATOMIC_RELAXED); }	\
static inline T pfx##_sub_return(T i, atype *v)				\
{ return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline T pfx##_inc_return(atype *v)				\
{ return pfx##_add_return(1, v); }					\
static inline T pfx##_inc_return_relaxed(atype *v)			\
{ return pfx##_add_return_relaxed(1, v); }				\
static inline T pfx##_dec_return(atype *v)				\
{ return pfx##_sub_return(1, v); }					\
static inline bool pfx##_sub_and_test(T i, atype *v)			\
{ return pfx##_sub_return(i, v) == 0; }				\
static inline bool pfx##_dec_and_test(atype *v)				\
{ return pfx##_sub_return(1, v) == 0; }				\
static inline T pfx##_xchg(atype *v, T i)				\
{ return xchg(&v->counter, i); }					\
static inline T pfx##_cmpxchg(atype *v, T old, T new)			\
{ return cmpxchg(&v->counter, old, new); }				\
static inline T pfx##_cmpxchg_relaxed(atype *v, T old, T new)		\
{ return cmpxchg_relaxed(&v->counter, old, new); }			\
static inline bool pfx##_try_cmpxchg(atype *v, T *old, T new)		\
{ return try_cmpxchg(&v->counter, old, new); }				\
static inline bool pfx##_try_cmpxchg_relaxed(atype *v, T *old, T new)	\
{ return try_cmpxchg_relaxed(&v->counter, old, new); }			\
/* Add a unless the counter is u; true if it added. */			\
static inline bool pfx##_add_unless(atype *v, T a, T u)			\
{									\
	T c = pfx##_read(v);						\
									\
	do {								\
		if (c == u)						\
			return false;					\
	} while (!pfx##_try_cmpxchg(v, &c, c + a));			\
	return true;							\
}									\
static inline bool pfx##_inc_not_zero(atype *v)				\
{ return pfx##_add_unless(v, 1, 0); }

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }
#define ATOMIC_LONG_INIT(i)	{ (i) }

__SHIM_ATOMIC_OPS(atomic, atomic_t, int)
__SHIM_ATOMIC_OPS(atomic64, atomic64_t, s64)
__SHIM_ATOMIC_OPS(atomic_long, atomic_long_t, long)

#endif /* _SHIM_LINUX_ATOMIC_H */
