// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: libFuzzer target over operation decoding and application.
 * Each input is a script of batches of operations, decoded from bytes so
 * that most land near the valid space (types, seats, bet kinds, nonces,
 * matching commitments, proposals, and votes on recent ids by seats that
 * have not voted yet, so that quorums are reached) while every field can
 * still be wrong. Time jumps by up to 255 s a batch, so deadlines pass and
 * proposals lapse inside commits. After every batch: a refused batch left
 * the snapshot byte-identical; an accepted one advanced the version by
 * one, added a record per operation plus only LAPSE records, none after a
 * roll, gave each owner operation a nonce above the last, kept tokens
 * conserved, and left a snapshot lfce_rules_check_snapshot() accepts
 * (every proposal's tally consistent with its state, among the rest). At
 * the end the journal's digest chain must match the snapshot, a replay of
 * the journal must reproduce every record and the snapshot byte for byte,
 * and every node must be back in the allocator.
 *
 * Inputs that once found a bug are kept in corpus/ as regress-<what>, each
 * named in REGRESSIONS with the commit that fixed it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../../module/engine.h"
#include "../../../../module/rules.h"
#include "../../../lib/liblfce.h"
#include "../replay.h"
#include "shim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OP_BYTES	12
#define SEATS		3
#define FZ_RECORDS	512	/* the journal ring: the whole game stays in it */

static const struct lfce_params params = {
	.game_id = 7,
	.slots = 2,
	.records = FZ_RECORDS,
	.pool_cap = 256,
	.retry_budget = 8,
	.batch_max = 4,
};

struct fuzz {
	struct lfce_engine e;
	struct lfce_writer w;
	struct lfce_record rec[LFCE_TXN_RECORDS(4)];
	struct lfce_snapshot before, after;
	struct lfce_seed_key seeds;	/* a fixed key: runs replay */
	u64 nonce[SEATS];
	u64 owner_nonce;		/* DEPOSIT, WITHDRAW, SETTLE, ROLL */
	u64 now;
	struct {
		u64 id;
		u32 seat;
	} vote[4];			/* this batch's votes, as decoded */
	unsigned int votes;
};

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_ops: %s\n", what);
		abort();
	}
}

/* The secret a well-behaved seat uses in round @round. */
static void secret_for(u32 seat, u64 round, u8 secret[32])
{
	memset(secret, 0, 32);
	secret[0] = seat;
	memcpy(secret + 8, &round, sizeof(round));
}

static u32 decode_seat(u8 b)
{
	switch (b % 8) {
	case 5:
		return LFCE_SEAT_BANK;
	case 6:
		return LFCE_MAX_SEATS + b;
	default:
		return b % 8 % SEATS + (b % 8 == 4 ? SEATS : 0);
	}
}

/* The proposal a VOTE or LAPSE names: mostly one of the newest. */
static u64 decode_id(struct fuzz *f, const u8 *b)
{
	return f->before.table.proposals + 1 - b[5] % 4;
}

/* Seats that may vote on @id: its electorate's, or the active ones if new. */
static u32 voters(struct fuzz *f, u64 id)
{
	const struct lfce_snapshot *s = &f->before;
	u32 can = 0;
	unsigned int i;

	for (i = 0; i < LFCE_MAX_PROPOSALS; i++)
		if (s->proposal[i].state != LFCE_PROP_FREE && s->proposal[i].id == id)
			can = s->proposal[i].electorate & ~(s->proposal[i].votes_for |
				s->proposal[i].votes_against | s->proposal[i].gone);
	if (id > s->table.proposals)	/* opened earlier in this batch */
		for (i = 0; i < SEATS; i++)
			if ((s->seat[i].flags & (LFCE_SEAT_BOUND | LFCE_SEAT_BANNED)) ==
			    LFCE_SEAT_BOUND)
				can |= BIT(i);
	for (i = 0; i < f->votes; i++)
		if (f->vote[i].id == id)
			can &= ~BIT(f->vote[i].seat);
	return can;
}

