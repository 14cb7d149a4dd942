// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: an ioctl fuzzer against the real module, deterministic from
 * a printed seed. Each step is one random action: a well-formed or mutated
 * ioctl (every command, numbers and size bits out of range, size around
 * every struct version, random fields, ops, batches, seats and nonces,
 * argument structs in read-only or unmapped memory) on a random handle
 * (read-only, observer, seated, closed, inherited over fork, used under
 * another uid), mmap/munmap/madvise/read/close, or a game's close; or the
 * next move of a scenario: a game of its own played by players whose seats,
 * commit secrets and proposals it follows ("scenarios" below), so that the
 * rounds, the quorums and the close are fuzzed too. Epochs reload the
 * module with its parameters at their limits.
 *
 * After every step, through a mapping of each game: every call succeeded or
 * returned a documented errno; a failed write changed nothing (snapshot
 * bytes); the snapshot passes lfce_rules_check_snapshot() and conserves
 * tokens; versions and records only grow; the journal's records are
 * contiguous and chain. When a game is retired, its journal replayed
 * through the userspace build of the engine gives the kernel's snapshot bit
 * for bit. At the end of a run of the default length or longer, every kind
 * of record the module can commit under its default parameters must have
 * been committed and replayed at least once: a generator that collapsed
 * fails the run.
 *
 *   ioctl-fuzz [ITERATIONS [SEED]]
 *
 * Without arguments, the kernel command line's lfce.fuzz_iter= and
 * lfce.fuzz_seed= (run.sh's fuzz mode) or the defaults: a bounded run and a
 * seed from the clock, printed first so that any run can be repeated.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"
#include "../userspace/replay.h"
#include "shim.h"

#define DEFAULT_ITER	2000
#define NH		12		/* handles */
#define NG		6		/* games followed at once */
#define MAX_FAILS	40		/* failed assertions before giving up */
#define BUF_SIZE	(64 << 10)
#define PAGE		4096

static uint64_t rng;
static uint64_t step;
static int fails;

/* xorshift64*: the whole run follows from the seed. */
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static uint32_t rn(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static int one_in(uint32_t n)
{
	return rn(n) == 0;
}

struct handle {
	int fd;				/* -1: none */
	int flags;			/* open(2) flags */
	uint64_t game;			/* attached game id, 0: none or unknown */
	uint32_t seat;			/* held seat, or LFCE_SEAT_ANY: none/unknown */
	uint64_t nonce;			/* the last player nonce used */
	const void *map;		/* a mapping made through it */
	size_t map_size;
	int map_prot;
};

/* What a journal held: the kinds of records, proposals and rolls. */
struct cover {
	uint64_t rec[LFCE_OP_NR];	/* records by op type */
	uint64_t passed[LFCE_OP_NR];	/* proposals passed, by action */
	uint64_t outcome[LFCE_PROP_NR];	/* proposals decided, by outcome */
	uint64_t rolled[LFCE_OP_NR];	/* rolls, by the op type that rolled */
};

#define PROP_MEMO	16		/* proposals whose action a game remembers */

struct game {
	uint64_t id;			/* 0: free slot */
	int scen;			/* a scenario's table: random steps mostly spare it */
	const void *mon;		/* our mapping: the invariants' view */
	size_t mon_size;
	struct lfce_snapshot first;	/* where the replay starts */
	struct lfce_snapshot last;
	uint64_t head;			/* records read from the journal */
	uint64_t last_digest;
	uint64_t last_version;
	struct lfce_record *rec;	/* since first */
	uint64_t nrec, cap;
	int lost;			/* the journal lapped us: no replay */
	struct cover c;			/* its records we read */
	uint64_t prop_id[PROP_MEMO];	/* id % PROP_MEMO: its action, from PROPOSE */
	uint16_t prop_action[PROP_MEMO];
};

static struct handle h[NH];
static struct game g[NG];
static uint8_t *buf;			/* argument memory */
static uint8_t *ro_page;		/* PROT_READ */
static uint8_t *none_page;		/* PROT_NONE */

static struct {
	uint64_t op_result[LFCE_OP_NR + 1][2];	/* by the first op's type: failed, committed */
	uint32_t op_err[LFCE_OP_NR + 1][160];
	uint64_t calls, ok, errnos[160], replays, replayed_records, lost, forks, epochs;
	uint64_t replayed_rolls;
	struct cover seen, replayed;
	/* Scenarios: tables played, moves, calls by op type (refused, committed). */
	uint64_t tables, tables_closed, moves, missteps, mutated, expected, inconclusive;
	uint64_t scen_op[LFCE_OP_NR + 1][2], sleeps_us;
	uint32_t scen_err[LFCE_OP_NR + 1][160];
} st;

#define fail(fmt, ...)								\
	do {									\
		fails++;							\
		t_ok(0, "step %llu: " fmt, (unsigned long long)step, ##__VA_ARGS__); \
	} while (0)

/* The errnos uapi/linux/lfce.h documents: helpers.h's one list. */
static int documented(int e)
{
	return t_documented_errno(e);
}

/* Account for a call's result (0 or -errno); complain if undocumented. */
static int judge(const char *what, int ret)
{
	st.calls++;
	if (!ret) {
		st.ok++;
		return 0;
	}
	if (-ret > 0 && -ret < 160)
		st.errnos[-ret]++;
	if (!documented(-ret))
		fail("%s: undocumented errno %d (%s)", what, -ret, strerror(-ret));
	return ret;
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static struct game *game_of(uint64_t id)
{
	int i;

	for (i = 0; id && i < NG; i++)
		if (g[i].id == id)
			return &g[i];
	return NULL;
}

static int read_snap(struct game *gm, struct lfce_snapshot *s)
{
	int i;

	for (i = 0; i < 1000; i++)
		if (!lfce_snapshot_read(gm->mon, s))
			return 0;
	return -EAGAIN;
}

/* CLOCK_BOOTTIME: the clock of every deadline (uapi, "Time"). */
static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * No deadline of @s falls due for a while: until then, the module's sweep
 * commits nothing to the game and no commit lapses or expires anything on
 * the way, so a call's outcome follows from @s alone. A while is long
 * enough for a call on a slow, loaded, emulated machine.
 */
#define QUIET_NS	(10 * 1000000000ULL)

static int quiet_snap(const struct lfce_snapshot *s)
{
	return !s->table.deadline_ns || s->table.deadline_ns > boottime_ns() + QUIET_NS;
}

/* Count record @r, whose proposal (if any) does @action, in @c. */
static void cover_count(struct cover *c, const struct lfce_record *r, unsigned int action)
{
	unsigned int t = r->op.type;

	c->rec[t]++;
	if (r->dice[0])
		c->rolled[t]++;
	if ((t != LFCE_OP_VOTE && t != LFCE_OP_LAPSE) || r->outcome == LFCE_PROP_PENDING ||
	    r->outcome >= LFCE_PROP_NR)
		return;
	c->outcome[r->outcome]++;
	if (r->outcome == LFCE_PROP_PASSED && action < LFCE_OP_NR)
		c->passed[action]++;
}

/*
 * What the journal holds, for the coverage at the end: the game's own
 * count (added to the replayed ones if its replay matches) and the run's.
 * A VOTE record names only its proposal: the PROPOSE record said what it
 * does.
 */
static void cover_add(struct game *gm, const struct lfce_record *r)
{
	unsigned int k = r->op.u.vote.id % PROP_MEMO, action = LFCE_OP_NR;

	if (r->op.type >= LFCE_OP_NR)
		return;
	if (r->op.type == LFCE_OP_PROPOSE) {
		k = r->op.u.propose.id % PROP_MEMO;
		gm->prop_id[k] = r->op.u.propose.id;
		gm->prop_action[k] = r->op.u.propose.action;
	} else if (r->op.type == LFCE_OP_VOTE && gm->prop_id[k] == r->op.u.vote.id) {
		action = gm->prop_action[k];
	}
	cover_count(&gm->c, r, action);
	cover_count(&st.seen, r, action);
}

static void cover_sum(struct cover *to, const struct cover *c)
{
	unsigned int i;

	for (i = 0; i < LFCE_OP_NR; i++) {
		to->rec[i] += c->rec[i];
		to->passed[i] += c->passed[i];
		to->rolled[i] += c->rolled[i];
	}
	for (i = 0; i < LFCE_PROP_NR; i++)
		to->outcome[i] += c->outcome[i];
}

/* Records [gm->head, journal_head): contiguous, chained, kept for the replay. */
static void follow_journal(struct game *gm)
{
	uint64_t pub, head, n;
	struct lfce_record r;

	lfce_header_read(gm->mon, &pub, &head);
	for (n = gm->head; n < head; n++) {
		if (lfce_journal_record(gm->mon, n, &r)) {
			gm->lost = 1;
			st.lost++;
			n = lfce_journal_oldest(gm->mon, n, head) - 1;
			gm->last_digest = 0;
			continue;
		}
		if (r.number != n || r.kind != LFCE_REC_OP)
			fail("game %llu: record %llu has number %llu kind %u",
			     (unsigned long long)gm->id, (unsigned long long)n,
			     (unsigned long long)r.number, r.kind);
		if (!gm->lost && (r.version < gm->last_version || r.version > gm->last_version + 1 ||
				  lfce_rules_record_digest(&r, gm->last_digest) != r.digest))
			fail("game %llu: record %llu does not chain (version %llu after %llu)",
			     (unsigned long long)gm->id, (unsigned long long)n,
			     (unsigned long long)r.version, (unsigned long long)gm->last_version);
		gm->last_digest = r.digest;
		gm->last_version = r.version;
		cover_add(gm, &r);
		if (gm->lost)
			continue;
		if (gm->nrec == gm->cap) {
			gm->cap = gm->cap ? 2 * gm->cap : 256;
			gm->rec = realloc(gm->rec, gm->cap * sizeof(*gm->rec));
			if (!gm->rec)
				abort();
		}
		gm->rec[gm->nrec++] = r;
	}
	gm->head = head;
}

/* The invariants of one game, through its mapping. */
static void check_game(struct game *gm)
{
	struct lfce_snapshot s;
	int ret;

	if (read_snap(gm, &s)) {
		fail("game %llu: no consistent snapshot from the mapping", (unsigned long long)gm->id);
		return;
	}
	if (!lfce_tokens_conserved(&s))
		fail("game %llu: tokens not conserved at version %llu",
		     (unsigned long long)gm->id, (unsigned long long)s.table.version);
	ret = lfce_rules_check_snapshot(&s);
	if (ret)
		fail("game %llu: lfce_rules_check_snapshot %d at version %llu",
		     (unsigned long long)gm->id, ret, (unsigned long long)s.table.version);
	if (s.table.version < gm->last.table.version || s.table.records < gm->last.table.records)
		fail("game %llu: version %llu/records %llu after %llu/%llu",
		     (unsigned long long)gm->id, (unsigned long long)s.table.version,
		     (unsigned long long)s.table.records,
		     (unsigned long long)gm->last.table.version,
		     (unsigned long long)gm->last.table.records);
	gm->last = s;
	follow_journal(gm);
}

static void check_all(void)
{
	int i;

	for (i = 0; i < NG; i++)
		if (g[i].id)
			check_game(&g[i]);
}

/* Follow game @id through a mapping of our own (an observer's). */
static struct game *game_add(uint64_t id)
{
	struct game *gm = game_of(id);
	int i, fd, ret;

	if (gm || !id)
		return gm;
	for (i = 0; i < NG && g[i].id; i++)
		;
	if (i == NG)
		return NULL;
	gm = &g[i];
	fd = lfce_open(O_RDONLY);
	if (fd < 0)
		return NULL;
	ret = lfce_attach(fd, id);
	if (!ret)
		ret = lfce_map(fd, &gm->mon, &gm->mon_size);
	close(fd);
	if (ret)
		return NULL;
	gm->id = id;
	if (read_snap(gm, &gm->first)) {
		fail("game %llu: no first snapshot", (unsigned long long)id);
		gm->lost = 1;
	}
	gm->last = gm->first;
	gm->head = gm->first.table.records;
	gm->last_digest = gm->first.table.digest;
	gm->last_version = gm->first.table.version;
	return gm;
}

/* Stop following a game: replay its journal, then let the mapping go. */
static void game_retire(struct game *gm)
{
	struct replay_stats rs;
	struct lfce_snapshot s;
	int i;

	check_game(gm);
	/* Quiet: records may still be coming from the sweep; read to the end. */
	for (i = 0; i < 100; i++) {
		if (read_snap(gm, &s))
			break;
		follow_journal(gm);
		if (gm->head == s.table.records)
			break;
		usleep(1000);
	}
	if (!gm->lost && gm->head == s.table.records) {
		st.replays++;
		st.replayed_records += gm->nrec;
		if (!replay_chain_holds(gm->rec, gm->nrec, &gm->first, &s)) {
			fail("game %llu: journal chain does not end at the snapshot",
			     (unsigned long long)gm->id);
		} else if (!replay_matches(NULL, &gm->first, gm->rec, gm->nrec, &s, &rs)) {
			fail("game %llu: replay of %llu records differs (error %d, records %llu, dice %llu)",
			     (unsigned long long)gm->id, (unsigned long long)gm->nrec, rs.error,
			     (unsigned long long)rs.records_differ, (unsigned long long)rs.dice_differ);
		} else {
			cover_sum(&st.replayed, &gm->c);
			st.replayed_rolls += rs.rolls;
		}
	}
	lfce_unmap(gm->mon, gm->mon_size);
	free(gm->rec);
	memset(gm, 0, sizeof(*gm));
}

/* ---- handles ---- */

static void random_config(struct lfce_config *c)
{
	lfce_rules_default_config(c);
	c->dice_mode = rn(LFCE_DICE_NR);
	c->flags = one_in(6) ? LFCE_CFG_DISTINCT_UIDS : rn(2) * LFCE_CFG_HARDWAYS_WORK;
	c->max_seats = 1 + rn(LFCE_MAX_SEATS);
	c->min_bet = 1 + rn(10);
	c->max_bet = c->min_bet + rn(10000);
	c->odds_max = 1 + rn(10);
	/* Short deadlines sometimes, so that the sweep and EXPIRE/LAPSE run. */
	c->reveal_timeout_ns = one_in(4) ? 1000000 * (1 + rn(100)) : 3600000000000ULL;
	c->proposal_timeout_ns = one_in(4) ? 1000000 * (1 + rn(100)) : 0;
	c->max_proposals = rn(LFCE_MAX_PROPOSALS + 1);
	c->governable = rn(2) ? (uint32_t)rnd() & 0xff : 0;
	if (one_in(12)) {	/* a malformed field */
		uint8_t *p = (uint8_t *)c;

		p[rn(sizeof(*c))] ^= 1 << rn(8);
	}
}


static struct handle *pick_handle(void)
{
	return &h[rn(NH)];
}

/* A scenario's game is left to it, mostly: random steps would wreck its rounds. */
static int spared(const struct game *gm)
{
	return gm->scen && !one_in(8);
}

static uint64_t pick_game_id(void)
{
	int i = rn(NG + 2);

	if (i < NG && g[i].id && !spared(&g[i]))
		return g[i].id;
	switch (rn(4)) {
	case 0: return 0;
	case 1: return rnd();
	case 2: return 1 + rn(64);
	default: return UINT64_MAX;
	}
}

static void handle_reset(struct handle *x)
{
	x->fd = -1;
	x->game = 0;
	x->seat = LFCE_SEAT_ANY;
	x->nonce = 0;
}

/* 1 + the index of a random game we follow, or 0 if none. */
static int any_game(void)
{
	int i, k = rn(NG);

	for (i = 0; i < NG; i++)
		if (g[(k + i) % NG].id && !spared(&g[(k + i) % NG]))
			return 1 + (k + i) % NG;
	return 0;
}

/* The owner (us, root) deposits into @seat. */
static void fund(struct handle *x, uint32_t seat)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = seat };
	struct game *gm = game_of(x->game);

	if (!gm || x->fd < 0)
		return;
	check_game(gm);
	op.nonce = gm->last.table.owner_nonce + 1;
	op.u.amount.value = 1000 * (1 + rn(1000));
	judge("DEPOSIT", lfce_submit(x->fd, &op, 1, NULL));
}

static void act_open(struct handle *x)
{
	static const int modes[] = { O_RDWR, O_RDWR, O_RDONLY, O_RDWR | O_NONBLOCK, O_WRONLY };
	int f = modes[rn(ARRAY_SIZE(modes))], i;
	uint32_t seat;

	if (x->fd >= 0)
		close(x->fd);
	handle_reset(x);
	x->fd = open(LFCE_DEVICE_PATH, f | O_CLOEXEC);
	if (judge("open", x->fd < 0 ? -errno : 0))
		return;
	x->flags = f;
	/* Often straight to a game and a seat, funded: depth for the rules. */
	if (f == O_RDWR && !one_in(4) && (!any_game() || one_in(6))) {
		struct lfce_config c;
		uint64_t id;

		random_config(&c);
		if (judge("create", lfce_create(x->fd, &c, &id)))
			return;
		x->game = id;
		game_add(id);
		fund(x, LFCE_SEAT_BANK);
	} else {
		i = any_game();
		if (!i || one_in(4) || judge("attach", lfce_attach(x->fd, g[i - 1].id)))
			return;
		x->game = g[i - 1].id;
	}
	if (one_in(6) || judge("join", lfce_join(x->fd, LFCE_SEAT_ANY, ++x->nonce, NULL,
						&seat, NULL)))
		return;
	x->seat = seat;
	fund(x, seat);
}

static void act_close(struct handle *x)
{
	/* Sometimes leave a closed fd number behind: EBADF from the VFS. */
	if (x->fd >= 0)
		close(x->fd);
	if (one_in(8)) {
		handle_reset(x);
		x->fd = 1000 + rn(10);
	} else {
		handle_reset(x);
	}
}

/* ---- struct contents ---- */

/* A size around the struct's versions: the documented edges and beyond. */
static uint32_t random_size(uint32_t ver0, uint32_t cur)
{
	switch (rn(10)) {
	case 0: return ver0 - 1 - rn(ver0);
	case 1: return ver0 + 1 + rn(cur - ver0 + 8);
	case 2: return cur + 8 * (1 + rn(8));
	case 3: return LFCE_ARG_SIZE_MAX + rn(2);
	case 4: return ver0;
	default: return cur;
	}
}

/* An argument: in our buffer, or in read-only, unmapped or bad memory. */
static void *arg_place(void *arg, size_t len)
{
	switch (rn(24)) {
	case 0:
		return NULL;
	case 1:
		return none_page;
	case 2:	/* crossing into the PROT_NONE page */
		return none_page - len / 2;
	case 3:
		mprotect(ro_page, PAGE, PROT_READ | PROT_WRITE);
		memcpy(ro_page, arg, len < PAGE ? len : PAGE);
		mprotect(ro_page, PAGE, PROT_READ);
		return ro_page;
	case 4:
		return (void *)(uintptr_t)(0xffff800000000000ULL + (rnd() & 0xffffff000ULL));
	default:
		return arg;
	}
}

static uint64_t user_ptr(size_t need)
{
	switch (rn(12)) {
	case 0: return 0;
	case 1: return (uintptr_t)none_page;
	case 2: return (uintptr_t)ro_page;
	case 3: return rnd();
	case 4: return (uintptr_t)(buf + BUF_SIZE - need / 2);	/* runs into the guard */
	default: return (uintptr_t)(buf + BUF_SIZE / 2);
	}
}

/* Well-formed operations only: depth in the rules rather than breadth. */
static int clean;

static uint64_t random_nonce(struct handle *x, uint64_t owner_nonce, int owner)
{
	switch (clean ? 15 : rn(16)) {
	case 0: return 0;
	case 1: return UINT64_MAX;
	case 2: return rnd();
	case 3:		/* a replay */
		return owner ? owner_nonce : x->nonce;
	default:
		return owner ? owner_nonce + 1 : ++x->nonce;
	}
}

static uint32_t random_seat(struct handle *x)
{
	switch (clean ? 9 : rn(10)) {
	case 0: return LFCE_SEAT_BANK;
	case 1: return rn(LFCE_MAX_SEATS + 2);
	case 2: return (uint32_t)rnd();
	default: return x->seat == LFCE_SEAT_ANY ? rn(LFCE_MAX_SEATS) : x->seat;
	}
}

/* An operation mostly as a player or the owner would make it, sometimes not. */
static void random_op(struct handle *x, const struct lfce_snapshot *s, struct lfce_op *op)
{
	static const uint16_t types[] = {
		LFCE_OP_DEPOSIT, LFCE_OP_DEPOSIT, LFCE_OP_BET, LFCE_OP_BET, LFCE_OP_BET,
		LFCE_OP_UNBET, LFCE_OP_CLOSE, LFCE_OP_COMMIT, LFCE_OP_REVEAL, LFCE_OP_EXPIRE,
		LFCE_OP_ROLL, LFCE_OP_ROLL, LFCE_OP_SETTLE, LFCE_OP_LEAVE, LFCE_OP_WITHDRAW,
		LFCE_OP_PROPOSE, LFCE_OP_VOTE, LFCE_OP_VOTE, LFCE_OP_LAPSE, LFCE_OP_NONE,
		LFCE_OP_JOIN, LFCE_OP_BAN, LFCE_OP_TRANSFER, LFCE_OP_CONFIG, LFCE_OP_SHUTDOWN,
	};
	static const uint16_t actions[] = {
		LFCE_OP_TRANSFER, LFCE_OP_BAN, LFCE_OP_ROLL, LFCE_OP_CONFIG, 0,
	};
	uint8_t secret[32];
	int owner;

	memset(op, 0, sizeof(*op));
	op->type = !clean && one_in(20) ? rn(LFCE_OP_NR + 4) : types[rn(ARRAY_SIZE(types))];
	owner = op->type == LFCE_OP_DEPOSIT || op->type == LFCE_OP_WITHDRAW ||
		op->type == LFCE_OP_SETTLE || op->type == LFCE_OP_ROLL;
	op->seat = random_seat(x);
	op->nonce = random_nonce(x, s->table.owner_nonce, owner);
	if (!clean && one_in(10))
		op->expected_version = s->table.version + rn(3) - 1;
	memset(secret, (int)(op->seat * 31 + s->round.number), sizeof(secret));
	switch (op->type) {
	case LFCE_OP_DEPOSIT:
	case LFCE_OP_WITHDRAW:
		op->u.amount.value = !clean && one_in(10) ? rnd() : 1 + rn(100000);
		break;
	case LFCE_OP_BET:
	case LFCE_OP_UNBET:
		op->u.bet.kind = !clean && one_in(10) ? rn(LFCE_BET_NR + 5) : rn(LFCE_BET_NR);
		op->u.bet.amount = !clean && one_in(10) ? rnd() : 30 * (1 + rn(10));
		break;
	case LFCE_OP_COMMIT:
		lfce_rules_commitment(secret, s->round.number, op->u.commit.digest);
		break;
	case LFCE_OP_REVEAL:
		memcpy(op->u.reveal.secret, secret, 32);
		break;
	case LFCE_OP_PROPOSE:
		op->u.propose.action = actions[rn(ARRAY_SIZE(actions))];
		op->u.propose.seat = rn(LFCE_MAX_SEATS + 1);
		op->u.propose.to = rn(LFCE_MAX_SEATS + 1);
		op->u.propose.param = rn(10);
		op->u.propose.value = rn(4) ? rn(1000) : rnd();
		break;
	case LFCE_OP_VOTE:
		op->u.vote.choice = 1 + rn(2);
		/* fall through */
	case LFCE_OP_LAPSE:
		op->u.vote.id = s->table.proposals ? s->table.proposals - rn(3) : rn(3);
		break;
	case LFCE_OP_JOIN:
		op->u.join.id[0] = rn(256);
		break;
	}
	if (!clean && one_in(12)) {	/* any byte, any bit */
		uint8_t *p = (uint8_t *)op;

		p[rn(sizeof(*op))] ^= 1 << rn(8);
	}
}

/* ---- actions ---- */

/* A write ioctl: the game must not change when it fails. */
static int guarded(struct handle *x, const char *what, unsigned long cmd, void *arg)
{
	struct game *gm = game_of(x->game);
	struct lfce_snapshot *before = NULL, *after = NULL;
	int ret, quiet = 0;

	/* Without a deadline due, the sweep commits nothing meanwhile. */
	if (gm) {
		before = malloc(sizeof(*before));
		after = malloc(sizeof(*after));
		quiet = before && after && !read_snap(gm, before) && quiet_snap(before);
	}
	ret = judge(what, xioctl(x->fd, cmd, arg));
	if (ret && quiet && !read_snap(gm, after) && memcmp(before, after, sizeof(*before)))
		fail("%s failed (%s) yet game %llu changed: version %llu -> %llu", what,
		     strerror(-ret), (unsigned long long)gm->id,
		     (unsigned long long)before->table.version,
		     (unsigned long long)after->table.version);
	free(before);
	free(after);
	return ret;
}

static void act_create(struct handle *x)
{
	struct lfce_create *c = (void *)buf;
	uint64_t id;
	void *arg;
	int ret;

	memset(buf, 0, PAGE * 2);
	random_config(&c->config);
	c->size = one_in(4) ? random_size(LFCE_CREATE_SIZE_VER0, sizeof(*c)) :
		  one_in(3) ? LFCE_CREATE_SIZE_VER0 : sizeof(*c);
	if (c->size == LFCE_CREATE_SIZE_VER0)
		memset((uint8_t *)c + 64, 0, 16);	/* game_id at 64, no VER1 fields */
	if (one_in(10))
		buf[c->size + rn(8)] = 1;		/* a non-zero tail */
	if (one_in(10))
		c->flags = rnd();
	arg = arg_place(c, c->size < PAGE ? c->size : PAGE);
	ret = judge("CREATE", xioctl(x->fd, LFCE_IOC_CREATE, arg));
	if (ret || arg != c)
		return;
	id = c->size == LFCE_CREATE_SIZE_VER0 ? *(uint64_t *)(buf + 64) : c->game_id;
	x->game = id;
	if (!game_add(id))
		return;
}

static void act_attach(struct handle *x)
{
	struct lfce_attach a = { .size = sizeof(a), .game_id = pick_game_id() };

	if (one_in(8))
		a.size = random_size(LFCE_ATTACH_SIZE_VER0, sizeof(a));
	if (one_in(12))
		a.flags = 1 << rn(32);
	if (!judge("ATTACH", xioctl(x->fd, LFCE_IOC_ATTACH, arg_place(&a, sizeof(a)))))
		x->game = a.game_id, game_add(a.game_id);
}

static void act_join(struct handle *x)
{
	struct lfce_join *j = (void *)buf;
	void *arg;

	memset(buf, 0, PAGE * 2);
	j->size = one_in(8) ? random_size(LFCE_JOIN_SIZE_VER0, sizeof(*j)) : sizeof(*j);
	j->seat = one_in(3) ? LFCE_SEAT_ANY : random_seat(x);
	j->nonce = random_nonce(x, 0, 0);
	j->id[0] = rn(256);
	if (one_in(12))
		j->version = 1;
	arg = arg_place(j, sizeof(*j));
	guarded(x, "JOIN", LFCE_IOC_JOIN, arg);
	if (arg == j && j->version && j->seat < LFCE_MAX_SEATS)
		x->seat = j->seat;
}

static void act_submit(struct handle *x)
{
	struct lfce_submit sub = { .size = sizeof(sub) };
	struct lfce_op *ops = (void *)(buf + PAGE);
	struct lfce_snapshot s = { 0 };
	struct game *gm;
	uint32_t i, n;
	int ret, k;

	clean = rn(5) < 3;
	/* A clean operation comes from a seated handle, if there is one. */
	for (k = rn(NH), i = 0; clean && i < NH; i++) {
		struct handle *y = &h[(k + i) % NH];

		gm = game_of(y->game);
		if (y->fd >= 0 && y->fd < 1000 && (y->flags & O_ACCMODE) == O_RDWR &&
		    y->seat != LFCE_SEAT_ANY && gm && !(gm->last.table.flags & LFCE_TABLE_CLOSED)) {
			x = y;
			break;
		}
	}
	gm = game_of(x->game);
	if (gm)
		read_snap(gm, &s);
	n = clean ? 1 + one_in(4) : one_in(4) ? 1 + rn(20) : one_in(3) ? 2 : 1;
	for (i = 0; i < n; i++)
		random_op(x, &s, &ops[i]);
	sub.count = n;
	sub.ops = (uintptr_t)ops;
	if (!clean) {
		if (one_in(20))
			sub.count = one_in(2) ? 0 : 257 + rn(1 << 20);
		if (one_in(12))
			sub.ops = user_ptr(n * sizeof(*ops));
		if (one_in(10))
			sub.size = random_size(LFCE_SUBMIT_SIZE_VER0, sizeof(sub));
		if (one_in(15))
			sub.version = 1;
	}
	ret = guarded(x, "SUBMIT", LFCE_IOC_SUBMIT, clean ? &sub : arg_place(&sub, sizeof(sub)));
	i = ops[0].type < LFCE_OP_NR ? ops[0].type : LFCE_OP_NR;
	st.op_result[i][!ret]++;
	if (ret < 0 && ret > -160)
		st.op_err[i][-ret]++;
	clean = 0;
}

static void act_get_stats_list(struct handle *x)
{
	struct lfce_get gt = { .size = sizeof(gt), .snap_size = sizeof(struct lfce_snapshot) };
	struct lfce_stats sts = { .size = sizeof(sts) };
	struct lfce_list l = { .size = sizeof(l), .count = rn(16) };
	struct lfce_version v = { .size = sizeof(v) };

	switch (rn(4)) {
	case 0:
		gt.snap = user_ptr(sizeof(struct lfce_snapshot));
		if (one_in(6))
			gt.snap_size = rn(2 * sizeof(struct lfce_snapshot));
		if (one_in(8))
			gt.size = random_size(LFCE_GET_SIZE_VER0, sizeof(gt));
		judge("GET", xioctl(x->fd, LFCE_IOC_GET, arg_place(&gt, sizeof(gt))));
		break;
	case 1:
		if (one_in(4))
			sts.size = one_in(2) ? LFCE_STATS_SIZE_VER0 :
				   random_size(LFCE_STATS_SIZE_VER0, sizeof(sts));
		judge("STATS", xioctl(x->fd, LFCE_IOC_STATS, arg_place(&sts, sizeof(sts))));
		break;
	case 2:
		l.ids = user_ptr(l.count * 8);
		l.start = one_in(3) ? rnd() : rn(8);
		if (one_in(8))
			l.size = random_size(LFCE_LIST_SIZE_VER0, sizeof(l));
		if (one_in(10))
			l.total = 1;
		judge("LIST", xioctl(x->fd, LFCE_IOC_LIST, arg_place(&l, sizeof(l))));
		break;
	default:
		if (one_in(4))
			v.size = random_size(LFCE_VERSION_SIZE_VER0, sizeof(v));
		judge("VERSION", xioctl(x->fd, LFCE_IOC_VERSION, arg_place(&v, sizeof(v))));
		break;
	}
}

static void act_close_game(struct handle *x)
{
	struct lfce_close c = { .size = sizeof(c), .game_id = x->game ?: pick_game_id() };

	if (one_in(4))
		c.flags = LFCE_CLOSE_FORCE;
	if (one_in(10))
		c.flags = rnd();
	if (one_in(3))
		c.game_id = pick_game_id();
	if (one_in(10))
		c.size = random_size(LFCE_CLOSE_SIZE_VER0, sizeof(c));
	judge("CLOSE", xioctl(x->fd, LFCE_IOC_CLOSE, arg_place(&c, sizeof(c))));
}

/*
 * Any command: the lfce magic with numbers and directions in and out of
 * range and any size bits, or another magic; the argument random bytes
 * behind a plausible size. State may change behind our back: learn the
 * handle's game from a mapping afterwards.
 */
static void act_raw(struct handle *x)
{
	static const uint32_t sizes[] = {
		LFCE_VERSION_SIZE_VER0, LFCE_CREATE_SIZE_VER0, LFCE_CREATE_SIZE_VER1,
		LFCE_ATTACH_SIZE_VER0, LFCE_JOIN_SIZE_VER0, LFCE_SUBMIT_SIZE_VER0,
		LFCE_GET_SIZE_VER0, LFCE_STATS_SIZE_VER0, LFCE_STATS_SIZE_VER1,
		LFCE_LIST_SIZE_VER0, LFCE_CLOSE_SIZE_VER0,
	};
	unsigned int nr = one_in(4) ? rn(256) : rn(10);
	unsigned long cmd;
	uint32_t size, i;
	const void *m;
	size_t ms;

	switch (rn(4)) {
	case 0:
		cmd = (uint32_t)rnd();
		break;
	case 1:
		cmd = _IOC(rn(4), one_in(4) ? rn(256) : LFCE_IOC_MAGIC, nr, rn(1 << 14));
		break;
	default:
		cmd = _IOC(rn(4), LFCE_IOC_MAGIC, nr, rn(512));
		break;
	}
	size = sizes[rn(ARRAY_SIZE(sizes))] + (int)rn(17) - 8;
	if (one_in(8))
		size = rn(PAGE + 8);
	for (i = 0; i < PAGE + 64; i += 8)
		*(uint64_t *)(buf + i) = one_in(3) ? rnd() : 0;
	*(uint32_t *)buf = size;
	/* Pointer-sized fields at 8 and 16 often point at real memory. */
	if (rn(2))
		*(uint64_t *)(buf + 8) = user_ptr(PAGE);
	if (rn(2))
		*(uint64_t *)(buf + 16) = user_ptr(PAGE);
	if (size < PAGE + 64)
		memset(buf + size, 0, 64 - (one_in(4) ? 1 : 0));
	guarded(x, "raw ioctl", cmd, arg_place(buf, size < PAGE ? size : PAGE));
	/* Which game is the handle attached to now? */
	if (x->fd >= 0 && !lfce_map(x->fd, &m, &ms)) {
		x->game = ((const struct lfce_region *)m)->game_id;
		lfce_unmap(m, ms);
		game_add(x->game);
	}
}

/* Read every page of a mapping in a child: a fault there must not kill it. */
static void touch_map(struct handle *x)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		const volatile uint8_t *p = x->map;
		size_t i;
		uint8_t sum = 0;

		for (i = 0; i < x->map_size; i += PAGE)
			sum += p[i];
		_exit(sum == 0xff ? 0 : 0);
	}
	if (pid < 0)
		return;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) && (x->map_prot & PROT_READ))
		fail("reading a mapping (%zu bytes) after madvise or a partial munmap: signal %d",
		     x->map_size, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static void act_mmap(struct handle *x)
{
	static const int prots[] = { PROT_READ, PROT_READ, PROT_READ | PROT_WRITE,
				     PROT_READ | PROT_EXEC, PROT_NONE, PROT_WRITE };
	int prot = prots[rn(ARRAY_SIZE(prots))];
	size_t len = one_in(3) ? PAGE * (1 + rn(64)) : 0;
	off_t off = one_in(8) ? PAGE * (off_t)rn(4) : 0;
	void *p;
	int ret;

	if (x->map) {
		switch (rn(5)) {
		case 0:
			/* The debug kernel (tinyconfig) has no madvise(). */
			ret = madvise((void *)x->map, x->map_size,
				      one_in(2) ? MADV_DONTNEED : MADV_WILLNEED) ? -errno : 0;
			if (ret != -ENOSYS && !judge("madvise", ret))
				touch_map(x);
			return;
		case 1:
			if (!judge("mprotect", mprotect((void *)x->map, x->map_size,
							PROT_READ | (one_in(2) ? PROT_WRITE :
								     PROT_EXEC)) ? -errno : 0))
				fail("mprotect added PROT_WRITE or PROT_EXEC to a mapping");
			return;
		case 2:	/* split it: the rest must stay valid */
			if (x->map_size > PAGE) {
				munmap((void *)x->map, PAGE);
				x->map = (const uint8_t *)x->map + PAGE;
				x->map_size -= PAGE;
				touch_map(x);
				return;
			}
			/* fall through */
		default:
			lfce_unmap(x->map, x->map_size);
			x->map = NULL;
			return;
		}
	}
	if (!len) {
		if (judge("lfce_map", x->fd < 0 ? -EBADF : lfce_map(x->fd, &x->map, &x->map_size)))
			x->map = NULL;
		x->map_prot = PROT_READ;
		return;
	}
	p = mmap(NULL, len, prot, one_in(8) ? MAP_PRIVATE : MAP_SHARED, x->fd, off);
	if (judge("mmap", p == MAP_FAILED ? -errno : 0))
		return;
	if (prot & PROT_WRITE)
		fail("mmap with PROT_WRITE succeeded");
	x->map = p;
	x->map_size = len;
	x->map_prot = prot;
}

static void act_read(struct handle *x)
{
	size_t len = one_in(4) ? rn(2 * sizeof(struct lfce_record)) :
		     sizeof(struct lfce_record) * (1 + rn(8));
	void *p = arg_place(buf, len < PAGE ? len : PAGE);
	ssize_t n;
	int fl;

	if (x->fd < 0)
		return;
	/* Never block: the only writer is us. */
	fl = fcntl(x->fd, F_GETFL);
	if (fl >= 0)
		fcntl(x->fd, F_SETFL, fl | O_NONBLOCK);
	n = one_in(8) ? pread(x->fd, p, len, 0) : read(x->fd, p, len);
	judge("read", n < 0 ? -errno : 0);
	if (n > 0 && n % sizeof(struct lfce_record))
		fail("read returned %zd bytes, not whole records", n);
	if (fl >= 0)
		fcntl(x->fd, F_SETFL, fl);
}

/*
 * A child acting on an inherited handle, as root or under another uid; or
 * a fresh handle under another uid. A seated handle's player operation
 * under another uid must never commit.
 */
static void act_fork(struct handle *x)
{
	int other = rn(2), fresh = one_in(3), status;
	uid_t uid = 1000 + rn(3);
	struct lfce_snapshot s = { 0 };
	struct game *gm = game_of(x->game);
	struct lfce_op op;
	uint64_t id = pick_game_id();
	pid_t pid;
	int fd;

	if (gm)
		read_snap(gm, &s);
	random_op(x, &s, &op);
	if (!one_in(4)) {
		op.type = LFCE_OP_BET;
		op.u.bet.kind = LFCE_BET_FIELD;
		op.u.bet.amount = s.table.config.min_bet;
		op.nonce = x->nonce + 1000;
	}
	st.forks++;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int ret;

		/* With its groups: a fresh handle needs lfce's to open the device. */
		if ((other || fresh) && t_become(uid))
			_exit(3);
		fd = x->fd;
		if (fresh) {
			fd = lfce_open(O_RDWR);
			if (fd >= 0 && !lfce_attach(fd, id))
				lfce_join(fd, LFCE_SEAT_ANY, 1, NULL, NULL, NULL);
		}
		ret = lfce_submit(fd, &op, 1, NULL);
		if (ret && ret != -EBADF && !documented(-ret))
			_exit(4);
		if (!ret && other && !fresh && x->seat != LFCE_SEAT_ANY &&
		    op.type != LFCE_OP_EXPIRE && op.type != LFCE_OP_LAPSE)
			_exit(5);
		_exit(0);
	}
	if (pid < 0)
		return;
	waitpid(pid, &status, 0);
	x->nonce += 1000;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("child (uid %u, %s handle, %s) status 0x%x", other || fresh ? uid : 0,
		     fresh ? "fresh" : "inherited", lfce_op_name(op.type), status);
}

