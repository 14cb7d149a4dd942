// SPDX-License-Identifier: GPL-2.0-only
/*
 * seed: the kernel's secret seed of each roll, from a game's key or, for a
 * replay, from the journal. See seed.h for what the rules do with them.
 */
#include <linux/container_of.h>
#include <linux/errno.h>
#include <linux/random.h>
#include <linux/string.h>
#include <crypto/sha2.h>

#include "seed.h"

static void key_seed(const struct lfce_seed_key *k, u64 roll, u8 *out)
{
	u8 buf[LFCE_SEED_SIZE + 8];
	unsigned int i;

	memcpy(buf, k->key, LFCE_SEED_SIZE);
	for (i = 0; i < 8; i++)
		buf[LFCE_SEED_SIZE + i] = roll >> (8 * i);
	sha256(buf, sizeof(buf), out);
	memzero_explicit(buf, sizeof(buf));
}

static int key_commitment(const struct lfce_seeds *s, u64 record, u64 roll, u8 *out)
{
	const struct lfce_seed_key *k = container_of(s, struct lfce_seed_key, ops);
	u8 seed[LFCE_SEED_SIZE];

	key_seed(k, roll, seed);
	sha256(seed, sizeof(seed), out);
	memzero_explicit(seed, sizeof(seed));
	return 0;
}

static int key_reveal(const struct lfce_seeds *s, u64 record, u64 roll, u8 *out)
{
	key_seed(container_of(s, struct lfce_seed_key, ops), roll, out);
	return 0;
}

/*
 * A game's seeds, from @key, or from a key drawn now when @key is NULL:
 * every seed of the game is fixed from here on, before anyone can act.
 */
void lfce_seed_key_init(struct lfce_seed_key *k, const u8 *key)
{
	k->ops.commitment = key_commitment;
	k->ops.seed = key_reveal;
	if (key)
		memcpy(k->key, key, LFCE_SEED_SIZE);
	else
		get_random_bytes(k->key, LFCE_SEED_SIZE);
}

void lfce_seed_key_wipe(struct lfce_seed_key *k)
{
	memzero_explicit(k->key, sizeof(k->key));
}

/* The record numbered @n among those set, or NULL. */
static const struct lfce_record *journal_record(const struct lfce_seeds *s, u64 n)
{
	const struct lfce_seed_journal *j = container_of(s, struct lfce_seed_journal, ops);

	if (n < j->first || n - j->first >= j->nr)
		return NULL;
	return &j->rec[n - j->first];
}

static int journal_commitment(const struct lfce_seeds *s, u64 record, u64 roll, u8 *out)
{
	const struct lfce_record *rec = journal_record(s, record);

	if (!rec)
		return -EPROTO;
	memcpy(out, rec->commitment, LFCE_SEED_SIZE);
	return 0;
}

static int journal_reveal(const struct lfce_seeds *s, u64 record, u64 roll, u8 *out)
{
	const struct lfce_record *rec = journal_record(s, record);

	if (!rec)
		return -EPROTO;
	memcpy(out, rec->seed, LFCE_SEED_SIZE);
	return 0;
}

void lfce_seed_journal_init(struct lfce_seed_journal *j)
{
	j->ops.commitment = journal_commitment;
	j->ops.seed = journal_reveal;
	j->rec = NULL;
	j->first = 0;
	j->nr = 0;
}

/* The records of the commit about to be replayed: @nr from @rec on. */
void lfce_seed_journal_set(struct lfce_seed_journal *j, const struct lfce_record *rec,
			   unsigned int nr)
{
	j->rec = rec;
	j->first = nr ? rec[0].number : 0;
	j->nr = nr;
}
