// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: an ioctl fuzzer against the real module, deterministic from
 * a printed seed. Each step is one random action: a well-formed or mutated
 * ioctl (every command, numbers and size bits out of range, size around
 * every struct version, random fields, ops, batches, seats and nonces,
 * argument structs in read-only or unmapped memory) on a random handle
 * (read-only, observer, seated, closed, inherited over fork, used under
 * another uid), mmap/munmap/madvise/read/close, or a game's close. Epochs
 * reload the module with its parameters at their limits.
 *
 * After every step, through a mapping of each game: every call succeeded or
 * returned a documented errno; a failed write changed nothing (snapshot
 * bytes); the snapshot passes lfce_rules_check_snapshot() and conserves
 * tokens; versions and records only grow; the journal's records are
 * contiguous and chain. When a game is retired, its journal replayed
 * through the userspace build of the engine gives the kernel's snapshot bit
 * for bit.
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

struct game {
	uint64_t id;			/* 0: free slot */
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
		if (!replay_chain_holds(gm->rec, gm->nrec, &gm->first, &s))
			fail("game %llu: journal chain does not end at the snapshot",
			     (unsigned long long)gm->id);
		else if (!replay_matches(NULL, &gm->first, gm->rec, gm->nrec, &s, &rs))
			fail("game %llu: replay of %llu records differs (error %d, records %llu, dice %llu)",
			     (unsigned long long)gm->id, (unsigned long long)gm->nrec, rs.error,
			     (unsigned long long)rs.records_differ, (unsigned long long)rs.dice_differ);
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

static uint64_t pick_game_id(void)
{
	int i = rn(NG + 2);

	if (i < NG && g[i].id)
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
		if (g[(k + i) % NG].id)
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
	case 3: return owner ? owner_nonce : x->nonce;	/* a replay */
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
		op->u.propose.action = (uint16_t[]){ LFCE_OP_TRANSFER, LFCE_OP_BAN,
						     LFCE_OP_ROLL, LFCE_OP_CONFIG, 0 }[rn(5)];
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

	/* Without a deadline pending, the sweep commits nothing meanwhile. */
	if (gm) {
		before = malloc(sizeof(*before));
		after = malloc(sizeof(*after));
		quiet = before && after && !read_snap(gm, before) &&
			!before->table.deadline_ns && !before->round.deadline_ns;
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

static void step_once(void)
{
	struct handle *x = pick_handle();
	uint32_t a = rn(100);

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

		if (gm->id && ((gm->last.table.flags & LFCE_TABLE_CLOSED) || one_in(4)))
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
	t_ok(st.replays > 0, "at least one game's journal replayed (%llu)",
	     (unsigned long long)st.replays);
	if (fails)
		t_diag("ioctl-fuzz: FAILED with seed %llu", (unsigned long long)seed);
	return t_done();
}
