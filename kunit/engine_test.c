// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the commit engine. Refused operations change nothing; batches are
 * atomic; a commit-reveal round rolls the dice the protocol says;
 * concurrent kthreads keep versions contiguous, tokens conserved and the
 * journal replayable; retired memory stays under its cap; committers stay
 * within the journal's lead, and a lapped reader resumes at the oldest
 * record intact.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/processor.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <crypto/sha2.h>

#include "helpers.h"

/* Two seats (uids 1000, 1001), 1000 tokens each, bank 100000. */
static struct lt_game *table_for_two(struct kunit *test, bool host_dice)
{
	struct lt_game *g = lt_game_new(test, NULL, host_dice);

	KUNIT_ASSERT_EQ(test, lt_join(g, 0, 1000), 0);
	KUNIT_ASSERT_EQ(test, lt_join(g, 1, 1001), 0);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, 0, 1000), 0);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, 1, 1000), 0);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, LFCE_SEAT_BANK, 100000), 0);
	return g;
}

struct bad_op {
	const char *what;
	struct lfce_op op;
	int err;
};

#define PLAYER(t, s, n)		.type = (t), .seat = (s), .nonce = (n)
#define OWNER(t, s, n)		PLAYER(t, s, n)

/*
 * Each is refused against table_for_two(); seat 0's last nonce is 1, the
 * owner's 3.
 */