/* ---- scenarios: games played move by move ---- */

/*
 * Stateful generation, in the way of syzkaller's resources: a scenario
 * table is a game of our own whose players we know (their handles, seats,
 * uids and commit secrets). Each move reads the game's snapshot through our
 * mapping and makes what a player, the owner or a bystander would do next:
 * seat players, fund them, bet, close betting, commit and reveal, expire a
 * round past its deadline, propose a ban, a transfer, a config change or a
 * roll and vote it to its quorum, leave, settle, and close the game. Now and
 * then a mis-step instead (a duplicate, a wrong secret, a vote from outside
 * the electorate, ...), each breaking one rule, so that the errno it must
 * get is known; and any operation may be mutated on top (a field made
 * wrong) so that near-valid inputs reach the error paths. While no deadline
 * is near (quiet_snap()), the outcome of an unmutated move is asserted.
 */
#define NT		2	/* scenario tables at once */
#define NP		5	/* players per table, at most */
#define SCEN_PCT	50	/* of the steps, scenario moves */
#define UNKNOWN		1	/* an expected result: any documented one */
#define MS		1000000ULL
#define STAKE		30	/* a whole number of every bet's unit */

struct player {
	int fd;			/* -1: none */
	uint32_t seat;		/* LFCE_SEAT_ANY: none */
	uint32_t uid;		/* it acts as this uid, in a child; 0: as we are */
	uint8_t secret[32];	/* its secret for round @round */
	uint64_t round;
	struct lfce_op last;	/* its last operation that committed; type 0: none */
};

