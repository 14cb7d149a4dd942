// SPDX-License-Identifier: GPL-2.0-only
/*
 * rules: craps with standard casino payouts, commit-reveal dice, and the
 * bookkeeping of seats and the bank.
 *
 * Every operation validates first and writes only through the transaction,
 * so a refused operation leaves nothing behind once the caller aborts. Every
 * amount moves between a balance, a bet and the bank, or in and out of the
 * total by deposit, withdrawal or leave: conservation holds by construction
 * and lfce_rules_conserved() checks it in the tests.
 *
 * This file has the operation dispatch and lfce_rules_apply(), the only
 * entry point, seats and money, bets placed and removed, and the record and
 * its digest chain. The payouts are in craps.c, the commit-reveal round in
 * round.c, proposals in proposal.c and the snapshot checks in invariants.c;
 * rules_internal.h is what they share.
 */
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/xxhash.h>

#include "rules.h"
#include "rules_internal.h"

/*
 * The digest chain: xxh64 over the record with its ring tag and digest
 * zeroed, seeded with the previous record's digest (0 for the first). The
 * rules chain their records with it and every check of a journal uses it.
 */
u64 lfce_rules_record_digest(const struct lfce_record *rec, u64 prev)
{
	struct lfce_record r;

	/* A record being made has neither yet: no copy (emit()). */
	if (!rec->seq && !rec->digest)
		return xxh64(rec, sizeof(*rec), prev);
	r = *rec;
	r.seq = 0;
	r.digest = 0;
	return xxh64(&r, sizeof(r), prev);
}

void lfce_rules_default_config(struct lfce_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->min_bet = 1;
	cfg->max_bet = 1000000;
	cfg->odds_max = 3;
	cfg->field12_pays = 2;
	cfg->dice_mode = LFCE_DICE_COMMIT_REVEAL;
	cfg->flags = LFCE_CFG_DISTINCT_UIDS;
	cfg->reveal_timeout_ns = 30ULL * NSEC_PER_SEC;
	cfg->max_seats = LFCE_MAX_SEATS;
	lfce_rules_fill_config(cfg);
}

/*
 * Fields added to the config after its first version read as zero from an
 * older caller: zero means their default.
 */
void lfce_rules_fill_config(struct lfce_config *cfg)
{
	if (!cfg->max_proposals)
		cfg->max_proposals = LFCE_MAX_PROPOSALS;
	if (!cfg->proposal_timeout_ns)
		cfg->proposal_timeout_ns = 60ULL * NSEC_PER_SEC;
}

int lfce_rules_check_config(const struct lfce_config *cfg)
{
	if (!cfg->min_bet || cfg->min_bet > cfg->max_bet || cfg->max_bet > LFCE_AMOUNT_MAX)
		return -EINVAL;
	if (!cfg->odds_max || cfg->odds_max > 100)
		return -EINVAL;
	if (cfg->field12_pays != 2 && cfg->field12_pays != 3)
		return -EINVAL;
	if (cfg->dice_mode >= LFCE_DICE_NR || cfg->flags & ~__LFCE_CFG_ALL)
		return -EINVAL;
	if (!cfg->reveal_timeout_ns || !cfg->max_seats || cfg->max_seats > LFCE_MAX_SEATS)
		return -EINVAL;
	if (!cfg->max_proposals || cfg->max_proposals > LFCE_MAX_PROPOSALS ||
	    !cfg->proposal_timeout_ns)
		return -EINVAL;
	if (cfg->governable & ~(BIT(LFCE_PARAM_NR) - 1) || cfg->reserved)
		return -EINVAL;
	return 0;
}

/* A seat that exists and can act: bound (ENOENT) and not banned (EPERM). */
int lfce_rules_seat_active(struct apply *a, unsigned int seat)
{
	const struct lfce_seat *s;

	if (seat >= a->t->config.max_seats)
		return -EINVAL;
	s = lfce_txn_seat(a->txn, seat);
	if (!(s->flags & LFCE_SEAT_BOUND))
		return -ENOENT;
	if (s->flags & LFCE_SEAT_BANNED)
		return -EPERM;
	return 0;
}

