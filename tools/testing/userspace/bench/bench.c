// SPDX-License-Identifier: GPL-2.0-only
/*
 * Native benchmark of the engine: module/ sources built unchanged against
 * the userspace shims (liburcu for RCU), measured against a mutex-protected
 * copy of the same state updated in place, all in one run.
 *
 *   usage: bench [-t seconds] [-r repeats] [-o bench.json] [-s scaling.dat] [-1]
 *
 * Each figure is operations per second over a fixed time, after a warm-up,
 * and the median of -r repeats of the whole set, run one after the other
 * so that a busy moment of the host weighs on every figure alike. The
 * ratios in the table compare figures of this same run; the commit figures
 * are also given per CPU-second of the threads that ran them, which other
 * load on the machine disturbs far less than the wall clock (the JSON says
 * how loaded it was). Nothing here asserts a time.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../../../module/engine.h"
#include "../../../../module/rules.h"
#include "shim.h"
#include "../../../lib/liblfce.h"

#define WARMUP_S	0.2
#define MAX_REPEATS	15

static double seconds = 1.0;
static int repeats = 3;
static bool only_1w;		/* -1: one writer alone, for a profiler */
static u64 nonce_epoch;		/* each run's nonces start above the last run's */

enum { WARM, MEASURE, STOP };
static int phase;

/* One per thread, each on its own lines: a shared line would be measured too. */
struct worker {
	pthread_t thread;
	struct lfce_engine *e;
	struct mutex_game *m;
	unsigned int seat;
	unsigned int batch;		/* batch_writer(): operations a commit */
	u64 nonce;
	bool full_copy;
	int phase;			/* the last this worker saw */
	unsigned long ops;		/* after run(): in the measured window */
	unsigned long ops0;
	unsigned long failed;
	double cpu;			/* after run(): CPU seconds in the window */
} __attribute__((aligned(128)));

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Every worker asks this each time round its loop: true once told to
 * stop. Each worker marks the measured window's ends itself, as it sees
 * the phase change, with its own operation count and CPU time.
 */
static bool stopped(struct worker *wk)
{
	int p = __atomic_load_n(&phase, __ATOMIC_RELAXED);

	if (p == wk->phase)
		return false;
	if (p == MEASURE) {
		wk->phase = p;
		wk->ops0 = wk->ops;
		wk->cpu = -thread_cpu_s();
		return false;
	}
	if (wk->phase == MEASURE) {
		wk->ops -= wk->ops0;
		wk->cpu += thread_cpu_s();
	} else {
		wk->ops = 0;		/* never measured: started too late */
		wk->cpu = 0;
	}
	wk->phase = p;
	return true;
}

/* ---- the engine ---- */

static struct lfce_params params = {
	.game_id = 1,
	.slots = 8,
	.records = 4096,
	.pool_cap = 32768,
	.retry_budget = 1000,
	.batch_max = 16,
};

/* A game with @seats seated players holding 1000000 tokens each. */
static struct lfce_engine *game_new(unsigned int seats)
{
	struct lfce_engine *e = aligned_alloc(64, sizeof(*e));
	struct lfce_record rec[LFCE_TXN_RECORDS(1)];
	struct lfce_writer w;
	struct lfce_config cfg;
	struct lfce_op op;
	unsigned int i;
	u64 v;

	lfce_rules_default_config(&cfg);
	if (!e || lfce_engine_init(e, &cfg, &params))
		abort();
	lfce_writer_init(&w, rec, ARRAY_SIZE(rec), false);
	for (i = 0; i < seats; i++) {
		op = (struct lfce_op){ .type = LFCE_OP_JOIN, .seat = i, .nonce = 1 };
		op.u.join.uid = 1000 + i;
		if (lfce_commit(e, &w, &op, 1, 1, &v))
			abort();
		op = (struct lfce_op){ .type = LFCE_OP_DEPOSIT, .seat = i, .nonce = i + 1 };
		op.u.amount.value = 1000000;
		if (lfce_commit(e, &w, &op, 1, 1, &v))
			abort();
	}
	lfce_writer_release(e, &w);
	return e;
}

