/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_MUTEX_H
#define _SHIM_LINUX_MUTEX_H

#include <linux/kernel.h>
#include <linux/lockdep.h>

struct mutex {
	struct shim_lock shim;
};

#define __MUTEX_INITIALIZER(name)	{ .shim = __SHIM_LOCK_INIT }
#define DEFINE_MUTEX(name)		struct mutex name = __MUTEX_INITIALIZER(name)

static inline void mutex_init(struct mutex *lock)
{
	shim_lock_init(&lock->shim);
}

static inline void mutex_destroy(struct mutex *lock)
{
	WARN_ON(__atomic_load_n(&lock->shim.owner, __ATOMIC_RELAXED));
	(void)lock;
}

static inline void mutex_lock(struct mutex *lock)
{
	shim_lock_acquire(&lock->shim);
}

/* No signals to interrupt the wait: these always return 0. */
static inline int __must_check mutex_lock_interruptible(struct mutex *lock)
{
	mutex_lock(lock);
	return 0;
}

static inline int __must_check mutex_lock_killable(struct mutex *lock)
{
	mutex_lock(lock);
	return 0;
}

/* 1 if the lock was taken, 0 if it is held. */
static inline int mutex_trylock(struct mutex *lock)
{
	return shim_lock_try(&lock->shim);
}

static inline void mutex_unlock(struct mutex *lock)
{
	shim_lock_release(&lock->shim);
}

static inline bool mutex_is_locked(struct mutex *lock)
{
	return __atomic_load_n(&lock->shim.owner, __ATOMIC_RELAXED) != NULL;
}

#endif /* _SHIM_LINUX_MUTEX_H */
