// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: nothing hangs at the global node cap. With lfce reloaded at
 * nodes_cap=100, an unprivileged uid fills the cap with games: CREATE then
 * fails with ENOMEM; a DEPOSIT or a JOIN on a game with nothing of its own
 * to reclaim gets ENOMEM (EAGAIN on an O_NONBLOCK handle) and changes
 * nothing; a game with retired nodes of its own waits for them and
 * commits; SIGKILL ends a writer looping at the cap; every game closes
 * (the closing commit needs no new node), after which CREATE works again.
 * Then, at nodes_cap=150 and nodes_per_uid=75, one uid creates games until
 * its own budget is spent (ENOMEM) and another uid still creates, joins and
 * deposits: one uid cannot starve the others. lfce is reloaded with its
 * defaults at the end.
 */
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "helpers.h"
#include "liblfce.h"

#define UID		4343
#define MAX		16

static const struct lfce_config config = {
	.min_bet = 1, .max_bet = 10, .odds_max = 1, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 1000000000, .max_seats = 2,
};

/* One owner DEPOSIT, with the game's next owner nonce: no retry. */
static int deposit(int fd, uint32_t seat, uint64_t value)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = seat };
	static struct lfce_snapshot s;
	int ret = lfce_get(fd, &s);

	if (ret)
		return ret;
	op.nonce = s.table.owner_nonce + 1;
	op.u.amount.value = value;
	return lfce_submit(fd, &op, 1, NULL);
}

static int same(int fd, const struct lfce_snapshot *before)
{
	static struct lfce_snapshot now;

	return !lfce_get(fd, &now) && !memcmp(before, &now, sizeof(now));
}

/* A writer that never stops: DEPOSIT after DEPOSIT on game @id. */
static void __attribute__((noreturn)) write_forever(uint64_t id)
{
	int fd = lfce_open(O_RDWR);

	if (fd < 0 || lfce_attach(fd, id))
		_exit(1);
	for (;;)
		deposit(fd, LFCE_SEAT_BANK, 1);
}

static void sigkill_ends_writer(uint64_t id)
{
	struct timespec pause = { .tv_nsec = 200 * 1000000L };
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		write_forever(id);
	nanosleep(&pause, NULL);	/* let it reach the cap; not a timed assertion */
	kill(pid, SIGKILL);
	t_ok(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	     WTERMSIG(status) == SIGKILL, "SIGKILL ends a writer at the cap");
}

