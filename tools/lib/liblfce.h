/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * liblfce: the userspace side of lfce.
 *
 * This header holds the one implementation of the mmap read protocol of
 * uapi/linux/lfce.h ("The mapping"). Its hot path is inline: reading a
 * snapshot makes no library call and no system call. Every function returns
 * 0 or a negative errno and never sets errno.
 */
#ifndef LIBLFCE_H
#define LIBLFCE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/lfce.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Kernel-style names for the C11 atomics the protocol needs. */
#define lfce_smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define lfce_read_once(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define lfce_smp_rmb()			__atomic_thread_fence(__ATOMIC_ACQUIRE)

/* Tries before lfce_snapshot_read() gives up with -EAGAIN. */
#define LFCE_READ_TRIES		64

/*
 * lfce_region_check - validate a mapped region's header
 * @base: start of the mapping
 * @size: bytes mapped
 *
 * Returns 0 if the header describes a region this library can read and that
 * fits in @size, -EPROTO for a foreign magic or ABI version, -EINVAL for
 * inconsistent geometry.
 */
static inline int lfce_region_check(const void *base, size_t size)
{
	const struct lfce_region *r = (const struct lfce_region *)base;

	if (size < sizeof(*r) || r->magic != LFCE_REGION_MAGIC ||
	    r->abi_version != LFCE_ABI_VERSION)
		return -EPROTO;
	if (!r->slots || (r->slots & (r->slots - 1)) ||
	    !r->journal_records || (r->journal_records & (r->journal_records - 1)) ||
	    r->slot_stride < sizeof(struct lfce_slot) || r->record_size != sizeof(struct lfce_record))
		return -EINVAL;
	if (r->region_size > size ||
	    r->slots_offset + (uint64_t)r->slots * r->slot_stride > r->region_size ||
	    r->journal_offset + (uint64_t)r->journal_records * r->record_size > r->region_size)
		return -EINVAL;
	return 0;
}

/* Word copy with relaxed loads: the writer may be storing concurrently. */
static inline void lfce__copy_words(void *dst, const void *src, size_t bytes)
{
	const uint64_t *s = (const uint64_t *)src;
	uint64_t *d = (uint64_t *)dst;
	size_t i;

	for (i = 0; i < bytes / 8; i++)
		d[i] = lfce_read_once(&s[i]);
}

/*
 * lfce_snapshot_read - copy the newest published snapshot (the mmap read protocol)
 * @base: a region that passed lfce_region_check()
 * @out: private memory for the copy
 *
 * Lock-free: it fails only if writers lap the ring LFCE_READ_TRIES times
 * during the copy. Returns 0, or -EAGAIN; callers then fall back to the
 * LFCE_IOC_GET ioctl. Use only the copy, never fields in place.
 */
static inline int lfce_snapshot_read(const void *base, struct lfce_snapshot *out)
{
	const struct lfce_region *r = (const struct lfce_region *)base;
	const struct lfce_slot *slot;
	uint32_t gen, seq, tries;

	for (tries = 0; tries < LFCE_READ_TRIES; tries++) {
		/* Pairs with the publisher's smp_store_release(gen). */
		gen = lfce_smp_load_acquire(&r->gen);
		slot = (const struct lfce_slot *)((const char *)base + r->slots_offset +
						  (size_t)(gen & (r->slots - 1)) * r->slot_stride);
		/* Pairs with the publisher's smp_store_release(seq). */
		seq = lfce_smp_load_acquire(&slot->seq);
		if (seq != 2 * gen + 2)
			continue;	/* being rewritten for a newer gen */
		lfce__copy_words(out, &slot->snap, sizeof(*out));
		/* Order the copy before the re-check; pairs with the smp_wmb() after seq went odd. */
		lfce_smp_rmb();
		if (lfce_read_once(&slot->seq) == seq)
			return 0;
	}
	return -EAGAIN;
}

/* Add @v to *@sum; true if that wrapped around. */
static inline int lfce__add_wraps(uint64_t *sum, uint64_t v)
{
	*sum += v;
	return *sum < v;
}

/*
 * lfce_tokens_conserved - does a copied snapshot keep token conservation?
 * @s: a private copy (lfce_snapshot_read(), lfce_get())
 *
 * True if the balances, the bets and the bank sum to table.total, which
 * every committed snapshot does. A sum that wraps around is not conserved,
 * whatever it wraps to. This is the rule the kernel states as
 * lfce_rules_conserved() (module/invariants.c), written again here because
 * the library cannot take the module's code; the two must agree.
 */
