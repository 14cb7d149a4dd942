// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: nobody can choose a roll, through the real device, as an
 * unprivileged user (uid 1001) who owns the game and holds its seats: the
 * strongest attacker there is short of root.
 *
 * For each way a roll is made (an EXPIRE after a withheld reveal, the
 * deciding vote of an agreed ROLL by a lone player, who is a quorum of one,
 * and a host ROLL by the owner), the attacker submits the rolling operation
 * followed by a guard, BET then UNBET of a one-roll field bet, which would
 * make the batch fail unless the roll paid, TRIES times. Every attempt must
 * be refused with EPROTO (nothing may follow a roll in its batch) and none
 * may commit. When the roll is finally made, the seed its record reveals
 * must open the commitment that was in the snapshot before the first
 * attempt, so that roll was fixed before anyone could act, and the dice
 * must re-derive from the journal with OpenSSL's SHA-256 and the uapi's
 * rejection sampling, written here from the uapi text, not from rules.c.
 *
 * The EXPIRE races the module's sweep, which expires the round too: there
 * the test checks the journal instead of each errno, and that no version
 * holds both an EXPIRE and the guard.
 */
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/sha.h>

#include "helpers.h"
#include "liblfce.h"

#define UID		1001
#define TRIES		300
#define FUNDS		1000
#define BANK		100000

struct game {
	int fd[2];			/* seat 0's handle (and the owner's), seat 1's */
	uint64_t id, nonce[2];
	const void *base;
	size_t size;
	struct lfce_snapshot s;
};

static void fail_setup(const char *what, int err)
{
	t_ok(0, "setup: %s: %s", what, lfce_strerror(err));
	exit(t_done());
}

static void read_snap(struct game *g)
{
	int ret = lfce_snapshot(g->fd[0], g->base, &g->s);

	if (ret)
		fail_setup("read the snapshot", ret);
}

/* Submit with the same nonces again while the retry budget runs out. */
static int submit(int fd, const struct lfce_op *ops, uint32_t n)
{
	return lfce_submit_retry(fd, ops, n, NULL, 100000);
}

static struct lfce_op player(struct game *g, uint16_t type, uint32_t seat)
{
	return (struct lfce_op){ .type = type, .seat = seat, .nonce = ++g->nonce[seat] };
}

/* A game in @mode with @seats seats, all this uid's, funded. */
static void game_new(struct game *g, uint32_t mode, unsigned int seats)
{
	struct lfce_config cfg = {
		.min_bet = 1, .max_bet = 1000, .odds_max = 3, .field12_pays = 2,
		.dice_mode = mode, .reveal_timeout_ns = 500000000, .max_seats = 2,
	};
	struct lfce_op dep = { .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK };
	unsigned int i;
	int ret;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < seats; i++) {
		g->fd[i] = lfce_open(O_RDWR);
		if (g->fd[i] < 0)
			fail_setup("open", g->fd[i]);
		ret = i ? lfce_attach(g->fd[i], g->id) : lfce_create(g->fd[0], &cfg, &g->id);
		ret = ret ?: lfce_join(g->fd[i], i, ++g->nonce[i], NULL, NULL, NULL);
		if (ret)
			fail_setup("create, attach or join", ret);
	}
	ret = lfce_map(g->fd[0], &g->base, &g->size);
	dep.u.amount.value = BANK;
	dep.nonce = 1;		/* the owner's own, above table.owner_nonce */
	ret = ret ?: submit(g->fd[0], &dep, 1);
	for (i = 0; i < seats && !ret; i++) {
		dep.seat = i;
		dep.nonce++;
		dep.u.amount.value = FUNDS;
		ret = submit(g->fd[0], &dep, 1);
	}
	if (ret)
		fail_setup("map or deposit", ret);
}

static void game_end(struct game *g)
{
	lfce_close_game(g->fd[0], g->id, LFCE_CLOSE_FORCE);
	lfce_unmap(g->base, g->size);
	close(g->fd[0]);
	if (g->fd[1] > 0)
		close(g->fd[1]);
}

static int bet(struct game *g, uint32_t seat, uint64_t amount)
{
	struct lfce_op op = player(g, LFCE_OP_BET, seat);

	op.u.bet.kind = LFCE_BET_FIELD;
	op.u.bet.amount = amount;
	return submit(g->fd[seat], &op, 1);
}

/*
 * The attack: @roll, then BET and UNBET of seat @seat's field bet, TRIES
 * times through @fd. Returns how many were refused with EPROTO; *@changed
 * counts the attempts after which the snapshot was not what it was.
 */
