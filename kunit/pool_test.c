// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the node pool at its limits. At the global cap a writer with
 * nothing of its own to reclaim fails at once (ENOMEM, or EAGAIN when
 * nonblocking) and keeps nothing; a writer whose game has retired nodes
 * waits for them instead, and goes on committing; surplus free nodes go
 * back under pressure; a closed pool keeps the last snapshot readable and
 * refuses writers; a flip of the epoch that straddles a writer's cookie
 * does not end that cookie's grace period.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "helpers.h"

/* Run with the global cap @headroom nodes above what all games hold now. */
static unsigned long cap_headroom(long headroom)
{
	unsigned long old = lfce_pool_global_cap;

	lfce_pool_global_cap = lfce_pool_nodes() + headroom;
	return old;
}

static void pool_fails_at_global_cap(struct kunit *test)
{
	struct lfce_stash *stash = kunit_kzalloc(test, sizeof(*stash), GFP_KERNEL);
	struct lfce_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	unsigned long old;

	KUNIT_ASSERT_TRUE(test, stash && pool);
	KUNIT_ASSERT_EQ(test, lfce_pool_init(pool, 4 * LFCE_NODES), 0);
	old = cap_headroom(LFCE_NODES - 1);	/* one commit's worth, less one */
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, stash, false), -ENOMEM);
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, stash, true), -EAGAIN);
	/* A refusal keeps nothing: no node in the stash, none reserved. */
	KUNIT_EXPECT_EQ(test, stash->nr_free, 0);
	KUNIT_EXPECT_EQ(test, pool->nodes, 0);
	KUNIT_EXPECT_EQ(test, pool->stashes, 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&pool->backpressure), 2);

	lfce_pool_global_cap = old;
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, stash, false), 0);
	KUNIT_EXPECT_GE(test, stash->nr_free, LFCE_NODES);
	lfce_pool_drain(pool, stash);
	KUNIT_EXPECT_EQ(test, pool->stashes, 0);
	lfce_pool_uninit(pool);
}

/*
 * One uid's games share a budget (lfce_pool_uid_cap): once its pools
 * hold that many nodes they get no more (ENOMEM, nothing kept), while a
 * pool of another uid, or of nobody's budget, still fills; what a pool
 * frees goes back to its owner's budget.
 */
static void pool_uid_budget(struct kunit *test)
{
	struct lfce_stash *st = kunit_kcalloc(test, 3, sizeof(*st), GFP_KERNEL);
	struct lfce_pool *pool = kunit_kcalloc(test, 3, sizeof(*pool), GFP_KERNEL);
	struct lfce_budget mine = {}, theirs = {};
	unsigned long old = lfce_pool_uid_cap;
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, st && pool);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, lfce_pool_init(&pool[i], 4 * LFCE_NODES), 0);
	pool[0].budget = &mine;
	pool[1].budget = &mine;
	pool[2].budget = &theirs;
	lfce_pool_uid_cap = 2 * LFCE_NODES - 1;	/* one stash and a bit */
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(&pool[0], &st[0], false), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mine.nodes), pool[0].nodes);
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(&pool[1], &st[1], false), -ENOMEM);
	KUNIT_EXPECT_EQ(test, st[1].nr_free, 0);
	KUNIT_EXPECT_EQ(test, pool[1].nodes, 0);
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(&pool[2], &st[2], false), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&theirs.nodes), pool[2].nodes);
	for (i = 0; i < 3; i++) {
		lfce_pool_drain(&pool[i], &st[i]);
		lfce_pool_uninit(&pool[i]);
	}
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mine.nodes), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&theirs.nodes), 0);
	lfce_pool_uid_cap = old;
}

/*
 * A full stash (two commits' worth) only while the owner's games are
 * below half the uid cap as well: a writer does not hold back nodes its
 * owner's other games will want.
 */
