/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_MM_H
#define _SHIM_LINUX_MM_H

/* Only the page-size arithmetic; no struct page, no mappings. */
#include <asm/page.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/overflow.h>

#endif /* _SHIM_LINUX_MM_H */
