// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: one participant commits and never reveals; the module's
 * sweep expires the round, and the withholder forfeits to the bank.
 *
 * Nobody submits EXPIRE: the sweep does after the deadline, alone in its
 * version. From the journal alone: the withholder forfeits every bet, the
 * others' field bets settle on the roll, and the roll re-derives from the
 * reveals received and the kernel seed the EXPIRE record reveals
 * (commit_reveal.h). The journal replays to the kernel's snapshots byte for
 * byte, and every snapshot anyone reads along the way conserves tokens.
 */
#include "commit_reveal.h"

#define WITHHOLDER	2		/* commits, never reveals */

/* One round; the withholder leaves once committed, others once revealed. */
static int withheld_done(const struct agent *a)
{
	uint32_t bit = BIT(a->seat);

	return a->s.table.rolls ||
	       (a->s.table.stage != LFCE_STAGE_BETTING &&
		(a->withhold ? a->s.round.committed : a->s.round.revealed) & bit);
}

static int play_withheld(struct agent *a)
{
	return play_until(a, withheld_done);
}

static const struct lfce_config withheld_cfg = {
	.min_bet = 1, .max_bet = 1000, .odds_max = 3, .field12_pays = 2,
	.dice_mode = LFCE_DICE_COMMIT_REVEAL, .flags = LFCE_CFG_DISTINCT_UIDS,
	.reveal_timeout_ns = 3 * NSEC, .max_seats = 3,
};

static bool is_expire(const struct lfce_record *r, uint64_t unused)
{
	return r->op.type == LFCE_OP_EXPIRE;
}

/* What a field bet of @bet wins on @dice: negative when the bank takes it. */
static int64_t field_pays(uint64_t bet, const uint8_t dice[2], unsigned int field12)
{
	switch (dice[0] + dice[1]) {
	case 5: case 6: case 7: case 8:
		return -(int64_t)bet;
	case 2:
		return 2 * bet;
	case 12:
		return field12 * bet;
	}
	return bet;
}

struct withheld_view {
	uint64_t bets[LFCE_MAX_SEATS][LFCE_BET_NR];
	uint32_t participants, committed, revealed;
};

/* The one round of the game, from its journal, up to record @end. */
static void withheld_view(uint64_t end, struct withheld_view *v)
{
	const struct lfce_op *op;
	uint64_t i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < end; i++) {
		op = &journal[i].op;
		if (op->type == LFCE_OP_BET) {
			v->bets[op->seat][op->u.bet.kind] += op->u.bet.amount;
			v->participants |= BIT(op->seat);
		} else if (op->type == LFCE_OP_CLOSE) {
			v->participants |= BIT(op->seat);	/* the shooter */
		} else if (op->type == LFCE_OP_COMMIT) {
			v->committed |= BIT(op->seat);
		} else if (op->type == LFCE_OP_REVEAL) {
			v->revealed |= BIT(op->seat);
		}
	}
}

/*
 * The expiry, from the journal alone: who forfeits, what the bank gains,
 * what each seat keeps. Those that did not do their part lose every bet;
 * the others' field bets settle on the roll.
 */
static void check_expiry(const struct game *g, uint64_t n, const struct lfce_record *ex)
{
	uint32_t forfeit, seat;
	struct withheld_view v;
	struct roll_check c;
	int64_t bank = 0, pays;
	uint64_t staked, want;
	bool seats_ok = true;
	unsigned int k;

	withheld_view(ex->number, &v);
	forfeit = v.participants & ~(v.committed == v.participants ? v.revealed : v.committed);
	t_ok((v.committed & BIT(WITHHOLDER)) && !(v.revealed & BIT(WITHHOLDER)) &&
	     (forfeit & BIT(WITHHOLDER)), "withheld: seat %d committed, never revealed, forfeits",
	     WITHHOLDER);
	t_diag("withheld: participants %#x, revealed %#x, forfeiting %#x", v.participants,
	       v.revealed, forfeit);
	for (seat = 0; seat < g->agents; seat++) {
		for (k = staked = 0; k < LFCE_BET_NR; k++) {
			staked += v.bets[seat][k];
			seats_ok &= !g->s.seat[seat].bets[k];
		}
		pays = field_pays(v.bets[seat][LFCE_BET_FIELD], ex->dice, g->cfg.field12_pays);
		want = FUNDS - staked;
		if (forfeit & BIT(seat)) {
			bank += staked;
		} else {
			seats_ok &= staked == v.bets[seat][LFCE_BET_FIELD];
			bank += pays < 0 ? (int64_t)staked : -pays;
			want += pays > 0 ? staked + pays : 0;
		}
		seats_ok &= g->s.seat[seat].balance == want;
	}
	t_ok(ex->bank_delta == bank, "withheld: forfeits and field bets on %u+%u: bank %+lld (%+lld)",
	     ex->dice[0], ex->dice[1], (long long)ex->bank_delta, (long long)bank);
	t_ok(seats_ok, "withheld: no bet left up, forfeits kept nothing, the others were paid");
	check_rolls(journal, n, &c);
	/* SHA-256(le64(round) || reveals received in seat order || kernel seed) */
	t_ok(c.rolls == 1 && c.by_expire == 1 && !c.wrong && !c.bad_seeds,
	     "withheld: the roll re-derives from %d reveals and the committed kernel seed",
	     __builtin_popcount(v.revealed));
}

static void section_withheld(void)
{
	static struct game g;
	struct lfce_record ex;
	unsigned int i;
	bool found;
	uint64_t n;

	if (!game_create(&g, "withheld", &withheld_cfg, 3))
		return;
	g.mid_rolls = 0;
	for (i = 0; i < g.agents; i++)
		spawn(&g, i, play_withheld,
		      i == WITHHOLDER ? ROLE_PASS | ROLE_WITHHOLD : 0, 0);
	wait_agents(&g);
	t_ok(!g.bad && seats_bound(&g), "withheld: 3 agents played their part and exited 0");
	/* Nobody here submits EXPIRE: only the module's sweep can. */
	found = wait_record(&g, 0, is_expire, 0, &ex);
	n = check_game(&g);
	t_ok(found && ex.op.seat == LFCE_SEAT_BANK && ex.dice[0] && records_of(n, ex.version) == 1,
	     "withheld: the sweep committed the EXPIRE, alone in version %llu, rolling %u+%u",
	     ull(ex.version), ex.dice[0], ex.dice[1]);
	if (found)
		check_expiry(&g, n, &ex);
	game_close(&g);
}

int main(void)
{
	agents_start();
	section_withheld();
	return agents_end();
}