static void game_free(struct lfce_engine *e)
{
	lfce_engine_uninit(e);
	free(e);
}

/* Place and remove a place-6 bet, one commit each, until told to stop. */
static void *engine_writer(void *arg)
{
	struct worker *wk = arg;
	struct lfce_record rec[LFCE_TXN_RECORDS(1)];
	struct lfce_writer w;
	struct lfce_op op = { .seat = wk->seat, .nonce = wk->nonce };
	u64 v;

	shim_rcu_register_thread();
	lfce_writer_init(&w, rec, ARRAY_SIZE(rec), false);
	op.u.bet.kind = LFCE_BET_PLACE_6;
	op.u.bet.amount = 6;
	while (!stopped(wk)) {
		op.type = (wk->ops & 1) ? LFCE_OP_UNBET : LFCE_OP_BET;
		op.nonce++;
		if (lfce_commit(wk->e, &w, &op, 1, op.nonce, &v))
			wk->failed++;
		else
			wk->ops++;
	}
	lfce_writer_release(wk->e, &w);
	shim_rcu_unregister_thread();
	return NULL;
}

/*
 * Batches of BATCH deposits of 1 to the bank, one commit each, as
 * make vm-bench submits them; ops counts operations, not commits.
 */
#define BATCH	64

static void *batch_writer(void *arg)
{
	struct worker *wk = arg;
	struct lfce_record *rec = calloc(LFCE_TXN_RECORDS(BATCH), sizeof(*rec));
	struct lfce_op ops[BATCH];
	unsigned int i, n = wk->batch ?: 1;
	struct lfce_writer w;
	u64 v;

	shim_rcu_register_thread();
	lfce_writer_init(&w, rec, LFCE_TXN_RECORDS(BATCH), false);
	while (rec && !stopped(wk)) {
		for (i = 0; i < n; i++)
			ops[i] = (struct lfce_op){ .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK,
						   .nonce = ++wk->nonce, .u.amount.value = 1 };
		if (lfce_commit(wk->e, &w, ops, n, 1, &v))
			wk->failed++;
		else
			wk->ops += n;
	}
	lfce_writer_release(wk->e, &w);
	free(rec);
	shim_rcu_unregister_thread();
	return NULL;
}

/*
 * The in-kernel read path: rcu_read_lock, bring a private flat copy up to
 * date, unlock. Incremental by default: only nodes that changed since this
 * reader's last copy are copied; full_copy copies the whole snapshot
 * (4.6 KiB) every time.
 */
static void *engine_reader(void *arg)
{
	struct worker *wk = arg;
	struct lfce_snapshot *s = malloc(sizeof(*s));
	struct lfce_read_cache cache;

	shim_rcu_register_thread();
	lfce_read_cache_init(&cache);
	while (s && !stopped(wk)) {
		lfce_engine_read(wk->e, s, wk->full_copy ? NULL : &cache);
		wk->ops++;
	}
	free(s);
	shim_rcu_unregister_thread();
	return NULL;
}

/*
 * A monitor: spins on the game's mapped region as userspace would, with
 * liblfce's read protocol, copying the snapshot whenever it changed.
 */
static void *mmap_reader(void *arg)
{
	struct worker *wk = arg;
	struct lfce_snapshot *s = malloc(sizeof(*s));
	const void *base = wk->e->pub.region;
	uint64_t seen = 0, version, records;

	while (s && !stopped(wk)) {
		lfce_header_read(base, &version, &records);
		if (version == seen)
			continue;
		if (!lfce_snapshot_read(base, s))
			seen = s->table.version;
		wk->ops++;
	}
	free(s);
	return NULL;
}

/* ---- the baseline: one struct, one mutex, updated in place ---- */

struct mutex_game {
	pthread_mutex_t lock;
	struct lfce_snapshot s;
};

