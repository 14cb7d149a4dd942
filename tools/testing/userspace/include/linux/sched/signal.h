/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_SCHED_SIGNAL_H
#define _SHIM_LINUX_SCHED_SIGNAL_H

#include <stdbool.h>
#include <linux/sched.h>

/* No task is ever killed here: killable waits run to their end. */
static inline bool fatal_signal_pending(struct task_struct *task)
{
	return false;
}

#endif /* _SHIM_LINUX_SCHED_SIGNAL_H */
