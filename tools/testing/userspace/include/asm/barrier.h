/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_ASM_BARRIER_H
#define _SHIM_ASM_BARRIER_H

#include <linux/compiler.h>
#include <shim.h>

/*
 * ThreadSanitizer does not model stand-alone fences, and gcc refuses them
 * under -fsanitize=thread (-Wtsan). Under TSan every fence is therefore a
 * read-modify-write of one global word. That orders each fence against every
 * other fence in the program: stronger than the real thing, so a missing
 * barrier can go unnoticed, but a race that the barriers do prevent is never
 * reported. Elsewhere the fences are the real ones.
 */
#ifdef SHIM_TSAN
#define __shim_fence(order)	\
	((void)__atomic_fetch_add(&shim_tsan_fence, 0, __ATOMIC_SEQ_CST))
#else
#define __shim_fence(order)	__atomic_thread_fence(order)
#endif

#define smp_mb()		__shim_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()		__shim_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()		__shim_fence(__ATOMIC_RELEASE)
#define mb()			smp_mb()
#define rmb()			smp_rmb()
#define wmb()			smp_wmb()

/*
 * As in the kernel on x86: an atomic read-modify-write is a lock-prefixed
 * instruction, a full barrier in hardware, so these need only stop the
 * compiler. Elsewhere, and under TSan, which must see the ordering, the
 * shim's non-value-returning atomics are relaxed and these are full fences.
 */
#if defined(__x86_64__) && !defined(SHIM_TSAN)
#define smp_mb__before_atomic()	__asm__ __volatile__("" ::: "memory")
#define smp_mb__after_atomic()	__asm__ __volatile__("" ::: "memory")
#else
#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()
#endif
#define smp_acquire__after_ctrl_dep()	smp_rmb()

#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)

#define smp_store_release(p, v)						\
do {									\
	typeof(*(p)) __sr_val = (v);					\
									\
	__atomic_store_n((p), __sr_val, __ATOMIC_RELEASE);		\
} while (0)

#endif /* _SHIM_ASM_BARRIER_H */