/*
 * Who votes: mostly (@b[1] % 8 < 5) one of the seats that may still vote
 * on the proposal, none voting twice in a batch, so that quorums are
 * reached; else a seat as for any operation.
 */
static u32 decode_voter(struct fuzz *f, const u8 *b)
{
	u64 id = decode_id(f, b);
	u32 can = voters(f, id), seat;
	unsigned int k;

	if (b[1] % 8 >= 5 || !can)
		return decode_seat(b[1]);
	for (k = b[1] / 8 % hweight32(can); k; k--)
		can &= can - 1;
	seat = __ffs(can);
	f->vote[f->votes].id = id;
	f->vote[f->votes++].seat = seat;
	return seat;
}

static u64 decode_amount(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	switch (v & 3) {
	case 0:
		return 0;
	case 1:
		return (v >> 2) % 50;
	case 2:
		return (v >> 2) % 100000;
	default:
		return (u64)v << 20;
	}
}

static void decode_proposal(const u8 *b, typeof(((struct lfce_op *)0)->u.propose) *p)
{
	static const u16 actions[] = {
		LFCE_OP_TRANSFER, LFCE_OP_BAN, LFCE_OP_ROLL, LFCE_OP_CONFIG, LFCE_OP_BET,
	};

	p->action = actions[b[5] % ARRAY_SIZE(actions)];
	p->seat = b[6] % 5;
	p->to = b[6] / 5 % 5;
	p->param = b[7] % (LFCE_PARAM_NR + 1);
	if (p->action == LFCE_OP_TRANSFER || p->action == LFCE_OP_CONFIG)
		p->value = decode_amount(b + 8);
	if (p->action == LFCE_OP_BAN || p->action == LFCE_OP_ROLL) {
		p->to = 0;
		p->param = 0;
	}
	if (p->action == LFCE_OP_ROLL)
		p->seat = 0;
	if (p->action == LFCE_OP_TRANSFER)
		p->param = 0;
	if (p->action == LFCE_OP_CONFIG)
		p->seat = p->to = 0;
}

/* The owner's operations, with the game's own nonce (uapi "Operations"). */
static bool owner_op(u16 type)
{
	return type == LFCE_OP_DEPOSIT || type == LFCE_OP_WITHDRAW ||
	       type == LFCE_OP_SETTLE || type == LFCE_OP_ROLL;
}

static void decode(struct fuzz *f, const u8 *b, struct lfce_op *op)
{
	u64 round = f->before.round.number;

	memset(op, 0, sizeof(*op));
	op->type = b[0] % (LFCE_OP_NR + 1);
	op->seat = op->type == LFCE_OP_VOTE ? decode_voter(f, b) : decode_seat(b[1]);
	if (op->seat < SEATS)
		op->nonce = (b[2] & 7) ? ++f->nonce[op->seat] : f->nonce[op->seat];
	/* Owner operations: the game's own sequence; a SETTLE at 0 is the kernel's. */
	if (owner_op(op->type))
		op->nonce = (b[2] & 7) ? ++f->owner_nonce : (b[2] & 8) ? 0 : f->owner_nonce;
	op->flags = b[3] == 0xff;
	if (b[4] == 0xfe)
		op->expected_version = f->before.table.version + (b[4] & 1);
	switch (op->type) {
	case LFCE_OP_COMMIT:
		secret_for(op->seat, (b[5] & 1) ? round : round + 1, op->u.reveal.secret);
		lfce_rules_commitment(op->u.reveal.secret, round, op->u.commit.digest);
		break;
	case LFCE_OP_REVEAL:
		secret_for(op->seat, (b[5] & 1) ? round : round + 1, op->u.reveal.secret);
		break;
	case LFCE_OP_JOIN:
		op->u.join.uid = 100 + b[5] % 4;
		break;
	case LFCE_OP_TRANSFER:
		op->u.amount.value = decode_amount(b + 6);
		op->u.amount.to = b[5] % 4;
		break;
	case LFCE_OP_DEPOSIT:
	case LFCE_OP_WITHDRAW:
		op->u.amount.value = decode_amount(b + 6);
		op->u.amount.to = b[5] == 0xff;		/* rarely: a stray byte */
		break;
	case LFCE_OP_SETTLE:
		op->u.amount.value = b[5] == 0xff;
		break;
	case LFCE_OP_EXPIRE:
	case LFCE_OP_ROLL:
		/* Nothing to choose: unused bytes must stay zero (EINVAL). */
		if (b[5] == 0xfd)
			op->u.raw[4] = b[6] | 1;
		break;
	case LFCE_OP_PROPOSE:
		decode_proposal(b, &op->u.propose);
		break;
	case LFCE_OP_VOTE:
	case LFCE_OP_LAPSE:
		/* Mostly the newest proposals, sometimes one that never was. */
		op->u.vote.id = decode_id(f, b);
		op->u.vote.choice = b[6] % 3;
		if (b[7] == 0xfd)
			op->u.raw[4] = b[8] | 1;
		if (op->type == LFCE_OP_LAPSE && (b[6] & 4))
			op->u.vote.choice = 0;
		break;
	default:
		op->u.bet.kind = b[5] % (LFCE_BET_NR + 2);
		op->u.bet.amount = decode_amount(b + 6);
		break;
	}
}

