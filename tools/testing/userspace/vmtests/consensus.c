// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: consensus among agents that are separate processes with
 * separate uids, each holding its seat through its own handle.
 *
 *  - Rounds: four agents play commit-reveal rounds; the shooter closes
 *    betting, every participant commits SHA-256(secret || le64(round)) and
 *    reveals. The parent re-derives every roll from the journal with its own
 *    SHA-256 (OpenSSL) and rejection sampling, written from DESIGN.md, not
 *    from rules.c: re-using the module's function would prove nothing.
 *  - Withheld reveal: one participant commits and never reveals; nobody
 *    submits EXPIRE, the module's sweep does after the deadline. The
 *    withholder forfeits to the bank, and the roll re-derives from the
 *    reveals received and the kernel seed the EXPIRE record reveals.
 *  - Proposals: three honest seats and a Byzantine one (n = 4, q = 3) vote
 *    from four processes at once. Valid proposals pass exactly once; the
 *    Byzantine seat's invalid ones are refused with nothing changed, its
 *    harmful ones are rejected; a proposal nobody votes on is lapsed by the
 *    sweep. An independent tally over the journal agrees with every record.
 *  - Retry storm: every operation is resubmitted with the same nonce after
 *    EAGAIN, and once more after success as if the reply had been lost; the
 *    second gets EALREADY and the journal holds each (seat, nonce) once.
 *  - Replay: every game's journal chains, replays from the start to a
 *    snapshot read through the mapping partway, and from that snapshot on
 *    (lfce_engine_restore()) to the kernel's final snapshot, byte for byte,
 *    with every record and every roll as the journal has them.
 *
 * Every snapshot anyone reads along the way must conserve tokens and keep
 * the quorum rules. No assertion is about how long something took: waits
 * are bounded by a generous cap only so that a hang fails instead of stalls.
 */
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <openssl/sha.h>

#include "helpers.h"
#include "liblfce.h"
#include "../replay.h"
#include "shim.h"

#define NSEC		1000000000ULL
#define SEATS		4		/* agents in a game, at most */
#define UID0		1000		/* agent i runs as uid and gid UID0 + i */
#define FUNDS		10000		/* each seat's deposit */
#define BANK		1000000		/* the bank's */
#define CAP_S		120		/* every wait ends here: a hang fails */
#define JOURNAL_MAX	4096		/* the module's default ring; we stay below */
#define EAGAIN_MAX	100000		/* resubmissions of one operation */

#define ROUNDS		8		/* game A: commit-reveal rounds */
#define WITHHOLDER	2		/* game B: commits, never reveals */
#define BYZANTINE	3		/* game C: votes against everything */
#define STORM_OPS	100		/* game D: submissions per agent */

/* How an agent process ends: its exit status. */
enum {
	AGENT_OK,
	AGENT_SETUP = 2,	/* could not become its uid, open, join or map */
	AGENT_CAP,		/* a wait ran into CAP_S */
	AGENT_REFUSED,		/* an operation failed that should not have */
};

/* Game C's script: the parent sets the step, each agent does its part. */
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

/* Shared between the parent and the agents: test plumbing, not game state. */
struct shared {
	int phase;			/* game C: the step the parent asks for */
	int done[SEATS];		/* game C: the last step each agent did */
	uint64_t base;			/* game C: proposals opened before the step */
	int byz_err[BYZ_TRIES];		/* game C: what the invalid proposals got */
	long snapshots;			/* copies read, by anyone */
	long unconserved;		/* ... that broke conservation */
	long invalid;			/* ... that lfce_rules_check_snapshot() refused */
	long eagain;			/* EAGAIN, resubmitted with the same nonce */
	long moved_on;			/* commit or reveal too late for its round */
	long storm_ops[SEATS];		/* game D: operations committed */
	long storm_dups[SEATS];		/* ... submissions resubmitted */
	long storm_already[SEATS];	/* ... resubmissions refused with EALREADY */
	long storm_changed[SEATS];	/* ... resubmissions that changed the seat */
};

static struct shared *sh;

