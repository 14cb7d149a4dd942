// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: lfcetop as people run it, on a game with some activity (two
 * seats of two uids, host rolls, one-roll bets, a pending TRANSFER
 * proposal). --once prints the game's version, bank, seats and bets, the
 * proposal with its tally and the last roll, all as the snapshot has them;
 * -b -n 2 -d 0.1 prints exactly two samples; --json is one line that jq
 * checks against the snapshot, and -b -n 2 --json two; bad options exit 1
 * and an unknown game 2, with words; without a terminal the interactive
 * view refuses (1). Then the screen in tmux at 120x40: the games list,
 * Enter for the game, a commit made meanwhile shows up, the help, a resize
 * to 70x20 redraws every line within the new size and back, Tab for the
 * list, and q ends lfcetop (status 0) and with it the session. Last, a
 * closed game is no longer listed.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"
#include "owner.h"

#define TOP	"/bin/lfcetop"
#define TMUX	"/bin/tmux"
#define JQ	"/bin/jq"
#define OUT	"/tmp/lfcetop.out"
#define ERR	"/tmp/lfcetop.err"
#define JSON	"/tmp/lfcetop.json"
#define RC	"/tmp/lfcetop.rc"

typedef unsigned long long ull;

static char out[1 << 16], err[4096];
static struct lfce_snapshot snap;
static uint64_t game;

static const struct lfce_config config = {
	.min_bet = 1, .max_bet = 1000000, .odds_max = 3, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .flags = LFCE_CFG_DISTINCT_UIDS,
	.reveal_timeout_ns = 30000000000ULL, .max_seats = LFCE_MAX_SEATS,
	.proposal_timeout_ns = 3600000000000ULL,
};

static void slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
}

/* Newlines to spaces, none at the end: @s goes into one TAP line. */
static void oneline(char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] == '\n')
		s[--n] = 0;
	for (; *s; s++)
		if (*s == '\n')
			*s = ' ';
}

/*
 * Run @argv with stdin from @in (NULL: /dev/null), stdout into OUT and
 * stderr into ERR, which land in out[] and err[]. Returns the exit status,
 * or -1 if it did not exit.
 */
