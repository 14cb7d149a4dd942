// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: a long commit-reveal game with proposals, votes, withheld
 * reveals and lapsed proposals, played through the real commit path; then
 * its journal, replayed (replay.h) on an engine restored from a snapshot
 * taken halfway, must reproduce every later record (dice, deltas, digest)
 * and the final snapshot byte for byte.
 *
 * Random choices come from the runner's seed (rerun with -s <seed>).
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "../../../../kunit/helpers.h"
#include "../replay.h"
#include "shim.h"

#define GR_SEATS	5
#define GR_ROUNDS	120

/* The whole journal stays in the ring, so that all of it can be replayed. */
static const struct lfce_params gr_params = {
	.game_id = 1, .slots = 4, .records = 16384, .pool_cap = 256,
	.retry_budget = 64, .batch_max = LT_MAX_REC,
};

struct gr {
	struct kunit *test;
	struct lt_game *g;
	struct lfce_snapshot *s;
	u64 rnd;
	unsigned int withheld, proposals, decided, lapsed;
};

static u32 gr_next(struct gr *r)
{
	r->rnd ^= r->rnd << 13;
	r->rnd ^= r->rnd >> 7;
	r->rnd ^= r->rnd << 17;
	return r->rnd >> 32;
}

static void gr_secret(u32 seat, u64 round, u8 secret[32])
{
	memset(secret, 0x5a, 32);
	secret[0] = seat;
	memcpy(secret + 8, &round, sizeof(round));
}

static bool gr_active(const struct lfce_snapshot *s, u32 seat)
{
	return (s->seat[seat].flags & (LFCE_SEAT_BOUND | LFCE_SEAT_BANNED)) == LFCE_SEAT_BOUND;
}

/* Each active seat may put a field bet or a place bet up. */
static void gr_bets(struct gr *r)
{
	static const u32 kinds[] = { LFCE_BET_FIELD, LFCE_BET_PLACE_6, LFCE_BET_ANY_SEVEN };
	u32 seat;

	for (seat = 0; seat < GR_SEATS; seat++)
		if (gr_active(r->s, seat) && gr_next(r) % 4)
			lt_bet(r->g, seat, kinds[gr_next(r) % 3], 6 * (1 + gr_next(r) % 4));
}

/* A proposal now and then; every other active seat votes at random. */
static void gr_propose(struct gr *r)
{
	u32 from = gr_next(r) % GR_SEATS, seat;
	struct lfce_op op = lt_player_op(r->g, LFCE_OP_PROPOSE, from);
	u64 id;

	if (!gr_active(r->s, from) || gr_next(r) % 3)
		return;
	if (gr_next(r) % 2) {
		op.u.propose.action = LFCE_OP_TRANSFER;
		op.u.propose.seat = from;
		op.u.propose.to = (from + 1) % GR_SEATS;
		op.u.propose.value = 1 + gr_next(r) % 50;
	} else {
		op.u.propose.action = LFCE_OP_CONFIG;
		op.u.propose.param = LFCE_PARAM_MAX_BET;
		op.u.propose.value = 500 + gr_next(r) % 1000;
	}
	if (lt_op(r->g, &op))
		return;
	r->proposals++;
	lt_read(r->g, r->s);
	id = r->s->table.proposals;
	for (seat = 0; seat < GR_SEATS; seat++) {
		if (!gr_active(r->s, seat) || gr_next(r) % 4 == 0)
			continue;
		op = lt_player_op(r->g, LFCE_OP_VOTE, seat);
		op.u.vote.id = id;
		op.u.vote.choice = gr_next(r) % 3 ? LFCE_VOTE_FOR : LFCE_VOTE_AGAINST;
		lt_op(r->g, &op);
	}
}

/*
 * One round: bets, maybe a proposal, the shooter closes, participants
 * commit and reveal; now and then one withholds its reveal and the round
 * expires, and now and then time jumps past proposals'
 * deadlines so that the next commit lapses them.
 */
