// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: lifetimes. rmmod is refused while a handle or a mapping is
 * alive; a mapping stays readable after its handle and its game are gone;
 * the games limit gives EMFILE; 1000 games created and closed leave no game
 * behind (and, on the debug kernel, no leak: init checks kmemleak after the
 * final rmmod); two CREATEs racing on one fresh handle make one game, and
 * the loser gets EISCONN.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"

static const struct lfce_config config = {
	.min_bet = 1, .max_bet = 10, .odds_max = 1, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 1, .max_seats = 2,
};

static int rmmod_refused(void)
{
	long ret = syscall(SYS_delete_module, "lfce", O_NONBLOCK);

	return ret == -1 && (errno == EWOULDBLOCK || errno == EBUSY);
}

static uint64_t games(int fd)
{
	uint64_t total = 0;
	uint32_t n = 0;

	return lfce_list(fd, 0, NULL, &n, &total) ? UINT64_MAX : total;
}

/* Create games until the module says EMFILE, then close them all. */
static void games_limit(int ctl, uint64_t base_games)
{
	static uint64_t ids[65536];
	int n = 0, ret = 0, fd, closed = 0, i;

	while (n < 65536) {
		fd = lfce_open(O_RDWR);
		ret = lfce_create(fd, &config, &ids[n]);
		close(fd);	/* the game stays: closing a handle closes no game */
		if (ret)
			break;
		n++;
	}
	t_ok(ret == -EMFILE && games(ctl) == base_games + n, "EMFILE after %d more games", n);
	for (i = 0; i < n; i++)
		closed += !lfce_close_game(ctl, ids[i], 0);
	t_ok(closed == n && games(ctl) == base_games, "and all %d closed again", n);
}

struct racer {
	int fd;
	pthread_barrier_t *go;
	uint64_t id;
	int ret;
};

static void *create_racer(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->go);
	r->ret = lfce_create(r->fd, &config, &r->id);
	return NULL;
}

#define RACES	20

/* Two threads CREATE on one fresh handle: one game, one EISCONN, no leak. */
static void create_race(int ctl)
{
	uint64_t before = games(ctl);
	int i, ok = 0, made = 0;

	for (i = 0; i < RACES; i++) {
		pthread_barrier_t go;
		struct racer r[2];
		pthread_t t[2];
		int fd = lfce_open(O_RDWR), j, won = 0, lost = 0;

		pthread_barrier_init(&go, NULL, 2);
		for (j = 0; j < 2; j++) {
			r[j] = (struct racer){ .fd = fd, .go = &go };
			pthread_create(&t[j], NULL, create_racer, &r[j]);
		}
		for (j = 0; j < 2; j++) {
			pthread_join(t[j], NULL);
			won += !r[j].ret;
			lost += r[j].ret == -EISCONN;
		}
		pthread_barrier_destroy(&go);
		ok += won == 1 && lost == 1;
		made += won;
		for (j = 0; j < 2; j++)
			if (!r[j].ret)
				lfce_close_game(ctl, r[j].id, 0);
		close(fd);
	}
	t_ok(ok == RACES, "%d of %d racing CREATE pairs: one game and one EISCONN", ok, RACES);
	t_ok(games(ctl) == before, "no game left behind (%llu listed, %llu before, %d made)",
	     (unsigned long long)games(ctl), (unsigned long long)before, made);
}

int main(void)
{
	static struct lfce_snapshot s;
	const struct lfce_region *r;
	const void *base;
	uint64_t id, base_games;
	uint32_t i, ok = 0;
	size_t size;
	int fd, ctl;

	ctl = lfce_open(O_RDWR);
	if (ctl < 0)
		t_skip("no /dev/lfce");
	t_ok(rmmod_refused(), "rmmod refused while a handle is open");

	fd = lfce_open(O_RDWR);
	t_ok(!lfce_create(fd, &config, &id) && !lfce_map(fd, &base, &size), "a game, mapped");
	close(fd);
	t_ok(!lfce_close_game(ctl, id, 0), "close the game (it holds no tokens)");
	close(ctl);
	t_ok(rmmod_refused(), "rmmod refused while only a mapping is left");
	r = base;
	/* Closing is a commit of its own: version 1, the table closed. */
	t_ok(r->magic == LFCE_REGION_MAGIC && r->game_id == id && r->pub_ver == 1 &&
	     !lfce_snapshot_read(base, &s) && (s.table.flags & LFCE_TABLE_CLOSED),
	     "the mapping outlives its handle and its game, and shows it closed");
	lfce_unmap(base, size);

	ctl = lfce_open(O_RDWR);
	base_games = games(ctl);
	for (i = 0; i < 1000; i++) {
		fd = lfce_open(O_RDWR);
		ok += !lfce_create(fd, &config, &id) && !lfce_close_game(fd, id, 0);
		close(fd);
	}
	t_ok(ok == 1000 && games(ctl) == base_games, "1000 games created and closed, none left");
	games_limit(ctl, base_games);
	create_race(ctl);
	close(ctl);
	return t_done();
}