static int run(char *const argv[], const char *in)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int i = open(in ? in : "/dev/null", O_RDONLY);
		int o = open(OUT, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(ERR, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (i < 0 || o < 0 || e < 0)
			_exit(126);
		dup2(i, 0);
		dup2(o, 1);
		dup2(e, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	slurp(OUT, out, sizeof(out));
	slurp(ERR, err, sizeof(err));
	oneline(err);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static int has(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int has(const char *fmt, ...)
{
	char needle[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(needle, sizeof(needle), fmt, ap);
	va_end(ap);
	return strstr(out, needle) != NULL;
}

static uint64_t submit(int fd, struct lfce_op *op)
{
	uint64_t v = 0;
	int ret = lfce_submit_retry(fd, op, 1, &v, 1000);

	t_ok(!ret, "%s: %s", "submit", ret ? lfce_strerror(ret) : "committed");
	return v;
}

static uint64_t owner_op(int fd, uint16_t type, uint32_t seat, uint64_t value)
{
	struct lfce_op op = { .type = type, .seat = seat };
	uint64_t v = 0;
	int ret;

	op.u.amount.value = value;
	ret = t_owner_submit(fd, &op, 1, &v);
	t_ok(!ret, "owner op %u on seat %u: %s", type, seat, ret ? lfce_strerror(ret) : "ok");
	return v;
}

static void bet(int fd, uint32_t seat, uint64_t nonce, uint32_t kind, uint64_t amount)
{
	struct lfce_op op = { .type = LFCE_OP_BET, .seat = seat, .nonce = nonce };

	op.u.bet.kind = kind;
	op.u.bet.amount = amount;
	submit(fd, &op);
}

/* Seat 1, as uid 1001: join and go; the seat stays bound to the uid. */
static void join_other(void *arg)
{
	int fd = lfce_open(O_RDWR);

	(void)arg;
	t_ok(fd >= 0 && !lfce_attach(fd, game) && !lfce_join(fd, 1, 1, NULL, NULL, NULL),
	     "uid 1001 joins seat 1");
	if (fd >= 0)
		close(fd);
}

static int setup(int owner, int *p0)
{
	struct lfce_op op = { .type = LFCE_OP_PROPOSE, .seat = 0, .nonce = 4 };
	int i;

	if (lfce_create(owner, &config, &game))
		return t_ok(0, "create a game"), -1;
	owner_op(owner, LFCE_OP_DEPOSIT, LFCE_SEAT_BANK, 100000);
	*p0 = lfce_open(O_RDWR);
	t_ok(*p0 >= 0 && !lfce_attach(*p0, game) && !lfce_join(*p0, 0, 1, NULL, NULL, NULL),
	     "root joins seat 0");
	t_as_uid(1001, join_other, NULL);
	owner_op(owner, LFCE_OP_DEPOSIT, 0, 1000);
	for (i = 0; i < 3; i++)
		owner_op(owner, LFCE_OP_ROLL, LFCE_SEAT_BANK, 0);
	/* One-roll bets: placeable whatever the rolls did to the phase. */
	bet(*p0, 0, 2, LFCE_BET_FIELD, 5);
	bet(*p0, 0, 3, LFCE_BET_ANY_SEVEN, 3);
	op.u.propose.action = LFCE_OP_TRANSFER;
	op.u.propose.seat = 0;
	op.u.propose.to = 1;
	op.u.propose.value = 7;
	submit(*p0, &op);
	return lfce_get(owner, &snap);
}

static void test_once(void)
{
	const struct lfce_table *t = &snap.table;
	char id[32];

	snprintf(id, sizeof(id), "%llu", (ull)game);
	t_ok(run((char *[]){ TOP, "--once", NULL }, NULL) == 0, "--once exits 0 (%s)", err);
	t_ok(has("game %llu  version %llu  records %llu", (ull)game, (ull)t->version,
		 (ull)t->records), "--once: game %llu at version %llu, %llu records", (ull)game,
	     (ull)t->version, (ull)t->records);
	t_ok(has("bank %llu  total %llu  conserved yes", (ull)t->bank, (ull)t->total),
	     "--once: bank %llu, total %llu, conserved", (ull)t->bank, (ull)t->total);
	t_ok(has("%4u %7u %-7s %12llu", 0, 0, "bound", (ull)snap.seat[0].balance) &&
	     has("field 5, anyseven 3"),
	     "--once: seat 0 has %llu and its bets field 5, anyseven 3",
	     (ull)snap.seat[0].balance);
	t_ok(has("transfer by seat 0  for 0 against 0 of 2 (quorum 2)") &&
	     has("7 from seat 0 to seat 1"), "--once: the pending transfer and its tally");
	t_ok(has("(newest first): %u+%u=%u", t->dice[0], t->dice[1], t->dice[0] + t->dice[1]),
	     "--once: the last roll %u+%u first", t->dice[0], t->dice[1]);
	t_ok(has("CAS RETRIES PER COMMIT") && has("rolls %llu", (ull)t->rolls),
	     "--once: histograms and %llu rolls", (ull)t->rolls);
	t_ok(!strchr(out, '\033'), "--once: no terminal escapes in plain text");

	t_ok(run((char *[]){ TOP, "-b", "-n", "2", "-d", "0.1", "-g", id, NULL }, NULL) == 0 &&
	     count(out, "sample 1 of 2") == 1 && count(out, "sample 2 of 2") == 1 &&
	     count(out, "sample ") == 2, "-b -n 2 -d 0.1: exactly two samples");
}

static int jq(const char *expr)
{
	return run((char *[]){ JQ, "-e", (char *)expr, NULL }, JSON);
}

static void test_json(void)
{
	const struct lfce_table *t = &snap.table;
	char expr[1024];

	t_ok(run((char *[]){ TOP, "--json", NULL }, NULL) == 0 && count(out, "\n") == 1,
	     "--json: one line, exit 0");
	rename(OUT, JSON);
	snprintf(expr, sizeof(expr),
		 ".games[] | select(.id == \"0x%llx\") | .version == %llu and .bank == %llu"
		 " and .total == %llu and .conserved and .seats[0].balance == %llu"
		 " and .seats[0].bets == {\"field\": 5, \"anyseven\": 3} and .seats[1].uid == 1001"
		 " and .proposals[0].action == \"transfer\" and .proposals[0].for == 0"
		 " and .proposals[0].electorate == 2 and .proposals[0].quorum == 2"
		 " and .dice == [%u, %u] and .last_rolls[0].dice == [%u, %u] and .rolls == %llu"
		 " and .state == \"open\" and .stage == \"betting\"",
		 (ull)game, (ull)t->version, (ull)t->bank, (ull)t->total,
		 (ull)snap.seat[0].balance, t->dice[0], t->dice[1], t->dice[0], t->dice[1],
		 (ull)t->rolls);
	t_ok(jq(expr) == 0, "--json: jq finds the snapshot's values");
	t_ok(run((char *[]){ TOP, "-j", "-b", "-n", "2", "-d", "0.1", NULL }, NULL) == 0 &&
	     count(out, "\n") == 2, "-j -b -n 2: two lines");
	rename(OUT, JSON);
	t_ok(run((char *[]){ JQ, "-e", "-s", "length == 2 and .[1].sample == 2", NULL }, JSON) ==
	     0, "-j -b -n 2: two JSON objects, samples 1 and 2");
}

static void test_errors(void)
{
	t_ok(run((char *[]){ TOP, "--bogus", NULL }, NULL) == 1 &&
	     strstr(err, "Try 'lfcetop --help'"), "an unknown option: exit 1, with help's name");
	t_ok(run((char *[]){ TOP, "-b", "-n", "0", NULL }, NULL) == 1 &&
	     strstr(err, "-n wants a positive whole number, not '0'"), "-n 0: exit 1, in words");
	t_ok(run((char *[]){ TOP, "--once", "-g", "4000000000", NULL }, NULL) == 2 &&
	     strstr(err, "game 4000000000: no such game"), "an unknown game: exit 2, in words (%s)",
	     err);
	t_ok(run((char *[]){ TOP, NULL }, NULL) == 1 && strstr(err, "needs a terminal"),
	     "no terminal, no batch option: exit 1, in words");
	t_ok(run((char *[]){ TOP, "--help", NULL }, NULL) == 0 && strstr(out, "--once") &&
	     strstr(out, "Exit status"), "--help: exit 0, the options and exit status");
	t_ok(run((char *[]){ TOP, "--version", NULL }, NULL) == 0 &&
	     has("uapi ABI %u\n", LFCE_ABI_VERSION) && has("module ") &&
	     has(", ABI %u\n", LFCE_ABI_VERSION),
	     "--version: lfcetop, liblfce, uapi and module ABI");
}

/* ---- The interactive screen, in tmux ---- */

static int tmux(const char *a, const char *b, const char *c, const char *d, const char *e)
{
	return run((char *[]){ TMUX, "-f", "/dev/null", (char *)a, (char *)b, (char *)c,
			       (char *)d, (char *)e, NULL }, NULL);
}

static void keys(const char *k)
{
	tmux("send-keys", "-t", "top", k, NULL);
}

/* The pane's text in out[]. */
static void capture(void)
{
	tmux("capture-pane", "-p", "-t", "top", NULL);
}

/* Lines of out[] and the widest. */
static void measure(unsigned int *lines, size_t *widest)
{
	const char *p = out, *nl;

	*lines = 0;
	*widest = 0;
	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if ((size_t)(nl - p) > *widest)
			*widest = nl - p;
		(*lines)++;
		if (!*nl)
			break;
	}
}

/* Wait (up to ~30 s: a liveness bound, not a timing check) for @what. */
static int screen_shows(const char *a, const char *b)
{
	int i;

	for (i = 0; i < 600; i++) {
		capture();
		if (strstr(out, a) && (!b || strstr(out, b)))
			return 1;
		usleep(50000);
	}
	return 0;
}

static int screen_fits(unsigned int cols, unsigned int rows)
{
	unsigned int lines;
	size_t widest;
	int i;

	for (i = 0; i < 600; i++) {
		capture();
		measure(&lines, &widest);
		if (lines <= rows && widest <= cols && !strncmp(out, "lfcetop ", 8) &&
		    strstr(out, "\nq quit"))
			return 1;
		usleep(50000);
	}
	t_diag("%u lines, %zu wide:\n%s", lines, widest, out);
	return 0;
}

/* The pane as TAP comments, for whoever reads the results. */
static void show_screen(void)
{
	char *line, *save;

	t_diag("the screen:");
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		t_diag("| %s", line);
}

/* Where our game sits in the list: the number of Down presses to it. */
static unsigned int position(void)
{
	uint64_t ids[256];
	uint32_t n = 256, i;
	int fd = lfce_open(O_RDONLY);

	if (fd < 0 || lfce_list(fd, 0, ids, &n, NULL))
		n = 0;
	if (fd >= 0)
		close(fd);
	for (i = 0; i < n && ids[i] != game; i++)
		;
	return i < n ? i : 0;
}

static void test_screen(int owner)
{
	char head[64], newer[64], cmd[128];
	unsigned int i, down = position();
	uint64_t v;
	int fd = open("/dev/ptmx", O_RDWR | O_NOCTTY);

	if (fd < 0) {
		t_diag("no pseudo-terminals (%s): the tmux part does not run", strerror(errno));
		return;
	}
	close(fd);
	/* tmux's client and server talk over a Unix socket: not in every kernel. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0) {
		t_diag("no Unix sockets (%s): the tmux part does not run", strerror(errno));
		return;
	}
	close(fd);
	setenv("TERM", "screen", 1);
	setenv("SHELL", "/bin/sh", 1);
	setenv("TMUX_TMPDIR", "/tmp", 1);
	unlink(RC);
	snprintf(cmd, sizeof(cmd), TOP " -d 0.2; echo $? > " RC);
	tmux("kill-server", NULL, NULL, NULL, NULL);	/* none should be left: make sure */
	if (!t_ok(run((char *[]){ TMUX, "-f", "/dev/null", "new-session", "-d", "-s", "top", "-x",
				  "120", "-y", "40", cmd, NULL }, NULL) == 0,
		  "tmux runs lfcetop in a 120x40 session (%s)", err))
		return;
	snprintf(head, sizeof(head), "\n%-6llu ", (ull)game);
	t_ok(screen_shows("GAME ", head), "the games list shows game %llu", (ull)game);
	t_ok(screen_fits(120, 40), "the list fits 120x40, title and status lines in place");
	for (i = 0; i < down; i++)
		keys("Down");
	keys("Enter");
	snprintf(head, sizeof(head), "game %llu  version %llu", (ull)game, (ull)snap.table.version);
	t_ok(screen_shows(head, "7 from seat 0 to seat 1") && strstr(out, "field 5, anyseven 3") &&
	     strstr(out, "CAS RETRIES PER COMMIT") && strstr(out, "LAST ROLLS"),
	     "Enter: game %llu with its seats, bets, proposal, rolls and histograms", (ull)game);
	show_screen();

	v = owner_op(owner, LFCE_OP_DEPOSIT, LFCE_SEAT_BANK, 1);
	snprintf(newer, sizeof(newer), "game %llu  version %llu", (ull)game, (ull)v);
	t_ok(screen_shows(newer, NULL), "a commit made meanwhile shows: version %llu", (ull)v);

	keys("h");
	t_ok(screen_shows("Keys", "q            quit"), "h: the help");
	keys("h");
	t_ok(screen_shows(newer, NULL), "h again: back to the game");

	tmux("resize-window", "-t", "top", "-x", "70");
	tmux("resize-window", "-t", "top", "-y", "20");
	t_ok(screen_fits(70, 20), "resized to 70x20: every line within 70 columns and 20 rows");
	tmux("resize-window", "-t", "top", "-x", "120");
	tmux("resize-window", "-t", "top", "-y", "40");
	t_ok(screen_shows("CAS RETRIES PER COMMIT", newer) && screen_fits(120, 40),
	     "back to 120x40: the whole game again");

	keys("Tab");
	t_ok(screen_shows("GAME ", "COMMITS/S"), "Tab: the games list");
	keys("q");
	for (i = 0; i < 600 && tmux("has-session", "-t", "top", NULL, NULL) == 0; i++)
		usleep(50000);
	t_ok(i < 600, "q: lfcetop quits and the session ends");
	slurp(RC, out, sizeof(out));
	oneline(out);
	t_ok(!strcmp(out, "0"), "lfcetop exited 0 (status %s)", out);
	tmux("kill-server", NULL, NULL, NULL, NULL);
}

int main(void)
{
	char id[32];
	int owner, p0 = -1;

	owner = lfce_open(O_RDWR);
	if (owner < 0)
		t_skip("no /dev/lfce");
	t_ok(!access(TOP, X_OK) && !access(JQ, X_OK) && !access(TMUX, X_OK),
	     TOP ", " JQ " and " TMUX " are there");
	if (setup(owner, &p0))
		return t_done();
	test_once();
	test_json();
	test_errors();
	test_screen(owner);

	t_ok(!lfce_close_game(owner, game, LFCE_CLOSE_FORCE), "force-close the game");
	snprintf(id, sizeof(id), "%llu", (ull)game);
	t_ok(run((char *[]){ TOP, "--once", NULL }, NULL) == 0 && !has("\n%-6s ", id),
	     "--once no longer lists the closed game");
	t_ok(run((char *[]){ TOP, "--once", "-g", id, NULL }, NULL) == 2,
	     "-g of a closed game: exit 2 (%s)", err);
	close(p0);
	close(owner);
	return t_done();
}
