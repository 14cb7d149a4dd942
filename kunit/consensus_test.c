// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: consensus. The quorum is ceil(2n / 3) at every table size;
 * concurrent voters apply a proposal exactly once; deadlines lapse
 * proposals and expire rounds at injected times; the quorum vote
 * re-validates; nonces and stages refuse replays and out-of-turn
 * operations without changing a byte; bans and leaves keep the electorate
 * honest; agreed dice come from the deciding vote; a full table says EBUSY.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <crypto/sha2.h>

#include "helpers.h"

#define CT_BALANCE	1000
#define CT_BANK		100000

/* Seat @seat joins as uid 1000 + @seat and gets CT_BALANCE. */
static void seat_up(struct kunit *test, struct lt_game *g, u32 seat)
{
	KUNIT_ASSERT_EQ(test, lt_join(g, seat, 1000 + seat), 0);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, seat, CT_BALANCE), 0);
}

/* The defaults, with every parameter governable: CONFIG proposals may pass. */
static void ct_config(struct lfce_config *cfg)
{
	lfce_rules_default_config(cfg);
	cfg->governable = BIT(LFCE_PARAM_NR) - 1;
}

/*
 * Seats 0..@n-1 and a bank; seat 0 joins first, so it holds the dice.
 * @cfg NULL: ct_config().
 */
static struct lt_game *table_of(struct kunit *test, const struct lfce_config *cfg,
				unsigned int n)
{
	struct lfce_config governed;
	struct lt_game *g;
	unsigned int i;

	if (!cfg) {
		ct_config(&governed);
		cfg = &governed;
	}
	g = lt_game_new(test, cfg, false);
	for (i = 0; i < n; i++)
		seat_up(test, g, i);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, LFCE_SEAT_BANK, CT_BANK), 0);
	return g;
}

static struct lt_game *table_in_mode(struct kunit *test, u32 dice_mode, unsigned int n)
{
	struct lfce_config cfg;

	ct_config(&cfg);
	cfg.dice_mode = dice_mode;
	return table_of(test, &cfg, n);
}

/* The newest journal record; the table is read alone, not the 5 KiB snapshot. */
static bool last_record(struct lt_game *g, struct lfce_record *r)
{
	u64 records;

	rcu_read_lock();
	records = rcu_dereference(g->e.cur)->root.t.records;
	rcu_read_unlock();
	return records && lt_journal(g, records - 1, r);
}

/* Submit a PROPOSE; returns the id its record was given, or -errno. */
static s64 submit_proposal(struct lt_game *g, struct lfce_op *op)
{
	struct lfce_record r;
	int ret;

	ret = lt_op(g, op);
	if (ret)
		return ret;
	if (!last_record(g, &r) || r.op.type != LFCE_OP_PROPOSE)
		return -EBADMSG;
	return r.op.u.propose.id;
}

/* @proposer proposes TRANSFER, BAN or ROLL. */
static s64 propose(struct lt_game *g, u32 proposer, u16 action, u32 seat, u32 to, u64 value)
{
	struct lfce_op op = lt_player_op(g, LFCE_OP_PROPOSE, proposer);

	op.u.propose.action = action;
	op.u.propose.seat = seat;
	op.u.propose.to = to;
	op.u.propose.value = value;
	return submit_proposal(g, &op);
}

static s64 propose_config(struct lt_game *g, u32 proposer, u32 param, u64 value)
{
	struct lfce_op op = lt_player_op(g, LFCE_OP_PROPOSE, proposer);

	op.u.propose.action = LFCE_OP_CONFIG;
	op.u.propose.param = param;
	op.u.propose.value = value;
	return submit_proposal(g, &op);
}

static int vote(struct lt_game *g, u32 seat, u64 id, u32 choice)
{
	struct lfce_op op = lt_player_op(g, LFCE_OP_VOTE, seat);

	op.u.vote.id = id;
	op.u.vote.choice = choice;
	return lt_op(g, &op);
}

/* Proposal @id in @s; a missing one reads as state LFCE_PROP_NR: checks fail, nothing oopses. */
static const struct lfce_proposal *find_prop(const struct lfce_snapshot *s, u64 id)
{
	static const struct lfce_proposal missing = { .state = LFCE_PROP_NR };
	unsigned int i;

	for (i = 0; i < LFCE_MAX_PROPOSALS; i++)
		if (s->proposal[i].state != LFCE_PROP_FREE && s->proposal[i].id == id)
			return &s->proposal[i];
	return &missing;
}

static s64 metric(struct lt_game *g, unsigned int state)
{
	return atomic64_read(&g->e.metrics->proposals[state]);
}

/* @seat commits to a secret of its own for round @round. */
static void commit_secret(struct kunit *test, struct lt_game *g, u32 seat, u64 round)
{
	struct lfce_op op = lt_player_op(g, LFCE_OP_COMMIT, seat);
	u8 secret[32];

	memset(secret, 0x40 + seat, sizeof(secret));
	lfce_rules_commitment(secret, round, op.u.commit.digest);
	KUNIT_ASSERT_EQ(test, lt_op(g, &op), 0);
}

/* ---- the quorum ---- */

/* The definition, counted up: the smallest q with 3q >= 2n. */
static unsigned int naive_quorum(unsigned int n)
{
	unsigned int q = 0;

	while (3 * q < 2 * n)
		q++;
	return q;
}

/*
 * At @n seats: q - 1 votes for leave a proposal open and the config as it
 * was, the q-th passes and applies it; n - q votes against leave the next
 * one open, one more rejects it. The last seat proposes and the first ones
 * vote, so a proposer counted as voting would pass a vote early.
 */
static void quorum_at(struct kunit *test, struct lfce_snapshot *s, unsigned int n)
{
	unsigned int q = naive_quorum(n), i;
	struct lt_game *g = table_of(test, NULL, n);
	const struct lfce_proposal *p;
	struct lfce_config cfg;
	struct lfce_record r;
	s64 id;

	ct_config(&cfg);
	id = propose_config(g, n - 1, LFCE_PARAM_MAX_BET, 5000 + n);
	KUNIT_ASSERT_GT(test, id, 0);
	lt_read(g, s);
	p = find_prop(s, id);
	KUNIT_EXPECT_EQ(test, s->table.proposals, id);
	KUNIT_EXPECT_EQ(test, p->electorate, GENMASK(n - 1, 0));
	KUNIT_EXPECT_EQ(test, p->quorum, q);
	KUNIT_EXPECT_EQ(test, p->proposer, n - 1);
	KUNIT_EXPECT_EQ(test, p->votes_for, 0);
	for (i = 0; i + 1 < q; i++)
		KUNIT_EXPECT_EQ(test, vote(g, i, id, LFCE_VOTE_FOR), 0);
	lt_read(g, s);
	KUNIT_EXPECT_EQ_MSG(test, p->state, LFCE_PROP_PENDING, "n %u, %u votes", n, q - 1);
	KUNIT_EXPECT_EQ(test, s->table.config.max_bet, cfg.max_bet);
	KUNIT_EXPECT_EQ(test, vote(g, q - 1, id, LFCE_VOTE_FOR), 0);
	lt_read(g, s);
	KUNIT_EXPECT_EQ_MSG(test, p->state, LFCE_PROP_PASSED, "n %u, %u votes", n, q);
	KUNIT_EXPECT_EQ(test, s->table.config.max_bet, 5000 + n);
	KUNIT_ASSERT_TRUE(test, last_record(g, &r));
	KUNIT_EXPECT_EQ(test, r.op.type, LFCE_OP_VOTE);
	KUNIT_EXPECT_EQ(test, r.op.u.vote.id, id);
	KUNIT_EXPECT_EQ(test, r.outcome, LFCE_PROP_PASSED);

	id = propose_config(g, 0, LFCE_PARAM_MAX_BET, 7000);
	KUNIT_ASSERT_GT(test, id, 0);
	for (i = 0; i < n - q; i++)
		KUNIT_EXPECT_EQ(test, vote(g, i, id, LFCE_VOTE_AGAINST), 0);
	lt_read(g, s);
	p = find_prop(s, id);
	KUNIT_EXPECT_EQ_MSG(test, p->state, LFCE_PROP_PENDING, "n %u, %u against", n, n - q);
	KUNIT_EXPECT_EQ(test, vote(g, n - q, id, LFCE_VOTE_AGAINST), 0);
	lt_read(g, s);
	KUNIT_EXPECT_EQ_MSG(test, p->state, LFCE_PROP_REJECTED, "n %u, %u against", n, n - q + 1);
	KUNIT_EXPECT_EQ(test, s->table.config.max_bet, 5000 + n);
	KUNIT_ASSERT_TRUE(test, last_record(g, &r));
	KUNIT_EXPECT_EQ(test, r.outcome, LFCE_PROP_REJECTED);

	KUNIT_EXPECT_EQ(test, metric(g, LFCE_PROP_PENDING), 2);
	KUNIT_EXPECT_EQ(test, metric(g, LFCE_PROP_PASSED), 1);
	KUNIT_EXPECT_EQ(test, metric(g, LFCE_PROP_REJECTED), 1);
	KUNIT_EXPECT_EQ(test, metric(g, LFCE_PROP_EXPIRED), 0);
	KUNIT_EXPECT_EQ(test, metric(g, LFCE_PROP_FAILED), 0);
	lt_game_free(g);
}

