// SPDX-License-Identifier: GPL-2.0-only
/*
 * snapshot: copy-on-write snapshots and their grace-period pool.
 *
 * Reclamation uses polled grace periods rather than kfree_rcu(): every
 * retired node carries the cookie of get_state_synchronize_rcu() taken after
 * the cmpxchg that unpublished it, and is reused once
 * poll_state_synchronize_rcu() says that grace period has ended. That makes
 * reuse immediate when grace periods are quick, and lets a writer that hits
 * the cap wait for exactly the grace period it needs (cond_synchronize_rcu)
 * instead of for the callback batching of kfree_rcu, which has no bound.
 */
#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "snapshot.h"

/* Empty seats and a never-used round are NULL and read as zeroes. */
static const struct lfce_seat zero_seat;
static const struct lfce_round zero_round;

/* Nodes owned by all games together; bounded by lfce_snapshot_global_cap. */
static atomic_long_t nodes_global = ATOMIC_LONG_INIT(0);
unsigned long lfce_snapshot_global_cap = 1UL << 20;

int lfce_pool_init(struct lfce_pool *pool, unsigned int cap)
{
	/* One commit may need a full stash; leave room for a few writers. */
	if (cap < 4 * LFCE_NODES)
		return -EINVAL;
	spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->free);
	INIT_LIST_HEAD(&pool->retired);
	pool->nodes = 0;
	pool->cap = cap;
	pool->started = get_state_synchronize_rcu();
	atomic_long_set(&pool->backpressure, 0);
	return 0;
}

static void node_free(struct lfce_pool *pool, struct lfce_node *node)
{
	kfree(node);
	pool->nodes--;
	atomic_long_dec(&nodes_global);
}

/*
 * Free every node the pool holds. The caller guarantees that no reader can
 * still see a retired node (a grace period has passed since the last commit)
 * and has drained every stash.
 */
void lfce_pool_uninit(struct lfce_pool *pool)
{
	struct lfce_node *node, *tmp;

	list_splice_init(&pool->retired, &pool->free);
	list_for_each_entry_safe(node, tmp, &pool->free, link) {
		list_del(&node->link);
		node_free(pool, node);
	}
	WARN_ON_ONCE(pool->nodes);
}

/* Move retired nodes whose grace period has ended to the free list. */
static void reclaim(struct lfce_pool *pool)
{
	struct lfce_node *node, *tmp;

	lockdep_assert_held(&pool->lock);
	list_for_each_entry_safe(node, tmp, &pool->retired, link) {
		if (!poll_state_synchronize_rcu(node->cookie))
			break;
		list_move_tail(&node->link, &pool->free);
	}
}

/* Hand the stash's retired nodes to the pool, tagged with their cookie. */
static void flush_retired(struct lfce_pool *pool, struct lfce_stash *stash)
{
	unsigned int i;

	lockdep_assert_held(&pool->lock);
	for (i = 0; i < stash->nr_retired; i++) {
		stash->retired[i]->cookie = stash->cookie;
		list_add_tail(&stash->retired[i]->link, &pool->retired);
	}
	stash->nr_retired = 0;
}

/* Reserve up to @want new nodes under both caps; returns how many. */
static unsigned int reserve(struct lfce_pool *pool, unsigned int want)
{
	unsigned int n = min(want, pool->cap - pool->nodes);

	lockdep_assert_held(&pool->lock);
	if (atomic_long_add_return(n, &nodes_global) > lfce_snapshot_global_cap) {
		atomic_long_sub(n, &nodes_global);
		return 0;
	}
	pool->nodes += n;
	return n;
}

static int alloc_nodes(struct lfce_pool *pool, struct lfce_stash *stash,
		       unsigned int n)
{
	struct lfce_node *node;
	unsigned int i;

	for (i = 0; i < n; i++) {
		node = kmalloc(sizeof(*node), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!node)
			break;
		stash->free[stash->nr_free++] = node;
	}
	if (i == n)
		return 0;
	spin_lock(&pool->lock);
	pool->nodes -= n - i;
	spin_unlock(&pool->lock);
	atomic_long_sub(n - i, &nodes_global);
	return -ENOMEM;
}

/*
 * Take a full stash from the pool, allocating up to the caps. At the cap, a
 * writer that may sleep waits for the oldest retired node's grace period; a
 * nonblocking one gets -EAGAIN. Either way this happens before the commit's
 * RCU section, so a refused commit has changed nothing.
 */
