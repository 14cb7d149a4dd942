// SPDX-License-Identifier: GPL-2.0-only
/*
 * proposal: what only a quorum of the seats may do. Proposals, their
 * quorum, votes and lapses, and the actions with their re-validation.
 */
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/overflow.h>

#include "rules.h"
#include "rules_internal.h"
#include "seed.h"

/*
 * A proposal is about the players in its seats when it opened. Once one
 * has left, the seat may hold someone else, whom nobody voted about.
 */
static int still_there(const struct lfce_proposal *p, u32 seats)
{
	return p->gone & seats ? -ENOENT : 0;
}

static int transfer_check(struct apply *a, const struct lfce_proposal *p)
{
	int ret;

	if (lfce_rules_check_amount(p->value) || p->seat == p->to || p->param)
		return -EINVAL;
	ret = lfce_rules_seat_active(a, p->seat) ?: lfce_rules_seat_active(a, p->to) ?:
	      still_there(p, BIT(p->seat) | BIT(p->to));
	if (ret)
		return ret;
	return lfce_txn_seat(a->txn, p->seat)->balance < p->value ? -ENOSPC : 0;
}

static int transfer_apply(struct apply *a, const struct lfce_proposal *p)
{
	lfce_txn_seat_mut(a->txn, p->seat)->balance -= p->value;
	lfce_txn_seat_mut(a->txn, p->to)->balance += p->value;
	return 0;
}

/* A ban returns the seat's bets, so it waits for the betting stage. */
static int ban_check(struct apply *a, const struct lfce_proposal *p)
{
	int ret;

	if (p->to || p->param || p->value)
		return -EINVAL;
	ret = lfce_rules_seat_active(a, p->seat);
	if (ret)
		return ret == -EPERM ? -EALREADY : ret;
	ret = still_there(p, BIT(p->seat));
	if (ret)
		return ret;
	return a->t->stage == LFCE_STAGE_BETTING ? 0 : -EPROTO;
}

static int ban_apply(struct apply *a, const struct lfce_proposal *p)
{
	struct lfce_seat *s = lfce_txn_seat_mut(a->txn, p->seat);
	unsigned int k;

	for (k = 0; k < LFCE_BET_NR; k++) {
		s->balance += s->bets[k];
		s->bets[k] = 0;
	}
	s->flags |= LFCE_SEAT_BANNED;
	lfce_rules_mark_gone(a, p->seat);
	if (a->t->shooter == p->seat)
		a->t->shooter = lfce_craps_next_shooter(a->txn, p->seat);
	return 0;
}

static int roll_check(struct apply *a, const struct lfce_proposal *p)
{
	if (p->seat || p->to || p->param || p->value)
		return -EINVAL;
	if (a->t->config.dice_mode != LFCE_DICE_AGREEMENT || a->t->stage != LFCE_STAGE_BETTING)
		return -EPROTO;
	return 0;
}

/*
 * An agreed roll: the dice come from the proposal's id and the kernel's
 * seed, which no voter knows, so the deciding vote cannot tell what it
 * decides, and casting it again cannot change it.
 */
static int roll_apply(struct apply *a, const struct lfce_proposal *p)
{
	u8 buf[8 + LFCE_SEED_SIZE];

	lfce_round_put_le64(buf, p->id);
	return lfce_round_roll(a, buf, 8);
}