static void consensus_quorum(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned int n;

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (n = 1; n <= LFCE_MAX_SEATS; n++) {
		KUNIT_EXPECT_EQ_MSG(test, lfce_rules_quorum(n), naive_quorum(n), "n %u", n);
		quorum_at(test, s, n);
	}
}

/* ---- concurrent voters ---- */

#define CV_SEATS	LFCE_MAX_SEATS
#define CV_ITERS	32
#define CV_AMOUNT	10
/*
 * Above every nonce the setup used. Seat 0 proposes with the even nonces
 * and votes with the odd ones, so its proposer (the test) and its voter
 * (a kthread) never need to share a counter.
 */
#define CV_NONCE0	1000

struct cv_state {
	struct lt_game *g;
	struct completion done;		/* each voter completes it once per round */
	struct completion exited;	/* each voter, once, when it let go of g */
	atomic_t stop;			/* not every voter started: leave */
	u64 id;				/* this round's proposal */
	u64 now;
	int ret[CV_SEATS];		/* each voter's result this round */
};

/*
 * Each voter has its own go: a shared one would let a quick voter take a
 * slow one's release and vote twice in a round.
 */
struct cv_voter {
	struct cv_state *st;
	struct completion go;		/* once per round */
	u32 seat;
};

/* Each round, once released, vote for the round's proposal as one seat. */
static int cv_vote(void *data)
{
	struct cv_voter *v = data;
	struct cv_state *st = v->st;
	struct lfce_record *rec = kcalloc(LFCE_TXN_RECORDS(1), sizeof(*rec), GFP_KERNEL);
	struct lfce_op op = { .type = LFCE_OP_VOTE, .seat = v->seat };
	struct lfce_writer w;
	unsigned int i;
	u64 version;

	lfce_writer_init(&w, rec, LFCE_TXN_RECORDS(1), false);
	for (i = 0; i < CV_ITERS; i++) {
		wait_for_completion(&v->go);
		if (atomic_read(&st->stop))
			break;
		op.nonce = CV_NONCE0 + 2 * i + 1;
		op.u.vote.id = st->id;
		op.u.vote.choice = LFCE_VOTE_FOR;
		/* EAGAIN changed nothing: again, with the same nonce. */
		do
			st->ret[v->seat] = rec ? lfce_commit(&st->g->e, &w, &op, 1, st->now,
							     &version) : -ENOMEM;
		while (st->ret[v->seat] == -EAGAIN);
		complete(&st->done);
	}
	lfce_writer_release(&st->g->e, &w);
	kfree(rec);
	complete(&st->exited);
	return 0;
}

/* One round: seat 0 proposes, every seat votes for at once. Returns the id. */
static s64 cv_round(struct kunit *test, struct cv_state *st, struct cv_voter *v,
		    unsigned int i)
{
	struct lfce_op op = { .type = LFCE_OP_PROPOSE, .seat = 0, .nonce = CV_NONCE0 + 2 * i };
	unsigned int k, q = lfce_rules_quorum(CV_SEATS), ok = 0, late = 0;
	s64 id;

	op.u.propose.action = LFCE_OP_TRANSFER;
	op.u.propose.seat = 0;
	op.u.propose.to = 1;
	op.u.propose.value = CV_AMOUNT;
	st->g->now += NSEC_PER_MSEC;
	id = submit_proposal(st->g, &op);
	KUNIT_EXPECT_GT_MSG(test, id, 0, "round %u", i);
	st->id = id;
	st->now = st->g->now;
	for (k = 0; k < CV_SEATS; k++)
		complete(&v[k].go);
	for (k = 0; k < CV_SEATS; k++)
		wait_for_completion(&st->done);
	for (k = 0; k < CV_SEATS; k++) {
		ok += st->ret[k] == 0;
		late += st->ret[k] == -EPROTO;
	}
	/* The quorum vote decides; the votes after it find it decided. */
	KUNIT_EXPECT_EQ_MSG(test, ok, q, "round %u", i);
	KUNIT_EXPECT_EQ_MSG(test, late, CV_SEATS - q, "round %u", i);
	return id;
}

/* Per proposal, the votes journalled and those that recorded PASSED. */
static void cv_check_journal(struct kunit *test, struct lt_game *g,
			     const struct lfce_snapshot *s, const u64 *ids)
{
	unsigned int votes[CV_ITERS] = {}, passed[CV_ITERS] = {}, i;
	struct lfce_record r;
	u64 n;

	for (n = 0; n < s->table.records; n++) {
		KUNIT_ASSERT_TRUE(test, lt_journal(g, n, &r));
		if (r.op.type != LFCE_OP_VOTE)
			continue;
		for (i = 0; i < CV_ITERS && ids[i] != r.op.u.vote.id; i++)
			;
		KUNIT_ASSERT_LT(test, i, CV_ITERS);
		votes[i]++;
		passed[i] += r.outcome == LFCE_PROP_PASSED;
	}
	for (i = 0; i < CV_ITERS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, votes[i], lfce_rules_quorum(CV_SEATS), "round %u", i);
		KUNIT_EXPECT_EQ_MSG(test, passed[i], 1, "round %u", i);
	}
}

static void consensus_concurrent_votes(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct cv_state *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct cv_voter *v = kunit_kcalloc(test, CV_SEATS, sizeof(*v), GFP_KERNEL);
	u64 *ids = kunit_kcalloc(test, CV_ITERS, sizeof(*ids), GFP_KERNEL);
	unsigned int i, started;
	s64 id;

	KUNIT_ASSERT_TRUE(test, s && st && v && ids);
	st->g = table_of(test, NULL, CV_SEATS);
	init_completion(&st->done);
	init_completion(&st->exited);
	for (started = 0; started < CV_SEATS; started++) {
		v[started].st = st;
		v[started].seat = started;
		init_completion(&v[started].go);
		if (IS_ERR(kthread_run(cv_vote, &v[started], "lfce-cv%u", started)))
			break;
	}
	if (started < CV_SEATS) {
		/* Release those that did start; they see stop and leave. */
		atomic_set(&st->stop, 1);
		for (i = 0; i < started; i++)
			complete(&v[i].go);
	}
	for (i = 0; started == CV_SEATS && i < CV_ITERS; i++) {
		id = cv_round(test, st, v, i);
		ids[i] = id;
		lt_read(st->g, s);
		KUNIT_EXPECT_EQ(test, s->seat[1].balance, CT_BALANCE + (i + 1) * CV_AMOUNT);
		KUNIT_EXPECT_EQ(test, s->seat[0].balance, CT_BALANCE - (i + 1) * CV_AMOUNT);
	}
	for (i = 0; i < started; i++)
		wait_for_completion(&st->exited);
	if (started < CV_SEATS) {
		lt_game_free(st->g);
		KUNIT_ASSERT_FAILURE(test, "no kthread for voter %u", started);
	}

	lt_read(st->g, s);
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(s));
	KUNIT_EXPECT_EQ(test, s->table.total, CV_SEATS * CT_BALANCE + CT_BANK);
	KUNIT_EXPECT_EQ(test, lt_journal_check(st->g, s), s->table.records);
	cv_check_journal(test, st->g, s, ids);
	KUNIT_EXPECT_EQ(test, metric(st->g, LFCE_PROP_PENDING), CV_ITERS);
	KUNIT_EXPECT_EQ(test, metric(st->g, LFCE_PROP_PASSED), CV_ITERS);
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, st->g, &lt_params));
	kunit_info(test, "%u rounds, %lld CAS failures", CV_ITERS,
		   atomic64_read(&st->g->e.metrics->cas_failure));
	lt_game_free(st->g);
}

