/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * verify: a journal checked two ways, against a snapshot at its end:
 *   - the digest chain: each record's number, version and digest follow
 *     from the one before, and the last is the snapshot's;
 *   - the replay: the records' operations run through module/'s rules,
 *     compiled unchanged in userspace (tools/testing/userspace/replay.h),
 *     give back each record and the snapshot, bit for bit.
 * This is the only part of lfcectl built from module code (GPL-2.0-only).
 */
#ifndef LFCECTL_VERIFY_H
#define LFCECTL_VERIFY_H

#include <stdbool.h>
#include <linux/types.h>
#include <linux/lfce.h>

struct verify_report {
	__u64 records, commits, rolls;	/* replayed */
	bool chain_ok;
	__u64 chain_at;			/* first record whose link fails */
	char chain_why[160];
	bool replay_ok;
	__u64 replay_at;			/* first record that replays differently */
	int replay_error;			/* the rules refused it: the errno */
	char replay_why[256];
	bool end_ok;				/* the replay's snapshot is the one given */
	char end_why[160];
};

/*
 * @n records from the game's start (record 0), configured by @cfg at its
 * creation, ending at @want. Returns true if all three checks hold.
 */
bool verify_journal(const struct lfce_config *cfg, const struct lfce_record *rec, __u64 n,
		    const struct lfce_snapshot *want, struct verify_report *out);

/* The chain alone, for records [rec[0].number, ...) whose start is lost. */
bool verify_chain_from(const struct lfce_record *rec, __u64 n, struct verify_report *out);

/* The rules' default config (lfce_rules_default_config()): game create's base. */
void verify_default_config(struct lfce_config *cfg);

#endif /* LFCECTL_VERIFY_H */
