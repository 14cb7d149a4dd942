/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Journal replay: the one implementation for every program of the
 * userspace build (the in-VM tests, the fuzzer, the suites).
 *
 * A game's journal, run through the userspace build of the engine (the
 * module's own rules.c and its parts, snapshot.c, pool.c, engine.c and
 * publish.c), must give back the kernel's snapshots bit for bit and the
 * kernel's records one by one.
 * The replay starts at a new game's first snapshot, or at any snapshot read
 * on the way (lfce_engine_restore()), and goes on with the records after it.
 *
 * One kernel commit is one version and may hold more records than it had
 * operations: a commit past a proposal's deadline lapses it first, with a
 * LAPSE record of its own. So the replay commits all records of a version
 * together, each record's op as an operation, at the record's time; the
 * explicit LAPSE then does what the lazy one did, and the operation after
 * it finds nothing left to lapse. The kernel's seeds come from the records
 * (seed.h's journal source), and the rules check each revealed seed against
 * the commitment the journal published before: a journal whose seeds lie
 * does not replay.
 *
 * Static functions only: each test program includes this once. The calling
 * thread must be registered with the RCU shim (shim_rcu_register_thread()).
 */
#ifndef LFCE_USERSPACE_REPLAY_H
#define LFCE_USERSPACE_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "rules.h"
#include "seed.h"
#include "../../lib/liblfce.h"

/*
 * Operations (records) in one replayed commit: the module's largest batch
 * (batch_max at most 256) and its lazy lapses.
 */
#define REPLAY_BATCH_MAX	LFCE_TXN_RECORDS(256)
/* The replay engine's journal ring: only the last commit is read back. */
#define REPLAY_RECORDS		1024

_Static_assert(LFCE_TXN_RECORDS(REPLAY_BATCH_MAX) <= REPLAY_RECORDS / 2,
	       "a replayed commit must fit in the replay's journal lead (J/2)");

/* What a replay did, and where it differed from the journal. */
struct replay_stats {
	uint64_t commits;		/* versions replayed */
	uint64_t records;		/* records replayed */
	uint64_t rolls;			/* ... of which rolled dice */
	uint64_t dice_differ;		/* ... whose dice differ from the journal's */
	uint64_t records_differ;	/* ... not equal to the journal's */
	int error;			/* the first lfce_commit() error, or ours */
};

struct replay {
	struct lfce_engine e;
	struct lfce_writer w;
	struct lfce_record rec[LFCE_TXN_RECORDS(REPLAY_BATCH_MAX)];
	struct lfce_op ops[REPLAY_BATCH_MAX];
	struct lfce_seed_journal seeds;
	uint64_t next;			/* the record number expected next */
	struct replay_stats st;
};

/*
 * Start a replay at snapshot @from, or at the first snapshot of a new game
 * with @cfg when @from is NULL. Returns NULL if the engine refuses it.
 */
static struct replay *replay_start(const struct lfce_config *cfg,
				   const struct lfce_snapshot *from)
{
	const struct lfce_params p = {
		.slots = 2, .records = REPLAY_RECORDS, .pool_cap = 1024,
		.retry_budget = 8, .batch_max = REPLAY_BATCH_MAX,
	};
	struct replay *r;
	int ret;

	/* The engine's hot words are cache-line aligned: so is the block. */
	if (posix_memalign((void **)&r, 64, sizeof(*r)))
		return NULL;
	memset(r, 0, sizeof(*r));
	ret = from ? lfce_engine_restore(&r->e, from, &p) : lfce_engine_init(&r->e, cfg, &p);
	if (ret) {
		free(r);
		return NULL;
	}
	lfce_writer_init(&r->w, r->rec, ARRAY_SIZE(r->rec), false);
	lfce_seed_journal_init(&r->seeds);
	r->e.seeds = &r->seeds.ops;
	r->next = from ? from->table.records : 0;
	return r;
}

/* Records equal but for the ring tag, which only says where they sat. */
static bool replay_same_record(const struct lfce_record *a, const struct lfce_record *b)
{
	struct lfce_record x = *a, y = *b;

	x.seq = 0;
	y.seq = 0;
	return !memcmp(&x, &y, sizeof(x));
}

/* Compare the records the last commit made with the journal's @want[n]. */
static void replay_compare(struct replay *r, const struct lfce_record *want, unsigned int n)
{
	struct lfce_record got;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (lfce_journal_record(r->e.pub.region, want[i].number, &got)) {
			r->st.records_differ++;
			continue;
		}
		r->st.records_differ += !replay_same_record(&got, &want[i]);
		r->st.rolls += !!want[i].dice[0];
		r->st.dice_differ += got.dice[0] != want[i].dice[0] ||
				     got.dice[1] != want[i].dice[1];
	}
}