int lfce_pool_fill(struct lfce_pool *pool, struct lfce_stash *stash, bool nonblock)
{
	unsigned long oldest;
	bool have_retired;
	unsigned int n;
	int ret;

	might_sleep_if(!nonblock);
	for (;;) {
		spin_lock(&pool->lock);
		flush_retired(pool, stash);
		reclaim(pool);
		while (stash->nr_free < LFCE_NODES && !list_empty(&pool->free)) {
			stash->free[stash->nr_free++] =
				list_first_entry(&pool->free, struct lfce_node, link);
			list_del(&stash->free[stash->nr_free - 1]->link);
		}
		n = reserve(pool, LFCE_NODES - stash->nr_free);
		have_retired = !list_empty(&pool->retired);
		if (have_retired)
			oldest = list_first_entry(&pool->retired, struct lfce_node,
						  link)->cookie;
		spin_unlock(&pool->lock);

		ret = alloc_nodes(pool, stash, n);
		if (ret)
			return ret;
		if (stash->nr_free == LFCE_NODES)
			return 0;

		atomic_long_inc(&pool->backpressure);
		if (nonblock)
			return -EAGAIN;
		if (have_retired)
			cond_synchronize_rcu(oldest);
		else
			cond_resched();	/* the nodes are in other writers' stashes */
	}
}

/* Give a stash back: free nodes to the free list, retired ones to retired. */
void lfce_pool_drain(struct lfce_pool *pool, struct lfce_stash *stash)
{
	spin_lock(&pool->lock);
	flush_retired(pool, stash);
	while (stash->nr_free)
		list_add(&stash->free[--stash->nr_free]->link, &pool->free);
	spin_unlock(&pool->lock);
}

/* The first snapshot of a game: version 0, empty seats, no records. */
struct lfce_node *lfce_snapshot_create(struct lfce_pool *pool,
				       const struct lfce_config *cfg)
{
	struct lfce_stash stash = {};
	struct lfce_node *root;

	if (lfce_pool_fill(pool, &stash, false))
		return NULL;
	root = stash.free[--stash.nr_free];
	lfce_pool_drain(pool, &stash);

	memset(root, 0, sizeof(*root));
	root->root.t.config = *cfg;
	return root;
}

void lfce_snapshot_flatten(const struct lfce_node *root, struct lfce_snapshot *out)
{
	const struct lfce_root *r = &root->root;
	unsigned int i;

	out->table = r->t;
	for (i = 0; i < LFCE_MAX_SEATS; i++)
		out->seat[i] = r->seat[i] ? r->seat[i]->seat : zero_seat;
	out->round = r->round ? r->round->round : zero_round;
}

/* sum(balance) + sum(bets) + bank == total, with no overflow on the way. */
bool lfce_snapshot_conserved(const struct lfce_node *root)
{
	const struct lfce_root *r = &root->root;
	u64 sum = r->t.bank;
	unsigned int i, k;

	for (i = 0; i < LFCE_MAX_SEATS; i++) {
		const struct lfce_seat *s = r->seat[i] ? &r->seat[i]->seat : &zero_seat;

		if (check_add_overflow(sum, s->balance, &sum))
			return false;
		for (k = 0; k < LFCE_BET_NR; k++)
			if (check_add_overflow(sum, s->bets[k], &sum))
				return false;
	}
	return sum == r->t.total;
}

/*
 * Start a transaction on @old with nodes from @stash, which must be full.
 * The new root is a copy of the old one at version + 1; records the rules
 * emit go to @rec (at most @max_rec).
 */
void lfce_txn_begin(struct lfce_txn *txn, const struct lfce_node *old,
		    struct lfce_stash *stash, struct lfce_record *rec,
		    unsigned int max_rec)
{
	struct lfce_node *root = stash->free[--stash->nr_free];

	root->root = old->root;
	root->root.t.version++;
	root->id = root->root.t.version << 4 | LFCE_NODE_ROOT;
	txn->old = old;
	txn->root = root;
	txn->stash = stash;
	txn->copied = BIT(LFCE_NODE_ROOT);
	txn->rec = rec;
	txn->nr_rec = 0;
	txn->max_rec = max_rec;
}

static struct lfce_node **txn_slot(struct lfce_txn *txn, unsigned int slot)
{
	struct lfce_root *r = &txn->root->root;

