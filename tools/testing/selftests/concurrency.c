// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: writer processes commit through ioctl while reader threads
 * spin on the mapping. Every snapshot a reader copies must be conserved,
 * never older than its last, and carry the digest of the journal record
 * that ended its version (a torn copy would not). Afterwards the journal,
 * read back with read(2), must chain, and replayed through the userspace
 * build of the engine (the module's own rules.c, snapshot.c, engine.c and
 * publish.c) it must reproduce the kernel's final snapshot byte for byte.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"
#include "owner.h"
#include "../userspace/replay.h"
#include "shim.h"

#define WRITERS		3
#define READERS		2
#define ITERS		400
#define MAX_RECORDS	4096

static const void *base;
static int stop, reader_failures, reader_checks;
static struct lfce_record journal[MAX_RECORDS];

static const struct lfce_config config = {
	.min_bet = 1, .max_bet = 1000, .odds_max = 3, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 1000000000,
	.max_seats = 4,
};

static void *reader(void *arg)
{
	struct lfce_snapshot *s = malloc(sizeof(*s));
	struct lfce_record r;
	uint64_t last = 0;

	(void)arg;
	while (s && !__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		if (lfce_snapshot_read(base, s))
			continue;
		if (!lfce_tokens_conserved(s) || s->table.version < last)
			__atomic_add_fetch(&reader_failures, 1, __ATOMIC_RELAXED);
		last = s->table.version;
		if (s->table.records &&
		    !lfce_journal_record(base, s->table.records - 1, &r)) {
			if (r.version != s->table.version || r.digest != s->table.digest)
				__atomic_add_fetch(&reader_failures, 1, __ATOMIC_RELAXED);
			__atomic_add_fetch(&reader_checks, 1, __ATOMIC_RELAXED);
		}
	}
	free(s);
	return NULL;
}

static const uint32_t kinds[] = {
	LFCE_BET_FIELD, LFCE_BET_PLACE_6, LFCE_BET_HARD_8, LFCE_BET_ANY_SEVEN,
};

/* A player process: random bets and removals, single and batched. */
static int player(uint64_t game, uint32_t seat, unsigned int seed)
{
	struct lfce_op ops[2];
	uint64_t nonce = 100;
	int fd = lfce_open(O_RDWR), i, k, n, ret;

	struct lfce_op dep = { .type = LFCE_OP_DEPOSIT, .seat = seat };

	dep.u.amount.value = 10000;
	/* root owns the game, so a player may fund its own seat. */
	if (fd < 0 || lfce_attach(fd, game) || lfce_join(fd, seat, 1, NULL, NULL, NULL) ||
	    t_owner_submit(fd, &dep, 1, NULL))
		return 10;
	for (i = 0; i < ITERS; i++) {
		n = 1 + (rand_r(&seed) & 1);
		for (k = 0; k < n; k++) {
			ops[k] = (struct lfce_op){ .seat = seat, .nonce = ++nonce,
				.type = rand_r(&seed) & 1 ? LFCE_OP_UNBET : LFCE_OP_BET };
			ops[k].u.bet.kind = kinds[rand_r(&seed) % 4];
			/* Whole units of every kind (place 6 pays in sixes). */
			ops[k].u.bet.amount = 6 * (1 + rand_r(&seed) % 9);
		}
		/* EAGAIN changed nothing: again, with the same nonces */
		ret = lfce_submit_retry(fd, ops, n, NULL, 0);
		if (ret && ret != -EINVAL && ret != -EPROTO && ret != -ENOSPC)
			return 11;
	}
	return 0;
}

/* The owner rolls host dice meanwhile: the replay must find the same dice. */
static int roller(uint64_t game)
{
	struct lfce_op op = { .type = LFCE_OP_ROLL, .seat = LFCE_SEAT_BANK };
	int fd = lfce_open(O_RDWR), i;

	if (fd < 0 || lfce_attach(fd, game))
		return 20;
	for (i = 0; i < ITERS / 4; i++) {
		int ret;

		ret = t_owner_submit(fd, &op, 1, NULL);	/* EAGAIN: again */
		if (ret)
			return 21;
	}
	return 0;
}

/* Read the whole journal back through read(2). */
static int read_journal(uint64_t game, uint64_t records)
{
	int fd = lfce_open(O_RDONLY);
	uint64_t n = 0;
	ssize_t got;

	if (fd < 0 || lfce_attach(fd, game))
		return -1;
	while (n < records &&
	       (got = read(fd, journal + n, (records - n) * sizeof(journal[0]))) > 0)
		n += got / sizeof(journal[0]);
	close(fd);
	return n == records ? 0 : -1;
}

int main(void)
{
	struct lfce_snapshot *final = malloc(sizeof(*final));
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK };
	pthread_t readers[READERS];
	int owner, i, status, bad = 0, ret;
	pid_t pids[WRITERS + 1];
	uint64_t game;
	size_t size;

	shim_rcu_register_thread();
	owner = lfce_open(O_RDWR);
	if (owner < 0)
		t_skip("no /dev/lfce");
	op.u.amount.value = 1000000;
	if (lfce_create(owner, &config, &game) || t_owner_submit(owner, &op, 1, NULL) ||
	    lfce_map(owner, &base, &size))
		t_skip("cannot set up a game");
	/* Readers first, reading, so that they overlap the writers whatever the scheduler does. */
	for (i = 0; i < READERS; i++)
		pthread_create(&readers[i], NULL, reader, NULL);
	while (__atomic_load_n(&reader_checks, __ATOMIC_RELAXED) < READERS)
		sched_yield();
	for (i = 0; i <= WRITERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(i < WRITERS ? player(game, i, 1234 + i) : roller(game));
	}
	for (i = 0; i <= WRITERS; i++) {
		waitpid(pids[i], &status, 0);
		bad += !WIFEXITED(status) || WEXITSTATUS(status);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < READERS; i++)
		pthread_join(readers[i], NULL);
	t_ok(!bad, "%d player processes, %d operations each, and %d host rolls", WRITERS, ITERS,
	     ITERS / 4);
	t_ok(!reader_failures && reader_checks > 0,
	     "readers: %d snapshot/journal checks, %d failures", reader_checks, reader_failures);

	ret = final ? lfce_get(owner, final) : -ENOMEM;
	t_ok(!ret && final->table.records <= MAX_RECORDS && final->table.rolls == ITERS / 4,
	     "final snapshot: version %llu, %llu records",
	     (unsigned long long)final->table.version, (unsigned long long)final->table.records);
	t_ok(!read_journal(game, final->table.records), "the journal read back with read(2)");
	t_ok(replay_chain_holds(journal, final->table.records, NULL, final),
	     "digest chain and versions hold");
	t_ok(replay_matches(&config, NULL, journal, final->table.records, final, NULL),
	     "replay through the userspace engine reproduces the final snapshot");
	lfce_close_game(owner, game, LFCE_CLOSE_FORCE);
	lfce_unmap(base, size);
	close(owner);
	shim_rcu_unregister_thread();
	return t_done();
}
