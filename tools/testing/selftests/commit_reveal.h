/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Commit-reveal rounds, for consensus-rounds and consensus-withheld: the
 * agents' moves, and the oracle that re-derives every roll from the journal
 * with its own SHA-256 (OpenSSL) and rejection sampling, written from
 * DESIGN.md and the uapi, not from rules.c: re-using the module's function
 * would prove nothing. Static functions only, like agents.h.
 */
#ifndef LFCE_TEST_COMMIT_REVEAL_H
#define LFCE_TEST_COMMIT_REVEAL_H

#include <sys/random.h>
#include <openssl/sha.h>

#include "agents.h"

static inline void put_le64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}
/* ---- Oracles: written from DESIGN.md and the uapi, not from rules.c ---- */

/* Two dice from bytes below 252, in order; re-hash while fewer qualify. */
static inline void oracle_dice(const uint8_t *data, size_t len, uint8_t dice[2])
{
	uint8_t h[SHA256_DIGEST_LENGTH], next[SHA256_DIGEST_LENGTH];
	unsigned int i, n;

	SHA256(data, len, h);
	for (;;) {
		for (i = n = 0; i < sizeof(h) && n < 2; i++)
			if (h[i] < 252)
				dice[n++] = h[i] % 6 + 1;
		if (n == 2)
			return;
		SHA256(h, sizeof(h), next);
		memcpy(h, next, sizeof(h));
	}
}

static inline void oracle_commitment(const uint8_t secret[32], uint64_t round, uint8_t out[32])
{
	uint8_t buf[40];

	memcpy(buf, secret, 32);
	put_le64(buf + 32, round);
	SHA256(buf, sizeof(buf), out);
}
/* What the rolls of a journal should have been, and what they were. */
struct roll_check {
	unsigned int closes, commits, reveals, bad_reveals;
	unsigned int rolls, by_reveal, by_expire, wrong;
	unsigned int bad_seeds;		/* revealed seed != its commitment */
	uint64_t round;
	uint8_t commitment[32];		/* in force: the next roll's seed's */
	uint32_t revealed;		/* in the round under way */
	uint8_t digest[LFCE_MAX_SEATS][32];
	uint8_t secret[LFCE_MAX_SEATS][32];
};

/* The mix: le64(round), the reveals in seat order, the kernel's seed. */
static inline void oracle_roll(const struct roll_check *c, const struct lfce_record *r, uint8_t dice[2])
{
	uint8_t buf[8 + 32 * (LFCE_MAX_SEATS + 1)];
	size_t len = 8;
	unsigned int i;

	put_le64(buf, c->round);
	for (i = 0; i < LFCE_MAX_SEATS; i++) {
		if (c->revealed & BIT(i)) {
			memcpy(buf + len, c->secret[i], 32);
			len += 32;
		}
	}
	memcpy(buf + len, r->seed, 32);
	len += 32;
	oracle_dice(buf, len, dice);
}

/* A roll's seed must open the commitment published before it. */
static inline void seed_record(struct roll_check *c, const struct lfce_record *r)
{
	static const uint8_t zero[32];
	uint8_t h[32];

	if (r->dice[0]) {
		SHA256(r->seed, sizeof(r->seed), h);
		c->bad_seeds += !!memcmp(h, c->commitment, 32) || !memcmp(c->commitment, zero, 32);
	}
	if (memcmp(r->commitment, zero, 32))
		memcpy(c->commitment, r->commitment, 32);
}

static inline void roll_record(struct roll_check *c, const struct lfce_record *r)
{
	uint32_t seat = r->op.seat;
	uint8_t want[32], dice[2];

	switch (r->op.type) {
	case LFCE_OP_CLOSE:
		c->closes++;
		c->round++;
		c->revealed = 0;
		break;
	case LFCE_OP_COMMIT:
		c->commits++;
		memcpy(c->digest[seat], r->op.u.commit.digest, 32);
		break;
	case LFCE_OP_REVEAL:
		c->reveals++;
		oracle_commitment(r->op.u.reveal.secret, c->round, want);
		c->bad_reveals += !!memcmp(want, c->digest[seat], 32);
		memcpy(c->secret[seat], r->op.u.reveal.secret, 32);
		c->revealed |= BIT(seat);
		break;
	}
	seed_record(c, r);
	if (!r->dice[0])
		return;
	c->rolls++;
	c->by_reveal += r->op.type == LFCE_OP_REVEAL;
	c->by_expire += r->op.type == LFCE_OP_EXPIRE;
	oracle_roll(c, r, dice);
	c->wrong += dice[0] != r->dice[0] || dice[1] != r->dice[1] ||
		    (r->op.type != LFCE_OP_REVEAL && r->op.type != LFCE_OP_EXPIRE);
}

