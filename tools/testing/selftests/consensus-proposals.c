// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: three honest seats and a Byzantine one (n = 4, q = 3) vote
 * from four processes at once; valid proposals pass exactly once.
 *
 * The Byzantine seat's invalid proposals are refused with nothing changed,
 * its harmful ones are rejected; a quorum shortens the proposal timeout; a
 * proposal nobody votes on is lapsed by the sweep, and another by a commit
 * right past its deadline (or by the sweep first). An independent tally over
 * the journal agrees with every record, the journal replays to the kernel's
 * snapshots byte for byte, and every snapshot anyone reads along the way
 * conserves tokens and keeps the quorum rules.
 */
#include <string.h>

#include "agents.h"

#define BYZANTINE	3		/* votes against everything */

/* The script: the parent sets the step, each agent does its part. */
enum {
	PH_NONE,
	PH_INVALID,		/* the Byzantine seat's invalid proposals */
	PH_VOTE,		/* proposals and votes from every process at once */
	PH_TIMEOUT,		/* a quorum shortens the proposal timeout */
	PH_LAPSE,		/* a proposal nobody votes on: the sweep lapses it */
	PH_LAZY,		/* another one, for a commit to lapse on its way */
	PH_EXIT,
};

#define BYZ_TRIES	6

/* The parent's script, shared with the agents. */
struct script {
	int phase;			/* the step the parent asks for */
	int done[SEATS];		/* the last step each agent did */
	uint64_t base;			/* proposals opened before the step */
	int byz_err[BYZ_TRIES];		/* what the invalid proposals got */
};

static struct script *sc;

static int propose(struct agent *a, uint16_t action, uint32_t from, uint32_t to,
		   uint32_t param, uint64_t value)
{
	struct lfce_op op = { .type = LFCE_OP_PROPOSE };

	op.u.propose.action = action;
	op.u.propose.seat = from;
	op.u.propose.to = to;
	op.u.propose.param = param;
	op.u.propose.value = value;
	return agent_submit(a, &op, 1);
}

static int vote(struct agent *a, uint64_t id, uint32_t choice)
{
	struct lfce_op op = { .type = LFCE_OP_VOTE };

	op.u.vote.id = id;
	op.u.vote.choice = choice;
	return agent_submit(a, &op, 1);
}

/*
 * The honest seats judge by content: a transfer of the proposer's own
 * money and a valid config change are fine, taking another seat's money or
 * banning someone is not. The Byzantine seat backs only its own.
 */
static uint32_t choice_of(const struct agent *a, const struct lfce_proposal *p)
{
	if (a->seat == BYZANTINE)
		return p->proposer == BYZANTINE ? LFCE_VOTE_FOR : LFCE_VOTE_AGAINST;
	if (p->action == LFCE_OP_TRANSFER)
		return p->seat == p->proposer ? LFCE_VOTE_FOR : LFCE_VOTE_AGAINST;
	return p->action == LFCE_OP_CONFIG ? LFCE_VOTE_FOR : LFCE_VOTE_AGAINST;
}

/* Vote on proposals (first, last] until every one of them is decided. */
static int vote_until_decided(struct agent *a, uint64_t first, uint64_t last)
{
	const struct lfce_proposal *p;
	uint64_t cap = cap_ns(), voted = 0;
	unsigned int i, decided;
	int ret;

	while (!past(cap)) {
		if (agent_read(a))
			return AGENT_REFUSED;
		for (i = decided = 0; i < LFCE_MAX_PROPOSALS; i++) {
			p = &a->s.proposal[i];
			if (p->id <= first || p->id > last)
				continue;
			if (p->state != LFCE_PROP_PENDING) {
				decided++;
				continue;
			}
			if (voted & (1ULL << (p->id - first)))
				continue;
			voted |= 1ULL << (p->id - first);
			ret = vote(a, p->id, choice_of(a, p));
			/* EPROTO: decided by another vote since our copy. */
			if (ret && ret != -EPROTO)
				return agent_fail(a, "vote", ret);
		}
		if (decided == last - first)
			return AGENT_OK;
		agent_wait(a);
	}
	return AGENT_CAP;
}