static void pool_full_stash_within_half_budget(struct kunit *test)
{
	struct lfce_stash *st = kunit_kcalloc(test, 2, sizeof(*st), GFP_KERNEL);
	struct lfce_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	struct lfce_budget mine = {};
	unsigned long old = lfce_pool_uid_cap;

	KUNIT_ASSERT_TRUE(test, st && pool);
	KUNIT_ASSERT_EQ(test, lfce_pool_init(pool, 256), 0);
	pool->budget = &mine;
	lfce_pool_uid_cap = 3 * LFCE_NODES;	/* a full stash fits, but past half */
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, &st[0], false), 0);
	KUNIT_EXPECT_EQ(test, st[0].nr_free, LFCE_NODES);
	lfce_pool_uid_cap = 8 * LFCE_NODES;
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, &st[1], false), 0);
	KUNIT_EXPECT_EQ(test, st[1].nr_free, 2 * LFCE_NODES);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mine.nodes), 3 * LFCE_NODES);
	lfce_pool_drain(pool, &st[0]);
	lfce_pool_drain(pool, &st[1]);
	lfce_pool_uninit(pool);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mine.nodes), 0);
	lfce_pool_uid_cap = old;
}

/* Another writer's stash is nodes coming back: nonblocking, EAGAIN. */
static void pool_nonblocking_writer_never_waits(struct kunit *test)
{
	struct lfce_stash *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct lfce_stash *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct lfce_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	unsigned long old;

	KUNIT_ASSERT_TRUE(test, a && b && pool);
	KUNIT_ASSERT_EQ(test, lfce_pool_init(pool, 4 * LFCE_NODES), 0);
	old = cap_headroom(LFCE_NODES + 3);
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, a, false), 0);
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, b, true), -EAGAIN);
	KUNIT_EXPECT_EQ(test, b->nr_free, 0);
	lfce_pool_drain(pool, a);
	/* a's nodes are back: b gets them. */
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, b, true), 0);
	lfce_pool_drain(pool, b);
	lfce_pool_global_cap = old;
	lfce_pool_uninit(pool);
}

/*
 * A parked stash keeps its nodes across park and resume, at no cost to the
 * pool's bookkeeping; but a writer short of nodes takes them back at once
 * (no wait, no backpressure counted), and the parked writer, resumed,
 * finds its stash empty and fills it again.
 */
static void pool_parked_stash_taken_back(struct kunit *test)
{
	struct lfce_stash *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct lfce_stash *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct lfce_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	unsigned int had;
	unsigned long old;

	KUNIT_ASSERT_TRUE(test, a && b && pool);
	KUNIT_ASSERT_EQ(test, lfce_pool_init(pool, 4 * LFCE_NODES), 0);
	old = cap_headroom(LFCE_NODES + 3);	/* a's stash, and not one more */
	KUNIT_ASSERT_EQ(test, lfce_pool_fill(pool, a, true), 0);
	had = a->nr_free;
	lfce_pool_park(pool, a);
	lfce_pool_unpark(pool, a);
	KUNIT_EXPECT_EQ(test, a->nr_free, had);
	KUNIT_EXPECT_EQ(test, pool->stashes, 1);
	lfce_pool_park(pool, a);

	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, b, true), 0);
	KUNIT_EXPECT_GE(test, b->nr_free, LFCE_NODES);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&pool->backpressure), 0);
	KUNIT_EXPECT_EQ(test, a->nr_free, 0);
	KUNIT_EXPECT_FALSE(test, a->listed);
	KUNIT_EXPECT_EQ(test, pool->stashes, 1);	/* b's alone */

	lfce_pool_unpark(pool, a);
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, a, true), -EAGAIN);	/* b has them */
	lfce_pool_park(pool, b);
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, a, true), 0);
	lfce_pool_unpark(pool, b);
	lfce_pool_drain(pool, a);
	lfce_pool_drain(pool, b);
	KUNIT_EXPECT_EQ(test, pool->stashes, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&pool->parked));
	lfce_pool_global_cap = old;
	lfce_pool_uninit(pool);
}

/* Closing a pool frees what parked stashes hold; a resumed writer gets ENODEV. */
static void pool_close_frees_parked(struct kunit *test)
{
	struct lfce_stash *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct lfce_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);

	KUNIT_ASSERT_TRUE(test, a && pool);
	KUNIT_ASSERT_EQ(test, lfce_pool_init(pool, 4 * LFCE_NODES), 0);
	KUNIT_ASSERT_EQ(test, lfce_pool_fill(pool, a, false), 0);
	lfce_pool_park(pool, a);
	lfce_pool_close(pool);
	KUNIT_EXPECT_EQ(test, pool->nodes, 0);
	KUNIT_EXPECT_EQ(test, a->nr_free, 0);
	lfce_pool_unpark(pool, a);
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, a, false), -ENODEV);
	lfce_pool_drain(pool, a);
	lfce_pool_uninit(pool);
}

