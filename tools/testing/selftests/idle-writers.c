// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: idle handles do not keep a game's nodes from its writers.
 * Each handle keeps its writer, and the nodes in its stash, from one ioctl
 * to the next. With lfce reloaded at pool_cap=64 (the live snapshot, the
 * closing reserve and two stashes), 16 handles each commit once and stay
 * open, idle; one of them then commits 100 times, and every one of them
 * commits again. Blocking handles that waited for the idle handles' nodes
 * would hang here; none may get ENOMEM. The bank ends at the sum of the
 * deposits, and the game still closes. lfce is reloaded with its defaults
 * at the end.
 */
#include <stdint.h>

#include "helpers.h"
#include "liblfce.h"
#include "owner.h"

#define HANDLES		16

static const struct lfce_config config = {
	.min_bet = 1, .max_bet = 10, .odds_max = 1, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 1000000000, .max_seats = 2,
};

/* An owner DEPOSIT of 1 to the bank, retried as a user would. */
static int deposit(int fd)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK };
	uint64_t version;

	op.u.amount.value = 1;
	return t_owner_submit(fd, &op, 1, &version);
}

int main(void)
{
	int fd[HANDLES], i, ret, bad = 0;
	struct lfce_snapshot s;
	uint64_t id, deposits = 0;

	ret = t_reload_lfce("pool_cap=64");
	if (!t_ok(!ret, "reload lfce with pool_cap=64 (%s)", strerror(-ret)))
		return t_done();
	fd[0] = lfce_open(O_RDWR);
	if (fd[0] < 0)
		t_skip("no /dev/lfce");
	if (!t_ok(!lfce_create(fd[0], &config, &id), "create a game"))
		return t_done();
	for (i = 1; i < HANDLES; i++) {
		fd[i] = lfce_open(O_RDWR);
		if (fd[i] < 0 || lfce_attach(fd[i], id))
			return t_ok(0, "open and attach handle %d", i), t_done();
	}

	for (i = 0; i < HANDLES; i++) {
		ret = deposit(fd[i]);
		bad += !!ret;
		deposits += !ret;
	}
	t_ok(!bad, "each of %d handles commits once and stays open", HANDLES);
	for (i = 0, bad = 0; i < 100; i++) {
		ret = deposit(fd[0]);
		bad += !!ret;
		deposits += !ret;
	}
	t_ok(!bad, "one handle then commits 100 times (last: %s)", strerror(-ret));
	for (i = 0, bad = 0; i < HANDLES; i++) {
		ret = deposit(fd[i]);
		bad += !!ret;
		deposits += !ret;
	}
	t_ok(!bad, "and every handle commits again");

	ret = lfce_get(fd[0], &s);
	t_ok(!ret && s.table.bank == deposits && lfce_tokens_conserved(&s),
	     "the bank holds the %llu deposits (%llu), tokens conserved",
	     (unsigned long long)deposits, (unsigned long long)s.table.bank);
	t_ok(!lfce_close_game(fd[0], id, LFCE_CLOSE_FORCE), "the game closes");
	for (i = 0; i < HANDLES; i++)
		close(fd[i]);
	ret = t_reload_lfce("");
	t_ok(!ret, "reload lfce with its defaults (%s)", strerror(-ret));
	return t_done();
}