struct game {
	const char *name;
	struct lfce_config cfg;
	uint64_t id;
	int fd;				/* the owner's (root's) handle */
	uint64_t owner_nonce;		/* the owner's last nonce */
	const void *base;
	size_t size;
	unsigned int agents;
	pid_t pid[SEATS];
	int bad;			/* agents that did not exit 0 */
	bool funded;
	int mid_rolls;			/* take mid once this many rolls; -1: by hand */
	bool have_mid;
	struct lfce_snapshot mid;	/* read partway: where the replay starts */
	struct lfce_snapshot s;		/* the parent's latest copy */
};

/* One agent: a process, a uid, a handle holding one seat. */
struct agent {
	int fd;
	uint32_t seat;
	uint64_t nonce;			/* the seat's last nonce */
	const void *base;
	size_t size;
	bool pass;			/* also backs the pass line on come-out */
	bool withhold;			/* commits, never reveals */
	uint64_t round;			/* the round @secret is for; 0: none */
	uint8_t secret[32];
	struct lfce_snapshot s;		/* the latest copy */
};

static struct lfce_record journal[JOURNAL_MAX];

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

static uint64_t cap_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC) + CAP_S * NSEC;
}

static bool past(uint64_t cap)
{
	return clock_ns(CLOCK_MONOTONIC) > cap;
}

static unsigned long long ull(uint64_t v)
{
	return v;
}

static void add(long *counter, long n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

/* ---- Oracles: written from DESIGN.md and the uapi, not from rules.c ---- */

/* Two dice from bytes below 252, in order; re-hash while fewer qualify. */
static void oracle_dice(const uint8_t *data, size_t len, uint8_t dice[2])
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

static void oracle_commitment(const uint8_t secret[32], uint64_t round, uint8_t out[32])
{
	uint8_t buf[40];

	memcpy(buf, secret, 32);
	put_le64(buf + 32, round);
	SHA256(buf, sizeof(buf), out);
}

/*
 * Every copy anyone reads must conserve tokens and be a snapshot the rules
 * could have made: lfce_rules_check_snapshot() holds each proposal's tally
 * to its state and its frozen q = ceil(2n/3), among the rest.
 */
static void observe(const struct lfce_snapshot *s)
{
	add(&sh->snapshots, 1);
	if (!lfce_tokens_conserved(s))
		add(&sh->unconserved, 1);
	if (lfce_rules_check_snapshot(s))
		add(&sh->invalid, 1);
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
static void oracle_roll(const struct roll_check *c, const struct lfce_record *r, uint8_t dice[2])
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
static void seed_record(struct roll_check *c, const struct lfce_record *r)
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

static void roll_record(struct roll_check *c, const struct lfce_record *r)
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
static void check_rolls(const struct lfce_record *rec, uint64_t n, struct roll_check *c)
{
	uint64_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < n; i++)
		roll_record(c, &rec[i]);
}

/* ---- Agents: each a process of its own uid ---- */

static int agent_fail(struct agent *a, const char *what, int err)
{
	fprintf(stderr, "consensus: seat %u: %s: %s\n", a->seat, what, lfce_strerror(err));
	return AGENT_REFUSED;
}

/* In the child: become uid UID0 + seat, then open, attach, join and map. */
static int agent_join(struct agent *a, uint64_t game, uint32_t seat, int flags)
{
	uint8_t id[32] = "agent";
	uid_t uid = UID0 + seat;
	int ret;

	a->seat = seat;
	a->nonce = 1;
	id[5] = '0' + seat;
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		return -errno;
	a->fd = lfce_open(O_RDWR | flags);
	if (a->fd < 0)
		return a->fd;
	ret = lfce_attach(a->fd, game);
	if (!ret)
		ret = lfce_join(a->fd, seat, a->nonce, id, NULL, NULL);
	if (!ret)
		ret = lfce_map(a->fd, &a->base, &a->size);
	return ret;
}

static int agent_read(struct agent *a)
{
	int ret = lfce_snapshot(a->fd, a->base, &a->s);

	if (!ret)
		observe(&a->s);
	return ret;
}

/*
 * Sleep until the journal moves: poll() reports unread records, so read
 * them to move the handle's cursor on. The timeout only covers a commit
 * published between our copy and the poll.
 */
static void agent_wait(struct agent *a)
{
	struct pollfd p = { .fd = a->fd, .events = POLLIN };
	struct lfce_record buf[32];

	if (poll(&p, 1, 10) > 0 && (p.revents & POLLIN) && read(a->fd, buf, sizeof(buf)) < 0)
		usleep(1000);
}

/* Submit @ops as they are; EAGAIN committed nothing: same ops, same nonces. */
static int submit_until_done(int fd, const struct lfce_op *ops, unsigned int n,
			     uint64_t *version)
{
	unsigned int tries;
	int ret;

	for (tries = 0; ; tries++) {
		ret = lfce_submit(fd, ops, n, version);
		if (ret != -EAGAIN || tries == EAGAIN_MAX)
			return ret;
		add(&sh->eagain, 1);
		sched_yield();
	}
}

static int resubmit(struct agent *a, const struct lfce_op *ops, unsigned int n)
{
	return submit_until_done(a->fd, ops, n, NULL);
}

/* Submit @n player operations with the seat's next nonces. */
static int agent_submit(struct agent *a, struct lfce_op *ops, unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ops[i].seat = a->seat;
		ops[i].nonce = a->nonce + 1 + i;
	}
	ret = resubmit(a, ops, n);
	if (!ret)
		a->nonce += n;
	return ret;
}

