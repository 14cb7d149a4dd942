// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: make soak: the module under a long, mixed load in the stock
 * VM, for lfce.soak_minutes (default 10). Four games with host dice; six
 * players, each its own uid, joining, betting, taking bets down and leaving
 * again; the owner rolling, topping up seats, and every minute force-closing
 * one game while it is watched and creating another; two monitors mapping
 * and unmapping games and checking every snapshot they copy; a consumer
 * following each game's journal through the mapping. Once a minute a line:
 * commits, Slab and VmallocUsed from /proc/meminfo, the nodes all games
 * hold, the retired nodes waiting.
 *
 * Passes when every snapshot read conserved tokens with versions that never
 * went back, every journal record followed its predecessor (or a gap was
 * reported), memory after the first minute stayed flat (within 4 MiB), and
 * once every game is closed and unmapped no node is left. run.sh fails the
 * run on any kernel report on the console.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

#include "../helpers.h"
#include "liblfce.h"
#include "../owner.h"

#define GAMES		4
#define PLAYERS		6
#define MONITORS	2
#define UID0		2100
#define FLAT_BYTES	(4ULL << 20)

static const struct lfce_config config = {
	.min_bet = 1, .max_bet = 1000, .odds_max = 3, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 30000000000ULL,
	.max_seats = LFCE_MAX_SEATS,
};

/* Shared with every child: the games in play, the stop flag, the findings. */
struct shared {
	volatile int stop;
	uint64_t game[GAMES];			/* 0 while being replaced */
	long snapshots, unconserved, backwards;	/* monitors */
	long records, gaps, out_of_order;	/* the consumer */
	long bets, joins, leaves;		/* players */
};

static struct shared *sh;

static void add(long *v, long n)
{
	__atomic_add_fetch(v, n, __ATOMIC_RELAXED);
}

static uint64_t game_at(unsigned int i)
{
	return __atomic_load_n(&sh->game[i % GAMES], __ATOMIC_ACQUIRE);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A field or pass bet of 1, then taken down or left to the dice. */
static void play(int fd, uint32_t seat, uint64_t *nonce, unsigned int n)
{
	struct lfce_op op = { .type = LFCE_OP_BET, .seat = seat };
	uint64_t v;
	int ret;

	op.u.bet.kind = n & 1 ? LFCE_BET_FIELD : LFCE_BET_PLACE_6;
	op.u.bet.amount = n & 1 ? 1 : 6;
	op.nonce = ++*nonce;
	ret = lfce_submit_retry(fd, &op, 1, &v, 0);
	if (ret)
		return;		/* no balance, the dice are rolling, the game closed */
	add(&sh->bets, 1);
	if (n % 3 == 0 && op.u.bet.kind == LFCE_BET_PLACE_6) {
		op.type = LFCE_OP_UNBET;
		op.nonce = ++*nonce;
		lfce_submit_retry(fd, &op, 1, &v, 0);
	}
}

/*
 * A seat keeps the nonce of whoever held it last, and a JOIN must exceed
 * it: a player's next nonce is above every seat's of the game.
 */
static uint64_t next_nonce(int fd, uint64_t nonce)
{
	static struct lfce_snapshot s;
	unsigned int i;

	if (!lfce_get(fd, &s))
		for (i = 0; i < LFCE_MAX_SEATS; i++)
			if (s.seat[i].nonce > nonce)
				nonce = s.seat[i].nonce;
	return nonce + 1;
}

/* A player: joins a game, plays a while, leaves, and again, until told. */
static void player(unsigned int me)
{
	struct lfce_op leave = { .type = LFCE_OP_LEAVE };
	unsigned int n = 0, i;
	uint8_t id[32] = { 0 };
	uint64_t v, nonce = 0;
	uint32_t seat;
	int fd;

	if (t_become(UID0 + me))	/* its groups: lfce, for the device */
		_exit(1);
	snprintf((char *)id, sizeof(id), "soak-%u", me);
	while (!sh->stop) {
		fd = lfce_open(O_RDWR);
		if (fd < 0)
			_exit(1);
		if (lfce_attach(fd, game_at(me + n)) ||
		    lfce_join(fd, LFCE_SEAT_ANY, nonce = next_nonce(fd, nonce), id, &seat, &v)) {
			close(fd);
			usleep(10000);
			n++;
			continue;
		}
		add(&sh->joins, 1);
		for (i = 0; i < 200 && !sh->stop; i++)
			play(fd, seat, &nonce, n++);
		leave.seat = seat;
		leave.nonce = ++nonce;
		while (lfce_submit(fd, &leave, 1, &v) == -EAGAIN)
			;
		add(&sh->leaves, 1);
		close(fd);
	}
	_exit(0);
}

/* A monitor: maps a game, checks every snapshot it copies, unmaps. */
static void monitor(unsigned int me)
{
	struct lfce_snapshot s;
	uint64_t last = 0;
	const void *base;
	unsigned int n = 0, i;
	size_t size;
	int fd;

	while (!sh->stop) {
		fd = lfce_open(O_RDONLY);
		if (fd < 0)
			_exit(1);
		if (lfce_attach(fd, game_at(me + n++)) || lfce_map(fd, &base, &size)) {
			close(fd);
			usleep(10000);
			continue;
		}
		close(fd);	/* the mapping keeps the game */
		for (i = 0, last = 0; i < 2000 && !sh->stop; i++) {
			if (lfce_snapshot_read(base, &s))
				continue;
			add(&sh->snapshots, 1);
			if (!lfce_tokens_conserved(&s))
				add(&sh->unconserved, 1);
			if (s.table.version < last)
				add(&sh->backwards, 1);
			last = s.table.version;
		}
		lfce_unmap(base, size);
	}
	_exit(0);
}

/* The consumer: follows one game's journal after another, in order. */
static void consumer(void)
{
	struct lfce_record r;
	uint64_t cursor, expect;
	unsigned int n = 0;
	const void *base;
	size_t size;
	double until;
	int fd;

	while (!sh->stop) {
		fd = lfce_open(O_RDONLY);
		if (fd < 0)
			_exit(1);
		if (lfce_attach(fd, game_at(n++)) || lfce_map(fd, &base, &size)) {
			close(fd);
			usleep(10000);
			continue;
		}
		close(fd);
		cursor = expect = 0;
		for (until = now_s() + 5; now_s() < until && !sh->stop;) {
			if (lfce_journal_next(base, &cursor, &r)) {
				usleep(1000);
				continue;
			}
			if (r.kind == LFCE_REC_GAP) {
				add(&sh->gaps, 1);
				expect = cursor;
				continue;
			}
			add(&sh->records, 1);
			if (r.number != expect)
				add(&sh->out_of_order, 1);
			expect = r.number + 1;
		}
		lfce_unmap(base, size);
	}
	_exit(0);
}

/* The owner's handle on game @i: a new game, funded. */
static int new_game(unsigned int i, int *fd)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK };
	uint64_t id, v;

	*fd = lfce_open(O_RDWR);
	if (*fd < 0 || lfce_create(*fd, &config, &id))
		return -1;
	op.u.amount.value = 1000000000;
	if (t_owner_submit(*fd, &op, 1, &v))
		return -1;
	__atomic_store_n(&sh->game[i], id, __ATOMIC_RELEASE);
	return 0;
}

