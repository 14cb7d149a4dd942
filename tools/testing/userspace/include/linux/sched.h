/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_SCHED_H
#define _SHIM_LINUX_SCHED_H

#include <sched.h>
#include <time.h>
#include <asm/processor.h>
#include <linux/kernel.h>
#include <linux/preempt.h>

/* Let another thread run. Returns 0, as when nothing else wanted the CPU. */
static inline int cond_resched(void)
{
	sched_yield();
	return 0;
}

struct task_struct;

/* Tasks are threads; only the killable waits look at the current one. */
#define current		((struct task_struct *)NULL)

/* A tick is a millisecond here. Returns 0: the whole timeout passed. */
static inline long schedule_timeout_killable(long timeout)
{
	struct timespec ts = { .tv_nsec = 1000000L * timeout };

	nanosleep(&ts, NULL);
	return 0;
}

#endif /* _SHIM_LINUX_SCHED_H */