/* The bet/unbet a user would write: validate, update in place, bump version. */
static int mutex_bet(struct mutex_game *m, unsigned int seat, bool place, u64 amount)
{
	struct lfce_seat *s = &m->s.seat[seat];
	u64 *bet = &s->bets[LFCE_BET_PLACE_6];
	int ret = 0;

	pthread_mutex_lock(&m->lock);
	if (place && s->balance >= amount && *bet + amount <= m->s.table.config.max_bet) {
		s->balance -= amount;
		*bet += amount;
	} else if (!place && *bet >= amount) {
		*bet -= amount;
		s->balance += amount;
	} else {
		ret = -1;
	}
	m->s.table.version++;
	pthread_mutex_unlock(&m->lock);
	return ret;
}

static void *mutex_writer(void *arg)
{
	struct worker *wk = arg;

	while (!stopped(wk)) {
		if (mutex_bet(wk->m, wk->seat, !(wk->ops & 1), 6))
			wk->failed++;
		else
			wk->ops++;
	}
	return NULL;
}

static void *mutex_reader(void *arg)
{
	struct worker *wk = arg;
	struct lfce_snapshot *s = malloc(sizeof(*s));

	while (s && !stopped(wk)) {
		pthread_mutex_lock(&wk->m->lock);
		memcpy(s, &wk->m->s, sizeof(*s));
		pthread_mutex_unlock(&wk->m->lock);
		wk->ops++;
	}
	free(s);
	return NULL;
}

static struct mutex_game *mutex_game_new(void)
{
	struct mutex_game *m = calloc(1, sizeof(*m));

	if (!m)
		abort();
	pthread_mutex_init(&m->lock, NULL);
	lfce_rules_default_config(&m->s.table.config);
	m->s.seat[0].balance = 1000000;
	m->s.seat[0].flags = LFCE_SEAT_BOUND;
	return m;
}

/*
 * The machine's own parallelism, measured in the same run: two threads
 * copying private buffers against one. On a shared host the second vCPU is
 * not always a whole core; the 2-thread ratios are to be read against this.
 */
static void *copy_loop(void *arg)
{
	struct worker *wk = arg;
	char *buf = aligned_alloc(64, 2 * 4096);

	while (buf && !stopped(wk)) {
		memcpy(buf + (wk->ops & 1) * 4096, buf + !(wk->ops & 1) * 4096, 600);
		__asm__ volatile("" ::: "memory");
		wk->ops++;
	}
	free(buf);
	return NULL;
}

/* ---- running ---- */

/*
 * Run @n workers: a warm-up, then the configured time, measured. Returns
 * the measured window's seconds; each worker's ops and cpu are its own in
 * that window.
 */
static double run(struct worker *wk, void *(**fn)(void *), unsigned int n)
{
	double t0, t1;
	unsigned int i;

	__atomic_store_n(&phase, WARM, __ATOMIC_RELAXED);
	nonce_epoch += 1ULL << 40;
	for (i = 0; i < n; i++) {
		wk[i].nonce = nonce_epoch;
		wk[i].phase = WARM;
	}
	for (i = 0; i < n; i++)
		if (pthread_create(&wk[i].thread, NULL, fn[i], &wk[i]))
			abort();
	usleep(WARMUP_S * 1e6);
	t0 = now_s();
	__atomic_store_n(&phase, MEASURE, __ATOMIC_RELAXED);
	usleep(seconds * 1e6);
	t1 = now_s();
	__atomic_store_n(&phase, STOP, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++)
		pthread_join(wk[i].thread, NULL);
	return t1 - t0;
}

/* Operations per CPU-second of the workers [0, n). */
static double per_cpu(const struct worker *wk, unsigned int n)
{
	double ops = 0, cpu = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		ops += wk[i].ops;
		cpu += wk[i].cpu;
	}
	return cpu > 0 ? ops / cpu : 0;
}

/* Doubles only: the median is taken field by field (median_of()). */
struct results {
	double parallel;
	double w1, w2g1, cas2g1, w2g2, w1_reader, mutex_w, mutex_r, lfce_r, lfce_r_full;
	double w1_gp8, w2g2_gp8;
	double w1_cpu, w2g2_cpu, w1_gp8_cpu;
	double w1_mmap_reader;
	double batch1, batch64;
};

static double run(struct worker *wk, void *(**fn)(void *), unsigned int n);

