/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_SCHED_H
#define _SHIM_LINUX_SCHED_H

#include <sched.h>
#include <asm/processor.h>
#include <linux/kernel.h>
#include <linux/preempt.h>

/* Let another thread run. Returns 0, as when nothing else wanted the CPU. */
static inline int cond_resched(void)
{
	sched_yield();
	return 0;
}

#endif /* _SHIM_LINUX_SCHED_H */
