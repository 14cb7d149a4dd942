/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

/* <sys/sysinfo.h> includes <linux/kernel.h> and wants the uapi one. */
#include_next <linux/kernel.h>

#include <stdarg.h>
#include <stdio.h>		/* snprintf, vsnprintf, as the kernel has them */
#include <linux/align.h>
#include <linux/array_size.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/err.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/stddef.h>
#include <linux/stringify.h>
#include <linux/types.h>

#define upper_32_bits(n)	((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))

#define u64_to_user_ptr(x)	((void __user *)(uintptr_t)(x))

/* No sleep-in-atomic checking here; the debug kernel does that. */
#define might_sleep()		do { } while (0)
#define might_sleep_if(cond)	do { if (cond) might_sleep(); } while (0)

#endif /* _SHIM_LINUX_KERNEL_H */
