/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat: kernel API differences, detected at build time by module/Kbuild
 * (it looks for the declaration, never at version numbers).
 */
#ifndef _LFCE_COMPAT_H
#define _LFCE_COMPAT_H

#include <linux/mm.h>

/* 6.3 made vma->vm_flags read-only and added helpers to change it. */
#ifdef LFCE_HAVE_VM_FLAGS_CLEAR
#define lfce_vm_flags_clear(vma, flags)	vm_flags_clear(vma, flags)
#else
static inline void lfce_vm_flags_clear(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#endif /* _LFCE_COMPAT_H */