/*
 * A stash takes a full stash's worth while the pool is below half its cap
 * (its writer then visits the pool every few commits), one commit's worth
 * above. Under pressure a drained pool keeps a few commits' worth, no more.
 */
static void pool_gives_surplus_back(struct kunit *test)
{
	struct lfce_stash *st = kunit_kcalloc(test, 6, sizeof(*st), GFP_KERNEL);
	struct lfce_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	unsigned int i, held = 0;
	unsigned long old;

	KUNIT_ASSERT_TRUE(test, st && pool);
	KUNIT_ASSERT_EQ(test, lfce_pool_init(pool, 256), 0);
	old = cap_headroom(1000);
	for (i = 0; i < 6; i++)
		KUNIT_ASSERT_EQ(test, lfce_pool_fill(pool, &st[i], false), 0);
	KUNIT_EXPECT_EQ(test, st[0].nr_free, 2 * LFCE_NODES);
	KUNIT_EXPECT_EQ(test, st[5].nr_free, LFCE_NODES);	/* past 128 of 256 */
	for (i = 0; i < 5; i++) {
		held += st[i].nr_free;
		lfce_pool_drain(pool, &st[i]);
	}
	KUNIT_EXPECT_EQ(test, pool->nr_free, held);	/* no pressure: kept */

	cap_headroom(10);	/* now more than half the budget is in use */
	lfce_pool_drain(pool, &st[5]);
	KUNIT_EXPECT_LT(test, pool->nr_free, held + LFCE_NODES);
	/* A few at a time: each visit (of an empty stash) under pressure trims again. */
	for (i = 0; i < 8 && pool->nr_free > 4 * LFCE_NODES; i++) {
		cap_headroom(10);
		lfce_pool_drain(pool, &st[0]);
	}
	KUNIT_EXPECT_EQ(test, pool->nr_free, 4 * LFCE_NODES);
	KUNIT_EXPECT_EQ(test, pool->nodes, 4 * LFCE_NODES);
	lfce_pool_global_cap = old;
	lfce_pool_uninit(pool);
}

/*
 * Only retired nodes of its own between a writer and the cap: it waits for
 * their grace period and commits, again and again, never ENOMEM.
 */
static void pool_waits_for_own_retired(struct kunit *test)
{
	struct lt_game *g = lt_game_small_pool(test, 4 * LFCE_NODES);
	unsigned long old;
	int i, ret = 0;

	old = cap_headroom(0);		/* what the game holds now is all it gets */
	for (i = 0; i < 200 && !ret; i++)
		ret = lt_bet(g, 0, LFCE_BET_FIELD, 1);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_LE(test, lfce_pool_nodes(), lfce_pool_global_cap);
	lfce_pool_global_cap = old;
	lt_game_free(g);
}

/* Nodes the snapshot of @e holds: the root and every part it has. */
static unsigned int live_nodes(struct lfce_engine *e)
{
	const struct lfce_root *r = &rcu_dereference_protected(e->cur, 1)->root;
	unsigned int slot, n = 1;

	for (slot = LFCE_NODE_SEAT0; slot < LFCE_NODES; slot++)
		n += !!r->node[slot];
	return n;
}

/*
 * A closed engine keeps its last snapshot and nothing else, even with
 * retired nodes still in a writer's stash, and refuses writers.
 */