/* ---- deadlines ---- */

/*
 * A proposal's deadline: at it, a LAPSE is refused and a vote counts; past
 * it, a vote is refused without a trace, and the next commit lapses the
 * proposal first, in its own version.
 */
static void deadline_of_proposal(struct kunit *test, struct lt_game *g,
				 struct lfce_snapshot *before, struct lfce_snapshot *after)
{
	struct lfce_op lapse = { .type = LFCE_OP_LAPSE, .seat = LFCE_SEAT_BANK };
	struct lfce_op due[3];
	const struct lfce_proposal *p;
	struct lfce_record r;
	u64 deadline;
	s64 id;

	g->now = 5 * NSEC_PER_SEC;
	lt_read(g, before);
	deadline = g->now + before->table.config.proposal_timeout_ns;
	id = propose_config(g, 0, LFCE_PARAM_ODDS_MAX, 5);
	KUNIT_ASSERT_GT(test, id, 0);
	lt_read(g, before);
	p = find_prop(before, id);
	KUNIT_EXPECT_EQ(test, p->deadline_ns, deadline);
	KUNIT_EXPECT_EQ(test, before->table.deadline_ns, deadline);

	g->now = deadline;
	lapse.u.vote.id = id;
	KUNIT_EXPECT_EQ(test, lt_op(g, &lapse), -EPROTO);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);
	KUNIT_EXPECT_EQ(test, lfce_rules_due(after, deadline, due, ARRAY_SIZE(due)), 0);
	/* One against, of n - q = 1 allowed, keeps it open. */
	KUNIT_EXPECT_EQ(test, vote(g, 2, id, LFCE_VOTE_AGAINST), 0);
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, find_prop(before, id)->state, LFCE_PROP_PENDING);
	KUNIT_ASSERT_EQ(test, lfce_rules_due(before, deadline + 1, due, ARRAY_SIZE(due)), 1);
	KUNIT_EXPECT_EQ(test, due[0].type, LFCE_OP_LAPSE);
	KUNIT_EXPECT_EQ(test, due[0].seat, LFCE_SEAT_BANK);
	KUNIT_EXPECT_EQ(test, due[0].u.vote.id, id);

	g->now = deadline + 1;
	KUNIT_EXPECT_EQ(test, vote(g, 0, id, LFCE_VOTE_FOR), -ETIME);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);

	KUNIT_ASSERT_EQ(test, lt_deposit(g, 0, 7), 0);
	lt_read(g, after);
	KUNIT_ASSERT_TRUE(test, lt_journal(g, after->table.records - 2, &r));
	KUNIT_EXPECT_EQ(test, r.op.type, LFCE_OP_LAPSE);
	KUNIT_EXPECT_EQ(test, r.op.u.vote.id, id);
	KUNIT_EXPECT_EQ(test, r.outcome, LFCE_PROP_EXPIRED);
	KUNIT_EXPECT_EQ(test, r.version, after->table.version);
	KUNIT_ASSERT_TRUE(test, lt_journal(g, after->table.records - 1, &r));
	KUNIT_EXPECT_EQ(test, r.op.type, LFCE_OP_DEPOSIT);
	KUNIT_EXPECT_EQ(test, r.version, after->table.version);
	KUNIT_EXPECT_EQ(test, after->table.version, before->table.version + 1);
	KUNIT_EXPECT_EQ(test, find_prop(after, id)->state, LFCE_PROP_EXPIRED);
	KUNIT_EXPECT_EQ(test, after->table.deadline_ns, 0);
	KUNIT_EXPECT_EQ(test, after->table.config.odds_max, 3);
	KUNIT_EXPECT_EQ(test, metric(g, LFCE_PROP_EXPIRED), 1);
	KUNIT_EXPECT_EQ(test, vote(g, 1, id, LFCE_VOTE_FOR), -ETIME);
	KUNIT_EXPECT_EQ(test, lt_op(g, &lapse), -EPROTO);
}

/*
 * A round's deadline counts in table.deadline_ns ahead of a later
 * proposal's, and the sweep's ops, committed, lapse and expire in order.
 */
static void deadline_of_round(struct kunit *test, struct lt_game *g, struct lfce_snapshot *s)
{
	struct lfce_op due[3], close;
	u64 round_deadline, prop_deadline;
	s64 id;

	KUNIT_ASSERT_EQ(test, lt_bet(g, 1, LFCE_BET_FIELD, 10), 0);
	id = propose_config(g, 0, LFCE_PARAM_ODDS_MAX, 4);
	KUNIT_ASSERT_GT(test, id, 0);
	close = lt_player_op(g, LFCE_OP_CLOSE, 0);
	KUNIT_ASSERT_EQ(test, lt_op(g, &close), 0);
	lt_read(g, s);
	round_deadline = g->now + s->table.config.reveal_timeout_ns;
	prop_deadline = g->now + s->table.config.proposal_timeout_ns;
	KUNIT_EXPECT_EQ(test, s->round.deadline_ns, round_deadline);
	KUNIT_EXPECT_EQ(test, s->table.deadline_ns, round_deadline);
	KUNIT_EXPECT_EQ(test, lfce_rules_due(s, round_deadline, due, ARRAY_SIZE(due)), 0);
	KUNIT_ASSERT_EQ(test, lfce_rules_due(s, round_deadline + 1, due, ARRAY_SIZE(due)), 1);
	KUNIT_EXPECT_EQ(test, due[0].type, LFCE_OP_EXPIRE);
	KUNIT_EXPECT_EQ(test, due[0].seat, LFCE_SEAT_BANK);
	KUNIT_ASSERT_EQ(test, lfce_rules_due(s, prop_deadline + 1, due, ARRAY_SIZE(due)), 2);
	KUNIT_EXPECT_EQ(test, due[0].type, LFCE_OP_LAPSE);
	KUNIT_EXPECT_EQ(test, due[0].u.vote.id, id);
	KUNIT_EXPECT_EQ(test, due[1].type, LFCE_OP_EXPIRE);

	/* What the sweep commits; nobody committed, so seat 1 forfeits its bet. */
	g->now = prop_deadline + 1;
	KUNIT_ASSERT_EQ(test, lt_commit(g, due, 2), 0);
	lt_read(g, s);
	KUNIT_EXPECT_EQ(test, s->table.stage, LFCE_STAGE_BETTING);
	KUNIT_EXPECT_EQ(test, s->table.deadline_ns, 0);
	KUNIT_EXPECT_EQ(test, s->table.rolls, 1);
	KUNIT_EXPECT_EQ(test, s->seat[1].bets[LFCE_BET_FIELD], 0);
	KUNIT_EXPECT_EQ(test, s->seat[1].balance, CT_BALANCE - 10);
	KUNIT_EXPECT_EQ(test, find_prop(s, id)->state, LFCE_PROP_EXPIRED);
	KUNIT_EXPECT_EQ(test, metric(g, LFCE_PROP_EXPIRED), 2);
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(s));
}

static void consensus_deadlines(struct kunit *test)
{
	struct lfce_snapshot *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	struct lfce_snapshot *after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	struct lt_game *g;

	KUNIT_ASSERT_TRUE(test, before && after);
	g = table_of(test, NULL, 3);
	deadline_of_proposal(test, g, before, after);
	deadline_of_round(test, g, after);
	KUNIT_EXPECT_EQ(test, lt_journal_check(g, after), after->table.records);
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, g, &lt_params));
	lt_game_free(g);
}

/* ---- re-validation ---- */

