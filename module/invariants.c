// SPDX-License-Identifier: GPL-2.0-only
/*
 * invariants: lfce_rules_check_snapshot(), what every snapshot the rules
 * build keeps true.
 */
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/string.h>

#include "rules.h"
#include "rules_internal.h"

/*
 * Snapshot validation: everything the rules keep true of a snapshot they
 * built, so that one that did not come from them (a checkpoint, a restore)
 * is refused before any rule trusts it. The fuzzer checks it after every
 * commit, which makes it a statement of the invariants as much as a guard.
 */
static bool zeroes(const void *p, size_t size)
{
	return !memchr_inv(p, 0, size);
}

static bool check_table(const struct lfce_table *t)
{
	bool point = t->phase == LFCE_PHASE_POINT;

	if (lfce_rules_check_config(&t->config) || t->flags & ~__LFCE_TABLE_ALL)
		return false;
	if (t->phase > LFCE_PHASE_POINT || point != lfce_craps_is_point(t->point) || (!point && t->point))
		return false;
	if (t->stage > LFCE_STAGE_REVEAL || t->shooter >= t->config.max_seats)
		return false;
	if (t->dice[0] > 6 || t->dice[1] > 6 || !t->dice[0] != !t->dice[1] || t->reserved[0] ||
	    t->reserved[1])
		return false;
	/* The first record publishes a commitment; every roll the next. */
	if (t->records && lfce_round_no_commitment(t))
		return false;
	return t->records >= t->version && t->total <= LFCE_TOTAL_MAX;
}

/*
 * Token conservation: the balances, the bets and the bank sum to
 * table.total, with no overflow on the way (a wrapped sum does not pass).
 * The one statement of the rule in the module; liblfce's
 * lfce_tokens_conserved() states it for userspace.
 */
bool lfce_rules_conserved(const struct lfce_snapshot *s)
{
	u64 sum = s->table.bank;
	unsigned int i, k;

	for (i = 0; i < LFCE_MAX_SEATS; i++) {
		if (check_add_overflow(sum, s->seat[i].balance, &sum))
			return false;
		for (k = 0; k < LFCE_BET_NR; k++)
			if (check_add_overflow(sum, s->seat[i].bets[k], &sum))
				return false;
	}
	return sum == s->table.total;
}

/* Seats past max_seats or unbound are empty; bets are in whole units. */
static bool check_seats(const struct lfce_snapshot *s)
{
	const struct lfce_table *t = &s->table;
	unsigned int i, k;

	for (i = 0; i < LFCE_MAX_SEATS; i++) {
		const struct lfce_seat *st = &s->seat[i];

		/* A seat left keeps its last nonce: a new join must exceed it. */
		if (i >= t->config.max_seats || !(st->flags & LFCE_SEAT_BOUND)) {
			if (!zeroes(st, offsetof(struct lfce_seat, nonce)) ||
			    !zeroes(st->bets, sizeof(st->bets)) || (i >= t->config.max_seats && st->nonce))
				return false;
			continue;
		}
		if (st->flags & ~__LFCE_SEAT_ALL)
			return false;
		/* Whole units on every bet: what makes payout() exact. */
		for (k = 0; k < LFCE_BET_NR; k++)
			if (st->bets[k] % lfce_craps_bet_unit(k, t->point))
				return false;
	}
	return lfce_rules_conserved(s);
}

static bool check_round(const struct lfce_table *t, const struct lfce_round *r)
{
	u32 seats = BIT(t->config.max_seats) - 1;

	if ((r->participants | r->committed | r->revealed) & ~seats || r->reserved)
		return false;
	if (r->committed & ~r->participants || r->revealed & ~r->committed)
		return false;
	if (t->stage == LFCE_STAGE_COMMIT)
		return !r->revealed && r->committed != r->participants &&
		       r->participants & BIT(t->shooter);
	if (t->stage == LFCE_STAGE_REVEAL)
		return r->committed == r->participants && r->revealed != r->participants;
	return true;
}

