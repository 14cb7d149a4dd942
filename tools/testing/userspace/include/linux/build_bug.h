/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_BUILD_BUG_H
#define _SHIM_LINUX_BUILD_BUG_H

#include <linux/compiler.h>

/*
 * The condition must be an integer constant expression here; the kernel's
 * version also accepts what the optimiser folds. is_power_of_2(), ilog2()
 * and roundup_pow_of_two() of constants are constant expressions.
 */
#define BUILD_BUG_ON_MSG(cond, msg)	\
	do { _Static_assert(!(cond), msg); } while (0)
#define BUILD_BUG_ON(cond)	\
	BUILD_BUG_ON_MSG(cond, "BUILD_BUG_ON failed: " #cond)
#define BUILD_BUG()		BUILD_BUG_ON_MSG(1, "BUILD_BUG failed")

/* 0 as an int, or a compile error (negative bit-field width) if e is true. */
#define BUILD_BUG_ON_ZERO(e)	((int)sizeof(struct { int:(-!!(e)); }))

/*
 * The kernel's static_assert(), whose message is optional. Including
 * <assert.h> after this header replaces it with C11's, which is not.
 */
#undef static_assert
#define static_assert(expr, ...)	__shim_static_assert(expr, ##__VA_ARGS__, #expr)
#define __shim_static_assert(expr, msg, ...)	_Static_assert(expr, msg)

#endif /* _SHIM_LINUX_BUILD_BUG_H */
