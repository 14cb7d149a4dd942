/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_LOCKDEP_H
#define _SHIM_LINUX_LOCKDEP_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <linux/bug.h>
#include <shim.h>

/*
 * What spinlock_t and struct mutex are built on: a spinlock made of atomics,
 * which ThreadSanitizer understands, and the owning thread, so that
 * lockdep_assert_held() can check. The owner is the address of the thread's
 * shim_thread_tag.
 */
/*
 * A test-and-test-and-set spinlock: under contention it spins like the
 * kernel's spinlock_t instead of sleeping in futex() like a pthread mutex,
 * which would make contended benchmarks measure the scheduler. TSan sees
 * its acquire/release atomics; a zeroed lock is unlocked.
 */
/* Pause on x86; elsewhere, and under TSan (which runs threads slowly), yield. */
#if defined(__x86_64__) && !defined(SHIM_RCU_RWLOCK)
#define sched_yield_or_pause()	__builtin_ia32_pause()
#else
#define sched_yield_or_pause()	sched_yield()
#endif

struct shim_lock {
	int locked;
	const char *owner;
};

#define __SHIM_LOCK_INIT	{ .locked = 0 }

static inline void shim_lock_init(struct shim_lock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELAXED);
	l->owner = NULL;
}

static inline bool shim_lock_try(struct shim_lock *l)
{
	if (__atomic_load_n(&l->locked, __ATOMIC_RELAXED) ||
	    __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		return false;
	__atomic_store_n(&l->owner, &shim_thread_tag, __ATOMIC_RELAXED);
	return true;
}

static inline void shim_lock_acquire(struct shim_lock *l)
{
	while (!shim_lock_try(l))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			sched_yield_or_pause();
}

static inline void shim_lock_release(struct shim_lock *l)
{
	__atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* Whether the calling thread holds l. */
static inline bool shim_lock_held(const struct shim_lock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == &shim_thread_tag;
}

/* For spinlock_t and struct mutex, each of which has a struct shim_lock "shim". */
#define lockdep_is_held(lock)		shim_lock_held(&(lock)->shim)
#define lockdep_assert_held(lock)	WARN_ON(!lockdep_is_held(lock))
#define lockdep_assert_held_once(lock)	WARN_ON_ONCE(!lockdep_is_held(lock))
#define lockdep_assert_not_held(lock)	WARN_ON(lockdep_is_held(lock))

#endif /* _SHIM_LINUX_LOCKDEP_H */
