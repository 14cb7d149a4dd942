// SPDX-License-Identifier: GPL-2.0-only
/*
 * rules: craps with standard casino payouts, commit-reveal dice, and the
 * bookkeeping of seats and the bank.
 *
 * Every operation validates first and writes only through the transaction,
 * so a refused operation leaves nothing behind once the caller aborts. Every
 * amount moves between a balance, a bet and the bank, or in and out of the
 * total by deposit, withdrawal or leave: conservation holds by construction
 * and lfce_snapshot_conserved() checks it in the tests.
 */
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/xxhash.h>
#include <crypto/sha2.h>

#include "rules.h"
#include "seed.h"

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

static bool is_point(unsigned int s)
{
	return LFCE_POINT_INDEX(s) >= 0;
}

/* The number 4..10 that bet kind @k of family @base is about. */
static unsigned int family_number(unsigned int k, unsigned int base)
{
	static const u8 numbers[6] = { 4, 5, 6, 8, 9, 10 };

	return numbers[k - base];
}

static bool in_family(unsigned int k, unsigned int base)
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
	if (is_point(r->sum))
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
	if (in_family(k, LFCE_BET_COME_4))
		return come_number(r, family_number(k, LFCE_BET_COME_4), false);
	if (in_family(k, LFCE_BET_DONT_COME_4))
		return come_number(r, family_number(k, LFCE_BET_DONT_COME_4), true);
	if (in_family(k, LFCE_BET_COME_ODDS_4))
		return come_odds(r, family_number(k, LFCE_BET_COME_ODDS_4), false);
	if (in_family(k, LFCE_BET_DONT_COME_ODDS_4))
		return come_odds(r, family_number(k, LFCE_BET_DONT_COME_ODDS_4), true);
	if (k == LFCE_BET_FIELD)
		return field(r);
	if (in_family(k, LFCE_BET_PLACE_4))
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
static unsigned int bet_unit(unsigned int k, unsigned int point)
{
	int i = LFCE_POINT_INDEX(point);

	if (k == LFCE_BET_PASS_ODDS || k == LFCE_BET_DONT_PASS_ODDS) {
		if (i < 0)	/* no point: no odds either */
			return 1;
		return k == LFCE_BET_PASS_ODDS ? true_odds[i].den : lay_odds[i].den;
	}
	if (in_family(k, LFCE_BET_COME_ODDS_4))
		return true_odds[k - LFCE_BET_COME_ODDS_4].den;
	if (in_family(k, LFCE_BET_DONT_COME_ODDS_4))
		return lay_odds[k - LFCE_BET_DONT_COME_ODDS_4].den;
	if (in_family(k, LFCE_BET_PLACE_4))
		return place_pays[k - LFCE_BET_PLACE_4].den;
	return 1;	/* 1:1 and n:1 */
}

/* Exact: @amount is a whole number of bet_unit(), a multiple of pays.den. */
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

static bool has_bets(const struct lfce_seat *s)
{
	unsigned int k;

	for (k = 0; k < LFCE_BET_NR; k++)
		if (s->bets[k])
			return true;
	return false;
}

/* Next bound, unbanned seat after @from, or @from itself if none. */
static unsigned int next_shooter(struct lfce_txn *txn, unsigned int from)
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
		if (is_point(r->sum)) {
			t->phase = LFCE_PHASE_POINT;
			t->point = r->sum;
		}
	} else if (r->sum == r->point || r->sum == 7) {
		t->phase = LFCE_PHASE_COME_OUT;
		t->point = 0;
		if (r->sum == 7)	/* seven-out: the dice move on */
			t->shooter = next_shooter(txn, t->shooter);
	}
}

/*
 * Roll the dice: settle every bet in one transition. Losses go to the bank
 * first; if it still cannot cover the winnings it pays what it holds pro
 * rata (rounding down, the remainder stays in the bank) and the table is
 * suspended until the owner deposits.
 */
static void resolve(struct lfce_txn *txn, const u8 dice[2])
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
		if (!has_bets(lfce_txn_seat(txn, i)))
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

