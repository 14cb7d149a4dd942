// SPDX-License-Identifier: GPL-2.0-only
/*
 * What lfcetop shows, as lines handed to a sink: the same code lays out
 * --once, --batch and the interactive screen, so they never drift. The
 * sink decides where a line goes and cuts it to the screen if it must.
 * The JSON of a sample is here too, field for field with the text.
 *
 * Numbers are printed with the C locale's conventions whatever the user's
 * locale: lfcetop sets LC_CTYPE only (for curses), never LC_NUMERIC.
 */
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "lfcetop.h"

#define HIST_BAR	20	/* widest histogram bar */
#define HIST_COL	42	/* width of the left (retries) column */

typedef unsigned long long ull;

struct line {
	char s[1024];
	size_t n;
};

static void __attribute__((format(printf, 2, 3))) put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->n >= sizeof(l->s) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->s + l->n, sizeof(l->s) - l->n, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->n = l->n + n < sizeof(l->s) ? l->n + n : sizeof(l->s) - 1;
}

static void emit(struct top_sink *out, enum top_attr attr, struct line *l)
{
	out->line(out, attr, l->s);
	l->n = 0;
	l->s[0] = 0;
}

static void say(struct top_sink *out, enum top_attr attr, const char *text)
{
	out->line(out, attr, text);
}

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* 12.3s, 4m05s, 1h00m */
static void put_span(struct line *l, uint64_t ns)
{
	uint64_t s = ns / 1000000000ULL;

	if (s < 60)
		put(l, "%.1fs", ns / 1e9);
	else if (s < 3600)
		put(l, "%llum%02llus", (ull)s / 60, (ull)s % 60);
	else
		put(l, "%lluh%02llum", (ull)s / 3600, (ull)s / 60 % 60);
}

/* "in 12.3s", "passed 4m05s ago", or "-" for none. */
static void put_deadline(struct line *l, uint64_t deadline)
{
	uint64_t now = boottime_ns();

	if (!deadline) {
		put(l, "-");
	} else if (deadline >= now) {
		put(l, "in ");
		put_span(l, deadline - now);
	} else {
		put(l, "passed ");
		put_span(l, now - deadline);
		put(l, " ago");
	}
}

static void put_rate(struct line *l, const char *fmt, double rate)
{
	if (rate < 0)
		put(l, fmt, "-");
	else {
		char s[32];

		snprintf(s, sizeof(s), "%.1f", rate);
		put(l, fmt, s);
	}
}

static unsigned int seats_bound(const struct lfce_snapshot *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < LFCE_MAX_SEATS; i++)
		n += !!(s->seat[i].flags & LFCE_SEAT_BOUND);
	return n;
}

void top_text_games(struct top_sink *out, const struct top_model *m, int selected)
{
	struct line l = { .n = 0 };
	size_t i;

	put(&l, "%-6s %10s %9s %7s %-8s %5s %-7s %5s %12s %12s %7s %s", "GAME", "VERSION",
	    "COMMITS/S", "CAS%", "PHASE", "POINT", "STAGE", "SEATS", "BANK", "TOTAL", "ROLLS",
	    "STATE");
	emit(out, TOP_HEAD, &l);
	for (i = 0; i < m->nr; i++) {
		const struct top_game *g = &m->game[i];
		const struct lfce_table *t = &g->snap.table;

		put(&l, "%-6llu %10llu ", (ull)g->id, (ull)t->version);
		put_rate(&l, "%9s", g->rate);
		put(&l, " %7.2f %-8s ", 100 * top_cas_success(g), lfce_phase_name(t->phase));
		if (t->point)
			put(&l, "%5u", t->point);
		else
			put(&l, "%5s", "-");
		put(&l, " %-7s %2u/%-2u %12llu %12llu %7llu %s%s", lfce_stage_name(t->stage),
		    seats_bound(&g->snap), t->config.max_seats, (ull)t->bank, (ull)t->total,
		    (ull)t->rolls, top_game_state(&g->snap), g->stale ? " (lapped)" : "");
		emit(out, (int)i == selected ? TOP_SELECTED : TOP_PLAIN, &l);
	}
	if (!m->nr)
		say(out, TOP_PLAIN, "(no games)");
}

