// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: a fill that meets a failed node allocation, with the slab
 * shim's fault injection (shim_fail_nth), which the kernel build has not.
 * Past one commit's worth (a roomy pool lends a full stash) the failure
 * costs nothing: the fill succeeds with what it got. Short of it, the fill
 * fails and the stash keeps nothing (what was made stays in the pool).
 * Either way the pool and the global count hold exactly the nodes that
 * exist.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../../../../module/pool.h"
#include "shim.h"

static void pool_alloc_fails_past_a_commit(struct kunit *test)
{
	struct lfce_stash *st = kunit_kcalloc(test, 2, sizeof(*st), GFP_KERNEL);
	struct lfce_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	long before, live, global;

	KUNIT_ASSERT_TRUE(test, st && pool);
	before = shim_nr_allocated;
	KUNIT_ASSERT_EQ(test, lfce_pool_init(pool, 256), 0);
	live = shim_nr_allocated;
	global = lfce_pool_nodes();

	/* The 15th node fails: 14 made, more than a commit needs. */
	shim_fail_nth = LFCE_NODES + 4;
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, &st[0], false), 0);
	KUNIT_EXPECT_EQ(test, st[0].nr_free, LFCE_NODES + 3);
	KUNIT_EXPECT_EQ(test, pool->nodes, LFCE_NODES + 3);
	KUNIT_EXPECT_EQ(test, lfce_pool_nodes() - global, LFCE_NODES + 3);
	KUNIT_EXPECT_EQ(test, shim_nr_allocated - live, LFCE_NODES + 3);

	/* The 5th fails: short of a commit, the stash keeps nothing. */
	shim_fail_nth = 5;
	KUNIT_EXPECT_EQ(test, lfce_pool_fill(pool, &st[1], true), -EAGAIN);
	shim_fail_nth = 0;
	KUNIT_EXPECT_EQ(test, st[1].nr_free, 0);
	KUNIT_EXPECT_EQ(test, pool->nodes, LFCE_NODES + 3 + 4);
	KUNIT_EXPECT_EQ(test, pool->nr_free, 4);
	KUNIT_EXPECT_EQ(test, lfce_pool_nodes() - global, LFCE_NODES + 3 + 4);
	KUNIT_EXPECT_EQ(test, shim_nr_allocated - live, LFCE_NODES + 3 + 4);

	lfce_pool_drain(pool, &st[0]);
	lfce_pool_drain(pool, &st[1]);
	lfce_pool_uninit(pool);
	KUNIT_EXPECT_EQ(test, lfce_pool_nodes(), global);
	KUNIT_EXPECT_EQ(test, shim_nr_allocated, before);
}

static struct kunit_case pool_alloc_cases[] = {
	KUNIT_CASE(pool_alloc_fails_past_a_commit),
	{}
};

static struct kunit_suite pool_alloc_suite = {
	.name = "lfce_pool_alloc",
	.test_cases = pool_alloc_cases,
};

kunit_test_suite(pool_alloc_suite);