/* Each must be refused with its errno, and change nothing. */
static void byzantine_invalid(struct agent *a)
{
	struct lfce_op op = { .type = LFCE_OP_TRANSFER };
	uint64_t over = a->s.seat[a->seat].balance + 1;

	sc->byz_err[0] = propose(a, LFCE_OP_TRANSFER, a->seat, 0, 0, over);
	sc->byz_err[1] = propose(a, LFCE_OP_BAN, 5, 0, 0, 0);
	sc->byz_err[2] = propose(a, LFCE_OP_CONFIG, 0, 0, LFCE_PARAM_FIELD12_PAYS, 5);
	sc->byz_err[3] = propose(a, LFCE_OP_CONFIG, 0, 0, LFCE_PARAM_ODDS_MAX, 0);
	op.u.amount.value = 100;
	op.u.amount.to = a->seat;
	sc->byz_err[4] = agent_submit(a, &op, 1);
	sc->byz_err[5] = vote(a, 1000, LFCE_VOTE_FOR);
}

/* PH_VOTE: everyone proposes, then everyone votes, all at once. */
static int proposals_and_votes(struct agent *a, uint64_t base)
{
	int ret;

	switch (a->seat) {
	case 0:
		ret = propose(a, LFCE_OP_TRANSFER, 0, 1, 0, 10);
		break;
	case 1:
		ret = propose(a, LFCE_OP_TRANSFER, 1, 2, 0, 10);
		break;
	case 2:
		ret = propose(a, LFCE_OP_CONFIG, 0, 0, LFCE_PARAM_MAX_BET, 500);
		break;
	default:	/* the honest seats' money, to the Byzantine seat */
		ret = propose(a, LFCE_OP_TRANSFER, 0, BYZANTINE, 0, 100);
		if (!ret)
			ret = propose(a, LFCE_OP_TRANSFER, 1, BYZANTINE, 0, 100);
		break;
	}
	if (ret)
		return agent_fail(a, "propose", ret);
	return vote_until_decided(a, base, base + 5);
}

static int proposal_step(struct agent *a, int phase, uint64_t base)
{
	int ret = AGENT_OK;

	if (agent_read(a))
		return AGENT_REFUSED;
	switch (phase) {
	case PH_INVALID:
		if (a->seat == BYZANTINE)
			byzantine_invalid(a);
		break;
	case PH_VOTE:
		return proposals_and_votes(a, base);
	case PH_TIMEOUT:
		if (a->seat == 0)
			ret = propose(a, LFCE_OP_CONFIG, 0, 0, LFCE_PARAM_PROPOSAL_TIMEOUT, NSEC);
		return ret ? agent_fail(a, "propose", ret) : vote_until_decided(a, base, base + 1);
	case PH_LAPSE:
		if (a->seat == 1)
			ret = propose(a, LFCE_OP_TRANSFER, 1, 0, 0, 7);
		break;
	case PH_LAZY:
		if (a->seat == 2)
			ret = propose(a, LFCE_OP_TRANSFER, 2, 0, 0, 8);
		break;
	}
	return ret ? agent_fail(a, "propose", ret) : AGENT_OK;
}

/* Follow the parent's script, one step at a time. */
static int play_proposals(struct agent *a)
{
	uint64_t cap = cap_ns();
	int phase, done = PH_NONE, ret;

	while (!past(cap)) {
		phase = __atomic_load_n(&sc->phase, __ATOMIC_ACQUIRE);
		if (phase == PH_EXIT)
			return AGENT_OK;
		if (phase > done) {
			ret = proposal_step(a, phase, __atomic_load_n(&sc->base, __ATOMIC_ACQUIRE));
			if (ret)
				return ret;
			done = phase;
			__atomic_store_n(&sc->done[a->seat], done, __ATOMIC_RELEASE);
			cap = cap_ns();
		}
		agent_wait(a);
	}
	return AGENT_CAP;
}


static const struct lfce_config proposals_cfg = {
	.min_bet = 1, .max_bet = 1000, .odds_max = 3, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .flags = LFCE_CFG_DISTINCT_UIDS,
	.reveal_timeout_ns = 30 * NSEC,
	/* Seat 5 stays empty, to be the target of a ban of nobody. */
	.max_seats = 6,
	/* Votes from four processes may take a while on the debug kernel. */
	.proposal_timeout_ns = 60 * NSEC,
	/* What the script's CONFIG proposals set. */
	.governable = 1U << LFCE_PARAM_MAX_BET | 1U << LFCE_PARAM_PROPOSAL_TIMEOUT,
};