static void gr_round(struct gr *r)
{
	struct kunit *test = r->test;
	struct lfce_op op;
	u32 seat, skip = GR_SEATS;
	u8 secret[32];
	u64 round;

	lt_read(r->g, r->s);
	gr_bets(r);
	gr_propose(r);
	lt_read(r->g, r->s);
	op = lt_player_op(r->g, LFCE_OP_CLOSE, r->s->table.shooter);
	KUNIT_ASSERT_EQ(test, lt_op(r->g, &op), 0);
	lt_read(r->g, r->s);
	round = r->s->round.number;
	for (seat = 0; seat < GR_SEATS; seat++) {
		if (!(r->s->round.participants & BIT(seat)))
			continue;
		op = lt_player_op(r->g, LFCE_OP_COMMIT, seat);
		gr_secret(seat, round, secret);
		lfce_rules_commitment(secret, round, op.u.commit.digest);
		KUNIT_ASSERT_EQ(test, lt_op(r->g, &op), 0);
	}
	if (gr_next(r) % 6 == 0)
		skip = __builtin_ctz(r->s->round.participants);
	for (seat = 0; seat < GR_SEATS; seat++) {
		if (!(r->s->round.participants & BIT(seat)) || seat == skip)
			continue;
		op = lt_player_op(r->g, LFCE_OP_REVEAL, seat);
		gr_secret(seat, round, op.u.reveal.secret);
		KUNIT_ASSERT_EQ(test, lt_op(r->g, &op), 0);
	}
	if (skip < GR_SEATS) {
		r->withheld++;
		r->g->now += 31 * NSEC_PER_SEC;
		op = (struct lfce_op){ .type = LFCE_OP_EXPIRE, .seat = LFCE_SEAT_BANK };
		KUNIT_ASSERT_EQ(test, lt_op(r->g, &op), 0);
	}
	r->g->now += (gr_next(r) % 8 == 0 ? 61 : 1) * NSEC_PER_SEC;
	lt_read(r->g, r->s);
	KUNIT_ASSERT_TRUE(test, lfce_rules_conserved(r->s));
	KUNIT_ASSERT_EQ(test, r->s->round.number, round);
	KUNIT_ASSERT_EQ(test, r->s->table.stage, LFCE_STAGE_BETTING);
}