/*
 * The quorum vote applies the action to the state it finds, not the one
 * the proposal was opened in: a transfer the balance no longer covers, a
 * ban once the round is under way, both fail and change nothing else.
 */
static void consensus_revalidation(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct lfce_op withdraw, close;
	const struct lfce_proposal *p;
	struct lfce_record r;
	struct lt_game *g;
	s64 id;

	KUNIT_ASSERT_NOT_NULL(test, s);
	g = table_of(test, NULL, 3);
	id = propose(g, 0, LFCE_OP_TRANSFER, 0, 1, 500);
	KUNIT_ASSERT_GT(test, id, 0);
	withdraw = lt_owner_op(g, LFCE_OP_WITHDRAW, 0);
	withdraw.u.amount.value = 900;
	KUNIT_ASSERT_EQ(test, lt_op(g, &withdraw), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 2, id, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 1, id, LFCE_VOTE_FOR), 0);
	lt_read(g, s);
	p = find_prop(s, id);
	KUNIT_EXPECT_EQ(test, p->state, LFCE_PROP_FAILED);
	KUNIT_EXPECT_EQ(test, p->error, ENOSPC);
	KUNIT_EXPECT_EQ(test, p->votes_for, BIT(1) | BIT(2));
	KUNIT_EXPECT_EQ(test, s->seat[0].balance, CT_BALANCE - 900);
	KUNIT_EXPECT_EQ(test, s->seat[1].balance, CT_BALANCE);
	KUNIT_ASSERT_TRUE(test, last_record(g, &r));
	KUNIT_EXPECT_EQ(test, r.op.type, LFCE_OP_VOTE);
	KUNIT_EXPECT_EQ(test, r.outcome, LFCE_PROP_FAILED);
	KUNIT_EXPECT_EQ(test, r.seat_delta, 0);
	KUNIT_EXPECT_EQ(test, vote(g, 0, id, LFCE_VOTE_FOR), -EPROTO);

	id = propose(g, 1, LFCE_OP_BAN, 2, 0, 0);
	KUNIT_ASSERT_GT(test, id, 0);
	close = lt_player_op(g, LFCE_OP_CLOSE, 0);
	KUNIT_ASSERT_EQ(test, lt_op(g, &close), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 0, id, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 1, id, LFCE_VOTE_FOR), 0);
	lt_read(g, s);
	p = find_prop(s, id);
	KUNIT_EXPECT_EQ(test, p->state, LFCE_PROP_FAILED);
	KUNIT_EXPECT_EQ(test, p->error, EPROTO);
	KUNIT_EXPECT_EQ(test, s->seat[2].flags, LFCE_SEAT_BOUND);
	KUNIT_EXPECT_EQ(test, s->table.stage, LFCE_STAGE_COMMIT);
	KUNIT_EXPECT_EQ(test, metric(g, LFCE_PROP_FAILED), 2);
	KUNIT_EXPECT_EQ(test, metric(g, LFCE_PROP_PASSED), 0);
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(s));
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, g, &lt_params));
	lt_game_free(g);
}

/* ---- nonces ---- */

/* A vote or proposal resubmitted after EAGAIN cannot count twice. */
static void consensus_nonce_replay(struct kunit *test)
{
	struct lfce_snapshot *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	struct lfce_snapshot *after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	struct lfce_op v, again;
	struct lt_game *g;
	s64 id, id2;

	KUNIT_ASSERT_TRUE(test, before && after);
	g = table_of(test, NULL, 3);
	id = propose_config(g, 0, LFCE_PARAM_ODDS_MAX, 4);
	KUNIT_ASSERT_GT(test, id, 0);
	v = lt_player_op(g, LFCE_OP_VOTE, 1);
	v.u.vote.id = id;
	v.u.vote.choice = LFCE_VOTE_FOR;
	KUNIT_ASSERT_EQ(test, lt_op(g, &v), 0);
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, find_prop(before, id)->votes_for, BIT(1));

	again = v;
	KUNIT_EXPECT_EQ(test, lt_op(g, &again), -EALREADY);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);
	/* A fresh nonce does not buy a second vote, not even the other way. */
	KUNIT_EXPECT_EQ(test, vote(g, 1, id, LFCE_VOTE_AGAINST), -EALREADY);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);

	again = lt_player_op(g, LFCE_OP_PROPOSE, 0);
	again.nonce = before->seat[0].nonce;
	again.u.propose.action = LFCE_OP_CONFIG;
	again.u.propose.param = LFCE_PARAM_ODDS_MAX;
	again.u.propose.value = 6;
	KUNIT_EXPECT_EQ(test, lt_op(g, &again), -EALREADY);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);

	/* The used nonce on a proposal it never voted on: still the nonce. */
	id2 = propose_config(g, 2, LFCE_PARAM_ODDS_MAX, 5);
	KUNIT_ASSERT_GT(test, id2, 0);
	lt_read(g, before);
	again = v;
	again.u.vote.id = id2;
	KUNIT_EXPECT_EQ(test, lt_op(g, &again), -EALREADY);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 1, id2, LFCE_VOTE_FOR), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, after->seat[1].nonce, g->nonce[1]);
	KUNIT_EXPECT_EQ(test, find_prop(after, id2)->votes_for, BIT(1));
	KUNIT_EXPECT_EQ(test, find_prop(after, id)->votes_for, BIT(1));
	lt_game_free(g);
}

/* ---- stages ---- */

struct stage_case {
	const char *what;
	u32 dice_mode;
	u32 stage;		/* the game is brought to it first */
	struct lfce_op op;
};

#define CR		LFCE_DICE_COMMIT_REVEAL
#define PLAYER(t, s)	.type = (t), .seat = (s), .nonce = 100
#define BANK(t)		.type = (t), .seat = LFCE_SEAT_BANK
#define OWNER(t)	BANK(t), .nonce = 100
#define FIELD_5		.u.bet = { .kind = LFCE_BET_FIELD, .amount = 5 }

/*
 * Each is refused with EPROTO: seat 0 is the shooter, seat 1 has a field
 * bet (both take part in the round), seat 2 has none.
 */
static const struct stage_case stage_cases[] = {
	{ "commit while betting", CR, LFCE_STAGE_BETTING, { PLAYER(LFCE_OP_COMMIT, 0) } },
	{ "reveal while betting", CR, LFCE_STAGE_BETTING, { PLAYER(LFCE_OP_REVEAL, 0) } },
	{ "expire while betting", CR, LFCE_STAGE_BETTING, { BANK(LFCE_OP_EXPIRE) } },
	{ "host roll, commit-reveal game", CR, LFCE_STAGE_BETTING, { OWNER(LFCE_OP_ROLL) } },
	{ "agreed roll, commit-reveal game", CR, LFCE_STAGE_BETTING,
	  { PLAYER(LFCE_OP_PROPOSE, 0), .u.propose.action = LFCE_OP_ROLL } },
	{ "bet while committing", CR, LFCE_STAGE_COMMIT, { PLAYER(LFCE_OP_BET, 1), FIELD_5 } },
	{ "unbet while committing", CR, LFCE_STAGE_COMMIT, { PLAYER(LFCE_OP_UNBET, 1), FIELD_5 } },
	{ "close while committing", CR, LFCE_STAGE_COMMIT, { PLAYER(LFCE_OP_CLOSE, 0) } },
	{ "reveal while committing", CR, LFCE_STAGE_COMMIT, { PLAYER(LFCE_OP_REVEAL, 0) } },
	{ "expire before the deadline", CR, LFCE_STAGE_COMMIT, { BANK(LFCE_OP_EXPIRE) } },
	{ "participant leaves while committing", CR, LFCE_STAGE_COMMIT,
	  { PLAYER(LFCE_OP_LEAVE, 1) } },
	{ "shooter leaves while committing", CR, LFCE_STAGE_COMMIT, { PLAYER(LFCE_OP_LEAVE, 0) } },
	{ "ban proposed while committing", CR, LFCE_STAGE_COMMIT,
	  { PLAYER(LFCE_OP_PROPOSE, 0), .u.propose = { .action = LFCE_OP_BAN, .seat = 2 } } },
	{ "dice mode proposed while committing", CR, LFCE_STAGE_COMMIT,
	  { PLAYER(LFCE_OP_PROPOSE, 0),
	    .u.propose = { .action = LFCE_OP_CONFIG, .param = LFCE_PARAM_DICE_MODE,
			   .value = LFCE_DICE_HOST } } },
	{ "bet while revealing", CR, LFCE_STAGE_REVEAL, { PLAYER(LFCE_OP_BET, 1), FIELD_5 } },
	{ "unbet while revealing", CR, LFCE_STAGE_REVEAL, { PLAYER(LFCE_OP_UNBET, 1), FIELD_5 } },
	{ "close while revealing", CR, LFCE_STAGE_REVEAL, { PLAYER(LFCE_OP_CLOSE, 0) } },
	{ "commit while revealing", CR, LFCE_STAGE_REVEAL, { PLAYER(LFCE_OP_COMMIT, 0) } },
	{ "participant leaves while revealing", CR, LFCE_STAGE_REVEAL,
	  { PLAYER(LFCE_OP_LEAVE, 1) } },
	{ "ban proposed while revealing", CR, LFCE_STAGE_REVEAL,
	  { PLAYER(LFCE_OP_PROPOSE, 0), .u.propose = { .action = LFCE_OP_BAN, .seat = 2 } } },
	{ "close, host-dice game", LFCE_DICE_HOST, LFCE_STAGE_BETTING,
	  { PLAYER(LFCE_OP_CLOSE, 0) } },
	{ "agreed roll, host-dice game", LFCE_DICE_HOST, LFCE_STAGE_BETTING,
	  { PLAYER(LFCE_OP_PROPOSE, 0), .u.propose.action = LFCE_OP_ROLL } },
	{ "close, agreement game", LFCE_DICE_AGREEMENT, LFCE_STAGE_BETTING,
	  { PLAYER(LFCE_OP_CLOSE, 0) } },
	{ "host roll, agreement game", LFCE_DICE_AGREEMENT, LFCE_STAGE_BETTING,
	  { OWNER(LFCE_OP_ROLL) } },
};

