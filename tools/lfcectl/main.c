// SPDX-License-Identifier: GPL-2.0-only
/*
 * lfcectl: control lfce games from the command line.
 *
 *	lfcectl [OPTIONS] OBJECT COMMAND [ARGS]
 *
 * This file holds the dispatch (objects and commands, by unambiguous
 * prefix), the error reporting and the parsers that every object uses.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lfcectl.h"

struct ctl_opts ctl;

static const struct ctl_object objects[] = {
	{ "game", ctl_game_cmds, NULL, "create, list, show and close games" },
	{ "seat", ctl_seat_cmds, NULL, "join and leave; the owner deposits, withdraws, settles" },
	{ "bet", ctl_bet_cmds, NULL, "place and remove bets by name" },
	{ "round", ctl_round_cmds, NULL, "close betting, commit, reveal, expire, roll" },
	{ "proposal", ctl_proposal_cmds, NULL, "propose, vote, lapse, list" },
	{ "journal", ctl_journal_cmds, NULL, "dump, follow and verify the journal" },
	{ "stats", ctl_stats_cmds, "show", "a game's counters" },
	{ "version", ctl_version_cmds, "show", "tool, library, module and ABI versions" },
	{ NULL, NULL, NULL, NULL },
};

/* ---- Errors ---------------------------------------------------------- */

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" }, { EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
	{ ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
	{ ENOSPC, "ENOSPC" }, { E2BIG, "E2BIG" }, { ESPIPE, "ESPIPE" }, { ETIME, "ETIME" },
	{ EPROTO, "EPROTO" }, { EMSGSIZE, "EMSGSIZE" }, { EUSERS, "EUSERS" },
	{ EISCONN, "EISCONN" }, { ENOTCONN, "ENOTCONN" }, { ESTALE, "ESTALE" },
	{ EDQUOT, "EDQUOT" }, { EALREADY, "EALREADY" }, { EACCES, "EACCES" },
	{ ENODATA, "ENODATA" }, { EEXIST, "EEXIST" },
};

const char *ctl_errname(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return "E?";
}

/* One error: "lfcectl: ..." on stderr, or {"error": ...} on stdout with -j. */
static int report(int code, int err, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!ctl.json) {
		fprintf(stderr, "lfcectl: %s%s%s%s\n", msg, err ? " (" : "", err ? ctl_errname(err) : "",
			err ? ")" : "");
		return code;
	}
	json_init(stdout, ctl.pretty);
	json_begin_obj(NULL);
	json_str("error", msg);
	if (err) {
		json_str("errno", ctl_errname(err));
		json_u64("code", err < 0 ? -err : err);
	}
	json_u64("exit", code);
	json_end_obj();
	json_done();
	return code;
}

int ctl_usage(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = report(EXIT_USAGE, 0, fmt, ap);
	va_end(ap);
	if (!ctl.json)
		fprintf(stderr, "Try 'lfcectl help' or 'lfcectl OBJECT help'.\n");
	return ret;
}

int ctl_refused(int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = report(EXIT_REFUSED, err, fmt, ap);
	va_end(ap);
	return ret;
}

int ctl_fail(int code, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = report(code, 0, fmt, ap);
	va_end(ap);
	return ret;
}

/* ---- Parsers ---------------------------------------------------------- */

/* Decimal, or hex with 0x; no sign, no junk, no locale. */
int ctl_parse_u64(const char *s, __u64 *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

int ctl_parse_u32(const char *s, uint32_t *v)
{
	__u64 x;

	if (ctl_parse_u64(s, &x) || x > UINT32_MAX)
		return -EINVAL;
	*v = x;
	return 0;
}

/* N[.frac][ns|us|ms|s|m|h], seconds without a unit; parsed by hand (no locale). */
int ctl_parse_duration(const char *s, __u64 *ns)
{
	static const struct { const char *unit; __u64 ns; } units[] = {
		{ "", 1000000000ULL }, { "s", 1000000000ULL }, { "ms", 1000000ULL },
		{ "us", 1000ULL }, { "ns", 1ULL }, { "m", 60000000000ULL },
		{ "h", 3600000000000ULL },
	};
	__u64 whole = 0, frac = 0, scale = 1;
	const char *p = s;
	size_t i;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++)
		if (__builtin_mul_overflow(whole, 10, &whole) ||
		    __builtin_add_overflow(whole, *p - '0', &whole))
			return -EINVAL;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale < 1000000000ULL) {
				frac = frac * 10 + (*p - '0');
				scale *= 10;
			}
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(p, units[i].unit))
			continue;
		if (__builtin_mul_overflow(whole, units[i].ns, ns))
			return -EINVAL;
		*ns += frac * units[i].ns / scale;
		return 0;
	}
	return -EINVAL;
}

int ctl_parse_game(const char *s, __u64 *id)
{
	return ctl_parse_u64(s, id) || !*id ? -EINVAL : 0;
}

