/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lfcetop: a live monitor of lfce games. It maps each game once and from
 * then on reads only the mapping: the snapshot (liblfce's read protocol),
 * the header's counters and the journal. The files, by concern:
 *
 *   model.c  the games: finding, mapping and unmapping them, and what is
 *            read from each mapping per refresh (rates, last rolls)
 *   names.c  the words for the uapi's enums
 *   text.c   the layout of a games list and of one game, as lines for a
 *            sink (plain text or curses), and the JSON of a sample
 *   view.c   the interactive ncursesw screen and its keys
 *   main.c   options, batch modes
 */
#ifndef LFCETOP_H
#define LFCETOP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "liblfce.h"

#define LFCETOP_VERSION	"0.1"

/* Rolls remembered per game, newest first. */
#define TOP_ROLLS	8

struct top_roll {
	uint64_t record;		/* journal record number */
	uint64_t version;
	uint16_t op;			/* enum lfce_op_type that rolled */
	uint8_t dice[2];
};

struct top_game {
	uint64_t id;
	const void *base;		/* the read-only mapping */
	size_t size;
	struct lfce_snapshot snap;	/* private copy, never fields in place */
	struct lfce_counters ctr;	/* relaxed copy of the header's counters */
	uint64_t records;		/* journal_head at the last refresh */
	uint64_t commits;		/* sum of ctr.retries[] */
	double rate;			/* commits per second; < 0: not known yet */
	double prev_t;			/* monotonic seconds of the last refresh */
	uint64_t prev_commits;
	int fresh;			/* refreshed once at least */
	int stale;			/* the last copy lapped: showing the one before */
	int closed;			/* refreshes seen closed */
	uint64_t cursor;		/* next journal record to look at */
	uint64_t lost;			/* records the journal lapped before we read them */
	struct top_roll roll[TOP_ROLLS];
	unsigned int nr_rolls;
};

struct top_model {
	struct top_game *game;		/* by id, ascending */
	size_t nr, cap;
	const uint64_t *only;		/* -g: watch these ids only, never LIST */
	size_t nr_only;
	double rescan;			/* seconds between LISTs; 0: never again */
	double last_scan;		/* monotonic seconds */
	char note[160];			/* last event worth saying (a game gone, an error) */
};

double top_now(void);
int top_model_scan(struct top_model *m);
void top_model_refresh(struct top_model *m);
int top_model_find(const struct top_model *m, uint64_t id);
void top_model_free(struct top_model *m);
double top_cas_success(const struct top_game *g);

const char *top_retry_label(unsigned int bucket);
const char *top_game_state(const struct lfce_snapshot *s);

/* Where a layout goes: plain text, or curses. */
enum top_attr { TOP_PLAIN, TOP_HEAD, TOP_SELECTED };

struct top_sink {
	void (*line)(struct top_sink *sink, enum top_attr attr, const char *text);
	int width;			/* columns, for bars; lines are not cut here */
};

void top_text_games(struct top_sink *out, const struct top_model *m, int selected);
void top_text_game(struct top_sink *out, const struct top_game *g);
void top_json_sample(FILE *f, const struct top_model *m, unsigned long sample);

struct top_view_opts {
	double delay;
	uint64_t start_game;		/* 0: start on the games list */
};

int top_view_run(struct top_model *m, const struct top_view_opts *o);

#endif /* LFCETOP_H */