/* @cfg with parameter @param set to @value, or -EINVAL. */
static int config_set(struct lfce_config *cfg, u32 param, u64 value)
{
	u64 *wide = NULL;
	u32 *narrow = NULL;

	switch (param) {
	case LFCE_PARAM_MIN_BET:
		wide = &cfg->min_bet;
		break;
	case LFCE_PARAM_MAX_BET:
		wide = &cfg->max_bet;
		break;
	case LFCE_PARAM_ODDS_MAX:
		narrow = &cfg->odds_max;
		break;
	case LFCE_PARAM_FIELD12_PAYS:
		narrow = &cfg->field12_pays;
		break;
	case LFCE_PARAM_DICE_MODE:
		narrow = &cfg->dice_mode;
		break;
	case LFCE_PARAM_REVEAL_TIMEOUT:
		wide = &cfg->reveal_timeout_ns;
		break;
	case LFCE_PARAM_PROPOSAL_TIMEOUT:
		wide = &cfg->proposal_timeout_ns;
		break;
	default:
		return -EINVAL;
	}
	if (!wide && value > U32_MAX)
		return -EINVAL;
	if (wide)
		*wide = value;
	else
		*narrow = value;
	return lfce_rules_check_config(cfg);
}

static int config_check(struct apply *a, const struct lfce_proposal *p)
{
	struct lfce_config cfg = a->t->config;
	int ret;

	if (p->seat || p->to)
		return -EINVAL;
	ret = config_set(&cfg, p->param, p->value);
	if (ret)
		return ret;
	/* Only what the owner allowed: param < LFCE_PARAM_NR after config_set(). */
	if (!(a->t->config.governable & BIT(p->param)))
		return -EPERM;
	if (p->param == LFCE_PARAM_DICE_MODE && a->t->stage != LFCE_STAGE_BETTING)
		return -EPROTO;
	return 0;
}

static int config_apply(struct apply *a, const struct lfce_proposal *p)
{
	config_set(&a->t->config, p->param, p->value);
	return 0;
}

const struct action lfce_proposal_actions[LFCE_OP_NR] = {
	[LFCE_OP_TRANSFER]	= { transfer_check, transfer_apply },
	[LFCE_OP_BAN]		= { ban_check, ban_apply },
	[LFCE_OP_ROLL]		= { roll_check, roll_apply },
	[LFCE_OP_CONFIG]	= { config_check, config_apply },
};

/* q = ceil(2n / 3): with fewer than n / 3 colluders, they cannot pass alone. */
unsigned int lfce_rules_quorum(unsigned int n)
{
	return (2 * n + 2) / 3;
}

/* Active seats: bound and not banned. */
static u32 active_seats(struct apply *a)
{
	unsigned int i;
	u32 mask = 0;

	for (i = 0; i < a->t->config.max_seats; i++)
		if (!lfce_rules_seat_active(a, i))
			mask |= BIT(i);
	return mask;
}

/* A slot for a new proposal: a free one, else the oldest decided one. */
static int free_slot(struct apply *a)
{
	const struct lfce_proposal *p = lfce_txn_props(a->txn);
	unsigned int i;
	int best = -EBUSY;

	for (i = 0; i < a->t->config.max_proposals; i++) {
		if (p[i].state == LFCE_PROP_FREE)
			return i;
		if (p[i].state != LFCE_PROP_PENDING && (best < 0 || p[i].id < p[best].id))
			best = i;
	}
	return best;
}

int lfce_proposal_propose(struct apply *a)
{
	const typeof(a->op->u.propose) *u = &a->op->u.propose;
	struct lfce_proposal p = {
		.action = u->action, .seat = u->seat, .to = u->to, .param = u->param,
		.value = u->value, .proposer = a->op->seat, .state = LFCE_PROP_PENDING,
	};
	int slot, ret;

	if (u->action >= LFCE_OP_NR || !lfce_proposal_actions[u->action].check || u->reserved)
		return -EINVAL;
	ret = lfce_proposal_actions[u->action].check(a, &p);
	if (ret)
		return ret;
	slot = free_slot(a);
	if (slot < 0)
		return slot;
	p.id = ++a->t->proposals;
	if (check_add_overflow(a->now, a->t->config.proposal_timeout_ns, &p.deadline_ns))
		p.deadline_ns = U64_MAX;
	p.electorate = active_seats(a);
	p.quorum = lfce_rules_quorum(hweight32(p.electorate));
	lfce_txn_props_mut(a->txn)[slot] = p;
	a->rec->op.u.propose.id = p.id;
	a->rec->outcome = p.state;
	lfce_rules_update_deadline(a);
	return 0;
}

