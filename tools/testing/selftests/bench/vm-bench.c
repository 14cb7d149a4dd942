// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: the device's figures inside the VM, for make vm-bench: the
 * no-op ioctl rate against a one-operation commit, a batch of 64 against
 * single operations, a read of the mapping against LFCE_IOC_GET, and the
 * backpressure waits of four writers flooding one game for 10 s.
 *
 * TCG makes every absolute figure slow and uneven, so what counts are the
 * ratios, each between two figures measured here, one after the other.
 * Each single-writer figure is the median of REPEATS rounds, the figures
 * of a round measured one after the other, so that a noisy moment of the
 * host weighs on all of them alike. Figures are "figure NAME VALUE" lines;
 * the assertions only say that each phase ran without an error, never how
 * fast.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../helpers.h"
#include "liblfce.h"

#define BATCH		64
#define REPEATS		3
#define PHASE_NS	1000000000ULL	/* each rate over about a second */
#define FLOOD_S		10
#define FLOOD_WRITERS	4

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void figure(const char *name, double value)
{
	printf("figure %s %.3f\n", name, value);
	fflush(stdout);
}

/*
 * Call @fn until about a second has gone, checking the clock every 64
 * calls; returns calls per second, or -1 if a call failed.
 */
static double rate(int (*fn)(void *arg), void *arg, unsigned int per_call)
{
	double start = now_s(), end;
	unsigned long calls = 0;
	unsigned int i;

	do {
		for (i = 0; i < 64; i++, calls++)
			if (fn(arg))
				return -1;
		end = now_s();
	} while (end - start < PHASE_NS / 1e9);
	return calls * per_call / (end - start);
}

struct ctx {
	int fd;
	const void *base;
	uint64_t nonce;			/* the owner's last */
	struct lfce_snapshot snap;
	struct lfce_op ops[BATCH];
};

static int noop(void *arg)
{
	uint32_t abi;

	return lfce_version(((struct ctx *)arg)->fd, &abi);
}

/* n owner DEPOSITs of 1 to the bank, one commit, retried on EAGAIN. */
static int deposits(struct ctx *c, uint32_t n)
{
	uint64_t version;
	uint32_t i;
	int ret;

	for (i = 0; i < n; i++)
		c->ops[i] = (struct lfce_op){ .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK,
					      .nonce = c->nonce + 1 + i, .u.amount.value = 1 };
	do
		ret = lfce_submit(c->fd, c->ops, n, &version);
	while (ret == -EAGAIN);
	c->nonce += n;
	return ret;
}

static int commit1(void *arg)
{
	return deposits(arg, 1);
}

static int commit64(void *arg)
{
	return deposits(arg, BATCH);
}

static int get(void *arg)
{
	struct ctx *c = arg;

	return lfce_get(c->fd, &c->snap);
}

static int mapped(void *arg)
{
	struct ctx *c = arg;

	return lfce_snapshot_read(c->base, &c->snap);
}

static void ratio(const char *name, double a, double b)
{
	if (a > 0 && b > 0)
		figure(name, a / b);
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v)
{
	qsort(v, REPEATS, sizeof(*v), by_value);
	return v[REPEATS / 2];
}

static void single_writer(struct ctx *c)
{
	double nop, one, batch, rd, gt, v[5][REPEATS];
	int r, ok = 1;

	for (r = 0; r < REPEATS; r++) {
		v[0][r] = rate(noop, c, 1);
		v[1][r] = rate(commit1, c, 1);
		v[2][r] = rate(commit64, c, BATCH);
		v[3][r] = rate(mapped, c, 1);
		v[4][r] = rate(get, c, 1);
		ok &= v[0][r] > 0 && v[1][r] > 0 && v[2][r] > 0 && v[3][r] > 0 && v[4][r] > 0;
	}
	t_ok(ok, "%d rounds of no-op ioctls, commits of 1 and of %d, reads of the mapping, GETs",
	     REPEATS, BATCH);
	nop = median(v[0]);
	one = median(v[1]);
	batch = median(v[2]);
	rd = median(v[3]);
	gt = median(v[4]);

	figure("noop_ioctl_s", nop);
	figure("commit_ioctl_s", one);
	figure("batch64_ops_s", batch);
	figure("mmap_read_s", rd);
	figure("get_ioctl_s", gt);
	ratio("commit_vs_noop", one, nop);
	ratio("batch64_vs_single", batch, one);
	ratio("mmap_vs_get", rd, gt);
}