/* Ask the agents for @phase; wait (bounded) until each has done its part. */
static bool run_phase(struct game *g, int phase)
{
	uint64_t cap = cap_ns();
	unsigned int i, behind;

	/* Pairs with the agents' acquire of phase: they see base too. */
	__atomic_store_n(&sc->phase, phase, __ATOMIC_RELEASE);
	while (!past(cap)) {
		reap(g, WNOHANG);
		for (i = behind = 0; i < g->agents; i++) {
			if (__atomic_load_n(&sc->done[i], __ATOMIC_ACQUIRE) >= phase)
				continue;
			if (!g->pid[i])
				return false;	/* gone without doing its part */
			behind++;
		}
		if (!behind)
			return !game_read(g);
		game_read(g);
		usleep(2000);
	}
	return false;
}

static bool is_lapse_of(const struct lfce_record *r, uint64_t id)
{
	return r->op.type == LFCE_OP_LAPSE && r->op.u.vote.id == id;
}

static const struct lfce_proposal *find_proposal(const struct lfce_snapshot *s, uint64_t id)
{
	unsigned int i;

	for (i = 0; i < LFCE_MAX_PROPOSALS; i++)
		if (s->proposal[i].state != LFCE_PROP_FREE && s->proposal[i].id == id)
			return &s->proposal[i];
	return NULL;
}

static void phase_invalid(struct game *g)
{
	static struct lfce_snapshot before;
	static const struct {
		int err;
		const char *what;
	} want[BYZ_TRIES] = {
		{ -ENOSPC, "a transfer above its balance" },
		{ -ENOENT, "a ban of empty seat 5" },
		{ -EINVAL, "config field12_pays = 5" },
		{ -EINVAL, "config odds_max = 0" },
		{ -EPERM, "a TRANSFER submitted as an operation" },
		{ -ENOENT, "a vote on proposal 1000" },
	};
	unsigned int i;
	bool ok;

	before = g->s;
	ok = run_phase(g, PH_INVALID);
	for (i = 0; i < BYZ_TRIES; i++)
		t_ok(ok && sc->byz_err[i] == want[i].err, "proposals: Byzantine: %s -> %s (got %s)",
		     want[i].what, strerror(-want[i].err), strerror(-sc->byz_err[i]));
	t_ok(ok && !memcmp(&before, &g->s, sizeof(before)),
	     "proposals: the refused ones changed nothing: snapshot identical at version %llu",
	     ull(g->s.table.version));
}

/* Honest transfers 0 -> 1 and 1 -> 2 of 10 each, applied once. */
static bool balances_moved(const struct lfce_snapshot *from, const struct lfce_snapshot *to)
{
	static const int64_t delta[SEATS] = { -10, 0, 10, 0 };
	unsigned int i;

	for (i = 0; i < SEATS; i++)
		if (to->seat[i].balance != from->seat[i].balance + delta[i])
			return false;
	return true;
}

/* Balances and bets alike: nonces move on with every proposal and vote. */
static bool same_money(const struct lfce_snapshot *a, const struct lfce_snapshot *b)
{
	unsigned int i;

	for (i = 0; i < LFCE_MAX_SEATS; i++)
		if (a->seat[i].balance != b->seat[i].balance ||
		    memcmp(a->seat[i].bets, b->seat[i].bets, sizeof(a->seat[i].bets)))
			return false;
	return true;
}

static void phase_vote(struct game *g)
{
	bool ok;

	__atomic_store_n(&sc->base, g->s.table.proposals, __ATOMIC_RELAXED);
	g->mid = g->s;
	g->have_mid = true;
	ok = run_phase(g, PH_VOTE);
	t_ok(ok, "proposals: 5 proposals opened and voted on by 4 processes at once, all decided");
	t_ok(ok && balances_moved(&g->mid, &g->s) && g->s.table.total == g->mid.table.total &&
	     g->s.table.config.max_bet == 500,
	     "proposals: 10 moved 0 -> 1 and 1 -> 2 once, max_bet %llu, seat 3 got nothing",
	     ull(g->s.table.config.max_bet));
}

static void phase_timeout(struct game *g)
{
	bool ok;

	__atomic_store_n(&sc->base, g->s.table.proposals, __ATOMIC_RELAXED);
	ok = run_phase(g, PH_TIMEOUT);
	t_ok(ok && g->s.table.config.proposal_timeout_ns == NSEC,
	     "proposals: a quorum set the proposal timeout to %llu ns",
	     ull(g->s.table.config.proposal_timeout_ns));
}