static void bench_machine(struct results *r)
{
	void *(*two[2])(void *) = { copy_loop, copy_loop };
	struct worker wk[2];
	double one, both, t;

	memset(wk, 0, sizeof(wk));
	t = run(wk, two, 1);
	one = wk[0].ops / t;
	memset(wk, 0, sizeof(wk));
	t = run(wk, two, 2);
	both = (wk[0].ops + wk[1].ops) / t;
	r->parallel = both / one;
}

/* commit_1w_ops_s: one writer on @e; alone (-1), what to run under perf record. */
static void bench_1w(struct results *r, struct lfce_engine *e)
{
	void *(*one[1])(void *) = { engine_writer };
	struct worker wk[1];
	double t;

	memset(wk, 0, sizeof(wk));
	wk[0].e = e;
	t = run(wk, one, 1);
	r->w1 = wk[0].ops / t;
	r->w1_cpu = per_cpu(wk, 1);
}

static void bench_engine(struct results *r)
{
	void *(*two_writers[2])(void *) = { engine_writer, engine_writer };
	void *(*writer_reader[2])(void *) = { engine_writer, engine_reader };
	void *(*writer_monitor[2])(void *) = { engine_writer, mmap_reader };
	struct lfce_engine *e = game_new(2), *f = game_new(1);
	struct worker wk[2];
	u64 fails0, commits0;
	double t;

	bench_1w(r, e);

	memset(wk, 0, sizeof(wk));
	wk[0].e = wk[1].e = e;
	wk[1].seat = 1;
	fails0 = atomic64_read(&e->metrics->cas_failure);
	commits0 = lfce_engine_commits(e);
	t = run(wk, two_writers, 2);
	r->w2g1 = (wk[0].ops + wk[1].ops) / t;
	fails0 = atomic64_read(&e->metrics->cas_failure) - fails0;
	commits0 = lfce_engine_commits(e) - commits0;
	r->cas2g1 = (double)commits0 / (commits0 + fails0);

	memset(wk, 0, sizeof(wk));
	wk[0].e = e;
	wk[1].e = f;
	t = run(wk, two_writers, 2);
	r->w2g2 = (wk[0].ops + wk[1].ops) / t;
	r->w2g2_cpu = per_cpu(wk, 2);

	memset(wk, 0, sizeof(wk));
	wk[0].e = wk[1].e = e;
	t = run(wk, writer_reader, 2);
	r->w1_reader = wk[0].ops / t;
	r->lfce_r = wk[1].ops / t;

	memset(wk, 0, sizeof(wk));
	wk[0].e = wk[1].e = e;
	t = run(wk, writer_monitor, 2);
	r->w1_mmap_reader = wk[0].ops / t;

	memset(wk, 0, sizeof(wk));
	wk[0].e = wk[1].e = e;
	wk[1].full_copy = true;
	t = run(wk, writer_reader, 2);
	r->lfce_r_full = wk[1].ops / t;

	game_free(e);
	game_free(f);
}

/* Operations per second in commits of one and of BATCH deposits. */
static void bench_batch(struct results *r)
{
	void *(*one[1])(void *) = { batch_writer };
	u32 max = params.batch_max;
	struct lfce_engine *e;
	struct worker wk[1];
	double t;

	params.batch_max = BATCH;
	e = game_new(0);
	params.batch_max = max;
	memset(wk, 0, sizeof(wk));
	wk[0].e = e;
	wk[0].batch = 1;
	t = run(wk, one, 1);
	r->batch1 = wk[0].ops / t;
	memset(wk, 0, sizeof(wk));
	wk[0].e = e;
	wk[0].batch = BATCH;
	t = run(wk, one, 1);
	r->batch64 = wk[0].ops / t;
	game_free(e);
}

/*
 * One writer, and two on two games, again with RCU grace periods as long
 * as the kernel's (median 8 ms here, HZ=250) and its default pool_cap of
 * 16384: a committer that waited for grace periods would be bounded by
 * pool_cap / (nodes per commit x 8 ms).
 */