static const struct bad_op bad_ops[] = {
	{ "type 0", { PLAYER(LFCE_OP_NONE, 0, 9) }, -EINVAL },
	{ "type past the end", { PLAYER(LFCE_OP_NR, 0, 9) }, -EINVAL },
	{ "non-zero flags", { PLAYER(LFCE_OP_LEAVE, 0, 9), .flags = 1 }, -EINVAL },
	{ "seat out of range", { PLAYER(LFCE_OP_LEAVE, LFCE_MAX_SEATS, 9) }, -EINVAL },
	{ "bank as a player", { PLAYER(LFCE_OP_LEAVE, LFCE_SEAT_BANK, 9) }, -EINVAL },
	{ "unbound seat", { PLAYER(LFCE_OP_LEAVE, 5, 9) }, -ENOENT },
	{ "used nonce", { PLAYER(LFCE_OP_LEAVE, 0, 1) }, -EALREADY },
	{ "stale version", { PLAYER(LFCE_OP_LEAVE, 0, 9), .expected_version = 1 }, -ESTALE },
	{ "bad bet kind", { PLAYER(LFCE_OP_BET, 0, 9), .u.bet = { LFCE_BET_NR, 0, 5 } }, -EINVAL },
	{ "zero amount", { PLAYER(LFCE_OP_BET, 0, 9), .u.bet = { LFCE_BET_FIELD, 0, 0 } }, -EINVAL },
	{ "bet above balance", { PLAYER(LFCE_OP_BET, 0, 9), .u.bet = { LFCE_BET_FIELD, 0, 1001 } },
	  -ENOSPC },
	{ "nothing to unbet", { PLAYER(LFCE_OP_UNBET, 0, 9), .u.bet = { LFCE_BET_FIELD, 0, 5 } },
	  -EINVAL },
	{ "close by non-shooter", { PLAYER(LFCE_OP_CLOSE, 1, 9) }, -EPERM },
	{ "commit while betting", { PLAYER(LFCE_OP_COMMIT, 0, 9) }, -EPROTO },
	{ "reveal while betting", { PLAYER(LFCE_OP_REVEAL, 0, 9) }, -EPROTO },
	{ "expire while betting", { .type = LFCE_OP_EXPIRE, .seat = LFCE_SEAT_BANK }, -EPROTO },
	{ "host roll, commit-reveal game", { OWNER(LFCE_OP_ROLL, LFCE_SEAT_BANK, 9) }, -EPROTO },
	{ "host roll, owner nonce used", { OWNER(LFCE_OP_ROLL, LFCE_SEAT_BANK, 3) }, -EALREADY },
	{ "join a seat of another uid", { PLAYER(LFCE_OP_JOIN, 1, 9), .u.join.uid = 1000 },
	  -EPERM },
	{ "second seat for one uid", { PLAYER(LFCE_OP_JOIN, 2, 9), .u.join.uid = 1000 }, -EPERM },
	{ "withdraw above balance",
	  { OWNER(LFCE_OP_WITHDRAW, 0, 9), .u.amount.value = 1001 }, -ENOSPC },
	{ "deposit above LFCE_AMOUNT_MAX",
	  { OWNER(LFCE_OP_DEPOSIT, 0, 9), .u.amount.value = LFCE_AMOUNT_MAX + 1 }, -EINVAL },
	{ "deposit to an unbound seat",
	  { OWNER(LFCE_OP_DEPOSIT, 4, 9), .u.amount.value = 1 }, -ENOENT },
	/* Owner operations are exactly-once too: the game's owner nonce. */
	{ "deposit, owner nonce used", { OWNER(LFCE_OP_DEPOSIT, 0, 3), .u.amount.value = 1 },
	  -EALREADY },
	{ "deposit, no owner nonce", { OWNER(LFCE_OP_DEPOSIT, 0, 0), .u.amount.value = 1 },
	  -EALREADY },
	{ "withdraw, owner nonce used", { OWNER(LFCE_OP_WITHDRAW, 0, 2), .u.amount.value = 1 },
	  -EALREADY },
	{ "settle, owner nonce used", { OWNER(LFCE_OP_SETTLE, 0, 1) }, -EALREADY },
	/* Nothing could follow a nonce of U64_MAX. */
	{ "player nonce U64_MAX", { PLAYER(LFCE_OP_BET, 0, U64_MAX),
	  .u.bet = { LFCE_BET_FIELD, 0, 5 } }, -EINVAL },
	{ "owner nonce U64_MAX", { OWNER(LFCE_OP_DEPOSIT, 0, U64_MAX), .u.amount.value = 1 },
	  -EINVAL },
	{ "join nonce U64_MAX", { PLAYER(LFCE_OP_JOIN, 2, U64_MAX), .u.join.uid = 1002 },
	  -EINVAL },
	/* Unused and reserved bytes of the union must be zero. */
	{ "leave, union", { PLAYER(LFCE_OP_LEAVE, 0, 9), .u.raw[0] = 1 }, -EINVAL },
	{ "close, union", { PLAYER(LFCE_OP_CLOSE, 0, 9), .u.raw[4] = 1 }, -EINVAL },
	{ "deposit, to", { OWNER(LFCE_OP_DEPOSIT, 0, 9), .u.amount = { 1, 1, 0 } }, -EINVAL },
	{ "deposit, reserved", { OWNER(LFCE_OP_DEPOSIT, 0, 9), .u.amount = { 1, 0, 1 } },
	  -EINVAL },
	{ "deposit, tail", { OWNER(LFCE_OP_DEPOSIT, 0, 9), .u.raw = { 1, 0, 1 } }, -EINVAL },
	{ "withdraw, tail", { OWNER(LFCE_OP_WITHDRAW, 0, 9), .u.raw = { 1, 0, 0, 0, 1 } },
	  -EINVAL },
	{ "settle, value", { OWNER(LFCE_OP_SETTLE, 0, 9), .u.amount.value = 1 }, -EINVAL },
	{ "kernel settle, union", { OWNER(LFCE_OP_SETTLE, 0, 0), .u.raw[3] = 1 }, -EINVAL },
	{ "commit, tail", { PLAYER(LFCE_OP_COMMIT, 0, 9), .u.raw[4] = 1 }, -EINVAL },
	{ "reveal, tail", { PLAYER(LFCE_OP_REVEAL, 0, 9), .u.raw[4] = 1 }, -EINVAL },
	{ "bet, tail", { PLAYER(LFCE_OP_BET, 0, 9), .u.raw = { LFCE_BET_FIELD, 5, 1 } },
	  -EINVAL },
	{ "unbet, tail", { PLAYER(LFCE_OP_UNBET, 0, 9), .u.raw = { LFCE_BET_FIELD, 5, 0, 0, 1 } },
	  -EINVAL },
	{ "propose, tail", { PLAYER(LFCE_OP_PROPOSE, 0, 9),
	  .u.raw = { LFCE_OP_BAN | (1ULL << 32), 0, 0, 0, 1 } }, -EINVAL },
	{ "join, reserved", { PLAYER(LFCE_OP_JOIN, 2, 9), .u.join = { .uid = 1002, .reserved = 1 } },
	  -EINVAL },
	/* The device resolves LFCE_SEAT_ANY (lfce_rules_join_seat()): the rules never do. */
	{ "join no seat in particular",
	  { PLAYER(LFCE_OP_JOIN, LFCE_SEAT_BANK, 9), .u.join.uid = 1002 }, -EINVAL },
	{ "shutdown, union", { .type = LFCE_OP_SHUTDOWN, .seat = LFCE_SEAT_BANK, .u.raw[0] = 1 },
	  -EINVAL },
	{ "transfer without a quorum",
	  { .type = LFCE_OP_TRANSFER, .seat = 0, .u.amount = { 5, 1, 0 } }, -EPERM },
	{ "ban without a quorum", { .type = LFCE_OP_BAN, .seat = 1 }, -EPERM },
	{ "config without a quorum", { .type = LFCE_OP_CONFIG, .seat = 0 }, -EPERM },
	{ "vote on no proposal",
	  { PLAYER(LFCE_OP_VOTE, 0, 9), .u.vote = { .id = 1, .choice = LFCE_VOTE_FOR } }, -ENOENT },
	{ "lapse of no proposal", { .type = LFCE_OP_LAPSE, .seat = LFCE_SEAT_BANK, .u.vote.id = 1 },
	  -ENOENT },
	{ "propose a deposit",
	  { PLAYER(LFCE_OP_PROPOSE, 0, 9), .u.propose = { .action = LFCE_OP_DEPOSIT, .value = 5 } },
	  -EINVAL },
	{ "propose a transfer above the balance",
	  { PLAYER(LFCE_OP_PROPOSE, 0, 9),
	    .u.propose = { .action = LFCE_OP_TRANSFER, .seat = 0, .to = 1, .value = 1001 } },
	  -ENOSPC },
	{ "propose a transfer to oneself",
	  { PLAYER(LFCE_OP_PROPOSE, 0, 9),
	    .u.propose = { .action = LFCE_OP_TRANSFER, .seat = 0, .to = 0, .value = 1 } },
	  -EINVAL },
	{ "propose a ban of an empty seat",
	  { PLAYER(LFCE_OP_PROPOSE, 0, 9), .u.propose = { .action = LFCE_OP_BAN, .seat = 3 } },
	  -ENOENT },
	{ "propose an agreed roll, commit-reveal game",
	  { PLAYER(LFCE_OP_PROPOSE, 0, 9), .u.propose = { .action = LFCE_OP_ROLL } }, -EPROTO },
	{ "propose min_bet above max_bet",
	  { PLAYER(LFCE_OP_PROPOSE, 0, 9),
	    .u.propose = { .action = LFCE_OP_CONFIG, .param = LFCE_PARAM_MIN_BET,
			   .value = 2000000 } }, -EINVAL },
	{ "propose an unknown parameter",
	  { PLAYER(LFCE_OP_PROPOSE, 0, 9),
	    .u.propose = { .action = LFCE_OP_CONFIG, .param = LFCE_PARAM_NR, .value = 1 } },
	  -EINVAL },
	{ "propose odds_max above 2^32",
	  { PLAYER(LFCE_OP_PROPOSE, 0, 9),
	    .u.propose = { .action = LFCE_OP_CONFIG, .param = LFCE_PARAM_ODDS_MAX,
			   .value = 1ULL << 32 } }, -EINVAL },
};

