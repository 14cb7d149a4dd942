/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * snapshot: the immutable state of one game, its copy-on-write
 * transactions, and the pool that recycles its memory after a grace period.
 *
 * A snapshot is a small root node holding the table and pointers to one
 * node per seat, one for the round and one for the proposals. A transaction copies the root, then
 * copies a seat or the round only when a rule first writes it: a bet copies
 * about 600 bytes, not the 4.6 KiB of the whole state. Nodes shared between
 * snapshots are never written; a node is written only between its copy and
 * the cmpxchg that publishes it.
 */
#ifndef _LFCE_SNAPSHOT_H
#define _LFCE_SNAPSHOT_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/lfce.h>

/* Node slots of a snapshot: the root, each seat, the round, the proposals. */
#define LFCE_NODE_ROOT		0
#define LFCE_NODE_SEAT0		1
#define LFCE_NODE_ROUND		(LFCE_NODE_SEAT0 + LFCE_MAX_SEATS)
#define LFCE_NODE_PROPS		(LFCE_NODE_ROUND + 1)
#define LFCE_NODES		(LFCE_NODE_PROPS + 1)

struct lfce_node;
struct lfce_seeds;

struct lfce_root {
	struct lfce_table t;
	const struct lfce_node *seat[LFCE_MAX_SEATS];
	const struct lfce_node *round;
	const struct lfce_node *props;
};

struct lfce_node {
	u64 id;				/* unique per content: version << 4 | slot */
	union {
		struct lfce_root root;
		struct lfce_seat seat;
		struct lfce_round round;
		struct lfce_proposal props[LFCE_MAX_PROPOSALS];
	};
};

/*
 * A writer's private supply of nodes, filled from the pool before the RCU
 * section so that nothing in it allocates, and the nodes it replaced, which
 * go back to the pool with a grace-period cookie. A commit needs at most
 * LFCE_NODES; the stash holds twice that, so that it visits the pool's lock
 * only every few commits.
 */
struct lfce_stash {
	unsigned int nr_free;
	unsigned int nr_retired;
	bool out;			/* counted in lfce_pool.stashes */
	struct lfce_node *free[2 * LFCE_NODES];
	struct lfce_node *retired[2 * LFCE_NODES];
};

/* A node waiting for the grace period named by its cookie. */
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
 * The nodes of all the games one uid owns, against lfce_snapshot_uid_cap:
 * one uid cannot take the whole of lfce_snapshot_global_cap from others.
 */
struct lfce_budget {
	atomic_long_t nodes;
};

struct lfce_pool {
	spinlock_t lock;
	struct lfce_budget *budget;	/* the owner's; NULL: not counted */
	struct lfce_node **free;	/* a stack of nr_free */
	struct lfce_retired *retired;	/* a ring; [head, tail) in use */
	unsigned int ring_mask;
	unsigned int head, tail;	/* free-running */
	unsigned int nodes;
	unsigned int nr_free;
	unsigned int cap;
	unsigned int stashes;
	unsigned long started;		/* last cookie we started a GP for */
	atomic_long_t backpressure;	/* times a writer waited or got EAGAIN */
};

/* A copy-on-write transaction from @old. See lfce_txn_begin(). */
struct lfce_txn {
	const struct lfce_node *old;
	struct lfce_node *root;
	struct lfce_stash *stash;
	u32 copied;			/* bit n: node slot n is a private copy */
	struct lfce_record *rec;	/* records this transaction emitted */
	unsigned int nr_rec;
	unsigned int max_rec;
	const struct lfce_seeds *seeds;	/* the rolls' seeds; NULL: no rolls */
	bool rolled;			/* nothing may follow a roll */
	u64 realtime_ns;		/* the records' wall-clock stamp */
};

extern unsigned long lfce_snapshot_global_cap;
extern unsigned long lfce_snapshot_uid_cap;
unsigned long lfce_snapshot_nodes(void);

int lfce_pool_init(struct lfce_pool *pool, unsigned int cap);
void lfce_pool_uninit(struct lfce_pool *pool);
int lfce_pool_fill(struct lfce_pool *pool, struct lfce_stash *stash, bool nonblock);
int lfce_pool_reserve(struct lfce_pool *pool, struct lfce_stash *stash);
void lfce_pool_drain(struct lfce_pool *pool, struct lfce_stash *stash);
void lfce_pool_close(struct lfce_pool *pool);

struct lfce_node *lfce_snapshot_create(struct lfce_pool *pool,
					const struct lfce_config *cfg);
struct lfce_node *lfce_snapshot_restore(struct lfce_pool *pool,
					 const struct lfce_snapshot *s);
void lfce_snapshot_release(struct lfce_pool *pool, const struct lfce_node *root);
void lfce_snapshot_flatten(const struct lfce_node *root, struct lfce_snapshot *out,
			   u64 *ids, bool shared);
bool lfce_snapshot_conserved(const struct lfce_node *root);

void lfce_txn_begin(struct lfce_txn *txn, const struct lfce_node *old,
		    struct lfce_stash *stash, struct lfce_record *rec,
		    unsigned int max_rec);
void lfce_txn_abort(struct lfce_txn *txn);
void lfce_txn_retire(struct lfce_txn *txn);

const struct lfce_seat *lfce_txn_seat(const struct lfce_txn *txn, unsigned int i);
struct lfce_seat *lfce_txn_seat_mut(struct lfce_txn *txn, unsigned int i);
const struct lfce_round *lfce_txn_round(const struct lfce_txn *txn);
struct lfce_round *lfce_txn_round_mut(struct lfce_txn *txn);
const struct lfce_proposal *lfce_txn_props(const struct lfce_txn *txn);
struct lfce_proposal *lfce_txn_props_mut(struct lfce_txn *txn);

/*
 * Word-sized stores for memory that others read while we write it (ring
 * slots and journal entries): readers copy with 8-byte loads and discard
 * the copy if its seq changed, so no store may tear within a word. A NULL
 * @src writes zeroes.
 */
static inline void lfce_copy_words(void *dst, const void *src, size_t bytes)
{
	const u64 *s = src;
	u64 *d = dst;
	size_t i;

	for (i = 0; i < bytes / 8; i++)
		WRITE_ONCE(d[i], s ? s[i] : 0);
}

static inline struct lfce_table *lfce_txn_table(struct lfce_txn *txn)
{
	return &txn->root->root.t;
}

#endif /* _LFCE_SNAPSHOT_H */