int lfce_rules_check_amount(u64 v)
{
	return v && v <= LFCE_AMOUNT_MAX ? 0 : -EINVAL;
}

/*
 * The seat a JOIN of LFCE_SEAT_ANY takes in @s (uapi, LFCE_IOC_JOIN): the
 * one bound to @uid if there is one, else the first neither bound, nor
 * banned, nor in @busy (seats the caller knows are being taken, bit i for
 * seat i). Returns the seat, or -EUSERS. The device resolves LFCE_SEAT_ANY
 * with this before it commits, so the operation and its record carry the
 * seat taken: the rules themselves only ever join a given seat.
 */
int lfce_rules_join_seat(const struct lfce_snapshot *s, u32 uid, u32 busy)
{
	unsigned int i, n = s->table.config.max_seats;

	for (i = 0; i < n; i++)
		if ((s->seat[i].flags & LFCE_SEAT_BOUND) && s->seat[i].uid == uid)
			return i;
	for (i = 0; i < n; i++)
		if (!(s->seat[i].flags & (LFCE_SEAT_BOUND | LFCE_SEAT_BANNED)) && !(busy & BIT(i)))
			return i;
	return -EUSERS;
}

/* Distinct uids: nobody else may hold a seat with @uid. */
static bool uid_elsewhere(struct apply *a, u32 uid, unsigned int seat)
{
	unsigned int i;

	if (!(a->t->config.flags & LFCE_CFG_DISTINCT_UIDS))
		return false;
	for (i = 0; i < a->t->config.max_seats; i++) {
		const struct lfce_seat *s = lfce_txn_seat(a->txn, i);

		if (i != seat && (s->flags & LFCE_SEAT_BOUND) && s->uid == uid)
			return true;
	}
	return false;
}

static bool table_empty(struct apply *a)
{
	unsigned int i;

	for (i = 0; i < a->t->config.max_seats; i++)
		if (lfce_txn_seat(a->txn, i)->flags & LFCE_SEAT_BOUND)
			return false;
	return true;
}

/*
 * Joining binds the operation's seat, if free, to the caller's uid (the
 * device picks the seat for LFCE_SEAT_ANY: lfce_rules_join_seat()); the same
 * uid re-joining its own seat keeps balance and nonce. A seat joined
 * mid-round is not a participant of that round.
 */
static int op_join(struct apply *a)
{
	u32 uid = a->op->u.join.uid;
	const struct lfce_seat *old;
	struct lfce_seat *s;
	unsigned int seat = a->op->seat;
	bool first;

	if (a->op->u.join.reserved)
		return -EINVAL;
	old = lfce_txn_seat(a->txn, seat);
	if (old->flags & LFCE_SEAT_BANNED)
		return -EPERM;
	if ((old->flags & LFCE_SEAT_BOUND) && old->uid != uid)
		return -EPERM;
	if (uid_elsewhere(a, uid, seat))
		return -EPERM;
	if (a->op->nonce <= old->nonce)
		return -EALREADY;
	first = table_empty(a);
	s = lfce_txn_seat_mut(a->txn, seat);
	if (!(s->flags & LFCE_SEAT_BOUND)) {
		s->flags = LFCE_SEAT_BOUND;
		s->uid = uid;
	}
	memcpy(s->id, a->op->u.join.id, sizeof(s->id));
	s->nonce = a->op->nonce;
	if (first)
		a->t->shooter = seat;
	return 0;
}

static bool in_round(struct apply *a, unsigned int seat)
{
	return a->t->stage != LFCE_STAGE_BETTING &&
	       (lfce_txn_round(a->txn)->participants & BIT(seat));
}

