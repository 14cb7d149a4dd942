/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pool: the per-game pool of snapshot nodes, the writers' stashes filled
 * from it, and the caps on the nodes of all games and of one uid's games.
 * Nodes come back after a grace period of the game's own reader epoch
 * (pool.c).
 */
#ifndef _LFCE_POOL_H
#define _LFCE_POOL_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/list.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "snapshot.h"

/*
 * A writer's private supply of nodes, filled from the pool before the RCU
 * section so that nothing in it allocates, and the nodes it replaced. A
 * commit needs at most LFCE_NODES; the stash holds twice that. The writer
 * reuses its own retired nodes without the pool's lock: they age under one
 * grace-period cookie and come back to @free once the game's epoch has
 * moved LFCE_EPOCH_FLIPS flips past it, flips the writer makes itself when
 * no reader is in the way (lfce_pool_fill()). When readers hold the epoch
 * back, or the stash runs short, it visits the pool's lock, and the pool
 * takes its retired nodes with their cookies.
 *
 * A stash that outlives its writer's call (a handle's, between ioctls) is
 * parked in between: it keeps its nodes, warm, with no visit to the pool's
 * lock, and a writer short of nodes may take them back (see
 * lfce_pool_park()).
 */
struct lfce_stash {
	unsigned int nr_free;
	unsigned int nr_retired;	/* since the last lfce_pool_fill() */
	unsigned int nr_aging;
	unsigned long aging_cookie;	/* the epoch @aging was retired in */
	bool out;			/* counted in lfce_pool.stashes */
	bool listed;			/* on lfce_pool.parked */
	atomic_t park;			/* LFCE_STASH_*, see lfce_pool_park() */
	struct list_head link;		/* in lfce_pool.parked, under its lock */
	struct lfce_node *free[2 * LFCE_NODES];
	struct lfce_node *retired[2 * LFCE_NODES];
	struct lfce_node *aging[2 * LFCE_NODES];
};

/*
 * The game's reader epoch, which says when a retired node may be reused:
 * a grace period of this game's node readers alone, who are few and brief
 * (a commit's attempt, a copy of the snapshot), and which the committers
 * advance themselves. It completes in microseconds where an RCU grace
 * period takes milliseconds, so that a node is reused a few commits after
 * it was retired, still in the cache. See epoch_flip() in pool.c.
 *
 * A reader counts itself in the phase (@seq & 1) it found, in a slot by
 * CPU, so that readers on different CPUs do not share a line. Every node
 * reader is inside an RCU read-side section as well, so synchronize_rcu()
 * waits for them all (the close and the teardown rely on it).
 */
#define LFCE_EPOCH_SLOTS	8	/* a power of two */
#define LFCE_EPOCH_FLIPS	3	/* from a node's retirement to its reuse */

struct lfce_epoch_slot {
	atomic_long_t readers[2];	/* by phase */
} ____cacheline_aligned_in_smp;

struct lfce_epoch {
	unsigned long seq ____cacheline_aligned_in_smp;	/* written at each flip */
	struct lfce_epoch_slot slot[LFCE_EPOCH_SLOTS];
};

/*
 * Enter before reading any node of the game, after rcu_read_lock(); pass
 * what it returns to lfce_epoch_exit(), before rcu_read_unlock().
 */
static inline unsigned int lfce_epoch_enter(struct lfce_epoch *ep)
{
	unsigned int slot = raw_smp_processor_id() & (LFCE_EPOCH_SLOTS - 1);
	unsigned int phase = READ_ONCE(ep->seq) & 1;

	atomic_long_inc(&ep->slot[slot].readers[phase]);
	/* Counted before any node is read: pairs with epoch_flip(). */
	smp_mb__after_atomic();
	return slot << 1 | phase;
}

static inline void lfce_epoch_exit(struct lfce_epoch *ep, unsigned int token)
{
	/* Every node read is done before we stop counting: its reuse may follow. */
	smp_mb__before_atomic();
	atomic_long_dec(&ep->slot[token >> 1].readers[token & 1]);
}

/* A node waiting for the end of the epoch grace period named by its cookie. */
struct lfce_retired {
	struct lfce_node *node;
	unsigned long cookie;
};

/*
 * The per-game pool. @nodes counts every node the game owns: live, in a
 * stash, free or retired. It never exceeds @cap, which is the hard bound on
 * memory that RCU has not yet let us reuse. @stashes counts the writers'
 * stashes that hold nodes of the pool: what a writer short of nodes may
 * wait for, besides its retired nodes. A closed pool (@free NULL) keeps
 * only the nodes of the game's last snapshot.
 *
 * The free list and the retired FIFO are arrays of pointers, not lists
 * threaded through the nodes: recycling touches no node memory, which by
 * then has usually left the cache.
 */
/*
 * The nodes of all the games one uid owns, against lfce_pool_uid_cap:
 * one uid cannot take the whole of lfce_pool_global_cap from others.
 */
struct lfce_budget {
	atomic_long_t nodes;
};

struct lfce_pool {
	struct lfce_epoch epoch;
	spinlock_t lock ____cacheline_aligned_in_smp;
	struct lfce_budget *budget;	/* the owner's; NULL: not counted */
	struct lfce_node **free;	/* a stack of nr_free */
	struct lfce_retired *retired;	/* a ring; [head, tail) in use */
	unsigned int ring_mask;
	unsigned int head, tail;	/* free-running */
	unsigned int nodes;
	unsigned int nr_free;
	unsigned int cap;
	unsigned int stashes;
	struct list_head parked;	/* stashes that may be parked */
	atomic_long_t backpressure;	/* times a writer waited or got EAGAIN */
};

extern unsigned long lfce_pool_global_cap;
extern unsigned long lfce_pool_uid_cap;
unsigned long lfce_pool_nodes(void);
int lfce_pool_cache_init(void);
void lfce_pool_cache_uninit(void);

int lfce_pool_init(struct lfce_pool *pool, unsigned int cap);
void lfce_pool_uninit(struct lfce_pool *pool);
int lfce_pool_fill(struct lfce_pool *pool, struct lfce_stash *stash, bool nonblock);
int lfce_pool_reserve(struct lfce_pool *pool, struct lfce_stash *stash);
void lfce_pool_drain(struct lfce_pool *pool, struct lfce_stash *stash);
void lfce_pool_park(struct lfce_pool *pool, struct lfce_stash *stash);
void lfce_pool_unpark(struct lfce_pool *pool, struct lfce_stash *stash);
void lfce_pool_close(struct lfce_pool *pool);

void lfce_pool_free_node(struct lfce_pool *pool, struct lfce_node *node);

#endif /* _LFCE_POOL_H */
