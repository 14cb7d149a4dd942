/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_SPINLOCK_H
#define _SHIM_LINUX_SPINLOCK_H

/*
 * spinlock_t is a pthread mutex: it sleeps rather than spins, which suits
 * tests with more threads than CPUs. Interrupts and bottom halves do not
 * exist here, so the _irq, _irqsave and _bh forms are plain locks.
 */

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/preempt.h>

typedef struct spinlock {
	struct shim_lock shim;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name)	{ .shim = __SHIM_LOCK_INIT }
#define DEFINE_SPINLOCK(name)		spinlock_t name = __SPIN_LOCK_UNLOCKED(name)

static inline void spin_lock_init(spinlock_t *lock)
{
	shim_lock_init(&lock->shim);
}

static inline void spin_lock(spinlock_t *lock)
{
	shim_lock_acquire(&lock->shim);
}

static inline int spin_trylock(spinlock_t *lock)
{
	return shim_lock_try(&lock->shim);
}

static inline void spin_unlock(spinlock_t *lock)
{
	shim_lock_release(&lock->shim);
}

#define spin_lock_bh(lock)		spin_lock(lock)
#define spin_unlock_bh(lock)		spin_unlock(lock)
#define spin_lock_irq(lock)		spin_lock(lock)
#define spin_unlock_irq(lock)		spin_unlock(lock)

#define spin_lock_irqsave(lock, flags)					\
do {									\
	(flags) = 0;							\
	spin_lock(lock);						\
} while (0)

#define spin_unlock_irqrestore(lock, flags)				\
do {									\
	(void)(flags);							\
	spin_unlock(lock);						\
} while (0)

static inline int spin_is_locked(spinlock_t *lock)
{
	return __atomic_load_n(&lock->shim.owner, __ATOMIC_RELAXED) != NULL;
}

#endif /* _SHIM_LINUX_SPINLOCK_H */
