// SPDX-License-Identifier: GPL-2.0-only
/*
 * craps: the payout table and what one roll does to every bet on the
 * table, the shooter's turn and the phase. Pure functions of the table and
 * the dice; the round that makes the dice is in round.c.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/string.h>

#include "rules.h"
#include "rules_internal.h"


/* Payout ratios "num to den", by point index (4, 5, 6, 8, 9, 10). */
struct ratio {
	u8 num, den;
};

static const struct ratio true_odds[6] = { {2, 1}, {3, 2}, {6, 5}, {6, 5}, {3, 2}, {2, 1} };
static const struct ratio lay_odds[6] = { {1, 2}, {2, 3}, {5, 6}, {5, 6}, {2, 3}, {1, 2} };
static const struct ratio place_pays[6] = { {9, 5}, {7, 5}, {7, 6}, {7, 6}, {7, 5}, {9, 5} };

/* What a roll does to one bet. */
enum outcome {
	STAYS,		/* no action */
	WINS,		/* paid, stake returned, bet comes down */
	WINS_STAYS,	/* paid, bet stays up (place, hardways) */
	LOSES,		/* stake to the bank */
	RETURNED,	/* stake returned, no payout (odds off on come-out) */
	TRAVELS,	/* come / don't come move to their number */
};

struct roll {
	unsigned int sum;
	bool hard;
	bool come_out;		/* the phase before this roll */
	unsigned int point;	/* the point before this roll, or 0 */
	unsigned int field12;	/* field pays this to 1 on 12 */
	bool hard_work;		/* hardways work on the come-out */
};

struct verdict {
	enum outcome outcome;
	struct ratio pays;
};

#define V(o, n, d)	((struct verdict){ (o), { (n), (d) } })

static bool is_craps(unsigned int s)
{
	return s == 2 || s == 3 || s == 12;
}

bool lfce_craps_is_point(unsigned int s)
{
	return LFCE_POINT_INDEX(s) >= 0;
}

/* The number 4..10 that bet kind @k of family @base is about. */
static unsigned int family_number(unsigned int k, unsigned int base)
{
	static const u8 numbers[6] = { 4, 5, 6, 8, 9, 10 };

	return numbers[k - base];
}

bool lfce_craps_in_family(unsigned int k, unsigned int base)
{
	return k >= base && k < base + 6;
}

static struct verdict line_bet(const struct roll *r, bool dont)
{
	if (r->come_out) {
		if (r->sum == 7 || r->sum == 11)
			return dont ? V(LOSES, 0, 0) : V(WINS, 1, 1);
		if (r->sum == 2 || r->sum == 3)
			return dont ? V(WINS, 1, 1) : V(LOSES, 0, 0);
		if (r->sum == 12)	/* bar 12: the don't side stands off */
			return dont ? V(STAYS, 0, 0) : V(LOSES, 0, 0);
		return V(STAYS, 0, 0);
	}
	if (r->sum == r->point)
		return dont ? V(LOSES, 0, 0) : V(WINS, 1, 1);
	if (r->sum == 7)
		return dont ? V(WINS, 1, 1) : V(LOSES, 0, 0);
	return V(STAYS, 0, 0);
}

/* Line odds follow the point; lay odds pay the inverse of true odds. */
static struct verdict line_odds(const struct roll *r, bool dont)
{
	int i = LFCE_POINT_INDEX(r->point);

	if (r->come_out || i < 0)
		return V(STAYS, 0, 0);
	if (r->sum == r->point)
		return dont ? V(LOSES, 0, 0) : (struct verdict){ WINS, true_odds[i] };
	if (r->sum == 7)
		return dont ? (struct verdict){ WINS, lay_odds[i] } : V(LOSES, 0, 0);
	return V(STAYS, 0, 0);
}

/* A pending come bet acts like a come-out line bet, then travels. */
static struct verdict come_bet(const struct roll *r, bool dont)
{
	struct roll first = *r;

	first.come_out = true;
	if (lfce_craps_is_point(r->sum))
		return V(TRAVELS, 0, 0);
	return line_bet(&first, dont);
}

/* A come bet on its number n: n before 7 (don't: 7 before n). */
static struct verdict come_number(const struct roll *r, unsigned int n, bool dont)
{
	if (r->sum == n)
		return dont ? V(LOSES, 0, 0) : V(WINS, 1, 1);
	if (r->sum == 7)
		return dont ? V(WINS, 1, 1) : V(LOSES, 0, 0);
	return V(STAYS, 0, 0);
}

/* Come odds are off on the come-out roll; lay odds always work. */
static struct verdict come_odds(const struct roll *r, unsigned int n, bool dont)
{
	int i = LFCE_POINT_INDEX(n);

	if (r->sum != n && r->sum != 7)
		return V(STAYS, 0, 0);
	if (!dont && r->come_out)
		return V(RETURNED, 0, 0);
	if (r->sum == n)
		return dont ? V(LOSES, 0, 0) : (struct verdict){ WINS, true_odds[i] };
	return dont ? (struct verdict){ WINS, lay_odds[i] } : V(LOSES, 0, 0);
}