/* The table index of proposal @id, or -ENOENT. */
static int find_proposal(struct apply *a, u64 id)
{
	const struct lfce_proposal *p = lfce_txn_props(a->txn);
	unsigned int i;

	for (i = 0; id && i < a->t->config.max_proposals; i++)
		if (p[i].id == id)
			return i;
	return -ENOENT;
}

/*
 * A quorum never takes value from a seat: a TRANSFER needs the consent of
 * the seat it takes from, as its proposer or by its vote for it. Without
 * it the quorum decides nothing but its failure.
 */
int lfce_proposal_consent(const struct lfce_proposal *p)
{
	if (p->action != LFCE_OP_TRANSFER)
		return 0;
	return p->proposer == p->seat || (p->votes_for & BIT(p->seat)) ? 0 : -EPERM;
}

/*
 * Quorum: re-validate against this very state, then apply or fail. Only an
 * apply() that fails (see struct action) returns an error.
 */
static int decide(struct apply *a, struct lfce_proposal *p)
{
	const struct action *act = &lfce_proposal_actions[p->action];
	int ret = act->check(a, p) ?: lfce_proposal_consent(p);

	if (ret) {
		p->state = LFCE_PROP_FAILED;
		p->error = -ret;
		return 0;
	}
	p->state = LFCE_PROP_PASSED;
	return act->apply(a, p);
}

int lfce_proposal_vote(struct apply *a)
{
	const typeof(a->op->u.vote) *u = &a->op->u.vote;
	u32 bit = BIT(a->op->seat), n;
	const struct lfce_proposal *old;
	struct lfce_proposal *p;
	int i, ret = 0;

	if ((u->choice != LFCE_VOTE_FOR && u->choice != LFCE_VOTE_AGAINST) || u->reserved)
		return -EINVAL;
	i = find_proposal(a, u->id);
	if (i < 0)
		return i;
	old = &lfce_txn_props(a->txn)[i];
	if (old->state == LFCE_PROP_EXPIRED ||
	    (old->state == LFCE_PROP_PENDING && a->now > old->deadline_ns))
		return -ETIME;
	if (old->state != LFCE_PROP_PENDING)
		return -EPROTO;
	if (!(old->electorate & bit) || (old->gone & bit))
		return -EPERM;
	if ((old->votes_for | old->votes_against) & bit)
		return -EALREADY;
	p = &lfce_txn_props_mut(a->txn)[i];
	n = hweight32(p->electorate);
	if (u->choice == LFCE_VOTE_FOR) {
		p->votes_for |= bit;
		if (hweight32(p->votes_for) >= p->quorum)
			ret = decide(a, p);
	} else {
		p->votes_against |= bit;
		if (hweight32(p->votes_against) > n - p->quorum)
			p->state = LFCE_PROP_REJECTED;
	}
	a->rec->outcome = p->state;
	lfce_rules_update_deadline(a);
	return ret;
}

/* Past its deadline a pending proposal lapses; anyone may say so. */
int lfce_proposal_lapse(struct apply *a)
{
	const typeof(a->op->u.vote) *u = &a->op->u.vote;
	const struct lfce_proposal *old;
	struct lfce_proposal *p;
	int i;

	if (u->choice || u->reserved)
		return -EINVAL;
	i = find_proposal(a, u->id);
	if (i < 0)
		return i;
	old = &lfce_txn_props(a->txn)[i];
	if (old->state != LFCE_PROP_PENDING || a->now <= old->deadline_ns)
		return -EPROTO;
	p = &lfce_txn_props_mut(a->txn)[i];
	p->state = LFCE_PROP_EXPIRED;
	a->rec->outcome = p->state;
	lfce_rules_update_deadline(a);
	return 0;
}
