// SPDX-License-Identifier: GPL-2.0-only
/*
 * snapshot: copy-on-write snapshots and their transactions. Their nodes
 * come from and go back to the game's pool (pool.c).
 */
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "pool.h"
#include "snapshot.h"

/* Empty seats and a never-used round are NULL and read as zeroes. */
static const struct lfce_seat zero_seat;
static const struct lfce_round zero_round;
static const struct lfce_proposal zero_props[LFCE_MAX_PROPOSALS];

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

/* Where the root keeps the node of @slot (not the root's own). */
static const struct lfce_node **root_slot(struct lfce_root *r, unsigned int slot)
{
	return &r->node[slot];
}

/* The node of @slot, for readers. */
static const struct lfce_node *root_node(const struct lfce_root *r, unsigned int slot)
{
	return r->node[slot];
}

/*
 * A node's content, whichever union member it is. Copies go through this
 * untyped address: with CONFIG_FORTIFY_SOURCE, a memcpy of a round or the
 * proposals into &node->seat is a field-spanning write and warns.
 */
static void *node_body(struct lfce_node *node)
{
	return (u8 *)node + offsetof(struct lfce_node, seat);
}

static const void *node_content(const struct lfce_node *node)
{
	return (const u8 *)node + offsetof(struct lfce_node, seat);
}

/* The part of a flat snapshot that node @slot holds, and its size. */
static const void *flat_part(const struct lfce_snapshot *s, unsigned int slot, size_t *size)
{
	if (slot == LFCE_NODE_ROUND) {
		*size = sizeof(s->round);
		return &s->round;
	}
	if (slot == LFCE_NODE_PROPS) {
		*size = sizeof(s->proposal);
		return s->proposal;
	}
	*size = sizeof(struct lfce_seat);
	return &s->seat[slot - LFCE_NODE_SEAT0];
}

/*
 * A snapshot built from the flat copy @s, for a game that continues from
 * it. All-zero parts stay NULL, as in a game that never wrote them.
 */
struct lfce_node *lfce_snapshot_restore(struct lfce_pool *pool, const struct lfce_snapshot *s)
{
	u64 id = s->table.version << 4;
	struct lfce_stash stash = {};
	struct lfce_node *root, *node;
	unsigned int slot;
	const void *src;
	size_t size;

	if (lfce_pool_fill(pool, &stash, false))
		return NULL;
	root = stash.free[--stash.nr_free];
	memset(root, 0, sizeof(*root));
	root->id = id | LFCE_NODE_ROOT;
	root->root.t = s->table;
	for (slot = LFCE_NODE_SEAT0; slot < LFCE_NODES; slot++) {
		src = flat_part(s, slot, &size);
		if (!memchr_inv(src, 0, size))
			continue;
		node = stash.free[--stash.nr_free];
		memcpy(node_body(node), src, size);
		node->id = id | slot;
		*root_slot(&root->root, slot) = node;
	}
	lfce_pool_drain(pool, &stash);
	return root;
}

static void copy_out(void *dst, const void *src, size_t bytes, bool shared)
{
	if (shared)
		lfce_copy_shared(dst, src, bytes);
	else if (src)
		memcpy(dst, src, bytes);
	else
		memset(dst, 0, bytes);
}

/*
 * Bring the flat copy @out up to date with @root. @ids[n] is the id of the
 * node whose content @out holds for slot n (0: zeroes, but for the root,
 * whose id 0 is version 0's; U64_MAX: unknown);
 * only nodes whose id changed are copied, and ids is updated; nothing is if
 * the root's is @ids[LFCE_NODE_ROOT]. Structural sharing makes this cheap: a
 * commit changes the root and a node or two.
 * With @ids NULL everything is copied. @shared: @out is read concurrently.
 */