/*
 * Pass and come bets are a contract once they have a point: the pass line
 * comes down only before one, a travelled come bet never. Everything else
 * may come down, the don't side included: taking it down only gives up
 * the player's edge.
 */
static bool removable(const struct lfce_table *t, unsigned int k)
{
	if (k == LFCE_BET_PASS)
		return t->phase == LFCE_PHASE_COME_OUT;
	return !lfce_craps_in_family(k, LFCE_BET_COME_4);
}

/*
 * A seat that leaves or is banned can no longer vote on the proposals open
 * now, even if someone else takes the seat before they close.
 */
void lfce_rules_mark_gone(struct apply *a, unsigned int seat)
{
	const struct lfce_proposal *p = lfce_txn_props(a->txn);
	unsigned int i;

	for (i = 0; i < a->t->config.max_proposals; i++)
		if (p[i].state == LFCE_PROP_PENDING && (p[i].electorate & BIT(seat)))
			lfce_txn_props_mut(a->txn)[i].gone |= BIT(seat);
}

/*
 * The earliest deadline still to come: the round's while one is under way,
 * and each pending proposal's. The table carries it so that a commit can
 * tell in one comparison whether anything is due, and the module's sweep
 * when to look again.
 */
void lfce_rules_update_deadline(struct apply *a)
{
	const struct lfce_proposal *p = lfce_txn_props(a->txn);
	u64 d = U64_MAX;
	unsigned int i;

	if (a->t->stage != LFCE_STAGE_BETTING)
		d = lfce_txn_round(a->txn)->deadline_ns;
	for (i = 0; i < a->t->config.max_proposals; i++)
		if (p[i].state == LFCE_PROP_PENDING)
			d = min(d, p[i].deadline_ns);
	a->t->deadline_ns = d == U64_MAX ? 0 : d;
}

/*
 * May all of seat @seat's bets come down now? Not while it is in the round
 * under way, and only bets that may be removed, in the betting stage: a
 * line bet with a point set or a come bet on its number stays up until the
 * dice decide it. LEAVE asks, and so does the owner's SETTLE of a seat, so
 * that the house cannot call off a bet that favours the player.
 */
static int bets_may_come_down(struct apply *a, unsigned int seat)
{
	const struct lfce_seat *s = lfce_txn_seat(a->txn, seat);
	unsigned int k;

	if (in_round(a, seat))
		return -EPROTO;
	for (k = 0; k < LFCE_BET_NR; k++)
		if (s->bets[k] && (a->t->stage != LFCE_STAGE_BETTING || !removable(a->t, k)))
			return -EPROTO;
	return 0;
}

/*
 * The bank must cover the bets on the table: while any is up, or a round is
 * under way, the owner cannot take the bank away (WITHDRAW or SETTLE of the
 * bank: EPROTO), so that losses are collected and wins are paid by the bank
 * the bets were placed against. The kernel's forced close settles every bet
 * first, with its own SETTLE (nonce 0), which is not asked.
 */
static int bank_may_shrink(struct apply *a)
{
	unsigned int i;

	if (a->t->stage != LFCE_STAGE_BETTING)
		return -EPROTO;
	for (i = 0; i < a->t->config.max_seats; i++)
		if (lfce_craps_has_bets(lfce_txn_seat(a->txn, i)))
			return -EPROTO;
	return 0;
}

/*
 * Leaving settles the seat: in the betting stage the bets that may come
 * down come back, then the whole balance leaves. A seat in the round, or
 * with a bet that must stay up (a line bet with a point set, a come bet on
 * its number), cannot leave yet: EPROTO.
 */
static int op_leave(struct apply *a)
{
	unsigned int seat = a->op->seat, k;
	struct lfce_seat *s;
	int ret;

	ret = bets_may_come_down(a, seat);
	if (ret)
		return ret;
	s = lfce_txn_seat_mut(a->txn, seat);
	for (k = 0; k < LFCE_BET_NR; k++)
		s->balance += s->bets[k];
	a->t->total -= s->balance;
	memset(s, 0, sizeof(*s));
	lfce_rules_mark_gone(a, seat);
	if (a->t->shooter == seat)
		a->t->shooter = lfce_craps_next_shooter(a->txn, seat);
	return 0;
}

