/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_ASM_PROCESSOR_H
#define _SHIM_ASM_PROCESSOR_H

/* The spin-wait hint: PAUSE on x86, elsewhere give up the CPU. */
#if defined(__x86_64__) || defined(__i386__)
static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
}
#else
#include <sched.h>

static inline void cpu_relax(void)
{
	sched_yield();
}
#endif

#endif /* _SHIM_ASM_PROCESSOR_H */
