// SPDX-License-Identifier: GPL-2.0-only
/*
 * round: the commit-reveal round, the dice it derives from the revealed
 * secrets and the kernel's seed of the roll, forfeits and expiry, and the
 * rolls of host-dice games.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <crypto/sha2.h>

#include "rules.h"
#include "rules_internal.h"
#include "seed.h"

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

void lfce_round_put_le64(u8 *p, u64 v)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

void lfce_rules_commitment(const u8 secret[32], u64 round, u8 out[32])
{
	u8 buf[32 + 8];

	memcpy(buf, secret, 32);
	lfce_round_put_le64(buf + 32, round);
	sha256(buf, sizeof(buf), out);
}

bool lfce_round_no_commitment(const struct lfce_table *t)
{
	return !memchr_inv(t->seed_commitment, 0, sizeof(t->seed_commitment));
}

/*
 * Publish the commitment to the kernel's seed of the next roll, number
 * t->rolls, in the table and in this record (see seed.h). An engine with no
 * seeds publishes none and cannot roll.
 */
int lfce_round_publish_commitment(struct apply *a)
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
int lfce_round_roll(struct apply *a, u8 *buf, unsigned int len)
{
	const struct lfce_seeds *s = a->txn->seeds;
	u8 check[SHA256_DIGEST_SIZE];
	int ret;

	if (!s || lfce_round_no_commitment(a->t) ||
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
	lfce_craps_resolve(a->txn, a->rec->dice);
	a->txn->rolled = true;
	return lfce_round_publish_commitment(a);
}

/*
 * The shooter closes betting. The round's participants are the seats with
 * bets on the table plus the shooter; each must commit, then reveal, before
 * the deadline.
 */
int lfce_round_close(struct apply *a)
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
		if (lfce_craps_has_bets(lfce_txn_seat(a->txn, i)))
			r->participants |= BIT(i);
	a->t->stage = LFCE_STAGE_COMMIT;
	lfce_rules_update_deadline(a);
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

int lfce_round_commit(struct apply *a)
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

	lfce_round_put_le64(buf, r->number);
	for (i = 0; i < LFCE_MAX_SEATS; i++) {
		if (r->revealed & BIT(i)) {
			memcpy(buf + len, r->secret[i], 32);
			len += 32;
		}
	}
	ret = lfce_round_roll(a, buf, len);
	if (ret)
		return ret;
	a->t->stage = LFCE_STAGE_BETTING;
	lfce_rules_update_deadline(a);
	return 0;
}

int lfce_round_reveal(struct apply *a)
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
		if (!(seats & BIT(i)) || !lfce_craps_has_bets(lfce_txn_seat(a->txn, i)))
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
int lfce_round_expire(struct apply *a)
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
int lfce_round_host_roll(struct apply *a)
{
	u8 buf[8 + LFCE_SEED_SIZE];

	if (a->t->config.dice_mode != LFCE_DICE_HOST || a->t->stage != LFCE_STAGE_BETTING)
		return -EPROTO;
	lfce_round_put_le64(buf, a->t->rolls);
	return lfce_round_roll(a, buf, 8);
}
