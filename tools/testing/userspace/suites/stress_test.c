// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: writers, a roller, ring readers and a journal follower on
 * one game, in userspace. Run under TSan (and ASan). Every snapshot a
 * reader copies out of the ring through liblfce must be conserved, never
 * older than the one before, and carry the digest the journal has for its
 * version (a torn copy would not); the journal's chain must hold; the
 * final state must equal a serial replay of the journal.
 *
 * Random choices come from a seed printed at the start; rerun a failure
 * with the runner's -s <seed>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../../../../kunit/helpers.h"
#include "../../../lib/liblfce.h"
#include "shim.h"

#define ST_WRITERS	3
#define ST_READERS	2
#define ST_ITERS	5000
#define ST_ROLLS	1000
#define ST_SAMPLES	2048
#define ST_VERSIONS	(ST_WRITERS * ST_ITERS + ST_ROLLS + 64)

struct st_sample {
	u64 version;
	u64 digest;
};

struct st_state {
	struct lt_game *g;
	u64 total;
	int writers_left;
	int failures;
	u64 *digest_at;			/* by version, from the journal */
	struct st_sample samples[ST_READERS][ST_SAMPLES];
	unsigned int nr_samples[ST_READERS];
	long reads;
};

struct st_thread {
	struct st_state *st;
	unsigned int id;
	u64 seed;
};

static void fail(struct st_state *st, const char *why, u64 a, u64 b)
{
	fprintf(stderr, "stress: %s (%llu, %llu)\n", why, (unsigned long long)a,
		(unsigned long long)b);
	__atomic_add_fetch(&st->failures, 1, __ATOMIC_RELAXED);
}

static bool writers_running(struct st_state *st)
{
	return __atomic_load_n(&st->writers_left, __ATOMIC_ACQUIRE);
}