/* The sweep commits each LAPSE on its own; a commit that lapses lazily does not. */
static bool alone_in_version(struct game *g, const struct lfce_record *r)
{
	struct lfce_record next, prev;
	uint64_t cap = cap_ns();
	int ret;

	/* The version after it must have begun: wait for the sweep's re-check or anything. */
	if (r->number && (lfce_journal_record(g->base, r->number - 1, &prev) ||
			  prev.version == r->version))
		return false;
	while ((ret = lfce_journal_record(g->base, r->number + 1, &next)) == -EAGAIN) {
		if (game_read(g) || (g->s.table.version == r->version && g->s.table.records ==
				     r->number + 1))
			return true;	/* the last record: its version is complete */
		if (past(cap))
			return false;
		usleep(2000);
	}
	return !ret && next.version != r->version;
}

/* A proposal nobody votes on, and nobody commits after: the sweep lapses it. */
static void phase_lapse(struct game *g)
{
	uint64_t id = g->s.table.proposals + 1;
	const struct lfce_proposal *p;
	struct lfce_record r;
	bool ok;

	__atomic_store_n(&sc->base, id - 1, __ATOMIC_RELAXED);
	ok = run_phase(g, PH_LAPSE) && wait_record(g, 0, is_lapse_of, id, &r);
	ok = ok && r.outcome == LFCE_PROP_EXPIRED && r.op.seat == LFCE_SEAT_BANK &&
	     alone_in_version(g, &r) && !game_read(g);
	p = ok ? find_proposal(&g->s, id) : NULL;
	t_ok(p && p->state == LFCE_PROP_EXPIRED,
	     "proposals: unvoted proposal %llu lapsed by the sweep, a LAPSE of its own", ull(id));
}

/* Sleep until just before @deadline on the module's clock, then spin past it. */
static void until_past(uint64_t deadline)
{
	uint64_t now, margin = 20000000;

	while ((now = clock_ns(CLOCK_BOOTTIME)) <= deadline)
		if (deadline - now > margin)
			usleep((deadline - now - margin) / 1000);
}

/*
 * Another one, and this time a commit right past its deadline: that commit
 * lapses it on its way, with a LAPSE record in its own version, unless the
 * sweep gets there first. Either is right; only the first tests the replay
 * of a version with more records than operations, so say which it was.
 */
static void phase_lazy(struct game *g)
{
	uint64_t id = g->s.table.proposals + 1, version = 0;
	const struct lfce_proposal *p;
	struct lfce_record r;
	bool ok;

	__atomic_store_n(&sc->base, id - 1, __ATOMIC_RELAXED);
	ok = run_phase(g, PH_LAZY) && (p = find_proposal(&g->s, id)) &&
	     p->deadline_ns < clock_ns(CLOCK_BOOTTIME) + CAP_S * NSEC;
	if (ok) {
		until_past(p->deadline_ns);
		ok = !owner_deposit(g, LFCE_SEAT_BANK, 1, &version) &&
		     wait_record(g, 0, is_lapse_of, id, &r);
	}
	t_ok(ok && r.outcome == LFCE_PROP_EXPIRED, "proposals: proposal %llu lapsed past its deadline",
	     ull(id));
	if (ok)
		t_diag("proposals: proposal %llu lapsed %s", ull(id), r.version == version ?
		       "inside the deposit's commit (lazily)" : "by the sweep, before the deposit");
}

/* A tally of one proposal, kept from the journal alone. */
struct tally {
	uint64_t id;
	uint32_t votes_for, votes_against, state;
	unsigned int outcomes[LFCE_PROP_NR];	/* deciding records, by outcome */
};

static struct tally *tally_of(struct tally *t, unsigned int nr, uint64_t id)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (t[i].id == id)
			return &t[i];
	return NULL;
}

/* What a vote should leave: the quorum rules, from the frozen electorate. */
static uint32_t tally_vote(struct tally *t, const struct lfce_proposal *p,
			   const struct lfce_record *r)
{
	unsigned int n = __builtin_popcount(p->electorate), q = lfce_rules_quorum(n);

	if (r->op.u.vote.choice == LFCE_VOTE_FOR)
		t->votes_for |= BIT(r->op.seat);
	else
		t->votes_against |= BIT(r->op.seat);
	if ((unsigned int)__builtin_popcount(t->votes_for) >= q)
		return r->outcome == LFCE_PROP_FAILED ? LFCE_PROP_FAILED : LFCE_PROP_PASSED;
	if ((unsigned int)__builtin_popcount(t->votes_against) > n - q)
		return LFCE_PROP_REJECTED;
	return LFCE_PROP_PENDING;
}

