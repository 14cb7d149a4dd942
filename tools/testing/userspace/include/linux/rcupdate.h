/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_RCUPDATE_H
#define _SHIM_LINUX_RCUPDATE_H

/*
 * RCU for userspace (rcu.c), with one of two backends chosen at build
 * time:
 *
 *  - liburcu's urcu-memb flavour (the default);
 *  - with -DSHIM_RCU_RWLOCK, a global pthread rwlock that ThreadSanitizer
 *    understands: readers hold it shared, synchronize_rcu() takes it
 *    exclusive once, so TSan sees every reader-to-reclaimer edge.
 *
 * Reader threads must be registered (shim_rcu_register_thread(), <shim.h>).
 * call_rcu() callbacks run on a grace-period thread, started on first use
 * and stopped by shim_rcu_exit().
 *
 * The polled grace-period API behaves as in Linux 6.1: a cookie names the
 * end of the first grace period that starts after it was taken, and
 * synchronize_rcu() completes cookies too.
 */

#include <stdbool.h>
#include <asm/barrier.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/types.h>
#include <shim.h>

void rcu_read_lock(void);
void rcu_read_unlock(void);
void synchronize_rcu(void);
void call_rcu(struct rcu_head *head, rcu_callback_t func);
void rcu_barrier(void);

/* One flavour of reader here: softirqs and preemption don't exist. */
#define rcu_read_lock_bh()		rcu_read_lock()
#define rcu_read_unlock_bh()		rcu_read_unlock()
#define rcu_read_lock_sched()		rcu_read_lock()
#define rcu_read_unlock_sched()		rcu_read_unlock()
#define synchronize_rcu_expedited()	synchronize_rcu()

/* A cookie that poll_state_synchronize_rcu() always finds completed. */
#define RCU_GET_STATE_COMPLETED		0x1UL

unsigned long get_state_synchronize_rcu(void);
unsigned long start_poll_synchronize_rcu(void);
bool poll_state_synchronize_rcu(unsigned long cookie);
void cond_synchronize_rcu(unsigned long cookie);

static inline unsigned long get_completed_synchronize_rcu(void)
{
	return RCU_GET_STATE_COMPLETED;
}

/* No lockdep-RCU checking here; the debug kernel (PROVE_RCU) does that. */
static inline int rcu_read_lock_held(void)
{
	return 1;
}

#define RCU_LOCKDEP_WARN(c, s)	do { } while (0 && (c))

/*
 * Loading an RCU pointer is an acquire (the kernel's is a dependency-ordered
 * load, which C has no usable form of). Pairs with rcu_assign_pointer() or
 * with the cmpxchg() that published the pointer.
 */
#define rcu_dereference_raw(p)		__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_dereference(p)		rcu_dereference_raw(p)
#define rcu_dereference_bh(p)		rcu_dereference_raw(p)
#define rcu_dereference_sched(p)	rcu_dereference_raw(p)
#define rcu_dereference_check(p, c)	\
	({ RCU_LOCKDEP_WARN(!(c), "rcu_dereference_check"); rcu_dereference_raw(p); })

/* Update side, with updates excluded by c: a plain load, as in the kernel. */
#define rcu_dereference_protected(p, c)	((void)(0 && (c)), (p))

/* Only the pointer's value, never dereferenced: no ordering needed. */
#define rcu_access_pointer(p)		READ_ONCE(p)

/* Conversions to and from the __rcu address space: nothing here. */
#define RCU_INITIALIZER(v)		((typeof(*(v)) __force __rcu *)(v))
#define unrcu_pointer(p)		((typeof(*(p)) __force *)(p))

/* Publish v: everything written to *v before is visible to readers. */
#define rcu_assign_pointer(p, v)	smp_store_release(&(p), v)

/* For NULL, or for a pointer that readers cannot reach yet. */
#define RCU_INIT_POINTER(p, v)		WRITE_ONCE(p, v)

#define rcu_replace_pointer(rcu_ptr, ptr, c) ({				\
	typeof(ptr) __rp_old = rcu_dereference_protected(rcu_ptr, c);	\
									\
	rcu_assign_pointer(rcu_ptr, ptr);				\
	__rp_old;							\
})

#endif /* _SHIM_LINUX_RCUPDATE_H */