struct table {
	uint64_t id;		/* 0: none */
	int owner;		/* the creator's handle */
	uint32_t want;		/* players to seat */
	uint32_t moves, max_moves, stuck, closing, backoff;
	int uids;		/* one uid per player: distinct uids */
	int force;		/* end with a forced close */
	struct lfce_op owner_last;
	struct player p[NP];
};

static struct table tb[NT];
/* The version of the snapshot the move was planned on: its expectation's. */
static uint64_t plan_version;

/* Bytes of @n from the run's generator: secrets and player ids. */
static void rnd_bytes(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = rnd();
}

static void op_init(struct lfce_op *op, uint16_t type, uint32_t seat, uint64_t nonce)
{
	memset(op, 0, sizeof(*op));
	op->type = type;
	op->seat = seat;
	op->nonce = nonce;
}

/* An active seat of ours: bound to the player's uid, not banned, held. */
static int active(const struct lfce_snapshot *s, const struct player *p)
{
	const struct lfce_seat *e;

	if (p->fd < 0 || p->seat >= LFCE_MAX_SEATS)
		return 0;
	e = &s->seat[p->seat];
	return (e->flags & (LFCE_SEAT_BOUND | LFCE_SEAT_BANNED)) == LFCE_SEAT_BOUND &&
	       e->uid == p->uid;
}