static void engine_refused_ops_change_nothing(struct kunit *test)
{
	struct lfce_snapshot *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	struct lfce_snapshot *after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	struct lt_game *g = table_for_two(test, false);
	size_t i;

	KUNIT_ASSERT_TRUE(test, before && after);
	lt_read(g, before);
	for (i = 0; i < ARRAY_SIZE(bad_ops); i++) {
		struct lfce_op op = bad_ops[i].op;

		KUNIT_EXPECT_EQ_MSG(test, lt_op(g, &op), bad_ops[i].err, "%s", bad_ops[i].what);
		lt_read(g, after);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(before, after, sizeof(*after)), 0,
				    "%s changed the snapshot", bad_ops[i].what);
	}
	lt_game_free(g);
}

/*
 * LFCE_SEAT_ANY's choice, on a game of 6 seats: seat 0 is uid 1000's, 1 is
 * banned, 2 is uid 1002's, 6 and 7 are past max_seats; busy is what other
 * handles claim.
 */
static const struct {
	const char *what;
	u32 uid, busy;
	int seat;
} join_seats[] = {
	{ "a new uid: the first free seat", 1005, 0, 3 },
	{ "a new uid: not a claimed seat", 1005, BIT(3), 4 },
	{ "its own seat", 1002, 0, 2 },
	{ "its own seat, even when claimed", 1000, BIT(0), 0 },
	{ "every free seat claimed", 1005, BIT(3) | BIT(4) | BIT(5), -EUSERS },
	{ "a claim on a bound seat changes nothing", 1005, BIT(0) | BIT(2), 3 },
};

static void engine_join_seat_choice(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->table.config.max_seats = 6;
	s->seat[0] = (struct lfce_seat){ .uid = 1000, .flags = LFCE_SEAT_BOUND };
	s->seat[1].flags = LFCE_SEAT_BANNED;
	s->seat[2] = (struct lfce_seat){ .uid = 1002, .flags = LFCE_SEAT_BOUND };
	for (i = 0; i < ARRAY_SIZE(join_seats); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    lfce_rules_join_seat(s, join_seats[i].uid, join_seats[i].busy),
				    join_seats[i].seat, "%s", join_seats[i].what);
	s->seat[3].flags = LFCE_SEAT_BANNED;
	s->seat[4] = (struct lfce_seat){ .uid = 1004, .flags = LFCE_SEAT_BOUND };
	s->seat[5] = (struct lfce_seat){ .uid = 1006, .flags = LFCE_SEAT_BOUND };
	KUNIT_EXPECT_EQ_MSG(test, lfce_rules_join_seat(s, 1005, 0), -EUSERS,
			    "seats full, the one past max_seats free");
}

/*
 * LFCE_IOC_STATS and debugfs both take lfce_engine_stats(): it counts
 * commits and refusals, and says what the mapped counters say.
 */
