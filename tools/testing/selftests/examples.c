// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: the examples run: two lfce-agent processes, each its own
 * uid, play a few commit-reveal rounds against each other (one withholding
 * a reveal once), lfce-monitor follows the journal, and both leave cleanly
 * when the owner closes the game.
 *
 * The programs are the VM's /bin/lfce-agent and /bin/lfce-monitor
 * (tools/examples). Checked from outside, as a user sees them: exit
 * statuses and words of the usage errors, then the game's journal (rolls
 * made by the reveals of both seats, one expiry whose only non-revealer is
 * the withholder), conservation, and the monitor's lines.
 */
#include <grp.h>
#include <signal.h>
#include <time.h>

#include "helpers.h"
#include "liblfce.h"

#define AGENT		"/bin/lfce-agent"
#define MONITOR		"/bin/lfce-monitor"
#define UID0		3000
#define ROUNDS		3
#define FUNDS		500
#define CAP_S		120		/* a hang fails instead of stalling */
#define NSEC		1000000000ULL

static const struct lfce_config cfg = {
	.min_bet = 1, .max_bet = 100, .odds_max = 3, .field12_pays = 2,
	.dice_mode = LFCE_DICE_COMMIT_REVEAL, .flags = LFCE_CFG_DISTINCT_UIDS,
	.reveal_timeout_ns = 4 * NSEC, .max_seats = 2,
};

static time_t mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Run @argv as @uid, stdout and stderr to @out; returns the pid. */
static pid_t spawn(uid_t uid, const char *out, char *const argv[])
{
	pid_t pid;
	int fd;

	fflush(stdout);
	pid = fork();
	if (pid)
		return pid;
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(126);
	if (t_become(uid))	/* its groups: lfce, for the device */
		_exit(126);
	execv(argv[0], argv);
	_exit(127);
}

/* The exit status of @pid, killed at @cap; -1 if it did not exit. */
static int reap(pid_t pid, time_t cap)
{
	int status = 0;

	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (mono_s() > cap) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		usleep(20000);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Does file @path contain @word? */
static int has(const char *path, const char *word)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = 0;
	return strstr(buf, word) != NULL;
}

static int run(const char *out, char *const argv[])
{
	return reap(spawn(0, out, argv), mono_s() + CAP_S);
}

static void usage_errors(void)
{
	char *help[] = { AGENT, "--help", NULL };
	char *strategy[] = { AGENT, "--game", "1", "--strategy", "martingale", NULL };
	char *nogame[] = { AGENT, "--game", "999999", NULL };
	char *mon[] = { MONITOR, NULL };

	t_ok(run("/tmp/ex-help", help) == 0 && has("/tmp/ex-help", "Usage: lfce-agent"),
	     "lfce-agent --help: exit 0, prints its usage");
	t_ok(run("/tmp/ex-strategy", strategy) == 1 &&
	     has("/tmp/ex-strategy", "no such strategy: 'martingale'"),
	     "lfce-agent --strategy martingale: exit 1, 'no such strategy'");
	t_ok(run("/tmp/ex-nogame", nogame) == 2 && has("/tmp/ex-nogame", "joining game 999999"),
	     "lfce-agent --game 999999: exit 2, says which game it could not join");
	t_ok(run("/tmp/ex-mon", mon) == 1 && has("/tmp/ex-mon", "--game ID is required"),
	     "lfce-monitor without --game: exit 1, says what is missing");
}

/* Records of the game: which seats' reveals rolled, expiries, forfeiters. */
struct seen {
	unsigned int rolls_by[2], expiries, reveals[2];
	__u32 committed, revealed, first_forfeit;
};

static void scan(const void *base, __u64 records, struct seen *v)
{
	struct lfce_record r;
	uint64_t cursor = 0;

	memset(v, 0, sizeof(*v));
	while (cursor < records && !lfce_journal_next(base, &cursor, &r)) {
		__u32 bit = r.op.seat < 2 ? 1U << r.op.seat : 0;

		if (r.op.type == LFCE_OP_CLOSE) {
			v->committed = v->revealed = 0;
		} else if (r.op.type == LFCE_OP_COMMIT) {
			v->committed |= bit;
		} else if (r.op.type == LFCE_OP_REVEAL && bit) {
			v->revealed |= bit;
			v->reveals[r.op.seat]++;
			v->rolls_by[r.op.seat] += !!r.dice[0];
		} else if (r.op.type == LFCE_OP_EXPIRE) {
			if (!v->expiries++)
				v->first_forfeit = v->committed & ~v->revealed;
		}
	}
}

static int owner_deposit(int fd, const struct lfce_snapshot *s, __u32 seat, __u64 value)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = seat };

	op.nonce = s->table.owner_nonce + 1;
	op.u.amount.value = value;
	return lfce_submit_retry(fd, &op, 1, NULL, 0);
}

/* Wait (bounded) until @done holds for a fresh copy in @s. */
static int wait_for(int fd, const void *base, struct lfce_snapshot *s,
		    int (*done)(const struct lfce_snapshot *s))
{
	time_t cap = mono_s() + CAP_S;

	while (!lfce_snapshot(fd, base, s) && !done(s) && mono_s() < cap)
		usleep(20000);
	return done(s);
}

static int seated(const struct lfce_snapshot *s)
{
	return (s->seat[0].flags & s->seat[1].flags & LFCE_SEAT_BOUND) != 0;
}

static int played(const struct lfce_snapshot *s)
{
	return s->table.rolls >= ROUNDS && s->table.stage == LFCE_STAGE_BETTING;
}