/* Wait for the owner's deposit: the parent funds seats once all joined. */
static int agent_funded(struct agent *a)
{
	uint64_t cap = cap_ns();

	while (!past(cap)) {
		if (agent_read(a))
			return AGENT_REFUSED;
		if (a->s.seat[a->seat].balance)
			return AGENT_OK;
		agent_wait(a);
	}
	return AGENT_CAP;
}

typedef int (*agent_fn)(struct agent *a);

#define ROLE_PASS	(1U << 0)	/* also backs the pass line */
#define ROLE_WITHHOLD	(1U << 1)	/* commits, never reveals */

/*
 * Fork agent @seat of @g with @role: it runs @fn as uid UID0 + seat, on a
 * handle opened with @flags, then exits.
 */
static void spawn(struct game *g, uint32_t seat, agent_fn fn, unsigned int role, int flags)
{
	static struct agent a;
	pid_t pid;
	int ret;

	fflush(stdout);
	pid = fork();
	if (pid) {
		g->pid[seat] = pid;
		return;
	}
	close(g->fd);		/* the owner's handle stays the owner's */
	a.pass = role & ROLE_PASS;
	a.withhold = role & ROLE_WITHHOLD;
	ret = agent_join(&a, g->id, seat, flags);
	if (ret) {
		fprintf(stderr, "consensus: seat %u: setup: %s\n", seat, lfce_strerror(ret));
		_exit(AGENT_SETUP);
	}
	ret = agent_funded(&a);
	_exit(ret ? ret : fn(&a));
}

/* ---- Commit-reveal rounds (games A and B) ---- */

static bool every_seat_bet(const struct lfce_snapshot *s)
{
	unsigned int i;

	for (i = 0; i < s->table.config.max_seats; i++)
		if ((s->seat[i].flags & LFCE_SEAT_BOUND) && !s->seat[i].bets[LFCE_BET_FIELD])
			return false;
	return true;
}

/* A field bet every round; the pass line too on come-out, for some. */
static int place_bets(struct agent *a)
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

static int close_betting(struct agent *a)
{
	struct lfce_op op = { .type = LFCE_OP_CLOSE };
	int ret = agent_submit(a, &op, 1);

	return ret ? agent_fail(a, "close", ret) : AGENT_OK;
}

/* A deadline that passed moves the round on without us: not a failure. */
static int round_refused(struct agent *a, const char *what, int ret)
{
	if (ret == -ETIME || ret == -EPROTO) {
		add(&sh->moved_on, 1);
		return AGENT_OK;
	}
	return ret ? agent_fail(a, what, ret) : AGENT_OK;
}

static int commit_secret(struct agent *a)
{
	struct lfce_op op = { .type = LFCE_OP_COMMIT };

	if (getrandom(a->secret, sizeof(a->secret), 0) != sizeof(a->secret))
		return agent_fail(a, "getrandom", -errno);
	a->round = a->s.round.number;
	oracle_commitment(a->secret, a->round, op.u.commit.digest);
	return round_refused(a, "commit", agent_submit(a, &op, 1));
}

static int reveal_secret(struct agent *a)
{
	struct lfce_op op = { .type = LFCE_OP_REVEAL };

	if (a->round != a->s.round.number)
		return agent_fail(a, "reveal: no secret for this round", -ENOENT);
	memcpy(op.u.reveal.secret, a->secret, 32);
	return round_refused(a, "reveal", agent_submit(a, &op, 1));
}