static void at_cap(void *unused __attribute__((unused)))
{
	static struct lfce_snapshot before;
	uint64_t ids[MAX], id, own;
	int fds[MAX], n, i, nb, ret = 0, closed = 0;
	struct lfce_op op;

	/* A game with commits behind it: its retired nodes are its own. */
	fds[0] = lfce_open(O_RDWR);
	t_ok(!lfce_create(fds[0], &config, &ids[0]) && !deposit(fds[0], LFCE_SEAT_BANK, 100),
	     "a game with a deposit");
	own = ids[0];
	for (n = 1; n < MAX; n++) {
		fds[n] = lfce_open(O_RDWR);
		ret = lfce_create(fds[n], &config, &ids[n]);
		if (ret) {
			close(fds[n]);
			break;
		}
	}
	t_ok(ret == -ENOMEM && n > 1, "CREATE at the node cap: ENOMEM after %d games (%s)", n,
	     lfce_strerror(ret));

	/* The last game has nothing to reclaim: it fails at once. */
	id = ids[n - 1];
	lfce_get(fds[n - 1], &before);
	ret = deposit(fds[n - 1], LFCE_SEAT_BANK, 5);
	t_ok(ret == -ENOMEM && same(fds[n - 1], &before), "DEPOSIT at the cap: ENOMEM (%s), no change",
	     lfce_strerror(ret));
	ret = lfce_join(fds[n - 1], LFCE_SEAT_ANY, 1, NULL, NULL, NULL);
	t_ok(ret == -ENOMEM && same(fds[n - 1], &before), "JOIN at the cap: ENOMEM (%s), no change",
	     lfce_strerror(ret));
	nb = lfce_open(O_RDWR | O_NONBLOCK);
	lfce_attach(nb, id);
	ret = deposit(nb, LFCE_SEAT_BANK, 5);
	t_ok(ret == -EAGAIN && same(nb, &before), "nonblocking DEPOSIT: EAGAIN (%s), no change",
	     lfce_strerror(ret));
	ret = lfce_join(nb, LFCE_SEAT_ANY, 1, NULL, NULL, NULL);
	t_ok(ret == -EAGAIN && same(nb, &before), "nonblocking JOIN: EAGAIN (%s), no change",
	     lfce_strerror(ret));
	/* liblfce's resubmission gives up after its tries, and it changed nothing either. */
	op = (struct lfce_op){ .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK,
			       .nonce = before.table.owner_nonce + 1, .u.amount.value = 5 };
	ret = lfce_submit_retry(nb, &op, 1, NULL, 3);
	t_ok(ret == -EAGAIN && same(nb, &before), "lfce_submit_retry(3 tries): EAGAIN (%s), no change",
	     lfce_strerror(ret));
	ret = lfce_join_retry(nb, LFCE_SEAT_ANY, 1, NULL, NULL, NULL, 3);
	t_ok(ret == -EAGAIN && same(nb, &before), "lfce_join_retry(3 tries): EAGAIN (%s), no change",
	     lfce_strerror(ret));
	close(nb);

	/* The first game recycles its own nodes, waiting for grace periods. */
	for (i = 0, ret = 0; i < 100 && !ret; i++)
		ret = deposit(fds[0], LFCE_SEAT_BANK, 1);
	t_ok(!ret, "a game with retired nodes commits at the cap, 100 times (%s)",
	     lfce_strerror(ret));
	sigkill_ends_writer(own);

	for (i = 0; i < n; i++) {
		closed += !lfce_close_game(fds[i], ids[i], LFCE_CLOSE_FORCE);
		close(fds[i]);
	}
	t_ok(closed == n, "all %d games close at the cap", n);
	fds[0] = lfce_open(O_RDWR);
	ret = lfce_create(fds[0], &config, &id);
	t_ok(!ret && !lfce_close_game(fds[0], id, 0), "then CREATE works again (%s)",
	     lfce_strerror(ret));
	close(fds[0]);
}

/* One uid takes every node its budget allows, and keeps its games. */
static void hog(void *unused __attribute__((unused)))
{
	uint64_t id;
	int fd, n, ret = 0;

	for (n = 0; n < MAX && !ret; n++) {
		fd = lfce_open(O_RDWR);
		ret = lfce_create(fd, &config, &id) ?: deposit(fd, LFCE_SEAT_BANK, 10);
		close(fd);	/* the game stays: it is listed and owned */
	}
	t_ok(ret == -ENOMEM, "uid %u: CREATE at its own node budget: ENOMEM after %d games (%s)",
	     UID, n - 1, lfce_strerror(ret));
}

/* Another uid is not starved by it. */
static void other(void *unused __attribute__((unused)))
{
	int fd = lfce_open(O_RDWR), ret;
	uint64_t id;

	ret = lfce_create(fd, &config, &id) ?: lfce_join_retry(fd, 0, 1, NULL, NULL, NULL, 0) ?:
	      deposit(fd, 0, 10) ?: deposit(fd, LFCE_SEAT_BANK, 10);
	t_ok(!ret, "uid %u still creates a game, joins and deposits (%s)", UID + 1,
	     lfce_strerror(ret));
	t_ok(!lfce_close_game(fd, id, LFCE_CLOSE_FORCE), "and closes it");
	close(fd);
}

int main(void)
{
	int ret;

	ret = t_reload_lfce("nodes_cap=100 pool_cap=64 nodes_per_uid=100");
	if (!t_ok(!ret, "reload lfce with nodes_cap=100 pool_cap=64 (%s)", strerror(-ret)))
		return t_done();
	t_as_uid(UID, at_cap, NULL);
	/* Without a budget per uid, the first would take all 150 nodes. */
	ret = t_reload_lfce("nodes_cap=150 pool_cap=64 nodes_per_uid=75");
	if (!t_ok(!ret, "reload lfce with nodes_cap=150 nodes_per_uid=75 (%s)", strerror(-ret)))
		return t_done();
	t_as_uid(UID, hog, NULL);
	t_as_uid(UID + 1, other, NULL);
	ret = t_reload_lfce("");
	t_ok(!ret, "reload lfce with its defaults (%s)", strerror(-ret));
	return t_done();
}
