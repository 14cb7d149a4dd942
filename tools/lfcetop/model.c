// SPDX-License-Identifier: GPL-2.0-only
/*
 * The games lfcetop watches. Each is mapped once (open, attach, mmap,
 * close: the mapping holds the handle); after that a refresh reads only
 * the mapping, with no system call. LFCE_IOC_LIST runs only when the game
 * list must be refreshed: at the start, every m->rescan seconds, and when
 * the user asks. A game seen closed is shown once more and then unmapped,
 * because a mapping keeps a closed game counted against its owner's quota.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lfcetop.h"

double top_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int top_model_find(const struct top_model *m, uint64_t id)
{
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (m->game[i].id == id)
			return (int)i;
	return -1;
}

/* Open, attach, map, close: the mapping keeps the handle alive. */
static int map_game(uint64_t id, const void **base, size_t *size)
{
	int fd = lfce_open(O_RDONLY), ret;

	if (fd < 0)
		return fd;
	ret = lfce_attach(fd, id);
	if (!ret)
		ret = lfce_map(fd, base, size);
	close(fd);
	return ret;
}

/* Map game @id into the model, kept sorted by id. */
static int add_game(struct top_model *m, uint64_t id)
{
	struct top_game *g;
	const void *base;
	size_t size, i;
	int ret = map_game(id, &base, &size);

	if (ret)
		return ret;
	if (m->nr == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;

		g = realloc(m->game, cap * sizeof(*g));
		if (!g) {
			lfce_unmap(base, size);
			return -ENOMEM;
		}
		m->game = g;
		m->cap = cap;
	}
	for (i = m->nr; i > 0 && m->game[i - 1].id > id; i--)
		;
	memmove(&m->game[i + 1], &m->game[i], (m->nr - i) * sizeof(*g));
	g = &m->game[i];
	memset(g, 0, sizeof(*g));
	g->id = id;
	g->base = base;
	g->size = size;
	g->rate = -1;
	m->nr++;
	return 0;
}

static void drop_game(struct top_model *m, size_t i)
{
	lfce_unmap(m->game[i].base, m->game[i].size);
	memmove(&m->game[i], &m->game[i + 1], (m->nr - i - 1) * sizeof(m->game[0]));
	m->nr--;
}

/* Every listed id, in *@ids (malloc'ed). Returns the count or -errno. */
static long list_games(uint64_t **ids)
{
	uint64_t *all = NULL, *more, start = 0, total;
	size_t nr = 0, cap = 0;
	uint32_t count;
	int fd = lfce_open(O_RDONLY), ret = 0;

	if (fd < 0)
		return fd;
	for (;;) {
		if (cap - nr < 64) {
			cap += 256;
			more = realloc(all, cap * sizeof(*all));
			if (!more) {
				ret = -ENOMEM;
				break;
			}
			all = more;
		}
		count = cap - nr;
		ret = lfce_list(fd, start, all + nr, &count, &total);
		if (ret || !count)
			break;
		nr += count;
		/* All of them: one LIST, not a second to find nothing more. */
		if (nr >= total)
			break;
		start = all[nr - 1] + 1;
	}
	close(fd);
	if (ret) {
		free(all);
		return ret;
	}
	*ids = all;
	return nr;
}