/*
 * Replay @n records, which must be whole versions and follow on from what
 * was replayed before. Returns 0, or the first error (also in r->st.error):
 * lfce_commit()'s, or -EPROTO for a record out of place.
 */
static int replay_run(struct replay *r, const struct lfce_record *rec, uint64_t n)
{
	uint64_t i, first = 0, pub, head;
	u64 version;
	unsigned int k = 0;
	int ret;

	for (i = 0; i < n && !r->st.error; i++) {
		if (rec[i].kind != LFCE_REC_OP || rec[i].number != r->next + k ||
		    k == REPLAY_BATCH_MAX) {
			r->st.error = -EPROTO;
			break;
		}
		r->ops[k++] = rec[i].op;
		if (i + 1 < n && rec[i + 1].version == rec[i].version)
			continue;
		lfce_seed_journal_set(&r->seeds, &rec[first], k);
		r->w.realtime_ns = rec[i].realtime_ns;
		ret = lfce_commit(&r->e, &r->w, r->ops, k, rec[i].time_ns, &version);
		/* The same version, and no record more: nothing lapsed twice. */
		if (!ret)
			lfce_header_read(r->e.pub.region, &pub, &head);
		if (!ret && (version != rec[i].version || head != r->next + k))
			ret = -EPROTO;
		if (ret) {
			r->st.error = ret;
			break;
		}
		replay_compare(r, &rec[first], k);
		r->next += k;
		r->st.records += k;
		r->st.commits++;
		first = i + 1;
		k = 0;
	}
	return r->st.error;
}

static void replay_snapshot(struct replay *r, struct lfce_snapshot *out)
{
	lfce_engine_read(&r->e, out, NULL);
}

static void replay_end(struct replay *r)
{
	lfce_writer_release(&r->e, &r->w);
	lfce_engine_uninit(&r->e);
	free(r);
}

/*
 * Replay @n records from @from (NULL: a new game with @cfg) and compare the
 * end with @want, byte for byte. @st (optional) gets the replay's counters.
 * True if every commit went through, every record came out as the journal
 * has it, and the snapshots are identical.
 */
static bool replay_matches(const struct lfce_config *cfg, const struct lfce_snapshot *from,
			   const struct lfce_record *rec, uint64_t n,
			   const struct lfce_snapshot *want, struct replay_stats *st)
{
	struct lfce_snapshot *got = malloc(sizeof(*got));
	struct replay *r = replay_start(cfg, from);
	struct replay_stats none = { .error = -ENOMEM };
	bool same = false;

	if (got && r && !replay_run(r, rec, n)) {
		replay_snapshot(r, got);
		same = !memcmp(got, want, sizeof(*got)) && !r->st.records_differ &&
		       !r->st.dice_differ;
	}
	if (st)
		*st = r ? r->st : none;
	if (r)
		replay_end(r);
	free(got);
	return same;
}

/*
 * The chain: each of @n records after snapshot @from (NULL: the game's
 * start) has its number in turn, a version equal to or one past the one
 * before, and the digest of itself chained onto the one before; and the
 * last is where snapshot @to ends.
 */
static bool replay_chain_holds(const struct lfce_record *rec, uint64_t n,
			       const struct lfce_snapshot *from, const struct lfce_snapshot *to)
{
	uint64_t i, digest = from ? from->table.digest : 0;
	uint64_t version = from ? from->table.version : 0;
	uint64_t number = from ? from->table.records : 0;

	for (i = 0; i < n; i++) {
		if (rec[i].kind != LFCE_REC_OP || rec[i].number != number + i ||
		    (rec[i].version != version && rec[i].version != version + 1) ||
		    lfce_rules_record_digest(&rec[i], digest) != rec[i].digest)
			return false;
		digest = rec[i].digest;
		version = rec[i].version;
	}
	return digest == to->table.digest && version == to->table.version &&
	       number + n == to->table.records;
}

#endif /* LFCE_USERSPACE_REPLAY_H */