/* One move, if the copy in a->s calls for one of ours. */
static int round_move(struct agent *a)
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

/* Game A: ROUNDS rounds, then stop at the next betting stage. */
static int play_rounds(struct agent *a)
{
	uint64_t cap = cap_ns();
	int ret;

	while (!past(cap)) {
		if (agent_read(a))
			return AGENT_REFUSED;
		if (a->s.table.stage == LFCE_STAGE_BETTING && a->s.table.rolls >= ROUNDS)
			return AGENT_OK;
		ret = round_move(a);
		if (ret)
			return ret;
		agent_wait(a);
	}
	return AGENT_CAP;
}

/* Game B: one round; the withholder leaves once committed, others once revealed. */
static int play_withheld(struct agent *a)
{
	uint32_t bit = BIT(a->seat);
	uint64_t cap = cap_ns();
	int ret;

	while (!past(cap)) {
		if (agent_read(a))
			return AGENT_REFUSED;
		if (a->s.table.rolls ||
		    (a->s.table.stage != LFCE_STAGE_BETTING &&
		     (a->withhold ? a->s.round.committed : a->s.round.revealed) & bit))
			return AGENT_OK;
		ret = round_move(a);
		if (ret)
			return ret;
		agent_wait(a);
	}
	return AGENT_CAP;
}

/* ---- Proposals (game C) ---- */

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

	sh->byz_err[0] = propose(a, LFCE_OP_TRANSFER, a->seat, 0, 0, over);
	sh->byz_err[1] = propose(a, LFCE_OP_BAN, 5, 0, 0, 0);
	sh->byz_err[2] = propose(a, LFCE_OP_CONFIG, 0, 0, LFCE_PARAM_FIELD12_PAYS, 5);
	sh->byz_err[3] = propose(a, LFCE_OP_CONFIG, 0, 0, LFCE_PARAM_ODDS_MAX, 0);
	op.u.amount.value = 100;
	op.u.amount.to = a->seat;
	sh->byz_err[4] = agent_submit(a, &op, 1);
	sh->byz_err[5] = vote(a, 1000, LFCE_VOTE_FOR);
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

/* Game C: follow the parent's script, one step at a time. */
static int play_proposals(struct agent *a)
{
	uint64_t cap = cap_ns();
	int phase, done = PH_NONE, ret;

	while (!past(cap)) {
		phase = __atomic_load_n(&sh->phase, __ATOMIC_ACQUIRE);
		if (phase == PH_EXIT)
			return AGENT_OK;
		if (phase > done) {
			ret = proposal_step(a, phase, __atomic_load_n(&sh->base, __ATOMIC_ACQUIRE));
			if (ret)
				return ret;
			done = phase;
			__atomic_store_n(&sh->done[a->seat], done, __ATOMIC_RELEASE);
			cap = cap_ns();
		}
		agent_wait(a);
	}
	return AGENT_CAP;
}

/* ---- Retry storm (game D) ---- */

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
	add(&sh->storm_dups[a->seat], 1);
	add(&sh->storm_already[a->seat], ret == -EALREADY);
	/* Only this process writes this seat, so any change is the resubmission's. */
	add(&sh->storm_changed[a->seat], !!memcmp(&before, &a->s.seat[a->seat], sizeof(before)));
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
		add(&sh->storm_ops[a->seat], n);
		ret = storm_resubmit(a, ops, n);
		if (ret)
			return ret;
	}
	return AGENT_OK;
}

/* ---- The parent: the owner of every game ---- */

/* Owner operations get the game's next owner nonces; a retry keeps them. */
static int owner_submit(struct game *g, struct lfce_op *ops, unsigned int n, uint64_t *version)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ops[i].nonce = ++g->owner_nonce;
	return submit_until_done(g->fd, ops, n, version);
}

static int owner_deposit(struct game *g, uint32_t seat, uint64_t value, uint64_t *version)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = seat };

	op.u.amount.value = value;
	return owner_submit(g, &op, 1, version);
}

static int game_read(struct game *g)
{
	int ret = lfce_snapshot(g->fd, g->base, &g->s);

	if (!ret)
		observe(&g->s);
	return ret;
}