static void pool_close_keeps_last_snapshot(struct kunit *test)
{
	struct lfce_snapshot *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	struct lfce_snapshot *after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	struct lfce_op down = { .type = LFCE_OP_SHUTDOWN, .seat = LFCE_SEAT_BANK };
	struct lfce_op out;
	struct lt_game *g;
	int i;

	KUNIT_ASSERT_TRUE(test, before && after);
	g = lt_game_new(test, NULL, true);
	KUNIT_ASSERT_EQ(test, lt_join(g, 0, 1000), 0);
	KUNIT_ASSERT_EQ(test, lt_join(g, 1, 1001), 0);
	for (i = 0; i < 50; i++) {
		KUNIT_ASSERT_EQ(test, lt_deposit(g, 0, 1), 0);
		out = lt_owner_op(g, LFCE_OP_WITHDRAW, 0);
		out.u.amount.value = 1;
		KUNIT_ASSERT_EQ(test, lt_op(g, &out), 0);
	}
	KUNIT_ASSERT_EQ(test, lt_op(g, &down), 0);
	KUNIT_EXPECT_GT(test, g->w.stash.nr_retired + g->w.stash.nr_aging, 0);
	lt_read(g, before);
	lfce_engine_close(&g->e);
	KUNIT_EXPECT_EQ(test, g->e.pool.nr_free, 0);
	KUNIT_EXPECT_EQ(test, g->e.pool.nodes, live_nodes(&g->e) + g->w.stash.nr_free +
			g->w.stash.nr_retired + g->w.stash.nr_aging);
	lfce_writer_release(&g->e, &g->w);	/* freed, not recycled */
	KUNIT_EXPECT_EQ(test, g->e.pool.nodes, live_nodes(&g->e));
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);
	KUNIT_EXPECT_EQ(test, lt_op(g, &down), -ENODEV);
	KUNIT_EXPECT_EQ(test, g->w.stash.nr_free, 0);
	KUNIT_EXPECT_EQ(test, g->e.pool.nodes, live_nodes(&g->e));
	lt_game_free(g);
}

/* As if @stash's writer had committed until it must fill again. */
static void use_up(struct lfce_stash *stash)
{
	while (stash->nr_free >= LFCE_NODES)
		stash->retired[stash->nr_retired++] = stash->free[--stash->nr_free];
}

/* Has @x come back to be reused, in @stash or in the pool's free stack? */
static bool reusable_again(const struct lfce_pool *pool, const struct lfce_stash *stash,
			   const struct lfce_node *x)
{
	unsigned int i;

	for (i = 0; i < stash->nr_free; i++)
		if (stash->free[i] == x)
			return true;
	for (i = 0; i < pool->nr_free; i++)
		if (pool->free[i] == x)
			return true;
	return false;
}

/*
 * The interleaving epoch_flip() explains, up to the writer's fill: a
 * reader reads the epoch as c - 1 and is preempted; a flip to c; a flipper
 * reads c, finds no reader of phase (c + 1) & 1 and is preempted; the
 * reader counts itself in that phase and finds node x; writer w
 * unpublishes x. Stash d lends nodes, w2 visits the pool at the end.
 */
struct straddle {
	struct lfce_pool *pool;
	struct lfce_stash *w, *d, *w2;
	struct lfce_node *x;
	unsigned int phase;
	unsigned long c;
};

static void straddle_begin(struct kunit *test, struct straddle *t)
{
	struct lfce_epoch *ep;

	t->pool = kunit_kzalloc(test, sizeof(*t->pool), GFP_KERNEL);
	t->w = kunit_kzalloc(test, sizeof(*t->w), GFP_KERNEL);
	t->d = kunit_kzalloc(test, sizeof(*t->d), GFP_KERNEL);
	t->w2 = kunit_kzalloc(test, sizeof(*t->w2), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, t->pool && t->w && t->d && t->w2);
	KUNIT_ASSERT_EQ(test, lfce_pool_init(t->pool, 256), 0);
	KUNIT_ASSERT_EQ(test, lfce_pool_fill(t->pool, t->w, false), 0);
	KUNIT_ASSERT_EQ(test, lfce_pool_fill(t->pool, t->d, false), 0);
	ep = &t->pool->epoch;
	t->c = READ_ONCE(ep->seq) + 1;
	t->phase = (t->c - 1) & 1;		/* what the reader read */
	WRITE_ONCE(ep->seq, t->c);		/* the flip to c */
	atomic_long_inc(&ep->slot[0].readers[t->phase]);	/* the reader, late */
	t->x = t->w->free[--t->w->nr_free];	/* found by the reader ... */
	t->w->retired[t->w->nr_retired++] = t->x;	/* ... and unpublished */
}

