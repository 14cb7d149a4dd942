/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

#include <linux/compiler_types.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define barrier()	__asm__ __volatile__("" : : : "memory")
#define unreachable()	__builtin_unreachable()

/*
 * READ_ONCE() and WRITE_ONCE() are relaxed atomic accesses: that is what the
 * kernel memory model makes of them, and it tells ThreadSanitizer that the
 * race they mark is intended. As in the kernel, only scalars of 1, 2, 4 or 8
 * bytes are allowed (the builtins refuse anything else).
 */
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)

#define WRITE_ONCE(x, val)						\
do {									\
	typeof(x) __wo_val = (val);					\
									\
	__atomic_store_n(&(x), __wo_val, __ATOMIC_RELAXED);		\
} while (0)

/*
 * KCSAN's "this race is benign". ThreadSanitizer has no equivalent that is
 * not a suppression, so the access stays plain and TSan will report it: use
 * READ_ONCE() or an atomic instead.
 */
#define data_race(expr)	(expr)

#endif /* _SHIM_LINUX_COMPILER_H */