static inline int lfce_tokens_conserved(const struct lfce_snapshot *s)
{
	uint64_t sum = s->table.bank;
	int i, k;

	for (i = 0; i < LFCE_MAX_SEATS; i++) {
		if (lfce__add_wraps(&sum, s->seat[i].balance))
			return 0;
		for (k = 0; k < LFCE_BET_NR; k++)
			if (lfce__add_wraps(&sum, s->seat[i].bets[k]))
				return 0;
	}
	return sum == s->table.total;
}

/*
 * lfce_join_nonce - a nonce for LFCE_IOC_JOIN that no seat has used
 * @s: a private copy of the game's snapshot (lfce_snapshot_read(), lfce_get())
 *
 * A JOIN, like every player operation, must carry a nonce above the seat's
 * last one, and a seat keeps its nonce when its player leaves: a retry sent
 * before the LEAVE must not apply again after a re-join. One above every
 * seat's is fresh for whichever seat the JOIN takes, LFCE_SEAT_ANY
 * included. Another handle may join first: EALREADY (or EUSERS, EPERM)
 * then, with nothing changed; read the snapshot again and retry.
 */
static inline uint64_t lfce_join_nonce(const struct lfce_snapshot *s)
{
	uint64_t nonce = 0;
	int i;

	for (i = 0; i < LFCE_MAX_SEATS; i++)
		if (s->seat[i].nonce > nonce)
			nonce = s->seat[i].nonce;
	return nonce + 1;
}

/*
 * lfce_header_read - the cheap read: what is published, without a copy
 * @base: a region that passed lfce_region_check()
 * @version: out, the newest published snapshot version
 * @records: out, the number of complete journal records
 *
 * Two acquire loads; enough to tell whether anything changed since the last
 * lfce_snapshot_read() before paying for a copy.
 */
static inline void lfce_header_read(const void *base, uint64_t *version, uint64_t *records)
{
	const struct lfce_region *r = (const struct lfce_region *)base;

	/* Pairs with the publisher's smp_store_release(pub_ver). */
	*version = lfce_smp_load_acquire(&r->pub_ver);
	/* Pairs with the publisher's smp_store_release(journal_head). */
	*records = lfce_smp_load_acquire(&r->journal_head);
}

/* The journal entry where record @n lives. */
static inline const struct lfce_record *lfce__journal_entry(const void *base, uint64_t n)
{
	const struct lfce_region *r = (const struct lfce_region *)base;

	return (const struct lfce_record *)((const char *)base + r->journal_offset) +
	       (n & (r->journal_records - 1));
}

/*
 * lfce_journal_record - copy journal record @n
 * @base: a region that passed lfce_region_check()
 * @n: record number
 * @out: private memory for the copy
 *
 * Returns 0; -EAGAIN if record @n is not yet published (n >= journal_head);
 * -ENODATA if it was overwritten because the reader fell behind (see "The
 * mapping" in the uapi; the caller reports a gap).
 */
static inline int lfce_journal_record(const void *base, uint64_t n, struct lfce_record *out)
{
	const struct lfce_region *r = (const struct lfce_region *)base;
	const struct lfce_record *e = lfce__journal_entry(base, n);
	uint32_t seq = 2 * (uint32_t)n + 2;

	/* Pairs with the publisher's smp_store_release(journal_head). */
	if (n >= lfce_smp_load_acquire(&r->journal_head))
		return -EAGAIN;
	/* Pairs with the committer's smp_store_release(seq). */
	if (lfce_smp_load_acquire(&e->seq) != seq)
		return -ENODATA;
	lfce__copy_words(out, e, sizeof(*out));
	lfce_smp_rmb();
	if (lfce_read_once(&e->seq) != seq || out->number != n)
		return -ENODATA;
	return 0;
}

/*
 * lfce_journal_oldest - where a lapped reader resumes
 * @base: a region that passed lfce_region_check()
 * @from: the record after the one found overwritten
 * @head: a journal_head loaded before that
 *
 * The oldest record intact at or after @from, by the rule of the uapi ("The
 * mapping"): overwritten records are a prefix of [head - J, head) that ends
 * by head - J/2, so a binary search over [max(@from, head - J), head) finds
 * its end. Returns @head if none below it is intact. This is the rule the
 * kernel's read(2) follows with lfce_publish_oldest() (module/publish.c):
 * same bounds, same search.
 */