/* Three seats, seat 1 with a field bet, brought to @stage. */
static struct lt_game *staged_game(struct kunit *test, u32 dice_mode, u32 stage)
{
	struct lt_game *g = table_in_mode(test, dice_mode, 3);
	struct lfce_op close;

	KUNIT_ASSERT_EQ(test, lt_bet(g, 1, LFCE_BET_FIELD, 10), 0);
	if (stage == LFCE_STAGE_BETTING)
		return g;
	close = lt_player_op(g, LFCE_OP_CLOSE, 0);
	KUNIT_ASSERT_EQ(test, lt_op(g, &close), 0);
	if (stage == LFCE_STAGE_COMMIT)
		return g;
	commit_secret(test, g, 0, 1);
	commit_secret(test, g, 1, 1);
	return g;
}

static void consensus_stages_refuse(struct kunit *test)
{
	struct lfce_snapshot *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	struct lfce_snapshot *after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	const struct stage_case *c;
	struct lfce_op op;
	struct lt_game *g;
	size_t i;

	KUNIT_ASSERT_TRUE(test, before && after);
	for (i = 0; i < ARRAY_SIZE(stage_cases); i++) {
		c = &stage_cases[i];
		g = staged_game(test, c->dice_mode, c->stage);
		lt_read(g, before);
		KUNIT_EXPECT_EQ_MSG(test, before->table.stage, c->stage, "%s", c->what);
		op = c->op;
		KUNIT_EXPECT_EQ_MSG(test, lt_op(g, &op), -EPROTO, "%s", c->what);
		lt_read(g, after);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(before, after, sizeof(*after)), 0,
				    "%s changed the snapshot", c->what);
		lt_game_free(g);
	}
}

/* ---- bans ---- */

/*
 * A ban by quorum: the banned seat's bets come back, the dice move on, and
 * in a proposal opened before it the seat is gone and cannot vote, while
 * the quorum stays what it was when the proposal opened.
 */
static void consensus_ban(struct kunit *test)
{
	static const u32 order[] = { 3, 0, 1, 2 };	/* seat 3 first: the shooter */
	struct lfce_snapshot *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	struct lfce_snapshot *after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	const struct lfce_proposal *pa;
	struct lfce_config cfg;
	struct lt_game *g;
	s64 a, b, c;
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, before && after);
	ct_config(&cfg);
	g = lt_game_new(test, &cfg, false);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		seat_up(test, g, order[i]);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, LFCE_SEAT_BANK, CT_BANK), 0);
	KUNIT_ASSERT_EQ(test, lt_bet(g, 3, LFCE_BET_FIELD, 50), 0);
	KUNIT_ASSERT_EQ(test, lt_bet(g, 3, LFCE_BET_PASS, 20), 0);
	a = propose_config(g, 0, LFCE_PARAM_ODDS_MAX, 5);
	KUNIT_ASSERT_GT(test, a, 0);
	b = propose(g, 1, LFCE_OP_BAN, 3, 0, 0);
	KUNIT_ASSERT_GT(test, b, 0);
	lt_read(g, before);
	KUNIT_ASSERT_EQ(test, before->table.shooter, 3);

	KUNIT_EXPECT_EQ(test, vote(g, 0, b, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 1, b, LFCE_VOTE_FOR), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, find_prop(after, b)->state, LFCE_PROP_PENDING);
	KUNIT_EXPECT_EQ(test, vote(g, 2, b, LFCE_VOTE_FOR), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, find_prop(after, b)->state, LFCE_PROP_PASSED);
	KUNIT_EXPECT_EQ(test, after->seat[3].flags, LFCE_SEAT_BOUND | LFCE_SEAT_BANNED);
	KUNIT_EXPECT_EQ(test, after->seat[3].bets[LFCE_BET_FIELD], 0);
	KUNIT_EXPECT_EQ(test, after->seat[3].bets[LFCE_BET_PASS], 0);
	KUNIT_EXPECT_EQ(test, after->seat[3].balance, CT_BALANCE);
	KUNIT_EXPECT_EQ(test, after->table.shooter, 0);
	KUNIT_EXPECT_EQ(test, after->table.total, before->table.total);
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(after));
	pa = find_prop(after, a);
	KUNIT_EXPECT_EQ(test, pa->state, LFCE_PROP_PENDING);
	KUNIT_EXPECT_EQ(test, pa->gone, BIT(3));
	KUNIT_EXPECT_EQ(test, pa->electorate, GENMASK(3, 0));
	KUNIT_EXPECT_EQ(test, pa->quorum, 3);

	/* A banned seat cannot act at all: no vote, no bet, no coming back. */
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, vote(g, 3, a, LFCE_VOTE_AGAINST), -EPERM);
	KUNIT_EXPECT_EQ(test, lt_bet(g, 3, LFCE_BET_FIELD, 5), -EPERM);
	KUNIT_EXPECT_EQ(test, lt_join(g, 3, 1003), -EPERM);
	KUNIT_EXPECT_EQ(test, lt_join(g, 3, 2003), -EPERM);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);

	/* Three of the four still needed, not three of the three left. */
	KUNIT_EXPECT_EQ(test, vote(g, 0, a, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 1, a, LFCE_VOTE_FOR), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, find_prop(after, a)->state, LFCE_PROP_PENDING);
	KUNIT_EXPECT_EQ(test, after->table.config.odds_max, 3);
	KUNIT_EXPECT_EQ(test, vote(g, 2, a, LFCE_VOTE_FOR), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, find_prop(after, a)->state, LFCE_PROP_PASSED);
	KUNIT_EXPECT_EQ(test, after->table.config.odds_max, 5);

	/* A proposal opened after the ban has the smaller electorate. */
	c = propose_config(g, 2, LFCE_PARAM_ODDS_MAX, 6);
	KUNIT_ASSERT_GT(test, c, 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, find_prop(after, c)->electorate, GENMASK(2, 0));
	KUNIT_EXPECT_EQ(test, find_prop(after, c)->quorum, 2);
	KUNIT_EXPECT_EQ(test, metric(g, LFCE_PROP_PASSED), 2);
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, g, &lt_params));
	lt_game_free(g);
}

/* ---- leaving ---- */