static void engine_stats(struct kunit *test)
{
	struct lfce_stats *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct lt_game *g = table_for_two(test, false);
	struct lfce_op op = lt_player_op(g, LFCE_OP_CLOSE, 1);	/* not the shooter */
	const struct lfce_counters *c;

	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_EXPECT_EQ(test, lt_op(g, &op), -EPERM);
	/* A writer's commits count once it parks, as a handle's does after each ioctl. */
	lfce_writer_park(&g->e, &g->w);
	lfce_writer_resume(&g->e, &g->w);
	lfce_engine_stats(&g->e, st);
	c = &g->e.pub.region->counters;
	KUNIT_EXPECT_EQ(test, st->size, 0);
	KUNIT_EXPECT_EQ(test, st->commits, 5);
	KUNIT_EXPECT_EQ(test, st->refused, 1);
	KUNIT_EXPECT_EQ(test, st->retries[0], 5);
	KUNIT_EXPECT_EQ(test, st->exhausted, 0);
	KUNIT_EXPECT_EQ(test, memcmp(st->retries, c->retries, sizeof(c->retries)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&st->cas_failures, &c->cas_failures,
				     offsetof(struct lfce_counters, latency_ns_log2) -
				     offsetof(struct lfce_counters, cas_failures)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(st->latency_ns_log2, c->latency_ns_log2,
				     sizeof(c->latency_ns_log2)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(st->proposals, c->proposals, sizeof(c->proposals)), 0);
	lt_game_free(g);
}

/*
 * A cached read is the full read after every commit, and a read with no
 * commit in between copies nothing: the same root, the same snapshot.
 */
static void engine_cached_read_follows(struct kunit *test)
{
	struct lfce_snapshot *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct lfce_snapshot *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct lfce_read_cache *cache = kunit_kzalloc(test, sizeof(*cache), GFP_KERNEL);
	struct lt_game *g = table_for_two(test, false);
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, a && b && cache);
	lfce_read_cache_init(cache);
	for (i = 0; i < 6; i++) {
		KUNIT_ASSERT_EQ(test, lt_deposit(g, i % 3 == 2 ? LFCE_SEAT_BANK : i & 1, 1 + i), 0);
		lfce_engine_read(&g->e, a, cache);
		lfce_engine_read(&g->e, b, NULL);
		KUNIT_EXPECT_EQ(test, memcmp(a, b, sizeof(*a)), 0);
	}
	a->table.bank = U64_MAX;	/* not the kernel's: a copy would overwrite it */
	lfce_engine_read(&g->e, a, cache);
	KUNIT_EXPECT_EQ(test, a->table.bank, U64_MAX);
	lt_game_free(g);
}

/*
 * A writer that never parks still shows in the counters, at most
 * LFCE_WRITER_FLUSH commits late; parking adds the rest.
 */
static void engine_writer_counts_reach_the_game(struct kunit *test)
{
	struct lt_game *g = table_for_two(test, false);
	u64 before, n;

	lfce_writer_park(&g->e, &g->w);
	lfce_writer_resume(&g->e, &g->w);
	before = lfce_engine_commits(&g->e);
	for (n = 0; n < 2 * LFCE_WRITER_FLUSH + 3; n++) {
		KUNIT_ASSERT_EQ(test, lt_deposit(g, n & 1, 1), 0);
		KUNIT_EXPECT_GE(test, lfce_engine_commits(&g->e) + LFCE_WRITER_FLUSH,
				before + n + 1);
		KUNIT_EXPECT_LE(test, lfce_engine_commits(&g->e), before + n + 1);
	}
	lfce_writer_park(&g->e, &g->w);
	KUNIT_EXPECT_EQ(test, lfce_engine_commits(&g->e), before + n);
	lfce_writer_resume(&g->e, &g->w);
	lt_game_free(g);
}

/* N operations, one version, N records; one bad op refuses them all. */
static void engine_batch_is_atomic(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct lt_game *g = table_for_two(test, false);
	struct lfce_op ops[3];
	u64 version, records;

	KUNIT_ASSERT_NOT_NULL(test, s);
	lt_read(g, s);
	version = s->table.version;
	records = s->table.records;
	ops[0] = lt_player_op(g, LFCE_OP_BET, 0);
	ops[0].u.bet.kind = LFCE_BET_FIELD;
	ops[0].u.bet.amount = 10;
	ops[1] = lt_player_op(g, LFCE_OP_BET, 1);
	ops[1].u.bet.kind = LFCE_BET_PASS;
	ops[1].u.bet.amount = 20;
	ops[2] = lt_player_op(g, LFCE_OP_BET, 0);
	ops[2].u.bet.kind = LFCE_BET_COME;	/* no point yet: refused */
	ops[2].u.bet.amount = 5;
	KUNIT_EXPECT_EQ(test, lt_commit(g, ops, 3), -EPROTO);
	lt_read(g, s);
	KUNIT_EXPECT_EQ(test, s->table.version, version);
	KUNIT_EXPECT_EQ(test, s->seat[0].bets[LFCE_BET_FIELD], 0);

	ops[2].u.bet.kind = LFCE_BET_PLACE_8;
	ops[2].u.bet.amount = 6;
	KUNIT_EXPECT_EQ(test, lt_commit(g, ops, 3), 0);
	lt_read(g, s);
	KUNIT_EXPECT_EQ(test, s->table.version, version + 1);
	KUNIT_EXPECT_EQ(test, s->table.records, records + 3);
	KUNIT_EXPECT_EQ(test, s->seat[0].balance, 984);
	KUNIT_EXPECT_EQ(test, s->seat[1].bets[LFCE_BET_PASS], 20);
	KUNIT_EXPECT_EQ(test, lt_journal_check(g, s), s->table.records);
	KUNIT_EXPECT_EQ(test, lfce_commit(&g->e, &g->w, ops, LT_MAX_REC + 1, 0, &version),
			-EMSGSIZE);
	lt_game_free(g);
}

static void commit_secret(struct kunit *test, struct lt_game *g, u32 seat, u64 round,
			  u8 secret[32])
{
	struct lfce_op op = lt_player_op(g, LFCE_OP_COMMIT, seat);

	memset(secret, 0x40 + seat, 32);
	lfce_rules_commitment(secret, round, op.u.commit.digest);
	KUNIT_EXPECT_EQ(test, lt_op(g, &op), 0);
}

/*
 * A full round: the shooter closes, both commit, a wrong reveal is refused,
 * both reveal, and the dice are those of SHA-256(round || secrets || the
 * kernel's seed of roll 0), derived here from the protocol's description.
 */
static void engine_commit_reveal_round(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct lt_game *g = table_for_two(test, false);
	u8 secret[2][32], buf[8 + 64 + 32], hash[32], dice[2];
	unsigned int i, n;
	struct lfce_op op;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, lt_bet(g, 1, LFCE_BET_FIELD, 10), 0);
	op = lt_player_op(g, LFCE_OP_CLOSE, 0);
	KUNIT_ASSERT_EQ(test, lt_op(g, &op), 0);
	KUNIT_EXPECT_EQ(test, lt_bet(g, 1, LFCE_BET_FIELD, 10), -EPROTO);
	commit_secret(test, g, 0, 1, secret[0]);
	commit_secret(test, g, 1, 1, secret[1]);
	lt_read(g, s);
	KUNIT_ASSERT_EQ(test, s->table.stage, LFCE_STAGE_REVEAL);

	op = lt_player_op(g, LFCE_OP_REVEAL, 0);
	memset(op.u.reveal.secret, 0x41, 32);	/* seat 1's secret */
	KUNIT_EXPECT_EQ(test, lt_op(g, &op), -EINVAL);
	for (i = 0; i < 2; i++) {
		op = lt_player_op(g, LFCE_OP_REVEAL, i);
		memcpy(op.u.reveal.secret, secret[i], 32);
		KUNIT_EXPECT_EQ(test, lt_op(g, &op), 0);
	}
	lt_read(g, s);
	KUNIT_EXPECT_EQ(test, s->table.stage, LFCE_STAGE_BETTING);
	KUNIT_EXPECT_EQ(test, s->table.rolls, 1);

	memset(buf, 0, 8);
	buf[0] = 1;	/* round 1, little-endian */
	memcpy(buf + 8, secret[0], 32);
	memcpy(buf + 40, secret[1], 32);
	lt_seed(g, 0, buf + 72);
	sha256(buf, sizeof(buf), hash);
	for (i = 0, n = 0; i < sizeof(hash) && n < 2; i++)
		if (hash[i] < 252)	/* rejection sampling, as the uapi says */
			dice[n++] = hash[i] % 6 + 1;
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, s->table.dice[0], dice[0]);
	KUNIT_EXPECT_EQ(test, s->table.dice[1], dice[1]);
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(s));
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, g, &lt_params));
	lt_game_free(g);
}

