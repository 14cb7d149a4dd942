/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPU a thread runs on, as the kernel's raw_smp_processor_id(): a hint,
 * stale as soon as it is read, which is all the reader epoch's slot needs.
 */
#ifndef _SHIM_LINUX_SMP_H
#define _SHIM_LINUX_SMP_H

/* glibc's, declared by <sched.h> only under _GNU_SOURCE. */
int sched_getcpu(void);

static inline unsigned int raw_smp_processor_id(void)
{
	int cpu = sched_getcpu();

	return cpu < 0 ? 0 : cpu;
}

#endif /* _SHIM_LINUX_SMP_H */