/*
 * Host dice, seats 0, 2, 3 and 5. A line bet with a point keeps its seat;
 * a place bet comes back and leaves with the balance; the leaver's seat,
 * taken by another uid, has no vote on what was opened before, no more
 * than a newcomer; the shooter's leaving passes the dice over the empty
 * seat 1.
 */
static void consensus_leave(struct kunit *test)
{
	static const u32 seats[] = { 0, 2, 3, 5 };
	struct lfce_snapshot *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	struct lfce_snapshot *after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	struct lfce_config cfg;
	struct lfce_op leave;
	struct lt_game *g;
	unsigned int i;
	s64 id, id2;

	KUNIT_ASSERT_TRUE(test, before && after);
	ct_config(&cfg);
	g = lt_game_new(test, &cfg, true);
	lt_plan(g, 0, 2, 2);
	for (i = 0; i < ARRAY_SIZE(seats); i++)
		seat_up(test, g, seats[i]);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, LFCE_SEAT_BANK, CT_BANK), 0);
	id = propose_config(g, 2, LFCE_PARAM_ODDS_MAX, 4);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_ASSERT_EQ(test, lt_bet(g, 5, LFCE_BET_PASS, 10), 0);
	KUNIT_ASSERT_EQ(test, lt_roll(g, 2, 2), 0);
	lt_read(g, before);
	KUNIT_ASSERT_EQ(test, before->table.point, 4);
	KUNIT_EXPECT_EQ(test, find_prop(before, id)->quorum, 3);

	leave = lt_player_op(g, LFCE_OP_LEAVE, 5);
	KUNIT_EXPECT_EQ(test, lt_op(g, &leave), -EPROTO);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);

	KUNIT_ASSERT_EQ(test, lt_bet(g, 3, LFCE_BET_PLACE_6, 60), 0);
	lt_read(g, before);
	leave = lt_player_op(g, LFCE_OP_LEAVE, 3);
	KUNIT_ASSERT_EQ(test, lt_op(g, &leave), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, after->table.total, before->table.total - CT_BALANCE);
	KUNIT_EXPECT_EQ(test, after->table.bank, before->table.bank);
	KUNIT_EXPECT_EQ(test, after->seat[3].flags, 0);
	KUNIT_EXPECT_EQ(test, after->seat[3].balance, 0);
	KUNIT_EXPECT_EQ(test, after->seat[3].bets[LFCE_BET_PLACE_6], 0);
	KUNIT_EXPECT_EQ(test, find_prop(after, id)->gone, BIT(3));
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(after));

	/* Neither the leaver's seat under a new uid nor a newcomer has a vote on it. */
	KUNIT_ASSERT_EQ(test, lt_join(g, 3, 2003), 0);
	KUNIT_ASSERT_EQ(test, lt_join(g, 4, 1004), 0);
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, vote(g, 3, id, LFCE_VOTE_FOR), -EPERM);
	KUNIT_EXPECT_EQ(test, vote(g, 4, id, LFCE_VOTE_FOR), -EPERM);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);

	KUNIT_ASSERT_EQ(test, before->table.shooter, 0);
	leave = lt_player_op(g, LFCE_OP_LEAVE, 0);
	KUNIT_ASSERT_EQ(test, lt_op(g, &leave), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, after->table.shooter, 2);
	KUNIT_EXPECT_EQ(test, find_prop(after, id)->gone, BIT(0) | BIT(3));

	/* Two members left; the two still here cannot make three. */
	KUNIT_EXPECT_EQ(test, vote(g, 2, id, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 5, id, LFCE_VOTE_FOR), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, find_prop(after, id)->state, LFCE_PROP_PENDING);
	KUNIT_EXPECT_EQ(test, after->table.config.odds_max, 3);

	/* Both vote on what opens after they came. */
	id2 = propose_config(g, 5, LFCE_PARAM_ODDS_MAX, 6);
	KUNIT_ASSERT_GT(test, id2, 0);
	KUNIT_EXPECT_EQ(test, vote(g, 3, id2, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 4, id2, LFCE_VOTE_FOR), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, find_prop(after, id2)->state, LFCE_PROP_PENDING);
	KUNIT_EXPECT_EQ(test, vote(g, 2, id2, LFCE_VOTE_FOR), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, find_prop(after, id2)->electorate, GENMASK(5, 2));
	KUNIT_EXPECT_EQ(test, find_prop(after, id2)->state, LFCE_PROP_PASSED);
	KUNIT_EXPECT_EQ(test, after->table.config.odds_max, 6);
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(after));
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, g, &lt_params));
	lt_game_free(g);
}

/* ---- agreed dice ---- */

/*
 * The agreed roll as the uapi specifies it ("Dice"): SHA-256(le64 id ||
 * the kernel's seed of the roll), rejection-sampled as for every roll.
 * Written out here, not taken from rules.c, to check it.
 */
static bool agreed_dice(u64 id, const u8 seed[32], u8 dice[2])
{
	u8 buf[8 + 32], hash[SHA256_DIGEST_SIZE];
	unsigned int i, n = 0;

	for (i = 0; i < 8; i++)
		buf[i] = id >> (8 * i);
	memcpy(buf + 8, seed, 32);
	sha256(buf, sizeof(buf), hash);
	for (i = 0; i < sizeof(hash) && n < 2; i++)
		if (hash[i] < 252)
			dice[n++] = hash[i] % 6 + 1;
	return n == 2;
}

static void consensus_agreed_roll(struct kunit *test)
{
	struct lfce_snapshot *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	struct lfce_snapshot *after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	u8 seed[32], next[32], d2[2];
	struct lfce_op v, bad;
	struct lfce_record r;
	struct lt_game *g;
	s64 id;

	KUNIT_ASSERT_TRUE(test, before && after);
	g = table_in_mode(test, LFCE_DICE_AGREEMENT, 3);
	KUNIT_ASSERT_EQ(test, lt_bet(g, 1, LFCE_BET_FIELD, 10), 0);
	id = propose(g, 0, LFCE_OP_ROLL, 0, 0, 0);
	KUNIT_ASSERT_GT(test, id, 0);
	lt_seed(g, 0, seed);
	KUNIT_ASSERT_TRUE(test, agreed_dice(id, seed, d2));

	v = lt_player_op(g, LFCE_OP_VOTE, 1);
	v.u.vote.id = id;
	v.u.vote.choice = LFCE_VOTE_FOR;
	KUNIT_ASSERT_EQ(test, lt_op(g, &v), 0);
	KUNIT_ASSERT_TRUE(test, last_record(g, &r));
	KUNIT_EXPECT_EQ(test, r.outcome, LFCE_PROP_PENDING);
	KUNIT_EXPECT_EQ(test, r.dice[0], 0);
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, before->table.rolls, 0);

	v = lt_player_op(g, LFCE_OP_VOTE, 2);
	v.u.vote.id = id;
	v.u.vote.choice = LFCE_VOTE_FOR;
	KUNIT_ASSERT_EQ(test, lt_op(g, &v), 0);
	KUNIT_ASSERT_TRUE(test, last_record(g, &r));
	KUNIT_EXPECT_EQ(test, r.outcome, LFCE_PROP_PASSED);
	KUNIT_EXPECT_EQ(test, r.dice[0], d2[0]);
	KUNIT_EXPECT_EQ(test, r.dice[1], d2[1]);
	/* The record reveals roll 0's seed and commits to roll 1's. */
	KUNIT_EXPECT_EQ(test, memcmp(r.seed, seed, sizeof(seed)), 0);
	lt_seed(g, 1, seed);
	sha256(seed, sizeof(seed), next);
	KUNIT_EXPECT_EQ(test, memcmp(r.commitment, next, sizeof(next)), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, after->table.rolls, 1);
	KUNIT_EXPECT_EQ(test, after->table.dice[0], d2[0]);
	KUNIT_EXPECT_EQ(test, after->table.dice[1], d2[1]);
	KUNIT_EXPECT_EQ(test, memcmp(after->table.seed_commitment, next, sizeof(next)), 0);
	KUNIT_EXPECT_EQ(test, after->seat[1].bets[LFCE_BET_FIELD], 0);	/* one roll, settled */
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(after));
	KUNIT_EXPECT_EQ(test, vote(g, 0, id, LFCE_VOTE_FOR), -EPROTO);

	/* No other way to roll in this mode. */
	bad = lt_player_op(g, LFCE_OP_CLOSE, after->table.shooter);
	KUNIT_EXPECT_EQ(test, lt_op(g, &bad), -EPROTO);
	bad = lt_owner_op(g, LFCE_OP_ROLL, LFCE_SEAT_BANK);
	KUNIT_EXPECT_EQ(test, lt_op(g, &bad), -EPROTO);
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, g, &lt_params));
	lt_game_free(g);
}

