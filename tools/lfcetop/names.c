// SPDX-License-Identifier: GPL-2.0-only
/*
 * Words for what only lfcetop shows. The names of bets, operations,
 * parameters, phases, stages and states are liblfce's (lfce_names(3)). A
 * value this build does not know (a newer module) reads "?" rather than
 * indexing past a table.
 */
#include "lfcetop.h"

#define NAME(table, i) ((i) < sizeof(table) / sizeof(table[0]) && table[i] ? table[i] : "?")

/* struct lfce_counters.retries[]: commits by how many CAS retries they took. */
static const char *const retry_labels[] = {
	"0", "1", "2-3", "4-7", "8-15", "16-31", "32-63", "64+",
};

const char *top_retry_label(unsigned int bucket)
{
	return NAME(retry_labels, bucket);
}

/* closed beats suspended: a closed game never resumes. */
const char *top_game_state(const struct lfce_snapshot *s)
{
	if (s->table.flags & LFCE_TABLE_CLOSED)
		return "closed";
	if (s->table.flags & LFCE_TABLE_SUSPENDED)
		return "suspended";
	return "open";
}