/* Walk a game's journal from its first record. */
static inline void check_rolls(const struct lfce_record *rec, uint64_t n, struct roll_check *c)
{
	uint64_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < n; i++)
		roll_record(c, &rec[i]);
}
/* ---- Commit-reveal rounds ---- */

static inline bool every_seat_bet(const struct lfce_snapshot *s)
{
	unsigned int i;

	for (i = 0; i < s->table.config.max_seats; i++)
		if ((s->seat[i].flags & LFCE_SEAT_BOUND) && !s->seat[i].bets[LFCE_BET_FIELD])
			return false;
	return true;
}

/* A field bet every round; the pass line too on come-out, for some. */
static inline int place_bets(struct agent *a)
{
	struct lfce_op ops[2] = {};
	unsigned int n = 0;
	int ret;

	if (a->pass && a->s.table.phase == LFCE_PHASE_COME_OUT) {
		ops[n].type = LFCE_OP_BET;
		ops[n].u.bet.kind = LFCE_BET_PASS;
		ops[n++].u.bet.amount = 10;
	}
	ops[n].type = LFCE_OP_BET;
	ops[n].u.bet.kind = LFCE_BET_FIELD;
	ops[n++].u.bet.amount = 5 + a->seat;
	ret = agent_submit(a, ops, n);
	return ret ? agent_fail(a, "bet", ret) : AGENT_OK;
}

static inline int close_betting(struct agent *a)
{
	struct lfce_op op = { .type = LFCE_OP_CLOSE };
	int ret = agent_submit(a, &op, 1);

	return ret ? agent_fail(a, "close", ret) : AGENT_OK;
}

/* A deadline that passed moves the round on without us: not a failure. */
static inline int round_refused(struct agent *a, const char *what, int ret)
{
	if (ret == -ETIME || ret == -EPROTO) {
		add(&sh->moved_on, 1);
		return AGENT_OK;
	}
	return ret ? agent_fail(a, what, ret) : AGENT_OK;
}

static inline int commit_secret(struct agent *a)
{
	struct lfce_op op = { .type = LFCE_OP_COMMIT };

	if (getrandom(a->secret, sizeof(a->secret), 0) != sizeof(a->secret))
		return agent_fail(a, "getrandom", -errno);
	a->round = a->s.round.number;
	oracle_commitment(a->secret, a->round, op.u.commit.digest);
	return round_refused(a, "commit", agent_submit(a, &op, 1));
}

static inline int reveal_secret(struct agent *a)
{
	struct lfce_op op = { .type = LFCE_OP_REVEAL };

	if (a->round != a->s.round.number)
		return agent_fail(a, "reveal: no secret for this round", -ENOENT);
	memcpy(op.u.reveal.secret, a->secret, 32);
	return round_refused(a, "reveal", agent_submit(a, &op, 1));
}

/* One move, if the copy in a->s calls for one of ours. */
static inline int round_move(struct agent *a)
{
	const struct lfce_snapshot *s = &a->s;
	uint32_t bit = BIT(a->seat);

	switch (s->table.stage) {
	case LFCE_STAGE_BETTING:
		if (!s->seat[a->seat].bets[LFCE_BET_FIELD])
			return place_bets(a);
		if (s->table.shooter == a->seat && every_seat_bet(s))
			return close_betting(a);
		break;
	case LFCE_STAGE_COMMIT:
		if ((s->round.participants & bit) && !(s->round.committed & bit))
			return commit_secret(a);
		break;
	case LFCE_STAGE_REVEAL:
		if ((s->round.participants & bit) && !(s->round.revealed & bit) && !a->withhold)
			return reveal_secret(a);
		break;
	}
	return AGENT_OK;
}

/* Play round moves until @done says this agent is done, or the cap. */
static inline int play_until(struct agent *a, int (*done)(const struct agent *a))
{
	uint64_t cap = cap_ns();
	int ret;

	while (!past(cap)) {
		if (agent_read(a))
			return AGENT_REFUSED;
		if (done(a))
			return AGENT_OK;
		ret = round_move(a);
		if (ret)
			return ret;
		agent_wait(a);
	}
	return AGENT_CAP;
}
#endif /* LFCE_TEST_COMMIT_REVEAL_H */