static void game_head(struct top_sink *out, const struct top_game *g)
{
	const struct lfce_table *t = &g->snap.table;
	struct line l = { .n = 0 };

	put(&l, "game %llu  version %llu  records %llu  digest %016llx  state %s%s", (ull)g->id,
	    (ull)t->version, (ull)g->records, (ull)t->digest, top_game_state(&g->snap),
	    g->stale ? "  (writers lapped the copy: showing the previous one)" : "");
	emit(out, TOP_HEAD, &l);
	put(&l, "commits %llu  ", (ull)g->commits);
	put_rate(&l, "commits/s %s", g->rate);
	put(&l, "  CAS success %.2f%% (%llu failed)  refused %llu  exhausted %llu  backpressure %llu",
	    100 * top_cas_success(g), (ull)g->ctr.cas_failures, (ull)g->ctr.refused,
	    (ull)g->ctr.exhausted, (ull)g->ctr.backpressure);
	emit(out, TOP_PLAIN, &l);
	put(&l, "phase %s  point ", lfce_phase_name(t->phase));
	if (t->point)
		put(&l, "%u", t->point);
	else
		put(&l, "-");
	put(&l, "  stage %s  shooter %u  round %llu  rolls %llu  dice %u+%u  deadline ",
	    lfce_stage_name(t->stage), t->shooter, (ull)g->snap.round.number, (ull)t->rolls,
	    t->dice[0], t->dice[1]);
	put_deadline(&l, t->stage == LFCE_STAGE_BETTING ? 0 : g->snap.round.deadline_ns);
	emit(out, TOP_PLAIN, &l);
	put(&l, "dice mode %s  bank %llu  total %llu  conserved %s  bets %llu..%llu  odds %ux",
	    lfce_dice_mode_name(t->config.dice_mode), (ull)t->bank, (ull)t->total,
	    lfce_tokens_conserved(&g->snap) ? "yes" : "NO", (ull)t->config.min_bet,
	    (ull)t->config.max_bet, t->config.odds_max);
	emit(out, TOP_PLAIN, &l);
}

/* P: in the round, C: committed, R: revealed. */
static void put_round(struct line *l, const struct lfce_round *r, unsigned int i)
{
	char s[4] = "---";

	if (r->participants & (1U << i))
		s[0] = 'P';
	if (r->committed & (1U << i))
		s[1] = 'C';
	if (r->revealed & (1U << i))
		s[2] = 'R';
	put(l, "%-5s", s);
}

static void seat_line(struct line *l, const struct lfce_snapshot *s, unsigned int i)
{
	const struct lfce_seat *st = &s->seat[i];
	unsigned int k, n = 0;

	put(l, "%4u %7u %-7s %12llu %8llu ", i, st->uid,
	    st->flags & LFCE_SEAT_BANNED ? "banned" : "bound", (ull)st->balance, (ull)st->nonce);
	put_round(l, &s->round, i);
	for (k = 0; k < LFCE_BET_NR; k++)
		if (st->bets[k])
			put(l, "%s%s %llu", n++ ? ", " : " ", lfce_bet_name(k), (ull)st->bets[k]);
	if (!n)
		put(l, " -");
}

static void game_seats(struct top_sink *out, const struct lfce_snapshot *s)
{
	struct line l = { .n = 0 };
	unsigned int i, n = 0;

	put(&l, "%4s %7s %-7s %12s %8s %-5s %s", "SEAT", "UID", "FLAGS", "BALANCE", "NONCE",
	    "ROUND", "BETS");
	emit(out, TOP_HEAD, &l);
	for (i = 0; i < LFCE_MAX_SEATS; i++) {
		if (!(s->seat[i].flags & LFCE_SEAT_BOUND))
			continue;
		seat_line(&l, s, i);
		emit(out, TOP_PLAIN, &l);
		n++;
	}
	if (!n)
		say(out, TOP_PLAIN, "(no seat taken)");
}

