// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: observability. The lfce:commit tracepoint fires once per
 * commit with the game and version; /sys/kernel/debug/lfce/<id>/stats
 * counts the commits; and the stats ioctl agrees.
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

int main(void)
{
	static char buf[65536];
	const struct lfce_config cfg = {
		.min_bet = 1, .max_bet = 10, .odds_max = 1, .field12_pays = 2,
		.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 1, .max_seats = 2,
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
	     !access(TRACING "/events/lfce/lfce_backpressure", F_OK),
	     "lfce:lfce_commit, lfce_cas_retry and lfce_backpressure exist");
	t_ok(write_file(TRACING "/trace", "") &&
	     write_file(TRACING "/events/lfce/lfce_commit/enable", "1"), "enable lfce:lfce_commit");

	t_ok(!lfce_create(fd, &cfg, &id), "create a game");
	op.u.amount.value = 5;
	for (i = 0; i < 3; i++)
		lfce_submit(fd, &op, 1, &v);
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
	lfce_close_game(fd, id, LFCE_CLOSE_FORCE);
	close(fd);
	t_ok(access(path, F_OK) != 0, "the debugfs directory goes with the game");
	return t_done();
}