static struct verdict field(const struct roll *r)
{
	switch (r->sum) {
	case 2:
		return V(WINS, 2, 1);
	case 12:
		return V(WINS, r->field12, 1);
	case 3: case 4: case 9: case 10: case 11:
		return V(WINS, 1, 1);
	}
	return V(LOSES, 0, 0);
}

/* Place bets are off on the come-out roll. */
static struct verdict place(const struct roll *r, unsigned int n)
{
	if (r->come_out)
		return V(STAYS, 0, 0);
	if (r->sum == n)
		return (struct verdict){ WINS_STAYS, place_pays[LFCE_POINT_INDEX(n)] };
	if (r->sum == 7)
		return V(LOSES, 0, 0);
	return V(STAYS, 0, 0);
}

/* Hardways are off on the come-out unless the game says they work. */
static struct verdict hardway(const struct roll *r, unsigned int n)
{
	if (r->come_out && !r->hard_work)
		return V(STAYS, 0, 0);
	if (r->sum == n && r->hard)
		return V(WINS_STAYS, (n == 4 || n == 10) ? 7 : 9, 1);
	if (r->sum == n || r->sum == 7)
		return V(LOSES, 0, 0);
	return V(STAYS, 0, 0);
}

/* One-roll propositions: win at the listed ratio, else lose. */
static struct verdict proposition(const struct roll *r, unsigned int k)
{
	bool hit;
	u8 pays;

	switch (k) {
	case LFCE_BET_ANY_SEVEN:
		hit = r->sum == 7, pays = 4;
		break;
	case LFCE_BET_ANY_CRAPS:
		hit = is_craps(r->sum), pays = 7;
		break;
	case LFCE_BET_ELEVEN:
		hit = r->sum == 11, pays = 15;
		break;
	case LFCE_BET_ACES:
		hit = r->sum == 2, pays = 30;
		break;
	case LFCE_BET_ACE_DEUCE:
		hit = r->sum == 3, pays = 15;
		break;
	default:	/* LFCE_BET_TWELVE */
		hit = r->sum == 12, pays = 30;
		break;
	}
	return hit ? V(WINS, pays, 1) : V(LOSES, 0, 0);
}

/* The one rules table: what roll @r does to a bet of kind @k. */
static struct verdict judge(const struct roll *r, unsigned int k)
{
	if (k == LFCE_BET_PASS || k == LFCE_BET_DONT_PASS)
		return line_bet(r, k == LFCE_BET_DONT_PASS);
	if (k == LFCE_BET_PASS_ODDS || k == LFCE_BET_DONT_PASS_ODDS)
		return line_odds(r, k == LFCE_BET_DONT_PASS_ODDS);
	if (k == LFCE_BET_COME || k == LFCE_BET_DONT_COME)
		return come_bet(r, k == LFCE_BET_DONT_COME);
	if (lfce_craps_in_family(k, LFCE_BET_COME_4))
		return come_number(r, family_number(k, LFCE_BET_COME_4), false);
	if (lfce_craps_in_family(k, LFCE_BET_DONT_COME_4))
		return come_number(r, family_number(k, LFCE_BET_DONT_COME_4), true);
	if (lfce_craps_in_family(k, LFCE_BET_COME_ODDS_4))
		return come_odds(r, family_number(k, LFCE_BET_COME_ODDS_4), false);
	if (lfce_craps_in_family(k, LFCE_BET_DONT_COME_ODDS_4))
		return come_odds(r, family_number(k, LFCE_BET_DONT_COME_ODDS_4), true);
	if (k == LFCE_BET_FIELD)
		return field(r);
	if (lfce_craps_in_family(k, LFCE_BET_PLACE_4))
		return place(r, family_number(k, LFCE_BET_PLACE_4));
	if (k >= LFCE_BET_HARD_4 && k <= LFCE_BET_HARD_10)
		return hardway(r, 4 + 2 * (k - LFCE_BET_HARD_4));
	return proposition(r, k);
}

/*
 * The unit of bet kind @k with the table on @point: the denominator of
 * every ratio judge() can pay it. A bet is accepted only as a whole number
 * of units, so every payout is exact; lfce_rules_check_snapshot() holds
 * every snapshot to it.
 */
unsigned int lfce_craps_bet_unit(unsigned int k, unsigned int point)
{
	int i = LFCE_POINT_INDEX(point);

	if (k == LFCE_BET_PASS_ODDS || k == LFCE_BET_DONT_PASS_ODDS) {
		if (i < 0)	/* no point: no odds either */
			return 1;
		return k == LFCE_BET_PASS_ODDS ? true_odds[i].den : lay_odds[i].den;
	}
	if (lfce_craps_in_family(k, LFCE_BET_COME_ODDS_4))
		return true_odds[k - LFCE_BET_COME_ODDS_4].den;
	if (lfce_craps_in_family(k, LFCE_BET_DONT_COME_ODDS_4))
		return lay_odds[k - LFCE_BET_DONT_COME_ODDS_4].den;
	if (lfce_craps_in_family(k, LFCE_BET_PLACE_4))
		return place_pays[k - LFCE_BET_PLACE_4].den;
	return 1;	/* 1:1 and n:1 */
}