static void game_replay_from_midway(struct kunit *test)
{
	struct lfce_snapshot *mid = kunit_kzalloc(test, sizeof(*mid), GFP_KERNEL);
	struct lfce_snapshot *end = kunit_kzalloc(test, sizeof(*end), GFP_KERNEL);
	struct gr r = { .test = test, .rnd = shim_seed() | 1 };
	struct replay_stats st = {};
	struct lfce_record *rec;
	struct lfce_config cfg;
	unsigned int i;
	u64 n;

	r.s = kunit_kzalloc(test, sizeof(*r.s), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, mid && end && r.s);
	lfce_rules_default_config(&cfg);
	cfg.governable = BIT(LFCE_PARAM_NR) - 1;	/* CONFIG proposals may pass */
	r.g = lt_game_new_params(test, &cfg, &gr_params);
	for (i = 0; i < GR_SEATS; i++) {
		KUNIT_ASSERT_EQ(test, lt_join(r.g, i, 2000 + i), 0);
		KUNIT_ASSERT_EQ(test, lt_deposit(r.g, i, 5000), 0);
	}
	KUNIT_ASSERT_EQ(test, lt_deposit(r.g, LFCE_SEAT_BANK, 1000000), 0);
	for (i = 0; i < GR_ROUNDS; i++) {
		if (i == GR_ROUNDS / 2)
			lt_read(r.g, mid);
		gr_round(&r);
	}
	lt_read(r.g, end);
	KUNIT_EXPECT_EQ(test, lfce_rules_check_snapshot(mid), 0);
	KUNIT_EXPECT_EQ(test, lfce_rules_check_snapshot(end), 0);
	KUNIT_ASSERT_LT(test, end->table.records, (u64)gr_params.records);
	KUNIT_EXPECT_EQ(test, end->table.rolls, GR_ROUNDS);
	KUNIT_EXPECT_EQ(test, lt_journal_check(r.g, end), end->table.records);
	for (i = 0; i < LFCE_PROP_NR; i++) {
		r.decided += i > LFCE_PROP_PENDING ? atomic64_read(&r.g->e.metrics->proposals[i]) : 0;
		r.lapsed += i == LFCE_PROP_EXPIRED ? atomic64_read(&r.g->e.metrics->proposals[i]) : 0;
	}
	kunit_info(test, "%u rounds, %u withheld, %u proposals, %u decided, %u lapsed, %llu records",
		   GR_ROUNDS, r.withheld, r.proposals, r.decided, r.lapsed,
		   (unsigned long long)end->table.records);
	/* The game must have exercised what the replay is meant to check. */
	KUNIT_EXPECT_GT(test, r.withheld, 0);
	KUNIT_EXPECT_GT(test, r.decided, 0);
	KUNIT_EXPECT_GT(test, r.lapsed, 0);

	/* Every record after the halfway snapshot, replayed from that snapshot. */
	n = end->table.records - mid->table.records;
	rec = kunit_kcalloc(test, n, sizeof(*rec), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_TRUE(test, lt_journal(r.g, mid->table.records + i, &rec[i]));
	KUNIT_EXPECT_TRUE(test, replay_chain_holds(rec, n, mid, end));
	KUNIT_EXPECT_TRUE(test, replay_matches(NULL, mid, rec, n, end, &st));
	KUNIT_EXPECT_EQ(test, st.error, 0);
	KUNIT_EXPECT_EQ(test, st.records, n);
	KUNIT_EXPECT_EQ(test, st.records_differ, 0);
	KUNIT_EXPECT_EQ(test, st.dice_differ, 0);
	KUNIT_EXPECT_EQ(test, st.rolls, end->table.rolls - mid->table.rolls);
	lt_game_free(r.g);
}

/* One way to spoil a valid snapshot, which restore must then refuse. */
struct gr_spoil {
	const char *what;
	void (*spoil)(struct lfce_snapshot *s);
};

static void spoil_balance(struct lfce_snapshot *s) { s->seat[0].balance++; }
static void spoil_config(struct lfce_snapshot *s) { s->table.config.max_seats = 0; }
static void spoil_point(struct lfce_snapshot *s) { s->table.point = 7; }
static void spoil_shooter(struct lfce_snapshot *s) { s->table.shooter = LFCE_MAX_SEATS; }
static void spoil_empty_seat(struct lfce_snapshot *s) { s->seat[5].balance = 1; }
static void spoil_seat_flags(struct lfce_snapshot *s) { s->seat[0].flags |= 1U << 7; }
static void spoil_dice(struct lfce_snapshot *s) { s->table.dice[0] = 7; }
static void spoil_round(struct lfce_snapshot *s) { s->round.revealed = 1; }
static void spoil_action(struct lfce_snapshot *s) { s->proposal[0].action = LFCE_OP_DEPOSIT; }
static void spoil_quorum(struct lfce_snapshot *s) { s->proposal[0].quorum--; }
static void spoil_vote(struct lfce_snapshot *s) { s->proposal[0].votes_for |= 1U << 6; }
static void spoil_id(struct lfce_snapshot *s) { s->proposal[0].id = s->table.proposals + 1; }
static void spoil_deadline(struct lfce_snapshot *s) { s->table.deadline_ns++; }
static void spoil_passed(struct lfce_snapshot *s) { s->proposal[0].state = LFCE_PROP_PASSED; }

static const struct gr_spoil gr_spoils[] = {
	{ "tokens not conserved", spoil_balance },
	{ "a bad config", spoil_config },
	{ "point 7", spoil_point },
	{ "a shooter past the seats", spoil_shooter },
	{ "an empty seat with a balance", spoil_empty_seat },
	{ "an unknown seat flag", spoil_seat_flags },
	{ "a die showing 7", spoil_dice },
	{ "a reveal before any commitment", spoil_round },
	{ "a proposal to deposit", spoil_action },
	{ "a quorum other than ceil(2n/3)", spoil_quorum },
	{ "a vote from outside the electorate", spoil_vote },
	{ "a proposal id never given", spoil_id },
	{ "the wrong earliest deadline", spoil_deadline },
	{ "passed without a quorum", spoil_passed },
};

/*
 * Restore accepts only a snapshot the rules could have made: a valid one
 * with a pending proposal is accepted, and each spoiled copy refused.
 */
static void game_restore_checks(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct lfce_snapshot *bad = kunit_kzalloc(test, sizeof(*bad), GFP_KERNEL);
	struct lfce_engine *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	struct lfce_op op;
	struct lt_game *g;
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, s && bad && e);
	g = lt_game_new(test, NULL, false);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_EQ(test, lt_join(g, i, 1000 + i), 0);
		KUNIT_ASSERT_EQ(test, lt_deposit(g, i, 100), 0);
	}
	op = lt_player_op(g, LFCE_OP_PROPOSE, 0);
	op.u.propose.action = LFCE_OP_TRANSFER;
	op.u.propose.to = 1;
	op.u.propose.value = 10;
	KUNIT_ASSERT_EQ(test, lt_op(g, &op), 0);
	op = lt_player_op(g, LFCE_OP_VOTE, 1);
	op.u.vote.id = 1;
	op.u.vote.choice = LFCE_VOTE_FOR;
	KUNIT_ASSERT_EQ(test, lt_op(g, &op), 0);
	lt_read(g, s);
	lt_game_free(g);
	KUNIT_ASSERT_EQ(test, lfce_rules_check_snapshot(s), 0);
	KUNIT_ASSERT_EQ(test, lfce_engine_restore(e, s, &lt_params), 0);
	lfce_engine_uninit(e);
	for (i = 0; i < ARRAY_SIZE(gr_spoils); i++) {
		*bad = *s;
		gr_spoils[i].spoil(bad);
		KUNIT_EXPECT_EQ_MSG(test, lfce_engine_restore(e, bad, &lt_params), -EINVAL, "%s",
				    gr_spoils[i].what);
	}
}

static struct kunit_case game_replay_cases[] = {
	KUNIT_CASE(game_replay_from_midway),
	KUNIT_CASE(game_restore_checks),
	{}
};

static struct kunit_suite game_replay_suite = {
	.name = "lfce_game_replay",
	.test_cases = game_replay_cases,
};

kunit_test_suite(game_replay_suite);