static void bench_gp8ms(struct results *r)
{
	void *(*two_writers[2])(void *) = { engine_writer, engine_writer };
	void *(*one[1])(void *) = { engine_writer };
	unsigned long long old = shim_rcu_set_gp_latency(8000000);
	u32 cap = params.pool_cap;
	struct lfce_engine *e, *f;
	struct worker wk[2];
	double t;

	params.pool_cap = 16384;
	e = game_new(1);
	f = game_new(1);
	memset(wk, 0, sizeof(wk));
	wk[0].e = e;
	t = run(wk, one, 1);
	r->w1_gp8 = wk[0].ops / t;
	r->w1_gp8_cpu = per_cpu(wk, 1);

	memset(wk, 0, sizeof(wk));
	wk[0].e = e;
	wk[1].e = f;
	t = run(wk, two_writers, 2);
	r->w2g2_gp8 = (wk[0].ops + wk[1].ops) / t;
	game_free(e);
	game_free(f);
	params.pool_cap = cap;
	shim_rcu_set_gp_latency(old);
}

/*
 * Throughput against writers, 1 to 4, all on one game or each on its own,
 * for make bench's plot: one line per writer count into @dat.
 */
#define SCALE_MAX	4

static void bench_scaling(FILE *dat)
{
	void *(*fn[SCALE_MAX])(void *) = { engine_writer, engine_writer, engine_writer,
					   engine_writer };
	struct lfce_engine *shared = game_new(SCALE_MAX), *own[SCALE_MAX];
	struct worker wk[SCALE_MAX];
	double t, one, each;
	unsigned int n, i;

	for (i = 0; i < SCALE_MAX; i++)
		own[i] = game_new(1);
	fprintf(dat, "# writers one_game_ops_s one_game_each_ops_s\n");
	for (n = 1; n <= SCALE_MAX; n++) {
		memset(wk, 0, sizeof(wk));
		for (i = 0; i < n; i++) {
			wk[i].e = shared;
			wk[i].seat = i;
		}
		t = run(wk, fn, n);
		for (one = 0, i = 0; i < n; i++)
			one += wk[i].ops / t;
		memset(wk, 0, sizeof(wk));
		for (i = 0; i < n; i++)
			wk[i].e = own[i];
		t = run(wk, fn, n);
		for (each = 0, i = 0; i < n; i++)
			each += wk[i].ops / t;
		fprintf(dat, "%u %.0f %.0f\n", n, one, each);
	}
	game_free(shared);
	for (i = 0; i < SCALE_MAX; i++)
		game_free(own[i]);
}

static void bench_mutex(struct results *r)
{
	void *(*one[1])(void *) = { mutex_writer };
	void *(*writer_reader[2])(void *) = { mutex_writer, mutex_reader };
	struct mutex_game *m = mutex_game_new();
	struct worker wk[2];
	double t;

	memset(wk, 0, sizeof(wk));
	wk[0].m = m;
	t = run(wk, one, 1);
	r->mutex_w = wk[0].ops / t;

	memset(wk, 0, sizeof(wk));
	wk[0].m = wk[1].m = m;
	t = run(wk, writer_reader, 2);
	r->mutex_r = wk[1].ops / t;
	pthread_mutex_destroy(&m->lock);
	free(m);
}

