/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_LOCKDEP_H
#define _SHIM_LINUX_LOCKDEP_H

#include <pthread.h>
#include <stdbool.h>
#include <linux/bug.h>
#include <shim.h>

/*
 * What spinlock_t and struct mutex are built on: a pthread mutex, which
 * ThreadSanitizer understands, and the owning thread, so that
 * lockdep_assert_held() can check. The owner is the address of the thread's
 * shim_thread_tag.
 */
struct shim_lock {
	pthread_mutex_t mutex;
	const char *owner;
};

#define __SHIM_LOCK_INIT	{ .mutex = PTHREAD_MUTEX_INITIALIZER }

static inline void shim_lock_init(struct shim_lock *l)
{
	pthread_mutex_init(&l->mutex, NULL);
	l->owner = NULL;
}

static inline void shim_lock_acquire(struct shim_lock *l)
{
	pthread_mutex_lock(&l->mutex);
	__atomic_store_n(&l->owner, &shim_thread_tag, __ATOMIC_RELAXED);
}

static inline bool shim_lock_try(struct shim_lock *l)
{
	if (pthread_mutex_trylock(&l->mutex))
		return false;
	__atomic_store_n(&l->owner, &shim_thread_tag, __ATOMIC_RELAXED);
	return true;
}

static inline void shim_lock_release(struct shim_lock *l)
{
	__atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&l->mutex);
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