static int op_deposit(struct apply *a)
{
	u64 v = a->op->u.amount.value, total;
	int ret;

	ret = lfce_rules_check_amount(v);
	if (ret)
		return ret;
	if (check_add_overflow(a->t->total, v, &total) || total > LFCE_TOTAL_MAX)
		return -EINVAL;
	if (a->op->seat == LFCE_SEAT_BANK) {
		a->t->bank += v;
		a->t->flags &= ~LFCE_TABLE_SUSPENDED;
	} else {
		ret = lfce_rules_seat_active(a, a->op->seat);
		if (ret)
			return ret;
		lfce_txn_seat_mut(a->txn, a->op->seat)->balance += v;
	}
	a->t->total = total;
	return 0;
}

static int op_withdraw(struct apply *a)
{
	u64 v = a->op->u.amount.value;
	int ret;

	ret = lfce_rules_check_amount(v);
	if (ret)
		return ret;
	if (a->op->seat == LFCE_SEAT_BANK) {
		ret = bank_may_shrink(a);
		if (ret)
			return ret;
		if (a->t->bank < v)
			return -ENOSPC;
		a->t->bank -= v;
	} else {
		if (a->op->seat >= a->t->config.max_seats ||
		    !(lfce_txn_seat(a->txn, a->op->seat)->flags & LFCE_SEAT_BOUND))
			return -ENOENT;
		if (lfce_txn_seat(a->txn, a->op->seat)->balance < v)
			return -ENOSPC;
		lfce_txn_seat_mut(a->txn, a->op->seat)->balance -= v;
	}
	a->t->total -= v;
	return 0;
}

/* The bet an odds bet rides on, or -1 if @k is not an odds bet. */
static int odds_base(unsigned int k)
{
	if (k == LFCE_BET_PASS_ODDS)
		return LFCE_BET_PASS;
	if (k == LFCE_BET_DONT_PASS_ODDS)
		return LFCE_BET_DONT_PASS;
	if (lfce_craps_in_family(k, LFCE_BET_COME_ODDS_4))
		return k - LFCE_BET_COME_ODDS_4 + LFCE_BET_COME_4;
	if (lfce_craps_in_family(k, LFCE_BET_DONT_COME_ODDS_4))
		return k - LFCE_BET_DONT_COME_ODDS_4 + LFCE_BET_DONT_COME_4;
	return -1;
}

/* The odds bet that rides on @k, or -1 if none does. */
static int odds_on(unsigned int k)
{
	if (k == LFCE_BET_PASS)
		return LFCE_BET_PASS_ODDS;
	if (k == LFCE_BET_DONT_PASS)
		return LFCE_BET_DONT_PASS_ODDS;
	if (lfce_craps_in_family(k, LFCE_BET_COME_4))
		return k - LFCE_BET_COME_4 + LFCE_BET_COME_ODDS_4;
	if (lfce_craps_in_family(k, LFCE_BET_DONT_COME_4))
		return k - LFCE_BET_DONT_COME_4 + LFCE_BET_DONT_COME_ODDS_4;
	return -1;
}

/* May kind @k be put up now? -EINVAL: never; -EPROTO: not in this phase. */
static int placeable(const struct lfce_table *t, const struct lfce_seat *s,
		     unsigned int k)
{
	bool point = t->phase == LFCE_PHASE_POINT;
	int base = odds_base(k);

	if (lfce_craps_in_family(k, LFCE_BET_COME_4) ||
	    lfce_craps_in_family(k, LFCE_BET_DONT_COME_4))
		return -EINVAL;
	if (k == LFCE_BET_PASS || k == LFCE_BET_DONT_PASS)
		return point ? -EPROTO : 0;
	if (k == LFCE_BET_COME || k == LFCE_BET_DONT_COME)
		return point ? 0 : -EPROTO;
	if (k == LFCE_BET_PASS_ODDS || k == LFCE_BET_DONT_PASS_ODDS)
		return point && s->bets[base] ? 0 : -EPROTO;
	if (base >= 0)
		return s->bets[base] ? 0 : -EPROTO;
	return 0;
}