static double loadavg(void)
{
	double l = -1;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Field by field, the median of @n results. */
static void median_of(const struct results *rs, int n, struct results *out)
{
	const size_t fields = sizeof(*out) / sizeof(double);
	double v[MAX_REPEATS];
	size_t f;
	int i;

	for (f = 0; f < fields; f++) {
		for (i = 0; i < n; i++)
			v[i] = ((const double *)&rs[i])[f];
		qsort(v, n, sizeof(v[0]), by_value);
		((double *)out)[f] = v[n / 2];
	}
}

static double ratio(double a, double b)
{
	return b ? a / b : 0;
}

struct run_info {
	double load_start, load_end;
};

static void report(const struct results *r, const struct run_info *ri, const char *json)
{
	FILE *f;

	printf("median of %d repeats, %.1f s each after a %.1f s warm-up; load average %.2f -> %.2f\n",
	       repeats, seconds, WARMUP_S, ri->load_start, ri->load_end);
	printf("%-34s %14s %10s %s\n", "figure", "value", "ratio", "target");
	printf("%-34s %14.2f %10s %s\n", "machine_parallelism_2t", r->parallel, "",
	       "2.00 on two free cores");
	printf("%-34s %14.0f %10s %s\n", "commit_1w_ops_s", r->w1, "", ">= 10000000");
	printf("%-34s %14.0f %10s %s\n", "commit_1w_ops_cpu_s", r->w1_cpu, "",
	       "per CPU-second: less disturbed by load");
	printf("%-34s %14.0f %9.2fx %s\n", "commit_2w_1g_ops_s", r->w2g1, ratio(r->w2g1, r->w1),
	       ">= 0.8x 1w");
	printf("%-34s %14.3f %10s %s\n", "cas_success_2w_1g", r->cas2g1, "", ">= 0.9");
	printf("%-34s %14.0f %9.2fx %s\n", "commit_2w_2g_ops_s", r->w2g2, ratio(r->w2g2, r->w1),
	       ">= 1.8x 1w");
	printf("%-34s %14.0f %9.2fx %s\n", "commit_2w_2g_ops_cpu_s", r->w2g2_cpu,
	       ratio(r->w2g2_cpu, r->w1_cpu), "per CPU-second: 1.00x is perfect scaling");
	printf("%-34s %14.0f %9.2fx %s\n", "commit_1w_with_reader_ops_s", r->w1_reader,
	       ratio(r->w1_reader, r->w1), "an in-kernel reader (GET)");
	printf("%-34s %14.0f %9.2fx %s\n", "commit_1w_with_mmap_reader_ops_s", r->w1_mmap_reader,
	       ratio(r->w1_mmap_reader, r->w1), ">= 0.8x 1w");
	printf("%-34s %14.0f %10s %s\n", "commit_1w_ops_s_gp8ms", r->w1_gp8, "", ">= 5000000");
	printf("%-34s %14.0f %9.2fx %s\n", "commit_1w_ops_cpu_s_gp8ms", r->w1_gp8_cpu,
	       ratio(r->w1_gp8_cpu, r->w1_cpu), "per CPU-second, against 1w");
	printf("%-34s %14.0f %9.2fx %s\n", "commit_2w_2g_ops_s_gp8ms", r->w2g2_gp8,
	       ratio(r->w2g2_gp8, r->w1_gp8), ">= 1.8x 1w_gp8ms");
	printf("%-34s %14.0f %10s %s\n", "commit_batch1_ops_s", r->batch1, "",
	       "one deposit a commit");
	printf("%-34s %14.0f %9.2fx %s\n", "commit_batch64_ops_s", r->batch64,
	       ratio(r->batch64, r->batch1), "operations a second, 64 deposits a commit");
	printf("%-34s %14.0f %10s\n", "mutex_write_ops_s", r->mutex_w, "");
	printf("%-34s %14.0f %10s\n", "mutex_read_ops_s_with_writer", r->mutex_r, "");
	printf("%-34s %14.0f %9.2fx %s\n", "lfce_read_ops_s_with_writer", r->lfce_r,
	       ratio(r->lfce_r, r->mutex_r), ">= 10x mutex read");
	printf("%-34s %14.0f %9.2fx %s\n", "lfce_read_full_ops_s_with_writer", r->lfce_r_full,
	       ratio(r->lfce_r_full, r->mutex_r), "(every read copies 4.6 KiB)");

	f = fopen(json, "w");
	if (!f) {
		perror(json);
		exit(1);
	}
	fprintf(f, "{\n  \"seconds_per_figure\": %.2f,\n", seconds);
	fprintf(f, "  \"repeats\": %d,\n", repeats);
	fprintf(f, "  \"loadavg_1min_start\": %.2f,\n", ri->load_start);
	fprintf(f, "  \"loadavg_1min_end\": %.2f,\n", ri->load_end);
	fprintf(f, "  \"machine_parallelism_2t\": %.3f,\n", r->parallel);
	fprintf(f, "  \"commit_1w_ops_s\": %.0f,\n", r->w1);
	fprintf(f, "  \"commit_1w_ops_cpu_s\": %.0f,\n", r->w1_cpu);
	fprintf(f, "  \"commit_2w_1g_ops_s\": %.0f,\n", r->w2g1);
	fprintf(f, "  \"cas_success_2w_1g\": %.4f,\n", r->cas2g1);
	fprintf(f, "  \"commit_2w_2g_ops_s\": %.0f,\n", r->w2g2);
	fprintf(f, "  \"commit_2w_2g_ops_cpu_s\": %.0f,\n", r->w2g2_cpu);
	fprintf(f, "  \"commit_1w_with_reader_ops_s\": %.0f,\n", r->w1_reader);
	fprintf(f, "  \"commit_1w_with_mmap_reader_ops_s\": %.0f,\n", r->w1_mmap_reader);
	fprintf(f, "  \"commit_1w_ops_s_gp8ms\": %.0f,\n", r->w1_gp8);
	fprintf(f, "  \"commit_1w_ops_cpu_s_gp8ms\": %.0f,\n", r->w1_gp8_cpu);
	fprintf(f, "  \"commit_2w_2g_ops_s_gp8ms\": %.0f,\n", r->w2g2_gp8);
	fprintf(f, "  \"commit_batch1_ops_s\": %.0f,\n", r->batch1);
	fprintf(f, "  \"commit_batch64_ops_s\": %.0f,\n", r->batch64);
	fprintf(f, "  \"mutex_write_ops_s\": %.0f,\n", r->mutex_w);
	fprintf(f, "  \"mutex_read_ops_s_with_writer\": %.0f,\n", r->mutex_r);
	fprintf(f, "  \"lfce_read_ops_s_with_writer\": %.0f,\n", r->lfce_r);
	fprintf(f, "  \"lfce_read_full_ops_s_with_writer\": %.0f\n}\n", r->lfce_r_full);
	fclose(f);
	printf("wrote %s\n", json);
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [-t seconds per figure] [-r repeats (1-%d)] [-o bench.json]\n"
		"       [-s scaling.dat: also throughput against 1-%d writers, one game or one each]\n"
		"       [-1: commit_1w_ops_s alone, to run under a profiler]\n",
		prog, MAX_REPEATS, SCALE_MAX);
}

