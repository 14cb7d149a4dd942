// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: nobody can choose a roll. The attacks of the fairness issue, each
 * a few hundred times, against the real commit path with the kernel's own
 * seeds (a game key drawn at random, as the module does):
 *
 *   1. a guard: the rolling operation followed, in the same batch, by
 *      operations that would fail unless the roll paid (BET then UNBET of
 *      a one-roll bet); resubmitted until it commits. It never commits: an
 *      operation after a roll is refused (EPROTO) and nothing changes.
 *   2. resubmission: the same rolling operation, from the same state, at
 *      other times (each attempt on a copy of the game restored from the
 *      snapshot before the roll). Every attempt rolls the same dice, and
 *      the seed each reveals opens the commitment that was in the snapshot
 *      before the attacks began.
 *
 * for each way a roll is made: an EXPIRE after a withheld reveal, the
 * deciding vote of an agreed ROLL (a lone player, a quorum of one), and a
 * host ROLL by the owner. Then: the last revealer, who knows every secret,
 * cannot know the roll (the same secrets roll differently under other
 * keys), and a journal whose seed does not open its commitment does not
 * replay. And the house plays fair too: the owner cannot take the bank from
 * under bets on the table, nor call off a player's contract bet.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <crypto/sha2.h>

#include "helpers.h"

#define FT_TRIES	200
#define FT_KEYS		32
#define FT_BALANCE	1000
#define FT_BANK		100000

struct ft {
	struct kunit *test;
	struct lt_game *g;
	struct lfce_seed_key key;	/* the kernel's kind of seeds */
	struct lfce_snapshot *before, *after;
	struct lfce_op roll;		/* the operation that rolls */
	u32 seat;			/* whose one-roll bet is at stake */
};

static void ft_seat(struct ft *f, u32 seat)
{
	KUNIT_ASSERT_EQ(f->test, lt_join(f->g, seat, 1000 + seat), 0);
	KUNIT_ASSERT_EQ(f->test, lt_deposit(f->g, seat, FT_BALANCE), 0);
}

/* A game in @mode whose seeds come from a random key, as in the module. */
static void ft_start(struct ft *f, struct kunit *test, u32 mode, unsigned int seats)
{
	struct lfce_config cfg;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	f->test = test;
	f->before = kunit_kzalloc(test, sizeof(*f->before), GFP_KERNEL);
	f->after = kunit_kzalloc(test, sizeof(*f->after), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, f->before && f->after);
	lfce_rules_default_config(&cfg);
	cfg.dice_mode = mode;
	f->g = lt_game_new(test, &cfg, false);
	lfce_seed_key_init(&f->key, NULL);
	f->g->e.seeds = &f->key.ops;	/* before the first record */
	for (i = 0; i < seats; i++)
		ft_seat(f, i);
	KUNIT_ASSERT_EQ(test, lt_deposit(f->g, LFCE_SEAT_BANK, FT_BANK), 0);
}

static void ft_end(struct ft *f)
{
	lt_game_free(f->g);
	lfce_seed_key_wipe(&f->key);
}

/* Attack 1: a guard after the roll never commits, and changes nothing. */
static void ft_guard(struct ft *f)
{
	struct lfce_op ops[3];
	unsigned int i, refused = 0, changed = 0;

	lt_read(f->g, f->before);
	for (i = 0; i < FT_TRIES; i++) {
		ops[0] = f->roll;
		ops[1] = lt_player_op(f->g, LFCE_OP_BET, f->seat);
		ops[1].u.bet.kind = LFCE_BET_FIELD;
		ops[1].u.bet.amount = 1 + i % 5;
		ops[2] = lt_player_op(f->g, LFCE_OP_UNBET, f->seat);
		ops[2].u.bet.kind = LFCE_BET_FIELD;
		ops[2].u.bet.amount = ops[1].u.bet.amount;
		refused += lt_commit(f->g, ops, 3) == -EPROTO;
		lt_read(f->g, f->after);
		changed += !!memcmp(f->before, f->after, sizeof(*f->after));
	}
	KUNIT_EXPECT_EQ_MSG(f->test, refused, FT_TRIES, "guarded rolls refused (EPROTO)");
	KUNIT_EXPECT_EQ_MSG(f->test, changed, 0, "guarded rolls that changed the state");
}

/* The seed of a roll's record opens the commitment of the snapshot before. */
static bool ft_opens(const struct lfce_record *r, const struct lfce_snapshot *before)
{
	u8 h[SHA256_DIGEST_SIZE];

	sha256(r->seed, sizeof(r->seed), h);
	return !memcmp(h, before->table.seed_commitment, sizeof(h));
}