static bool game_create(struct game *g, const char *name, const struct lfce_config *cfg,
			unsigned int agents)
{
	int ret;

	memset(g, 0, sizeof(*g));
	g->name = name;
	g->cfg = *cfg;
	g->agents = agents;
	g->mid_rolls = -1;
	g->fd = lfce_open(O_RDWR);
	ret = g->fd < 0 ? g->fd : lfce_create(g->fd, cfg, &g->id);
	if (!ret)
		ret = lfce_map(g->fd, &g->base, &g->size);
	if (!ret)
		ret = owner_deposit(g, LFCE_SEAT_BANK, BANK, NULL);
	return t_ok(!ret, "%s: game %llu created, mapped, bank funded (%s)", name, ull(g->id),
		    ret ? lfce_strerror(ret) : "ok");
}

/* Once every agent has joined, fund them all in one owner batch. */
static void fund_seats(struct game *g)
{
	struct lfce_op ops[SEATS] = {};
	unsigned int i;
	int ret;

	for (i = 0; i < g->agents; i++) {
		if (!(g->s.seat[i].flags & LFCE_SEAT_BOUND))
			return;
		ops[i].type = LFCE_OP_DEPOSIT;
		ops[i].seat = i;
		ops[i].u.amount.value = FUNDS;
	}
	ret = owner_submit(g, ops, g->agents, NULL);
	if (ret)
		fprintf(stderr, "consensus: %s: funding: %s\n", g->name, lfce_strerror(ret));
	g->funded = true;
}

/* The parent's turn while agents play: fund them, take the mid snapshot. */
static void game_tick(struct game *g)
{
	if (game_read(g))
		return;
	if (!g->funded) {
		fund_seats(g);
		return;
	}
	if (!g->have_mid && g->mid_rolls >= 0 && g->s.table.rolls >= (uint64_t)g->mid_rolls) {
		g->mid = g->s;
		g->have_mid = true;
	}
}

/* Reap the agents that have exited; returns how many still run. */
static unsigned int reap(struct game *g, int options)
{
	unsigned int i, live = 0;
	int status;

	for (i = 0; i < g->agents; i++) {
		if (!g->pid[i])
			continue;
		if (waitpid(g->pid[i], &status, options) != g->pid[i]) {
			live++;
			continue;
		}
		g->pid[i] = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			t_diag("%s: agent %u: %s %d", g->name, i,
			       WIFEXITED(status) ? "exit status" : "signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			g->bad++;
		}
	}
	return live;
}

/* Tend the game until every agent has exited; kill them all at the cap. */
static void wait_agents(struct game *g)
{
	uint64_t cap = cap_ns();
	unsigned int i;

	while (reap(g, WNOHANG)) {
		game_tick(g);
		if (past(cap)) {
			for (i = 0; i < g->agents; i++)
				if (g->pid[i])
					kill(g->pid[i], SIGKILL);
			reap(g, 0);
			t_diag("%s: agents still running after %d s: killed", g->name, CAP_S);
			break;
		}
		usleep(2000);
	}
	game_tick(g);
}

/* Wait (bounded) for the first record from @from on that @match accepts. */
static bool wait_record(struct game *g, uint64_t from,
			bool (*match)(const struct lfce_record *r, uint64_t arg), uint64_t arg,
			struct lfce_record *out)
{
	uint64_t n = from, cap = cap_ns();
	int ret;

	while (!past(cap)) {
		ret = lfce_journal_record(g->base, n, out);
		if (!ret && match(out, arg))
			return true;
		if (ret == -ENODATA)
			return false;
		if (!ret)
			n++;
		else
			usleep(2000);
	}
	return false;
}

/* The journal of @g, records [0, n), through the mapping; false on a gap. */
static bool read_journal(struct game *g, uint64_t n)
{
	struct lfce_record r;
	uint64_t cursor = 0;

	if (n > JOURNAL_MAX)
		return false;
	while (cursor < n) {
		if (lfce_journal_next(g->base, &cursor, &r) || r.kind != LFCE_REC_OP)
			return false;
		journal[r.number] = r;
	}
	return true;
}

/* Records of version @version, in the journal read last. */
static unsigned int records_of(uint64_t n, uint64_t version)
{
	unsigned int k = 0;
	uint64_t i;

	for (i = 0; i < n; i++)
		k += journal[i].version == version;
	return k;
}