/* Bets go up in the betting stage of a table that is not suspended. */
static int betting_open(struct apply *a)
{
	if (a->t->stage != LFCE_STAGE_BETTING || a->t->flags & LFCE_TABLE_SUSPENDED)
		return -EPROTO;
	return 0;
}

static int op_bet(struct apply *a)
{
	unsigned int k = a->op->u.bet.kind;
	u64 v = a->op->u.bet.amount, sum;
	const struct lfce_seat *s;
	struct lfce_seat *w;
	int base, ret;

	if (k >= LFCE_BET_NR || a->op->u.bet.reserved || lfce_rules_check_amount(v))
		return -EINVAL;
	s = lfce_txn_seat(a->txn, a->op->seat);
	ret = placeable(a->t, s, k) ?: betting_open(a);
	if (ret)
		return ret;
	sum = s->bets[k] + v;
	if (sum < a->t->config.min_bet || sum > a->t->config.max_bet)
		return -EINVAL;
	if (lfce_craps_whole_units(a->t, k, sum))
		return -EINVAL;
	base = odds_base(k);
	if (base >= 0 && sum > s->bets[base] * a->t->config.odds_max)
		return -EINVAL;
	if (s->balance < v)
		return -ENOSPC;
	w = lfce_txn_seat_mut(a->txn, a->op->seat);
	w->balance -= v;
	w->bets[k] = sum;
	return 0;
}

static int op_unbet(struct apply *a)
{
	unsigned int k = a->op->u.bet.kind;
	u64 v = a->op->u.bet.amount, left;
	const struct lfce_seat *s;
	struct lfce_seat *w;
	int odds;

	if (k >= LFCE_BET_NR || a->op->u.bet.reserved || lfce_rules_check_amount(v))
		return -EINVAL;
	if (a->t->stage != LFCE_STAGE_BETTING || !removable(a->t, k))
		return -EPROTO;
	s = lfce_txn_seat(a->txn, a->op->seat);
	if (v > s->bets[k])
		return -EINVAL;
	left = s->bets[k] - v;
	if ((left && left < a->t->config.min_bet) || lfce_craps_whole_units(a->t, k, left))
		return -EINVAL;
	/* The odds behind a bet stay within the cap of what is left of it. */
	odds = odds_on(k);
	if (odds >= 0 && s->bets[odds] > left * a->t->config.odds_max)
		return -EINVAL;
	w = lfce_txn_seat_mut(a->txn, a->op->seat);
	w->bets[k] = left;
	w->balance += v;
	return 0;
}

/*
 * The game closes in the state machine, so that no commit can slip in
 * between the check that it holds no tokens and the close: both are this
 * one operation, and everything after it is refused.
 */
static int op_shutdown(struct apply *a)
{
	if (a->t->total)
		return -EBUSY;
	a->t->flags |= LFCE_TABLE_CLOSED;
	a->t->deadline_ns = 0;
	return 0;
}

/* What only a quorum may do is not an operation of its own. */
static int op_needs_quorum(struct apply *a)
{
	return -EPERM;
}

/*
 * The seat's bets come back and its balance leaves: the owner's cash-out of
 * a seat, of bets that may come down (as for LEAVE), or of a bank that no
 * bet depends on; the kernel's forced close (nonce 0) settles everything.
 */