static inline uint64_t lfce_journal_oldest(const void *base, uint64_t from, uint64_t head)
{
	const struct lfce_region *r = (const struct lfce_region *)base;
	uint64_t lo = head < r->journal_records ? 0 : head - r->journal_records, hi = head, mid;

	if (lo < from)
		lo = from;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		/* Pairs with the committer's smp_store_release(seq). */
		if (lfce_smp_load_acquire(&lfce__journal_entry(base, mid)->seq) ==
		    2 * (uint32_t)mid + 2)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * The ioctl wrappers (liblfce.c). Each returns 0 (lfce_open: an fd) or a
 * negative errno; lfce_strerror() turns that into words.
 */
int lfce_open(int flags);
int lfce_version(int fd, uint32_t *abi_version);
int lfce_create(int fd, const struct lfce_config *config, uint64_t *game_id);
int lfce_attach(int fd, uint64_t game_id);
int lfce_join(int fd, uint32_t seat, uint64_t nonce, const uint8_t id[32],
	      uint32_t *seat_out, uint64_t *version);
int lfce_submit(int fd, const struct lfce_op *ops, uint32_t count, uint64_t *version);
/* The same, again while EAGAIN, which committed nothing: at most @tries calls, 0 no limit. */
int lfce_join_retry(int fd, uint32_t seat, uint64_t nonce, const uint8_t id[32],
		    uint32_t *seat_out, uint64_t *version, unsigned int tries);
int lfce_submit_retry(int fd, const struct lfce_op *ops, uint32_t count, uint64_t *version,
		      unsigned int tries);
int lfce_get(int fd, struct lfce_snapshot *snap);
int lfce_stats(int fd, struct lfce_stats *stats);
int lfce_list(int fd, uint64_t start, uint64_t *ids, uint32_t *count, uint64_t *total);
int lfce_close_game(int fd, uint64_t game_id, uint32_t flags);
int lfce_map(int fd, const void **base, size_t *size);
int lfce_unmap(const void *base, size_t size);
int lfce_snapshot(int fd, const void *base, struct lfce_snapshot *snap);
const char *lfce_strerror(int err);

/*
 * Names for the uapi's numbers, one table for every tool (lfce_names(3)):
 * "?" for a number this build does not know. lfce_bet_kind() and
 * lfce_param() and lfce_dice_mode() take a name back, ignoring case, '-', '_' and '\'', and
 * return -EINVAL for none.
 */
const char *lfce_bet_name(unsigned int kind);
const char *lfce_op_name(unsigned int type);
const char *lfce_param_name(unsigned int param);
const char *lfce_phase_name(unsigned int phase);
const char *lfce_stage_name(unsigned int stage);
const char *lfce_dice_mode_name(unsigned int mode);
const char *lfce_prop_state_name(unsigned int state);
int lfce_bet_kind(const char *name);
int lfce_param(const char *name);
int lfce_dice_mode(const char *name);

/*
 * lfce_journal_next - iterate over the journal in the mapping
 * @base: a region that passed lfce_region_check()
 * @cursor: in: the next record wanted; out: the one after what was returned
 * @out: the record, or a LFCE_REC_GAP record (number: first lost, op.nonce:
 *       how many, at least 1) if the ring has moved past *@cursor; the
 *       cursor then goes to the oldest record still intact
 *
 * Returns 0, or -EAGAIN when there is nothing new yet.
 */
static inline int lfce_journal_next(const void *base, uint64_t *cursor, struct lfce_record *out)
{
	const struct lfce_region *r = (const struct lfce_region *)base;
	uint64_t head, oldest;
	int ret = lfce_journal_record(base, *cursor, out);

	if (ret != -ENODATA) {
		*cursor += !ret;
		return ret;
	}
	/* Pairs with the publisher's smp_store_release(journal_head). */
	head = lfce_smp_load_acquire(&r->journal_head);
	/* As read(2) does: the oldest intact record, never behind the cursor. */
	oldest = lfce_journal_oldest(base, *cursor + 1, head);
	memset(out, 0, sizeof(*out));
	out->kind = LFCE_REC_GAP;
	out->number = *cursor;
	out->op.nonce = oldest - *cursor;
	*cursor = oldest;
	return 0;
}

#ifdef __cplusplus
}
#endif

#endif /* LIBLFCE_H */
