// SPDX-License-Identifier: GPL-2.0-only
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/sha2.h>

#include "helpers.h"

/* Host roll @roll with @seed, as round.c makes it (uapi, "Dice"). */
static void host_dice(u64 roll, const u8 seed[32], u8 dice[2])
{
	u8 buf[8 + 32];
	unsigned int i;

	for (i = 0; i < 8; i++)
		buf[i] = roll >> (8 * i);
	memcpy(buf + 8, seed, 32);
	lfce_rules_dice_from(buf, sizeof(buf), dice);
}

/*
 * The seed of roll @roll: the first of SHA-256("lt" || roll || i), i = 0,
 * 1, ..., whose host roll is the planned one (about 36 tries), or i = 0.
 */
void lt_seed(const struct lt_game *g, u64 roll, u8 seed[32])
{
	const u8 *want = roll < LT_PLAN ? g->plan[roll] : NULL;
	u8 buf[2 + 8 + 4], dice[2];
	u32 i;

	for (i = 0; ; i++) {
		buf[0] = 'l';
		buf[1] = 't';
		memcpy(buf + 2, &roll, 8);
		memcpy(buf + 10, &i, 4);
		sha256(buf, sizeof(buf), seed);
		if (!want || !want[0])
			return;
		host_dice(roll, seed, dice);
		if (dice[0] == want[0] && dice[1] == want[1])
			return;
	}
}

static int lt_commitment(const struct lfce_seeds *s, u64 record, u64 roll, u8 *out)
{
	u8 seed[32];

	lt_seed(container_of(s, struct lt_game, seeds), roll, seed);
	sha256(seed, sizeof(seed), out);
	return 0;
}

static int lt_reveal(const struct lfce_seeds *s, u64 record, u64 roll, u8 *out)
{
	lt_seed(container_of(s, struct lt_game, seeds), roll, out);
	return 0;
}

const struct lfce_params lt_params = {
	.game_id = 1,
	.slots = 4,
	.records = 1024,
	.pool_cap = 256,
	.retry_budget = 64,
	.batch_max = LT_MAX_REC,
};

/*
 * A game with @cfg, or one that goes on from snapshot @from (e.g. to try
 * an operation twice) when @from is not NULL.
 */
static struct lt_game *game_start(struct kunit *test, const struct lfce_config *cfg,
				  const struct lfce_snapshot *from,
				  const struct lfce_params *params)
{
	struct lt_game *g;
	int ret;

	g = kzalloc(sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	ret = from ? lfce_engine_restore(&g->e, from, params) :
		     lfce_engine_init(&g->e, cfg, params);
	if (ret) {
		kfree(g);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "starting the engine");
	}
	lfce_writer_init(&g->w, g->rec, ARRAY_SIZE(g->rec), false);
	g->seeds.commitment = lt_commitment;
	g->seeds.seed = lt_reveal;
	g->e.seeds = &g->seeds;
	g->now = from ? from->table.time_ns : 1000;
	return g;
}

struct lt_game *lt_game_new_params(struct kunit *test, const struct lfce_config *cfg,
				   const struct lfce_params *params)
{
	return game_start(test, cfg, NULL, params);
}

struct lt_game *lt_game_restore(struct kunit *test, const struct lfce_snapshot *s,
				const struct lfce_params *params)
{
	return game_start(test, NULL, s, params);
}

struct lt_game *lt_game_new(struct kunit *test, const struct lfce_config *cfg,
			    bool host_dice)
{
	struct lfce_config c;

	if (cfg)
		c = *cfg;
	else
		lfce_rules_default_config(&c);
	if (host_dice)
		c.dice_mode = LFCE_DICE_HOST;
	return lt_game_new_params(test, &c, &lt_params);
}

/*
 * A game with the default config and a pool of @pool_cap nodes, seat 0
 * joined with 1000 in it: what the reclamation tests start from.
 */
struct lt_game *lt_game_small_pool(struct kunit *test, u32 pool_cap)
{
	struct lfce_params p = lt_params;
	struct lfce_config cfg;
	struct lt_game *g;

