/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * snapshot: the immutable state of one game and its copy-on-write
 * transactions. The pool that recycles its memory after a grace period is
 * in pool.h.
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

#include <linux/compiler.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/lfce.h>

/* Node slots of a snapshot: the root, each seat, the round, the proposals. */
#define LFCE_NODE_ROOT		0
#define LFCE_NODE_SEAT0		1
#define LFCE_NODE_ROUND		(LFCE_NODE_SEAT0 + LFCE_MAX_SEATS)
#define LFCE_NODE_PROPS		(LFCE_NODE_ROUND + 1)
#define LFCE_NODES		(LFCE_NODE_PROPS + 1)

struct lfce_node;
struct lfce_pool;
struct lfce_seeds;
struct lfce_stash;

struct lfce_root {
	struct lfce_table t;
	/* By node slot: seats, round, proposals; [LFCE_NODE_ROOT] stays NULL. */
	const struct lfce_node *node[LFCE_NODES];
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

struct lfce_node *lfce_snapshot_create(struct lfce_pool *pool,
					const struct lfce_config *cfg);
struct lfce_node *lfce_snapshot_restore(struct lfce_pool *pool,
					 const struct lfce_snapshot *s);
void lfce_snapshot_release(struct lfce_pool *pool, const struct lfce_node *root);
void lfce_snapshot_flatten(const struct lfce_node *root, struct lfce_snapshot *out,
			   u64 *ids, bool shared);

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
 * A copy into memory that others read while we write it (ring slots and
 * journal entries), inside its seq's odd window. Readers check the seq
 * after their copy and discard it if it changed, so what they may see
 * torn they never keep: a plain memcpy() is correct, and twice as fast as
 * word stores. The race is intended; data_race() says so to KCSAN. Under
 * a thread sanitizer, which checks every access rather than the protocol,
 * each word is stored as the atomic that readers load. A NULL @src writes
 * zeroes.
 */
#if defined(__SANITIZE_THREAD__)
#define LFCE_COPY_WORDS
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LFCE_COPY_WORDS
#endif
#endif

static inline void lfce_copy_shared(void *dst, const void *src, size_t bytes)
{
#ifdef LFCE_COPY_WORDS
	const u64 *s = src;
	u64 *d = dst;
	size_t i;

	for (i = 0; i < bytes / 8; i++)
		WRITE_ONCE(d[i], s ? s[i] : 0);
#else
	if (!src) {
		/* Readers discard what they copied while we write: see above. */
		data_race(memset(dst, 0, bytes));
		return;
	}
	/* Readers discard what they copied while we write: see above. */
	data_race(memcpy(dst, src, bytes));
#endif
}

static inline struct lfce_table *lfce_txn_table(struct lfce_txn *txn)
{
	return &txn->root->root.t;
}

#endif /* _LFCE_SNAPSHOT_H */
