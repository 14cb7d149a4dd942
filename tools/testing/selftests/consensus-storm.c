// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: a retry storm: every operation is resubmitted with the same
 * nonce after EAGAIN, and once more after success as if the reply was lost.
 *
 * The second submission gets EALREADY and changes nothing, and the journal
 * holds each (seat, nonce) once. Odd seats use nonblocking handles, so that
 * EAGAIN also comes from backpressure. The journal replays to the kernel's
 * snapshots byte for byte, and every snapshot anyone reads along the way
 * conserves tokens.
 */
#include <string.h>

#include "agents.h"

#define STORM_OPS	100		/* submissions per agent */

/* What each seat's agent did, shared with the parent. */
struct storm_counts {
	long ops[SEATS];		/* operations committed */
	long dups[SEATS];		/* ... submissions resubmitted */
	long already[SEATS];		/* ... resubmissions refused with EALREADY */
	long changed[SEATS];		/* ... resubmissions that changed the seat */
};

static struct storm_counts *sc;

static const uint32_t storm_kinds[] = {
	LFCE_BET_FIELD, LFCE_BET_PLACE_6, LFCE_BET_HARD_8, LFCE_BET_ANY_SEVEN,
};

/* Bets on even steps, taken back on odd ones; every fourth pair a batch. */
static unsigned int storm_ops(const struct agent *a, unsigned int i, struct lfce_op ops[2])
{
	unsigned int pair = i / 2, n = pair % 4 ? 1 : 2, k;

	for (k = 0; k < n; k++) {
		ops[k] = (struct lfce_op){ .type = i & 1 ? LFCE_OP_UNBET : LFCE_OP_BET };
		ops[k].u.bet.kind = storm_kinds[(pair + a->seat + k) % 4];
		/* Whole units of every kind: place 6 pays in sixes. */
		ops[k].u.bet.amount = 6 * (1 + (pair * 7 + a->seat) % 40);
	}
	return n;
}

/* As if the reply had been lost: the same operations, the same nonces. */
static int storm_resubmit(struct agent *a, const struct lfce_op *ops, unsigned int n)
{
	struct lfce_seat before;
	int ret;

	if (agent_read(a))
		return AGENT_REFUSED;
	before = a->s.seat[a->seat];
	ret = resubmit(a, ops, n);
	if (agent_read(a))
		return AGENT_REFUSED;
	add(&sc->dups[a->seat], 1);
	add(&sc->already[a->seat], ret == -EALREADY);
	/* Only this process writes this seat, so any change is the resubmission's. */
	add(&sc->changed[a->seat], !!memcmp(&before, &a->s.seat[a->seat], sizeof(before)));
	return AGENT_OK;
}

static int storm(struct agent *a)
{
	struct lfce_op ops[2];
	unsigned int i, n;
	int ret;

	for (i = 0; i < STORM_OPS; i++) {
		n = storm_ops(a, i, ops);
		ret = agent_submit(a, ops, n);
		if (ret)
			return agent_fail(a, "storm", ret);
		add(&sc->ops[a->seat], n);
		ret = storm_resubmit(a, ops, n);
		if (ret)
			return ret;
	}
	return AGENT_OK;
}


static const struct lfce_config storm_cfg = {
	.min_bet = 1, .max_bet = 1000, .odds_max = 3, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .flags = LFCE_CFG_DISTINCT_UIDS,
	.reveal_timeout_ns = 30 * NSEC, .max_seats = SEATS,
};

#define STORM_NONCES	(2 + 2 * STORM_OPS)

/* Each (seat, nonce) of a bet or unbet once, and every nonce in turn. */
static bool nonces_once(uint64_t n, long *records)
{
	static uint8_t seen[SEATS][STORM_NONCES];
	const struct lfce_op *op;
	unsigned int s;
	uint64_t i, k;

	memset(seen, 0, sizeof(seen));
	*records = 0;
	for (i = 0; i < n; i++) {
		op = &journal[i].op;
		if (op->type != LFCE_OP_BET && op->type != LFCE_OP_UNBET)
			continue;
		if (op->seat >= SEATS || op->nonce >= STORM_NONCES || seen[op->seat][op->nonce]++)
			return false;
		(*records)++;
	}
	for (s = 0; s < SEATS; s++)
		for (k = 2; k < 2 + (uint64_t)sc->ops[s]; k++)
			if (!seen[s][k])
				return false;
	return true;
}

static void section_storm(void)
{
	long ops = 0, dups = 0, already = 0, changed = 0, records;
	static struct game g;
	unsigned int i;
	bool once;
	uint64_t n;

	if (!game_create(&g, "storm", &storm_cfg, SEATS))
		return;
	g.mid_rolls = 0;
	sh->eagain = 0;
	/* Odd seats nonblocking: EAGAIN then also comes from backpressure. */
	for (i = 0; i < SEATS; i++)
		spawn(&g, i, storm, 0, i & 1 ? O_NONBLOCK : 0);
	wait_agents(&g);
	for (i = 0; i < SEATS; i++) {
		ops += sc->ops[i];
		dups += sc->dups[i];
		already += sc->already[i];
		changed += sc->changed[i];
	}
	t_ok(!g.bad && dups == SEATS * STORM_OPS, "storm: %d agents, %d submissions each, exited 0",
	     SEATS, STORM_OPS);
	t_ok(dups && already == dups, "storm: %ld of %ld resubmissions got EALREADY", already,
	     dups);
	t_ok(!changed, "storm: resubmissions changed nothing (%ld changed their seat)", changed);
	t_diag("storm: %ld EAGAINs seen, each resubmitted with the same nonce", sh->eagain);
	n = check_game(&g);
	once = nonces_once(n, &records);
	t_ok(once && records == ops, "storm: each (seat, nonce) once: %ld records, %ld operations",
	     records, ops);
	game_close(&g);
}


int main(void)
{
	agents_start();
	sc = shared_map(sizeof(*sc));
	section_storm();
	return agents_end();
}