static u64 next_rand(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Bets that are legal in either phase, so most operations commit. */
static const u32 st_kinds[] = {
	LFCE_BET_FIELD, LFCE_BET_PLACE_4, LFCE_BET_PLACE_8, LFCE_BET_HARD_6,
	LFCE_BET_ANY_SEVEN, LFCE_BET_ELEVEN, LFCE_BET_TWELVE,
};

static int st_writer(void *data)
{
	struct st_thread *t = data;
	struct st_state *st = t->st;
	struct lfce_record rec[LFCE_TXN_RECORDS(2)];
	struct lfce_writer w;
	struct lfce_op op[2] = {};
	u64 nonce = 100, v, r;
	unsigned int i, n;
	int ret;

	lfce_writer_init(&w, rec, ARRAY_SIZE(rec), false);
	for (i = 0; i < ST_ITERS; i++) {
		r = next_rand(&t->seed);
		n = 1 + (r & 1);
		op[0] = (struct lfce_op){ .type = r & 2 ? LFCE_OP_UNBET : LFCE_OP_BET,
					  .seat = t->id, .nonce = ++nonce };
		op[0].u.bet.kind = st_kinds[(r >> 8) % ARRAY_SIZE(st_kinds)];
		op[0].u.bet.amount = 30 * (1 + (r >> 16) % 4);	/* whole units of every kind */
		op[1] = op[0];
		op[1].nonce = ++nonce;
		op[1].u.bet.kind = st_kinds[(r >> 24) % ARRAY_SIZE(st_kinds)];
		do	/* out of retries: again, with the same nonces */
			ret = lfce_commit(&st->g->e, &w, op, n, 5000 + i, &v);
		while (ret == -EAGAIN);
		/* Refusals are fine (nothing to remove, table closed...); others are not. */
		if (ret && ret != -EINVAL && ret != -EPROTO && ret != -ENOSPC)
			fail(st, "writer commit error", t->id, -ret);
	}
	lfce_writer_release(&st->g->e, &w);
	__atomic_sub_fetch(&st->writers_left, 1, __ATOMIC_RELEASE);
	return 0;
}

/*
 * The owner rolls host dice while the writers bet. A roll that runs out of
 * retries (EAGAIN) is submitted again, as an owner would.
 */
static int st_roller(void *data)
{
	struct st_thread *t = data;
	struct st_state *st = t->st;
	struct lfce_record rec[LFCE_TXN_RECORDS(1)];
	struct lfce_writer w;
	struct lfce_op op = { .type = LFCE_OP_ROLL, .seat = LFCE_SEAT_BANK };
	unsigned int i;
	int ret;
	u64 v;

	lfce_writer_init(&w, rec, ARRAY_SIZE(rec), false);
	for (i = 0; i < ST_ROLLS; i++) {
		op.nonce = 1000000 + i;	/* the owner's, above every deposit's */
		do
			ret = lfce_commit(&st->g->e, &w, &op, 1, 5000 + i, &v);
		while (ret == -EAGAIN);
		if (ret)
			fail(st, "roll refused", i, ret);
	}
	lfce_writer_release(&st->g->e, &w);
	__atomic_sub_fetch(&st->writers_left, 1, __ATOMIC_RELEASE);
	return 0;
}

/* Read the ring with liblfce, the way a monitor reads its mapping. */
static int st_reader(void *data)
{
	struct st_thread *t = data;
	struct st_state *st = t->st;
	struct lfce_snapshot *s = malloc(sizeof(*s));
	const void *base = st->g->e.pub.region;
	u64 last = 0;
	long n;

	/* At least one read, however fast the writers are. */
	do {
		if (!s || lfce_snapshot_read(base, s))
			continue;	/* lapped: a monitor would use the ioctl */
		if (!lfce_rules_conserved(s) || s->table.total != st->total)
			fail(st, "torn or unconserved snapshot", s->table.version, s->table.total);
		if (s->table.version < last)
			fail(st, "version went backwards", last, s->table.version);
		last = s->table.version;
		n = __atomic_add_fetch(&st->reads, 1, __ATOMIC_RELAXED);
		if (st->nr_samples[t->id] < ST_SAMPLES && (!st->nr_samples[t->id] || !(n & 7)))
			st->samples[t->id][st->nr_samples[t->id]++] =
				(struct st_sample){ s->table.version, s->table.digest };
	} while (writers_running(st) || (s && !st->nr_samples[t->id]));
	free(s);
	return 0;
}

/* Follow the journal as it grows: chain intact, digest of each version kept. */
static int st_follower(void *data)
{
	struct st_thread *t = data;
	struct st_state *st = t->st;
	const void *base = st->g->e.pub.region;
	struct lfce_record r;
	u64 n = 0, digest = 0;
	bool last_round = false;
	int ret;

	for (;;) {
		ret = lfce_journal_record(base, n, &r);
		if (ret == -EAGAIN) {
			if (last_round)
				break;
			last_round = !writers_running(st);
			continue;
		}
		if (ret) {
			fail(st, "journal record lost", n, -ret);
			break;
		}
		if (lfce_rules_record_digest(&r, digest) != r.digest)
			fail(st, "digest chain broken", n, r.version);
		digest = r.digest;
		if (r.version < ST_VERSIONS)
			st->digest_at[r.version] = r.digest;
		n++;
	}
	return 0;
}

static void stress_ring_and_journal(struct kunit *test)
{
	struct lfce_params p = lt_params;
	struct st_thread th[ST_WRITERS + ST_READERS + 2];
	struct task_struct *task[ST_WRITERS + ST_READERS + 2];
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct st_state *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct lfce_config cfg;
	unsigned int i, j, n = 0;
	u64 seed = shim_seed();

	KUNIT_ASSERT_TRUE(test, s && st);
	st->digest_at = kunit_kcalloc(test, ST_VERSIONS, sizeof(u64), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st->digest_at);
	kunit_info(test, "seed %llu", (unsigned long long)seed);
	lfce_rules_default_config(&cfg);
	cfg.dice_mode = LFCE_DICE_HOST;
	p.slots = 2;		/* small ring: readers get lapped */
	p.records = 65536;
	p.pool_cap = 4096;
	st->g = lt_game_new_params(test, &cfg, &p);
	for (i = 0; i < ST_WRITERS; i++) {
		KUNIT_ASSERT_EQ(test, lt_join(st->g, i, 3000 + i), 0);
		KUNIT_ASSERT_EQ(test, lt_deposit(st->g, i, 100000), 0);
	}
	KUNIT_ASSERT_EQ(test, lt_deposit(st->g, LFCE_SEAT_BANK, 100000000), 0);
	lt_read(st->g, s);
	st->total = s->table.total;
	st->writers_left = ST_WRITERS + 1;

	for (i = 0; i < ARRAY_SIZE(th); i++) {
		int (*fn)(void *) = i < ST_WRITERS ? st_writer :
				    i == ST_WRITERS ? st_roller :
				    i <= ST_WRITERS + ST_READERS ? st_reader : st_follower;

		th[i] = (struct st_thread){ st, i < ST_WRITERS ? i : i - ST_WRITERS - 1,
					    seed * (i + 1) | 1 };
		task[i] = kthread_run(fn, &th[i], "stress");
		KUNIT_ASSERT_FALSE(test, IS_ERR(task[i]));
	}
	for (i = 0; i < ARRAY_SIZE(th); i++)
		kthread_stop(task[i]);

	lt_read(st->g, s);
	KUNIT_EXPECT_EQ(test, st->failures, 0);
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(s));
	KUNIT_EXPECT_EQ(test, lt_journal_check(st->g, s), s->table.records);
	for (i = 0; i < ST_READERS; i++) {
		for (j = 0; j < st->nr_samples[i]; j++, n++) {
			struct st_sample *sm = &st->samples[i][j];

			KUNIT_EXPECT_EQ_MSG(test, st->digest_at[sm->version], sm->digest,
					    "version %llu", (unsigned long long)sm->version);
		}
	}
	KUNIT_EXPECT_GT(test, n, 0);
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, st->g, &p));
	kunit_info(test, "version %llu, %u samples checked, %ld reads",
		   (unsigned long long)s->table.version, n, st->reads);
	lt_game_free(st->g);
}

static struct kunit_case stress_cases[] = {
	KUNIT_CASE(stress_ring_and_journal),
	{}
};

static struct kunit_suite stress_suite = {
	.name = "lfce_stress",
	.test_cases = stress_cases,
};

kunit_test_suite(stress_suite);
