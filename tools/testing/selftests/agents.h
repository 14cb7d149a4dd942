/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Agents for the consensus programs: each agent is a process of its own uid
 * holding one seat through its own handle; the parent owns the game, funds
 * the seats, tends the agents until they exit, and at the end checks the
 * game's journal by replaying it through the userspace build of the engine.
 *
 * Static functions only, like helpers.h: each program includes this once,
 * opens with agents_start() and ends with "return agents_end();", which
 * asserts that every snapshot anyone read along the way conserved tokens and
 * was valid. No assertion is about how long something took: waits are
 * bounded by a generous cap only so that a hang fails instead of stalls.
 */
#ifndef LFCE_TEST_AGENTS_H
#define LFCE_TEST_AGENTS_H

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"
#include "../userspace/replay.h"
#include "shim.h"

#define NSEC		1000000000ULL
#define SEATS		4		/* agents in a game, at most */
#define UID0		1000		/* agent i runs as uid and gid UID0 + i */
#define FUNDS		10000		/* each seat's deposit */
#define BANK		1000000		/* the bank's */
#define CAP_S		120		/* every wait ends here: a hang fails */
#define JOURNAL_MAX	4096		/* the module's default ring; we stay below */
#define EAGAIN_MAX	100000		/* resubmissions of one operation */

/* How an agent process ends: its exit status. */
enum {
	AGENT_OK,
	AGENT_SETUP = 2,	/* could not become its uid, open, join or map */
	AGENT_CAP,		/* a wait ran into CAP_S */
	AGENT_REFUSED,		/* an operation failed that should not have */
};

/* Shared between the parent and the agents: test plumbing, not game state. */
struct shared {
	long snapshots;			/* copies read, by anyone */
	long unconserved;		/* ... that broke conservation */
	long invalid;			/* ... that lfce_rules_check_snapshot() refused */
	long eagain;			/* EAGAIN, resubmitted with the same nonce */
	long moved_on;			/* commit or reveal too late for its round */
};

static struct shared *sh;
static uint64_t agents_started;

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
static inline uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

static inline uint64_t cap_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC) + CAP_S * NSEC;
}

static inline bool past(uint64_t cap)
{
	return clock_ns(CLOCK_MONOTONIC) > cap;
}

static inline unsigned long long ull(uint64_t v)
{
	return v;
}

static inline void add(long *counter, long n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

/*
 * Every copy anyone reads must conserve tokens and be a snapshot the rules
 * could have made: lfce_rules_check_snapshot() holds each proposal's tally
 * to its state and its frozen q = ceil(2n/3), among the rest.
 */
static inline void observe(const struct lfce_snapshot *s)
{
	add(&sh->snapshots, 1);
	if (!lfce_tokens_conserved(s))
		add(&sh->unconserved, 1);
	if (lfce_rules_check_snapshot(s))
		add(&sh->invalid, 1);
}
/* ---- Agents: each a process of its own uid ---- */

static inline int agent_fail(struct agent *a, const char *what, int err)
{
	fprintf(stderr, "consensus: seat %u: %s: %s\n", a->seat, what, lfce_strerror(err));
	return AGENT_REFUSED;
}

/* In the child: become uid UID0 + seat, then open, attach, join and map. */
static inline int agent_join(struct agent *a, uint64_t game, uint32_t seat, int flags)
{
	uint8_t id[32] = "agent";
	uid_t uid = UID0 + seat;
	int ret;

	a->seat = seat;
	a->nonce = 1;
	id[5] = '0' + seat;
	ret = t_become(uid);
	if (ret)
		return ret;
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

static inline int agent_read(struct agent *a)
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
static inline void agent_wait(struct agent *a)
{
	struct pollfd p = { .fd = a->fd, .events = POLLIN };
	struct lfce_record buf[32];

	if (poll(&p, 1, 10) > 0 && (p.revents & POLLIN) && read(a->fd, buf, sizeof(buf)) < 0)
		usleep(1000);
}

/* Submit @ops as they are; EAGAIN committed nothing: same ops, same nonces. */
static inline int submit_until_done(int fd, const struct lfce_op *ops, unsigned int n,
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

static inline int resubmit(struct agent *a, const struct lfce_op *ops, unsigned int n)
{
	return submit_until_done(a->fd, ops, n, NULL);
}

/* Submit @n player operations with the seat's next nonces. */
static inline int agent_submit(struct agent *a, struct lfce_op *ops, unsigned int n)
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
static inline int agent_funded(struct agent *a)
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
static inline void spawn(struct game *g, uint32_t seat, agent_fn fn, unsigned int role, int flags)
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
/* ---- The parent: the owner of every game ---- */

/* Owner operations get the game's next owner nonces; a retry keeps them. */
static inline int owner_submit(struct game *g, struct lfce_op *ops, unsigned int n, uint64_t *version)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ops[i].nonce = ++g->owner_nonce;
	return submit_until_done(g->fd, ops, n, version);
}

static inline int owner_deposit(struct game *g, uint32_t seat, uint64_t value, uint64_t *version)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = seat };

	op.u.amount.value = value;
	return owner_submit(g, &op, 1, version);
}