	lfce_rules_default_config(&cfg);
	p.pool_cap = pool_cap;
	g = lt_game_new_params(test, &cfg, &p);
	KUNIT_ASSERT_EQ(test, lt_join(g, 0, 1000), 0);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, 0, 1000), 0);
	return g;
}

void lt_game_free(struct lt_game *g)
{
	lfce_writer_release(&g->e, &g->w);
	lfce_engine_uninit(&g->e);
	kfree(g);
}

int lt_commit(struct lt_game *g, const struct lfce_op *ops, unsigned int n)
{
	return lfce_commit(&g->e, &g->w, ops, n, g->now, &g->version);
}

int lt_op(struct lt_game *g, struct lfce_op *op)
{
	return lt_commit(g, op, 1);
}

struct lfce_op lt_player_op(struct lt_game *g, u16 type, u32 seat)
{
	struct lfce_op op = { .type = type, .seat = seat };

	if (seat < LFCE_MAX_SEATS)
		op.nonce = ++g->nonce[seat];
	return op;
}

struct lfce_op lt_owner_op(struct lt_game *g, u16 type, u32 seat)
{
	return (struct lfce_op){ .type = type, .seat = seat, .nonce = ++g->owner_nonce };
}

int lt_join(struct lt_game *g, u32 seat, u32 uid)
{
	struct lfce_op op = lt_player_op(g, LFCE_OP_JOIN, seat);

	op.u.join.uid = uid;
	op.u.join.id[0] = seat;
	return lt_op(g, &op);
}

int lt_deposit(struct lt_game *g, u32 seat, u64 amount)
{
	struct lfce_op op = lt_owner_op(g, LFCE_OP_DEPOSIT, seat);

	op.u.amount.value = amount;
	return lt_op(g, &op);
}

int lt_bet(struct lt_game *g, u32 seat, u32 kind, u64 amount)
{
	struct lfce_op op = lt_player_op(g, LFCE_OP_BET, seat);

	op.u.bet.kind = kind;
	op.u.bet.amount = amount;
	return lt_op(g, &op);
}

int lt_unbet(struct lt_game *g, u32 seat, u32 kind, u64 amount)
{
	struct lfce_op op = lt_player_op(g, LFCE_OP_UNBET, seat);

	op.u.bet.kind = kind;
	op.u.bet.amount = amount;
	return lt_op(g, &op);
}

/*
 * Plan host roll number @roll to be (d1, d2). Like the kernel's, a roll's
 * seed is committed before the roll (at the previous one, or by the game's
 * first record for roll 0), so this must come before that.
 */
void lt_plan(struct lt_game *g, u64 roll, u8 d1, u8 d2)
{
	if (WARN_ON(roll >= LT_PLAN))
		return;
	g->plan[roll][0] = d1;
	g->plan[roll][1] = d2;
}

/*
 * Host-dice games only: roll, and return -EDOM without rolling if the
 * next roll was not planned as (d1, d2).
 */
int lt_roll(struct lt_game *g, u8 d1, u8 d2)
{
	struct lfce_op op = lt_owner_op(g, LFCE_OP_ROLL, LFCE_SEAT_BANK);
	u64 roll;

	rcu_read_lock();
	roll = rcu_dereference(g->e.cur)->root.t.rolls;
	rcu_read_unlock();
	if (roll >= LT_PLAN || g->plan[roll][0] != d1 || g->plan[roll][1] != d2)
		return -EDOM;
	return lt_op(g, &op);
}

void lt_read(struct lt_game *g, struct lfce_snapshot *s)
{
	lfce_engine_read(&g->e, s, NULL);
}

/*
 * A game whose journal has J = 64 entries and 100 records published (bank
 * deposits), so the ring has gone round once; its largest commit,
 * LFCE_TXN_RECORDS(24), fills the journal's lead of J/2.
 */
struct lt_game *lt_journal_game(struct kunit *test)
{
	struct lfce_params p = lt_params;
	struct lfce_config cfg;
	struct lt_game *g;
	unsigned int i;