static struct player *player_at(struct table *t, uint32_t seat)
{
	int i;

	for (i = 0; i < NP; i++)
		if (t->p[i].fd >= 0 && t->p[i].seat == seat)
			return &t->p[i];
	return NULL;
}

/* A random player of ours that @ok accepts, or NULL. */
static struct player *pick_player(struct table *t, const struct lfce_snapshot *s,
				  int (*ok)(const struct lfce_snapshot *s, const struct player *p))
{
	int i, k = rn(NP);

	for (i = 0; i < NP; i++)
		if (ok(s, &t->p[(k + i) % NP]))
			return &t->p[(k + i) % NP];
	return NULL;
}

/* A random active player of ours other than @p, or NULL. */
static struct player *other_player(struct table *t, const struct lfce_snapshot *s,
				   const struct player *p)
{
	int i, k = rn(NP);

	for (i = 0; i < NP; i++)
		if (&t->p[(k + i) % NP] != p && active(s, &t->p[(k + i) % NP]))
			return &t->p[(k + i) % NP];
	return NULL;
}

/* An index into @w, with probability proportional to its weight. */
static int weighted(const uint32_t *w, int n)
{
	uint32_t sum = 0, r;
	int i;

	for (i = 0; i < n; i++)
		sum += w[i];
	r = rn(sum);
	for (i = 0; i < n - 1 && r >= w[i]; i++)
		r -= w[i];
	return i;
}

static int seated(struct table *t, const struct lfce_snapshot *s)
{
	int i, n = 0;

	for (i = 0; i < NP; i++)
		n += active(s, &t->p[i]);
	return n;
}

static uint64_t next_nonce(const struct lfce_snapshot *s, const struct player *p)
{
	return s->seat[p->seat].nonce + 1;
}

static int has_bets(const struct lfce_seat *e)
{
	int k;

	for (k = 0; k < LFCE_BET_NR; k++)
		if (e->bets[k])
			return 1;
	return 0;
}

/*
 * May the seat's bets all come down now (LEAVE, the owner's SETTLE)? The
 * uapi's rule: not in the round, and not with a bet that must stay up (a
 * pass line bet with a point, a come bet on its number).
 */
static int may_leave(const struct lfce_snapshot *s, uint32_t seat)
{
	const struct lfce_seat *e = &s->seat[seat];
	int k;

	if (s->table.stage != LFCE_STAGE_BETTING)
		return !has_bets(e) && !(s->round.participants & (1U << seat)) ? 0 : -EPROTO;
	if (s->table.phase == LFCE_PHASE_POINT && e->bets[LFCE_BET_PASS])
		return -EPROTO;
	for (k = LFCE_BET_COME_4; k <= LFCE_BET_COME_10; k++)
		if (e->bets[k])
			return -EPROTO;
	return 0;
}

/* The bank may shrink only in the betting stage with no bet on the table. */
static int bank_may_shrink(const struct lfce_snapshot *s)
{
	int i;

	if (s->table.stage != LFCE_STAGE_BETTING)
		return -EPROTO;
	for (i = 0; i < LFCE_MAX_SEATS; i++)
		if (has_bets(&s->seat[i]))
			return -EPROTO;
	return 0;
}

/* A near-valid input: one field of a well-formed operation made wrong. */
static void mutate(struct lfce_op *op, const struct lfce_snapshot *s)
{
	uint8_t *p = (uint8_t *)op;

	switch (rn(7)) {
	case 0:
		p[rn(sizeof(*op))] ^= 1 << rn(8);
		break;
	case 1:		/* a nonce used already, or the one before */
		op->nonce -= op->nonce > 1 ? 1 + rn(2) : 0;
		break;
	case 2:
		op->seat = one_in(4) ? LFCE_SEAT_BANK : rn(LFCE_MAX_SEATS + 1);
		break;
	case 3:
		op->expected_version = s->table.version + rn(3) - 1;
		break;
	case 4:
		op->type = rn(LFCE_OP_NR + 2);
		break;
	case 5:
		((uint8_t *)&op->u)[rn(sizeof(op->u))] ^= 1 << rn(8);
		break;
	default:
		op->flags = 1 << rn(16);
		break;
	}
}

/*
 * A call on a table: SUBMIT of @ops, or JOIN of @seat with @nonce, or the
 * owner's CLOSE with @flags; as @uid: in a child that becomes it, on the
 * handle it inherits.
 */
struct call {
	int fd;
	uint32_t uid;
	struct lfce_op *ops;	/* NULL: not a SUBMIT */
	uint32_t n, seat;
	uint64_t nonce;
	uint8_t id[32];
	uint64_t close;		/* a CLOSE of this game */
	uint32_t flags;
};

static int call_now(const struct call *c)
{
	if (c->close)
		return lfce_close_game(c->fd, c->close, c->flags);
	if (!c->ops)
		return lfce_join(c->fd, c->seat, c->nonce, c->id, NULL, NULL);
	return lfce_submit(c->fd, c->ops, c->n, NULL);
}

static int call_run(const struct call *c)
{
	int status, ret;
	pid_t pid;

	if (!c->uid)
		return call_now(c);
	st.forks++;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (t_become(c->uid))
			_exit(255);
		ret = call_now(c);
		_exit(ret < 0 && ret > -255 ? -ret : ret ? 254 : 0);
	}
	if (pid < 0)
		return -EAGAIN;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) >= 254) {
		fail("child as uid %u: status 0x%x", c->uid, status);
		return -EINTR;
	}
	return -WEXITSTATUS(status);
}

/* What a call was, for a failure's message. */
static const char *call_str(const struct call *c, const struct lfce_snapshot *s)
{
	static char b[256];
	const struct lfce_seat *e = &s->seat[c->seat % LFCE_MAX_SEATS];

	if (c->close)
		snprintf(b, sizeof(b), "CLOSE flags %u, total %llu", c->flags,
			 (unsigned long long)s->table.total);
	else if (!c->ops)
		snprintf(b, sizeof(b), "JOIN seat %u nonce %llu uid %u; seat flags %u uid %u nonce %llu",
			 c->seat, (unsigned long long)c->nonce, c->uid, e->flags, e->uid,
			 (unsigned long long)e->nonce);
	else
		snprintf(b, sizeof(b), "%s seat %u nonce %llu uid %u, stage %u, seat nonce %llu",
			 lfce_op_name(c->ops->type), c->ops->seat,
			 (unsigned long long)c->ops->nonce, c->uid, s->table.stage,
			 (unsigned long long)s->seat[c->ops->seat % LFCE_MAX_SEATS].nonce);
	return b;
}

/* Errors that say nothing about the rules: memory, budget, a signal. */
static int resource_errno(int ret)
{
	return ret == -EAGAIN || ret == -ENOMEM || ret == -EINTR;
}

/*
 * Make call @c in table @t and judge it: a documented errno, nothing
 * changed if it failed, and, unless @expect is UNKNOWN or a deadline is
 * near, the result @expect. An operation may be mutated first (then any
 * result will do). EAGAIN is retried with the same nonce, as agents must.
 */
static int play(struct table *t, struct call *c, int expect, const char *what)
{
	struct game *gm = game_of(t->id);
	struct lfce_snapshot *before = calloc(1, sizeof(*before)), *after = malloc(sizeof(*after));
	int ret, quiet, tries, type = c->ops ? c->ops[0].type :
				     c->close ? LFCE_OP_SHUTDOWN : LFCE_OP_JOIN;

	if (!before || !after)
		abort();
	quiet = gm && !read_snap(gm, before) && quiet_snap(before) &&
		before->table.version == plan_version;
	if (c->ops && one_in(8)) {
		mutate(&c->ops[rn(c->n)], before);
		expect = UNKNOWN;
		st.mutated++;
	}
	for (tries = 0; tries < 3; tries++) {
		ret = call_run(c);
		if (ret != -EAGAIN)
			break;
	}
	judge(what, ret);
	type = type < LFCE_OP_NR ? type : LFCE_OP_NR;
	st.scen_op[type][!ret]++;
	if (ret < 0 && ret > -160)
		st.scen_err[type][-ret]++;
	if (ret && quiet && !read_snap(gm, after) && memcmp(before, after, sizeof(*before)))
		fail("scenario %s failed (%s) yet game %llu changed: version %llu -> %llu", what,
		     strerror(-ret), (unsigned long long)t->id,
		     (unsigned long long)before->table.version,
		     (unsigned long long)after->table.version);
	if (expect != UNKNOWN && quiet) {
		if (resource_errno(ret)) {
			st.inconclusive++;
		} else {
			st.expected++;
			if (ret != expect)
				fail("scenario %s, game %llu version %llu: %s, expected %s (%s)", what,
				     (unsigned long long)t->id,
				     (unsigned long long)before->table.version,
				     ret ? strerror(-ret) : "committed",
				     expect ? strerror(-expect) : "a commit", call_str(c, before));
		}
	}
	free(before);
	free(after);
	return ret;
}

/* Player @p submits @op (or the batch of @n at @op). */
static int as_player(struct table *t, struct player *p, struct lfce_op *op, uint32_t n,
		     int expect, const char *what)
{
	struct call c = { .fd = p->fd, .uid = p->uid, .ops = op, .n = n };
	struct lfce_op mine = *op;
	int ret = play(t, &c, expect, what);

	/* Only what carries a nonce is exactly-once: not EXPIRE or LAPSE. */
	if (!ret && n == 1 && !memcmp(&mine, op, sizeof(mine)) && op->nonce)
		p->last = mine;
	return ret;
}

/* The owner (us, who created the game) submits @op on its handle. */
static int as_owner(struct table *t, struct lfce_op *op, int expect, const char *what)
{
	struct call c = { .fd = t->owner, .ops = op, .n = 1 };
	struct lfce_op mine = *op;
	int ret = play(t, &c, expect, what);

	if (!ret && !memcmp(&mine, op, sizeof(mine)) && op->nonce)
		t->owner_last = mine;
	return ret;
}

static void owner_op(struct table *t, const struct lfce_snapshot *s, uint16_t type,
		     uint32_t seat, uint64_t value, int expect, const char *what)
{
	struct lfce_op op;

	op_init(&op, type, seat, s->table.owner_nonce + 1);
	op.u.amount.value = value;
	as_owner(t, &op, expect, what);
}

/* ---- a table's life ---- */

static void table_reset(struct table *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	t->owner = -1;
	for (i = 0; i < NP; i++) {
		t->p[i].fd = -1;
		t->p[i].seat = LFCE_SEAT_ANY;
	}
}

static void table_free(struct table *t)
{
	int i;

	for (i = 0; i < NP; i++)
		if (t->p[i].fd >= 0)
			close(t->p[i].fd);
	if (t->owner >= 0)
		close(t->owner);
	table_reset(t);
}

/* The game is closed, or lost to us: replay its journal and let it go. */
static void table_end(struct table *t)
{
	struct game *gm = game_of(t->id);

	if (gm)
		game_retire(gm);
	table_free(t);
	t->backoff = rn(4);
}

static void table_closed(struct table *t)
{
	st.tables_closed++;
	table_end(t);
}

/* A followed-game slot for a new table: a random game's, if need be. */
static struct game *table_follow(uint64_t id)
{
	struct game *gm = game_add(id);
	int i, k = rn(NG);

	for (i = 0; !gm && i < NG; i++) {
		if (g[(k + i) % NG].scen)
			continue;
		game_retire(&g[(k + i) % NG]);
		gm = game_add(id);
	}
	return gm;
}

/* The kinds of table: the dice, and which deadlines are short. */
enum { CR, CR_QUICK, HOST, AGREEMENT, VOTE_QUICK, KINDS };

/*
 * Coverage feedback: a kind of table that would bring a kind of roll, or
 * of lapse, the run has not seen yet; -1 if none is lacking.
 */
static int kind_lacking(void)
{
	int need[KINDS], n = 0;

	if (!st.seen.rolled[LFCE_OP_REVEAL])
		need[n++] = CR;
	if (!st.seen.rolled[LFCE_OP_EXPIRE])
		need[n++] = CR_QUICK;
	if (!st.seen.rolled[LFCE_OP_ROLL])
		need[n++] = HOST;
	if (!st.seen.rolled[LFCE_OP_VOTE])
		need[n++] = AGREEMENT;
	if (!st.seen.rec[LFCE_OP_LAPSE])
		need[n++] = VOTE_QUICK;
	return n ? need[rn(n)] : -1;
}