static inline int game_read(struct game *g)
{
	int ret = lfce_snapshot(g->fd, g->base, &g->s);

	if (!ret)
		observe(&g->s);
	return ret;
}

static inline bool game_create(struct game *g, const char *name, const struct lfce_config *cfg,
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
static inline void fund_seats(struct game *g)
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
static inline void game_tick(struct game *g)
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
static inline unsigned int reap(struct game *g, int options)
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
static inline void wait_agents(struct game *g)
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
static inline bool wait_record(struct game *g, uint64_t from,
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
static inline bool read_journal(struct game *g, uint64_t n)
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
static inline unsigned int records_of(uint64_t n, uint64_t version)
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
static inline uint64_t check_game(struct game *g)
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

static inline void game_close(struct game *g)
{
	int ret = lfce_close_game(g->fd, g->id, LFCE_CLOSE_FORCE);

	t_ok(!ret, "%s: closed (%s)", g->name, ret ? lfce_strerror(ret) : "ok");
	lfce_unmap(g->base, g->size);
	close(g->fd);
}

/* Wait (bounded) until the agents have joined and the parent funded them. */
static inline bool wait_funded(struct game *g)
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
static inline bool seats_bound(const struct game *g)
{
	unsigned int i;

	for (i = 0; i < g->agents; i++)
		if (!(g->s.seat[i].flags & LFCE_SEAT_BOUND) || g->s.seat[i].uid != UID0 + i)
			return false;
	return true;
}
/* Memory the agents share with the parent, mapped before they fork. */
static inline void *shared_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		t_skip("no shared memory");
	return p;
}

/* Skip unless root with the device; then set up the shared counters. */
static inline void agents_start(void)
{
	int fd;

	agents_started = clock_ns(CLOCK_MONOTONIC);
	if (geteuid())
		t_skip("needs root: the agents run as other uids");
	fd = lfce_open(O_RDONLY);
	if (fd < 0)
		t_skip("no " LFCE_DEVICE_PATH);
	close(fd);
	sh = shared_map(sizeof(*sh));
	shim_rcu_register_thread();
}

static inline int agents_end(void)
{
	t_ok(sh->snapshots && !sh->unconserved, "%ld snapshots read along the way: %ld not conserved",
	     sh->snapshots, sh->unconserved);
	t_ok(!sh->invalid, "... and valid (lfce_rules_check_snapshot, quorum rules included): %ld are not",
	     sh->invalid);
	t_diag("ran for %llu ms", ull((clock_ns(CLOCK_MONOTONIC) - agents_started) / 1000000));
	shim_rcu_unregister_thread();
	return t_done();
}

#endif /* LFCE_TEST_AGENTS_H */