/* Roll, and top up every bound seat that runs low. */
static int owner_round(int fd)
{
	struct lfce_op op = { .type = LFCE_OP_ROLL, .seat = LFCE_SEAT_BANK };
	static struct lfce_snapshot s;
	unsigned int i;
	uint64_t v;
	int ret;

	ret = t_owner_submit(fd, &op, 1, &v);
	if (ret || lfce_get(fd, &s))
		return ret ?: -1;
	for (i = 0; i < LFCE_MAX_SEATS; i++) {
		if (!(s.seat[i].flags & LFCE_SEAT_BOUND) || s.seat[i].balance >= 100)
			continue;
		op = (struct lfce_op){ .type = LFCE_OP_DEPOSIT, .seat = i };
		op.u.amount.value = 1000;
		ret = t_owner_submit(fd, &op, 1, &v);
		if (ret && ret != -ENOENT)	/* it left meanwhile */
			return ret;
	}
	return 0;
}

/* Slab + VmallocUsed, in bytes. */
static uint64_t kernel_memory(uint64_t *slab, uint64_t *vmalloc)
{
	char line[128];
	unsigned long long kb;
	FILE *f = fopen("/proc/meminfo", "r");

	*slab = *vmalloc = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Slab: %llu kB", &kb) == 1)
			*slab = kb << 10;
		else if (sscanf(line, "VmallocUsed: %llu kB", &kb) == 1)
			*vmalloc = kb << 10;
	}
	if (f)
		fclose(f);
	return *slab + *vmalloc;
}

static long debugfs_number(const char *path, const char *key)
{
	char line[256];
	long v = 0, sum = 0;
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (!key && sscanf(line, "%ld", &v) == 1)
			sum += v;
		else if (key && !strncmp(line, key, strlen(key)) &&
			 sscanf(line + strlen(key), " %ld", &v) == 1)
			sum += v;
	}
	if (f)
		fclose(f);
	return sum;
}