static void put_action(struct line *l, const struct lfce_proposal *p)
{
	switch (p->action) {
	case LFCE_OP_TRANSFER:
		put(l, "%llu from seat %u to seat %u", (ull)p->value, p->seat, p->to);
		break;
	case LFCE_OP_BAN:
		put(l, "seat %u", p->seat);
		break;
	case LFCE_OP_CONFIG:
		put(l, "%s = %llu", lfce_param_name(p->param), (ull)p->value);
		break;
	default:
		put(l, "-");
	}
}

static void game_proposals(struct top_sink *out, const struct top_game *g)
{
	const struct lfce_counters *c = &g->ctr;
	struct line l = { .n = 0 };
	unsigned int i, n = 0;

	put(&l, "PROPOSALS  opened %llu  passed %llu  rejected %llu  expired %llu  failed %llu",
	    (ull)c->proposals[LFCE_PROP_PENDING], (ull)c->proposals[LFCE_PROP_PASSED],
	    (ull)c->proposals[LFCE_PROP_REJECTED], (ull)c->proposals[LFCE_PROP_EXPIRED],
	    (ull)c->proposals[LFCE_PROP_FAILED]);
	emit(out, TOP_HEAD, &l);
	for (i = 0; i < LFCE_MAX_PROPOSALS; i++) {
		const struct lfce_proposal *p = &g->snap.proposal[i];

		if (p->state != LFCE_PROP_PENDING)
			continue;
		put(&l, "%4llu %-8s by seat %u  for %d against %d of %d (quorum %u)  deadline ",
		    (ull)p->id, lfce_op_name(p->action), p->proposer,
		    __builtin_popcount(p->votes_for), __builtin_popcount(p->votes_against),
		    __builtin_popcount(p->electorate), p->quorum);
		put_deadline(&l, p->deadline_ns);
		put(&l, "  ");
		put_action(&l, p);
		emit(out, TOP_PLAIN, &l);
		n++;
	}
	if (!n)
		say(out, TOP_PLAIN, "(none pending)");
}

static void game_rolls(struct top_sink *out, const struct top_game *g)
{
	struct line l = { .n = 0 };
	unsigned int i;

	put(&l, "LAST ROLLS (newest first):");
	for (i = 0; i < g->nr_rolls; i++)
		put(&l, " %u+%u=%u", g->roll[i].dice[0], g->roll[i].dice[1],
		    g->roll[i].dice[0] + g->roll[i].dice[1]);
	if (!g->nr_rolls)
		put(&l, " none yet");
	if (g->lost)
		put(&l, "  (%llu journal records lapped unread)", (ull)g->lost);
	emit(out, TOP_PLAIN, &l);
}

/* Nanoseconds, shortly: 512ns, 4.1us, 66us, 1.0ms, 2.1s. */
static void put_ns(struct line *l, const char *fmt, uint64_t ns)
{
	static const char *const unit[] = { "ns", "us", "ms", "s" };
	double v = ns;
	unsigned int u = 0;
	char s[16];

	while (v >= 1000 && u < 3) {
		v /= 1000;
		u++;
	}
	snprintf(s, sizeof(s), u && v < 10 ? "%.1f%s" : "%.0f%s", v, unit[u]);
	put(l, fmt, s);
}

static void put_bar(struct line *l, uint64_t v, uint64_t max)
{
	unsigned int n = max ? (unsigned int)((double)v * HIST_BAR / max) : 0;

	if (v && !n)
		n = 1;
	put(l, " %.*s", (int)n, "####################");
}

static uint64_t max_of(const __u64 *v, unsigned int n)
{
	uint64_t m = 0;

	while (n--)
		m = v[n] > m ? v[n] : m;
	return m;
}