/*
 * The last commit's records: nothing follows the one that rolls ("Dice" in
 * uapi/linux/lfce.h: else a later operation could refuse a roll that did
 * not suit its submitter), and each owner operation but the kernel's
 * (nonce 0) has a nonce above the one before, table.owner_nonce in the end
 * ("Operations": applied once however often resubmitted). Returns how many
 * are LAPSE records.
 */
static unsigned int check_records(struct fuzz *f)
{
	u64 owner = f->before.table.owner_nonce, n;
	unsigned int found = 0;
	struct lfce_record r;
	bool rolled = false;

	for (n = f->before.table.records; n < f->after.table.records; n++) {
		check(!lfce_journal_record(f->e.pub.region, n, &r), "record missing");
		check(!rolled, "a record after a roll in its batch");
		rolled = r.dice[0];
		found += r.op.type == LFCE_OP_LAPSE && r.outcome == LFCE_PROP_EXPIRED;
		if (!owner_op(r.op.type) || !r.op.nonce)
			continue;
		check(r.op.nonce > owner, "an owner operation with a used nonce");
		owner = r.op.nonce;
	}
	check(f->after.table.owner_nonce == owner, "owner_nonce is not the last one used");
	return found;
}

static void run_batch(struct fuzz *f, const u8 *data, unsigned int n, u64 dt)
{
	struct lfce_op ops[4];
	unsigned int i;
	u64 v;
	int ret;

	lfce_engine_read(&f->e, &f->before, NULL);
	f->votes = 0;
	for (i = 0; i < n; i++)
		decode(f, data + i * OP_BYTES, &ops[i]);
	f->now += dt;
	ret = lfce_commit(&f->e, &f->w, ops, n, f->now, &v);
	lfce_engine_read(&f->e, &f->after, NULL);
	if (ret) {
		check(!memcmp(&f->before, &f->after, sizeof(f->before)),
		      "a refused batch changed the snapshot");
		return;
	}
	check(f->after.table.version == f->before.table.version + 1, "version not +1");
	check(f->after.table.records >= f->before.table.records + n &&
	      f->after.table.records <= f->before.table.records + LFCE_TXN_RECORDS(n),
	      "records not n plus lapses");
	check(check_records(f) >= f->after.table.records - f->before.table.records - n,
	      "an extra record that is not a LAPSE");
	check(lfce_rules_conserved(&f->after), "tokens not conserved");
	check(!lfce_rules_check_snapshot(&f->after), "a snapshot the rules call invalid");
}