/*
 * The journal of @g chains, replays from the start to the mid snapshot and
 * from the mid snapshot to the end; then close the game. Leaves the final
 * snapshot in g->s and the journal in journal[].
 */
static uint64_t check_game(struct game *g)
{
	struct replay_stats st = {};
	uint64_t n, split;
	bool ok, same;

	ok = !lfce_get(g->fd, &g->s);
	n = ok ? g->s.table.records : 0;
	ok = ok && read_journal(g, n);
	t_ok(ok, "%s: the journal, %llu records, read through the mapping", g->name, ull(n));
	t_ok(ok && lfce_tokens_conserved(&g->s) && !lfce_rules_check_snapshot(&g->s),
	     "%s: the final snapshot conserves %llu tokens", g->name, ull(g->s.table.total));
	t_ok(ok && replay_chain_holds(journal, n, NULL, &g->s),
	     "%s: the digest chain holds from record 0 to version %llu", g->name,
	     ull(g->s.table.version));
	if (!t_ok(g->have_mid, "%s: a snapshot was read partway, at version %llu", g->name,
		  ull(g->mid.table.version)))
		return n;
	split = g->mid.table.records;
	ok = ok && split <= n;
	same = ok && replay_matches(&g->cfg, NULL, journal, split, &g->mid, &st);
	t_ok(same, "%s: replay of records [0, %llu) gives the mid snapshot byte for byte (%s)",
	     g->name, ull(split), st.error ? lfce_strerror(st.error) : "ok");
	ok = ok && replay_matches(NULL, &g->mid, journal + split, n - split, &g->s, &st);
	t_ok(ok, "%s: replay from version %llu, %llu commits: final snapshot byte for byte (%s)",
	     g->name, ull(g->mid.table.version), ull(st.commits),
	     st.error ? lfce_strerror(st.error) : "ok");
	t_ok(ok && !st.records_differ, "%s: each of the %llu replayed records as in the journal",
	     g->name, ull(st.records));
	t_ok(ok && !st.dice_differ, "%s: every replayed roll (%llu) has the journal's dice",
	     g->name, ull(st.rolls));
	return n;
}

static void game_close(struct game *g)
{
	int ret = lfce_close_game(g->fd, g->id, LFCE_CLOSE_FORCE);

	t_ok(!ret, "%s: closed (%s)", g->name, ret ? lfce_strerror(ret) : "ok");
	lfce_unmap(g->base, g->size);
	close(g->fd);
}

/* Wait (bounded) until the agents have joined and the parent funded them. */
static bool wait_funded(struct game *g)
{
	uint64_t cap = cap_ns();

	while (!g->funded && !past(cap)) {
		if (reap(g, WNOHANG) < g->agents)
			return false;	/* an agent gave up before joining */
		game_tick(g);
		usleep(2000);
	}
	return g->funded;
}

/* Every seat bound to its own agent's uid. */
static bool seats_bound(const struct game *g)
{
	unsigned int i;

	for (i = 0; i < g->agents; i++)
		if (!(g->s.seat[i].flags & LFCE_SEAT_BOUND) || g->s.seat[i].uid != UID0 + i)
			return false;
	return true;
}

/* ---- 1. Commit-reveal rounds ---- */

static const struct lfce_config rounds_cfg = {
	.min_bet = 1, .max_bet = 1000, .odds_max = 3, .field12_pays = 2,
	.dice_mode = LFCE_DICE_COMMIT_REVEAL, .flags = LFCE_CFG_DISTINCT_UIDS,
	/* Generous: the debug kernel is slow, and a late round is not the point here. */
	.reveal_timeout_ns = 20 * NSEC, .max_seats = SEATS,
};

static const struct lfce_record *last_roll(uint64_t n)
{
	while (n--)
		if (journal[n].dice[0])
			return &journal[n];
	return NULL;
}