/* One flooding writer: its own handle, owner deposits until the deadline. */
static void flood(uint64_t id, double until, int wfd)
{
	struct ctx c = { 0 };
	long commits = 0;
	int ret = 0;

	c.fd = lfce_open(O_RDWR);
	if (c.fd < 0 || lfce_attach(c.fd, id))
		_exit(1);
	while (!ret && now_s() < until) {
		/* Four owners race for the nonces: take the next from the snapshot. */
		ret = lfce_get(c.fd, &c.snap);
		c.nonce = c.snap.table.owner_nonce;
		if (!ret)
			ret = commit1(&c);
		if (ret == -EALREADY)
			ret = 0;
		else if (!ret)
			commits++;
	}
	if (write(wfd, &commits, sizeof(commits)) != sizeof(commits))
		_exit(1);
	_exit(ret ? 1 : 0);
}

static void flood_phase(struct ctx *c, uint64_t id)
{
	struct lfce_stats before = { 0 }, after = { 0 };
	long commits, total = 0;
	int pfd[2], i, status, ok = 1;
	double until;

	if (!t_ok(!pipe(pfd) && !lfce_stats(c->fd, &before), "stats before the flood"))
		return;
	until = now_s() + FLOOD_S;
	for (i = 0; i < FLOOD_WRITERS; i++)
		if (fork() == 0)
			flood(id, until, pfd[1]);
	for (i = 0; i < FLOOD_WRITERS; i++) {
		ok &= read(pfd[0], &commits, sizeof(commits)) == sizeof(commits);
		total += ok ? commits : 0;
	}
	while (wait(&status) > 0)
		ok &= WIFEXITED(status) && !WEXITSTATUS(status);
	close(pfd[0]);
	close(pfd[1]);
	t_ok(ok && !lfce_stats(c->fd, &after), "%d writers flooded for %d s: %ld commits",
	     FLOOD_WRITERS, FLOOD_S, total);
	figure("flood_commits_s", (double)total / FLOOD_S);
	figure("flood_backpressure_waits", (double)(after.backpressure - before.backpressure));
	figure("flood_cas_failures", (double)(after.cas_failures - before.cas_failures));
}

int main(void)
{
	struct lfce_config cfg = {
		.min_bet = 1, .max_bet = 1000, .odds_max = 3, .field12_pays = 2,
		.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 30000000000ULL,
		.max_seats = LFCE_MAX_SEATS,
	};
	struct ctx c = { 0 };
	size_t size;
	uint64_t id;
	int ret;

	/* A batch of 64 needs batch_max 64; everything else at its default. */
	ret = t_reload_lfce("batch_max=64");
	if (!t_ok(!ret, "reload lfce with batch_max=64 (%s)", strerror(-ret)))
		return t_done();
	c.fd = lfce_open(O_RDWR);
	if (c.fd < 0)
		t_skip("no /dev/lfce");
	/* The creator's handle is attached to its game. */
	if (!t_ok(!lfce_create(c.fd, &cfg, &id) && !lfce_map(c.fd, &c.base, &size),
		  "create and map a game"))
		return t_done();
	single_writer(&c);
	flood_phase(&c, id);
	lfce_unmap(c.base, size);
	close(c.fd);
	ret = t_reload_lfce("");
	t_ok(!ret, "reload lfce with its defaults (%s)", strerror(-ret));
	return t_done();
}
