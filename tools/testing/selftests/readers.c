// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: journal readers blocked in read(2) while writers commit. Two
 * writer threads deposit, each on its own handle; two reader threads sleep
 * in read(2) and are woken by the publishers. Each reader must see every
 * record in order, or a gap that says how many it lost (at least one,
 * never going back), up to end of file after the game is closed. This is
 * the load that found the wake-up under disabled preemption on PREEMPT_RT
 * (run.sh rt: the kernel must print no splat).
 */
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"
#include "owner.h"

#define WRITERS		2
#define READERS		2
#define COMMITS		2000	/* per writer */

static uint64_t game_id;

struct reader {
	pthread_t t;
	int fd;
	uint64_t seen;		/* records read */
	uint64_t lost;		/* records reported lost */
	uint64_t next;		/* the record number expected next */
	int bad;		/* out of order, bad gap, or an error */
};

static void *writer(void *arg)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK };
	int fd = lfce_open(O_RDWR), i, ret = 0;

	(void)arg;
	op.u.amount.value = 1;
	if (fd < 0 || lfce_attach(fd, game_id))
		return (void *)1;
	/* The next owner nonce each time; EAGAIN and EALREADY are retried. */
	for (i = 0; i < COMMITS && !ret; i++)
		ret = t_owner_submit(fd, &op, 1, NULL);
	close(fd);
	return (void *)(long)(ret != 0);
}

static void check(struct reader *r, const struct lfce_record *rec)
{
	if (rec->number != r->next) {
		r->bad++;
		return;
	}
	if (rec->kind == LFCE_REC_GAP) {
		r->bad += rec->op.nonce < 1;
		r->lost += rec->op.nonce;
		r->next += rec->op.nonce;
		return;
	}
	r->seen++;
	r->next++;
}

static void *reader(void *arg)
{
	static __thread struct lfce_record recs[64];
	struct reader *r = arg;
	ssize_t got, i;

	while ((got = read(r->fd, recs, sizeof(recs))) > 0)
		for (i = 0; i < got / (ssize_t)sizeof(recs[0]); i++)
			check(r, &recs[i]);
	r->bad += got < 0;
	return NULL;
}

int main(void)
{
	struct lfce_config cfg = {
		.min_bet = 1, .max_bet = 100, .odds_max = 1, .field12_pays = 2,
		.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 1, .max_seats = 2,
	};
	struct reader rd[READERS];
	pthread_t w[WRITERS];
	struct lfce_snapshot snap;
	int owner, i, bad = 0;
	void *ret;

	owner = lfce_open(O_RDWR);
	if (owner < 0)
		t_skip("no /dev/lfce");
	if (lfce_create(owner, &cfg, &game_id))
		t_skip("cannot create a game");
	for (i = 0; i < READERS; i++) {
		rd[i] = (struct reader){ .fd = lfce_open(O_RDONLY) };
		if (lfce_attach(rd[i].fd, game_id) ||
		    pthread_create(&rd[i].t, NULL, reader, &rd[i]))
			t_skip("cannot start a reader");
	}
	for (i = 0; i < WRITERS; i++)
		if (pthread_create(&w[i], NULL, writer, NULL))
			t_skip("cannot start a writer");
	for (i = 0; i < WRITERS; i++) {
		pthread_join(w[i], &ret);
		bad += ret != NULL;
	}
	t_ok(!bad, "%d writers committed %d deposits each", WRITERS, COMMITS);
	i = !lfce_close_game(owner, game_id, LFCE_CLOSE_FORCE) && !lfce_get(owner, &snap);
	t_ok(i, "close the game: %llu records", (unsigned long long)snap.table.records);
	for (i = 0; i < READERS; i++) {
		pthread_join(rd[i].t, NULL);
		t_ok(!rd[i].bad && rd[i].next == snap.table.records &&
		     rd[i].seen + rd[i].lost == snap.table.records,
		     "reader %d: %llu records read and %llu reported lost, in order, then EOF",
		     i, (unsigned long long)rd[i].seen, (unsigned long long)rd[i].lost);
		close(rd[i].fd);
	}
	close(owner);
	return t_done();
}