static void section_rounds(void)
{
	static struct game g;
	struct roll_check c;
	unsigned int i;
	uint64_t n;

	if (!game_create(&g, "rounds", &rounds_cfg, SEATS))
		return;
	g.mid_rolls = ROUNDS / 2;
	for (i = 0; i < SEATS; i++)
		spawn(&g, i, play_rounds, i & 1 ? 0 : ROLE_PASS, 0);
	wait_agents(&g);
	t_ok(!g.bad && seats_bound(&g), "rounds: %d agents of uids %d.. played %d rounds, exited 0",
	     SEATS, UID0, ROUNDS);
	n = check_game(&g);
	check_rolls(journal, n, &c);
	t_ok(c.closes == ROUNDS && c.rolls == ROUNDS && g.s.table.rolls == ROUNDS &&
	     g.s.round.number == ROUNDS,
	     "rounds: %u rounds closed, %u rolls in the journal, %llu on the table",
	     c.closes, c.rolls, ull(g.s.table.rolls));
	/* SHA-256(le64(round) || reveals in seat order), rejection sampled. */
	t_ok(c.rolls && !c.wrong, "rounds: rolls re-derived: %u by reveal, %u by expiry, %u wrong",
	     c.by_reveal, c.by_expire, c.wrong);
	t_ok(!c.bad_seeds, "rounds: every roll's seed opens the commitment published before it (%u do not)",
	     c.bad_seeds);
	t_ok(c.reveals && !c.bad_reveals, "rounds: each of %u reveals opens its commitment",
	     c.reveals);
	t_ok(last_roll(n) && !memcmp(g.s.table.dice, last_roll(n)->dice, 2),
	     "rounds: the table shows the last roll, %u+%u", g.s.table.dice[0], g.s.table.dice[1]);
	if (sh->moved_on)
		t_diag("rounds: %ld commits or reveals came after their deadline", sh->moved_on);
	game_close(&g);
}

/* ---- 2. A withheld reveal ---- */

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

/* The one round of game B, from its journal, up to record @end. */
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

/* ---- 3. Proposals with a Byzantine minority ---- */

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
	__atomic_store_n(&sh->phase, phase, __ATOMIC_RELEASE);
	while (!past(cap)) {
		reap(g, WNOHANG);
		for (i = behind = 0; i < g->agents; i++) {
			if (__atomic_load_n(&sh->done[i], __ATOMIC_ACQUIRE) >= phase)
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
		t_ok(ok && sh->byz_err[i] == want[i].err, "proposals: Byzantine: %s -> %s (got %s)",
		     want[i].what, strerror(-want[i].err), strerror(-sh->byz_err[i]));
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

	__atomic_store_n(&sh->base, g->s.table.proposals, __ATOMIC_RELAXED);
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

	__atomic_store_n(&sh->base, g->s.table.proposals, __ATOMIC_RELAXED);
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

	__atomic_store_n(&sh->base, id - 1, __ATOMIC_RELAXED);
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

	__atomic_store_n(&sh->base, id - 1, __ATOMIC_RELAXED);
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
	__atomic_store_n(&sh->phase, PH_EXIT, __ATOMIC_RELEASE);
	wait_agents(&g);
	t_ok(!g.bad, "proposals: every agent exited 0");
	n = check_game(&g);
	check_tallies(&g.s, n);
	t_ok(balances_moved(&g.mid, &g.s) && same_money(&voted, &g.s) &&
	     g.s.table.bank == voted.table.bank + 1,
	     "proposals: nothing moved balances after the votes; the bank has the last deposit");
	game_close(&g);
}

/* ---- 4. A retry storm ---- */

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
		for (k = 2; k < 2 + (uint64_t)sh->storm_ops[s]; k++)
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
		ops += sh->storm_ops[i];
		dups += sh->storm_dups[i];
		already += sh->storm_already[i];
		changed += sh->storm_changed[i];
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
	uint64_t start = clock_ns(CLOCK_MONOTONIC);
	int fd;

	if (geteuid())
		t_skip("needs root: the agents run as other uids");
	fd = lfce_open(O_RDONLY);
	if (fd < 0)
		t_skip("no " LFCE_DEVICE_PATH);
	close(fd);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		t_skip("no shared memory");
	shim_rcu_register_thread();

	section_rounds();
	section_withheld();
	section_proposals();
	section_storm();

	t_ok(sh->snapshots && !sh->unconserved, "%ld snapshots read along the way: %ld not conserved",
	     sh->snapshots, sh->unconserved);
	t_ok(!sh->invalid, "... and valid (lfce_rules_check_snapshot, quorum rules included): %ld are not",
	     sh->invalid);
	t_diag("consensus: ran for %llu ms",
	       ull((clock_ns(CLOCK_MONOTONIC) - start) / 1000000));
	shim_rcu_unregister_thread();
	return t_done();
}