int main(int argc, char **argv)
{
	static struct results rs[MAX_REPEATS];
	const char *json = "bench.json", *scaling = NULL;
	struct results r = {};
	FILE *dat;
	struct run_info ri;
	int c, i;

	while ((c = getopt(argc, argv, "t:r:o:s:1h")) != -1) {
		switch (c) {
		case '1':
			only_1w = true;
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'r':
			repeats = atoi(optarg);
			break;
		case 'o':
			json = optarg;
			break;
		case 's':
			scaling = optarg;
			break;
		default:
			usage(c == 'h' ? stdout : stderr, argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}
	if (seconds <= 0 || repeats < 1 || repeats > MAX_REPEATS) {
		usage(stderr, argv[0]);
		return 2;
	}
	shim_rcu_register_thread();
	/* Nodes from their own cache, as the module's are. */
	if (lfce_pool_cache_init())
		return 1;
	ri.load_start = loadavg();
	for (i = 0; i < repeats; i++) {
		if (only_1w) {
			struct lfce_engine *e = game_new(2);

			bench_1w(&rs[i], e);
			game_free(e);
			continue;
		}
		bench_machine(&rs[i]);
		bench_engine(&rs[i]);
		bench_gp8ms(&rs[i]);
		bench_batch(&rs[i]);
		bench_mutex(&rs[i]);
	}
	if (scaling) {
		dat = fopen(scaling, "w");
		if (!dat) {
			perror(scaling);
			return 1;
		}
		bench_scaling(dat);
		fclose(dat);
	}
	ri.load_end = loadavg();
	median_of(rs, repeats, &r);
	lfce_pool_cache_uninit();
	shim_rcu_unregister_thread();
	shim_rcu_exit();
	if (only_1w)
		printf("commit_1w_ops_s %.0f\ncommit_1w_ops_cpu_s %.0f\n", r.w1, r.w1_cpu);
	else
		report(&r, &ri, json);
	return 0;
}