/* The newest record of @g. */
static void ft_last(struct ft *f, struct lt_game *g, struct lfce_record *r)
{
	lt_read(g, f->after);
	KUNIT_ASSERT_TRUE(f->test, lt_journal(g, f->after->table.records - 1, r));
}

/*
 * Attack 2: the roll, made again and again from the same state at other
 * times, is always the same roll; then the real game makes it too.
 */
static void ft_resubmit(struct ft *f)
{
	unsigned int i, same = 0, opens = 0;
	struct lfce_record r;
	struct lt_game *copy;
	u8 dice[2] = {};

	lt_read(f->g, f->before);
	for (i = 0; i < FT_TRIES; i++) {
		copy = lt_game_restore(f->test, f->before, &lt_params);
		copy->e.seeds = &f->key.ops;
		copy->now = f->g->now + i * NSEC_PER_MSEC;
		KUNIT_ASSERT_EQ(f->test, lt_op(copy, &f->roll), 0);
		ft_last(f, copy, &r);
		if (!i)
			memcpy(dice, r.dice, 2);
		same += r.dice[0] && r.dice[0] == dice[0] && r.dice[1] == dice[1];
		opens += ft_opens(&r, f->before);
		lt_game_free(copy);
	}
	KUNIT_EXPECT_EQ_MSG(f->test, same, FT_TRIES, "attempts that rolled %u+%u", dice[0],
			    dice[1]);
	KUNIT_EXPECT_EQ_MSG(f->test, opens, FT_TRIES, "seeds that open the commitment");

	KUNIT_ASSERT_EQ(f->test, lt_op(f->g, &f->roll), 0);
	ft_last(f, f->g, &r);
	KUNIT_EXPECT_EQ(f->test, r.dice[0], dice[0]);
	KUNIT_EXPECT_EQ(f->test, r.dice[1], dice[1]);
	KUNIT_EXPECT_TRUE(f->test, ft_opens(&r, f->before));
	/* ... and published the next roll's commitment, now in force. */
	KUNIT_EXPECT_EQ(f->test, memcmp(r.commitment, f->after->table.seed_commitment,
					sizeof(r.commitment)), 0);
	KUNIT_EXPECT_NE(f->test, memcmp(r.commitment, f->before->table.seed_commitment,
					sizeof(r.commitment)), 0);
	KUNIT_EXPECT_TRUE(f->test, lt_replay_matches(f->test, f->g, &lt_params));
}

static void ft_commit_secret(struct ft *f, u32 seat, u8 secret[32])
{
	struct lfce_op op = lt_player_op(f->g, LFCE_OP_COMMIT, seat);
	struct lfce_snapshot *s = f->after;

	lt_read(f->g, s);
	memset(secret, 0x30 + seat, 32);
	lfce_rules_commitment(secret, s->round.number, op.u.commit.digest);
	KUNIT_ASSERT_EQ(f->test, lt_op(f->g, &op), 0);
}

static void ft_reveal(struct ft *f, u32 seat, const u8 secret[32])
{
	struct lfce_op op = lt_player_op(f->g, LFCE_OP_REVEAL, seat);

	memcpy(op.u.reveal.secret, secret, 32);
	KUNIT_ASSERT_EQ(f->test, lt_op(f->g, &op), 0);
}

/*
 * A new game (a new key) in which seat 1 bets, both seats commit the same
 * secrets as ever, and seat 0 reveals: seat 1's is the last reveal.
 */
static void ft_round(struct ft *f, struct kunit *test, u8 secret[2][32])
{
	struct lfce_op close;

	ft_start(f, test, LFCE_DICE_COMMIT_REVEAL, 2);
	KUNIT_ASSERT_EQ(test, lt_bet(f->g, 1, LFCE_BET_FIELD, 10), 0);
	close = lt_player_op(f->g, LFCE_OP_CLOSE, 0);
	KUNIT_ASSERT_EQ(test, lt_op(f->g, &close), 0);
	ft_commit_secret(f, 0, secret[0]);
	ft_commit_secret(f, 1, secret[1]);
	ft_reveal(f, 0, secret[0]);
}