	/* The const goes: this slot is about to hold our private copy. */
	if (slot == LFCE_NODE_ROUND)
		return (struct lfce_node **)&r->round;
	return (struct lfce_node **)&r->seat[slot - LFCE_NODE_SEAT0];
}

/* Copy node @slot on first write; a NULL node becomes zeroes. */
static struct lfce_node *txn_cow(struct lfce_txn *txn, unsigned int slot, size_t size)
{
	struct lfce_node **p = txn_slot(txn, slot);
	struct lfce_node *copy;

	if (txn->copied & BIT(slot))
		return *p;
	copy = txn->stash->free[--txn->stash->nr_free];
	if (*p)
		memcpy(&copy->seat, &(*p)->seat, size);
	else
		memset(&copy->seat, 0, size);
	copy->id = txn->root->root.t.version << 4 | slot;
	*p = copy;
	txn->copied |= BIT(slot);
	return copy;
}

const struct lfce_seat *lfce_txn_seat(const struct lfce_txn *txn, unsigned int i)
{
	const struct lfce_node *n = txn->root->root.seat[i];

	return n ? &n->seat : &zero_seat;
}

struct lfce_seat *lfce_txn_seat_mut(struct lfce_txn *txn, unsigned int i)
{
	return &txn_cow(txn, LFCE_NODE_SEAT0 + i, sizeof(struct lfce_seat))->seat;
}

const struct lfce_round *lfce_txn_round(const struct lfce_txn *txn)
{
	const struct lfce_node *n = txn->root->root.round;

	return n ? &n->round : &zero_round;
}

struct lfce_round *lfce_txn_round_mut(struct lfce_txn *txn)
{
	return &txn_cow(txn, LFCE_NODE_ROUND, sizeof(struct lfce_round))->round;
}

/* The node the old snapshot had in @slot, which our copy replaces. */
static const struct lfce_node *old_node(const struct lfce_txn *txn, unsigned int slot)
{
	const struct lfce_root *r = &txn->old->root;

	if (slot == LFCE_NODE_ROOT)
		return txn->old;
	if (slot == LFCE_NODE_ROUND)
		return r->round;
	return r->seat[slot - LFCE_NODE_SEAT0];
}

/* The cmpxchg failed or a rule refused: our copies go back to the stash. */
void lfce_txn_abort(struct lfce_txn *txn)
{
	unsigned int slot;

	txn->stash->free[txn->stash->nr_free++] = txn->root;
	for (slot = LFCE_NODE_SEAT0; slot < LFCE_NODES; slot++)
		if (txn->copied & BIT(slot))
			txn->stash->free[txn->stash->nr_free++] = *txn_slot(txn, slot);
	txn->copied = 0;
}

/*
 * The cmpxchg succeeded: the old root and every node we replaced are now
 * unreachable for new readers. They go to the stash's retired list under a
 * cookie taken now, after the cmpxchg, so the grace period it names starts
 * after the last reader that could have found them. A grace period must
 * also actually start: ask for one once per new cookie, not per commit.
 */
void lfce_txn_retire(struct lfce_txn *txn, struct lfce_pool *pool)
{
	struct lfce_stash *stash = txn->stash;
	const struct lfce_node *node;
	unsigned long cookie;
	unsigned int slot;

	for (slot = 0; slot < LFCE_NODES; slot++) {
		if (!(txn->copied & BIT(slot)))
			continue;
		node = old_node(txn, slot);
		if (node)
			stash->retired[stash->nr_retired++] = (struct lfce_node *)node;
	}
	cookie = get_state_synchronize_rcu();
	if (cookie != READ_ONCE(pool->started))
		WRITE_ONCE(pool->started, start_poll_synchronize_rcu());
	stash->cookie = cookie;
}

/*
 * Give the nodes of a snapshot that is no longer reachable (the game's last
 * one, at teardown, after a grace period) back to the pool's free list.
 */
void lfce_snapshot_release(struct lfce_pool *pool, const struct lfce_node *root)
{
	struct lfce_node *nodes[LFCE_NODES];
	unsigned int i, n = 0;

	nodes[n++] = (struct lfce_node *)root;
	for (i = 0; i < LFCE_MAX_SEATS; i++)
		if (root->root.seat[i])
			nodes[n++] = (struct lfce_node *)root->root.seat[i];
	if (root->root.round)
		nodes[n++] = (struct lfce_node *)root->root.round;
	spin_lock(&pool->lock);
	while (n)
		list_add(&nodes[--n]->link, &pool->free);
	spin_unlock(&pool->lock);
}
