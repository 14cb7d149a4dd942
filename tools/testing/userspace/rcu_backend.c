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

#define _LGPL_SOURCE		/* inline read-side fast paths */
#include <urcu/urcu-memb.h>

void rcu_backend_read_lock(void)
{
	urcu_memb_read_lock();
}

void rcu_backend_read_unlock(void)
{
	urcu_memb_read_unlock();
}

void rcu_backend_synchronize(void)
{
	urcu_memb_synchronize_rcu();
}

void rcu_backend_register(void)
{
	urcu_memb_register_thread();
}

void rcu_backend_unregister(void)
{
	urcu_memb_unregister_thread();
}

#endif