static unsigned int grind(struct game *g, int fd, const struct lfce_op *roll, uint32_t seat,
			  unsigned int *changed)
{
	struct lfce_snapshot before = g->s;
	struct lfce_op ops[3];
	unsigned int i, refused = 0;

	*changed = 0;
	for (i = 0; i < TRIES; i++) {
		ops[0] = *roll;
		ops[1] = player(g, LFCE_OP_BET, seat);
		ops[1].u.bet.kind = LFCE_BET_FIELD;
		ops[1].u.bet.amount = 1 + i % 5;
		ops[2] = player(g, LFCE_OP_UNBET, seat);
		ops[2].u.bet.kind = LFCE_BET_FIELD;
		ops[2].u.bet.amount = ops[1].u.bet.amount;
		refused += submit(fd, ops, 3) == -EPROTO;
		read_snap(g);
		*changed += !!memcmp(&before, &g->s, sizeof(before));
	}
	return refused;
}

/*
 * The attack where nothing else writes: every guarded attempt refused with
 * nothing changed, then @roll alone rolls. The snapshot before is in *@before.
 */
static void grind_then_roll(struct game *g, const struct lfce_op *roll, const char *how,
			    struct lfce_snapshot *before)
{
	unsigned int refused, changed;

	read_snap(g);
	*before = g->s;
	refused = grind(g, g->fd[0], roll, 0, &changed);
	t_ok(refused == TRIES && !changed,
	     "%s: %u of %u guarded attempts refused (EPROTO), %u changed anything", how,
	     refused, TRIES, changed);
	t_ok(!submit(g->fd[0], roll, 1), "%s: alone, it rolls", how);
}

/* Dice as the uapi's "Dice" section says: rejection sampling, rehashing. */
static void uapi_dice(const uint8_t *buf, size_t len, uint8_t dice[2])
{
	uint8_t h[32];
	unsigned int i, n = 0;

	SHA256(buf, len, h);
	for (;;) {
		for (i = 0; i < 32 && n < 2; i++)
			if (h[i] < 252)
				dice[n++] = h[i] % 6 + 1;
		if (n == 2)
			return;
		SHA256(h, 32, h);
	}
}

