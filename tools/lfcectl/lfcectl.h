/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lfcectl: what the objects' files share: the global options, the
 * handle on one game, the exit codes, and the error reporting.
 */
#ifndef LFCECTL_H
#define LFCECTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "liblfce.h"
#include "json.h"

#define LFCECTL_VERSION		"0.1"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Exit codes (lfcectl(8), EXIT STATUS). */
#define EXIT_OK			0
#define EXIT_USAGE		1	/* bad command line */
#define EXIT_REFUSED		2	/* the kernel refused (an errno) */
#define EXIT_DIVERGED		3	/* journal verify found a divergence */
#define EXIT_TROUBLE		4	/* anything else: a file, memory */

struct ctl_opts {
	bool json;
	bool pretty;
};

extern struct ctl_opts ctl;

/* One game, attached, mapped. */
struct ctl_game {
	int fd;
	__u64 id;
	const void *base;
	size_t size;
	struct lfce_snapshot snap;	/* the newest read by ctl_refresh() */
};

/* A command: argv[0] is its name; returns an exit code. */
struct ctl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;		/* usage after "lfcectl OBJECT NAME" */
	const char *help;
};

struct ctl_object {
	const char *name;
	const struct ctl_cmd *cmds;
	const char *dflt;		/* command when the next word is none */
	const char *help;
};

extern const struct ctl_cmd ctl_game_cmds[], ctl_seat_cmds[], ctl_bet_cmds[],
	ctl_round_cmds[], ctl_proposal_cmds[], ctl_journal_cmds[], ctl_stats_cmds[],
	ctl_version_cmds[];

/* Errors: print in words (or as {"error": ...} with -j); return the code. */
int __attribute__((format(printf, 1, 2))) ctl_usage(const char *fmt, ...);
int __attribute__((format(printf, 2, 3))) ctl_refused(int err, const char *fmt, ...);
int __attribute__((format(printf, 2, 3))) ctl_fail(int code, const char *fmt, ...);
const char *ctl_errname(int err);

/* Parsing, each returning 0 or -EINVAL. */
int ctl_parse_u64(const char *s, __u64 *v);
int ctl_parse_u32(const char *s, uint32_t *v);
int ctl_parse_duration(const char *s, __u64 *ns);
int ctl_parse_game(const char *s, __u64 *id);
int ctl_parse_seat(const char *s, uint32_t *seat, bool bank_ok);
void ctl_name_of_id(const uint8_t id[32], char *buf, size_t size);

/* Attach to @id (writable or read-only) and map it; 0 or an exit code. */
int ctl_open_game(struct ctl_game *g, __u64 id, bool writable);
/* open(2) /dev/lfce: the fd, or -1 with the error reported (EXIT_REFUSED). */
int ctl_device(int flags);
int ctl_open_game_quiet(struct ctl_game *g, __u64 id, bool writable);
void ctl_close_game(struct ctl_game *g);
int ctl_refresh(struct ctl_game *g);
/* The seat bound to the caller's euid (or seat @want): 0, or an exit code (reported). */
int ctl_my_seat(struct ctl_game *g, int want, uint32_t *seat);
int ctl_my_seat_quiet(const struct ctl_game *g, int want, uint32_t *seat);
/*
 * Submit @op as a player of @seat (joins the seat again first: a seat
 * belongs to a handle, and the handle ends with the command), as the owner,
 * or as anyone attached (EXPIRE, LAPSE). Retries EAGAIN with the same
 * nonce. Returns 0 or a negative errno; @version gets the commit's version.
 */
int ctl_submit_player(struct ctl_game *g, uint32_t seat, struct lfce_op *op, __u64 *version);
int ctl_submit_owner(struct ctl_game *g, struct lfce_op *op, __u64 *version);
int ctl_submit_anyone(struct ctl_game *g, struct lfce_op *op, __u64 *version);
/* Words with values for @err after @op was refused; falls back to lfce_strerror(). */
int ctl_refused_op(struct ctl_game *g, const struct lfce_op *op, int err);
/* The result of a command that committed: text line or JSON object. */
void ctl_print_commit(const struct ctl_game *g, const char *what, __u64 version);

/* Command-line options shared by game create and journal verify. */
int ctl_config_option(int opt, const char *arg, struct lfce_config *cfg);
extern const struct option ctl_config_longopts[];
#define CTL_CONFIG_OPTS_NR	12

/* Output helpers for snapshots and records (game.c, journal.c). */
void ctl_print_record(const struct lfce_record *r);
void ctl_json_record(const char *key, const struct lfce_record *r);
void ctl_json_config(const struct lfce_config *c);
void ctl_json_proposal(const struct lfce_proposal *p);
void ctl_print_proposal(const struct lfce_proposal *p);

#endif /* LFCECTL_H */
