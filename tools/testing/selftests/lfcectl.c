// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: lfcectl, driven as a user would: every command, as the owner
 * (root) and as players (uids 1001, 1002, 1003), each run of /bin/lfcectl
 * checked for its exit status, its words, and its -j output (one JSON
 * document, checked with /bin/jq -e). A commit-reveal game plays one round
 * (close, commit with a secret kept in a 0600 file, reveal), a transfer and
 * a config proposal are voted through, a host-dice game rolls, an
 * agreement-dice game rolls by a vote and is settled and closed; the errors
 * come out in words with their values, exit 1 for usage, 2 for the kernel's
 * refusals; journal verify passes on the live game and on a saved dump, and
 * fails on a copy of the dump with one record altered, naming that record.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"

#define LFCECTL		"/bin/lfcectl"
#define JQ		"/bin/jq"
#define WORK		"/tmp/lfcectl-test"
#define OUT_MAX		(1 << 20)
#define ARGS_MAX	24
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static char out[OUT_MAX], err[16384];
static char game[32], host[32];

/* Read a whole (small) file into @buf; returns its length. */
static size_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = 0, got;

	buf[0] = '\0';
	if (fd < 0)
		return 0;
	while ((got = read(fd, buf + n, size - 1 - n)) > 0)
		n += got;
	close(fd);
	buf[n] = '\0';
	return n;
}