	lfce_rules_default_config(&cfg);
	p.records = 64;
	p.batch_max = 24;
	g = lt_game_new_params(test, &cfg, &p);
	for (i = 0; i < 100; i++)
		KUNIT_ASSERT_EQ(test, lt_deposit(g, LFCE_SEAT_BANK, 1), 0);
	KUNIT_ASSERT_EQ(test, lfce_publish_head(&g->e.pub), 100);
	return g;
}

/*
 * Write @n records past the journal's head, unpublished, as a commit in
 * flight does. They are not the rules' own: free the game next.
 */
void lt_journal_in_flight(struct kunit *test, struct lt_game *g, unsigned int n)
{
	struct lfce_record *fake = kunit_kcalloc(test, n, sizeof(*fake), GFP_KERNEL);
	u64 head = lfce_publish_head(&g->e.pub);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, fake);
	for (i = 0; i < n; i++)
		fake[i].number = head + i;
	preempt_disable();
	lfce_publish_records(&g->e.pub, fake, n);
	preempt_enable();
}

/* Record @n from the game's journal ring; false if it was overwritten. */
bool lt_journal(struct lt_game *g, u64 n, struct lfce_record *out)
{
	struct lfce_pub *pub = &g->e.pub;
	const struct lfce_record *e = &pub->journal[n & (pub->nr_records - 1)];

	/* Pairs with the publisher's smp_store_release(journal_head). */
	if (n >= smp_load_acquire(&pub->region->journal_head))
		return false;
	*out = *e;
	return out->seq == 2 * (u32)n + 2 && out->number == n;
}

/*
 * Check the journal of @g from record 0: numbers and versions contiguous,
 * the digest chain intact, ending at the snapshot's digest. Returns the
 * number of the first bad record, or the record count if all are good.
 */
u64 lt_journal_check(struct lt_game *g, const struct lfce_snapshot *s)
{
	struct lfce_record r;
	u64 n, digest = 0, version = 0;

	for (n = 0; n < s->table.records; n++) {
		if (!lt_journal(g, n, &r))
			return n;
		if (r.version != version && r.version != version + 1)
			return n;
		if (lfce_rules_record_digest(&r, digest) != r.digest)
			return n;
		digest = r.digest;
		version = r.version;
	}
	return digest == s->table.digest && version == s->table.version ? n : 0;
}

/*
 * Replay @g's whole journal through the rules on a fresh game with the same
 * configuration, one batch per version, and compare the result with @g's
 * current snapshot byte for byte.
 */
bool lt_replay_matches(struct kunit *test, struct lt_game *g,
		       const struct lfce_params *params)
{
	struct lfce_snapshot *a, *b;
	struct lfce_seed_journal js;
	struct lfce_record *recs;
	struct lfce_op *ops;
	struct lfce_record r;
	struct lt_game *h;
	unsigned int n = 0;
	u64 i, version = 1;
	bool same;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	ops = kunit_kcalloc(test, LFCE_TXN_RECORDS(LT_MAX_REC), sizeof(*ops), GFP_KERNEL);
	recs = kunit_kcalloc(test, LFCE_TXN_RECORDS(LT_MAX_REC), sizeof(*recs), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, a && b && ops && recs);
	lt_read(g, a);
	rcu_read_lock();
	b->table.config = rcu_dereference(g->e.cur)->root.t.config;
	rcu_read_unlock();
	h = lt_game_new_params(test, &b->table.config, params);
	/* The seeds the journal reveals, which the rules check. */
	lfce_seed_journal_init(&js);
	h->e.seeds = &js.ops;
	for (i = 0; i <= a->table.records; i++) {
		bool have = i < a->table.records && lt_journal(g, i, &r);

		if (i < a->table.records && !have)
			break;
		if (n && (!have || r.version != version)) {
			lfce_seed_journal_set(&js, recs, n);
			if (lt_commit(h, ops, n))
				break;
			n = 0;
			version++;
		}
		if (have) {
			recs[n] = r;
			ops[n++] = r.op;
			h->now = r.time_ns;
			h->w.realtime_ns = r.realtime_ns;
		}
	}
	lt_read(h, b);
	same = !memcmp(a, b, sizeof(*a));
	lt_game_free(h);
	return same;
}