/*
 * A passed action names no seat whose player left while it was pending,
 * and a passed TRANSFER had the consent of the seat it took from: the
 * quorum decided neither about a newcomer nor for the payer.
 */
static bool check_passed(const struct lfce_proposal *p)
{
	u32 named;

	if (p->action != LFCE_OP_TRANSFER && p->action != LFCE_OP_BAN)
		return true;
	if (p->seat >= LFCE_MAX_SEATS || p->to >= LFCE_MAX_SEATS)
		return false;
	named = BIT(p->seat) | (p->action == LFCE_OP_TRANSFER ? BIT(p->to) : 0);
	if (p->gone & named)
		return false;
	return !lfce_proposal_consent(p);
}

/* A tally that agrees with the proposal's state and its frozen quorum. */
static bool check_tally(const struct lfce_proposal *p)
{
	unsigned int n = hweight32(p->electorate), yes = hweight32(p->votes_for);
	unsigned int no = hweight32(p->votes_against);

	if (!n || p->quorum != lfce_rules_quorum(n) || p->votes_for & p->votes_against)
		return false;
	if ((p->votes_for | p->votes_against | p->gone) & ~p->electorate)
		return false;
	switch (p->state) {
	case LFCE_PROP_PENDING:
	case LFCE_PROP_EXPIRED:
		return yes < p->quorum && no <= n - p->quorum && !p->error;
	case LFCE_PROP_PASSED:
		return yes == p->quorum && no <= n - p->quorum && !p->error && check_passed(p);
	case LFCE_PROP_FAILED:
		return yes == p->quorum && no <= n - p->quorum && p->error;
	case LFCE_PROP_REJECTED:
		return yes < p->quorum && no == n - p->quorum + 1 && !p->error;
	}
	return false;
}

static bool check_proposals(const struct lfce_snapshot *s, u64 *deadline)
{
	const struct lfce_table *t = &s->table;
	u32 seats = BIT(t->config.max_seats) - 1;
	unsigned int i, j;

	for (i = 0; i < LFCE_MAX_PROPOSALS; i++) {
		const struct lfce_proposal *p = &s->proposal[i];

		if (i >= t->config.max_proposals || p->state == LFCE_PROP_FREE) {
			if (!zeroes(p, sizeof(*p)))
				return false;
			continue;
		}
		if (p->state >= LFCE_PROP_NR || p->action >= LFCE_OP_NR ||
		    !lfce_proposal_actions[p->action].check || p->reserved)
			return false;
		if (!p->id || p->id > t->proposals || p->electorate & ~seats ||
		    p->proposer >= t->config.max_seats || !check_tally(p))
			return false;
		for (j = 0; j < i; j++)
			if (s->proposal[j].id == p->id)
				return false;
		if (p->state == LFCE_PROP_PENDING)
			*deadline = min(*deadline, p->deadline_ns);
	}
	return true;
}

/*
 * Is @s a snapshot the rules could have made? Config, table, seats and
 * their conservation, the round against the stage, every proposal's tally
 * and what a passed one did, and the earliest deadline. Returns 0 or
 * -EINVAL.
 */
int lfce_rules_check_snapshot(const struct lfce_snapshot *s)
{
	const struct lfce_table *t = &s->table;
	u64 deadline = U64_MAX;

	if (!check_table(t) || !check_seats(s) || !check_round(t, &s->round))
		return -EINVAL;
	if (!check_proposals(s, &deadline))
		return -EINVAL;
	if (t->stage != LFCE_STAGE_BETTING)
		deadline = min(deadline, s->round.deadline_ns);
	if (t->flags & LFCE_TABLE_CLOSED)
		deadline = U64_MAX;
	return t->deadline_ns == (deadline == U64_MAX ? 0 : deadline) ? 0 : -EINVAL;
}
