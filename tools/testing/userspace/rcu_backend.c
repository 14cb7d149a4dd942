// SPDX-License-Identifier: GPL-2.0-only
/*
 * RCU backends for the userspace shim. This file includes no kernel shim
 * header: liburcu's headers define rcu_dereference(), struct rcu_head and
 * more under the kernel's names.
 */
#include "rcu_backend.h"

#ifdef SHIM_RCU_RWLOCK

#include <pthread.h>
#include <sched.h>

/*
 * A TSan-visible RCU. Readers hold rcu_rwlock shared and a grace period
 * takes it exclusive once, so ThreadSanitizer sees an edge from the end of
 * each earlier read-side critical section to the end of the grace period.
 *
 * glibc's default rwlock prefers readers, so a waiting grace period never
 * holds back a new reader: readers never wait for each other, as with real
 * RCU. (A grace period may wait while readers keep overlapping.)
 *
 * Readers take the lock with trylock. TSan's deadlock detector records no
 * lock-order edge into a lock taken by trylock, so rcu_read_lock() inside
 * a spinlock in one place and the reverse order elsewhere, which is legal,
 * is not reported as a lock-order inversion. synchronize_rcu() inside a read
 * section, a real deadlock, still is.
 */
static pthread_rwlock_t rcu_rwlock = PTHREAD_RWLOCK_INITIALIZER;

void rcu_backend_read_lock(void)
{
	/* Fails only while a grace period holds the lock, which is brief. */
	while (pthread_rwlock_tryrdlock(&rcu_rwlock))
		sched_yield();
}

void rcu_backend_read_unlock(void)
{
	pthread_rwlock_unlock(&rcu_rwlock);
}

void rcu_backend_synchronize(void)
{
	pthread_rwlock_wrlock(&rcu_rwlock);
	pthread_rwlock_unlock(&rcu_rwlock);
}

void rcu_backend_register(void)
{
}

void rcu_backend_unregister(void)
{
}

#else /* liburcu */

/*
 * The flavour: urcu-memb by default (read side without fences; grace
 * periods use membarrier(), which IPIs every CPU running the process), or
 * urcu-mb with -DSHIM_URCU_MB (a fence on each read-side lock and unlock;
 * grace periods only poll). In a VM, IPIs are expensive: bench reports
 * both.
 */
#define _LGPL_SOURCE		/* inline read-side fast paths */
#ifdef SHIM_URCU_MB
#include <urcu/urcu-mb.h>
#define URCU(fn)	urcu_mb_##fn
#else
#include <urcu/urcu-memb.h>
#define URCU(fn)	urcu_memb_##fn
#endif

void rcu_backend_read_lock(void)
{
	URCU(read_lock)();
}

void rcu_backend_read_unlock(void)
{
	URCU(read_unlock)();
}

void rcu_backend_synchronize(void)
{
	URCU(synchronize_rcu)();
}

void rcu_backend_register(void)
{
	URCU(register_thread)();
}

void rcu_backend_unregister(void)
{
	URCU(unregister_thread)();
}

#endif
