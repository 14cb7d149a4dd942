// SPDX-License-Identifier: GPL-2.0-only
/*
 * lfce-monitor: the minimal monitor. It follows one game's journal in the
 * read-only mapping and prints a line per record that matters to a person
 * watching: players joining, money moving in and out, rolls, forfeits and
 * proposals. With --all, every record.
 *
 * It needs no seat and no write access: an O_RDONLY handle may attach and
 * map. Everything it prints comes from the mapping through liblfce's inline
 * readers (lfce_journal_next(), lfce_snapshot()), with no system call but a
 * short sleep between looks. Falling behind the ring is not an error:
 * lfce_journal_next() reports the records lost as one gap record.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "liblfce.h"

/* The words for operations and proposal states are liblfce's (lfce_names(3)). */
static const char *op_name(__u16 type)
{
	return lfce_op_name(type);
}

static const char *state_name(__u32 state)
{
	return lfce_prop_state_name(state);
}

static void who(const struct lfce_op *op)
{
	if (op->seat == LFCE_SEAT_BANK)
		printf(" bank");
	else
		printf(" seat %u", op->seat);
}

/* Is this record one a person watching the table wants to see? */
static bool notable(const struct lfce_record *r)
{
	switch (r->op.type) {
	case LFCE_OP_BET:
	case LFCE_OP_UNBET:
	case LFCE_OP_CLOSE:
	case LFCE_OP_COMMIT:
		return false;
	case LFCE_OP_REVEAL:
		return r->dice[0];	/* only the reveal that rolled */
	}
	return true;
}

static void print_record(const struct lfce_record *r)
{
	const struct lfce_op *op = &r->op;

	if (r->kind == LFCE_REC_GAP) {
		printf("monitor: fell behind: %llu records lost from #%llu\n",
		       (__u64)op->nonce, r->number);
		return;
	}
	printf("#%-5llu v%-5llu %-8s", r->number, r->version, op_name(op->type));
	if (op->type == LFCE_OP_EXPIRE)
		printf(" deadline passed: who did not reveal forfeits");
	else
		who(op);
	if (r->dice[0])
		printf("  rolls %u+%u = %u", r->dice[0], r->dice[1], r->dice[0] + r->dice[1]);
	if (op->type == LFCE_OP_PROPOSE)
		printf("  proposal %llu (%s)", op->u.propose.id, op_name(op->u.propose.action));
	if (op->type == LFCE_OP_VOTE || op->type == LFCE_OP_LAPSE)
		printf("  proposal %llu", op->u.vote.id);
	if (op->type == LFCE_OP_PROPOSE || op->type == LFCE_OP_VOTE || op->type == LFCE_OP_LAPSE)
		printf(": %s", state_name(r->outcome));
	if (r->seat_delta && op->seat != LFCE_SEAT_BANK)
		printf("  seat %+lld", (long long)r->seat_delta);
	if (r->bank_delta)
		printf("  bank %+lld", (long long)r->bank_delta);
	putchar('\n');
}

/* The game at a glance, from a snapshot copied out of the mapping. */
static void print_table(const struct lfce_snapshot *s)
{
	printf("monitor: version %llu, %llu records, %llu"
	       " rolls, bank %llu, total %llu, tokens %s\n",
	       s->table.version, s->table.records, s->table.rolls, s->table.bank,
	       s->table.total, lfce_tokens_conserved(s) ? "conserved" : "NOT CONSERVED");
}

/* Print records until the game is closed and its journal read to the end. */
static int follow(int fd, const void *base, bool all)
{
	struct lfce_snapshot s;
	struct lfce_record r;
	uint64_t cursor = 0;	/* liblfce's type */
	int ret;

	for (;;) {
		while (!lfce_journal_next(base, &cursor, &r))
			if (all || r.kind == LFCE_REC_GAP || notable(&r))
				print_record(&r);
		fflush(stdout);
		ret = lfce_snapshot(fd, base, &s);
		if (ret)
			return ret;
		if ((s.table.flags & LFCE_TABLE_CLOSED) && cursor >= s.table.records) {
			print_table(&s);
			return 0;
		}
		usleep(20000);	/* poll(2) would do, with read(2) moving a cursor */
	}
}

static const char usage_text[] =
"Usage: lfce-monitor --game ID [--all]\n"
"Follow the journal of lfce game ID through its read-only mapping, from its\n"
"first record, until the game is closed.\n"
"\n"
"  -g, --game ID   the game (decimal or 0x hex)\n"
"  -a, --all       every record, bets and commitments included\n"
"  -h, --help      this text\n"
"\n"
"Exit status: 0 once the closed game's journal is read, 1 usage, 2 the\n"
"kernel refused.\n";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "game", required_argument, NULL, 'g' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	__u64 game = 0;
	const void *base;
	bool all = false;
	char *end = NULL;
	size_t size;
	int c, fd, ret;

	while ((c = getopt_long(argc, argv, "g:ah", longopts, NULL)) != -1) {
		if (c == 'g')
			game = strtoull(optarg, &end, 0);
		else if (c == 'a')
			all = true;
		else if (c == 'h')
			return fputs(usage_text, stdout) < 0;
		else
			return 1;
	}
	if (!game || !end || *end || optind < argc) {
		fputs("lfce-monitor: --game ID is required\nTry 'lfce-monitor --help'.\n", stderr);
		return 1;
	}
	fd = lfce_open(O_RDONLY);
	ret = fd < 0 ? fd : lfce_attach(fd, game);
	if (!ret)
		ret = lfce_map(fd, &base, &size);
	if (!ret)
		ret = follow(fd, base, all);
	if (ret) {
		fprintf(stderr, "lfce-monitor: game %llu: %s\n", game, lfce_strerror(ret));
		return 2;
	}
	return 0;
}
