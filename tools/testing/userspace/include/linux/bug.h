/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_BUG_H
#define _SHIM_LINUX_BUG_H

#include <stdbool.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <shim.h>

/*
 * Count (in shim_warnings) and report a warning. "once" is the call site's
 * flag for the _ONCE variants, or NULL; a repeat is counted but not printed.
 */
void shim_warn(bool *once, const char *file, int line, const char *fmt, ...)
	__printf(4, 5);
void __noreturn shim_bug(const char *file, int line, const char *what);

#define __shim_warn_on(once, cond) ({					\
	int __ret_warn = !!(cond);					\
									\
	if (unlikely(__ret_warn))					\
		shim_warn(once, __FILE__, __LINE__, "%s\n", #cond);	\
	unlikely(__ret_warn);						\
})

#define __shim_warn(once, cond, fmt...) ({				\
	int __ret_warn = !!(cond);					\
									\
	if (unlikely(__ret_warn))					\
		shim_warn(once, __FILE__, __LINE__, fmt);		\
	unlikely(__ret_warn);						\
})

#define WARN_ON(cond)		__shim_warn_on(NULL, cond)
#define WARN(cond, fmt...)	__shim_warn(NULL, cond, fmt)

#define WARN_ON_ONCE(cond) ({						\
	static bool __warned_once;					\
									\
	__shim_warn_on(&__warned_once, cond);				\
})

#define WARN_ONCE(cond, fmt...) ({					\
	static bool __warned_once;					\
									\
	__shim_warn(&__warned_once, cond, fmt);				\
})

/*
 * BUG() aborts. Unlike assert() it ignores NDEBUG, so the bench build
 * evaluates BUG_ON() conditions as the kernel does.
 */
#define BUG()		shim_bug(__FILE__, __LINE__, "BUG()")
#define BUG_ON(cond)							\
do {									\
	if (unlikely(cond))						\
		shim_bug(__FILE__, __LINE__, "BUG_ON(" #cond ")");	\
} while (0)

#endif /* _SHIM_LINUX_BUG_H */
