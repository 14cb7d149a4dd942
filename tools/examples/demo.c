// SPDX-License-Identifier: GPL-2.0-only
/*
 * lfce-demo: what make demo runs in the VM, as root, with /dev/lfce loaded.
 *
 * The main job, narrated: the owner (this program) creates a game with
 * commit-reveal dice and funds the bank; six lfce-agent processes, each
 * forked and setuid to a uid of its own, join and play ROUNDS rolls with
 * different strategies; one withholds a reveal once and forfeits its bets;
 * one proposes a TRANSFER and another a CONFIG change, and all vote;
 * lfce-monitor follows the journal and prints it. Then lfcetop --once,
 * lfcectl journal verify, and a summary of the game from its last snapshot,
 * its counters and its journal. Finally the owner closes the game, which
 * settles every seat, and the agents leave.
 *
 * Every wait is bounded (CAP_S) so that a stuck game ends the demo with a
 * message instead of hanging the VM. Exit status 0 if the game ran to the
 * end and conserved its tokens throughout.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "liblfce.h"

#define AGENTS		6
#define ROUNDS		50
#define UID0		2000		/* agent i runs as uid and gid UID0 + i */
#define MONITOR_UID	65534		/* a reader needs no privilege */
#define FUNDS		1000		/* each seat's deposit */
#define BANK		100000
#define CAP_S		150		/* longest wait for anything */
#define NSEC		1000000000ULL
#define AGENT		"/bin/lfce-agent"
#define MONITOR		"/bin/lfce-monitor"
#define LFCETOP		"/bin/lfcetop"
#define LFCECTL		"/bin/lfcectl"

/* Who plays what; the extra arguments make the story. */
static const struct {
	const char *strategy;
	const char *extra[3];
} cast[AGENTS] = {
	{ "mix", { "--propose", "transfer:5:100@10" } },
	{ "pass", { "--propose", "config:max_bet:200@20" } },
	{ "field", { "--withhold-once" } },
	{ "dontpass", { "--vote", "against" } },
	{ "field", {} },
	{ "mix", {} },
};

static const struct lfce_config config = {
	.min_bet = 5, .max_bet = 100, .odds_max = 3, .field12_pays = 3,
	.dice_mode = LFCE_DICE_COMMIT_REVEAL, .flags = LFCE_CFG_DISTINCT_UIDS,
	.reveal_timeout_ns = 3 * NSEC, .max_seats = AGENTS,
	.proposal_timeout_ns = 60 * NSEC,
	.governable = 1U << LFCE_PARAM_MAX_BET,
};

struct demo {
	int fd;				/* the owner's handle */
	uint64_t id;			/* liblfce's type */
	const void *base;
	size_t size;
	pid_t agent[AGENTS], monitor;
	int agents_failed;
	long snapshots, unconserved;	/* every copy we read */
	struct lfce_snapshot s;
	struct lfce_stats st;
};

static unsigned long long ull(__u64 v)
{
	return v;
}

static __u64 mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void title(const char *what)
{
	printf("\n=== %s ===\n", what);
	fflush(stdout);
}

static int fail(const char *what, int err)
{
	printf("lfce-demo: %s: %s\n", what, lfce_strerror(err));
	return 1;
}

static int look(struct demo *d)
{
	int ret = lfce_snapshot(d->fd, d->base, &d->s);

	if (!ret) {
		d->snapshots++;
		d->unconserved += !lfce_tokens_conserved(&d->s);
	}
	return ret;
}

/* Owner operations carry nonces above table.owner_nonce; EAGAIN: again. */
static int owner_submit(struct demo *d, struct lfce_op *ops, unsigned int n)
{
	__u64 nonce;
	unsigned int i;
	int ret = look(d);

	if (ret)
		return ret;
	nonce = d->s.table.owner_nonce;
	for (i = 0; i < n; i++)
		ops[i].nonce = ++nonce;
	return lfce_submit_retry(d->fd, ops, n, NULL, 0);
}

static void deposit(struct lfce_op *op, __u32 seat, __u64 value)
{
	op->type = LFCE_OP_DEPOSIT;
	op->seat = seat;
	op->u.amount.value = value;
}