/* Retries on the left, commit latency (non-empty span) on the right. */
static void game_histograms(struct top_sink *out, const struct lfce_counters *c)
{
	unsigned int lo = 0, hi = 32, rows, i;
	uint64_t rmax = max_of(c->retries, 8), lmax = max_of(c->latency_ns_log2, 32);
	struct line l = { .n = 0 };

	while (lo < 32 && !c->latency_ns_log2[lo])
		lo++;
	while (hi > lo && !c->latency_ns_log2[hi - 1])
		hi--;
	rows = hi - lo > 8 ? hi - lo : 8;
	put(&l, "%-*s%s", HIST_COL, "CAS RETRIES PER COMMIT", "COMMIT LATENCY (sampled)");
	emit(out, TOP_HEAD, &l);
	for (i = 0; i < rows; i++) {
		if (i < 8) {
			put(&l, "%6s %12llu", top_retry_label(i), (ull)c->retries[i]);
			put_bar(&l, c->retries[i], rmax);
		}
		put(&l, "%*s", (int)(HIST_COL - l.n), "");
		if (lo + i < hi) {
			put_ns(&l, ">=%-7s", 1ULL << (lo + i));
			put(&l, " %12llu", (ull)c->latency_ns_log2[lo + i]);
			put_bar(&l, c->latency_ns_log2[lo + i], lmax);
		} else if (!i && lo == 32) {
			put(&l, "(no samples)");
		}
		emit(out, TOP_PLAIN, &l);
	}
}

void top_text_game(struct top_sink *out, const struct top_game *g)
{
	game_head(out, g);
	say(out, TOP_PLAIN, "");
	game_seats(out, &g->snap);
	say(out, TOP_PLAIN, "");
	game_proposals(out, g);
	say(out, TOP_PLAIN, "");
	game_rolls(out, g);
	say(out, TOP_PLAIN, "");
	game_histograms(out, &g->ctr);
}

/* ---- JSON lines: one object per sample ---- */

static void json_u64s(FILE *f, const char *key, const __u64 *v, unsigned int n)
{
	unsigned int i;

	fprintf(f, ",\"%s\":[", key);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%llu", i ? "," : "", (ull)v[i]);
	fputc(']', f);
}

static void json_seat(FILE *f, const struct lfce_snapshot *s, unsigned int i)
{
	const struct lfce_seat *st = &s->seat[i];
	unsigned int k, n = 0;

	fprintf(f, "{\"seat\":%u,\"uid\":%u,\"banned\":%s,\"balance\":%llu,\"nonce\":%llu", i,
		st->uid, st->flags & LFCE_SEAT_BANNED ? "true" : "false", (ull)st->balance,
		(ull)st->nonce);
	fprintf(f, ",\"participant\":%s,\"committed\":%s,\"revealed\":%s,\"bets\":{",
		s->round.participants & (1U << i) ? "true" : "false",
		s->round.committed & (1U << i) ? "true" : "false",
		s->round.revealed & (1U << i) ? "true" : "false");
	for (k = 0; k < LFCE_BET_NR; k++)
		if (st->bets[k])
			fprintf(f, "%s\"%s\":%llu", n++ ? "," : "", lfce_bet_name(k),
				(ull)st->bets[k]);
	fputs("}}", f);
}

static void json_proposal(FILE *f, const struct lfce_proposal *p)
{
	fprintf(f, "{\"id\":%llu,\"action\":\"%s\",\"state\":\"%s\",\"proposer\":%u", (ull)p->id,
		lfce_op_name(p->action), lfce_prop_state_name(p->state), p->proposer);
	fprintf(f, ",\"seat\":%u,\"to\":%u,\"param\":\"%s\",\"value\":%llu", p->seat, p->to,
		p->action == LFCE_OP_CONFIG ? lfce_param_name(p->param) : "", (ull)p->value);
	fprintf(f, ",\"quorum\":%u,\"electorate\":%d,\"for\":%d,\"against\":%d,\"deadline_ns\":%llu}",
		p->quorum, __builtin_popcount(p->electorate), __builtin_popcount(p->votes_for),
		__builtin_popcount(p->votes_against), (ull)p->deadline_ns);
}