void lfce_snapshot_flatten(const struct lfce_node *root, struct lfce_snapshot *out,
			   u64 *ids, bool shared)
{
	const struct lfce_root *r = &root->root;
	const struct lfce_node *node;
	unsigned int slot;
	size_t size;
	void *dst;
	u64 id;

	BUILD_BUG_ON(sizeof(struct lfce_seat) % 8 || sizeof(struct lfce_round) % 8 ||
		     sizeof(struct lfce_proposal) % 8);
	/* The root's id names its version: the same root, the same snapshot. */
	if (ids && ids[LFCE_NODE_ROOT] == root->id)
		return;
	copy_out(&out->table, &r->t, sizeof(r->t), shared);
	for (slot = LFCE_NODE_SEAT0; slot < LFCE_NODES; slot++) {
		node = root_node(r, slot);
		id = node ? node->id : 0;
		if (ids && ids[slot] == id)
			continue;
		dst = (void *)flat_part(out, slot, &size);
		copy_out(dst, node ? node_content(node) : NULL, size, shared);
		if (ids)
			ids[slot] = id;
	}
	if (ids)
		ids[LFCE_NODE_ROOT] = root->id;
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
	u64 version = old->root.t.version + 1;

	root->root = old->root;
	root->root.t.version = version;
	root->id = version << 4 | LFCE_NODE_ROOT;
	txn->old = old;
	txn->root = root;
	txn->stash = stash;
	txn->copied = BIT(LFCE_NODE_ROOT);
	txn->rec = rec;
	txn->nr_rec = 0;
	txn->max_rec = max_rec;
	txn->seeds = NULL;
	txn->rolled = false;
	txn->realtime_ns = 0;
}

static struct lfce_node **txn_slot(struct lfce_txn *txn, unsigned int slot)
{
	/* The const goes: this slot is about to hold our private copy. */
	return (struct lfce_node **)root_slot(&txn->root->root, slot);
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
		memcpy(node_body(copy), node_body(*p), size);
	else
		memset(node_body(copy), 0, size);
	copy->id = txn->root->root.t.version << 4 | slot;
	*p = copy;
	txn->copied |= BIT(slot);
	return copy;
}

const struct lfce_seat *lfce_txn_seat(const struct lfce_txn *txn, unsigned int i)
{
	const struct lfce_node *n = txn->root->root.node[LFCE_NODE_SEAT0 + i];

	return n ? &n->seat : &zero_seat;
}

struct lfce_seat *lfce_txn_seat_mut(struct lfce_txn *txn, unsigned int i)
{
	return &txn_cow(txn, LFCE_NODE_SEAT0 + i, sizeof(struct lfce_seat))->seat;
}

const struct lfce_round *lfce_txn_round(const struct lfce_txn *txn)
{
	const struct lfce_node *n = txn->root->root.node[LFCE_NODE_ROUND];

	return n ? &n->round : &zero_round;
}

struct lfce_round *lfce_txn_round_mut(struct lfce_txn *txn)
{
	return &txn_cow(txn, LFCE_NODE_ROUND, sizeof(struct lfce_round))->round;
}

const struct lfce_proposal *lfce_txn_props(const struct lfce_txn *txn)
{
	const struct lfce_node *n = txn->root->root.node[LFCE_NODE_PROPS];

	return n ? n->props : zero_props;
}

struct lfce_proposal *lfce_txn_props_mut(struct lfce_txn *txn)
{
	return txn_cow(txn, LFCE_NODE_PROPS, sizeof(zero_props))->props;
}

/* The node the old snapshot had in @slot, which our copy replaces. */
static const struct lfce_node *old_node(const struct lfce_txn *txn, unsigned int slot)
{
	if (slot == LFCE_NODE_ROOT)
		return txn->old;
	return root_node(&txn->old->root, slot);
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
 * unreachable for new readers. They wait in the stash until
 * lfce_pool_fill() gives them a grace-period cookie: the writer reuses
 * them itself once it has passed, or hands them to the pool.
 */
void lfce_txn_retire(struct lfce_txn *txn)
{
	struct lfce_stash *stash = txn->stash;
	unsigned long copied = txn->copied;
	const struct lfce_node *node;

	/* A commit copies the root and a node or two: visit only those. */
	for (; copied; copied &= copied - 1) {
		node = old_node(txn, __ffs(copied));
		if (node)
			stash->retired[stash->nr_retired++] = (struct lfce_node *)node;
	}
}

/*
 * Free the nodes of a snapshot that is no longer reachable (the game's last
 * one, at teardown, after a grace period).
 */
void lfce_snapshot_release(struct lfce_pool *pool, const struct lfce_node *root)
{
	const struct lfce_root *r = &root->root;
	const struct lfce_node *node;
	unsigned int slot;

	spin_lock(&pool->lock);
	for (slot = LFCE_NODE_SEAT0; slot < LFCE_NODES; slot++) {
		node = root_node(r, slot);
		if (node)
			lfce_pool_free_node(pool, (struct lfce_node *)node);
	}
	lfce_pool_free_node(pool, (struct lfce_node *)root);
	spin_unlock(&pool->lock);
}
