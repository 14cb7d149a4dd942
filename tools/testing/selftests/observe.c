// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: observability. The lfce:commit tracepoint fires once per
 * commit with the game and version; /sys/kernel/debug/lfce/<id>/stats
 * counts the commits; and the stats ioctl agrees. A proposal's opening and
 * its passing fire lfce:proposal and are counted by outcome in the stats
 * ioctl, the mapped counters and debugfs alike.
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"

#define TRACING	"/sys/kernel/tracing"

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	int ok = fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s);

	if (fd >= 0)
		close(fd);
	return ok;
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, got = 0;

	if (fd < 0)
		return -1;
	while (got < (ssize_t)size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	close(fd);
	return got;
}

/* A one-seat game: the proposal opens, and the one vote passes it. */
static void proposals(int fd, uint64_t id)
{
	static char buf[65536];
	struct lfce_op op = { .type = LFCE_OP_PROPOSE, .seat = 0, .nonce = 2 };
	struct lfce_stats st = { 0 };
	const struct lfce_counters *c;
	char path[128], want[2][128];
	const void *base;
	size_t size;
	int ok;

	op.u.propose.action = LFCE_OP_CONFIG;
	op.u.propose.param = LFCE_PARAM_MAX_BET;
	op.u.propose.value = 20;
	write_file(TRACING "/trace", "");
	write_file(TRACING "/events/lfce/lfce_proposal/enable", "1");
	ok = !lfce_join_retry(fd, 0, 1, NULL, NULL, NULL, 0) && !lfce_submit_retry(fd, &op, 1, NULL, 0);
	op = (struct lfce_op){ .type = LFCE_OP_VOTE, .seat = 0, .nonce = 3 };
	op.u.vote.id = 1;
	op.u.vote.choice = LFCE_VOTE_FOR;
	ok = ok && !lfce_submit_retry(fd, &op, 1, NULL, 0);
	write_file(TRACING "/events/lfce/lfce_proposal/enable", "0");
	t_ok(ok, "join, propose, vote");
	read_file(TRACING "/trace", buf, sizeof(buf));
	snprintf(want[0], sizeof(want[0]), "game=%llu id=1 op=%u state=pending",
		 (unsigned long long)id, LFCE_OP_PROPOSE);
	snprintf(want[1], sizeof(want[1]), "game=%llu id=1 op=%u state=passed",
		 (unsigned long long)id, LFCE_OP_VOTE);
	t_ok(strstr(buf, want[0]) && strstr(buf, want[1]), "the trace has \"%s\" and \"%s\"",
	     want[0], want[1]);
	st.size = sizeof(st);
	t_ok(!lfce_stats(fd, &st) && st.size == LFCE_STATS_SIZE_VER1 &&
	     st.proposals[LFCE_PROP_PENDING] == 1 && st.proposals[LFCE_PROP_PASSED] == 1 &&
	     st.proposals[LFCE_PROP_REJECTED] == 0, "the stats ioctl: 1 opened, 1 passed");
	if (!lfce_map(fd, &base, &size)) {
		c = &((const struct lfce_region *)base)->counters;
		t_ok(__atomic_load_n(&c->proposals[LFCE_PROP_PENDING], __ATOMIC_RELAXED) == 1 &&
		     __atomic_load_n(&c->proposals[LFCE_PROP_PASSED], __ATOMIC_RELAXED) == 1,
		     "the mapped counters agree");
		lfce_unmap(base, size);
	} else {
		t_ok(0, "map the game for its counters");
	}
	snprintf(path, sizeof(path), "/sys/kernel/debug/lfce/%llu/stats", (unsigned long long)id);
	t_ok(read_file(path, buf, sizeof(buf)) > 0 &&
	     strstr(buf, "proposals opened 1 passed 1 rejected 0 expired 0 failed 0\n"),
	     "%s counts them too", path);
}

int main(void)
{
	static char buf[65536];
	const struct lfce_config cfg = {
		.min_bet = 1, .max_bet = 10, .odds_max = 1, .field12_pays = 2,
		.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 1, .max_seats = 2,
		.governable = 1U << LFCE_PARAM_MAX_BET,	/* for the CONFIG proposal */
	};
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK };
	struct lfce_stats st;
	char path[128], want[128];
	const void *base;
	uint64_t id, v;
	size_t size;
	int fd, i;

	fd = lfce_open(O_RDWR);
	if (fd < 0)
		t_skip("no /dev/lfce");
	if (access(TRACING "/events", F_OK))
		mount("tracefs", TRACING, "tracefs", 0, NULL);
	if (access(TRACING "/events/lfce/lfce_commit", F_OK))
		t_skip("no tracefs or no lfce events");
	t_ok(!access(TRACING "/events/lfce/lfce_cas_retry", F_OK) &&
	     !access(TRACING "/events/lfce/lfce_backpressure", F_OK) &&
	     !access(TRACING "/events/lfce/lfce_proposal", F_OK),
	     "lfce:lfce_commit, lfce_cas_retry, lfce_backpressure and lfce_proposal exist");
	t_ok(write_file(TRACING "/trace", "") &&
	     write_file(TRACING "/events/lfce/lfce_commit/enable", "1"), "enable lfce:lfce_commit");

	t_ok(!lfce_create(fd, &cfg, &id), "create a game");
	op.u.amount.value = 5;
	for (i = 0; i < 3; i++) {
		op.nonce = 1 + i;
		lfce_submit_retry(fd, &op, 1, &v, 0);
	}
	write_file(TRACING "/events/lfce/lfce_commit/enable", "0");
	read_file(TRACING "/trace", buf, sizeof(buf));
	snprintf(want, sizeof(want), "game=%llu version=3 ops=1", (unsigned long long)id);
	t_ok(strstr(buf, want) != NULL, "the trace has \"%s\"", want);

	snprintf(path, sizeof(path), "/sys/kernel/debug/lfce/%llu/stats", (unsigned long long)id);
	t_ok(read_file(path, buf, sizeof(buf)) > 0 && strstr(buf, "commits 3\n"),
	     "%s says commits 3", path);
	t_ok(!lfce_stats(fd, &st) && st.commits == 3, "the stats ioctl agrees");
	if (!lfce_map(fd, &base, &size)) {
		const struct lfce_counters *c = &((const struct lfce_region *)base)->counters;
		uint64_t commits = 0;

		for (i = 0; i < 8; i++)
			commits += __atomic_load_n(&c->retries[i], __ATOMIC_RELAXED);
		t_ok(commits == 3, "the mapped counters agree (%llu commits)",
		     (unsigned long long)commits);
		lfce_unmap(base, size);
	} else {
		t_ok(0, "map the game for its counters");
	}
	proposals(fd, id);
	lfce_close_game(fd, id, LFCE_CLOSE_FORCE);
	close(fd);
	t_ok(access(path, F_OK) != 0, "the debugfs directory goes with the game");
	return t_done();
}
