/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * seed: the kernel's secret seed of every roll, an input of the rules like
 * the commit time.
 *
 * Roll number r of a game (table.rolls before it) mixes in seed(r), which
 * nobody outside the kernel knows until the record of roll r reveals it.
 * The snapshot carries SHA-256(seed(r)) from before anyone can act on roll
 * r: from the game's first commit for roll 0, and from roll r - 1 for every
 * later one. The rules check each revealed seed against that commitment, so
 * a seed can be neither chosen late nor drawn again by resubmitting.
 *
 * Two sources implement struct lfce_seeds:
 *   - a game's key (lfce_seed_key_init()): seed(r) = SHA-256(key || le64 r),
 *     with a 256-bit key drawn when the game is created and never revealed.
 *     SHA-256 of a fixed-length secret-prefixed input is a pseudo-random
 *     function: revealed seeds say nothing about the key or other seeds.
 *   - a journal (lfce_seed_journal_init()): for a replay, the seeds and
 *     commitments the records carry, whose consistency the rules check.
 */
#ifndef _LFCE_SEED_H
#define _LFCE_SEED_H

#include <linux/types.h>
#include <linux/lfce.h>

#define LFCE_SEED_SIZE	32

struct lfce_seeds {
	/*
	 * SHA-256 of the seed of roll @roll into @out, published by record
	 * number @record. 0, or a negative errno that refuses the commit.
	 */
	int (*commitment)(const struct lfce_seeds *s, u64 record, u64 roll, u8 *out);
	/* The seed of roll @roll into @out, revealed by record @record. */
	int (*seed)(const struct lfce_seeds *s, u64 record, u64 roll, u8 *out);
};

/* The seeds of a live game. */
struct lfce_seed_key {
	struct lfce_seeds ops;
	u8 key[LFCE_SEED_SIZE];
};

/* Seeds from records [first, first + nr) of a journal. */
struct lfce_seed_journal {
	struct lfce_seeds ops;
	const struct lfce_record *rec;
	u64 first;
	unsigned int nr;
};

void lfce_seed_key_init(struct lfce_seed_key *k, const u8 *key);
void lfce_seed_key_wipe(struct lfce_seed_key *k);
void lfce_seed_journal_init(struct lfce_seed_journal *j);
void lfce_seed_journal_set(struct lfce_seed_journal *j, const struct lfce_record *rec,
			   unsigned int nr);

#endif /* _LFCE_SEED_H */