/* Seat 1 withholds its reveal; past the deadline, EXPIRE rolls. */
static void fairness_expire(struct kunit *test)
{
	u8 secret[2][32];
	struct ft f;

	ft_round(&f, test, secret);
	lt_read(f.g, f.before);
	f.g->now = f.before->round.deadline_ns + 1;
	f.roll = (struct lfce_op){ .type = LFCE_OP_EXPIRE, .seat = LFCE_SEAT_BANK };
	f.seat = 1;
	ft_guard(&f);
	ft_resubmit(&f);
	ft_end(&f);
}

/* A lone player is a quorum of one: its deciding vote on a ROLL rolls. */
static void fairness_agreed_roll(struct kunit *test)
{
	struct lfce_op op;
	struct lfce_record r;
	struct ft f;

	ft_start(&f, test, LFCE_DICE_AGREEMENT, 1);
	KUNIT_ASSERT_EQ(test, lt_bet(f.g, 0, LFCE_BET_FIELD, 10), 0);
	op = lt_player_op(f.g, LFCE_OP_PROPOSE, 0);
	op.u.propose.action = LFCE_OP_ROLL;
	KUNIT_ASSERT_EQ(test, lt_op(f.g, &op), 0);
	ft_last(&f, f.g, &r);
	f.roll = lt_player_op(f.g, LFCE_OP_VOTE, 0);
	f.roll.u.vote.id = r.op.u.propose.id;
	f.roll.u.vote.choice = LFCE_VOTE_FOR;
	f.seat = 0;
	/* Later operations of the guard need nonces above the vote's. */
	ft_guard(&f);
	ft_resubmit(&f);
	ft_end(&f);
}

/* The owner of a host-dice game rolls. */
static void fairness_host_roll(struct kunit *test)
{
	struct ft f;

	ft_start(&f, test, LFCE_DICE_HOST, 1);
	KUNIT_ASSERT_EQ(test, lt_bet(f.g, 0, LFCE_BET_FIELD, 10), 0);
	f.roll = lt_owner_op(f.g, LFCE_OP_ROLL, LFCE_SEAT_BANK);
	f.seat = 0;
	ft_guard(&f);
	ft_resubmit(&f);
	ft_end(&f);
}

/* The last reveal of ft_round(): its dice. */
static void ft_last_reveal(struct kunit *test, u8 dice[2])
{
	struct lfce_record r;
	u8 secret[2][32];
	struct ft f;

	ft_round(&f, test, secret);
	ft_reveal(&f, 1, secret[1]);
	ft_last(&f, f.g, &r);
	memcpy(dice, r.dice, 2);
	ft_end(&f);
}

/*
 * The last revealer knows all the secrets (here: the same in every game)
 * and still cannot know the roll: it depends on the game's key. Were the
 * dice a function of the secrets alone, all FT_KEYS games would agree.
 */
static void fairness_last_revealer(struct kunit *test)
{
	u8 first[2], dice[2];
	unsigned int i, differ = 0;

	for (i = 0; i < FT_KEYS; i++) {
		ft_last_reveal(test, i ? dice : first);
		differ += i && (dice[0] != first[0] || dice[1] != first[1]);
	}
	KUNIT_EXPECT_GT_MSG(test, differ, 0, "the same secrets rolled %u+%u under %u keys",
			    first[0], first[1], FT_KEYS);
}

/* A journal whose revealed seed does not open its commitment: no replay. */
static void fairness_lying_journal(struct kunit *test)
{
	struct lfce_seed_journal js;
	struct lfce_record r[1];
	struct lt_game *copy;
	struct ft f;

	ft_start(&f, test, LFCE_DICE_HOST, 1);
	KUNIT_ASSERT_EQ(test, lt_bet(f.g, 0, LFCE_BET_FIELD, 10), 0);
	lt_read(f.g, f.before);
	f.roll = lt_owner_op(f.g, LFCE_OP_ROLL, LFCE_SEAT_BANK);
	KUNIT_ASSERT_EQ(test, lt_op(f.g, &f.roll), 0);
	ft_last(&f, f.g, &r[0]);

	copy = lt_game_restore(test, f.before, &lt_params);
	lfce_seed_journal_init(&js);
	copy->e.seeds = &js.ops;
	copy->now = r[0].time_ns;
	r[0].seed[5] ^= 1;
	lfce_seed_journal_set(&js, r, 1);
	KUNIT_EXPECT_EQ(test, lt_op(copy, &f.roll), -EINVAL);
	r[0].seed[5] ^= 1;
	KUNIT_EXPECT_EQ(test, lt_op(copy, &f.roll), 0);
	lt_read(copy, f.after);
	lt_read(f.g, f.before);
	KUNIT_EXPECT_EQ(test, memcmp(f.before, f.after, sizeof(*f.after)), 0);
	lt_game_free(copy);
	ft_end(&f);
}

