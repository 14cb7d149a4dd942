// SPDX-License-Identifier: GPL-2.0-only
/*
 * pool: the per-game pool of snapshot nodes and their recycling.
 *
 * A retired node is reused after a grace period of the game's own reader
 * epoch (struct lfce_epoch), not of RCU: every retired node carries the
 * epoch it was retired in, taken after the cmpxchg that unpublished it,
 * and is reused once the epoch has moved on three times. The committers
 * move it on themselves, when they fill their stash, if the game's node
 * readers of the phase before have left; those are few and brief, so a
 * node comes back a few commits after it went, still in the cache, and no
 * committer waits for an RCU grace period (milliseconds in the kernel,
 * which bounded a game's commit rate by pool_cap / grace period). The
 * design notes in Documentation/reclamation.md compare it with RCU's
 * polled grace periods and with type-safe reuse.
 *
 * A writer that hits the cap waits for exactly the nodes it needs (a tick
 * at a time, killably). Nothing here waits for what may never come: a
 * writer short of nodes that this game will not get back fails (see
 * shortfall()).
 */
#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pool.h"

/* Nodes owned by all games together; bounded by lfce_pool_global_cap. */
static atomic_long_t nodes_global = ATOMIC_LONG_INIT(0);
unsigned long lfce_pool_global_cap = 1UL << 20;
/* Nodes of one uid's games together (struct lfce_budget). */
unsigned long lfce_pool_uid_cap = 1UL << 18;

/*
 * Nodes come from a cache of their own size (584 bytes, 640 with the line
 * alignment) rather than from kmalloc-1k: denser in memory and in the TLB,
 * which measured faster, and a cache that fault injection can pick out
 * (failslab's cache-filter). lfce_pool_cache_init() makes it at module
 * load; the KUnit builds, which have no such hook, use kmalloc. Either way
 * one choice holds for every node: the cache comes before the first game
 * and goes after the last.
 */
static struct kmem_cache *node_cache;

int lfce_pool_cache_init(void)
{
	node_cache = kmem_cache_create("lfce_node", sizeof(struct lfce_node), 0,
				       SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, NULL);
	return node_cache ? 0 : -ENOMEM;
}

void lfce_pool_cache_uninit(void)
{
	kmem_cache_destroy(node_cache);
	node_cache = NULL;
}

static struct lfce_node *node_alloc(gfp_t gfp)
{
	return node_cache ? kmem_cache_alloc(node_cache, gfp) : kmalloc(sizeof(struct lfce_node), gfp);
}

static void node_free(struct lfce_node *node)
{
	if (node_cache)
		kmem_cache_free(node_cache, node);
	else
		kfree(node);
}

/* Count @n new nodes of @pool against both caps: all of them, or none. */
static bool charge(struct lfce_pool *pool, unsigned long n)
{
	struct lfce_budget *b = pool->budget;

	if (atomic_long_add_return(n, &nodes_global) > lfce_pool_global_cap)
		goto err_global;
	if (b && atomic_long_add_return(n, &b->nodes) > lfce_pool_uid_cap)
		goto err_uid;
	return true;

err_uid:
	atomic_long_sub(n, &b->nodes);
err_global:
	atomic_long_sub(n, &nodes_global);
	return false;
}

static void uncharge(struct lfce_pool *pool, unsigned long n)
{
	atomic_long_sub(n, &nodes_global);
	if (pool->budget)
		atomic_long_sub(n, &pool->budget->nodes);
}

/* Nodes of all games now: for statistics and tests. */
unsigned long lfce_pool_nodes(void)
{
	return atomic_long_read(&nodes_global);
}