int ctl_parse_seat(const char *s, uint32_t *seat, bool bank_ok)
{
	if (bank_ok && !strcmp(s, "bank")) {
		*seat = LFCE_SEAT_BANK;
		return 0;
	}
	return ctl_parse_u32(s, seat) || *seat >= LFCE_MAX_SEATS ? -EINVAL : 0;
}

/* ---- Names ------------------------------------------------------------ */

/* The names of bets, parameters, operations and states: liblfce's (lfce_names(3)). */

/* A player id as text: its printable prefix, if the rest is zero. */
void ctl_name_of_id(const uint8_t id[32], char *buf, size_t size)
{
	size_t i, n = 0;

	while (n < 32 && id[n] >= 0x20 && id[n] < 0x7f)
		n++;
	for (i = n; i < 32; i++)
		if (id[i])
			n = 0;
	snprintf(buf, size, "%.*s", (int)n, (const char *)id);
}

/* ---- Dispatch --------------------------------------------------------- */

static void object_help(FILE *f, const struct ctl_object *o)
{
	const struct ctl_cmd *c;

	fprintf(f, "Usage: lfcectl [OPTIONS] %s COMMAND [ARGS]\n\n", o->name);
	for (c = o->cmds; c->name; c++)
		fprintf(f, "  lfcectl %s %s %s\n      %s\n", o->name, c->name, c->args, c->help);
}

static void help(FILE *f)
{
	const struct ctl_object *o;

	fputs("Usage: lfcectl [OPTIONS] OBJECT COMMAND [ARGS]\n"
	      "       lfcectl OBJECT help\n\n"
	      "Control lfce games: /dev/lfce, see lfcectl(8).\n\nObjects:\n", f);
	for (o = objects; o->name; o++)
		fprintf(f, "  %-10s %s\n", o->name, o->help);
	fputs("\nOptions:\n"
	      "  -j, --json      one JSON document on stdout (errors too: {\"error\": ...})\n"
	      "  -p, --pretty    indent the JSON (implies --json)\n"
	      "  -h, --help      this help\n"
	      "  -V, --version   tool, library, module and ABI versions\n\n"
	      "Objects and commands may be abbreviated while unambiguous.\n"
	      "Exit status: 0 success, 1 usage, 2 refused by the kernel,\n"
	      "3 journal verify found a divergence, 4 other trouble.\n", f);
}

/*
 * Find @word among the names at @base (stride @size bytes; a name pointer
 * first): an exact match, else the only one it is a prefix of.
 */
static const void *lookup(const void *base, size_t size, const char *word, bool *ambiguous)
{
	const void *found = NULL;
	const char *const *name;
	int n = 0;

	*ambiguous = false;
	for (name = base; *name; name = (const void *)((const char *)name + size)) {
		if (!strcmp(*name, word))
			return name;
		if (!strncmp(*name, word, strlen(word))) {
			found = name;
			n++;
		}
	}
	*ambiguous = n > 1;
	return n == 1 ? found : NULL;
}

static int run_object(const struct ctl_object *o, int argc, char **argv)
{
	const struct ctl_cmd *c = NULL;
	bool amb = false;

	if (argc >= 2 && !strcmp(argv[1], "help")) {
		object_help(stdout, o);
		return EXIT_OK;
	}
	if (argc >= 2)
		c = lookup(o->cmds, sizeof(*c), argv[1], &amb);
	if (!c && o->dflt && !amb) {
		c = lookup(o->cmds, sizeof(*c), o->dflt, &amb);
		return c->fn(argc, argv);	/* argv[0], the object, stands for it */
	}
	if (!c) {
		if (!ctl.json)
			object_help(stderr, o);
		return ctl_usage(argc < 2 ? "%s: which command?" : amb ?
				 "%s: '%s' is ambiguous" : "%s: no command '%s'",
				 o->name, argc < 2 ? "" : argv[1]);
	}
	return c->fn(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct ctl_object *o;
	bool amb;
	int c;

	opterr = 0;	/* our own words for a bad option, as JSON with -j */
	while ((c = getopt_long(argc, argv, "+jphV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctl.json = true;
			break;
		case 'p':
			ctl.json = ctl.pretty = true;
			break;
		case 'h':
			help(stdout);
			return EXIT_OK;
		case 'V':
			return ctl_version_cmds[0].fn(1, (char *[]){ "version", NULL });
		default:
			return ctl_usage("unknown option");
		}
	}
	json_init(stdout, ctl.pretty);
	if (optind >= argc) {
		if (!ctl.json)
			help(stderr);
		return ctl_usage("which object?");
	}
	if (!strcmp(argv[optind], "help")) {
		help(stdout);
		return EXIT_OK;
	}
	o = lookup(objects, sizeof(*o), argv[optind], &amb);
	if (!o)
		return ctl_usage(amb ? "'%s' is ambiguous" : "no object '%s'", argv[optind]);
	return run_object(o, argc - optind, argv + optind);
}