static void put_le64(uint8_t *p, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

/*
 * The record that made the roll after snapshot @before: its seed opens
 * before's commitment and its dice re-derive from @mix (@len bytes, room
 * for the seed after them).
 */
static void check_roll(struct game *g, const struct lfce_snapshot *before, const char *how,
		       uint8_t *mix, size_t len)
{
	struct lfce_record r = {};
	uint64_t n;
	uint8_t h[32], dice[2];
	int found = 0;

	read_snap(g);
	for (n = before->table.records; n < g->s.table.records && !found; n++)
		found = !lfce_journal_record(g->base, n, &r) && r.dice[0];
	if (!t_ok(found, "%s: the roll is in the journal", how))
		return;
	SHA256(r.seed, sizeof(r.seed), h);
	t_ok(!memcmp(h, before->table.seed_commitment, 32),
	     "%s: its seed opens the commitment in the snapshot before the first attempt", how);
	memcpy(mix + len, r.seed, 32);
	uapi_dice(mix, len + 32, dice);
	t_ok(dice[0] == r.dice[0] && dice[1] == r.dice[1],
	     "%s: %u+%u re-derives from the journal (%u+%u)", how, r.dice[0], r.dice[1], dice[0],
	     dice[1]);
	t_ok(!memcmp(r.commitment, g->s.table.seed_commitment, 32) &&
	     memcmp(r.commitment, before->table.seed_commitment, 32),
	     "%s: the record publishes the next roll's commitment", how);
}

/* A version that holds an EXPIRE and the guard's BET: a guarded expiry. */
static unsigned int guarded_expiries(struct game *g, uint64_t from)
{
	struct lfce_record r;
	uint64_t n, expire_version = 0;
	unsigned int found = 0;

	for (n = from; n < g->s.table.records; n++) {
		if (lfce_journal_record(g->base, n, &r))
			continue;
		if (r.op.type == LFCE_OP_EXPIRE)
			expire_version = r.version;
		else if (r.version == expire_version && r.op.type == LFCE_OP_BET)
			found++;
	}
	return found;
}

static unsigned int expiries(struct game *g, uint64_t from)
{
	struct lfce_record r;
	unsigned int found = 0;
	uint64_t n;

	for (n = from; n < g->s.table.records; n++)
		found += !lfce_journal_record(g->base, n, &r) && r.op.type == LFCE_OP_EXPIRE;
	return found;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Seat 1 bets and withholds its reveal; the attacker grinds the EXPIRE. */
static void expire_attack(void)
{
	struct lfce_op op, expire = { .type = LFCE_OP_EXPIRE, .seat = LFCE_SEAT_BANK };
	uint8_t secret[2][32], mix[8 + 32 + 32];
	struct lfce_snapshot before;
	unsigned int i, changed;
	struct game g;
	uint64_t from;

	game_new(&g, LFCE_DICE_COMMIT_REVEAL, 2);
	if (bet(&g, 1, 10) || (op = player(&g, LFCE_OP_CLOSE, 0), submit(g.fd[0], &op, 1)))
		fail_setup("bet or close", -EPROTO);
	read_snap(&g);
	for (i = 0; i < 2; i++) {
		memset(secret[i], 0x60 + i, 32);
		op = player(&g, LFCE_OP_COMMIT, i);
		memcpy(mix, secret[i], 32);	/* SHA-256(secret || le64 round) */
		put_le64(mix + 32, g.s.round.number);
		SHA256(mix, 40, op.u.commit.digest);
		if (submit(g.fd[i], &op, 1))
			fail_setup("commit", -EPROTO);
	}
	op = player(&g, LFCE_OP_REVEAL, 0);
	memcpy(op.u.reveal.secret, secret[0], 32);
	if (submit(g.fd[0], &op, 1))
		fail_setup("reveal", -EPROTO);
	read_snap(&g);
	before = g.s;
	from = g.s.table.records;
	/* Just past the deadline, racing the sweep as an attacker would. */
	sleep_ms(520);
	grind(&g, g.fd[1], &expire, 1, &changed);
	for (i = 0; i < 200 && g.s.table.stage != LFCE_STAGE_BETTING; i++) {
		sleep_ms(50);	/* the sweep, at the latest */
		read_snap(&g);
	}
	t_ok(!guarded_expiries(&g, from),
	     "expire: none of %u guarded EXPIREs committed", TRIES);
	t_ok(expiries(&g, from) == 1, "expire: the round expired once (%u)", expiries(&g, from));
	t_ok(g.s.seat[1].bets[LFCE_BET_FIELD] == 0 && g.s.seat[1].balance == FUNDS - 10,
	     "expire: the withholder forfeited its bet");
	put_le64(mix, before.round.number);
	memcpy(mix + 8, secret[0], 32);
	check_roll(&g, &before, "expire", mix, 40);
	game_end(&g);
}

/* A lone player, a quorum of one, grinds its deciding vote on a ROLL. */
static void agreed_attack(void)
{
	struct lfce_op op, vote;
	struct lfce_record r;
	struct lfce_snapshot before;
	uint8_t mix[8 + 32];
	struct game g;

	game_new(&g, LFCE_DICE_AGREEMENT, 1);
	if (bet(&g, 0, 10))
		fail_setup("bet", -EPROTO);
	op = player(&g, LFCE_OP_PROPOSE, 0);
	op.u.propose.action = LFCE_OP_ROLL;
	if (submit(g.fd[0], &op, 1))
		fail_setup("propose", -EPROTO);
	read_snap(&g);
	if (lfce_journal_record(g.base, g.s.table.records - 1, &r))
		fail_setup("the proposal's record", -ENOENT);
	vote = player(&g, LFCE_OP_VOTE, 0);
	vote.u.vote.id = r.op.u.propose.id;
	vote.u.vote.choice = LFCE_VOTE_FOR;
	grind_then_roll(&g, &vote, "agreed vote", &before);
	t_ok(submit(g.fd[0], &vote, 1) == -EALREADY, "agreed: and cannot be cast again");
	put_le64(mix, vote.u.vote.id);
	check_roll(&g, &before, "agreed", mix, 8);
	game_end(&g);
}

/* The owner of a host-dice game grinds ROLL. */
static void host_attack(void)
{
	/* Above the deposits' owner nonces (game_new()). */
	struct lfce_op roll = { .type = LFCE_OP_ROLL, .seat = LFCE_SEAT_BANK, .nonce = 100 };
	struct lfce_snapshot before;
	uint8_t mix[8 + 32];
	struct game g;

	game_new(&g, LFCE_DICE_HOST, 1);
	if (bet(&g, 0, 10))
		fail_setup("bet", -EPROTO);
	grind_then_roll(&g, &roll, "host", &before);
	put_le64(mix, before.table.rolls);
	check_roll(&g, &before, "host", mix, 8);
	game_end(&g);
}

int main(void)
{
	if (t_become(UID))
		t_skip("cannot become uid 1001");
	expire_attack();
	agreed_attack();
	host_attack();
	return t_done();
}