/* ---- a full table ---- */

static void expect_slot(struct kunit *test, const struct lfce_snapshot *s, unsigned int slot,
			u64 id, u32 state)
{
	KUNIT_EXPECT_EQ_MSG(test, s->proposal[slot].id, id, "slot %u", slot);
	KUNIT_EXPECT_EQ_MSG(test, s->proposal[slot].state, state, "slot %u", slot);
}

static void reject(struct kunit *test, struct lt_game *g, u64 id)
{
	KUNIT_EXPECT_EQ(test, vote(g, 0, id, LFCE_VOTE_AGAINST), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 1, id, LFCE_VOTE_AGAINST), 0);
}

/*
 * Two slots: a third pending proposal is EBUSY. A new one takes the slot
 * of the lowest decided id, not the one decided first or last, nor the
 * first slot decided.
 */
static void consensus_table_full(struct kunit *test)
{
	struct lfce_snapshot *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	struct lfce_snapshot *after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	struct lfce_config cfg;
	struct lt_game *g;
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, before && after);
	ct_config(&cfg);
	cfg.max_proposals = 2;
	g = table_of(test, &cfg, 3);
	KUNIT_ASSERT_EQ(test, propose_config(g, 0, LFCE_PARAM_ODDS_MAX, 4), 1);
	KUNIT_ASSERT_EQ(test, propose_config(g, 0, LFCE_PARAM_ODDS_MAX, 5), 2);
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, propose_config(g, 1, LFCE_PARAM_ODDS_MAX, 6), -EBUSY);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);

	/* 2 is decided first, 1 last; 1 has the lower id. */
	reject(test, g, 2);
	KUNIT_EXPECT_EQ(test, vote(g, 0, 1, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 1, 1, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, propose_config(g, 1, LFCE_PARAM_ODDS_MAX, 6), 3);
	lt_read(g, after);
	expect_slot(test, after, 0, 3, LFCE_PROP_PENDING);
	expect_slot(test, after, 1, 2, LFCE_PROP_REJECTED);
	KUNIT_EXPECT_EQ(test, after->table.config.odds_max, 4);
	KUNIT_EXPECT_EQ(test, vote(g, 2, 1, LFCE_VOTE_FOR), -ENOENT);

	/* Now 3 is the last decided and in the first slot; 2 is older. */
	reject(test, g, 3);
	KUNIT_EXPECT_EQ(test, propose_config(g, 1, LFCE_PARAM_ODDS_MAX, 7), 4);
	lt_read(g, after);
	expect_slot(test, after, 0, 3, LFCE_PROP_REJECTED);
	expect_slot(test, after, 1, 4, LFCE_PROP_PENDING);
	KUNIT_EXPECT_EQ(test, propose_config(g, 2, LFCE_PARAM_ODDS_MAX, 8), 5);
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, propose_config(g, 2, LFCE_PARAM_ODDS_MAX, 9), -EBUSY);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);
	expect_slot(test, after, 0, 5, LFCE_PROP_PENDING);
	for (i = cfg.max_proposals; i < LFCE_MAX_PROPOSALS; i++)
		expect_slot(test, after, i, 0, LFCE_PROP_FREE);
	KUNIT_EXPECT_EQ(test, after->table.proposals, 5);
	KUNIT_EXPECT_EQ(test, metric(g, LFCE_PROP_PENDING), 5);
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, g, &lt_params));
	lt_game_free(g);
}

/*
 * Seat reuse: a proposal is about the players in its seats when it opened.
 * When its target leaves and another uid takes the seat before the quorum,
 * the action must not land on the newcomer (who, being in "gone", could not
 * even vote against it): it fails with ENOENT.
 */
static void consensus_target_is_the_player(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct lfce_op leave;
	struct lt_game *g;
	s64 ban, xfer;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	g = table_of(test, NULL, 6);			/* q = 4 */
	ban = propose(g, 0, LFCE_OP_BAN, 3, 0, 0);
	xfer = propose(g, 0, LFCE_OP_TRANSFER, 2, 0, 500);
	KUNIT_ASSERT_GT(test, ban, 0);
	KUNIT_ASSERT_GT(test, xfer, 0);
	leave = lt_player_op(g, LFCE_OP_LEAVE, 3);
	KUNIT_ASSERT_EQ(test, lt_op(g, &leave), 0);
	leave = lt_player_op(g, LFCE_OP_LEAVE, 2);
	KUNIT_ASSERT_EQ(test, lt_op(g, &leave), 0);
	KUNIT_ASSERT_EQ(test, lt_join(g, 3, 3003), 0);	/* other players sit down */
	KUNIT_ASSERT_EQ(test, lt_join(g, 2, 3002), 0);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, 2, 800), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 3, ban, LFCE_VOTE_AGAINST), -EPERM);
	KUNIT_EXPECT_EQ(test, vote(g, 2, xfer, LFCE_VOTE_AGAINST), -EPERM);
	for (i = 0; i < 6; i++) {
		if (i == 2 || i == 3)
			continue;
		KUNIT_EXPECT_EQ(test, vote(g, i, ban, LFCE_VOTE_FOR), 0);
		KUNIT_EXPECT_EQ(test, vote(g, i, xfer, LFCE_VOTE_FOR), 0);
	}
	lt_read(g, s);
	KUNIT_EXPECT_EQ(test, find_prop(s, ban)->state, LFCE_PROP_FAILED);
	KUNIT_EXPECT_EQ(test, find_prop(s, ban)->error, ENOENT);
	KUNIT_EXPECT_EQ(test, s->seat[3].flags, LFCE_SEAT_BOUND);
	KUNIT_EXPECT_EQ(test, find_prop(s, xfer)->state, LFCE_PROP_FAILED);
	KUNIT_EXPECT_EQ(test, find_prop(s, xfer)->error, ENOENT);
	KUNIT_EXPECT_EQ(test, s->seat[2].balance, 800);
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(s));
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, g, &lt_params));
	lt_game_free(g);
}

/*
 * A late join in the middle of a round: the seat joins, but it is not a
 * participant of the round under way (participants froze at CLOSE), so it
 * can neither bet nor commit there, and the round completes without it; it
 * is not in the electorate of a proposal opened before it came, but is in
 * the next one's, and it plays the next round.
 */