/* Commits and retired nodes of the games in play, from their stats files. */
static void game_figures(long *commits, long *retired)
{
	char path[96];
	unsigned int i;

	*commits = *retired = 0;
	for (i = 0; i < GAMES; i++) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/lfce/%llu/stats",
			 (unsigned long long)game_at(i));
		*commits += debugfs_number(path, "commits");
		*retired += debugfs_number(path, "retired");
	}
}

static void minute_line(unsigned int minute, uint64_t *mem)
{
	uint64_t slab, vmalloc;
	long commits, retired;

	*mem = kernel_memory(&slab, &vmalloc);
	game_figures(&commits, &retired);
	t_diag("minute %u: commits %ld (games in play), slab %llu KiB, vmalloc %llu KiB, nodes %ld, retired %ld; bets %ld, joins %ld, snapshots %ld, records %ld",
	       minute, commits, (unsigned long long)slab >> 10,
	       (unsigned long long)vmalloc >> 10,
	       debugfs_number("/sys/kernel/debug/lfce/nodes", NULL), retired,
	       sh->bets, sh->joins, sh->snapshots, sh->records);
}

static unsigned int soak_minutes(void)
{
	char line[1024], *p;
	unsigned int m = 10;
	FILE *f = fopen("/proc/cmdline", "r");

	if (f && fgets(line, sizeof(line), f)) {
		p = strstr(line, "lfce.soak_minutes=");
		if (p)
			m = atoi(p + 18);
	}
	if (f)
		fclose(f);
	return m ? m : 1;
}

static void spawn(void (*fn)(unsigned int), unsigned int arg)
{
	if (fork() == 0)
		fn(arg);
}

static void consumer_main(unsigned int unused)
{
	(void)unused;
	consumer();
}

int main(void)
{
	unsigned int minutes = soak_minutes(), minute = 0, i, replaced = 0;
	int fd[GAMES], status, ok = 1, rounds_ok = 1;
	uint64_t warm = 0, mem = 0;
	double start, next_minute;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return t_ok(0, "shared memory"), t_done();
	for (i = 0; i < GAMES; i++)
		if (new_game(i, &fd[i]))
			t_skip("cannot create and fund the games");
	t_ok(1, "%d games created and funded; %u minutes", GAMES, minutes);
	for (i = 0; i < PLAYERS; i++)
		spawn(player, i);
	for (i = 0; i < MONITORS; i++)
		spawn(monitor, i);
	spawn(consumer_main, 0);

	start = now_s();
	next_minute = start + 60;
	while (minute < minutes) {
		for (i = 0; i < GAMES; i++)
			rounds_ok &= !owner_round(fd[i]) || sh->game[i] == 0;
		usleep(200000);
		if (now_s() < next_minute)
			continue;
		/* A game closes under its players and watchers; another opens. */
		i = replaced++ % GAMES;
		ok &= !lfce_close_game(fd[i], sh->game[i], LFCE_CLOSE_FORCE);
		close(fd[i]);
		ok &= !new_game(i, &fd[i]);
		minute_line(++minute, &mem);
		if (minute == 1)
			warm = mem;
		next_minute += 60;
	}
	sh->stop = 1;
	while (wait(&status) > 0)
		ok &= WIFEXITED(status) && !WEXITSTATUS(status);
	t_ok(ok && rounds_ok, "players, monitors and the consumer ended well; %u games replaced", replaced);
	t_ok(sh->snapshots && !sh->unconserved && !sh->backwards,
	     "%ld snapshots read: %ld not conserved, %ld went back", sh->snapshots,
	     sh->unconserved, sh->backwards);
	t_ok(sh->records && !sh->out_of_order, "%ld journal records followed (%ld gaps reported): %ld out of order",
	     sh->records, sh->gaps, sh->out_of_order);
	t_ok(sh->bets && sh->joins && sh->leaves, "%ld bets, %ld joins, %ld leaves",
	     sh->bets, sh->joins, sh->leaves);
	t_ok(minutes < 2 || mem <= warm + FLAT_BYTES,
	     "memory flat after the first minute: %llu KiB then %llu KiB",
	     (unsigned long long)warm >> 10, (unsigned long long)mem >> 10);
	for (i = 0; i < GAMES; i++) {
		ok &= !lfce_close_game(fd[i], sh->game[i], LFCE_CLOSE_FORCE);
		close(fd[i]);
	}
	/* Released games go to the reaper, which frees them when it runs. */
	for (i = 0; i < 600 && debugfs_number("/sys/kernel/debug/lfce/nodes", NULL); i++)
		usleep(100000);
	t_ok(ok && !debugfs_number("/sys/kernel/debug/lfce/nodes", NULL),
	     "every game closed and unmapped: no node left (%ld)",
	     debugfs_number("/sys/kernel/debug/lfce/nodes", NULL));
	t_diag("ran %.0f s", now_s() - start);
	return t_done();
}