int lfce_pool_init(struct lfce_pool *pool, unsigned int cap)
{
	unsigned int ring = roundup_pow_of_two(cap);

	/* One commit may need a full stash; leave room for a few writers. */
	if (cap < 4 * LFCE_NODES || cap > (1U << 24))
		return -EINVAL;
	/* The creator's memory cgroup may make these fail: ENOMEM, no warning. */
	pool->free = kvmalloc_array(cap, sizeof(*pool->free), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	pool->retired = kvmalloc_array(ring, sizeof(*pool->retired),
				       GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pool->free || !pool->retired) {
		kvfree(pool->free);
		kvfree(pool->retired);
		return -ENOMEM;
	}
	spin_lock_init(&pool->lock);
	pool->budget = NULL;
	pool->ring_mask = ring - 1;
	pool->head = 0;
	pool->tail = 0;
	pool->nodes = 0;
	pool->nr_free = 0;
	pool->cap = cap;
	pool->stashes = 0;
	memset(&pool->epoch, 0, sizeof(pool->epoch));
	INIT_LIST_HEAD(&pool->parked);
	atomic_long_set(&pool->backpressure, 0);
	return 0;
}

/* Under @pool->lock, or when nobody else can see @pool. */
void lfce_pool_free_node(struct lfce_pool *pool, struct lfce_node *node)
{
	node_free(node);
	pool->nodes--;
	uncharge(pool, 1);
}

/*
 * Free every node the pool holds. The caller guarantees that no reader can
 * still see a retired node (a grace period has passed since the last commit)
 * and has drained every stash. A closed pool holds nothing by now.
 */
void lfce_pool_uninit(struct lfce_pool *pool)
{
	while (pool->head != pool->tail)
		lfce_pool_free_node(pool, pool->retired[pool->head++ & pool->ring_mask].node);
	while (pool->nr_free)
		lfce_pool_free_node(pool, pool->free[--pool->nr_free]);
	WARN_ON_ONCE(pool->nodes || !list_empty(&pool->parked));
	kvfree(pool->free);
	kvfree(pool->retired);
}

/*
 * Flip the epoch, if no reader of the phase before the current one is
 * left. As in SRCU, the barriers make a reader either counted here or too
 * late to find what was unpublished before. Writers flip without a lock,
 * so the flip is a cmpxchg: a flipper that read the epoch before another's
 * flip checked the wrong phase, and must not write. Returns whether the
 * epoch moved past the one we read, by our flip or another's.
 *
 * A node retired at epoch c (its cookie, read after the cmpxchg that
 * unpublished it) may be reused once the epoch is c + 3. A reader that
 * could have found it read the epoch as c at the latest, and counted
 * itself in the phase of what it read. The flip to c + 1 may not count:
 * its flipper may have checked the readers before the cookie was read,
 * and before a reader that had read c - 1 counted itself, and written c + 1
 * after. The flips to c + 2 and c + 3 checked after, the phases of c and
 * of c - 1 (and c + 1) in turn, so between them they waited for every
 * such reader. (Under a lock that also covered the cookie's read, two
 * flips were enough: no flip could straddle it.)
 */
static bool epoch_flip(struct lfce_epoch *ep)
{
	unsigned long seq = READ_ONCE(ep->seq);
	unsigned int i, old = (seq + 1) & 1;
	long readers = 0;

	/* Pairs with lfce_epoch_enter(): the unpublishes before the counts. */
	smp_mb();
	for (i = 0; i < LFCE_EPOCH_SLOTS; i++)
		readers += atomic_long_read(&ep->slot[i].readers[old]);
	if (readers)
		return false;
	/*
	 * Fully ordered if it succeeds: the counts read before the new epoch
	 * is seen (pairs with epoch_passed()), as are their readers' node loads
	 * (pairs with lfce_epoch_exit()). If it fails, someone else flipped.
	 */
	cmpxchg(&ep->seq, seq, seq + 1);
	return true;
}

/* May nodes retired at epoch @cookie be reused? See epoch_flip(). */
static bool epoch_passed(struct lfce_epoch *ep, unsigned long cookie)
{
	/* Pairs with the flip's cmpxchg: every reader left before our reuse. */
	return smp_load_acquire(&ep->seq) - cookie >= LFCE_EPOCH_FLIPS;
}

/* Flip the epoch (LFCE_EPOCH_FLIPS times at most) until @cookie has passed, if readers let us. */
static bool epoch_reach(struct lfce_epoch *ep, unsigned long cookie)
{
	while (!epoch_passed(ep, cookie)) {
		if (!epoch_flip(ep))
			return false;
	}
	return true;
}

/*
 * Move retired nodes whose grace period has ended to the free stack,
 * flipping the epoch (see epoch_reach()) for the oldest if it can.
 */
static void reclaim(struct lfce_pool *pool)
{
	struct lfce_retired *r;

	lockdep_assert_held(&pool->lock);
	if (pool->head != pool->tail)
		epoch_reach(&pool->epoch, pool->retired[pool->head & pool->ring_mask].cookie);
	while (pool->head != pool->tail) {
		r = &pool->retired[pool->head & pool->ring_mask];
		if (!epoch_passed(&pool->epoch, r->cookie))
			break;
		pool->free[pool->nr_free++] = r->node;
		pool->head++;
	}
}

/*
 * The cookie of nodes retired since the last fill: the epoch, read now,
 * after every cmpxchg that unpublished them (each a full barrier), so the
 * grace period it names covers every reader that could have found any of
 * them.
 */
static unsigned long retired_cookie(struct lfce_pool *pool)
{
	return READ_ONCE(pool->epoch.seq);
}

/*
 * Hand the stash's aging and retired nodes to the pool with their cookies.
 * A cookie out of order in the ring only holds the nodes behind it back:
 * reclaim() checks each.
 */
static void flush_retired(struct lfce_pool *pool, struct lfce_stash *stash)
{
	unsigned long cookie;
	unsigned int i;

	lockdep_assert_held(&pool->lock);
	for (i = 0; i < stash->nr_aging; i++)
		pool->retired[pool->tail++ & pool->ring_mask] =
			(struct lfce_retired){ stash->aging[i], stash->aging_cookie };
	stash->nr_aging = 0;
	if (!stash->nr_retired)
		return;
	cookie = retired_cookie(pool);
	for (i = 0; i < stash->nr_retired; i++)
		pool->retired[pool->tail++ & pool->ring_mask] =
			(struct lfce_retired){ stash->retired[i], cookie };
	stash->nr_retired = 0;
}

/*
 * Everything the stash holds goes back to the pool, which stops counting
 * it as a writer's. A closed pool frees the nodes instead: the grace period
 * lfce_pool_close()'s caller waited for came after the cmpxchg that retired
 * any of them, since nothing commits after the close.
 */
static void give_back(struct lfce_pool *pool, struct lfce_stash *stash)
{
	lockdep_assert_held(&pool->lock);
	if (stash->out) {
		stash->out = false;
		pool->stashes--;
	}
	if (!pool->free) {
		while (stash->nr_retired)
			lfce_pool_free_node(pool, stash->retired[--stash->nr_retired]);
		while (stash->nr_aging)
			lfce_pool_free_node(pool, stash->aging[--stash->nr_aging]);
		while (stash->nr_free)
			lfce_pool_free_node(pool, stash->free[--stash->nr_free]);
		return;
	}
	flush_retired(pool, stash);
	while (stash->nr_free)
		pool->free[pool->nr_free++] = stash->free[--stash->nr_free];
}

/* lfce_stash.park: see lfce_pool_park(). */
enum { LFCE_STASH_ACTIVE, LFCE_STASH_PARKED, LFCE_STASH_TAKEN };

/*
 * Take everything parked stashes hold back into the pool (or free it, once
 * the pool is closed): writers that are not committing must not sit on
 * nodes that others wait for. A taken stash leaves the list; its writer
 * takes the pool's lock before it uses the stash again (lfce_pool_unpark()),
 * which orders our emptying before its use. Returns how many stashes it
 * took. The list holds only stashes that hold nodes or are in use, so it
 * is no longer than the pool has nodes.
 */
static unsigned int take_parked(struct lfce_pool *pool)
{
	struct lfce_stash *s, *tmp;
	unsigned int n = 0;

	lockdep_assert_held(&pool->lock);
	list_for_each_entry_safe(s, tmp, &pool->parked, link) {
		/* Pairs with atomic_set_release() in lfce_pool_park(). */
		if (atomic_cmpxchg(&s->park, LFCE_STASH_PARKED,
				   LFCE_STASH_TAKEN) != LFCE_STASH_PARKED)
			continue;
		give_back(pool, s);
		list_del(&s->link);
		s->listed = false;
		n++;
	}
	return n;
}

/*
 * The game is closed and nothing will commit again: free every node the
 * pool holds and its arrays. The last snapshot's nodes stay for readers;
 * nodes still in a writer's stash are freed when it drains. The caller has
 * waited for a grace period after the last commit, so no reader can still
 * see a retired node, whether in the pool or still in a stash.
 */
void lfce_pool_close(struct lfce_pool *pool)
{
	struct lfce_retired *retired;
	struct lfce_node **free;
	unsigned int head, tail, mask, nr_free;

	spin_lock(&pool->lock);
	free = pool->free;
	retired = pool->retired;
	head = pool->head;
	tail = pool->tail;
	mask = pool->ring_mask;
	nr_free = pool->nr_free;
	pool->free = NULL;		/* closed: see give_back() */
	pool->retired = NULL;
	pool->head = 0;
	pool->tail = 0;
	pool->nr_free = 0;
	pool->nodes -= nr_free + (tail - head);
	take_parked(pool);		/* frees what idle writers hold */
	spin_unlock(&pool->lock);

	uncharge(pool, nr_free + (tail - head));
	while (head != tail)
		node_free(retired[head++ & mask].node);
	while (nr_free)
		node_free(free[--nr_free]);
	kvfree(free);
	kvfree(retired);
}

/*
 * Surplus goes back while the nodes of all games run short (above half the
 * global cap): a pool then keeps a few commits' worth of free nodes, and
 * what it frees is budget the other games may take. Otherwise free nodes
 * stay, warm for the next commits. A few at a time: this is a spinlock.
 */
#define LFCE_POOL_KEEP	(4 * LFCE_NODES)
#define LFCE_TRIM_BATCH	64

static void trim(struct lfce_pool *pool)
{
	unsigned int n = 0;

	lockdep_assert_held(&pool->lock);
	if (atomic_long_read(&nodes_global) <= lfce_pool_global_cap / 2)
		return;
	while (pool->nr_free > LFCE_POOL_KEEP && n++ < LFCE_TRIM_BATCH)
		lfce_pool_free_node(pool, pool->free[--pool->nr_free]);
}

/* Reserve up to @want new nodes under the pool's, the owner's and the global cap. */
static unsigned int reserve(struct lfce_pool *pool, unsigned int want)
{
	unsigned int n = min(want, pool->cap - pool->nodes);

	lockdep_assert_held(&pool->lock);
	if (!charge(pool, n))
		return 0;
	pool->nodes += n;
	return n;
}

/*
 * May a stash take @n new nodes, more than one commit needs? While this
 * pool, all games and its owner's games are below half their caps: its
 * writer then comes back only every few commits (recycle()). Short of
 * that, one commit's worth, and trim() takes surplus back.
 */
static bool roomy(const struct lfce_pool *pool, unsigned int n)
{
	lockdep_assert_held(&pool->lock);
	return pool->nodes + n <= pool->cap / 2 &&
	       atomic_long_read(&nodes_global) + n <= lfce_pool_global_cap / 2 &&
	       (!pool->budget || atomic_long_read(&pool->budget->nodes) + n <= lfce_pool_uid_cap / 2);
}

/* A nonblocking writer must not sleep here, not even for reclaim. */
static int alloc_nodes(struct lfce_pool *pool, struct lfce_stash *stash,
		       unsigned int n, bool nonblock)
{
	gfp_t gfp = nonblock ? GFP_NOWAIT | __GFP_ACCOUNT : GFP_KERNEL_ACCOUNT;
	struct lfce_node *node;
	unsigned int i;

	for (i = 0; i < n; i++) {
		node = node_alloc(gfp | __GFP_NOWARN);
		if (!node)
			break;
		stash->free[stash->nr_free++] = node;
	}
	if (i == n)
		return 0;
	spin_lock(&pool->lock);
	pool->nodes -= n - i;
	spin_unlock(&pool->lock);
	uncharge(pool, n - i);
	return -ENOMEM;
}

/*
 * Take what the pool has for @stash: its free nodes, after reclaiming, and
 * new ones up to the caps (returned: the caller allocates them outside the
 * lock). Returns -ENODEV for a closed pool.
 */
static int take(struct lfce_pool *pool, struct lfce_stash *stash, unsigned int *n)
{
	spin_lock(&pool->lock);
	if (!pool->free) {
		give_back(pool, stash);	/* a closed pool frees them */
		spin_unlock(&pool->lock);
		return -ENODEV;
	}
	if (!stash->out) {
		stash->out = true;
		pool->stashes++;
	}
	flush_retired(pool, stash);
	reclaim(pool);
	while (stash->nr_free < ARRAY_SIZE(stash->free) && pool->nr_free)
		stash->free[stash->nr_free++] = pool->free[--pool->nr_free];
	*n = 0;
	if (stash->nr_free < LFCE_NODES) {
		if (roomy(pool, ARRAY_SIZE(stash->free) - stash->nr_free))
			*n = reserve(pool, ARRAY_SIZE(stash->free) - stash->nr_free);
		if (!*n)
			*n = reserve(pool, LFCE_NODES - stash->nr_free);
	}
	spin_unlock(&pool->lock);
	return 0;
}

/*
 * Not enough nodes: give back what the stash holds, so that no writer
 * waits while it sits on nodes others need, and take back what parked
 * stashes hold; if there were any, try again. A nonblocking writer gets
 * -EAGAIN. A blocking one waits a tick, killably (-EINTR), if nodes of this
 * pool will come back: retired ones after their grace period, or those in
 * other writers' stashes when they finish. Otherwise (the nodes are live,
 * or the global cap is taken by other games), or if the allocator itself
 * failed (@ret), -ENOMEM: waiting would be waiting for someone else.
 */
static int shortfall(struct lfce_pool *pool, struct lfce_stash *stash, bool nonblock, int ret)
{
	bool retired, lent, took;

	spin_lock(&pool->lock);
	give_back(pool, stash);
	took = take_parked(pool);
	retired = pool->head != pool->tail;
	lent = pool->stashes;
	spin_unlock(&pool->lock);

	if (took)
		return 0;	/* idle writers' nodes: try again at once */
	atomic_long_inc(&pool->backpressure);
	if (nonblock)
		return -EAGAIN;
	if (ret || (!retired && !lent))
		return -ENOMEM;
	schedule_timeout_killable(1);	/* for a reader of the epoch to leave */
	return fatal_signal_pending(current) ? -EINTR : 0;
}

/* Enough for any commit, and room for what it will retire. */
static bool ready(const struct lfce_stash *stash)
{
	return stash->nr_free >= LFCE_NODES && stash->nr_retired <= LFCE_NODES;
}

/*
 * The writer's own retired nodes back to its free ones, without the pool's
 * lock: those retired since the last fill start aging under one cookie (if
 * none are aging yet), and aging ones come back once the epoch has passed
 * their cookie, flipped here if no reader holds it. With no reader about,
 * a node is reused the commit after it was retired, still in the cache.
 * Returns whether the stash is ready for a commit.
 */
static bool recycle(struct lfce_pool *pool, struct lfce_stash *stash)
{
	unsigned int n;

	if (!stash->nr_aging && stash->nr_retired) {
		memcpy(stash->aging, stash->retired, stash->nr_retired * sizeof(stash->aging[0]));
		stash->nr_aging = stash->nr_retired;
		stash->nr_retired = 0;
		stash->aging_cookie = retired_cookie(pool);
	}
	if (!stash->nr_aging || !epoch_reach(&pool->epoch, stash->aging_cookie))
		return ready(stash);
	n = min_t(unsigned int, stash->nr_aging, ARRAY_SIZE(stash->free) - stash->nr_free);
	stash->nr_aging -= n;
	memcpy(&stash->free[stash->nr_free], &stash->aging[stash->nr_aging],
	       n * sizeof(stash->free[0]));
	stash->nr_free += n;
	return ready(stash);
}

/*
 * Take a full stash from the pool, allocating up to the caps. Short of
 * nodes, see shortfall(). Either way this happens before the commit's RCU
 * section, so a refused commit has changed nothing.
 */
int lfce_pool_fill(struct lfce_pool *pool, struct lfce_stash *stash, bool nonblock)
{
	unsigned int n;
	int ret;

	might_sleep_if(!nonblock);
	if (ready(stash) || recycle(pool, stash))
		return 0;
	for (;;) {
		ret = take(pool, stash, &n);
		if (ret)
			return ret;
		ret = alloc_nodes(pool, stash, n, nonblock);
		/* A failure past a commit's worth (roomy()) costs nothing. */
		if (stash->nr_free >= LFCE_NODES)
			return 0;
		ret = shortfall(pool, stash, nonblock, ret);
		if (ret)
			return ret;
	}
}

/*
 * Fill @stash for one commit and set it aside: it no longer counts as a
 * writer's, so nobody waits for it. A game keeps one for its closing
 * commit, which then needs no new node even at the caps.
 */
int lfce_pool_reserve(struct lfce_pool *pool, struct lfce_stash *stash)
{
	int ret = lfce_pool_fill(pool, stash, false);

	spin_lock(&pool->lock);
	if (stash->out) {
		stash->out = false;
		pool->stashes--;
	}
	while (stash->nr_free > LFCE_NODES)	/* one commit's worth is enough */
		pool->free[pool->nr_free++] = stash->free[--stash->nr_free];
	spin_unlock(&pool->lock);
	return ret;
}

/*
 * Give a stash back: free nodes to the free stack, retired ones to
 * retired. A parked one may go as it is, but not while it is in a commit.
 */
void lfce_pool_drain(struct lfce_pool *pool, struct lfce_stash *stash)
{
	spin_lock(&pool->lock);
	if (stash->listed) {
		list_del(&stash->link);
		stash->listed = false;
	}
	atomic_set(&stash->park, LFCE_STASH_ACTIVE);
	give_back(pool, stash);
	if (pool->free)
		trim(pool);
	spin_unlock(&pool->lock);
}

/*
 * Park @stash between two calls of its writer, which keeps it (a handle's,
 * between ioctls): it keeps its nodes, still warm for the next commit.
 * Only the first park visits the pool's lock, to put it on the list where
 * a writer short of nodes finds it (take_parked()). Call
 * lfce_pool_unpark() before using it again, and lfce_pool_drain() once
 * its writer goes.
 */
void lfce_pool_park(struct lfce_pool *pool, struct lfce_stash *stash)
{
	if (!stash->listed) {
		spin_lock(&pool->lock);
		list_add(&stash->link, &pool->parked);
		stash->listed = true;
		spin_unlock(&pool->lock);
	}
	/* Pairs with the cmpxchg in take_parked(): it sees the stash as it is now. */
	atomic_set_release(&stash->park, LFCE_STASH_PARKED);
}

/* Take a parked stash back for a commit; it may have been emptied. */
void lfce_pool_unpark(struct lfce_pool *pool, struct lfce_stash *stash)
{
	if (atomic_read(&stash->park) == LFCE_STASH_ACTIVE)
		return;		/* never parked: only its writer makes it so */
	/* Fully ordered: what take_parked() may do comes before or after. */
	if (atomic_cmpxchg(&stash->park, LFCE_STASH_PARKED,
			   LFCE_STASH_ACTIVE) == LFCE_STASH_PARKED)
		return;
	/*
	 * Taken. take_parked() empties it under the lock, and may not be done:
	 * the lock orders its stores before our use of the stash.
	 */
	spin_lock(&pool->lock);
	atomic_set(&stash->park, LFCE_STASH_ACTIVE);
	spin_unlock(&pool->lock);
}