/* Dice from a hash by rejection sampling: bytes >= 252 would bias a die. */
static bool dice_from_hash(const u8 *hash, u8 dice[2])
{
	unsigned int i, n = 0;

	for (i = 0; i < SHA256_DIGEST_SIZE && n < 2; i++)
		if (hash[i] < 252)
			dice[n++] = hash[i] % 6 + 1;
	return n == 2;
}

/* Rehash until two dice come out; each round fails with p < 2^-200. */
void lfce_rules_dice_from(const u8 *data, unsigned int len, u8 dice[2])
{
	u8 hash[SHA256_DIGEST_SIZE];

	sha256(data, len, hash);
	while (!dice_from_hash(hash, dice))
		sha256(hash, sizeof(hash), hash);
}

static void put_le64(u8 *p, u64 v)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

void lfce_rules_commitment(const u8 secret[32], u64 round, u8 out[32])
{
	u8 buf[32 + 8];

	memcpy(buf, secret, 32);
	put_le64(buf + 32, round);
	sha256(buf, sizeof(buf), out);
}

/* xxh64 over the record with its ring tag and digest zeroed. */
u64 lfce_rules_record_digest(const struct lfce_record *rec, u64 prev)
{
	struct lfce_record r = *rec;

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

/* One operation in flight: what handlers need. */
struct apply {
	struct lfce_txn *txn;
	struct lfce_table *t;
	const struct lfce_op *op;
	struct lfce_record *rec;	/* rec->op may be completed by a handler */
	u64 now;
	s64 balance0;			/* rec->op.seat's balance before */
};

static bool no_commitment(const struct lfce_table *t)
{
	return !memchr_inv(t->seed_commitment, 0, sizeof(t->seed_commitment));
}

/*
 * Publish the commitment to the kernel's seed of the next roll, number
 * t->rolls, in the table and in this record (see seed.h). An engine with no
 * seeds publishes none and cannot roll.
 */
static int publish_commitment(struct apply *a)
{
	const struct lfce_seeds *s = a->txn->seeds;
	int ret;

	if (!s)
		return 0;
	ret = s->commitment(s, a->t->records, a->t->rolls, a->t->seed_commitment);
	if (ret)
		return ret;
	memcpy(a->rec->commitment, a->t->seed_commitment, sizeof(a->rec->commitment));
	return 0;
}

/*
 * Make roll number t->rolls: the dice come from @buf's @len bytes of mix
 * followed by the kernel's seed of this roll, for which @buf has room. The
 * record reveals the seed, which must match the commitment published before
 * anyone could act on this roll, and publishes the next commitment. Nothing
 * may follow a roll in its batch (see lfce_rules_apply()), so no later
 * operation can refuse a roll its submitter did not like. This fails only if
 * the seed does not match (a replayed journal that lies) or, in a game's
 * very first record, before any commitment existed; never because of the
 * dice.
 */
static int make_roll(struct apply *a, u8 *buf, unsigned int len)
{
	const struct lfce_seeds *s = a->txn->seeds;
	u8 check[SHA256_DIGEST_SIZE];
	int ret;

	if (!s || no_commitment(a->t) ||
	    memchr_inv(a->rec->commitment, 0, sizeof(a->rec->commitment)))
		return -EPROTO;
	ret = s->seed(s, a->t->records, a->t->rolls, a->rec->seed);
	if (ret)
		return ret;
	sha256(a->rec->seed, sizeof(a->rec->seed), check);
	if (memcmp(check, a->t->seed_commitment, sizeof(check)))
		return -EINVAL;
	memcpy(buf + len, a->rec->seed, LFCE_SEED_SIZE);
	lfce_rules_dice_from(buf, len + LFCE_SEED_SIZE, a->rec->dice);
	resolve(a->txn, a->rec->dice);
	a->txn->rolled = true;
	return publish_commitment(a);
}

/* A seat that exists and can act: bound (ENOENT) and not banned (EPERM). */
static int seat_active(struct apply *a, unsigned int seat)
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

static int check_amount(u64 v)
{
	return v && v <= LFCE_AMOUNT_MAX ? 0 : -EINVAL;
}

/* Pick the seat for a join: a given one, or the caller's old one, or free. */
static int join_seat(struct apply *a, u32 uid, unsigned int *seat)
{
	unsigned int i, n = a->t->config.max_seats, free = n;
	const struct lfce_seat *s;

	if (a->op->seat != LFCE_SEAT_BANK) {
		if (a->op->seat >= n)
			return -EINVAL;
		*seat = a->op->seat;
		return 0;
	}
	for (i = 0; i < n; i++) {
		s = lfce_txn_seat(a->txn, i);
		if ((s->flags & LFCE_SEAT_BOUND) && s->uid == uid) {
			*seat = i;
			return 0;
		}
		if (!(s->flags & (LFCE_SEAT_BOUND | LFCE_SEAT_BANNED)) && free == n)
			free = i;
	}
	if (free == n)
		return -EUSERS;
	*seat = free;
	return 0;
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
 * Joining binds a free seat to the caller's uid; the same uid re-joining
 * its own seat keeps balance and nonce. A seat joined mid-round is not a
 * participant of that round.
 */
static int op_join(struct apply *a)
{
	u32 uid = a->op->u.join.uid;
	const struct lfce_seat *old;
	struct lfce_seat *s;
	unsigned int seat;
	bool first;
	int ret;

	if (a->op->u.join.reserved)
		return -EINVAL;
	ret = join_seat(a, uid, &seat);
	if (ret)
		return ret;
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
	a->balance0 = old->balance;
	s = lfce_txn_seat_mut(a->txn, seat);
	if (!(s->flags & LFCE_SEAT_BOUND)) {
		s->flags = LFCE_SEAT_BOUND;
		s->uid = uid;
	}
	memcpy(s->id, a->op->u.join.id, sizeof(s->id));
	s->nonce = a->op->nonce;
	if (first)
		a->t->shooter = seat;
	a->rec->op.seat = seat;
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
	return !in_family(k, LFCE_BET_COME_4);
}

/*
 * A seat that leaves or is banned can no longer vote on the proposals open
 * now, even if someone else takes the seat before they close.
 */
static void mark_gone(struct apply *a, unsigned int seat)
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
static void update_deadline(struct apply *a)
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
		if (has_bets(lfce_txn_seat(a->txn, i)))
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
	mark_gone(a, seat);
	if (a->t->shooter == seat)
		a->t->shooter = next_shooter(a->txn, seat);
	return 0;
}

static int op_deposit(struct apply *a)
{
	u64 v = a->op->u.amount.value, total;
	int ret;

	ret = check_amount(v);
	if (ret)
		return ret;
	if (check_add_overflow(a->t->total, v, &total) || total > LFCE_TOTAL_MAX)
		return -EINVAL;
	if (a->op->seat == LFCE_SEAT_BANK) {
		a->t->bank += v;
		a->t->flags &= ~LFCE_TABLE_SUSPENDED;
	} else {
		ret = seat_active(a, a->op->seat);
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

	ret = check_amount(v);
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
	if (in_family(k, LFCE_BET_COME_ODDS_4))
		return k - LFCE_BET_COME_ODDS_4 + LFCE_BET_COME_4;
	if (in_family(k, LFCE_BET_DONT_COME_ODDS_4))
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
	if (in_family(k, LFCE_BET_COME_4))
		return k - LFCE_BET_COME_4 + LFCE_BET_COME_ODDS_4;
	if (in_family(k, LFCE_BET_DONT_COME_4))
		return k - LFCE_BET_DONT_COME_4 + LFCE_BET_DONT_COME_ODDS_4;
	return -1;
}

/* A total of @sum on kind @k pays whole units: -EINVAL if not. */
static int whole_units(const struct lfce_table *t, unsigned int k, u64 sum)
{
	return sum % bet_unit(k, t->point) ? -EINVAL : 0;
}

/* May kind @k be put up now? -EINVAL: never; -EPROTO: not in this phase. */
static int placeable(const struct lfce_table *t, const struct lfce_seat *s,
		     unsigned int k)
{
	bool point = t->phase == LFCE_PHASE_POINT;
	int base = odds_base(k);

	if (in_family(k, LFCE_BET_COME_4) || in_family(k, LFCE_BET_DONT_COME_4))
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

	if (k >= LFCE_BET_NR || a->op->u.bet.reserved || check_amount(v))
		return -EINVAL;
	s = lfce_txn_seat(a->txn, a->op->seat);
	ret = placeable(a->t, s, k) ?: betting_open(a);
	if (ret)
		return ret;
	sum = s->bets[k] + v;
	if (sum < a->t->config.min_bet || sum > a->t->config.max_bet)
		return -EINVAL;
	if (whole_units(a->t, k, sum))
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

	if (k >= LFCE_BET_NR || a->op->u.bet.reserved || check_amount(v))
		return -EINVAL;
	if (a->t->stage != LFCE_STAGE_BETTING || !removable(a->t, k))
		return -EPROTO;
	s = lfce_txn_seat(a->txn, a->op->seat);
	if (v > s->bets[k])
		return -EINVAL;
	left = s->bets[k] - v;
	if ((left && left < a->t->config.min_bet) || whole_units(a->t, k, left))
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
 * The shooter closes betting. The round's participants are the seats with
 * bets on the table plus the shooter; each must commit, then reveal, before
 * the deadline.
 */
static int op_close(struct apply *a)
{
	struct lfce_round *r;
	unsigned int i;
	u64 number;

	if (a->op->seat != a->t->shooter)
		return -EPERM;
	if (a->t->config.dice_mode != LFCE_DICE_COMMIT_REVEAL)
		return -EPROTO;
	if (a->t->stage != LFCE_STAGE_BETTING)
		return -EPROTO;
	number = lfce_txn_round(a->txn)->number + 1;
	r = lfce_txn_round_mut(a->txn);
	memset(r, 0, sizeof(*r));
	r->number = number;
	if (check_add_overflow(a->now, a->t->config.reveal_timeout_ns, &r->deadline_ns))
		r->deadline_ns = U64_MAX;
	r->participants = BIT(a->t->shooter);
	for (i = 0; i < a->t->config.max_seats; i++)
		if (has_bets(lfce_txn_seat(a->txn, i)))
			r->participants |= BIT(i);
	a->t->stage = LFCE_STAGE_COMMIT;
	update_deadline(a);
	return 0;
}

/* Common checks of commit and reveal: stage, membership, deadline. */
static int round_step(struct apply *a, u32 stage, u32 done)
{
	const struct lfce_round *r = lfce_txn_round(a->txn);
	u32 bit = BIT(a->op->seat);

	if (a->t->stage != stage || !(r->participants & bit))
		return -EPROTO;
	if (done & bit)
		return -EALREADY;
	if (a->now > r->deadline_ns)
		return -ETIME;
	return 0;
}

static int op_commit(struct apply *a)
{
	struct lfce_round *r;
	int ret;

	ret = round_step(a, LFCE_STAGE_COMMIT, lfce_txn_round(a->txn)->committed);
	if (ret)
		return ret;
	r = lfce_txn_round_mut(a->txn);
	memcpy(r->commitment[a->op->seat], a->op->u.commit.digest, 32);
	r->committed |= BIT(a->op->seat);
	if (r->committed == r->participants)
		a->t->stage = LFCE_STAGE_REVEAL;
	return 0;
}

/*
 * The round's roll: the round number and the revealed secrets in seat order,
 * with the kernel's seed. The last revealer knows every secret but not the
 * seed, so it cannot compute the roll before making it, and withholding its
 * reveal gains it nothing but the loss of its bets.
 */
static int roll_round(struct apply *a)
{
	const struct lfce_round *r = lfce_txn_round(a->txn);
	u8 buf[8 + 32 * LFCE_MAX_SEATS + LFCE_SEED_SIZE];
	unsigned int i, len = 8;
	int ret;

	put_le64(buf, r->number);
	for (i = 0; i < LFCE_MAX_SEATS; i++) {
		if (r->revealed & BIT(i)) {
			memcpy(buf + len, r->secret[i], 32);
			len += 32;
		}
	}
	ret = make_roll(a, buf, len);
	if (ret)
		return ret;
	a->t->stage = LFCE_STAGE_BETTING;
	update_deadline(a);
	return 0;
}

static int op_reveal(struct apply *a)
{
	const struct lfce_round *old = lfce_txn_round(a->txn);
	unsigned int seat = a->op->seat;
	u8 want[SHA256_DIGEST_SIZE];
	struct lfce_round *r;
	int ret;

	ret = round_step(a, LFCE_STAGE_REVEAL, old->revealed);
	if (ret)
		return ret;
	lfce_rules_commitment(a->op->u.reveal.secret, old->number, want);
	if (memcmp(want, old->commitment[seat], sizeof(want)))
		return -EINVAL;
	r = lfce_txn_round_mut(a->txn);
	memcpy(r->secret[seat], a->op->u.reveal.secret, 32);
	r->revealed |= BIT(seat);
	if (r->revealed == r->participants)
		return roll_round(a);
	return 0;
}

/* Whoever did not do their part by the deadline loses their bets. */
static void forfeit(struct apply *a, u32 seats)
{
	unsigned int i, k;
	struct lfce_seat *s;

	for (i = 0; i < a->t->config.max_seats; i++) {
		if (!(seats & BIT(i)) || !has_bets(lfce_txn_seat(a->txn, i)))
			continue;
		s = lfce_txn_seat_mut(a->txn, i);
		for (k = 0; k < LFCE_BET_NR; k++) {
			a->t->bank += s->bets[k];
			s->bets[k] = 0;
		}
	}
}

/*
 * Past the deadline: in the commit stage those who did not commit forfeit,
 * in the reveal stage those who did not reveal. The roll then uses the
 * reveals received and the same seed that was committed before anyone
 * committed a secret: whoever submits the EXPIRE, and whenever, the dice
 * are the same, and nobody could compute them beforehand.
 */
static int op_expire(struct apply *a)
{
	const struct lfce_round *r = lfce_txn_round(a->txn);

	if (a->t->stage == LFCE_STAGE_BETTING || a->now <= r->deadline_ns)
		return -EPROTO;
	if (a->t->stage == LFCE_STAGE_COMMIT)
		forfeit(a, r->participants & ~r->committed);
	else
		forfeit(a, r->participants & ~r->revealed);
	return roll_round(a);
}

/* Host-dice games: the owner rolls, with the seed committed beforehand. */
static int op_roll(struct apply *a)
{
	u8 buf[8 + LFCE_SEED_SIZE];

	if (a->t->config.dice_mode != LFCE_DICE_HOST || a->t->stage != LFCE_STAGE_BETTING)
		return -EPROTO;
	put_le64(buf, a->t->rolls);
	return make_roll(a, buf, 8);
}

/*
 * Proposal actions. check() decides whether the action may be applied to
 * the transaction's state now and writes nothing; apply() then cannot fail,
 * but for a roll whose seed does not match its commitment (a replayed
 * journal that lies), which refuses the whole commit.
 * Both run when a proposal opens (check only) and when its quorum is
 * reached, which is what re-validation means.
 */
struct action {
	int (*check)(struct apply *a, const struct lfce_proposal *p);
	int (*apply)(struct apply *a, const struct lfce_proposal *p);
};

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

	if (check_amount(p->value) || p->seat == p->to || p->param)
		return -EINVAL;
	ret = seat_active(a, p->seat) ?: seat_active(a, p->to) ?:
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
	ret = seat_active(a, p->seat);
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
	mark_gone(a, p->seat);
	if (a->t->shooter == p->seat)
		a->t->shooter = next_shooter(a->txn, p->seat);
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

	put_le64(buf, p->id);
	return make_roll(a, buf, 8);
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

static const struct action actions[LFCE_OP_NR] = {
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
		if (!seat_active(a, i))
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

static int op_propose(struct apply *a)
{
	const typeof(a->op->u.propose) *u = &a->op->u.propose;
	struct lfce_proposal p = {
		.action = u->action, .seat = u->seat, .to = u->to, .param = u->param,
		.value = u->value, .proposer = a->op->seat, .state = LFCE_PROP_PENDING,
	};
	int slot, ret;

	if (u->action >= LFCE_OP_NR || !actions[u->action].check || u->reserved)
		return -EINVAL;
	ret = actions[u->action].check(a, &p);
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
	update_deadline(a);
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
static int consent(const struct lfce_proposal *p)
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
	const struct action *act = &actions[p->action];
	int ret = act->check(a, p) ?: consent(p);

	if (ret) {
		p->state = LFCE_PROP_FAILED;
		p->error = -ret;
		return 0;
	}
	p->state = LFCE_PROP_PASSED;
	return act->apply(a, p);
}

static int op_vote(struct apply *a)
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
	update_deadline(a);
	return ret;
}

/* Past its deadline a pending proposal lapses; anyone may say so. */
static int op_lapse(struct apply *a)
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
	update_deadline(a);
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
	[LFCE_OP_JOIN]		= { op_join, false, true },
	[LFCE_OP_LEAVE]		= { op_leave, true, false },
	[LFCE_OP_DEPOSIT]	= { op_deposit, false, true },
	[LFCE_OP_WITHDRAW]	= { op_withdraw, false, true },
	[LFCE_OP_BET]		= { op_bet, true, false },
	[LFCE_OP_UNBET]		= { op_unbet, true, false },
	[LFCE_OP_CLOSE]		= { op_close, true, false },
	[LFCE_OP_COMMIT]	= { op_commit, true, false },
	[LFCE_OP_REVEAL]	= { op_reveal, true, false },
	[LFCE_OP_EXPIRE]	= { op_expire, false, true },
	[LFCE_OP_ROLL]		= { op_roll, false, true },
	[LFCE_OP_BAN]		= { op_needs_quorum, false, false },
	[LFCE_OP_TRANSFER]	= { op_needs_quorum, false, false },
	[LFCE_OP_SETTLE]	= { op_settle, false, true },
	[LFCE_OP_PROPOSE]	= { op_propose, true, false },
	[LFCE_OP_VOTE]		= { op_vote, true, false },
	[LFCE_OP_LAPSE]		= { op_lapse, false, true },
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
	       op->type == LFCE_OP_SETTLE;
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
	ret = seat_active(a, op->seat);
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
	/* seq and digest are still zero: hash in place, no copy. */
	rec->digest = xxh64(rec, sizeof(*rec), a->t->digest);
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
	if (no_commitment(a->t)) {	/* the game's first record */
		ret = publish_commitment(a);
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
	if (t->phase > LFCE_PHASE_POINT || point != is_point(t->point) || (!point && t->point))
		return false;
	if (t->stage > LFCE_STAGE_REVEAL || t->shooter >= t->config.max_seats)
		return false;
	if (t->dice[0] > 6 || t->dice[1] > 6 || !t->dice[0] != !t->dice[1] || t->reserved[0] ||
	    t->reserved[1])
		return false;
	/* The first record publishes a commitment; every roll the next. */
	if (t->records && no_commitment(t))
		return false;
	return t->records >= t->version && t->total <= LFCE_TOTAL_MAX;
}

static bool check_seats(const struct lfce_snapshot *s)
{
	const struct lfce_table *t = &s->table;
	u64 sum = t->bank;
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
		if (st->flags & ~__LFCE_SEAT_ALL || check_add_overflow(sum, st->balance, &sum))
			return false;
		/* Whole units on every bet: what makes payout() exact. */
		for (k = 0; k < LFCE_BET_NR; k++)
			if (check_add_overflow(sum, st->bets[k], &sum) ||
			    st->bets[k] % bet_unit(k, t->point))
				return false;
	}
	return sum == t->total;
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
		return yes == p->quorum && no <= n - p->quorum && !p->error;
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
		    !actions[p->action].check || p->reserved)
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
 * their conservation, the round against the stage, every proposal's tally,
 * and the earliest deadline. Returns 0 or -EINVAL.
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
