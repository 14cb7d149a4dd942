/* SPDX-License-Identifier: GPL-2.0-only */
/* kthreads as pthreads, registered with RCU; reaped after each test case. */
#ifndef _SHIM_LINUX_KTHREAD_H
#define _SHIM_LINUX_KTHREAD_H

#include <stdbool.h>
#include <linux/err.h>

struct task_struct;

struct task_struct *shim_kthread_run(int (*fn)(void *data), void *data, const char *name);
int kthread_stop(struct task_struct *task);
bool kthread_should_stop(void);
void shim_kthread_reap(void);

#define kthread_run(fn, data, fmt, ...)	shim_kthread_run(fn, data, fmt)

#endif
