/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_ERRNO_H
#define _SHIM_LINUX_ERRNO_H

/* glibc's <errno.h> includes <linux/errno.h>: the uapi values are the same. */
#include_next <linux/errno.h>

/* Kernel-internal codes that never reach userspace. */
#define ERESTARTSYS	512
#define ENOTSUPP	524

#endif /* _SHIM_LINUX_ERRNO_H */