/* Withholding: past the deadline the non-revealer forfeits, the roll happens. */
static void engine_expiry_forfeits(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct lt_game *g = table_for_two(test, false);
	struct lfce_op op = lt_player_op(g, LFCE_OP_CLOSE, 0);
	struct lfce_op expire = { .type = LFCE_OP_EXPIRE, .seat = LFCE_SEAT_BANK };
	u8 secret[32];

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, lt_bet(g, 1, LFCE_BET_PLACE_6, 12), 0);
	KUNIT_ASSERT_EQ(test, lt_op(g, &op), 0);
	commit_secret(test, g, 0, 1, secret);
	KUNIT_EXPECT_EQ(test, lt_op(g, &expire), -EPROTO);	/* not yet */
	lt_read(g, s);
	g->now = s->round.deadline_ns + 1;
	op = lt_player_op(g, LFCE_OP_COMMIT, 1);
	KUNIT_EXPECT_EQ(test, lt_op(g, &op), -ETIME);
	KUNIT_EXPECT_EQ(test, lt_op(g, &expire), 0);
	lt_read(g, s);
	KUNIT_EXPECT_EQ(test, s->seat[1].bets[LFCE_BET_PLACE_6], 0);
	KUNIT_EXPECT_EQ(test, s->seat[1].balance, 988);
	KUNIT_EXPECT_EQ(test, s->table.rolls, 1);
	KUNIT_EXPECT_EQ(test, s->table.stage, LFCE_STAGE_BETTING);
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(s));
	lt_game_free(g);
}

/*
 * Closing is one operation: refused while any token remains, then the table
 * is closed and nothing else commits, in the same batch as the settling.
 */
static void engine_shutdown(struct kunit *test)
{
	struct lfce_snapshot *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	struct lfce_snapshot *after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	struct lfce_op down = { .type = LFCE_OP_SHUTDOWN, .seat = LFCE_SEAT_BANK };
	struct lt_game *g = table_for_two(test, false);
	struct lfce_op ops[4] = {
		{ .type = LFCE_OP_SETTLE, .seat = 0 },
		{ .type = LFCE_OP_SETTLE, .seat = 1 },
		lt_owner_op(g, LFCE_OP_WITHDRAW, LFCE_SEAT_BANK),
		down,
	};

	ops[2].u.amount.value = 100000;
	KUNIT_ASSERT_TRUE(test, before && after);
	KUNIT_ASSERT_EQ(test, lt_bet(g, 1, LFCE_BET_FIELD, 10), 0);
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, lt_op(g, &down), -EBUSY);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);
	KUNIT_EXPECT_EQ(test, lt_commit(g, ops, 3), 0);	/* settle, but stay open */
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, after->table.total, 0);
	KUNIT_EXPECT_EQ(test, after->seat[1].bets[LFCE_BET_FIELD], 0);
	KUNIT_EXPECT_EQ(test, after->table.flags & LFCE_TABLE_CLOSED, 0);
	KUNIT_EXPECT_EQ(test, lt_deposit(g, 0, 5), 0);	/* a deposit slips in */
	KUNIT_EXPECT_EQ(test, lt_op(g, &down), -EBUSY);
	ops[2] = down;
	KUNIT_EXPECT_EQ(test, lt_commit(g, ops, 3), 0);
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, before->table.total, 0);
	KUNIT_EXPECT_EQ(test, before->table.flags & LFCE_TABLE_CLOSED, LFCE_TABLE_CLOSED);
	KUNIT_EXPECT_EQ(test, lt_deposit(g, 0, 5), -ENODEV);
	KUNIT_EXPECT_EQ(test, lt_bet(g, 0, LFCE_BET_FIELD, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, lt_op(g, &down), -ENODEV);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);
	KUNIT_EXPECT_EQ(test, lt_journal_check(g, after), after->table.records);
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, g, &lt_params));
	lt_game_free(g);
}

/* A bank above any single amount still settles: a forced close must work. */
static void engine_settle_large_bank(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct lt_game *g = table_for_two(test, false);
	struct lfce_op ops[] = {
		{ .type = LFCE_OP_SETTLE, .seat = 0 },
		{ .type = LFCE_OP_SETTLE, .seat = 1 },
		{ .type = LFCE_OP_SETTLE, .seat = LFCE_SEAT_BANK },
		{ .type = LFCE_OP_SHUTDOWN, .seat = LFCE_SEAT_BANK },
	};

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, LFCE_SEAT_BANK, LFCE_AMOUNT_MAX), 0);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, LFCE_SEAT_BANK, LFCE_AMOUNT_MAX), 0);
	KUNIT_EXPECT_EQ(test, lt_commit(g, ops, ARRAY_SIZE(ops)), 0);
	lt_read(g, s);
	KUNIT_EXPECT_EQ(test, s->table.total, 0);
	KUNIT_EXPECT_EQ(test, s->table.bank, 0);
	KUNIT_EXPECT_EQ(test, s->table.flags & LFCE_TABLE_CLOSED, LFCE_TABLE_CLOSED);
	lt_game_free(g);
}