/* One record into the tallies; false if it breaks the rules. */
static bool tally_record(struct tally *t, unsigned int *nr, const struct lfce_snapshot *s,
			 const struct lfce_record *r)
{
	const struct lfce_proposal *p;
	struct tally *x;
	uint32_t want;

	if (r->op.type == LFCE_OP_PROPOSE) {
		if (*nr == LFCE_MAX_PROPOSALS || r->outcome != LFCE_PROP_PENDING)
			return false;
		t[*nr] = (struct tally){ .id = r->op.u.propose.id, .state = LFCE_PROP_PENDING };
		(*nr)++;
		return true;
	}
	if (r->op.type != LFCE_OP_VOTE && r->op.type != LFCE_OP_LAPSE)
		return true;
	x = tally_of(t, *nr, r->op.u.vote.id);
	p = find_proposal(s, r->op.u.vote.id);
	if (!x || !p || x->state != LFCE_PROP_PENDING)
		return false;	/* a vote or lapse committed on a decided proposal */
	if (r->op.type == LFCE_OP_LAPSE) {
		want = LFCE_PROP_EXPIRED;
	} else {
		if ((x->votes_for | x->votes_against) & BIT(r->op.seat))
			return false;	/* a second vote of one seat */
		want = tally_vote(x, p, r);
	}
	x->state = want;
	if (want != LFCE_PROP_PENDING)
		x->outcomes[want]++;
	return r->outcome == want;
}

/* The tallies must agree with every record and with the final snapshot. */
static void check_tallies(const struct lfce_snapshot *s, uint64_t n)
{
	struct tally t[LFCE_MAX_PROPOSALS] = {};
	const struct lfce_proposal *p;
	unsigned int nr = 0, i, honest = 0, harmful = 0, lapsed = 0, bad = 0;
	uint64_t k;

	for (k = 0; k < n; k++)
		bad += !tally_record(t, &nr, s, &journal[k]);
	t_ok(!bad && nr == LFCE_MAX_PROPOSALS,
	     "proposals: a tally of %u agrees with each PROPOSE, VOTE, LAPSE (%u do not)", nr, bad);
	for (i = 0; i < nr; i++) {
		p = find_proposal(s, t[i].id);
		bad += !p || p->state != t[i].state || p->votes_for != t[i].votes_for ||
		       p->votes_against != t[i].votes_against ||
		       p->electorate != 0xf || p->quorum != 3;
		if (t[i].state == LFCE_PROP_EXPIRED)
			lapsed += t[i].outcomes[LFCE_PROP_EXPIRED] == 1;
		else if (p && p->proposer == BYZANTINE)
			harmful += t[i].outcomes[LFCE_PROP_REJECTED] == 1 &&
				   !t[i].outcomes[LFCE_PROP_PASSED];
		else
			honest += t[i].outcomes[LFCE_PROP_PASSED] == 1 &&
				  !t[i].outcomes[LFCE_PROP_FAILED];
	}
	t_ok(!bad, "proposals: each froze n = 4, q = 3, and ends as its tally says");
	t_ok(honest == 4, "proposals: the 4 honest proposals passed exactly once each (%u did)",
	     honest);
	t_ok(harmful == 2, "proposals: Byzantine transfers to itself rejected once each: %u of 2",
	     harmful);
	t_ok(lapsed == 2, "proposals: the 2 unvoted ones lapsed exactly once each (%u did)",
	     lapsed);
}

static void section_proposals(void)
{
	static struct lfce_snapshot voted;
	static struct game g;
	unsigned int i;
	uint64_t n;
	bool ok;

	if (!game_create(&g, "proposals", &proposals_cfg, SEATS))
		return;
	for (i = 0; i < SEATS; i++)
		spawn(&g, i, play_proposals, 0, 0);
	ok = wait_funded(&g) && !game_read(&g) && seats_bound(&g);
	if (t_ok(ok, "proposals: 4 agents joined (3 honest, Byzantine seat %d) and were funded",
		 BYZANTINE)) {
		phase_invalid(&g);
		phase_vote(&g);
		voted = g.s;
		phase_timeout(&g);
		phase_lapse(&g);
		phase_lazy(&g);
	}
	__atomic_store_n(&sc->phase, PH_EXIT, __ATOMIC_RELEASE);
	wait_agents(&g);
	t_ok(!g.bad, "proposals: every agent exited 0");
	n = check_game(&g);
	check_tallies(&g.s, n);
	t_ok(balances_moved(&g.mid, &g.s) && same_money(&voted, &g.s) &&
	     g.s.table.bank == voted.table.bank + 1,
	     "proposals: nothing moved balances after the votes; the bank has the last deposit");
	game_close(&g);
}


int main(void)
{
	agents_start();
	sc = shared_map(sizeof(*sc));
	section_proposals();
	return agents_end();
}