/* Run @argv as @uid (0: root) in @uid's work directory, stdin from @in. */
static int run(uid_t uid, char *const argv[], const char *in)
{
	char dir[64];
	int status;
	pid_t pid;

	snprintf(dir, sizeof(dir), WORK "/%u", uid);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int o = open(WORK "/out", O_WRONLY | O_CREAT | O_TRUNC, 0666);
		int e = open(WORK "/err", O_WRONLY | O_CREAT | O_TRUNC, 0666);
		int i = open(in ? in : "/dev/null", O_RDONLY);

		if (o < 0 || e < 0 || i < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0 || dup2(i, 0) < 0)
			_exit(120);
		if (uid && t_become(uid))	/* its groups: lfce, for the device */
			_exit(121);
		if (chdir(dir))
			_exit(122);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	slurp(WORK "/out", out, sizeof(out));
	slurp(WORK "/err", err, sizeof(err));
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* lfcectl as @uid with the words of @fmt (split at spaces); its exit status. */
static int __attribute__((format(printf, 2, 3))) ctl(uid_t uid, const char *fmt, ...)
{
	static char line[1024];
	char *argv[ARGS_MAX + 2], *save, *w;
	va_list ap;
	int n = 0;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	argv[n++] = LFCECTL;
	for (w = strtok_r(line, " ", &save); w && n <= ARGS_MAX; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	return run(uid, argv, NULL);
}

/* Does jq -e @filter hold for the last output? (-s: @slurp the lines) */
static bool jq_on(const char *text, const char *filter, bool slurp_lines, char *res, size_t size)
{
	char *argv[] = { JQ, slurp_lines ? "-se" : "-e", (char *)filter, NULL };
	char *argv_r[] = { JQ, "-r", (char *)filter, NULL };
	int fd = open(WORK "/in", O_WRONLY | O_CREAT | O_TRUNC, 0644), ret;
	static char keep[OUT_MAX];

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return false;
	close(fd);
	snprintf(keep, sizeof(keep), "%s", out);
	ret = run(0, res ? argv_r : argv, WORK "/in");
	if (res) {
		size_t len = strcspn(out, "\n");

		len = len < size - 1 ? len : size - 1;
		memcpy(res, out, len);
		res[len] = '\0';
	}
	snprintf(out, sizeof(out), "%s", keep);
	return ret == 0;
}

/* The filter holds for the last output; if not, show that output. */
static bool jq(const char *filter)
{
	bool ok = jq_on(out, filter, false, NULL, 0);

	if (!ok)
		t_diag("jq -e '%.200s' fails on: %.600s", filter, out);
	return ok;
}

static void jq_str(const char *filter, char *res, size_t size)
{
	jq_on(out, filter, false, res, size);
}

/* Exit status @want and @word in stdout or stderr. */
static void expect(int got, int want, const char *word, const char *what)
{
	t_ok(got == want && (!word || strstr(out, word) || strstr(err, word)),
	     "%s: exit %d (want %d)%s%s", what, got, want, word ? ", says " : "", word ? word : "");
	if (got != want || (word && !strstr(out, word) && !strstr(err, word)))
		t_diag("stdout: %.300s | stderr: %.300s", out, err);
}

static void setup_dirs(void)
{
	static const uid_t uids[] = { 0, 1001, 1002, 1003 };
	char dir[64];
	size_t i;

	mkdir(WORK, 0755);
	chmod(WORK, 0777);	/* each uid's run writes out and err here */
	for (i = 0; i < ARRAY_SIZE(uids); i++) {
		snprintf(dir, sizeof(dir), WORK "/%u", uids[i]);
		mkdir(dir, 0700);
		if (chown(dir, uids[i], uids[i]))
			t_diag("chown %s failed", dir);
	}
	unlink(WORK "/out");
	unlink(WORK "/err");
}

static void test_version_and_usage(void)
{
	expect(ctl(0, "--version"), 0, "module: ABI 2", "--version");
	t_ok(strstr(out, "lfcectl ") && strstr(out, "liblfce ") && strstr(out, "ABI: 2"),
	     "--version names tool, library, module and ABI");
	expect(ctl(0, "-j version"), 0, NULL, "version -j");
	t_ok(jq(".module_abi == 2 and .abi == 2 and (.lfcectl | type) == \"string\""),
	     "version -j: module_abi and abi are 2");
	expect(ctl(0, "nosuch"), 1, "no object 'nosuch'", "unknown object");
	expect(ctl(0, "-j nosuch"), 1, NULL, "unknown object, -j");
	t_ok(jq(".error | test(\"nosuch\")"), "usage error as {\"error\": ...} on stdout");
	expect(ctl(0, "game show 0"), 1, "not a game id", "game id 0");
	expect(ctl(0, "bet place"), 1, "too few", "bet place without arguments");
	expect(ctl(0, "s"), 1, "ambiguous", "ambiguous abbreviation");
	expect(ctl(0, "bet help"), 0, "bet place", "bet help");
	expect(ctl(0, "-j bet kinds"), 0, NULL, "bet kinds -j");
	t_ok(jq("length == 47 and .[0] == \"pass\" and (index(\"hard8\") != null)"),
	     "bet kinds: 47 names");
	expect(ctl(0, "-j game show 999999"), 2, NULL, "a game that does not exist");
	t_ok(jq(".errno == \"ENOENT\" and (.error | test(\"no such game\"))"),
	     "refusal as {\"error\", \"errno\": \"ENOENT\"}");
}

static void test_create_and_list(void)
{
	expect(ctl(0, "-j game create --seats 4 --max-bet 10000 --reveal-timeout 1h "
		   "--governable all"), 0, NULL, "game create (commit-reveal)");
	jq_str(".game", game, sizeof(game));
	t_ok(!strncmp(game, "0x", 2), "game create -j: the id as a hex string (%s)", game);
	expect(ctl(0, "-j game create --dice host --seats 2"), 0, NULL, "game create (host dice)");
	jq_str(".game", host, sizeof(host));
	expect(ctl(0, "game create --dice loaded"), 1, "bad value", "game create --dice loaded");
	expect(ctl(0, "game create --odds-max 0"), 2, "cannot create", "config refused: exit 2");
	expect(ctl(0, "-j game list"), 0, NULL, "game list -j");
	{
		char f[128];

		snprintf(f, sizeof(f), "any(.[]; .game == \"%s\") and any(.[]; .game == \"%s\")",
			 game, host);
		t_ok(jq(f), "game list -j lists both games");
	}
	expect(ctl(0, "game list"), 0, "version", "game list (text)");
	expect(ctl(0, "-p game show %s", game), 0, "\n  \"version\": 0", "game show -p is indented");
	t_ok(jq(".version == 0 and .config.max_seats == 4 and .config.max_bet == 10000 and "
		".config.dice_mode == \"commit-reveal\" and .conserved and "
		"(.digest | test(\"^0x[0-9a-f]{16}$\")) and (.config.governable | length) == 7"),
	     "game show -j: version 0, the config asked for, digest as hex");
}

static void test_seats(void)
{
	expect(ctl(1001, "-j seat join %s --id alice", game), 0, NULL, "uid 1001 joins");
	t_ok(jq(".seat == 0 and (.id | startswith(\"616c696365\"))"), "seat 0, id alice in hex");
	expect(ctl(1002, "seat join %s --id bob", game), 0, "joined seat 1", "uid 1002 joins");
	expect(ctl(1001, "seat join %s --seat 1", game), 2, "EPERM", "uid 1001 takes bob's seat");
	expect(ctl(1001, "-j seat join %s --seat 1", game), 2, NULL, "... -j");
	t_ok(jq(".errno == \"EPERM\" and .exit == 2"), "... as {\"errno\": \"EPERM\"}");
	expect(ctl(0, "seat deposit %s 0 1000", game), 0, "deposited", "owner deposits to seat 0");
	expect(ctl(0, "seat deposit %s 1 1000", game), 0, "deposited", "owner deposits to seat 1");
	expect(ctl(0, "-j seat deposit %s bank 100000", game), 0, NULL, "owner funds the bank");
	t_ok(jq(".done == \"deposited\" and .version > 0"), "deposit -j: version");
	expect(ctl(1001, "seat deposit %s 0 5", game), 2, "not the owner", "a player deposits");
	expect(ctl(0, "seat withdraw %s 0 5000", game), 2, "seat 0 has 1000, cannot withdraw 5000",
	       "owner withdraws more than there is");
	expect(ctl(0, "seat withdraw %s 0 100", game), 0, "withdrew", "owner withdraws 100");
	expect(ctl(0, "seat deposit %s 9 5", game), 1, "not a seat", "seat 9");
}

static void test_bets(void)
{
	expect(ctl(1001, "bet place %s pass 5000", game), 2, "seat 0 has 900, the bet needs 5000",
	       "a bet beyond the balance");
	expect(ctl(1001, "bet place %s pass 20000", game), 2, "outside the table's limits",
	       "a bet beyond max_bet");
	expect(ctl(1001, "bet place %s place6 7", game), 2, "EINVAL", "place 6 not in 6s");
	t_ok(strstr(err, "6s") != NULL, "... says place bets on 6 go in 6s");
	expect(ctl(1001, "bet place %s pass 10", game), 0, "placed pass 10", "seat 0 bets pass 10");
	expect(ctl(1002, "-j bet place %s dont-pass 10", game), 0, NULL, "seat 1 bets don't pass");
	expect(ctl(1001, "bet place %s place6 12", game), 0, NULL, "seat 0 places the 6 for 12");
	expect(ctl(1001, "bet remove %s place6 6", game), 0, "took back", "takes 6 back");
	expect(ctl(1003, "bet place %s pass 10", game), 2, "holds no seat", "a uid without a seat");
	expect(ctl(0, "-j game show %s", game), 0, NULL, "game show");
	t_ok(jq(".seats[0].bets.pass == 10 and .seats[0].bets.place6 == 6 and "
		".seats[1].bets.dontpass == 10 and .seats[0].balance == 884 and .conserved"),
	     "the bets and balances are as placed");
}

static void test_round(void)
{
	char path[160], round[32];
	struct stat st;

	expect(ctl(1001, "round reveal %s", game), 4, "cannot read the secret", "reveal first");
	expect(ctl(1002, "round close %s", game), 2, NULL, "not the shooter closes");
	expect(ctl(1001, "round close %s", game), 0, "betting closed", "the shooter closes");
	expect(ctl(1001, "bet place %s field 5", game), 2, "commit stage", "a bet in the round");
	expect(ctl(0, "-j game show %s", game), 0, NULL, "game show");
	t_ok(jq(".stage == \"commit\" and .round.participants == 3"), "commit stage, seats 0 and 1");
	jq_str(".round.number", round, sizeof(round));
	expect(ctl(1001, "-j round commit %s", game), 0, NULL, "seat 0 commits");
	snprintf(path, sizeof(path), ".done | test(\"secret in lfce-game%llu-seat0-round%s.secret\")",
		 strtoull(game, NULL, 16), round);
	t_ok(jq(path), "commit names its secret file");
	snprintf(path, sizeof(path), WORK "/1001/lfce-game%llu-seat0-round%s.secret",
		 strtoull(game, NULL, 16), round);
	t_ok(!stat(path, &st) && (st.st_mode & 0777) == 0600 && st.st_uid == 1001,
	     "the secret file %s is the player's, mode 0600", path);
	expect(ctl(1002, "round commit %s --secret-file bob.secret", game), 0, "bob.secret",
	       "seat 1 commits, its secret in a file it names");
	expect(ctl(1002, "round reveal %s", game), 4, "cannot read the secret",
	       "reveal from the wrong file");
	expect(ctl(1001, "round reveal %s", game), 0, "revealed", "seat 0 reveals");
	expect(ctl(1002, "round reveal %s --secret-file bob.secret", game), 0, "revealed",
	       "seat 1 reveals: the dice roll");
	expect(ctl(0, "-j game show %s", game), 0, NULL, "game show");
	t_ok(jq(".rolls == 1 and .stage == \"betting\" and "
		".dice[0] >= 1 and .dice[0] <= 6 and .conserved"), "one roll, round 1, betting again");
	expect(ctl(0, "round expire %s", game), 2, "EPROTO", "expire with no round under way");
	expect(ctl(0, "round roll %s", game), 2, NULL, "host roll in a commit-reveal game");
}

static void test_proposals(void)
{
	char id[32];

	expect(ctl(1001, "-j proposal propose %s transfer 0 1 5", game), 0, NULL,
	       "seat 0 proposes to give seat 1 five");
	jq_str(".proposal", id, sizeof(id));
	t_ok(!strcmp(id, "0x0000000000000001"), "the proposal's id: %s", id);
	expect(ctl(1002, "proposal vote %s 1 for", game), 0, "voted for", "seat 1 votes for");
	expect(ctl(1002, "proposal vote %s 1 for", game), 2, NULL, "seat 1 votes again");
	expect(ctl(1001, "proposal vote %s 1 yes", game), 0, "voted", "seat 0 votes for");
	expect(ctl(1001, "proposal vote %s 1 maybe", game), 1, "for or against", "vote maybe");
	expect(ctl(1001, "proposal propose %s config min-bet 2", game), 0, "proposal 2",
	       "seat 0 proposes min-bet 2");
	expect(ctl(0, "proposal lapse %s 2", game), 2, "EPROTO", "lapse before the deadline");
	expect(ctl(1001, "proposal vote %s 2 for", game), 0, NULL, "seat 0 votes for");
	expect(ctl(1002, "proposal vote %s 2 for", game), 0, NULL, "seat 1 votes for");
	expect(ctl(0, "-j proposal list %s", game), 0, NULL, "proposal list -j");
	t_ok(jq("length == 2 and .[0].state == \"passed\" and .[0].action == \"transfer\" and "
		".[1].state == \"passed\" and .[1].param == \"min-bet\" and .[1].value == 2"),
	     "both passed");
	expect(ctl(0, "-j game show %s", game), 0, NULL, "game show");
	t_ok(jq(".config.min_bet == 2 and .seats[1].balance - .seats[0].balance > 0 and .conserved"),
	     "min_bet is 2, the transfer went through");
	expect(ctl(1001, "proposal propose %s config colour 2", game), 1, "no parameter",
	       "config of an unknown parameter");
}

static void test_host_game(void)
{
	expect(ctl(1003, "seat join %s", host), 0, "joined seat 0", "uid 1003 joins the host game");
	expect(ctl(0, "seat deposit %s 0 100", host), 0, NULL, "deposit");
	expect(ctl(0, "seat deposit %s bank 1000", host), 0, NULL, "bank");
	expect(ctl(1003, "bet place %s field 10", host), 0, NULL, "field 10");
	expect(ctl(1003, "round roll %s", host), 2, "not the owner", "a player rolls");
	expect(ctl(0, "-j round roll %s", host), 0, NULL, "the owner rolls");
	expect(ctl(0, "-j game show %s", host), 0, NULL, "game show");
	t_ok(jq(".rolls == 1 and (.seats[0].bets.field // 0) == 0 and .conserved"),
	     "rolled; the field bet is resolved");
	expect(ctl(1003, "seat leave %s", host), 0, "left", "the player leaves");
	expect(ctl(0, "seat settle %s bank", host), 0, "settled", "owner settles the bank");
	expect(ctl(0, "game close %s", host), 0, "closed", "close the empty game");
	expect(ctl(0, "game show %s", host), 2, "no such game", "a closed game is gone");
}

/* One seat: the electorate is one, so one vote decides; then owner settles, close. */
static void test_agreement_game(void)
{
	char agree[32];

	expect(ctl(0, "-j game create --dice agreement --seats 1"), 0, NULL, "agreement game");
	jq_str(".game", agree, sizeof(agree));
	expect(ctl(1003, "seat join %s", agree), 0, "joined seat 0", "uid 1003 joins");
	expect(ctl(0, "seat deposit %s 0 100", agree), 0, NULL, "deposit");
	expect(ctl(0, "seat deposit %s bank 1000", agree), 0, NULL, "bank");
	expect(ctl(1003, "bet place %s anyseven 4", agree), 0, NULL, "any seven 4");
	expect(ctl(1003, "-j proposal propose %s roll", agree), 0, NULL, "propose a roll");
	t_ok(jq(".proposal == \"0x0000000000000001\""), "proposal 1");
	expect(ctl(1003, "proposal vote %s 1 for", agree), 0, NULL, "the deciding vote");
	expect(ctl(0, "-j game show %s", agree), 0, NULL, "game show");
	t_ok(jq(".rolls == 1 and .proposals[0].state == \"passed\" and "
		"(.seats[0].bets.anyseven // 0) == 0 and .conserved"), "the vote rolled the dice");
	expect(ctl(0, "seat settle %s 0", agree), 0, "settled", "owner settles seat 0");
	expect(ctl(0, "seat settle %s bank", agree), 0, "settled", "owner settles the bank");
	expect(ctl(0, "-j game show %s", agree), 0, NULL, "game show");
	t_ok(jq(".total == 0 and .bank == 0 and .seats[0].balance == 0"), "nothing left in it");
	expect(ctl(0, "journal verify %s", agree), 0, "verify: OK", "verify the agreement game");
	expect(ctl(0, "game close %s", agree), 0, "closed", "close it, no --force needed");
}

static void test_stats_and_journal(void)
{
	char filter[256];

	expect(ctl(0, "-j stats %s", game), 0, NULL, "stats -j");
	t_ok(jq(".commits > 20 and (.retries | length) == 8 and .proposals.passed == 2"),
	     "stats: commits, retries, two proposals passed");
	expect(ctl(0, "stats show %s", game), 0, "commits", "stats show (text)");
	expect(ctl(0, "-j journal dump %s", game), 0, NULL, "journal dump -j");
	t_ok(jq(".first == 0 and (.records | length) > 20 and .records[0].number == 0 and "
		"all(.records[]; .digest | test(\"^0x[0-9a-f]{16}$\")) and "
		"any(.records[]; .op == \"reveal\" and .dice[0] > 0)"),
	     "dump: every record, digests as hex, the roll");
	expect(ctl(0, "journal dump %s", game), 0, "reveal", "journal dump (text)");
	expect(ctl(0, "-j journal follow --from 0 --count 3 %s", game), 0, NULL, "journal follow");
	t_ok(jq_on(out, "length == 3 and .[0].number == 0 and .[2].number == 2", true, NULL, 0),
	     "follow -j: one JSON object per line");
	expect(ctl(0, "journal verify %s --min-bet 1", game), 0, "verify: OK", "verify the game");
	expect(ctl(0, "-j journal verify %s --min-bet 1", game), 0, NULL, "verify -j");
	snprintf(filter, sizeof(filter), ".ok and .chain.ok and .replay.ok and .snapshot.ok "
		 "and .replay.rolls == 1");
	t_ok(jq(filter), "verify -j: chain, replay and snapshot all OK");
	expect(ctl(0, "journal verify %s", game), 0, "verify: OK",
	       "verify without the first config: min-bet 1 -> 2 replays the same");
}

/* Save the journal, verify the copy; alter one BET record in a copy: caught there. */
static void test_planted_divergence(void)
{
	static char buf[OUT_MAX];
	const size_t hdr = 40 + sizeof(struct lfce_snapshot);
	struct lfce_record *r;
	size_t n, i, k = 0;
	char want[192];
	int fd;

	expect(ctl(0, "journal dump -o " WORK "/j.bin %s", game), 0, "saved", "dump -o");
	expect(ctl(0, "journal verify --file " WORK "/j.bin --min-bet 1"), 0, "verify: OK",
	       "verify --file on the saved journal");
	n = slurp(WORK "/j.bin", buf, sizeof(buf));
	if (!t_ok(n > hdr && (n - hdr) % sizeof(*r) == 0, "the dump is a header and whole records"))
		return;
	r = (struct lfce_record *)(buf + hdr);
	for (i = 0; i < (n - hdr) / sizeof(*r); i++)
		if (r[i].op.type == LFCE_OP_BET && r[i].op.u.bet.kind == LFCE_BET_DONT_PASS)
			k = i;
	t_ok(k > 0, "found seat 1's don't pass bet: record %zu", k);
	r[k].op.u.bet.amount = 20;	/* seat 1 bet 20, says the copy */
	fd = open(WORK "/j2.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	t_ok(fd >= 0 && write(fd, buf, n) == (ssize_t)n, "write the altered copy");
	close(fd);
	expect(ctl(0, "journal verify --file " WORK "/j2.bin --min-bet 1"), 3, "verify: FAILED",
	       "verify the altered copy: exit 3");
	snprintf(want, sizeof(want), "BROKEN at record %zu", k);
	t_ok(strstr(out, want) != NULL, "the chain breaks at record %zu", k);
	snprintf(want, sizeof(want), "DIVERGES at record %zu", k);
	t_ok(strstr(out, want) != NULL, "the replay diverges at record %zu", k);
	expect(ctl(0, "-j journal verify --file " WORK "/j2.bin --min-bet 1"), 3, NULL, "... -j");
	snprintf(want, sizeof(want), ".ok == false and .chain.record == %zu and "
		 ".replay.record == %zu and (.replay.why | "
		 "test(\"seat_delta differs: journal -10, replay -20\"))", k, k);
	t_ok(jq(want), "verify -j names record %zu and the field: the seat paid 10, not 20", k);
	expect(ctl(0, "journal verify --file " WORK "/nosuch"), 4, "No such file", "no file");
}

/*
 * journal follow from the last record: it prints that one at once (so it is
 * attached), then blocks; it ends when the game is closed.
 */
static pid_t start_follow(void)
{
	char from[32], *argv[] = { LFCECTL, "-j", "journal", "follow", "--from", from, game, NULL };
	struct stat st;
	pid_t pid;
	int fd;

	expect(ctl(0, "-j game show %s", game), 0, NULL, "game show");
	jq_str(".records - 1", from, sizeof(from));
	pid = fork();
	if (pid == 0) {
		fd = open(WORK "/follow", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(120);
		execv(argv[0], argv);
		_exit(127);
	}
	while (pid > 0 && (stat(WORK "/follow", &st) || !st.st_size) && !waitpid(pid, NULL, WNOHANG))
		usleep(10000);	/* waiting for it to attach: no assertion on the time */
	return pid;
}

static void test_close(void)
{
	static char lines[OUT_MAX];
	int status = -1;
	pid_t pid;

	expect(ctl(1001, "game close %s", game), 2, "not the owner", "a player closes");
	expect(ctl(0, "game close %s", game), 2, "still holds tokens", "close with tokens");
	pid = start_follow();
	expect(ctl(0, "-j game close --force %s", game), 0, NULL, "close --force");
	t_ok(jq(".done == \"closed\" and .forced"), "closed, forced");
	t_ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	     !WEXITSTATUS(status), "journal follow ends when the game is closed");
	slurp(WORK "/follow", lines, sizeof(lines));
	t_ok(jq_on(lines, "length >= 3 and .[-1].op == \"shutdown\" and "
		   "any(.[]; .op == \"settle\" and .seat == \"bank\")", true, NULL, 0),
	     "follow -j saw the forced close: settles, then shutdown, a line each");
	expect(ctl(1001, "bet place %s pass 10", game), 2, "no such game", "bet after close");
}

/*
 * A journal ring of 64 records, lapped: dump says where it starts, verify
 * cannot replay what is gone (exit 4) but checks what is left.
 */
static void test_lapped_journal(void)
{
	char lapped[32];
	int i, ret = t_reload_lfce("journal_records=64 batch_max=10");

	if (!t_ok(!ret, "reload lfce with journal_records=64 (%d)", ret))
		return;
	expect(ctl(0, "-j game create --dice host"), 0, NULL, "a game with a small journal");
	jq_str(".game", lapped, sizeof(lapped));
	for (i = 0, ret = 0; i < 80 && !ret; i++)
		ret = ctl(0, "seat deposit %s bank 1", lapped);
	t_ok(!ret, "80 deposits");
	expect(ctl(0, "-j journal dump %s", lapped), 0, NULL, "dump the lapped journal");
	t_ok(jq(".first > 0 and .first + (.records | length) == 80 and "
		".records[0].number == .first"), "dump starts at the oldest record intact");
	expect(ctl(0, "journal verify %s", lapped), 4, "were overwritten", "verify: cannot replay");
	t_ok(strstr(out, "is intact") != NULL, "... but the chain left is intact");
	expect(ctl(0, "game close --force %s", lapped), 0, "closed", "close it");
	t_ok(!t_reload_lfce(""), "reload lfce with the defaults");
}

int main(void)
{
	if (access(LFCECTL, X_OK))
		t_skip("no " LFCECTL);
	if (access(JQ, X_OK))
		t_skip("no " JQ);
	setup_dirs();
	test_version_and_usage();
	test_create_and_list();
	test_seats();
	test_bets();
	test_round();
	test_proposals();
	test_host_game();
	test_agreement_game();
	test_stats_and_journal();
	test_planted_divergence();
	test_close();
	test_lapped_journal();
	return t_done();
}