static int op_settle(struct apply *a)
{
	unsigned int seat = a->op->seat, k;
	bool owner = a->op->nonce;	/* not the kernel's forced close */
	struct lfce_seat *s;
	int ret;

	if (seat == LFCE_SEAT_BANK) {	/* however much: no single-amount cap */
		ret = owner ? bank_may_shrink(a) : 0;
		if (ret)
			return ret;
		a->t->total -= a->t->bank;
		a->t->bank = 0;
		return 0;
	}
	if (!(lfce_txn_seat(a->txn, seat)->flags & LFCE_SEAT_BOUND))
		return -ENOENT;
	ret = owner ? bets_may_come_down(a, seat) : 0;
	if (ret)
		return ret;
	s = lfce_txn_seat_mut(a->txn, seat);
	for (k = 0; k < LFCE_BET_NR; k++) {
		s->balance += s->bets[k];
		s->bets[k] = 0;
	}
	a->t->total -= s->balance;
	s->balance = 0;
	return 0;
}

/*
 * Per operation type: its handler, whether a player submits it (then the
 * seat must be active and the nonce fresh), and whether it may name the bank
 * as its seat.
 */
struct op_rule {
	int (*apply)(struct apply *a);
	bool player;
	bool bank;
};

static const struct op_rule op_rules[LFCE_OP_NR] = {
	[LFCE_OP_JOIN]		= { op_join, false, false },
	[LFCE_OP_LEAVE]		= { op_leave, true, false },
	[LFCE_OP_DEPOSIT]	= { op_deposit, false, true },
	[LFCE_OP_WITHDRAW]	= { op_withdraw, false, true },
	[LFCE_OP_BET]		= { op_bet, true, false },
	[LFCE_OP_UNBET]		= { op_unbet, true, false },
	[LFCE_OP_CLOSE]		= { lfce_round_close, true, false },
	[LFCE_OP_COMMIT]	= { lfce_round_commit, true, false },
	[LFCE_OP_REVEAL]	= { lfce_round_reveal, true, false },
	[LFCE_OP_EXPIRE]	= { lfce_round_expire, false, true },
	[LFCE_OP_ROLL]		= { lfce_round_host_roll, false, true },
	[LFCE_OP_BAN]		= { op_needs_quorum, false, false },
	[LFCE_OP_TRANSFER]	= { op_needs_quorum, false, false },
	[LFCE_OP_SETTLE]	= { op_settle, false, true },
	[LFCE_OP_PROPOSE]	= { lfce_proposal_propose, true, false },
	[LFCE_OP_VOTE]		= { lfce_proposal_vote, true, false },
	[LFCE_OP_LAPSE]		= { lfce_proposal_lapse, false, true },
	[LFCE_OP_CONFIG]	= { op_needs_quorum, false, false },
	[LFCE_OP_SHUTDOWN]	= { op_shutdown, false, true },
};

/*
 * The owner's operations carry a nonce of their own, table.owner_nonce, so
 * that a resubmitted one is applied once. Nonce 0 is the kernel's (a forced
 * close settles with it); the device refuses it from userspace.
 */
static bool owner_op(const struct lfce_op *op)
{
	return op->type == LFCE_OP_DEPOSIT || op->type == LFCE_OP_WITHDRAW ||
	       op->type == LFCE_OP_SETTLE || op->type == LFCE_OP_ROLL;
}

static bool kernel_settle(const struct lfce_op *op)
{
	return op->type == LFCE_OP_SETTLE && !op->nonce;
}

/*
 * How many bytes of lfce_op.u type @type reads; the rest must be zero, so
 * that a field can be given a meaning later without an old caller's
 * garbage taking it. Each handler checks the reserved fields inside what
 * it reads. Nothing about a roll comes from the operation: EXPIRE and ROLL
 * read none of it, VOTE and LAPSE only u.vote.
 */