/* Exact: @amount is a whole number of lfce_craps_bet_unit(), a multiple of pays.den. */
static u64 payout(u64 amount, struct ratio pays)
{
	return div_u64(amount, pays.den) * pays.num;
}

struct settlement {
	u64 win[LFCE_MAX_SEATS];	/* owed by the bank */
	u64 owed;			/* sum of win[] */
};

/* Settle one seat's bets on roll @r; winnings are only counted here. */
static void settle_seat(struct lfce_seat *s, const struct roll *r,
			u64 *bank, u64 *win)
{
	u64 bets[LFCE_BET_NR] = {};
	unsigned int k, to;
	struct verdict v;

	for (k = 0; k < LFCE_BET_NR; k++) {
		if (!s->bets[k])
			continue;
		v = judge(r, k);
		switch (v.outcome) {
		case STAYS:
			bets[k] += s->bets[k];
			break;
		case WINS_STAYS:
			bets[k] += s->bets[k];
			*win += payout(s->bets[k], v.pays);
			break;
		case WINS:
			s->balance += s->bets[k];
			*win += payout(s->bets[k], v.pays);
			break;
		case RETURNED:
			s->balance += s->bets[k];
			break;
		case LOSES:
			*bank += s->bets[k];
			break;
		case TRAVELS:
			to = (k == LFCE_BET_COME ? LFCE_BET_COME_4 : LFCE_BET_DONT_COME_4) +
			     LFCE_POINT_INDEX(r->sum);
			bets[to] += s->bets[k];
			break;
		}
	}
	memcpy(s->bets, bets, sizeof(bets));
}

bool lfce_craps_has_bets(const struct lfce_seat *s)
{
	unsigned int k;

	for (k = 0; k < LFCE_BET_NR; k++)
		if (s->bets[k])
			return true;
	return false;
}

/* Next bound, unbanned seat after @from, or @from itself if none. */
unsigned int lfce_craps_next_shooter(struct lfce_txn *txn, unsigned int from)
{
	unsigned int n = lfce_txn_table(txn)->config.max_seats, i, seat;

	for (i = 1; i <= n; i++) {
		seat = (from + i) % n;
		if ((lfce_txn_seat(txn, seat)->flags & (LFCE_SEAT_BOUND | LFCE_SEAT_BANNED)) ==
		    LFCE_SEAT_BOUND)
			return seat;
	}
	return from;
}

static void advance_phase(struct lfce_txn *txn, const struct roll *r)
{
	struct lfce_table *t = lfce_txn_table(txn);

	if (r->come_out) {
		if (lfce_craps_is_point(r->sum)) {
			t->phase = LFCE_PHASE_POINT;
			t->point = r->sum;
		}
	} else if (r->sum == r->point || r->sum == 7) {
		t->phase = LFCE_PHASE_COME_OUT;
		t->point = 0;
		if (r->sum == 7)	/* seven-out: the dice move on */
			t->shooter = lfce_craps_next_shooter(txn, t->shooter);
	}
}

/*
 * Roll the dice: settle every bet in one transition. Losses go to the bank
 * first; if it still cannot cover the winnings it pays what it holds pro
 * rata (rounding down, the remainder stays in the bank) and the table is
 * suspended until the owner deposits.
 */
void lfce_craps_resolve(struct lfce_txn *txn, const u8 dice[2])
{
	struct lfce_table *t = lfce_txn_table(txn);
	struct roll r = {
		.sum = dice[0] + dice[1],
		.hard = dice[0] == dice[1],
		.come_out = t->phase == LFCE_PHASE_COME_OUT,
		.point = t->point,
		.field12 = t->config.field12_pays,
		.hard_work = t->config.flags & LFCE_CFG_HARDWAYS_WORK,
	};
	struct settlement st = {};
	unsigned int i;
	u64 avail;

	for (i = 0; i < t->config.max_seats; i++) {
		if (!lfce_craps_has_bets(lfce_txn_seat(txn, i)))
			continue;
		settle_seat(lfce_txn_seat_mut(txn, i), &r, &t->bank, &st.win[i]);
		st.owed += st.win[i];
	}
	avail = t->bank;
	for (i = 0; i < t->config.max_seats; i++) {
		u64 pay = st.win[i];

		if (!pay)
			continue;
		if (st.owed > avail)
			pay = mul_u64_u64_div_u64(pay, avail, st.owed);
		lfce_txn_seat_mut(txn, i)->balance += pay;
		t->bank -= pay;
	}
	if (st.owed > avail)
		t->flags |= LFCE_TABLE_SUSPENDED;
	advance_phase(txn, &r);
	t->dice[0] = dice[0];
	t->dice[1] = dice[1];
	t->rolls++;
}

/* A total of @sum on kind @k pays whole units: -EINVAL if not. */
int lfce_craps_whole_units(const struct lfce_table *t, unsigned int k, u64 sum)
{
	return sum % lfce_craps_bet_unit(k, t->point) ? -EINVAL : 0;
}