static int listed(const uint64_t *ids, long nr, uint64_t id)
{
	long i;

	for (i = 0; i < nr; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* -g: map the games named, once each; an error names the game. */
static int scan_only(struct top_model *m)
{
	size_t i;
	int ret;

	for (i = 0; i < m->nr_only; i++) {
		if (top_model_find(m, m->only[i]) >= 0)
			continue;
		ret = add_game(m, m->only[i]);
		if (ret) {
			snprintf(m->note, sizeof(m->note), "game %llu: %s",
				 (unsigned long long)m->only[i], lfce_strerror(ret));
			return ret;
		}
	}
	return 0;
}

/*
 * Bring the set of games up to date with LFCE_IOC_LIST: map the new ones,
 * unmap those no longer listed (closed). Returns 0 or -errno (m->note
 * says what failed); the games already mapped stay on an error.
 */
int top_model_scan(struct top_model *m)
{
	uint64_t *ids = NULL;
	long nr, i;
	int ret;

	m->last_scan = top_now();
	m->note[0] = 0;
	if (m->nr_only)
		return scan_only(m);
	nr = list_games(&ids);
	if (nr < 0) {
		snprintf(m->note, sizeof(m->note), "listing games: %s", lfce_strerror(nr));
		return nr;
	}
	for (i = (long)m->nr - 1; i >= 0; i--)
		if (!listed(ids, nr, m->game[i].id))
			drop_game(m, i);
	for (i = 0; i < nr; i++) {
		if (top_model_find(m, ids[i]) >= 0)
			continue;
		ret = add_game(m, ids[i]);
		/* ENOENT, ENODEV: closed since it was listed; nothing to watch. */
		if (ret && ret != -ENOENT && ret != -ENODEV)
			snprintf(m->note, sizeof(m->note), "game %llu: %s",
				 (unsigned long long)ids[i], lfce_strerror(ret));
	}
	free(ids);
	return 0;
}

/* Statistics, not consensus state: relaxed loads, no seq protocol. */
static void copy_counters(struct top_game *g)
{
	const struct lfce_region *r = g->base;
	const uint64_t *src = (const uint64_t *)&r->counters;
	uint64_t *dst = (uint64_t *)&g->ctr;
	size_t i;

	for (i = 0; i < sizeof(g->ctr) / 8; i++)
		dst[i] = lfce_read_once(&src[i]);
	g->commits = 0;
	for (i = 0; i < 8; i++)
		g->commits += g->ctr.retries[i];
}

static void push_roll(struct top_game *g, const struct lfce_record *r)
{
	memmove(&g->roll[1], &g->roll[0], (TOP_ROLLS - 1) * sizeof(g->roll[0]));
	g->roll[0] = (struct top_roll){
		.record = r->number, .version = r->version, .op = r->op.type,
		.dice = { r->dice[0], r->dice[1] },
	};
	if (g->nr_rolls < TOP_ROLLS)
		g->nr_rolls++;
}

/*
 * The rolls among the records since the last refresh. A game seen for the
 * first time is read from the oldest record surely intact (J/2 back). At
 * most J records per refresh, so that fast writers cannot keep us here.
 */
static void scan_journal(struct top_game *g)
{
	const struct lfce_region *r = g->base;
	uint64_t half = r->journal_records / 2, v, head, n;
	struct lfce_record rec;

	if (!g->fresh) {
		lfce_header_read(g->base, &v, &head);
		g->cursor = head > half ? head - half : 0;
	}
	for (n = 0; n < r->journal_records && !lfce_journal_next(g->base, &g->cursor, &rec); n++) {
		if (rec.kind == LFCE_REC_GAP)
			g->lost += rec.op.nonce;
		else if (rec.dice[0])
			push_roll(g, &rec);
	}
}

static void refresh_game(struct top_game *g, double now)
{
	static struct lfce_snapshot s;	/* 5 KiB: not on the stack */
	uint64_t version;

	lfce_header_read(g->base, &version, &g->records);
	if (!g->fresh || version != g->snap.table.version) {
		/* Lapped LFCE_READ_TRIES times: keep the last copy, say so. */
		g->stale = lfce_snapshot_read(g->base, &s) != 0;
		if (!g->stale)
			g->snap = s;
	}
	copy_counters(g);
	if (g->fresh && now > g->prev_t)
		g->rate = (g->commits - g->prev_commits) / (now - g->prev_t);
	g->prev_t = now;
	g->prev_commits = g->commits;
	scan_journal(g);
	g->fresh = 1;
}

/* One refresh: the mappings only; games shown closed once are let go. */
void top_model_refresh(struct top_model *m)
{
	double now = top_now();
	size_t i;

	for (i = m->nr; i-- > 0;) {
		struct top_game *g = &m->game[i];

		if (g->closed) {
			snprintf(m->note, sizeof(m->note), "game %llu closed",
				 (unsigned long long)g->id);
			drop_game(m, i);
			continue;
		}
		refresh_game(g, now);
		g->closed = !!(g->snap.table.flags & LFCE_TABLE_CLOSED);
	}
}

/* CAS successes over attempts, since the game began; 1 with none yet. */
double top_cas_success(const struct top_game *g)
{
	uint64_t tries = g->commits + g->ctr.cas_failures;

	return tries ? (double)g->commits / tries : 1.0;
}

void top_model_free(struct top_model *m)
{
	while (m->nr)
		drop_game(m, m->nr - 1);
	free(m->game);
	m->game = NULL;
	m->cap = 0;
}