/*
 * Group lfce, which /dev/lfce belongs to (the packages' udev rule and
 * sysusers entry): the players' uids are its members on a host, so the
 * demo gives its agents that group. -1 if there is none (mode 0666 then).
 */
static int lfce_gid(void)
{
	FILE *f = fopen("/etc/group", "re");
	struct group *g;
	int gid = -1;

	while (f && (g = fgetgrent(f)))
		if (!strcmp(g->gr_name, "lfce"))
			gid = g->gr_gid;
	if (f)
		fclose(f);
	return gid;
}

/* Fork and exec @argv as @uid, stdout and stderr to the console. */
static pid_t spawn(uid_t uid, char *const argv[])
{
	gid_t groups[1];
	int n = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid)
		return pid;
	if (lfce_gid() >= 0)
		groups[n++] = lfce_gid();
	if (setgroups(n, groups) || setgid(uid) || setuid(uid)) {
		printf("lfce-demo: becoming uid %u: %s\n", (unsigned int)uid, strerror(errno));
		_exit(126);
	}
	execv(argv[0], argv);
	printf("lfce-demo: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int create(struct demo *d)
{
	struct lfce_op op = {};
	int ret;

	title("the owner creates a game and funds the bank");
	d->fd = lfce_open(O_RDWR);
	ret = d->fd < 0 ? d->fd : lfce_create(d->fd, &config, &d->id);
	if (!ret)
		ret = lfce_map(d->fd, &d->base, &d->size);
	if (ret)
		return fail("creating the game", ret);
	printf("game %llu: commit-reveal dice, %d seats, bets %llu to %llu, odds up to %ux,\n"
	       "reveal deadline %llu s, max_bet governable by a CONFIG proposal\n",
	       ull(d->id), AGENTS, ull(config.min_bet), ull(config.max_bet), config.odds_max,
	       ull(config.reveal_timeout_ns / NSEC));
	deposit(&op, LFCE_SEAT_BANK, BANK);
	ret = owner_submit(d, &op, 1);
	if (ret)
		return fail("funding the bank", ret);
	printf("the bank holds %d tokens\n", BANK);
	return 0;
}

static void start_monitor(struct demo *d)
{
	char id[24];
	char *argv[] = { MONITOR, "--game", id, NULL };

	snprintf(id, sizeof(id), "%llu", ull(d->id));
	title("lfce-monitor follows the journal (uid 65534, read-only mapping)");
	d->monitor = spawn(MONITOR_UID, argv);
}

static void start_agents(struct demo *d)
{
	char id[24], seat[AGENTS][4], rounds[8];
	unsigned int i, k, n;

	snprintf(id, sizeof(id), "%llu", ull(d->id));
	snprintf(rounds, sizeof(rounds), "%d", ROUNDS);
	title("six agents join, each as its own uid");
	for (i = 0; i < AGENTS; i++) {
		char *argv[16] = { AGENT, "--game", id, "--seat", seat[i], "--rounds", rounds,
				   "--strategy", (char *)cast[i].strategy };

		snprintf(seat[i], sizeof(seat[i]), "%u", i);
		n = 9;
		for (k = 0; k < 3 && cast[i].extra[k]; k++)
			argv[n++] = (char *)cast[i].extra[k];
		printf("seat %u: uid %u, strategy %s%s%s%s%s\n", i, UID0 + i, cast[i].strategy,
		       cast[i].extra[0] ? ", " : "", cast[i].extra[0] ? cast[i].extra[0] : "",
		       cast[i].extra[1] ? " " : "", cast[i].extra[1] ? cast[i].extra[1] : "");
		d->agent[i] = spawn(UID0 + i, argv);
	}
}

/* Once every seat is taken, fund them all in one owner batch. */
static int fund_seats(struct demo *d)
{
	struct lfce_op ops[AGENTS] = {};
	__u64 cap = mono_s() + CAP_S;
	unsigned int i, bound;
	int ret;

	do {
		usleep(20000);
		ret = look(d);
		for (i = bound = 0; !ret && i < AGENTS; i++)
			bound += !!(d->s.seat[i].flags & LFCE_SEAT_BOUND);
	} while (!ret && bound < AGENTS && mono_s() < cap);
	if (ret || bound < AGENTS) {
		printf("lfce-demo: only %u of %d seats taken\n", bound, AGENTS);
		return 1;
	}
	for (i = 0; i < AGENTS; i++)
		deposit(&ops[i], i, FUNDS);
	ret = owner_submit(d, ops, AGENTS);
	if (ret)
		return fail("funding the seats", ret);
	title("the owner funds every seat with 1000 tokens; play begins");
	return 0;
}

static bool proposals_pending(const struct lfce_snapshot *s)
{
	unsigned int i;

	for (i = 0; i < LFCE_MAX_PROPOSALS; i++)
		if (s->proposal[i].state == LFCE_PROP_PENDING)
			return true;
	return false;
}

/* Wait for ROUNDS rolls, the table back in betting and no vote open. */
static int play(struct demo *d)
{
	__u64 cap = mono_s() + CAP_S;
	int ret;

	do {
		usleep(100000);
		ret = look(d);
		if (ret)
			return fail("reading the game", ret);
	} while ((d->s.table.rolls < ROUNDS || d->s.table.stage != LFCE_STAGE_BETTING ||
		  proposals_pending(&d->s)) && mono_s() < cap);
	if (d->s.table.rolls < ROUNDS) {
		printf("lfce-demo: only %llu rolls after %d s\n", ull(d->s.table.rolls), CAP_S);
		return 1;
	}
	usleep(300000);		/* let the monitor print the last records */
	return 0;
}

/* Run a tool if the VM has it, else say so: the demo does not need it. */
static void run_tool(const char *title_text, char *const argv[])
{
	int status;
	pid_t pid;

	title(title_text);
	if (access(argv[0], X_OK)) {
		printf("%s is missing from this VM: skipped\n", argv[0]);
		return;
	}
	pid = spawn(0, argv);
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		printf("(%s exited with status %d)\n", argv[0], WEXITSTATUS(status));
}

static void run_tools(struct demo *d)
{
	char id[24], max_bet[24];
	char *top[] = { LFCETOP, "--once", NULL };
	/*
	 * The replay starts from the config the game was created with; the
	 * journal says what a CONFIG proposal set, not what it replaced.
	 */
	char *verify[] = { LFCECTL, "journal", "verify", "--max-bet", max_bet, id, NULL };

	snprintf(id, sizeof(id), "%llu", ull(d->id));
	snprintf(max_bet, sizeof(max_bet), "%llu", ull(config.max_bet));
	run_tool("lfcetop --once", top);
	run_tool("lfcectl journal verify", verify);
}

/* What the journal says about the round protocol. */
struct tally {
	__u64 records, commitments, reveals, expiries, gaps;
	__u32 committed, revealed;	/* seats, in the round under way */
	__u32 forfeits;			/* seats that ever forfeited */
};

static void tally_record(struct tally *t, const struct lfce_record *r)
{
	__u32 bit = r->op.seat < LFCE_MAX_SEATS ? 1U << r->op.seat : 0;

	switch (r->op.type) {
	case LFCE_OP_CLOSE:
		t->committed = t->revealed = 0;
		break;
	case LFCE_OP_COMMIT:
		t->commitments++;
		t->committed |= bit;
		break;
	case LFCE_OP_REVEAL:
		t->reveals++;
		t->revealed |= bit;
		break;
	case LFCE_OP_EXPIRE:
		/* Committed, then did not reveal (a commit-stage expiry: 0 here). */
		t->expiries++;
		t->forfeits |= t->committed & ~t->revealed;
		break;
	}
}

static void read_journal(struct demo *d, struct tally *t)
{
	struct lfce_record r;
	uint64_t cursor = 0;	/* liblfce's type */

	memset(t, 0, sizeof(*t));
	while (cursor < d->s.table.records && !lfce_journal_next(d->base, &cursor, &r)) {
		t->records++;
		if (r.kind == LFCE_REC_GAP)
			t->gaps++;
		else
			tally_record(t, &r);
	}
}

static void print_proposals(const struct lfce_snapshot *s)
{
	const struct lfce_proposal *p;
	unsigned int i;

	for (i = 0; i < LFCE_MAX_PROPOSALS; i++) {
		p = &s->proposal[i];
		if (p->state == LFCE_PROP_FREE || p->state >= LFCE_PROP_NR)
			continue;
		if (p->action == LFCE_OP_TRANSFER)
			printf("proposal %llu: TRANSFER %llu from seat %u to seat %u", ull(p->id),
			       ull(p->value), p->seat, p->to);
		else
			printf("proposal %llu: CONFIG %s to %llu", ull(p->id),
			       p->param == LFCE_PARAM_MAX_BET ? "max_bet" : "a parameter",
			       ull(p->value));
		printf(": %d for, %d against of %d (quorum %u): %s\n",
		       __builtin_popcount(p->votes_for), __builtin_popcount(p->votes_against),
		       __builtin_popcount(p->electorate), p->quorum, lfce_prop_state_name(p->state));
	}
}

static long long holdings(const struct lfce_seat *seat)
{
	long long sum = seat->balance;
	unsigned int k;

	for (k = 0; k < LFCE_BET_NR; k++)
		sum += seat->bets[k];
	return sum;
}

/* Returns true if tokens were conserved throughout. */
static bool summary(struct demo *d)
{
	const struct lfce_snapshot *s = &d->s;
	__u64 tries;
	struct tally t;
	unsigned int i;
	bool ok;
	int ret;

	title("summary");
	ret = look(d);
	if (!ret)
		ret = lfce_stats(d->fd, &d->st);
	if (ret)
		return fail("reading the game", ret), false;
	read_journal(d, &t);
	tries = d->st.commits + d->st.cas_failures;
	printf("rounds %llu, rolls %llu, commits %llu (versions), journal records %llu\n",
	       ull(s->round.number), ull(s->table.rolls), ull(d->st.commits), ull(t.records));
	printf("commitments %llu, reveals %llu, rounds expired %llu; forfeited by withholding:",
	       ull(t.commitments), ull(t.reveals), ull(t.expiries));
	for (i = 0; i < AGENTS; i++)
		if (t.forfeits & (1U << i))
			printf(" seat %u", i);
	printf("%s\n", t.forfeits ? "" : " nobody");
	printf("CAS success rate %.1f%% (%llu CAS failures), refused operations %llu\n",
	       tries ? 100.0 * d->st.commits / tries : 100.0, ull(d->st.cas_failures),
	       ull(d->st.refused));
	print_proposals(s);
	for (i = 0; i < AGENTS; i++)
		printf("seat %u (%-8s): holds %5lld, result %+lld\n", i, cast[i].strategy,
		       holdings(&s->seat[i]), holdings(&s->seat[i]) - FUNDS);
	printf("house: bank %llu, result %+lld\n", ull(s->table.bank),
	       (long long)s->table.bank - BANK);
	ok = !d->unconserved && lfce_tokens_conserved(s) &&
	     s->table.total == BANK + AGENTS * FUNDS;
	printf("conservation %s: %llu tokens in the game as deposited, %ld snapshots read, "
	       "%ld not conserved\n", ok ? "OK" : "BROKEN", ull(s->table.total), d->snapshots,
	       d->unconserved);
	return ok;
}

/* Reap @pid, killing it if it has not exited by @cap. */
static int reap(pid_t pid, __u64 cap)
{
	int status = 0;

	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (mono_s() > cap) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		usleep(50000);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int close_game(struct demo *d)
{
	__u64 cap = mono_s() + 30;
	unsigned int i;
	int ret;

	title("the owner closes the game: every seat is settled, the agents leave");
	ret = lfce_close_game(d->fd, d->id, LFCE_CLOSE_FORCE);
	if (ret)
		fail("closing the game", ret);
	for (i = 0; i < AGENTS; i++)
		d->agents_failed += reap(d->agent[i], cap) != 0;
	if (d->monitor > 0 && reap(d->monitor, cap))
		d->agents_failed++;
	printf("%s\n", d->agents_failed ? "some agent or the monitor did not exit 0" :
	       "the six agents and the monitor exited 0");
	return ret || d->agents_failed;
}

int main(void)
{
	static struct demo d;
	__u64 start = mono_s();
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (create(&d))
		return 1;
	start_monitor(&d);
	start_agents(&d);
	ret = fund_seats(&d) || play(&d);
	run_tools(&d);
	ret |= !summary(&d);
	ret |= close_game(&d);
	printf("\nlfce-demo: %s in %llu s\n", ret ? "FAILED" : "done", ull(mono_s() - start));
	return ret;
}