/*
 * Owner operations are exactly-once: the same DEPOSIT resubmitted (after
 * an EAGAIN or an EFAULT) is refused with EALREADY and changes nothing; a
 * batch advances table.owner_nonce op by op; the kernel's own SETTLE
 * (nonce 0) needs no nonce and leaves it alone.
 */
static void engine_owner_nonce(struct kunit *test)
{
	struct lfce_snapshot *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	struct lfce_snapshot *after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	struct lt_game *g = table_for_two(test, false);
	struct lfce_op dep, ops[2], settle = { .type = LFCE_OP_SETTLE, .seat = 1 };

	KUNIT_ASSERT_TRUE(test, before && after);
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, before->table.owner_nonce, 3);
	dep = lt_owner_op(g, LFCE_OP_DEPOSIT, 0);
	dep.u.amount.value = 7;
	KUNIT_EXPECT_EQ(test, lt_op(g, &dep), 0);
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, before->seat[0].balance, 1007);
	KUNIT_EXPECT_EQ(test, before->table.owner_nonce, dep.nonce);
	KUNIT_EXPECT_EQ(test, lt_op(g, &dep), -EALREADY);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);

	ops[0] = lt_owner_op(g, LFCE_OP_WITHDRAW, 0);
	ops[0].u.amount.value = 7;
	ops[1] = lt_owner_op(g, LFCE_OP_DEPOSIT, LFCE_SEAT_BANK);
	ops[1].u.amount.value = 1;
	KUNIT_EXPECT_EQ(test, lt_commit(g, ops, 2), 0);
	KUNIT_EXPECT_EQ(test, lt_commit(g, ops, 2), -EALREADY);
	KUNIT_EXPECT_EQ(test, lt_commit(g, &ops[1], 1), -EALREADY);
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, before->table.owner_nonce, ops[1].nonce);
	KUNIT_EXPECT_EQ(test, before->seat[0].balance, 1000);
	KUNIT_EXPECT_EQ(test, before->table.bank, 100001);

	KUNIT_EXPECT_EQ(test, lt_op(g, &settle), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, after->table.owner_nonce, ops[1].nonce);
	KUNIT_EXPECT_EQ(test, after->seat[1].balance, 0);
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, g, &lt_params));
	lt_game_free(g);
}

/* ---- concurrency ---- */

#define CC_WRITERS	3
#define CC_READERS	2
#define CC_ITERS	800

struct cc_state {
	struct lt_game *g;
	struct completion done[CC_WRITERS + CC_READERS];
	struct completion reading;	/* each reader completes it once */
	atomic_t writers_left;
	atomic_t failures;		/* anything a thread saw go wrong */
	atomic_t commits;
	atomic_t resubmits;		/* after EAGAIN, with the same nonces */
	atomic_long_t reads;
	u64 total;
};

struct cc_thread {
	struct cc_state *st;
	unsigned int id;
};

/*
 * Commit as a user would: a commit that ran out of retries (EAGAIN, which
 * changed nothing) is submitted again with the same nonces.
 */
static int cc_commit(struct cc_state *st, struct lfce_writer *w, const struct lfce_op *ops,
		     unsigned int n, u64 now)
{
	u64 v;
	int ret;

	while ((ret = lfce_commit(&st->g->e, w, ops, n, now, &v)) == -EAGAIN) {
		atomic_inc(&st->resubmits);
		cond_resched();
	}
	return ret;
}

/* Writer @id owns seat @id: place and remove a bet, singly or batched. */
static int cc_writer(void *data)
{
	struct cc_thread *t = data;
	struct cc_state *st = t->st;
	struct lfce_record *rec = kcalloc(LFCE_TXN_RECORDS(2), sizeof(*rec), GFP_KERNEL);
	struct lfce_writer w;
	struct lfce_op ops[2] = {};
	u64 nonce = 1000;
	unsigned int i, k;

	lfce_writer_init(&w, rec, LFCE_TXN_RECORDS(2), false);
	for (i = 0; rec && i < CC_ITERS; i++) {
		for (k = 0; k < 2; k++) {
			ops[k].type = k ? LFCE_OP_UNBET : LFCE_OP_BET;
			ops[k].seat = t->id;
			ops[k].nonce = ++nonce;
			/* Place 6, 8, 9: in sixes, sixes, fives. */
			ops[k].u.bet.kind = LFCE_BET_PLACE_6 + t->id;
			ops[k].u.bet.amount = t->id < 2 ? 6 : 5;
		}
		if (t->id == 0) {	/* one writer batches */
			if (cc_commit(st, &w, ops, 2, 2000 + i))
				atomic_inc(&st->failures);
			else
				atomic_inc(&st->commits);
			continue;
		}
		for (k = 0; k < 2; k++) {
			if (cc_commit(st, &w, &ops[k], 1, 2000 + i))
				atomic_inc(&st->failures);
			else
				atomic_inc(&st->commits);
		}
	}
	if (!rec)
		atomic_inc(&st->failures);
	lfce_writer_release(&st->g->e, &w);
	kfree(rec);
	atomic_dec(&st->writers_left);
	complete(&st->done[t->id]);
	return 0;
}

/* Readers: every snapshot conserved, versions never go backwards. */
static int cc_reader(void *data)
{
	struct cc_thread *t = data;
	struct cc_state *st = t->st;
	struct lfce_snapshot *s = kmalloc(sizeof(*s), GFP_KERNEL);
	struct lfce_read_cache cache;
	u64 last = 0;

	/* Reader 0 reads incrementally, reader 1 copies everything each time. */
	lfce_read_cache_init(&cache);
	if (s) {
		lfce_engine_read(&st->g->e, s, NULL);
		last = s->table.version;
		atomic_long_inc(&st->reads);
	}
	complete(&st->reading);	/* the writers start once every reader has read */
	while (s && atomic_read(&st->writers_left)) {
		lfce_engine_read(&st->g->e, s, t->id % 2 ? NULL : &cache);
		if (!lfce_rules_conserved(s) || s->table.total != st->total || s->table.version < last)
			atomic_inc(&st->failures);
		last = s->table.version;
		atomic_long_inc(&st->reads);
		cond_resched();
	}
	if (!s)
		atomic_inc(&st->failures);
	kfree(s);
	complete(&st->done[t->id]);
	return 0;
}