static int union_used(u16 type)
{
	switch (type) {
	case LFCE_OP_LEAVE:
	case LFCE_OP_CLOSE:
	case LFCE_OP_SETTLE:
	case LFCE_OP_SHUTDOWN:
	case LFCE_OP_EXPIRE:
	case LFCE_OP_ROLL:
		return 0;
	case LFCE_OP_VOTE:
	case LFCE_OP_LAPSE:
		return sizeof_field(struct lfce_op, u.vote);
	case LFCE_OP_DEPOSIT:
	case LFCE_OP_WITHDRAW:
		return sizeof_field(struct lfce_op, u.amount.value);
	case LFCE_OP_BET:
	case LFCE_OP_UNBET:
		return sizeof_field(struct lfce_op, u.bet);
	case LFCE_OP_COMMIT:
		return sizeof_field(struct lfce_op, u.commit);
	case LFCE_OP_REVEAL:
		return sizeof_field(struct lfce_op, u.reveal);
	case LFCE_OP_PROPOSE:
		return sizeof_field(struct lfce_op, u.propose);
	}
	return sizeof_field(struct lfce_op, u);
}

static bool union_clean(const struct lfce_op *op)
{
	unsigned int used = union_used(op->type);

	return !memchr_inv((const u8 *)&op->u + used, 0, sizeof(op->u) - used);
}

/* Checks that do not depend on the operation's type. */
static int check_op(struct apply *a, const struct op_rule *rule)
{
	const struct lfce_op *op = a->op;
	int ret;

	/* A seat or an owner at nonce U64_MAX could never act again. */
	if (op->flags || op->nonce == U64_MAX || !union_clean(op))
		return -EINVAL;
	if (op->seat == LFCE_SEAT_BANK ? !rule->bank : op->seat >= a->t->config.max_seats)
		return -EINVAL;
	if (op->expected_version && op->expected_version != a->txn->old->root.t.version)
		return -ESTALE;
	if (owner_op(op) && !kernel_settle(op) && op->nonce <= a->t->owner_nonce)
		return -EALREADY;
	if (!rule->player)
		return 0;
	ret = lfce_rules_seat_active(a, op->seat);
	if (ret)
		return ret;
	if (op->nonce <= lfce_txn_seat(a->txn, op->seat)->nonce)
		return -EALREADY;
	return 0;
}

static s64 seat_balance(struct apply *a, u32 seat)
{
	if (seat >= a->t->config.max_seats)
		return 0;
	return lfce_txn_seat(a->txn, seat)->balance;
}

/* Fill in the record and extend the digest chain. */
static void emit(struct apply *a, s64 bank0)
{
	struct lfce_record *rec = a->rec;

	rec->kind = LFCE_REC_OP;
	rec->version = a->t->version;
	rec->time_ns = a->t->time_ns;
	rec->realtime_ns = a->txn->realtime_ns;
	rec->number = a->t->records++;
	rec->seat_delta = seat_balance(a, rec->op.seat) - a->balance0;
	rec->bank_delta = (s64)a->t->bank - bank0;
	rec->digest = lfce_rules_record_digest(rec, a->t->digest);
	a->t->digest = rec->digest;
	a->txn->nr_rec++;
}

/*
 * Run @op through its handler and emit its record. @a is set up by the
 * caller; a->now is already the commit's (monotonic) time.
 */
static int apply_one(struct apply *a, const struct op_rule *rule)
{
	struct lfce_txn *txn = a->txn;
	s64 bank0;
	int ret;

	if (txn->nr_rec >= txn->max_rec)
		return -EMSGSIZE;
	a->rec = &txn->rec[txn->nr_rec];
	memset(a->rec, 0, sizeof(*a->rec));
	a->rec->op = *a->op;
	a->t->time_ns = a->now;
	a->balance0 = seat_balance(a, a->op->seat);
	bank0 = a->t->bank;
	if (lfce_round_no_commitment(a->t)) {	/* the game's first record */
		ret = lfce_round_publish_commitment(a);
		if (ret)
			return ret;
	}
	ret = rule->apply(a);
	if (ret)
		return ret;
	if (rule->player)
		lfce_txn_seat_mut(txn, a->op->seat)->nonce = a->op->nonce;
	else if (owner_op(a->op) && !kernel_settle(a->op))
		a->t->owner_nonce = a->op->nonce;
	emit(a, bank0);
	return 0;
}

