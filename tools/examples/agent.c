// SPDX-License-Identifier: GPL-2.0-only
/*
 * lfce-agent: the reference agent. It plays one seat of an lfce game.
 *
 * Read this file to learn the API. The agent's whole life is one loop:
 *
 *   1. copy the newest snapshot from the mapping (lfce_snapshot(): no
 *      system call unless writers lap the ring);
 *   2. decide at most one move from that copy alone (a vote, a proposal,
 *      bets, closing betting, a commitment or a reveal) and submit it;
 *   3. if there was nothing to do, sleep in poll(2) until the journal moves.
 *
 * Two rules of the uapi shape every submission. Each player operation
 * carries a nonce above the seat's last one, which the snapshot holds
 * (seat.nonce), so the agent keeps no count of its own. And EAGAIN commits
 * nothing: the same operations with the same nonces go again, which is
 * exactly-once whatever happened. Any other refusal is reported in words,
 * and the agent carries on from the next snapshot.
 *
 * Dice are commit-reveal: when the shooter closes betting, every seat with
 * a bet commits SHA-256(secret || round number as __le64), then reveals the
 * secret; the last reveal rolls. An agent that withholds its reveal only
 * loses its bets when the round expires (see "Dice" in uapi/linux/lfce.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <openssl/sha.h>

#include "liblfce.h"

#define VERSION		"0.1"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PLANS_MAX	4		/* --propose, at most */
#define PATIENCE_NS	2000000000ULL	/* the shooter waits this long for bets */

enum policy { VOTE_FAIR, VOTE_FOR, VOTE_AGAINST };

/* A proposal to open once the game has rolled @at times (--propose). */
struct plan {
	__u16 action;		/* LFCE_OP_TRANSFER or LFCE_OP_CONFIG */
	__u32 to, param;
	__u64 value, at;
	bool done;
};

struct agent;
/* A strategy fills @ops with this roll's bets and returns how many. */
typedef unsigned int (*strategy_fn)(const struct agent *a, struct lfce_op *ops);