/*
 * A new table: of a kind the run lacks (kind_lacking()), or of each kind
 * in turn, or a random one: commit-reveal dice, or the host's, or the
 * quorum's; short deadlines for rounds (they expire) or for proposals (they
 * lapse); players under uids of their own (each call then comes from a
 * child), else all of them ours, in a game without distinct uids.
 */
static void table_new(struct table *t)
{
	static const uint8_t turn[] = { CR, AGREEMENT, CR_QUICK, HOST, CR, VOTE_QUICK };
	static const uint8_t dice[KINDS] = {
		[CR] = LFCE_DICE_COMMIT_REVEAL, [CR_QUICK] = LFCE_DICE_COMMIT_REVEAL,
		[HOST] = LFCE_DICE_HOST, [AGREEMENT] = LFCE_DICE_AGREEMENT,
		[VOTE_QUICK] = LFCE_DICE_COMMIT_REVEAL,
	};
	int kind = kind_lacking(), quick_reveal, quick_vote;
	struct lfce_config c;
	struct game *gm;
	uint64_t id;

	if (kind < 0 || one_in(4))
		kind = turn[st.tables % ARRAY_SIZE(turn)];
	table_free(t);
	lfce_rules_default_config(&c);
	c.dice_mode = dice[kind];
	quick_reveal = kind == CR_QUICK;
	quick_vote = kind == VOTE_QUICK;
	if (one_in(5)) {
		c.dice_mode = rn(LFCE_DICE_NR);
		quick_reveal = one_in(4);
		quick_vote = one_in(6);
	}
	t->uids = rn(4) ? st.tables % 4 == 3 : one_in(4);
	c.flags = (t->uids ? LFCE_CFG_DISTINCT_UIDS : 0) | rn(2) * LFCE_CFG_HARDWAYS_WORK;
	c.min_bet = 1 + rn(STAKE);
	c.max_bet = 100000;
	c.odds_max = 1 + rn(5);
	c.field12_pays = 2 + rn(2);
	if (quick_reveal)
		c.reveal_timeout_ns = (2 + rn(20)) * MS;
	if (quick_vote)
		c.proposal_timeout_ns = (2 + rn(20)) * MS;
	c.max_proposals = one_in(3) ? 1 + rn(LFCE_MAX_PROPOSALS) : 0;
	c.governable = rn(4) ? (1U << LFCE_PARAM_NR) - 1 : rnd() & ((1U << LFCE_PARAM_NR) - 1);
	t->owner = open(LFCE_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (judge("open", t->owner < 0 ? -errno : 0) ||
	    judge("CREATE", lfce_create(t->owner, &c, &id))) {
		table_free(t);
		t->backoff = 10 + rn(20);	/* at the games limit, say */
		return;
	}
	gm = table_follow(id);
	if (!gm) {
		table_free(t);
		return;
	}
	gm->scen = 1;
	t->id = id;
	t->want = one_in(4) ? 2 : 3 + rn(NP - 2);
	t->max_moves = 30 + rn(90);
	t->force = one_in(3);
	st.tables++;
}

/*
 * Seat player @p: with a new handle if it has none. In a free seat, or
 * @again (its own, to come back to after letting go of its handle); with
 * distinct uids, the seat of its uid if there is one.
 */
static void mv_join(struct table *t, const struct lfce_snapshot *s, struct player *p,
		    uint32_t again)
{
	const uint32_t max = s->table.config.max_seats;
	struct call c = { .nonce = 1 + rn(4), .seat = again };
	uint32_t i, k = rn(max);
	int ret, expect = 0;

	if (p->fd < 0) {
		p->fd = open(LFCE_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		if (judge("open", p->fd < 0 ? -errno : 0) ||
		    judge("ATTACH", lfce_attach(p->fd, t->id))) {
			if (p->fd >= 0)
				close(p->fd);
			p->fd = -1;
			return;
		}
		p->uid = t->uids ? 1000 + (p - t->p) : 0;
	}
	for (i = 0; i < max && c.seat == LFCE_SEAT_ANY; i++) {
		const struct lfce_seat *e = &s->seat[(k + i) % max];

		if (!(e->flags & (LFCE_SEAT_BOUND | LFCE_SEAT_BANNED)))
			c.seat = (k + i) % max;
	}
	for (i = 0; i < max && t->uids; i++)
		if ((s->seat[i].flags & LFCE_SEAT_BOUND) && s->seat[i].uid == p->uid)
			c.seat = i;
	if (c.seat == LFCE_SEAT_ANY) {
		c.seat = k;
		expect = UNKNOWN;
	} else if (s->seat[c.seat].flags & LFCE_SEAT_BANNED) {
		expect = -EPERM;
	} else if (s->seat[c.seat].flags & LFCE_SEAT_BOUND) {
		expect = s->seat[c.seat].uid == p->uid ? 0 : UNKNOWN;
	}
	/* Above the seat's last nonce: one that was left keeps it (invariants.c). */
	if (c.seat < LFCE_MAX_SEATS)
		c.nonce += s->seat[c.seat].nonce;
	if (one_in(10)) {	/* near-valid: a seat out of range, a nonce used */
		c.seat = one_in(2) ? LFCE_MAX_SEATS + rn(4) : c.seat;
		c.nonce = one_in(2) ? s->seat[c.seat % LFCE_MAX_SEATS].nonce : c.nonce;
		expect = UNKNOWN;
		st.mutated++;
	}
	c.fd = p->fd;
	c.uid = p->uid;
	rnd_bytes(c.id, sizeof(c.id));
	ret = play(t, &c, expect, "JOIN");
	if (!ret)
		p->seat = c.seat;
}

/* The owner funds the bank, or a player short of tokens. */
static int mv_fund(struct table *t, const struct lfce_snapshot *s)
{
	struct player *p = pick_player(t, s, active);

	if (s->table.bank < 20000 || (s->table.flags & LFCE_TABLE_SUSPENDED)) {
		owner_op(t, s, LFCE_OP_DEPOSIT, LFCE_SEAT_BANK, 100000 + rn(1000000), 0,
			 "DEPOSIT bank");
		return 1;
	}
	if (p && s->seat[p->seat].balance < 10 * STAKE) {
		owner_op(t, s, LFCE_OP_DEPOSIT, p->seat, 1000 + rn(100000), 0,
			 "DEPOSIT");
		return 1;
	}
	return 0;
}

/*
 * A bet a player would make now: the line on the come-out, come or odds
 * with a point, the field, place, hard and one-roll bets any time, in
 * multiples of STAKE, which every unit divides. The rules judge it.
 */
static void mv_bet(struct table *t, const struct lfce_snapshot *s, struct player *p)
{
	const struct lfce_seat *e = &s->seat[p->seat];
	const struct lfce_config *cf = &s->table.config;
	int point = s->table.phase == LFCE_PHASE_POINT, k;
	uint64_t v = STAKE * (1 + rn(4));
	struct lfce_op op;

	switch (rn(6)) {
	case 0:
	case 1:
		k = point ? (rn(2) ? LFCE_BET_COME : LFCE_BET_DONT_COME) :
			    (rn(3) ? LFCE_BET_PASS : LFCE_BET_DONT_PASS);
		break;
	case 2:		/* odds behind a line bet: within odds_max of it, if we can */
		k = e->bets[LFCE_BET_PASS] ? LFCE_BET_PASS_ODDS : LFCE_BET_DONT_PASS_ODDS;
		if (e->bets[k - LFCE_BET_PASS_ODDS] * cf->odds_max >= e->bets[k] + STAKE)
			v = STAKE;
		break;
	default:
		k = LFCE_BET_FIELD + rn(LFCE_BET_NR - LFCE_BET_FIELD);
		break;
	}
	while (e->bets[k] + v < cf->min_bet)
		v += STAKE;
	op_init(&op, LFCE_OP_BET, p->seat, next_nonce(s, p));
	op.u.bet.kind = k;
	op.u.bet.amount = v;
	as_player(t, p, &op, 1, UNKNOWN, "BET");
}

/* A bet that may come down, all of it, if nothing rides on it. */
static int mv_unbet(struct table *t, const struct lfce_snapshot *s, struct player *p)
{
	const struct lfce_seat *e = &s->seat[p->seat];
	int i, k, start = rn(LFCE_BET_NR);
	struct lfce_op op;

	for (i = 0; i < LFCE_BET_NR; i++) {
		k = (start + i) % LFCE_BET_NR;
		if (!e->bets[k] || (k >= LFCE_BET_COME_4 && k <= LFCE_BET_COME_10) ||
		    (k == LFCE_BET_PASS && s->table.phase == LFCE_PHASE_POINT) ||
		    (k == LFCE_BET_PASS && e->bets[LFCE_BET_PASS_ODDS]) ||
		    (k == LFCE_BET_DONT_PASS && e->bets[LFCE_BET_DONT_PASS_ODDS]) ||
		    (k >= LFCE_BET_DONT_COME_4 && k <= LFCE_BET_DONT_COME_10 &&
		     e->bets[k - LFCE_BET_DONT_COME_4 + LFCE_BET_DONT_COME_ODDS_4]))
			continue;
		op_init(&op, LFCE_OP_UNBET, p->seat, next_nonce(s, p));
		op.u.bet.kind = k;
		op.u.bet.amount = e->bets[k];
		as_player(t, p, &op, 1, s->table.stage == LFCE_STAGE_BETTING ? 0 : -EPROTO,
			  "UNBET");
		return 1;
	}
	return 0;
}

static int cr_participant(const struct lfce_snapshot *s, const struct player *p, uint32_t done)
{
	uint32_t bit = 1U << p->seat;

	return active(s, p) && (s->round.participants & bit) && !(done & bit);
}

static int to_commit(const struct lfce_snapshot *s, const struct player *p)
{
	return s->table.stage == LFCE_STAGE_COMMIT && cr_participant(s, p, s->round.committed);
}

static int to_reveal(const struct lfce_snapshot *s, const struct player *p)
{
	return s->table.stage == LFCE_STAGE_REVEAL && cr_participant(s, p, s->round.revealed);
}

/*
 * Commit a fresh secret. liblfce has no commitment helper; the engine's
 * lfce_rules_commitment(), linked here for the replay, is the one
 * implementation of SHA-256(secret || round), and the one used.
 */
static void mv_commit(struct table *t, const struct lfce_snapshot *s, struct player *p)
{
	struct lfce_op op;

	rnd_bytes(p->secret, sizeof(p->secret));
	p->round = s->round.number;
	op_init(&op, LFCE_OP_COMMIT, p->seat, next_nonce(s, p));
	lfce_rules_commitment(p->secret, p->round, op.u.commit.digest);
	if (!as_player(t, p, &op, 1, 0, "COMMIT"))
		t->stuck = 0;
}

/* Our secret, if we still have the round's; EINVAL if it is not what we committed. */
static void mv_reveal(struct table *t, const struct lfce_snapshot *s, struct player *p)
{
	uint8_t want[32];
	struct lfce_op op;
	int expect = 0;

	op_init(&op, LFCE_OP_REVEAL, p->seat, next_nonce(s, p));
	memcpy(op.u.reveal.secret, p->secret, 32);
	lfce_rules_commitment(p->secret, s->round.number, want);
	if (p->round != s->round.number || memcmp(want, s->round.commitment[p->seat], 32)) {
		/* A mutated COMMIT went through: it can only withhold now. */
		t->stuck += 4;
		if (!one_in(4))
			return;
		expect = -EINVAL;
	}
	if (!as_player(t, p, &op, 1, expect, "REVEAL"))
		t->stuck = 0;
}

/* Sleep until just past @deadline if it is near; true if it has passed. */
static int wait_past(uint64_t deadline)
{
	uint64_t now = boottime_ns();

	if (now > deadline)
		return 1;
	if (deadline - now > 30 * MS)
		return 0;
	usleep((deadline - now) / 1000 + 200);
	st.sleeps_us += (deadline - now) / 1000 + 200;
	return 1;
}

/*
 * Withhold: past the round's deadline, anyone attached expires it (the
 * sweep may have been first: EPROTO then). Before it, EPROTO.
 */
static void mv_expire(struct table *t, const struct lfce_snapshot *s)
{
	struct player *p = pick_player(t, s, active);
	struct lfce_op op;
	int past = s->table.stage != LFCE_STAGE_BETTING && wait_past(s->round.deadline_ns);

	op_init(&op, LFCE_OP_EXPIRE, LFCE_SEAT_BANK, 0);
	if (p && one_in(2)) {
		op.seat = p->seat;
		as_player(t, p, &op, 1, past ? UNKNOWN : -EPROTO, "EXPIRE");
	} else {
		as_owner(t, &op, past ? UNKNOWN : -EPROTO, "EXPIRE");
	}
}

/* A pending proposal, the slot index, with a voter of ours left; or -1. */
static int pending_with_voter(struct table *t, const struct lfce_snapshot *s, struct player **v)
{
	int i, j, k = rn(LFCE_MAX_PROPOSALS);

	for (i = 0; i < LFCE_MAX_PROPOSALS; i++) {
		const struct lfce_proposal *pr = &s->proposal[(k + i) % LFCE_MAX_PROPOSALS];
		uint32_t left = pr->electorate & ~pr->gone & ~(pr->votes_for | pr->votes_against);

		if (pr->state != LFCE_PROP_PENDING)
			continue;
		for (j = 0; j < NP; j++) {
			if (active(s, &t->p[j]) && (left & (1U << t->p[j].seat))) {
				*v = &t->p[j];
				return (k + i) % LFCE_MAX_PROPOSALS;
			}
		}
	}
	return -1;
}

/*
 * Vote: mostly for; a ban's target and a transfer's unwilling source
 * against, often. Past the deadline (short deadlines), ETIME.
 */
static void mv_vote(struct table *t, const struct lfce_snapshot *s, int slot, struct player *v)
{
	const struct lfce_proposal *pr = &s->proposal[slot];
	int against = st.seen.outcome[LFCE_PROP_REJECTED] ? one_in(6) : one_in(2);
	struct lfce_op op;

	/* An unwilling source: no consent, FAILED if the others pass it. */
	if ((pr->action == LFCE_OP_BAN || pr->action == LFCE_OP_TRANSFER) &&
	    pr->seat == v->seat && pr->proposer != v->seat)
		against = rn(2) || !st.seen.outcome[LFCE_PROP_FAILED];
	op_init(&op, LFCE_OP_VOTE, v->seat, next_nonce(s, v));
	op.u.vote.id = pr->id;
	op.u.vote.choice = against ? LFCE_VOTE_AGAINST : LFCE_VOTE_FOR;
	as_player(t, v, &op, 1, 0, "VOTE");
}

static int pending(const struct lfce_snapshot *s)
{
	int i, n = 0;

	for (i = 0; i < LFCE_MAX_PROPOSALS; i++)
		n += s->proposal[i].state == LFCE_PROP_PENDING;
	return n;
}

/* A valid value for config parameter @param, or an invalid one sometimes. */
static uint64_t config_value(const struct lfce_config *c, uint32_t param, int *valid)
{
	*valid = !one_in(8);
	switch (param) {
	case LFCE_PARAM_MIN_BET:
		return *valid ? 1 + rn(STAKE) : 0;
	case LFCE_PARAM_MAX_BET:
		return *valid ? c->min_bet + STAKE * (10 + rn(1000)) : LFCE_AMOUNT_MAX + 1;
	case LFCE_PARAM_ODDS_MAX:
		return *valid ? 1 + rn(10) : 101;
	case LFCE_PARAM_FIELD12_PAYS:
		return *valid ? 2 + rn(2) : 4;
	case LFCE_PARAM_DICE_MODE:
		return *valid ? rn(LFCE_DICE_NR) : LFCE_DICE_NR;
	case LFCE_PARAM_REVEAL_TIMEOUT:
	case LFCE_PARAM_PROPOSAL_TIMEOUT:
		return *valid ? (one_in(5) ? (2 + rn(20)) * MS : 60000 * MS) : 0;
	}
	*valid = 0;
	return 1;
}

/*
 * Open a proposal: ban another seat, transfer from ourselves (or, without
 * consent, from another), change a parameter, or roll by agreement. The
 * documented errno when the one rule broken is known: EPROTO (a ban or a
 * dice-mode change outside the betting stage, a roll without agreement
 * dice), EPERM (a parameter not governable), EBUSY (the table is full).
 */
static void mv_propose(struct table *t, const struct lfce_snapshot *s, struct player *p)
{
	static const uint16_t actions[] = {
		LFCE_OP_BAN, LFCE_OP_TRANSFER, LFCE_OP_CONFIG, LFCE_OP_ROLL,
	};
	const struct lfce_config *cf = &s->table.config;
	struct player *q = other_player(t, s, p);
	int betting = s->table.stage == LFCE_STAGE_BETTING, expect = 0, valid, i, what;
	uint32_t other = q ? q->seat : (p->seat + 1) % cf->max_seats, w[4];
	uint64_t bal = s->seat[p->seat].balance;
	struct lfce_op op;

	/*
	 * Each action alike, a roll mostly where the quorum rolls; coverage
	 * feedback: an action no proposal has passed yet, much more often.
	 */
	for (i = 0; i < 4; i++)
		w[i] = st.seen.passed[actions[i]] ? 2 : 12;
	if (!st.seen.outcome[LFCE_PROP_FAILED])
		w[1] = 12;	/* a transfer without consent fails */
	w[3] = cf->dice_mode == LFCE_DICE_AGREEMENT ? 4 * w[3] : 1;
	/* Two voters: a ban's target or a transfer's source alone rejects it. */
	if (seated(t, s) < 3)
		w[0] = 0;
	what = weighted(w, ARRAY_SIZE(w));
	op_init(&op, LFCE_OP_PROPOSE, p->seat, next_nonce(s, p));
	switch (what) {
	case 0:
		op.u.propose.action = LFCE_OP_BAN;
		op.u.propose.seat = other;
		if (!q)
			expect = UNKNOWN;
		else if (!betting)
			expect = -EPROTO;
		break;
	case 1:
		op.u.propose.action = LFCE_OP_TRANSFER;
		op.u.propose.seat = p->seat;
		op.u.propose.to = other;
		op.u.propose.value = 1 + rn(bal < 100 ? bal + 1 : 100);
		/* From another, without its consent yet: FAILED unless it votes for. */
		if (q && seated(t, s) >= 3 && (one_in(3) || !st.seen.outcome[LFCE_PROP_FAILED])) {
			op.u.propose.seat = other;
			op.u.propose.to = p->seat;
			op.u.propose.value = 1 + rn(10);
			expect = s->seat[other].balance < op.u.propose.value ? -ENOSPC : 0;
		} else if (!q) {
			expect = UNKNOWN;
		} else if (op.u.propose.value > bal) {
			expect = -ENOSPC;
		}
		break;
	case 2:
		op.u.propose.action = LFCE_OP_CONFIG;
		op.u.propose.param = rn(LFCE_PARAM_NR);
		op.u.propose.value = config_value(cf, op.u.propose.param, &valid);
		if (!valid || (op.u.propose.param == LFCE_PARAM_MAX_BET &&
			       op.u.propose.value < cf->min_bet) ||
		    (op.u.propose.param == LFCE_PARAM_MIN_BET && op.u.propose.value > cf->max_bet))
			expect = -EINVAL;
		else if (!(cf->governable & (1U << op.u.propose.param)))
			expect = -EPERM;
		else if (op.u.propose.param == LFCE_PARAM_DICE_MODE && !betting)
			expect = -EPROTO;
		break;
	default:
		op.u.propose.action = LFCE_OP_ROLL;
		expect = cf->dice_mode == LFCE_DICE_AGREEMENT && betting ? 0 : -EPROTO;
		break;
	}
	if (!expect && pending(s) >= (int)cf->max_proposals)
		expect = -EBUSY;
	as_player(t, p, &op, 1, expect, "PROPOSE");
}

/* Past a pending proposal's near deadline: LAPSE it, or vote too late. */
static int mv_lapse(struct table *t, const struct lfce_snapshot *s)
{
	struct player *p = pick_player(t, s, active);
	struct lfce_op op;
	int i;

	for (i = 0; i < LFCE_MAX_PROPOSALS; i++) {
		const struct lfce_proposal *pr = &s->proposal[i];

		if (pr->state != LFCE_PROP_PENDING || !wait_past(pr->deadline_ns))
			continue;
		if (p && (pr->electorate & (1U << p->seat)) && one_in(3)) {
			op_init(&op, LFCE_OP_VOTE, p->seat, next_nonce(s, p));
			op.u.vote.id = pr->id;
			op.u.vote.choice = LFCE_VOTE_FOR;
			as_player(t, p, &op, 1, UNKNOWN, "VOTE late");
			return 1;
		}
		op_init(&op, LFCE_OP_LAPSE, LFCE_SEAT_BANK, 0);
		op.u.vote.id = pr->id;
		as_owner(t, &op, UNKNOWN, "LAPSE");
		return 1;
	}
	return 0;
}

/* After its LEAVE, the handle holds no seat: its operations are history. */
static void left(struct player *p)
{
	p->seat = LFCE_SEAT_ANY;
	p->last.type = 0;
}

/* A player leaves, or the owner settles a seat or takes tokens out. */
static void mv_out(struct table *t, const struct lfce_snapshot *s)
{
	struct player *p = pick_player(t, s, active);
	struct lfce_op op;
	uint64_t v;

	if (p && rn(2)) {
		op_init(&op, LFCE_OP_LEAVE, p->seat, next_nonce(s, p));
		if (!as_player(t, p, &op, 1, may_leave(s, p->seat), "LEAVE"))
			left(p);
		return;
	}
	switch (rn(4)) {
	case 0:
		if (p) {
			owner_op(t, s, LFCE_OP_SETTLE, p->seat, 0, may_leave(s, p->seat),
				 "SETTLE");
			return;
		}
		/* fall through */
	case 1:
		v = 1 + rn(s->table.bank / 2 + 1);
		owner_op(t, s, LFCE_OP_WITHDRAW, LFCE_SEAT_BANK, v,
			 bank_may_shrink(s) ?: v > s->table.bank ? -ENOSPC : 0,
			 "WITHDRAW bank");
		return;
	default:
		if (!p)
			return;
		v = 1 + rn(s->seat[p->seat].balance + 10);
		owner_op(t, s, LFCE_OP_WITHDRAW, p->seat, v,
			 v > s->seat[p->seat].balance ? -ENOSPC : 0, "WITHDRAW");
		return;
	}
}

/* Let go of a seat's handle and come back with a new one: a reconnect. */
static void mv_reconnect(struct table *t, const struct lfce_snapshot *s)
{
	struct player *p = pick_player(t, s, active);
	uint32_t seat;

	if (!p)
		return;
	seat = p->seat;
	close(p->fd);
	p->fd = -1;
	p->seat = LFCE_SEAT_ANY;
	p->last.type = 0;
	mv_join(t, s, p, seat);
}

/* Is seat @i one of our active players'? */
static int ours(struct table *t, const struct lfce_snapshot *s, uint32_t i)
{
	struct player *p = player_at(t, i);

	return p && active(s, p);
}

/*
 * The round's start: the shooter closes betting (commit-reveal dice), the
 * owner rolls (host dice), or a player proposes the roll (agreement).
 * Closing with bets of others up, who would never commit, only where the
 * deadline is short, mostly.
 */
static void mv_start_round(struct table *t, const struct lfce_snapshot *s)
{
	const struct lfce_table *tt = &s->table;
	struct player *p = player_at(t, tt->shooter);
	struct lfce_op op;
	uint32_t i;

	switch (tt->config.dice_mode) {
	case LFCE_DICE_HOST:
		owner_op(t, s, LFCE_OP_ROLL, LFCE_SEAT_BANK, 0, 0, "ROLL");
		return;
	case LFCE_DICE_AGREEMENT:
		for (i = 0; i < LFCE_MAX_PROPOSALS; i++)
			if (s->proposal[i].state == LFCE_PROP_PENDING &&
			    s->proposal[i].action == LFCE_OP_ROLL)
				return;		/* the votes will come */
		p = pick_player(t, s, active);
		if (p)
			mv_propose(t, s, p);
		return;
	}
	if (!p || !active(s, p)) {
		t->stuck++;
		return;
	}
	for (i = 0; i < tt->config.max_seats; i++)
		if (has_bets(&s->seat[i]) && !ours(t, s, i) &&
		    tt->config.reveal_timeout_ns > 100 * MS && !one_in(10)) {
			t->stuck++;
			return;
		}
	op_init(&op, LFCE_OP_CLOSE, p->seat, next_nonce(s, p));
	as_player(t, p, &op, 1, 0, "CLOSE");
}

/* Coverage feedback: what no proposal has brought yet (see cover_check()). */
static int proposals_lacking(void)
{
	return !st.seen.passed[LFCE_OP_BAN] || !st.seen.passed[LFCE_OP_TRANSFER] ||
	       !st.seen.passed[LFCE_OP_CONFIG] || !st.seen.passed[LFCE_OP_ROLL] ||
	       !st.seen.outcome[LFCE_PROP_FAILED] || !st.seen.outcome[LFCE_PROP_REJECTED];
}

/*
 * A move in the betting stage, for a random player of ours: a bet (all
 * the more without one), a bet taken down, a proposal (more while the run
 * lacks what proposals bring, fewer while the table is full), a way out, a
 * reconnect, or the round's start.
 */
static void mv_betting(struct table *t, const struct lfce_snapshot *s)
{
	struct player *p = pick_player(t, s, active);
	int full = pending(s) >= (int)s->table.config.max_proposals;
	uint32_t w[6];

	if (!p) {
		t->stuck++;
		return;
	}
	w[0] = has_bets(&s->seat[p->seat]) ? 3 : 16;
	w[1] = 2;
	w[2] = full ? 1 : proposals_lacking() ? 12 : 5;
	w[3] = st.seen.rec[LFCE_OP_WITHDRAW] && st.seen.rec[LFCE_OP_LEAVE] ? 1 : 4;
	w[4] = 1;
	w[5] = 8;
	switch (weighted(w, ARRAY_SIZE(w))) {
	case 0:
		mv_bet(t, s, p);
		break;
	case 1:
		if (!mv_unbet(t, s, p))
			mv_bet(t, s, p);
		break;
	case 2:
		mv_propose(t, s, p);
		break;
	case 3:
		mv_out(t, s);
		break;
	case 4:
		mv_reconnect(t, s);
		break;
	default:
		mv_start_round(t, s);
		break;
	}
}

/* A move in the commit or the reveal stage: ours, or withholding it. */
static void mv_round(struct table *t, const struct lfce_snapshot *s)
{
	int commit = s->table.stage == LFCE_STAGE_COMMIT;
	struct player *p = pick_player(t, s, commit ? to_commit : to_reveal);
	int quick = s->table.config.reveal_timeout_ns <= 100 * MS;

	if (p && !(quick && one_in(3))) {
		if (commit)
			mv_commit(t, s, p);
		else
			mv_reveal(t, s, p);
		return;
	}
	if (!p)
		t->stuck++;
	if (quick || one_in(8))
		mv_expire(t, s);
}

/* A random proposal in state @state, or NULL. */
static const struct lfce_proposal *find_prop(const struct lfce_snapshot *s, int state)
{
	int i, k = rn(LFCE_MAX_PROPOSALS);

	for (i = 0; i < LFCE_MAX_PROPOSALS; i++)
		if (s->proposal[(k + i) % LFCE_MAX_PROPOSALS].state == state)
			return &s->proposal[(k + i) % LFCE_MAX_PROPOSALS];
	return NULL;
}

static int banned(const struct lfce_snapshot *s, const struct player *p)
{
	return p->fd >= 0 && p->seat < LFCE_MAX_SEATS &&
	       (s->seat[p->seat].flags & LFCE_SEAT_BANNED) && s->seat[p->seat].uid == p->uid;
}

/*
 * A mis-step: one rule broken, so the errno is known (asserted while no
 * deadline is near). Falls back to resubmitting a committed operation,
 * which exactly-once refuses (EALREADY).
 */
static void mv_misstep(struct table *t, const struct lfce_snapshot *s)
{
	const struct lfce_proposal *pr = NULL;
	struct player *p = pick_player(t, s, active), *q;
	uint32_t stage = s->table.stage, bit, i;
	struct lfce_op op;
	struct call c = { .fd = t->owner };

	bit = p ? 1U << p->seat : 0;
	switch (rn(16)) {
	case 0:		/* reveal before every commitment is in */
		if (!p || stage != LFCE_STAGE_COMMIT)
			break;
		op_init(&op, LFCE_OP_REVEAL, p->seat, next_nonce(s, p));
		memcpy(op.u.reveal.secret, p->secret, 32);
		as_player(t, p, &op, 1, -EPROTO, "misstep: REVEAL in the commit stage");
		return;
	case 1:		/* commit twice; or commit, not in the round */
		if (!p || stage == LFCE_STAGE_BETTING || to_commit(s, p))
			break;
		op_init(&op, LFCE_OP_COMMIT, p->seat, next_nonce(s, p));
		rnd_bytes(op.u.commit.digest, 32);
		as_player(t, p, &op, 1, stage == LFCE_STAGE_COMMIT && (s->round.participants & bit) ?
			  -EALREADY : -EPROTO, "misstep: COMMIT again or out of the round");
		return;
	case 2:		/* a wrong secret; or a second reveal */
		if (!p || stage != LFCE_STAGE_REVEAL || !(s->round.participants & bit))
			break;
		op_init(&op, LFCE_OP_REVEAL, p->seat, next_nonce(s, p));
		memcpy(op.u.reveal.secret, p->secret, 32);
		op.u.reveal.secret[rn(32)] ^= 1 << rn(8);
		as_player(t, p, &op, 1, s->round.revealed & bit ? -EALREADY : -EINVAL,
			  "misstep: REVEAL a wrong secret or again");
		return;
	case 3:		/* act as another seat, on our handle */
		q = pick_player(t, s, active);
		if (!p || !q || q == p)
			break;
		op_init(&op, one_in(2) ? LFCE_OP_REVEAL : LFCE_OP_VOTE, q->seat, next_nonce(s, q));
		memcpy(op.u.reveal.secret, q->secret, 32);
		if (op.type == LFCE_OP_VOTE) {
			memset(&op.u, 0, sizeof(op.u));
			op.u.vote.id = s->table.proposals;
			op.u.vote.choice = LFCE_VOTE_FOR;
		}
		as_player(t, p, &op, 1, -EPERM, "misstep: an operation as another seat");
		return;
	case 4:		/* close betting, not the shooter; or in the round */
		if (!p || (p->seat == s->table.shooter && stage == LFCE_STAGE_BETTING &&
			   s->table.config.dice_mode == LFCE_DICE_COMMIT_REVEAL))
			break;
		op_init(&op, LFCE_OP_CLOSE, p->seat, next_nonce(s, p));
		as_player(t, p, &op, 1, p->seat != s->table.shooter ? -EPERM : -EPROTO,
			  "misstep: CLOSE by another seat or out of its stage");
		return;
	case 5:		/* expire before the deadline */
		if (stage != LFCE_STAGE_BETTING && s->round.deadline_ns < boottime_ns() + QUIET_NS)
			break;
		op_init(&op, LFCE_OP_EXPIRE, LFCE_SEAT_BANK, 0);
		as_owner(t, &op, -EPROTO, "misstep: EXPIRE before the deadline");
		return;
	case 6:		/* bet, or leave, in the round */
		if (!p || stage == LFCE_STAGE_BETTING)
			break;
		if (one_in(2) || !(s->round.participants & bit)) {
			op_init(&op, LFCE_OP_BET, p->seat, next_nonce(s, p));
			op.u.bet.kind = LFCE_BET_FIELD;
			op.u.bet.amount = STAKE * (1 + rn(3));
			as_player(t, p, &op, 1, -EPROTO, "misstep: BET in the round");
		} else {
			op_init(&op, LFCE_OP_LEAVE, p->seat, next_nonce(s, p));
			as_player(t, p, &op, 1, -EPROTO, "misstep: LEAVE in the round");
		}
		return;
	case 7:		/* vote again */
		pr = find_prop(s, LFCE_PROP_PENDING);
		if (!p || !pr || !((pr->votes_for | pr->votes_against) & bit) || (pr->gone & bit))
			break;
		op_init(&op, LFCE_OP_VOTE, p->seat, next_nonce(s, p));
		op.u.vote.id = pr->id;
		op.u.vote.choice = 1 + rn(2);
		as_player(t, p, &op, 1, -EALREADY, "misstep: VOTE twice");
		return;
	case 8:		/* vote, not in the electorate; or on a decided or lapsed proposal */
		pr = find_prop(s, rn(2) ? LFCE_PROP_PENDING : 2 + rn(4));
		if (!p || !pr)
			break;
		op_init(&op, LFCE_OP_VOTE, p->seat, next_nonce(s, p));
		op.u.vote.id = pr->id;
		op.u.vote.choice = LFCE_VOTE_FOR;
		as_player(t, p, &op, 1, pr->state == LFCE_PROP_EXPIRED ? -ETIME :
			  pr->state != LFCE_PROP_PENDING ? -EPROTO :
			  !(pr->electorate & bit) || (pr->gone & bit) ? -EPERM :
			  (pr->votes_for | pr->votes_against) & bit ? -EALREADY : 0,
			  "misstep: VOTE from outside the electorate or too late");
		return;
	case 9:		/* vote on a proposal that never was */
		if (!p)
			break;
		op_init(&op, LFCE_OP_VOTE, p->seat, next_nonce(s, p));
		op.u.vote.id = s->table.proposals + 1 + rn(3);
		op.u.vote.choice = LFCE_VOTE_FOR;
		as_player(t, p, &op, 1, -ENOENT, "misstep: VOTE on no proposal");
		return;
	case 10:	/* vote from a handle without a seat */
		op_init(&op, LFCE_OP_VOTE, p ? p->seat : 0, 1 + rn(1000));
		op.u.vote.id = s->table.proposals;
		op.u.vote.choice = LFCE_VOTE_FOR;
		as_owner(t, &op, -ENOTCONN, "misstep: VOTE without a seat");
		return;
	case 11:	/* a banned player votes, bets or proposes */
		q = pick_player(t, s, banned);
		if (!q)
			break;
		op_init(&op, LFCE_OP_VOTE, q->seat, s->seat[q->seat].nonce + 1);
		op.u.vote.id = s->table.proposals;
		op.u.vote.choice = LFCE_VOTE_FOR;
		if (one_in(2)) {
			op.type = LFCE_OP_BET;
			memset(&op.u, 0, sizeof(op.u));
			op.u.bet.kind = LFCE_BET_FIELD;
			op.u.bet.amount = STAKE;
		}
		as_player(t, q, &op, 1, -EPERM, "misstep: a banned seat acts");
		return;
	case 12:	/* a player's operation from another uid, on its handle */
		if (!p || !p->uid)
			break;
		op_init(&op, LFCE_OP_BET, p->seat, next_nonce(s, p));
		op.u.bet.kind = LFCE_BET_FIELD;
		op.u.bet.amount = STAKE;
		c.fd = p->fd;
		c.ops = &op;
		c.n = 1;
		play(t, &c, -EPERM, "misstep: a seat's handle used by another uid");
		return;
	case 13:	/* close the game with tokens in it */
		if (!s->table.total)
			break;
		c.close = t->id;
		play(t, &c, -EBUSY, "misstep: CLOSE a game with tokens");
		return;
	case 14:	/* a second seat for one handle */
		if (!p)
			break;
		c.fd = p->fd;
		c.uid = p->uid;
		c.nonce = next_nonce(s, p);
		for (i = 0, c.seat = LFCE_SEAT_ANY; i < s->table.config.max_seats; i++)
			if (!(s->seat[i].flags & LFCE_SEAT_BOUND))
				c.seat = i;
		play(t, &c, -EISCONN, "misstep: JOIN a second seat");
		return;
	case 15:	/* the owner's last operation again */
		if (!t->owner_last.type)
			break;
		op = t->owner_last;
		as_owner(t, &op, -EALREADY, "misstep: an owner operation again");
		return;
	}
	/* A player's last committed operation again: exactly once. */
	if (p && p->last.type) {
		op = p->last;
		as_player(t, p, &op, 1, -EALREADY, "misstep: an operation again");
	}
}

/*
 * The end of a table: a forced close, or the way an owner would do it:
 * the round played out, everyone leaves or is settled, the bank taken
 * out, then a close that finds no token (SHUTDOWN). Then the replay.
 */
static void mv_close(struct table *t, const struct lfce_snapshot *s)
{
	struct call c = { .fd = t->owner, .close = t->id };
	struct player *p;
	uint32_t i;

	if (t->force || ++t->closing > 40 ||
	    (s->table.stage != LFCE_STAGE_BETTING && t->stuck > 30)) {
		c.flags = LFCE_CLOSE_FORCE;
		if (!play(t, &c, 0, "CLOSE forced"))
			table_closed(t);
		return;
	}
	if (s->table.stage != LFCE_STAGE_BETTING) {
		mv_round(t, s);
		return;
	}
	for (i = 0; i < s->table.config.max_seats; i++) {
		const struct lfce_seat *e = &s->seat[i];
		struct lfce_op op;

		if (!(e->flags & LFCE_SEAT_BOUND) || (!e->balance && !has_bets(e)))
			continue;
		if (may_leave(s, i) && rn(4)) {	/* a bet must stay up: roll on */
			mv_start_round(t, s);
			return;
		}
		p = player_at(t, i);
		if (p && active(s, p) && rn(4)) {
			op_init(&op, LFCE_OP_LEAVE, i, next_nonce(s, p));
			if (!as_player(t, p, &op, 1, may_leave(s, i), "LEAVE"))
				left(p);
		} else {
			owner_op(t, s, LFCE_OP_SETTLE, i, 0, may_leave(s, i), "SETTLE");
		}
		return;
	}
	if (s->table.bank) {
		if (one_in(2) && st.seen.rec[LFCE_OP_WITHDRAW])
			owner_op(t, s, LFCE_OP_SETTLE, LFCE_SEAT_BANK, 0, bank_may_shrink(s),
				 "SETTLE bank");
		else
			owner_op(t, s, LFCE_OP_WITHDRAW, LFCE_SEAT_BANK, s->table.bank,
				 bank_may_shrink(s), "WITHDRAW bank");
		return;
	}
	if (!play(t, &c, s->table.total ? -EBUSY : 0, "CLOSE"))
		table_closed(t);
}

/* One move of a random table; false if there was none to make. */
static int scen_step(void)
{
	struct table *t = &tb[rn(NT)];
	struct lfce_snapshot s;
	struct game *gm;
	struct player *p = NULL;
	int slot, i;

	if (!t->id) {
		if (t->backoff) {
			t->backoff--;
			return 0;
		}
		table_new(t);
		return 1;
	}
	gm = game_of(t->id);
	if (!gm || read_snap(gm, &s) || (s.table.flags & LFCE_TABLE_CLOSED)) {
		table_end(t);	/* closed by a random step, say */
		return 1;
	}
	st.moves++;
	plan_version = s.table.version;
	if (t->closing || ++t->moves > t->max_moves || t->stuck > 30) {
		mv_close(t, &s);
		return 1;
	}
	if (one_in(6)) {
		st.missteps++;
		mv_misstep(t, &s);
		return 1;
	}
	if (seated(t, &s) < (int)t->want && (seated(t, &s) < 3 || rn(4))) {
		for (i = 0; i < NP && !p; i++)
			if (t->p[i].seat == LFCE_SEAT_ANY)
				p = &t->p[i];
		if (p) {
			mv_join(t, &s, p, LFCE_SEAT_ANY);
			return 1;
		}
	}
	if (mv_fund(t, &s) || (one_in(3) && mv_lapse(t, &s)))
		return 1;
	slot = pending_with_voter(t, &s, &p);
	if (slot >= 0 && rn(4)) {
		mv_vote(t, &s, slot, p);
		return 1;
	}
	if (s.table.stage == LFCE_STAGE_BETTING)
		mv_betting(t, &s);
	else
		mv_round(t, &s);
	return 1;
}

/*
 * Before a reload: the owner closes every table (forced: it is in any
 * stage), its journal is replayed, its handles go.
 */
static void scen_drop_all(void)
{
	struct lfce_snapshot s;
	struct game *gm;
	int i;

	for (i = 0; i < NT; i++) {
		gm = game_of(tb[i].id);
		if (gm && !read_snap(gm, &s) && !(s.table.flags & LFCE_TABLE_CLOSED)) {
			plan_version = s.table.version;
			tb[i].force = 1;
			mv_close(&tb[i], &s);
		}
		if (tb[i].id)
			table_end(&tb[i]);
	}
}

static void step_once(void)
{
	struct handle *x;
	uint32_t a;

	if (rn(100) < SCEN_PCT && scen_step())
		return;
	x = pick_handle();
	a = rn(100);

	if (x->fd < 0 && a < 60 && !one_in(6)) {
		act_open(x);
		return;
	}
	if (a < 8)
		one_in(4) ? act_open(x) : act_join(x);
	else if (a < 11)
		act_close(x);
	else if (a < 17)
		act_create(x);
	else if (a < 23)
		act_attach(x);
	else if (a < 31)
		act_join(x);
	else if (a < 60)
		act_submit(x);
	else if (a < 65)
		act_get_stats_list(x);
	else if (a < 67)
		act_close_game(x);
	else if (a < 78)
		act_raw(x);
	else if (a < 85)
		act_mmap(x);
	else if (a < 90)
		act_read(x);
	else if (a < 94)
		act_fork(x);
	else if (a < 96) {
		/* Retire a closed game, or any once in a while. */
		struct game *gm = &g[rn(NG)];

		if (gm->id && !gm->scen &&
		    ((gm->last.table.flags & LFCE_TABLE_CLOSED) || one_in(4)))
			game_retire(gm);
	} else {
		/* The owner funds the bank, so that bets find cover, or the seat. */
		fund(x, one_in(2) ? LFCE_SEAT_BANK : x->seat);
	}
}

/* Let go of everything: handles, mappings, games. */
static void drop_all(void)
{
	int i;

	scen_drop_all();
	for (i = 0; i < NH; i++) {
		if (h[i].map)
			lfce_unmap(h[i].map, h[i].map_size);
		h[i].map = NULL;
		if (h[i].fd >= 0 && h[i].fd < 1000)
			close(h[i].fd);
		handle_reset(&h[i]);
	}
	for (i = 0; i < NG; i++)
		if (g[i].id)
			game_retire(&g[i]);
}

/* Module parameters for each epoch: defaults, the low and high limits. */
static const char *const epoch_params[] = {
	"",
	"max_games=1 max_games_per_uid=1 ring_slots=2 journal_records=64 pool_cap=64 "
	"nodes_cap=64 nodes_per_uid=64 retry_budget=1 batch_max=10 max_proposals=1",
	"max_games=65536 max_games_per_uid=65536 ring_slots=64 journal_records=131072 "
	"pool_cap=4194304 nodes_cap=4194304 retry_budget=100000 batch_max=256 max_proposals=8",
	"ring_slots=4 journal_records=64 pool_cap=128 nodes_cap=256 batch_max=24",
};

/* Out of range: each must be refused at load time. */
static const char *const bad_params[] = {
	"max_games=0", "ring_slots=3", "ring_slots=128", "journal_records=32",
	"pool_cap=63", "nodes_cap=100 pool_cap=200", "retry_budget=0", "batch_max=9",
	"batch_max=257", "journal_records=64 batch_max=30", "max_proposals=9",
	"nodes_per_uid=63",
};

/* Load lfce with @params; t_reload_lfce() if it is loaded. */
static int load(const char *params)
{
	int fd, ret;

	ret = t_reload_lfce(params);
	if (ret != -ENOENT || !access(LFCE_DEVICE_PATH, F_OK))
		return ret;
	fd = open(T_LFCE_MODULE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

static void reload(const char *params, int want_ok)
{
	int ret, i;

	/* Mappings and handles are gone, but their release may lag a little. */
	for (i = 0; i < 200; i++) {
		ret = load(params);
		if (ret != -EBUSY && ret != -EAGAIN)
			break;
		usleep(10000);
	}
	if (want_ok) {
		t_ok(!ret, "load lfce with \"%s\" (%s)", params, ret ? strerror(-ret) : "loaded");
	} else {
		t_ok(ret == -EINVAL, "load with out-of-range \"%s\" refused (%s)", params,
		     ret ? strerror(-ret) : "loaded");
		if (!ret || access(LFCE_DEVICE_PATH, F_OK))
			reload("", 1);
	}
}

static void parse_cmdline(uint64_t *iter, uint64_t *seed, int *have_seed)
{
	char line[4096], *p;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		return;
	if (fgets(line, sizeof(line), f)) {
		p = strstr(line, "lfce.fuzz_iter=");
		if (p)
			*iter = strtoull(p + 15, NULL, 0);
		p = strstr(line, "lfce.fuzz_seed=");
		if (p) {
			*seed = strtoull(p + 15, NULL, 0);
			*have_seed = 1;
		}
	}
	fclose(f);
}

/*
 * What the module can commit under its default parameters, by record: every
 * operation but JOIN-by-SUBMIT (JOIN commits through LFCE_IOC_JOIN) and
 * BAN, TRANSFER and CONFIG, which only a passed proposal applies (in its
 * deciding VOTE's record); SHUTDOWN comes from LFCE_IOC_CLOSE.
 */
static const uint16_t want_rec[] = {
	LFCE_OP_JOIN, LFCE_OP_LEAVE, LFCE_OP_DEPOSIT, LFCE_OP_WITHDRAW, LFCE_OP_BET,
	LFCE_OP_UNBET, LFCE_OP_CLOSE, LFCE_OP_COMMIT, LFCE_OP_REVEAL, LFCE_OP_EXPIRE,
	LFCE_OP_ROLL, LFCE_OP_SETTLE, LFCE_OP_PROPOSE, LFCE_OP_VOTE, LFCE_OP_LAPSE,
	LFCE_OP_SHUTDOWN,
};
static const uint16_t want_passed[] = {
	LFCE_OP_BAN, LFCE_OP_TRANSFER, LFCE_OP_CONFIG, LFCE_OP_ROLL,
};
/* Dice come from the reveals, a deadline, the host and a quorum. */
static const uint16_t want_rolled[] = {
	LFCE_OP_REVEAL, LFCE_OP_EXPIRE, LFCE_OP_ROLL, LFCE_OP_VOTE,
};
static const uint16_t want_outcome[] = {
	LFCE_PROP_PASSED, LFCE_PROP_REJECTED, LFCE_PROP_EXPIRED, LFCE_PROP_FAILED,
};

static void cover_report(void)
{
	int i;

	t_diag("ioctl-fuzz: scenarios: %llu tables (%llu closed by their owner), %llu moves",
	       (unsigned long long)st.tables, (unsigned long long)st.tables_closed,
	       (unsigned long long)st.moves);
	t_diag("ioctl-fuzz: %llu mis-steps, %llu mutated, %llu outcomes asserted (%llu not: %s)",
	       (unsigned long long)st.missteps, (unsigned long long)st.mutated,
	       (unsigned long long)st.expected, (unsigned long long)st.inconclusive,
	       "memory, budget or a signal");
	t_diag("ioctl-fuzz: %llu ms asleep for deadlines", (unsigned long long)st.sleeps_us / 1000);
	t_diag("ioctl-fuzz: committed records (replayed), rolls, proposals passed; scenario calls");
	for (i = 0; i < LFCE_OP_NR; i++) {
		char errs[128];
		int k, len = 0;

		errs[0] = 0;
		for (k = 1; k < 160 && len < 100; k++)
			if (st.scen_err[i][k])
				len += snprintf(errs + len, sizeof(errs) - len, " %d:%u", k,
						st.scen_err[i][k]);
		t_diag("  %-9s %5llu (%5llu)  rolled %4llu  passed %3llu  scenario %4llu ok %4llu no%s",
		       lfce_op_name(i), (unsigned long long)st.seen.rec[i],
		       (unsigned long long)st.replayed.rec[i], (unsigned long long)st.seen.rolled[i],
		       (unsigned long long)st.seen.passed[i], (unsigned long long)st.scen_op[i][1],
		       (unsigned long long)st.scen_op[i][0], errs);
	}
	t_diag("  proposals decided: passed %llu, rejected %llu, expired %llu, failed %llu; "
	       "%llu rolls replayed",
	       (unsigned long long)st.seen.outcome[LFCE_PROP_PASSED],
	       (unsigned long long)st.seen.outcome[LFCE_PROP_REJECTED],
	       (unsigned long long)st.seen.outcome[LFCE_PROP_EXPIRED],
	       (unsigned long long)st.seen.outcome[LFCE_PROP_FAILED],
	       (unsigned long long)st.replayed_rolls);
}

/* Each of @n kinds in @want must have a non-zero count in @have (replayed). */
static void cover_want(const char *what, const uint16_t *want, int n, const uint64_t *have,
		       const char *(*name)(unsigned int))
{
	char missing[256] = "";
	int i, len = 0;

	for (i = 0; i < n; i++)
		if (!have[want[i]] && len < 200)
			len += snprintf(missing + len, sizeof(missing) - len, " %s", name(want[i]));
	t_ok(!len, "coverage: every kind of %s committed and replayed%s%s", what,
	     len ? ", missing:" : "", missing);
}

/* A generator that collapsed fails here, however clean the run was. */
static void cover_check(void)
{
	cover_want("record", want_rec, ARRAY_SIZE(want_rec), st.replayed.rec, lfce_op_name);
	cover_want("proposal passed", want_passed, ARRAY_SIZE(want_passed), st.replayed.passed,
		   lfce_op_name);
	cover_want("roll", want_rolled, ARRAY_SIZE(want_rolled), st.replayed.rolled,
		   lfce_op_name);
	cover_want("proposal outcome", want_outcome, ARRAY_SIZE(want_outcome),
		   st.replayed.outcome, lfce_prop_state_name);
}

int main(int argc, char **argv)
{
	uint64_t iter = DEFAULT_ITER, seed = 0, per, n;
	int have_seed = 0, e, i;
	uint8_t *area;
	time_t t0 = time(NULL);

	parse_cmdline(&iter, &seed, &have_seed);
	if (argc > 1)
		iter = strtoull(argv[1], NULL, 0);
	if (argc > 2) {
		seed = strtoull(argv[2], NULL, 0);
		have_seed = 1;
	}
	if (!have_seed) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = (ts.tv_sec * 1000000000ULL + ts.tv_nsec) ^ getpid();
	}
	t_diag("ioctl-fuzz: seed %llu, %llu iterations (repeat: make fuzz ITER=%llu SEED=%llu)",
	       (unsigned long long)seed, (unsigned long long)iter,
	       (unsigned long long)iter, (unsigned long long)seed);
	rng = seed ? seed : 1;
	if (access(LFCE_DEVICE_PATH, F_OK))
		t_skip("no " LFCE_DEVICE_PATH);

	/* buf, then a guard page; ro_page; none_page. */
	area = mmap(NULL, BUF_SIZE + 3 * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		t_skip("no memory");
	buf = area;
	none_page = area + BUF_SIZE;
	ro_page = area + BUF_SIZE + PAGE;
	mprotect(none_page, PAGE, PROT_NONE);
	mprotect(ro_page, PAGE, PROT_READ);
	signal(SIGPIPE, SIG_IGN);
	shim_rcu_register_thread();
	for (i = 0; i < NH; i++)
		handle_reset(&h[i]);
	for (i = 0; i < NT; i++)
		table_reset(&tb[i]);

	per = iter / ARRAY_SIZE(epoch_params) + 1;
	for (e = 0, n = 0; e < (int)ARRAY_SIZE(epoch_params) && fails < MAX_FAILS; e++) {
		uint64_t calls = st.calls;

		reload(epoch_params[e], 1);
		for (i = 0; i < (int)per && n < iter && fails < MAX_FAILS; i++, n++) {
			step++;
			step_once();
			check_all();
		}
		drop_all();
		st.epochs++;
		t_ok(fails == 0, "epoch %d (\"%s\"): %d steps, %llu calls, invariants held",
		     e, epoch_params[e], i, (unsigned long long)(st.calls - calls));
		reload(bad_params[rn(ARRAY_SIZE(bad_params))], 0);
	}
	reload("", 1);
	shim_rcu_unregister_thread();

	t_diag("ioctl-fuzz: seed %llu: %llu steps, %llu calls (%llu succeeded), %llu forks, "
	       "%llu games replayed (%llu records), %llu journals lapped, %ld s",
	       (unsigned long long)seed, (unsigned long long)step, (unsigned long long)st.calls,
	       (unsigned long long)st.ok, (unsigned long long)st.forks,
	       (unsigned long long)st.replays, (unsigned long long)st.replayed_records,
	       (unsigned long long)st.lost, (long)(time(NULL) - t0));
	for (i = 1; i < 160; i++)
		if (st.errnos[i])
			t_diag("  errno %3d %-32s %llu", i, strerror(i),
			       (unsigned long long)st.errnos[i]);
	for (i = 0; i <= LFCE_OP_NR; i++) {
		char errs[256];
		int k, len = 0;

		if (!(st.op_result[i][0] + st.op_result[i][1]))
			continue;
		errs[0] = 0;
		for (k = 1; k < 160 && len < 200; k++)
			if (st.op_err[i][k])
				len += snprintf(errs + len, sizeof(errs) - len, " %d:%u", k,
						st.op_err[i][k]);
		t_diag("  SUBMIT %-10s committed %llu, refused %llu (errno:count%s)",
		       lfce_op_name(i), (unsigned long long)st.op_result[i][1],
		       (unsigned long long)st.op_result[i][0], errs);
	}
	cover_report();
	t_ok(st.replays > 0, "at least one game's journal replayed (%llu)",
	     (unsigned long long)st.replays);
	if (iter >= DEFAULT_ITER)
		cover_check();
	else
		t_diag("ioctl-fuzz: coverage not asserted: fewer than %d steps", DEFAULT_ITER);
	if (fails)
		t_diag("ioctl-fuzz: FAILED with seed %llu", (unsigned long long)seed);
	return t_done();
}
