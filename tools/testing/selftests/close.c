// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: a forced close racing writers. Two processes deposit into
 * the bank and a seat as fast as they can while the owner force-closes the
 * game. The close and its settling are one commit, so: every deposit that
 * returned success is in the journal before the close's SHUTDOWN record,
 * which is the last one; the final snapshot holds no token and is closed;
 * the journal's deltas add up to nothing left; and every writer's next
 * operation gets ENODEV.
 */
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"
#include "owner.h"

#define WRITERS		2
#define DEPOSITS	600	/* each, at most: the journal ring keeps them all */

static const struct lfce_config config = {
	.min_bet = 1, .max_bet = 100, .odds_max = 1, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 1000000000, .max_seats = 2,
};

/*
 * Deposit until the game is closed (or DEPOSITS are done, then wait for the
 * close with an operation that is refused while the game is open), and
 * write the number of deposits that succeeded to @out. Exits non-zero on
 * any error but ENODEV (and EAGAIN, which changes nothing and is retried),
 * and on an ENODEV that does not stay.
 */
static int writer(uint64_t game, uint32_t seat, int out, int ready)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = seat };
	struct lfce_op probe = { .type = LFCE_OP_WITHDRAW, .seat = seat };
	int fd = lfce_open(O_RDWR), ret = 0;
	uint32_t done = 0;

	op.u.amount.value = 1 + (seat == LFCE_SEAT_BANK);
	probe.u.amount.value = LFCE_AMOUNT_MAX;		/* ENOSPC while open */
	if (fd < 0 || lfce_attach(fd, game) || write(ready, "r", 1) != 1)
		return 1;
	while (done < DEPOSITS && !(ret = t_owner_submit(fd, &op, 1, NULL)))
		done++;
	while (!ret || ret == -ENOSPC)
		ret = t_owner_submit(fd, &probe, 1, NULL);
	if (ret != -ENODEV || lfce_submit_retry(fd, &op, 1, NULL, 0) != -ENODEV)
		return 1;
	return write(out, &done, sizeof(done)) == sizeof(done) ? 0 : 1;
}

/* Deposits, the SHUTDOWN's place, and the sum of every delta in the journal. */
static void check_journal(const void *base, uint64_t records, uint32_t deposits)
{
	struct lfce_record r = {};
	int64_t delta = 0;
	uint32_t seen = 0;
	uint64_t n, last_type = 0;
	int ok = 1;

	for (n = 0; n < records; n++) {
		if (lfce_journal_record(base, n, &r)) {
			ok = 0;
			break;
		}
		seen += r.op.type == LFCE_OP_DEPOSIT;
		delta += r.seat_delta + r.bank_delta;
		last_type = r.op.type;
	}
	t_ok(ok, "every record of the game is still in the ring");
	t_ok(seen == deposits, "the journal holds every deposit that succeeded (%u of %u)",
	     seen, deposits);
	t_ok(last_type == LFCE_OP_SHUTDOWN, "the close's SHUTDOWN is the last record");
	t_ok(delta == 0, "the journal's deltas add up to nothing left (%lld)", (long long)delta);
}

int main(void)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK };
	uint32_t done, deposits = 0;
	static struct lfce_snapshot s;
	int owner, pipefd[2], readyfd[2], status, bad = 0, i, ret;
	char c;
	pid_t pid[WRITERS];
	const void *base;
	uint64_t game;
	size_t size;

	owner = lfce_open(O_RDWR);
	if (owner < 0)
		t_skip("no /dev/lfce");
	op.u.amount.value = 1000;
	if (pipe(pipefd) || pipe(readyfd) || lfce_create(owner, &config, &game) ||
	    lfce_join_retry(owner, 0, 1, NULL, NULL, NULL, 0) || t_owner_submit(owner, &op, 1, NULL) ||
	    lfce_map(owner, &base, &size))
		t_skip("cannot set up a game");
	deposits = 1;
	for (i = 0; i < WRITERS; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			_exit(writer(game, i ? LFCE_SEAT_BANK : 0, pipefd[1], readyfd[1]));
	}
	/* Every writer attached (after the close, it could not), going, then close. */
	for (i = 0; i < WRITERS; i++)
		if (read(readyfd[0], &c, 1) != 1)
			break;
	while (lfce_snapshot_read(base, &s) == 0 && s.table.records < 50)
		usleep(1000);
	ret = lfce_close_game(owner, game, LFCE_CLOSE_FORCE);
	t_ok(!ret, "forced close while writers deposit: %s", ret ? lfce_strerror(ret) : "ok");
	for (i = 0; i < WRITERS; i++) {
		waitpid(pid[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) ||
		    read(pipefd[0], &done, sizeof(done)) != sizeof(done))
			bad++;
		else
			deposits += done;
	}
	t_ok(!bad, "both writers ended with ENODEV and nothing else (%u deposits)", deposits);
	ret = lfce_snapshot_read(base, &s);
	t_ok(!ret && s.table.total == 0 && s.table.bank == 0 && s.seat[0].balance == 0 &&
	     (s.table.flags & LFCE_TABLE_CLOSED), "the final snapshot is closed and empty");
	t_ok(lfce_tokens_conserved(&s), "and conserved");
	check_journal(base, s.table.records, deposits);
	lfce_unmap(base, size);
	close(owner);
	return t_done();
}
