/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_PREEMPT_H
#define _SHIM_LINUX_PREEMPT_H

#include <linux/compiler.h>

/*
 * Userspace threads cannot stop being preempted; these keep the compiler
 * barrier. Every caller counts as task context.
 */
#define preempt_disable()		barrier()
#define preempt_enable()		barrier()
#define preempt_disable_notrace()	barrier()
#define preempt_enable_notrace()	barrier()

#define in_task()		1
#define in_interrupt()		0
#define in_softirq()		0
#define in_irq()		0
#define in_atomic()		0
#define preemptible()		1

#endif /* _SHIM_LINUX_PREEMPT_H */
