/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim. The kernel build force-includes compiler_types.h into every
 * file; the Makefile here does the same (-include), so kernel sources may use
 * the attribute shorthands and sparse annotations without an #include.
 */
#ifndef _SHIM_LINUX_COMPILER_TYPES_H
#define _SHIM_LINUX_COMPILER_TYPES_H

/* glibc defines some of the same names; take its definitions first. */
#include <sys/cdefs.h>

/* Sparse annotations mean nothing to the compiler. */
#define __user
#define __kernel
#define __iomem
#define __percpu
#define __rcu
#define __force
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)
#define __acquire(x)		((void)0)
#define __release(x)		((void)0)
#define __cond_lock(x, c)	(c)

#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#ifndef __attribute_const__
#define __attribute_const__	__attribute__((__const__))
#endif
#define noinline		__attribute__((__noinline__))
#define __maybe_unused		__attribute__((__unused__))
#define __always_unused		__attribute__((__unused__))
#define __used			__attribute__((__used__))
#define __must_check		__attribute__((__warn_unused_result__))
#define __packed		__attribute__((__packed__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __cold			__attribute__((__cold__))
#define __pure			__attribute__((__pure__))
#define __weak			__attribute__((__weak__))
#define __noreturn		__attribute__((__noreturn__))
#define __malloc		__attribute__((__malloc__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __scanf(a, b)		__attribute__((__format__(scanf, a, b)))
#define fallthrough		__attribute__((__fallthrough__))
#define notrace
#define __visible
#define __randomize_layout

/*
 * clang warns about unused static inline functions in a .c file and gcc does
 * not; like the kernel, mark every inline function maybe-unused.
 */
#define inline			inline __attribute__((__unused__))

#define __same_type(a, b)	__builtin_types_compatible_p(typeof(a), typeof(b))

/* SHIM_TSAN: this file is being built with -fsanitize=thread. */
#if defined(__SANITIZE_THREAD__)
#define SHIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SHIM_TSAN 1
#endif
#endif

#endif /* _SHIM_LINUX_COMPILER_TYPES_H */