/*
 * Kill agent @pid of seat 0 and start it again: it must take its seat
 * back, although the seat's nonce is far past 1 by now (a JOIN needs one
 * above it). Only the new agent can raise the nonce: that is the proof.
 */
static pid_t restart(int fd, const void *base, pid_t pid, char *const argv[])
{
	struct lfce_snapshot s;
	time_t cap;
	__u64 was;
	int ok;

	kill(pid, SIGKILL);
	reap(pid, mono_s() + CAP_S);
	ok = !lfce_get(fd, &s) && s.seat[0].nonce > 1;
	was = s.seat[0].nonce;
	pid = spawn(UID0, "/tmp/ex-agent0b", argv);
	cap = mono_s() + CAP_S;
	while (ok && !lfce_snapshot(fd, base, &s) && s.seat[0].nonce == was && mono_s() < cap)
		usleep(20000);
	t_ok(ok && s.seat[0].nonce > was && s.seat[0].uid == UID0,
	     "a restarted agent takes its seat back (seat nonce %llu, now %llu)",
	     (unsigned long long)was, (unsigned long long)s.seat[0].nonce);
	return pid;
}

static void play(int fd, __u64 id, const void *base)
{
	char game[24];
	char *a0[] = { AGENT, "-g", game, "-s", "0", "-r", "3", "-S", "field", NULL };
	char *a1[] = { AGENT, "-g", game, "-s", "1", "-r", "3", "-S", "mix", "-w", NULL };
	char *mon[] = { MONITOR, "--game", game, NULL };
	pid_t p0, p1, pm;
	struct lfce_snapshot s;
	struct seen v;
	time_t cap;
	int ok;

	snprintf(game, sizeof(game), "%llu", (unsigned long long)id);
	pm = spawn(UID0 + 9, "/tmp/ex-monitor", mon);
	p0 = spawn(UID0, "/tmp/ex-agent0", a0);
	p1 = spawn(UID0 + 1, "/tmp/ex-agent1", a1);
	ok = wait_for(fd, base, &s, seated);
	t_ok(ok && s.seat[0].uid == UID0 && s.seat[1].uid == UID0 + 1,
	     "two agents took seats 0 and 1 as uids %d and %d", UID0, UID0 + 1);
	ok = ok && !owner_deposit(fd, &s, 0, FUNDS) && !lfce_get(fd, &s) &&
	     !owner_deposit(fd, &s, 1, FUNDS);
	t_ok(ok, "the owner funded both seats");
	ok = ok && wait_for(fd, base, &s, played);
	t_ok(ok, "they played %d rolls: %llu rolled", ROUNDS, (unsigned long long)s.table.rolls);
	t_ok(lfce_tokens_conserved(&s) && s.table.total == 100000 + 2 * FUNDS,
	     "tokens conserved: total %llu", (unsigned long long)s.table.total);
	scan(base, s.table.records, &v);
	t_ok(v.reveals[0] && v.reveals[1] && v.rolls_by[0] + v.rolls_by[1] + v.expiries ==
	     s.table.rolls, "every roll came from a reveal (seat 0: %u, seat 1: %u) or an expiry",
	     v.rolls_by[0], v.rolls_by[1]);
	t_ok(v.expiries >= 1 && v.first_forfeit == 2,
	     "--withhold-once: the first expiry's only non-revealer is seat 1 (%#x)",
	     v.first_forfeit);
	p0 = restart(fd, base, p0, a0);
	t_ok(!lfce_close_game(fd, id, LFCE_CLOSE_FORCE), "the owner force-closes the game");
	cap = mono_s() + CAP_S;
	t_ok(reap(p0, cap) == 0 && reap(p1, cap) == 0, "both agents exit 0 on the game's close");
	t_ok(has("/tmp/ex-agent0b", "the game is closed") &&
	     has("/tmp/ex-agent1", "withholding my reveal"),
	     "the agents said what they did: joined, withheld, left");
	t_ok(reap(pm, cap) == 0, "lfce-monitor exits 0 once the closed game's journal is read");
	t_ok(has("/tmp/ex-monitor", "rolls ") && has("/tmp/ex-monitor", "deadline passed") &&
	     has("/tmp/ex-monitor", "shutdown") && has("/tmp/ex-monitor", "tokens conserved"),
	     "lfce-monitor printed the rolls, the expiry, the shutdown, the conserved tokens");
}

int main(void)
{
	struct lfce_snapshot s;
	const void *base;
	size_t size;
	uint64_t id = 0;	/* liblfce's type */
	int fd, ret;

	if (geteuid())
		t_skip("needs root: the agents run as other uids");
	if (access(AGENT, X_OK) || access(MONITOR, X_OK))
		t_skip("no " AGENT " or " MONITOR " (tools/examples)");
	fd = lfce_open(O_RDWR);
	if (fd < 0)
		t_skip("no " LFCE_DEVICE_PATH);
	usage_errors();
	ret = lfce_create(fd, &cfg, &id);
	if (!ret)
		ret = lfce_map(fd, &base, &size);
	if (!ret)
		ret = lfce_get(fd, &s);
	if (!ret)
		ret = owner_deposit(fd, &s, LFCE_SEAT_BANK, 100000);
	if (!t_ok(!ret, "a game to play: %s", ret ? lfce_strerror(ret) : "ok"))
		return t_done();
	play(fd, id, base);
	lfce_unmap(base, size);
	close(fd);
	return t_done();
}
