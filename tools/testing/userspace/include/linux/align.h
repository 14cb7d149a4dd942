/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_ALIGN_H
#define _SHIM_LINUX_ALIGN_H

/* a must be a power of two. */
#define __shim_align_mask(x, a)	((typeof(x))(a) - 1)
#define ALIGN(x, a)		(((x) + __shim_align_mask(x, a)) & ~__shim_align_mask(x, a))
#define ALIGN_DOWN(x, a)	((x) & ~__shim_align_mask(x, a))
#define IS_ALIGNED(x, a)	(((x) & __shim_align_mask(x, a)) == 0)
#define PTR_ALIGN(p, a)		((typeof(p))ALIGN((unsigned long)(p), (a)))
#define PTR_ALIGN_DOWN(p, a)	((typeof(p))ALIGN_DOWN((unsigned long)(p), (a)))

#endif /* _SHIM_LINUX_ALIGN_H */
