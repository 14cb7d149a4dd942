// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: four agents, separate processes with separate uids, play
 * commit-reveal rounds, and every roll re-derives from the journal.
 *
 * The shooter closes betting, every participant commits
 * SHA-256(secret || le64(round)) and reveals. The parent re-derives every
 * roll from the journal with its own SHA-256 (OpenSSL) and rejection
 * sampling (commit_reveal.h), checks that each seed opens the commitment
 * published before it, and replays the journal from the start to a snapshot
 * read partway and from there (lfce_engine_restore()) to the kernel's final
 * snapshot, byte for byte, with every record and every roll as the journal
 * has them. Every snapshot anyone reads along the way must conserve tokens.
 */
#include "commit_reveal.h"

#define ROUNDS		8		/* commit-reveal rounds */

/* ROUNDS rounds, then stop at the next betting stage. */
static int rounds_done(const struct agent *a)
{
	return a->s.table.stage == LFCE_STAGE_BETTING && a->s.table.rolls >= ROUNDS;
}

static int play_rounds(struct agent *a)
{
	return play_until(a, rounds_done);
}

static const struct lfce_config rounds_cfg = {
	.min_bet = 1, .max_bet = 1000, .odds_max = 3, .field12_pays = 2,
	.dice_mode = LFCE_DICE_COMMIT_REVEAL, .flags = LFCE_CFG_DISTINCT_UIDS,
	/* Generous: the debug kernel is slow, and a late round is not the point here. */
	.reveal_timeout_ns = 20 * NSEC, .max_seats = SEATS,
};

static const struct lfce_record *last_roll(uint64_t n)
{
	while (n--)
		if (journal[n].dice[0])
			return &journal[n];
	return NULL;
}


static void section_rounds(void)
{
	static struct game g;
	struct roll_check c;
	unsigned int i;
	uint64_t n;

	if (!game_create(&g, "rounds", &rounds_cfg, SEATS))
		return;
	g.mid_rolls = ROUNDS / 2;
	for (i = 0; i < SEATS; i++)
		spawn(&g, i, play_rounds, i & 1 ? 0 : ROLE_PASS, 0);
	wait_agents(&g);
	t_ok(!g.bad && seats_bound(&g), "rounds: %d agents of uids %d.. played %d rounds, exited 0",
	     SEATS, UID0, ROUNDS);
	n = check_game(&g);
	check_rolls(journal, n, &c);
	t_ok(c.closes == ROUNDS && c.rolls == ROUNDS && g.s.table.rolls == ROUNDS &&
	     g.s.round.number == ROUNDS,
	     "rounds: %u rounds closed, %u rolls in the journal, %llu on the table",
	     c.closes, c.rolls, ull(g.s.table.rolls));
	/* SHA-256(le64(round) || reveals in seat order), rejection sampled. */
	t_ok(c.rolls && !c.wrong, "rounds: rolls re-derived: %u by reveal, %u by expiry, %u wrong",
	     c.by_reveal, c.by_expire, c.wrong);
	t_ok(!c.bad_seeds, "rounds: every roll's seed opens the commitment published before it (%u do not)",
	     c.bad_seeds);
	t_ok(c.reveals && !c.bad_reveals, "rounds: each of %u reveals opens its commitment",
	     c.reveals);
	t_ok(last_roll(n) && !memcmp(g.s.table.dice, last_roll(n)->dice, 2),
	     "rounds: the table shows the last roll, %u+%u", g.s.table.dice[0], g.s.table.dice[1]);
	if (sh->moved_on)
		t_diag("rounds: %ld commits or reveals came after their deadline", sh->moved_on);
	game_close(&g);
}

int main(void)
{
	agents_start();
	section_rounds();
	return agents_end();
}