static void engine_concurrent_commits(struct kunit *test)
{
	struct lfce_params p = lt_params;
	struct cc_thread th[CC_WRITERS + CC_READERS];
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct cc_state *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct lfce_config cfg;
	u64 version0;
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, s && st);
	lfce_rules_default_config(&cfg);
	p.records = 8192;
	p.pool_cap = 1024;
	st->g = lt_game_new_params(test, &cfg, &p);
	for (i = 0; i < CC_WRITERS; i++) {
		KUNIT_ASSERT_EQ(test, lt_join(st->g, i, 2000 + i), 0);
		KUNIT_ASSERT_EQ(test, lt_deposit(st->g, i, 100), 0);
		/* Writers start their nonces above the helpers'. */
	}
	lt_read(st->g, s);
	version0 = s->table.version;
	st->total = s->table.total;
	atomic_set(&st->writers_left, CC_WRITERS);
	init_completion(&st->reading);
	for (i = 0; i < CC_WRITERS + CC_READERS; i++) {
		th[i] = (struct cc_thread){ st, i };
		init_completion(&st->done[i]);
	}
	/* Readers first, so that they overlap the writers whatever the scheduler does. */
	for (i = CC_WRITERS; i < CC_WRITERS + CC_READERS; i++)
		KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(cc_reader, &th[i], "lfce-cc%u", i)));
	for (i = 0; i < CC_READERS; i++)
		wait_for_completion(&st->reading);
	for (i = 0; i < CC_WRITERS; i++)
		KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(cc_writer, &th[i], "lfce-cc%u", i)));
	for (i = 0; i < CC_WRITERS + CC_READERS; i++)
		wait_for_completion(&st->done[i]);

	lt_read(st->g, s);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->failures), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->commits), (CC_WRITERS * 2 - 1) * CC_ITERS);
	/* Contiguous versions: one per successful commit, none lost. */
	KUNIT_EXPECT_EQ(test, s->table.version, version0 + atomic_read(&st->commits));
	for (i = 0; i < CC_WRITERS; i++) {
		KUNIT_EXPECT_EQ(test, s->seat[i].nonce, 1000 + 2 * CC_ITERS);
		KUNIT_EXPECT_EQ(test, s->seat[i].balance, 100);
	}
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(s));
	KUNIT_EXPECT_EQ(test, lt_journal_check(st->g, s), s->table.records);
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, st->g, &p));
	KUNIT_EXPECT_GT(test, atomic_long_read(&st->reads), 0);
	kunit_info(test, "%d commits, %ld reads, %lld CAS failures, %d resubmitted after EAGAIN",
		   atomic_read(&st->commits), atomic_long_read(&st->reads),
		   atomic64_read(&st->g->e.metrics->cas_failure), atomic_read(&st->resubmits));
	lt_game_free(st->g);
}

/* ---- reclamation bound ---- */

/*
 * A node reader of the game that does not leave until stopped, as a
 * preempted committer would be: no node retired after it entered can be
 * reused, so the pool fills to its cap and stops there.
 */
struct pin {
	struct completion started;
	struct lfce_epoch *epoch;
};

static int pin_reader(void *data)
{
	struct pin *pin = data;
	unsigned int token;

	rcu_read_lock();
	token = lfce_epoch_enter(pin->epoch);
	complete(&pin->started);
	while (!kthread_should_stop())
		cpu_relax();
	lfce_epoch_exit(pin->epoch, token);
	rcu_read_unlock();
	return 0;
}

/*
 * An RCU reader of nothing in the game holds nothing up: the game's own
 * epoch decides, and commits go on at the cap without a wait.
 */
static int pin_rcu(void *data)
{
	struct pin *pin = data;

	rcu_read_lock();
	complete(&pin->started);
	while (!kthread_should_stop())
		cpu_relax();
	rcu_read_unlock();
	return 0;
}

/*
 * With no reader inside, retired nodes come back within a few commits:
 * a game that commits a thousand times owns a few stashes' worth of nodes,
 * not a thousand commits' worth waiting for a grace period.
 */
static void engine_nodes_reused_hot(struct kunit *test)
{
	struct lt_game *g = lt_game_small_pool(test, lt_params.pool_cap);
	int i, ret = 0;

	for (i = 0; i < 1000 && !ret; i++)
		ret = lt_bet(g, 0, LFCE_BET_FIELD, 1);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_LE(test, g->e.pool.nodes, 6 * LFCE_NODES);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&g->e.pool.backpressure), 0);
	lt_game_free(g);
}

/*
 * A lone writer with no reader about recycles its own nodes: once warm, a
 * thousand commits hand nothing to the pool's retired ring and take
 * nothing from its free stack (they never visit the pool's lock for
 * nodes), and the game owns what it owned.
 */
static void engine_writer_recycles_own_nodes(struct kunit *test)
{
	struct lt_game *g = lt_game_small_pool(test, lt_params.pool_cap);
	unsigned int tail = 0, nr_free = 0, nodes = 0;
	int i, ret = 0;

	for (i = 0; i < 1020 && !ret; i++) {
		if (i == 20) {
			tail = g->e.pool.tail;
			nr_free = g->e.pool.nr_free;
			nodes = g->e.pool.nodes;
		}
		ret = i & 1 ? lt_unbet(g, 0, LFCE_BET_FIELD, 1) : lt_bet(g, 0, LFCE_BET_FIELD, 1);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, g->e.pool.tail, tail);
	KUNIT_EXPECT_EQ(test, g->e.pool.nr_free, nr_free);
	KUNIT_EXPECT_EQ(test, g->e.pool.nodes, nodes);
	KUNIT_EXPECT_LE(test, nodes, 4 * LFCE_NODES);
	lt_game_free(g);
}