/* The reader leaves: the next visit of the pool (w2's) reclaims x. */
static void straddle_end(struct kunit *test, struct straddle *t)
{
	atomic_long_dec(&t->pool->epoch.slot[0].readers[t->phase]);
	KUNIT_ASSERT_EQ(test, lfce_pool_fill(t->pool, t->w2, false), 0);
	KUNIT_EXPECT_TRUE(test, reusable_again(t->pool, t->w2, t->x));
	lfce_pool_drain(t->pool, t->w);
	lfce_pool_drain(t->pool, t->d);
	lfce_pool_drain(t->pool, t->w2);
	lfce_pool_uninit(t->pool);
}

/*
 * The straddle through the pool's ring: w runs short and fills, reading
 * x's cookie as c and handing it to the pool; then the flipper writes
 * c + 1. The next fills may flip to c + 2, but x must stay retired while
 * the reader is inside: c + 2 is not three flips past the cookie (the flip
 * to c + 1 checked before the reader counted itself).
 */
static void pool_straddling_flip_does_not_count(struct kunit *test)
{
	struct straddle t;
	int i;

	straddle_begin(test, &t);
	use_up(t.w);
	KUNIT_ASSERT_EQ(test, lfce_pool_fill(t.pool, t.w, false), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(t.pool->epoch.seq), t.c);	/* the reader blocks c + 1 */
	KUNIT_EXPECT_EQ(test, cmpxchg(&t.pool->epoch.seq, t.c, t.c + 1), t.c);	/* the flipper */
	for (i = 0; i < 4; i++) {
		use_up(t.w);
		KUNIT_ASSERT_EQ(test, lfce_pool_fill(t.pool, t.w, false), 0);
		KUNIT_EXPECT_FALSE_MSG(test, reusable_again(t.pool, t.w, t.x), "fill %d", i);
	}
	KUNIT_EXPECT_EQ(test, READ_ONCE(t.pool->epoch.seq), t.c + 2);
	straddle_end(test, &t);
}

/*
 * The same straddle on the writer's own path: x ages in w's stash under
 * cookie c, and w's fills, which find the stash ready, never hand it to
 * the pool until it runs short. Its own flips to c + 2 must not bring x
 * back while the reader is inside.
 */
static void pool_straddling_flip_aging(struct kunit *test)
{
	struct straddle t;

	straddle_begin(test, &t);
	/* More retired than a commit may leave, free nodes to spare: only recycle() runs. */
	while (t.w->nr_retired <= LFCE_NODES)
		t.w->retired[t.w->nr_retired++] = t.d->free[--t.d->nr_free];
	KUNIT_ASSERT_EQ(test, lfce_pool_fill(t.pool, t.w, false), 0);
	KUNIT_EXPECT_EQ(test, t.w->nr_aging, LFCE_NODES + 1);	/* x among them, cookie c */
	KUNIT_EXPECT_EQ(test, t.w->aging_cookie, t.c);
	KUNIT_EXPECT_EQ(test, cmpxchg(&t.pool->epoch.seq, t.c, t.c + 1), t.c);	/* the flipper */
	use_up(t.w);
	KUNIT_ASSERT_EQ(test, lfce_pool_fill(t.pool, t.w, false), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(t.pool->epoch.seq), t.c + 2);
	KUNIT_EXPECT_FALSE(test, reusable_again(t.pool, t.w, t.x));
	straddle_end(test, &t);
}

static struct kunit_case pool_cases[] = {
	KUNIT_CASE(pool_uid_budget),
	KUNIT_CASE(pool_full_stash_within_half_budget),
	KUNIT_CASE(pool_fails_at_global_cap),
	KUNIT_CASE(pool_nonblocking_writer_never_waits),
	KUNIT_CASE(pool_parked_stash_taken_back),
	KUNIT_CASE(pool_close_frees_parked),
	KUNIT_CASE(pool_gives_surplus_back),
	KUNIT_CASE(pool_waits_for_own_retired),
	KUNIT_CASE(pool_close_keeps_last_snapshot),
	KUNIT_CASE(pool_straddling_flip_does_not_count),
	KUNIT_CASE(pool_straddling_flip_aging),
	{}
};

static struct kunit_suite pool_suite = {
	.name = "lfce_pool",
	.test_cases = pool_cases,
};

kunit_test_suite(pool_suite);