/*
 * A commit past the deadline of pending proposals lapses them first, one
 * LFCE_OP_LAPSE record each, exactly as if those operations had been
 * submitted before it. So a replay, which submits the records, sees the
 * same; and it must not sweep inside a LAPSE, or the replayed first LAPSE
 * would take the others' records.
 */
static int lapse_due(struct lfce_txn *txn, u64 now)
{
	const struct lfce_table *t = lfce_txn_table(txn);
	const struct lfce_proposal *p;
	struct lfce_op op = { .type = LFCE_OP_LAPSE, .seat = LFCE_SEAT_BANK };
	unsigned int i;
	int ret;

	if (!t->deadline_ns || now <= t->deadline_ns)
		return 0;
	for (i = 0; i < t->config.max_proposals; i++) {
		struct apply a = { .txn = txn, .t = lfce_txn_table(txn), .op = &op, .now = now };

		p = &lfce_txn_props(txn)[i];
		if (p->state != LFCE_PROP_PENDING || now <= p->deadline_ns)
			continue;
		op.u.vote.id = p->id;
		ret = apply_one(&a, &op_rules[LFCE_OP_LAPSE]);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Apply @op at time @now to the transaction. On error the transaction may
 * hold partial changes: the caller aborts it, so nothing is committed.
 * Time never runs backwards in a game: a commit stamped before the last one
 * counts as at the last one's time, so that a replay, which uses the
 * records' times, decides every deadline the same way.
 */
int lfce_rules_apply(struct lfce_txn *txn, const struct lfce_op *op, u64 now)
{
	struct apply a = { .txn = txn, .t = lfce_txn_table(txn), .op = op };
	const struct op_rule *rule;
	int ret;

	if (op->type >= LFCE_OP_NR || !op_rules[op->type].apply)
		return -EINVAL;
	if (txn->rolled)		/* a roll is the last of its batch */
		return -EPROTO;
	if (txn->nr_rec >= txn->max_rec)
		return -EMSGSIZE;
	if (a.t->flags & LFCE_TABLE_CLOSED)
		return -ENODEV;
	rule = &op_rules[op->type];
	a.now = max(a.t->time_ns, now);
	ret = check_op(&a, rule);
	if (ret)
		return ret;
	if (op->type != LFCE_OP_LAPSE) {
		ret = lapse_due(txn, a.now);
		if (ret)
			return ret;
	}
	return apply_one(&a, rule);
}

/*
 * What is due at @now in snapshot @s: a LAPSE for each pending proposal past
 * its deadline and an EXPIRE for a round past its own, at most @max of them
 * into @ops. The module's sweep commits them as they are: an EXPIRE's roll
 * takes its seed inside the commit, like any other. Returns how many.
 */
unsigned int lfce_rules_due(const struct lfce_snapshot *s, u64 now,
			    struct lfce_op *ops, unsigned int max)
{
	const struct lfce_table *t = &s->table;
	unsigned int i, n = 0;

	if (!t->deadline_ns || now <= t->deadline_ns)
		return 0;
	for (i = 0; i < LFCE_MAX_PROPOSALS && n < max; i++) {
		if (s->proposal[i].state != LFCE_PROP_PENDING || now <= s->proposal[i].deadline_ns)
			continue;
		ops[n] = (struct lfce_op){ .type = LFCE_OP_LAPSE, .seat = LFCE_SEAT_BANK };
		ops[n++].u.vote.id = s->proposal[i].id;
	}
	if (t->stage != LFCE_STAGE_BETTING && now > s->round.deadline_ns && n < max)
		ops[n++] = (struct lfce_op){ .type = LFCE_OP_EXPIRE, .seat = LFCE_SEAT_BANK };
	return n;
}