/* Start @fn, one of the two above, and wait until it is inside. */
static struct task_struct *pin_start(struct kunit *test, int (*fn)(void *), struct pin *pin,
				     struct lt_game *g)
{
	struct task_struct *task;

	init_completion(&pin->started);
	pin->epoch = &g->e.pool.epoch;
	task = kthread_run(fn, pin, "lfce-pin");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	wait_for_completion(&pin->started);
	return task;
}

static void engine_reuse_ignores_rcu_readers(struct kunit *test)
{
	struct lt_game *g = lt_game_small_pool(test, 4 * LFCE_NODES);
	struct task_struct *task;
	struct pin pin;
	int i, ret = 0;

	task = pin_start(test, pin_rcu, &pin, g);

	g->w.nonblock = true;
	for (i = 0; i < 1000 && !ret; i++)
		ret = lt_bet(g, 0, LFCE_BET_FIELD, 1);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&g->e.pool.backpressure), 0);
	KUNIT_EXPECT_LE(test, g->e.pool.nodes, 4 * LFCE_NODES);
	kthread_stop(task);
	lt_game_free(g);
}

static void engine_reclaim_is_bounded(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	const u32 cap = 4 * LFCE_NODES;
	struct task_struct *task;
	struct lt_game *g;
	struct pin pin;
	int i, ret = 0;
	u64 version;

	KUNIT_ASSERT_NOT_NULL(test, s);
	g = lt_game_small_pool(test, cap);
	task = pin_start(test, pin_reader, &pin, g);

	g->w.nonblock = true;
	for (i = 0; i < 1000 && !ret; i++)
		ret = lt_bet(g, 0, LFCE_BET_FIELD, 1);
	lt_read(g, s);
	version = s->table.version;
	KUNIT_EXPECT_EQ(test, ret, -EAGAIN);
	KUNIT_EXPECT_LE(test, g->e.pool.nodes, cap);
	KUNIT_EXPECT_GT(test, atomic_long_read(&g->e.pool.backpressure), 0);
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(s));

	kthread_stop(task);
	g->w.nonblock = false;
	KUNIT_EXPECT_EQ(test, lt_bet(g, 0, LFCE_BET_FIELD, 1), 0);
	lt_read(g, s);
	KUNIT_EXPECT_EQ(test, s->table.version, version + 1);
	KUNIT_EXPECT_LE(test, g->e.pool.nodes, cap);
	lt_game_free(g);
}

/*
 * The journal's rule (uapi, "The mapping"): records go at most J/2 past
 * journal_head, so [head - J/2, head) stay intact, and what a commit in
 * flight has overwritten is a prefix of [head - J, head) that a lapped
 * reader skips, no more.
 */
static void engine_journal_lead(struct kunit *test)
{
	struct lt_game *g = lt_journal_game(test);	/* J = 64 */
	struct lfce_pub *pub = &g->e.pub;
	struct lfce_record rec;
	unsigned int i;
	u64 head;

	head = lfce_publish_head(pub);
	KUNIT_EXPECT_TRUE(test, lfce_publish_room(pub, head + 32));
	KUNIT_EXPECT_FALSE(test, lfce_publish_room(pub, head + 33));
	/* Nothing in flight: all of [head - J, head) is there. */
	KUNIT_EXPECT_EQ(test, lfce_publish_oldest(pub, 0, head), head - 64);
	KUNIT_EXPECT_EQ(test, lfce_publish_oldest(pub, head - 10, head), head - 10);

	/* A commit in flight wrote 20 records past the head, unpublished. */
	lt_journal_in_flight(test, g, 20);
	KUNIT_EXPECT_EQ(test, lfce_publish_oldest(pub, 0, head), head - 64 + 20);
	KUNIT_EXPECT_EQ(test, lfce_publish_oldest(pub, head - 50, head), head - 44);
	KUNIT_EXPECT_EQ(test, lfce_publish_read_record(pub, head - 45, &rec), -ENODATA);
	for (i = 1; i <= 32; i++)
		KUNIT_EXPECT_EQ(test, lfce_publish_read_record(pub, head - i, &rec), 0);
	lt_game_free(g);
}

static struct kunit_case engine_cases[] = {
	KUNIT_CASE(engine_refused_ops_change_nothing),
	KUNIT_CASE(engine_join_seat_choice),
	KUNIT_CASE(engine_stats),
	KUNIT_CASE(engine_writer_counts_reach_the_game),
	KUNIT_CASE(engine_cached_read_follows),
	KUNIT_CASE(engine_batch_is_atomic),
	KUNIT_CASE(engine_commit_reveal_round),
	KUNIT_CASE(engine_expiry_forfeits),
	KUNIT_CASE(engine_shutdown),
	KUNIT_CASE(engine_settle_large_bank),
	KUNIT_CASE(engine_owner_nonce),
	KUNIT_CASE(engine_concurrent_commits),
	KUNIT_CASE(engine_reclaim_is_bounded),
	KUNIT_CASE(engine_reuse_ignores_rcu_readers),
	KUNIT_CASE(engine_nodes_reused_hot),
	KUNIT_CASE(engine_writer_recycles_own_nodes),
	KUNIT_CASE(engine_journal_lead),
	{}
};

static struct kunit_suite engine_suite = {
	.name = "lfce_engine",
	.test_cases = engine_cases,
};

kunit_test_suite(engine_suite);