static void json_lists(FILE *f, const struct top_game *g)
{
	const struct lfce_snapshot *s = &g->snap;
	unsigned int i, n = 0;

	fputs(",\"seats\":[", f);
	for (i = 0; i < LFCE_MAX_SEATS; i++) {
		if (!(s->seat[i].flags & LFCE_SEAT_BOUND))
			continue;
		fputs(n++ ? "," : "", f);
		json_seat(f, s, i);
	}
	fputs("],\"proposals\":[", f);
	for (i = n = 0; i < LFCE_MAX_PROPOSALS; i++) {
		if (s->proposal[i].state != LFCE_PROP_PENDING)
			continue;
		fputs(n++ ? "," : "", f);
		json_proposal(f, &s->proposal[i]);
	}
	fputs("],\"last_rolls\":[", f);
	for (i = 0; i < g->nr_rolls; i++)
		fprintf(f, "%s{\"record\":%llu,\"version\":%llu,\"op\":\"%s\",\"dice\":[%u,%u]}",
			i ? "," : "", (ull)g->roll[i].record, (ull)g->roll[i].version,
			lfce_op_name(g->roll[i].op), g->roll[i].dice[0], g->roll[i].dice[1]);
	fputc(']', f);
}

static void json_game(FILE *f, const struct top_game *g)
{
	const struct lfce_table *t = &g->snap.table;

	fprintf(f, "{\"id\":\"0x%llx\",\"version\":%llu,\"records\":%llu,\"digest\":\"%016llx\"",
		(ull)g->id, (ull)t->version, (ull)g->records, (ull)t->digest);
	fprintf(f, ",\"state\":\"%s\",\"stale\":%s,\"commits\":%llu,\"commits_per_s\":",
		top_game_state(&g->snap), g->stale ? "true" : "false", (ull)g->commits);
	if (g->rate < 0)
		fputs("null", f);
	else
		fprintf(f, "%.3f", g->rate);
	fprintf(f, ",\"cas_success\":%.6f,\"cas_failures\":%llu,\"refused\":%llu",
		top_cas_success(g), (ull)g->ctr.cas_failures, (ull)g->ctr.refused);
	fprintf(f, ",\"exhausted\":%llu,\"backpressure\":%llu", (ull)g->ctr.exhausted,
		(ull)g->ctr.backpressure);
	json_u64s(f, "retries", g->ctr.retries, 8);
	json_u64s(f, "latency_ns_log2", g->ctr.latency_ns_log2, 32);
	fprintf(f, ",\"phase\":\"%s\",\"point\":%u,\"stage\":\"%s\",\"shooter\":%u",
		lfce_phase_name(t->phase), t->point, lfce_stage_name(t->stage), t->shooter);
	fprintf(f, ",\"round\":%llu,\"round_deadline_ns\":%llu,\"rolls\":%llu,\"dice\":[%u,%u]",
		(ull)g->snap.round.number, (ull)g->snap.round.deadline_ns, (ull)t->rolls,
		t->dice[0], t->dice[1]);
	fprintf(f, ",\"dice_mode\":\"%s\",\"bank\":%llu,\"total\":%llu,\"conserved\":%s",
		lfce_dice_mode_name(t->config.dice_mode), (ull)t->bank, (ull)t->total,
		lfce_tokens_conserved(&g->snap) ? "true" : "false");
	fprintf(f, ",\"journal_lost\":%llu", (ull)g->lost);
	json_lists(f, g);
	fputc('}', f);
}

void top_json_sample(FILE *f, const struct top_model *m, unsigned long sample)
{
	struct timespec ts;
	size_t i;

	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(f, "{\"sample\":%lu,\"realtime_ns\":%llu,\"games\":[", sample,
		(ull)ts.tv_sec * 1000000000ULL + (ull)ts.tv_nsec);
	for (i = 0; i < m->nr; i++) {
		fputs(i ? "," : "", f);
		json_game(f, &m->game[i]);
	}
	fputs("]}\n", f);
	fflush(f);
}