/* The owner's WITHDRAW or SETTLE: refused with EPROTO, nothing changed. */
static void ft_owner_refused(struct ft *f, u16 type, u32 seat, const char *what)
{
	struct lfce_op ops[2] = { lt_owner_op(f->g, type, seat),
				  lt_owner_op(f->g, LFCE_OP_ROLL, LFCE_SEAT_BANK) };

	if (type == LFCE_OP_WITHDRAW)
		ops[0].u.amount.value = 1;
	lt_read(f->g, f->before);
	KUNIT_EXPECT_EQ_MSG(f->test, lt_commit(f->g, ops, 1), -EPROTO, "%s", what);
	KUNIT_EXPECT_EQ_MSG(f->test, lt_commit(f->g, ops, 2), -EPROTO, "%s, then ROLL", what);
	lt_read(f->g, f->after);
	KUNIT_EXPECT_EQ_MSG(f->test, memcmp(f->before, f->after, sizeof(*f->after)), 0,
			    "%s changed the state", what);
}

/*
 * Host dice: with a bet up, the owner cannot empty the bank (and then roll,
 * collecting losses and paying no win); once a point is set, it cannot
 * settle the seat's pass bet, a contract. With the table clear it can do
 * both, and the kernel's forced close (SETTLE with nonce 0) settles anything.
 */
static void fairness_house_cannot_run(struct kunit *test)
{
	struct lfce_op op;
	struct ft f;

	ft_start(&f, test, LFCE_DICE_HOST, 1);
	KUNIT_ASSERT_EQ(test, lt_bet(f.g, 0, LFCE_BET_FIELD, 10), 0);
	ft_owner_refused(&f, LFCE_OP_WITHDRAW, LFCE_SEAT_BANK, "bank WITHDRAW with a bet up");
	ft_owner_refused(&f, LFCE_OP_SETTLE, LFCE_SEAT_BANK, "bank SETTLE with a bet up");

	KUNIT_ASSERT_EQ(test, lt_unbet(f.g, 0, LFCE_BET_FIELD, 10), 0);
	KUNIT_ASSERT_EQ(test, lt_bet(f.g, 0, LFCE_BET_PASS, 10), 0);
	do {	/* until a point is set: the seed decides, not the test */
		op = lt_owner_op(f.g, LFCE_OP_ROLL, LFCE_SEAT_BANK);
		KUNIT_ASSERT_EQ(test, lt_op(f.g, &op), 0);
		lt_read(f.g, f.after);
		if (!f.after->seat[0].bets[LFCE_BET_PASS])
			KUNIT_ASSERT_EQ(test, lt_bet(f.g, 0, LFCE_BET_PASS, 10), 0);
	} while (f.after->table.phase != LFCE_PHASE_POINT);
	ft_owner_refused(&f, LFCE_OP_SETTLE, 0, "SETTLE of a seat with a pass bet on a point");
	ft_owner_refused(&f, LFCE_OP_WITHDRAW, LFCE_SEAT_BANK, "bank WITHDRAW on a point");

	op = (struct lfce_op){ .type = LFCE_OP_SETTLE, .seat = 0 };	/* the kernel's */
	KUNIT_EXPECT_EQ(test, lt_op(f.g, &op), 0);
	op = lt_owner_op(f.g, LFCE_OP_WITHDRAW, LFCE_SEAT_BANK);
	op.u.amount.value = 1;
	KUNIT_EXPECT_EQ(test, lt_op(f.g, &op), 0);
	op = lt_owner_op(f.g, LFCE_OP_SETTLE, LFCE_SEAT_BANK);
	KUNIT_EXPECT_EQ(test, lt_op(f.g, &op), 0);
	lt_read(f.g, f.after);
	KUNIT_EXPECT_EQ(test, f.after->table.bank, 0);
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(f.after));
	ft_end(&f);
}

static struct kunit_case fairness_cases[] = {
	KUNIT_CASE(fairness_expire),
	KUNIT_CASE(fairness_agreed_roll),
	KUNIT_CASE(fairness_host_roll),
	KUNIT_CASE(fairness_last_revealer),
	KUNIT_CASE(fairness_lying_journal),
	KUNIT_CASE(fairness_house_cannot_run),
	{}
};

static struct kunit_suite fairness_suite = {
	.name = "lfce_fairness",
	.test_cases = fairness_cases,
};

kunit_test_suite(fairness_suite);