/*
 * The journal in the ring, from record 0, must chain up to the snapshot, and
 * replayed on a fresh engine it must reproduce every record and the snapshot.
 */
static void check_journal(struct fuzz *f, const struct lfce_config *cfg)
{
	static struct lfce_record rec[FZ_RECORDS];
	u64 n;

	lfce_engine_read(&f->e, &f->after, NULL);
	for (n = 0; n < f->after.table.records; n++)
		check(!lfce_journal_record(f->e.pub.region, n, &rec[n]), "record missing");
	check(replay_chain_holds(rec, n, NULL, &f->after), "digest chain broken");
	check(replay_matches(cfg, NULL, rec, n, &f->after, NULL),
	      "the replay differs from the journal or the snapshot");
}

static void config_for(struct lfce_config *cfg, u8 dice_mode)
{
	lfce_rules_default_config(cfg);
	cfg->dice_mode = dice_mode % 4 % LFCE_DICE_NR;
	cfg->max_seats = 4;
	cfg->max_proposals = 1 + dice_mode / 4 % 3;
	/* Some games govern every parameter, some one, some none. */
	cfg->governable = dice_mode & 32 ? BIT(LFCE_PARAM_NR) - 1 :
			  dice_mode & 64 ? BIT(LFCE_PARAM_ODDS_MAX) : 0;
	if (dice_mode & 128)
		cfg->flags |= LFCE_CFG_HARDWAYS_WORK;
}

static void setup(struct fuzz *f, u8 dice_mode)
{
	struct lfce_config cfg;
	struct lfce_op op;
	unsigned int i;
	u64 v;

	config_for(&cfg, dice_mode);
	check(!lfce_engine_init(&f->e, &cfg, &params), "engine init");
	lfce_seed_key_init(&f->seeds, (const u8 [LFCE_SEED_SIZE]){ 7 });
	f->e.seeds = &f->seeds.ops;
	lfce_writer_init(&f->w, f->rec, ARRAY_SIZE(f->rec), dice_mode & 16);
	for (i = 0; i < SEATS; i++) {
		op = (struct lfce_op){ .type = LFCE_OP_JOIN, .seat = i, .nonce = ++f->nonce[i] };
		op.u.join.uid = 100 + i;
		check(!lfce_commit(&f->e, &f->w, &op, 1, 1, &v), "join");
		op = (struct lfce_op){ .type = LFCE_OP_DEPOSIT, .seat = i,
				       .nonce = ++f->owner_nonce };
		op.u.amount.value = 10000;
		check(!lfce_commit(&f->e, &f->w, &op, 1, 1, &v), "deposit");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool registered;
	long allocated = __atomic_load_n(&shim_nr_allocated, __ATOMIC_RELAXED);
	struct lfce_config cfg;
	struct fuzz *f;
	size_t pos = 1;
	unsigned int n;

	if (!registered) {
		shim_rcu_register_thread();
		registered = true;
	}
	if (!size)
		return 0;
	f = calloc(1, sizeof(*f));
	check(f != NULL, "calloc");
	f->now = 1;
	setup(f, data[0]);
	/* Records must stay in the ring for check_journal(). */
	while (pos + 2 <= size && f->before.table.records < params.records - LFCE_TXN_RECORDS(4)) {
		n = 1 + data[pos] % 4;
		if (pos + 2 + n * OP_BYTES > size)
			break;
		run_batch(f, data + pos + 2, n, data[pos + 1] * 1000000000ULL);
		pos += 2 + n * OP_BYTES;
		lfce_engine_read(&f->e, &f->before, NULL);
	}
	config_for(&cfg, data[0]);
	check_journal(f, &cfg);
	lfce_writer_release(&f->e, &f->w);
	lfce_engine_uninit(&f->e);
	free(f);
	check(__atomic_load_n(&shim_nr_allocated, __ATOMIC_RELAXED) == allocated,
	      "allocations leaked");
	return 0;
}