static void consensus_late_join(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct lt_game *g;
	struct lfce_op op;
	s64 early, later;
	u64 round;
	u32 seat;

	KUNIT_ASSERT_NOT_NULL(test, s);
	g = table_of(test, NULL, 2);
	early = propose_config(g, 0, LFCE_PARAM_MAX_BET, 4000);
	KUNIT_ASSERT_GT(test, early, 0);
	KUNIT_ASSERT_EQ(test, lt_bet(g, 1, LFCE_BET_FIELD, 5), 0);
	op = lt_player_op(g, LFCE_OP_CLOSE, 0);
	KUNIT_ASSERT_EQ(test, lt_op(g, &op), 0);
	lt_read(g, s);
	round = s->round.number;
	seat_up(test, g, 2);				/* mid-round */
	KUNIT_EXPECT_EQ(test, lt_bet(g, 2, LFCE_BET_FIELD, 5), -EPROTO);
	op = lt_player_op(g, LFCE_OP_COMMIT, 2);
	KUNIT_EXPECT_EQ(test, lt_op(g, &op), -EPROTO);
	KUNIT_EXPECT_EQ(test, vote(g, 2, early, LFCE_VOTE_FOR), -EPERM);
	commit_secret(test, g, 0, round);
	commit_secret(test, g, 1, round);
	lt_read(g, s);
	KUNIT_EXPECT_EQ(test, s->table.stage, LFCE_STAGE_REVEAL);
	KUNIT_EXPECT_EQ(test, s->round.participants, 0x3);
	for (seat = 0; seat < 2; seat++) {
		op = lt_player_op(g, LFCE_OP_REVEAL, seat);
		memset(op.u.reveal.secret, 0x40 + seat, sizeof(op.u.reveal.secret));
		KUNIT_ASSERT_EQ(test, lt_op(g, &op), 0);
	}
	lt_read(g, s);
	KUNIT_EXPECT_EQ(test, s->table.stage, LFCE_STAGE_BETTING);
	KUNIT_EXPECT_EQ(test, s->table.rolls, 1);
	later = propose_config(g, 0, LFCE_PARAM_MAX_BET, 3000);
	KUNIT_ASSERT_GT(test, later, 0);
	lt_read(g, s);
	KUNIT_EXPECT_EQ(test, find_prop(s, early)->electorate, 0x3);
	KUNIT_EXPECT_EQ(test, find_prop(s, later)->electorate, 0x7);
	KUNIT_EXPECT_EQ(test, vote(g, 2, later, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, lt_bet(g, 2, LFCE_BET_FIELD, 5), 0);
	op = lt_player_op(g, LFCE_OP_CLOSE, s->table.shooter);
	KUNIT_ASSERT_EQ(test, lt_op(g, &op), 0);
	lt_read(g, s);
	KUNIT_EXPECT_TRUE(test, s->round.participants & BIT(2));
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(s));
	KUNIT_EXPECT_EQ(test, lfce_rules_check_snapshot(s), 0);
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, g, &lt_params));
	lt_game_free(g);
}

/*
 * A quorum never takes value from a seat: a TRANSFER out of seat 0 that
 * reaches its quorum without seat 0's vote fails (EPERM), seat 0 against
 * or silent, and nothing but the proposal changes. With seat 0's vote for
 * it, or proposed by seat 0, it passes.
 */
static void consensus_transfer_needs_consent(struct kunit *test)
{
	struct lfce_snapshot *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	struct lfce_snapshot *after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	struct lt_game *g;
	s64 id;
	int i;

	KUNIT_ASSERT_TRUE(test, before && after);
	g = table_of(test, NULL, 4);		/* q = 3 */
	for (i = 0; i < 2; i++) {		/* seat 0 silent, then against */
		id = propose(g, 1, LFCE_OP_TRANSFER, 0, 1, 500);
		KUNIT_ASSERT_GT(test, id, 0);
		if (i)
			KUNIT_EXPECT_EQ(test, vote(g, 0, id, LFCE_VOTE_AGAINST), 0);
		lt_read(g, before);
		KUNIT_EXPECT_EQ(test, vote(g, 1, id, LFCE_VOTE_FOR), 0);
		KUNIT_EXPECT_EQ(test, vote(g, 2, id, LFCE_VOTE_FOR), 0);
		KUNIT_EXPECT_EQ(test, vote(g, 3, id, LFCE_VOTE_FOR), 0);
		lt_read(g, after);
		KUNIT_EXPECT_EQ(test, find_prop(after, id)->state, LFCE_PROP_FAILED);
		KUNIT_EXPECT_EQ(test, find_prop(after, id)->error, EPERM);
		/* No value moved: the balances and the bank are as before. */
		KUNIT_EXPECT_EQ(test, after->seat[0].balance, CT_BALANCE);
		KUNIT_EXPECT_EQ(test, after->seat[1].balance, CT_BALANCE);
		KUNIT_EXPECT_EQ(test, after->table.bank, before->table.bank);
	}
	/* Seat 0 votes for: it passes. */
	id = propose(g, 1, LFCE_OP_TRANSFER, 0, 1, 500);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, vote(g, 0, id, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 2, id, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 3, id, LFCE_VOTE_FOR), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, find_prop(after, id)->state, LFCE_PROP_PASSED);
	KUNIT_EXPECT_EQ(test, after->seat[0].balance, CT_BALANCE - 500);
	KUNIT_EXPECT_EQ(test, after->seat[1].balance, CT_BALANCE + 500);
	/* Seat 0 proposes, does not vote: its proposal is its consent. */
	id = propose(g, 0, LFCE_OP_TRANSFER, 0, 2, 100);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, vote(g, 1, id, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 2, id, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 3, id, LFCE_VOTE_FOR), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, find_prop(after, id)->state, LFCE_PROP_PASSED);
	KUNIT_EXPECT_EQ(test, after->seat[0].balance, CT_BALANCE - 600);
	KUNIT_EXPECT_EQ(test, after->seat[2].balance, CT_BALANCE + 100);
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(after));
	KUNIT_EXPECT_EQ(test, lfce_rules_check_snapshot(after), 0);
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, g, &lt_params));
	lt_game_free(g);
}

/*
 * CONFIG proposals change only what the owner made governable: none by
 * default (EPERM, nothing changes), then only max_bet; a mask with an
 * unknown parameter or a non-zero reserved field is no config at all.
 */
static void consensus_config_governable(struct kunit *test)
{
	struct lfce_snapshot *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	struct lfce_snapshot *after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	struct lfce_config cfg;
	struct lt_game *g;
	u32 param;
	s64 id;

	KUNIT_ASSERT_TRUE(test, before && after);
	lfce_rules_default_config(&cfg);
	KUNIT_EXPECT_EQ(test, cfg.governable, 0);
	cfg.governable = BIT(LFCE_PARAM_NR);
	KUNIT_EXPECT_EQ(test, lfce_rules_check_config(&cfg), -EINVAL);
	cfg.governable = 0;
	cfg.reserved = 1;
	KUNIT_EXPECT_EQ(test, lfce_rules_check_config(&cfg), -EINVAL);
	cfg.reserved = 0;

	g = table_of(test, &cfg, 3);
	lt_read(g, before);
	for (param = 0; param < LFCE_PARAM_NR; param++)
		KUNIT_EXPECT_EQ_MSG(test, propose_config(g, 0, param, 2), -EPERM, "param %u", param);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);
	lt_game_free(g);

	cfg.governable = BIT(LFCE_PARAM_MAX_BET);
	g = table_of(test, &cfg, 3);
	lt_read(g, before);
	KUNIT_EXPECT_EQ(test, propose_config(g, 0, LFCE_PARAM_ODDS_MAX, 5), -EPERM);
	KUNIT_EXPECT_EQ(test, propose_config(g, 0, LFCE_PARAM_DICE_MODE, LFCE_DICE_HOST), -EPERM);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*after)), 0);
	id = propose_config(g, 0, LFCE_PARAM_MAX_BET, 5000);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, vote(g, 1, id, LFCE_VOTE_FOR), 0);
	KUNIT_EXPECT_EQ(test, vote(g, 2, id, LFCE_VOTE_FOR), 0);
	lt_read(g, after);
	KUNIT_EXPECT_EQ(test, find_prop(after, id)->state, LFCE_PROP_PASSED);
	KUNIT_EXPECT_EQ(test, after->table.config.max_bet, 5000);
	KUNIT_EXPECT_EQ(test, after->table.config.governable, BIT(LFCE_PARAM_MAX_BET));
	KUNIT_EXPECT_TRUE(test, lt_replay_matches(test, g, &lt_params));
	lt_game_free(g);
}

static struct kunit_case consensus_cases[] = {
	KUNIT_CASE(consensus_quorum),
	KUNIT_CASE(consensus_concurrent_votes),
	KUNIT_CASE(consensus_deadlines),
	KUNIT_CASE(consensus_revalidation),
	KUNIT_CASE(consensus_nonce_replay),
	KUNIT_CASE(consensus_stages_refuse),
	KUNIT_CASE(consensus_ban),
	KUNIT_CASE(consensus_leave),
	KUNIT_CASE(consensus_late_join),
	KUNIT_CASE(consensus_target_is_the_player),
	KUNIT_CASE(consensus_agreed_roll),
	KUNIT_CASE(consensus_table_full),
	KUNIT_CASE(consensus_transfer_needs_consent),
	KUNIT_CASE(consensus_config_governable),
	{}
};

static struct kunit_suite consensus_suite = {
	.name = "lfce_consensus",
	.test_cases = consensus_cases,
};

kunit_test_suite(consensus_suite);