struct agent {
	int fd;
	const void *base;
	size_t size;
	__u64 game;
	__u32 seat;
	strategy_fn strategy;
	enum policy policy;
	__u64 unit;			/* --bet */
	__u64 rounds;		/* --rounds: 0, until the game closes */
	bool withhold_once, withheld, funded;
	struct plan plan[PLANS_MAX];
	unsigned int plans;
	__u64 start_rolls;		/* table.rolls when we started */
	__u64 bet_for;		/* 1 + the roll we last bet for */
	__u64 committed_for, revealed_for;	/* rounds tried */
	__u64 voted[LFCE_MAX_PROPOSALS];	/* ids tried, by slot */
	__u64 betting_since;		/* when this roll's betting began */
	__u8 secret[32];
	struct lfce_snapshot s;		/* our latest copy */
};

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void say(const struct agent *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(const struct agent *a, const char *fmt, ...)
{
	va_list ap;

	printf("lfce-agent[seat %u]: ", a->seat);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/*
 * Submit @n operations as our seat, numbered from the seat's last nonce in
 * our copy. EAGAIN committed nothing: resubmit the very same operations.
 */
static int submit(struct agent *a, struct lfce_op *ops, unsigned int n, const char *what)
{
	__u64 nonce = a->s.seat[a->seat].nonce;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ops[i].seat = a->seat;
		ops[i].nonce = ++nonce;
	}
	ret = lfce_submit_retry(a->fd, ops, n, NULL, 0);
	/* ENODEV: the game closed; EPROTO: the table moved on, callers say how. */
	if (ret && ret != -ENODEV && ret != -EPROTO)
		say(a, "%s refused: %s", what, lfce_strerror(ret));
	return ret;
}

/* ---- Strategies: this roll's bets, from the copy ---- */

static void bet(struct lfce_op *op, __u32 kind, __u64 amount)
{
	op->type = LFCE_OP_BET;
	op->u.bet.kind = kind;
	op->u.bet.amount = amount;
}

/* Odds must be a whole number of the payout's denominator (see the uapi). */
static __u64 odds_unit(__u32 point)
{
	return point == 4 || point == 10 ? 1 : point == 5 || point == 9 ? 2 : 5;
}

static unsigned int bet_pass(const struct agent *a, struct lfce_op *ops)
{
	const struct lfce_table *t = &a->s.table;
	const __u64 *bets = a->s.seat[a->seat].bets;
	__u64 odds;

	if (t->phase == LFCE_PHASE_COME_OUT) {
		if (bets[LFCE_BET_PASS])
			return 0;
		bet(ops, LFCE_BET_PASS, a->unit);
		return 1;
	}
	/* A point is set: back the line bet with odds, once. */
	if (!bets[LFCE_BET_PASS] || bets[LFCE_BET_PASS_ODDS])
		return 0;
	odds = a->unit - a->unit % odds_unit(t->point);
	if (!odds || odds > (__u64)t->config.odds_max * bets[LFCE_BET_PASS])
		return 0;
	bet(ops, LFCE_BET_PASS_ODDS, odds);
	return 1;
}

static unsigned int bet_dont_pass(const struct agent *a, struct lfce_op *ops)
{
	if (a->s.table.phase != LFCE_PHASE_COME_OUT || a->s.seat[a->seat].bets[LFCE_BET_DONT_PASS])
		return 0;
	bet(ops, LFCE_BET_DONT_PASS, a->unit);
	return 1;
}

/* The field is a one-roll bet: a new one every roll. */
static unsigned int bet_field(const struct agent *a, struct lfce_op *ops)
{
	bet(ops, LFCE_BET_FIELD, a->unit);
	return 1;
}

static unsigned int bet_mix(const struct agent *a, struct lfce_op *ops)
{
	unsigned int n = bet_pass(a, ops);

	return n + bet_field(a, ops + n);
}

static const struct {
	const char *name;
	strategy_fn fn;
} strategies[] = {
	{ "pass", bet_pass },
	{ "dontpass", bet_dont_pass },
	{ "field", bet_field },
	{ "mix", bet_mix },
};

/* ---- Moves: each returns 1 if it submitted something ---- */

static bool has_bets(const struct lfce_seat *seat)
{
	unsigned int k;

	for (k = 0; k < LFCE_BET_NR; k++)
		if (seat->bets[k])
			return true;
	return false;
}

static bool playing(const struct agent *a)
{
	return !a->rounds || a->s.table.rolls - a->start_rolls < a->rounds;
}

static int place_bets(struct agent *a)
{
	struct lfce_op ops[4] = {};
	__u64 total = 0;
	unsigned int i, n;

	a->bet_for = a->s.table.rolls + 1;
	a->betting_since = now_ns();
	n = a->strategy(a, ops);
	for (i = 0; i < n; i++)
		total += ops[i].u.bet.amount;
	if (!n || total > a->s.seat[a->seat].balance)
		return 0;	/* nothing to add, or cannot afford it: sit out */
	/* EPROTO: the shooter closed betting before our bets got in. */
	if (submit(a, ops, n, "bet") == -EPROTO)
		say(a, "too late to bet on roll %llu: betting closed", a->s.table.rolls + 1);
	return 1;
}

/*
 * The shooter closes betting once every seat still in the game has a bet
 * on the table, or once it has waited PATIENCE_NS for them.
 */
static bool table_ready(const struct agent *a)
{
	const struct lfce_snapshot *s = &a->s;
	bool any = false;
	unsigned int i;

	for (i = 0; i < s->table.config.max_seats; i++) {
		const struct lfce_seat *seat = &s->seat[i];

		if (!(seat->flags & LFCE_SEAT_BOUND) || (seat->flags & LFCE_SEAT_BANNED))
			continue;
		if (has_bets(seat))
			any = true;
		else if (seat->balance >= s->table.config.min_bet)
			return false;
	}
	return any;
}

static int betting_move(struct agent *a)
{
	struct lfce_op op = { .type = LFCE_OP_CLOSE };
	bool patient;

	if (!playing(a))
		return 0;
	if (a->bet_for != a->s.table.rolls + 1)
		return place_bets(a);
	if (a->s.table.shooter != a->seat)
		return 0;
	patient = now_ns() - a->betting_since < PATIENCE_NS;
	if (!table_ready(a) && patient)
		return 0;
	if (submit(a, &op, 1, "closing betting") == -EPROTO)
		say(a, "closing betting refused: not in the betting stage");
	return 1;
}

/* Commit to a fresh secret for this round: SHA-256(secret || le64 round). */
static int commit_move(struct agent *a)
{
	struct lfce_op op = { .type = LFCE_OP_COMMIT };
	__u64 round = a->s.round.number;
	__u8 buf[40];
	int i;

	a->committed_for = round;
	if (getrandom(a->secret, sizeof(a->secret), 0) != sizeof(a->secret)) {
		say(a, "getrandom: %s", strerror(errno));
		return 0;
	}
	memcpy(buf, a->secret, 32);
	for (i = 0; i < 8; i++)
		buf[32 + i] = round >> (8 * i);
	SHA256(buf, sizeof(buf), op.u.commit.digest);
	if (submit(a, &op, 1, "commitment") == -EPROTO)
		say(a, "round %llu moved on before my commitment", round);
	return 1;
}

static int reveal_move(struct agent *a)
{
	struct lfce_op op = { .type = LFCE_OP_REVEAL };

	a->revealed_for = a->s.round.number;
	if (a->committed_for != a->s.round.number)
		return 0;	/* not our secret: we did not commit this round */
	if (a->withhold_once && !a->withheld) {
		a->withheld = true;
		say(a, "withholding my reveal in round %llu (--withhold-once): "
		    "my bets will be forfeit at the deadline", a->s.round.number);
		return 0;
	}
	memcpy(op.u.reveal.secret, a->secret, 32);
	if (submit(a, &op, 1, "reveal") == -EPROTO)
		say(a, "round %llu moved on before my reveal", a->s.round.number);
	return 1;
}

static int round_move(struct agent *a)
{
	const struct lfce_round *r = &a->s.round;
	__u32 bit = 1U << a->seat;

	switch (a->s.table.stage) {
	case LFCE_STAGE_BETTING:
		return betting_move(a);
	case LFCE_STAGE_COMMIT:
		if ((r->participants & bit) && !(r->committed & bit) &&
		    a->committed_for != r->number)
			return commit_move(a);
		break;
	case LFCE_STAGE_REVEAL:
		if ((r->participants & bit) && !(r->revealed & bit) &&
		    a->revealed_for != r->number)
			return reveal_move(a);
		break;
	}
	return 0;
}

/* ---- Proposals: vote by policy, open what --propose planned ---- */

static __u32 choose(const struct agent *a, const struct lfce_proposal *p)
{
	if (a->policy == VOTE_FOR)
		return LFCE_VOTE_FOR;
	if (a->policy == VOTE_AGAINST)
		return LFCE_VOTE_AGAINST;
	/* Fair: never let others move our tokens; anything else may pass. */
	if (p->action == LFCE_OP_TRANSFER && p->seat == a->seat && p->proposer != a->seat)
		return LFCE_VOTE_AGAINST;
	return LFCE_VOTE_FOR;
}

static int vote_move(struct agent *a)
{
	struct lfce_op op = { .type = LFCE_OP_VOTE };
	__u32 bit = 1U << a->seat;
	unsigned int i;

	for (i = 0; i < LFCE_MAX_PROPOSALS; i++) {
		const struct lfce_proposal *p = &a->s.proposal[i];

		if (p->state != LFCE_PROP_PENDING || !(p->electorate & bit) ||
		    ((p->votes_for | p->votes_against | p->gone) & bit) || a->voted[i] == p->id)
			continue;
		a->voted[i] = p->id;
		op.u.vote.id = p->id;
		op.u.vote.choice = choose(a, p);
		say(a, "votes %s proposal %llu", op.u.vote.choice == LFCE_VOTE_FOR ?
		    "for" : "against", p->id);
		if (submit(a, &op, 1, "vote") == -EPROTO)
			say(a, "proposal %llu was decided before my vote", p->id);
		return 1;
	}
	return 0;
}

static int propose_move(struct agent *a)
{
	struct lfce_op op = { .type = LFCE_OP_PROPOSE };
	unsigned int i;

	for (i = 0; i < a->plans; i++) {
		struct plan *pl = &a->plan[i];

		if (pl->done || a->s.table.rolls - a->start_rolls < pl->at)
			continue;
		pl->done = true;
		op.u.propose.action = pl->action;
		op.u.propose.value = pl->value;
		if (pl->action == LFCE_OP_TRANSFER) {
			/* From us: proposing it is our consent. */
			op.u.propose.seat = a->seat;
			op.u.propose.to = pl->to;
			say(a, "proposes to transfer %llu to seat %u", pl->value, pl->to);
		} else {
			op.u.propose.param = pl->param;
			say(a, "proposes to set %s to %llu", lfce_param_name(pl->param), pl->value);
		}
		if (submit(a, &op, 1, "proposal") == -EPROTO)
			say(a, "proposal refused: not allowed in this stage");
		return 1;
	}
	return 0;
}

/* ---- Setting up and the loop ---- */

/*
 * Join with a nonce above every seat's (lfce_join_nonce()): a seat keeps
 * its last nonce when its player leaves, and so does ours when this agent
 * restarts. A JOIN that raced another to a nonce changed nothing: read
 * the snapshot again and go once more.
 */
static int join(struct agent *a, const __u8 id[32])
{
	uint32_t want = a->seat;
	int ret, tries;

	for (tries = 0; tries < 8; tries++) {
		ret = lfce_snapshot(a->fd, a->base, &a->s);
		if (!ret)
			ret = lfce_join_retry(a->fd, want, lfce_join_nonce(&a->s), id,
					      &a->seat, NULL, 0);
		if (ret != -EALREADY)
			break;
	}
	return ret;
}

static int setup(struct agent *a)
{
	__u8 id[32] = {};
	int ret;

	snprintf((char *)id, sizeof(id), "lfce-agent uid %u", (unsigned int)getuid());
	a->fd = lfce_open(O_RDWR);
	if (a->fd < 0)
		return a->fd;
	ret = lfce_attach(a->fd, a->game);
	if (!ret)
		ret = lfce_map(a->fd, &a->base, &a->size);
	if (!ret)
		ret = join(a, id);
	if (!ret)
		ret = lfce_snapshot(a->fd, a->base, &a->s);
	a->start_rolls = a->s.table.rolls;
	return ret;
}

/* Sleep until a record is published (or the game closes); read it to move on. */
static void wait_for_news(struct agent *a)
{
	struct pollfd p = { .fd = a->fd, .events = POLLIN };
	struct lfce_record rec[16];

	if (poll(&p, 1, 100) > 0 && (p.revents & POLLIN))
		if (read(a->fd, rec, sizeof(rec)) < 0)
			usleep(1000);
}

static void report(const struct agent *a)
{
	say(a, "the game is closed after %llu rolls; leaving", a->s.table.rolls);
}

static int play(struct agent *a)
{
	int ret;

	for (;;) {
		ret = lfce_snapshot(a->fd, a->base, &a->s);
		if (ret) {
			say(a, "reading the game: %s", lfce_strerror(ret));
			return 2;
		}
		if (a->s.table.flags & LFCE_TABLE_CLOSED) {
			report(a);
			return 0;
		}
		/* Nothing to do before the owner funds our seat. */
		a->funded |= a->s.seat[a->seat].balance != 0;
		if (!a->funded) {
			wait_for_news(a);
			continue;
		}
		if (!vote_move(a) && !propose_move(a) && !round_move(a))
			wait_for_news(a);
	}
}

/* ---- Options ---- */

static const char usage_text[] =
"Usage: lfce-agent --game ID [OPTIONS]\n"
"Play one seat of lfce game ID, with commit-reveal dice, until the game closes.\n"
"\n"
"  -g, --game ID          the game to join (decimal or 0x hex)\n"
"  -s, --seat N           the seat to take (default: the first free one)\n"
"  -S, --strategy NAME    pass      the pass line, with odds once a point is set\n"
"                         dontpass  the don't pass line\n"
"                         field     the field, every roll (the default)\n"
"                         mix       the pass line with odds, and the field\n"
"  -b, --bet AMOUNT       the unit bet, in tokens (default 10)\n"
"  -r, --rounds N         stop betting after N rolls, then sit until the game\n"
"                         closes (default 0: bet until it closes)\n"
"  -V, --vote POLICY      fair      for every proposal except a transfer out of\n"
"                                   this seat that another seat proposed\n"
"                         for, against  the same vote on every proposal\n"
"  -p, --propose SPEC     open a proposal once the game has rolled ROLL times:\n"
"                         transfer:TO:AMOUNT@ROLL  give AMOUNT to seat TO\n"
"                         config:PARAM:VALUE@ROLL  set PARAM (min_bet, max_bet,\n"
"                         odds_max, field12_pays, reveal_timeout, proposal_timeout)\n"
"                         (repeatable, up to 4)\n"
"  -w, --withhold-once    commit but do not reveal, once: the round expires at\n"
"                         its deadline and this seat forfeits its bets\n"
"  -h, --help             this text\n"
"      --version          the agent's, the library's and the module's versions\n"
"\n"
"Each seat belongs to the uid that joined it: run one agent per uid.\n"
"Exit status: 0 when the game closed, 1 usage, 2 the kernel refused or failed.\n";

static int number(const char *s, __u64 *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end || *s == '-' ? -EINVAL : 0;
}

/* transfer:TO:AMOUNT@ROLL or config:PARAM:VALUE@ROLL */
static int parse_plan(const char *arg, struct plan *pl)
{
	char kind[16], what[32], value[24], at[24];
	__u64 to;
	int ret;

	if (sscanf(arg, "%15[^:]:%31[^:]:%23[^@]@%23s", kind, what, value, at) != 4 ||
	    number(value, &pl->value) || number(at, &pl->at))
		return -EINVAL;
	if (!strcmp(kind, "transfer")) {
		pl->action = LFCE_OP_TRANSFER;
		if (number(what, &to) || to >= LFCE_MAX_SEATS)
			return -EINVAL;
		pl->to = to;
		return 0;
	}
	if (strcmp(kind, "config"))
		return -EINVAL;
	pl->action = LFCE_OP_CONFIG;
	/* liblfce's names: "max-bet", and "max_bet" too (lfce_names(3)) */
	ret = lfce_param(what);
	pl->param = ret;
	return ret < 0 ? -EINVAL : 0;
}

static int parse_strategy(struct agent *a, const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(strategies); i++) {
		if (!strcmp(name, strategies[i].name)) {
			a->strategy = strategies[i].fn;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_policy(struct agent *a, const char *name)
{
	if (!strcmp(name, "fair"))
		a->policy = VOTE_FAIR;
	else if (!strcmp(name, "for"))
		a->policy = VOTE_FOR;
	else if (!strcmp(name, "against"))
		a->policy = VOTE_AGAINST;
	else
		return -EINVAL;
	return 0;
}

static int version(void)
{
	__u32 abi = 0;
	int fd = lfce_open(O_RDONLY);
	int ret = fd < 0 ? fd : lfce_version(fd, &abi);

	printf("lfce-agent %s, liblfce built for ABI %d, ", VERSION, LFCE_ABI_VERSION);
	if (fd < 0)
		printf("module: cannot open %s: %s\n", LFCE_DEVICE_PATH, strerror(-fd));
	else if (ret)
		printf("module: %s\n", lfce_strerror(ret));
	else
		printf("module ABI %u\n", abi);
	if (fd >= 0)
		close(fd);
	return 0;
}

static int bad_usage(const char *what, const char *arg)
{
	fprintf(stderr, "lfce-agent: %s: '%s'\nTry 'lfce-agent --help'.\n", what, arg);
	return 1;
}

static const struct option longopts[] = {
	{ "game", required_argument, NULL, 'g' },
	{ "seat", required_argument, NULL, 's' },
	{ "strategy", required_argument, NULL, 'S' },
	{ "bet", required_argument, NULL, 'b' },
	{ "rounds", required_argument, NULL, 'r' },
	{ "vote", required_argument, NULL, 'V' },
	{ "propose", required_argument, NULL, 'p' },
	{ "withhold-once", no_argument, NULL, 'w' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{}
};

/* Returns -1 to go on, else the exit status. */
static int parse(struct agent *a, int argc, char **argv)
{
	__u64 v;
	int c;

	while ((c = getopt_long(argc, argv, "g:s:S:b:r:V:p:wh", longopts, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (number(optarg, &a->game))
				return bad_usage("not a game id", optarg);
			break;
		case 's':
			if (number(optarg, &v) || v >= LFCE_MAX_SEATS)
				return bad_usage("not a seat (0 to 7)", optarg);
			a->seat = v;
			break;
		case 'S':
			if (parse_strategy(a, optarg))
				return bad_usage("no such strategy", optarg);
			break;
		case 'b':
			if (number(optarg, &a->unit) || !a->unit || a->unit > LFCE_AMOUNT_MAX)
				return bad_usage("not an amount", optarg);
			break;
		case 'r':
			if (number(optarg, &a->rounds))
				return bad_usage("not a number of rounds", optarg);
			break;
		case 'V':
			if (parse_policy(a, optarg))
				return bad_usage("no such voting policy", optarg);
			break;
		case 'p':
			if (a->plans == PLANS_MAX || parse_plan(optarg, &a->plan[a->plans++]))
				return bad_usage("not a proposal (or more than 4)", optarg);
			break;
		case 'w':
			a->withhold_once = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'v':
			return version();
		default:
			fputs("Try 'lfce-agent --help'.\n", stderr);
			return 1;
		}
	}
	if (optind < argc)
		return bad_usage("unexpected argument", argv[optind]);
	if (!a->game)
		return bad_usage("--game is required", "");
	return -1;
}

int main(int argc, char **argv)
{
	static struct agent a = {
		.seat = LFCE_SEAT_ANY, .strategy = bet_field, .unit = 10,
	};
	int ret = parse(&a, argc, argv);

	if (ret >= 0)
		return ret;
	ret = setup(&a);
	if (ret) {
		fprintf(stderr, "lfce-agent: joining game %llu: %s\n", a.game,
			lfce_strerror(ret));
		return 2;
	}
	say(&a, "joined game %llu as uid %u", a.game, (unsigned int)getuid());
	return play(&a);
}
