// SPDX-License-Identifier: GPL-2.0-only
/*
 * publish: the snapshot ring and the journal ring readers see.
 *
 * Who writes what:
 *   - journal entries: the committer that owns the record, right after its
 *     cmpxchg, with preemption disabled;
 *   - slots, gen, pub_ver, journal_head: the publisher, i.e. whichever
 *     committer holds pub->busy;
 *   - everything else in the header: lfce_publish_init(), once.
 * Readers (liblfce, or anything following the uapi protocol) only read.
 *
 * The publisher is combined: a committer whose version is not yet published
 * tries to take pub->busy and then publishes the latest snapshot, which
 * includes every commit before it. So committers never write slots
 * concurrently, an old version never overwrites a newer one, and a
 * committer preempted after its cmpxchg holds nobody up: the next publisher
 * covers it.
 */
#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/processor.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "pool.h"
#include "publish.h"

/*
 * The region: zeroed pages charged to the caller's memory cgroup, mapped
 * contiguously with VM_USERMAP so that remap_vmalloc_range() maps them to
 * readers (vmalloc_user() would not charge them, and the accounted vmalloc
 * that sets VM_USERMAP is not exported to modules). VM_MAP_PUT_PAGES hands
 * the pages and the array to the area: vfree() frees them all.
 */
static void *region_alloc(size_t size)
{
	unsigned int i, n = size >> PAGE_SHIFT;
	struct page **pages;
	void *r;

	/* The creator's memory cgroup may make it fail: ENOMEM, no warning. */
	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pages)
		return NULL;
	for (i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN);
		if (!pages[i])
			goto err_pages;
	}
	r = vmap(pages, n, VM_MAP | VM_USERMAP | VM_MAP_PUT_PAGES, PAGE_KERNEL);
	if (r)
		return r;
err_pages:
	while (i--)
		__free_page(pages[i]);
	kvfree(pages);
	return NULL;
}

int lfce_publish_init(struct lfce_pub *pub, u64 game_id, u32 slots, u32 records)
{
	size_t stride = ALIGN(sizeof(struct lfce_slot), SMP_CACHE_BYTES);
	size_t slots_off = PAGE_SIZE;
	size_t journal_off = PAGE_ALIGN(slots_off + slots * stride);
	struct lfce_region *r;
	u32 i;

	if (!is_power_of_2(slots) || slots < 2 || !is_power_of_2(records) || records < 2)
		return -EINVAL;
	pub->size = PAGE_ALIGN(journal_off + (size_t)records * sizeof(struct lfce_record));
	pub->src = kcalloc(slots * LFCE_NODES, sizeof(u64), GFP_KERNEL_ACCOUNT);
	if (!pub->src)
		return -ENOMEM;
	/* Zeroed slots hold no node (id 0), but no root either: version 0's is 0. */
	for (i = 0; i < slots; i++)
		pub->src[i * LFCE_NODES + LFCE_NODE_ROOT] = U64_MAX;
	r = region_alloc(pub->size);
	if (!r) {
		kfree(pub->src);
		return -ENOMEM;
	}
	r->magic = LFCE_REGION_MAGIC;
	r->abi_version = LFCE_ABI_VERSION;
	r->region_size = pub->size;
	r->game_id = game_id;
	r->slots_offset = slots_off;
	r->journal_offset = journal_off;
	r->slots = slots;
	r->slot_stride = stride;
	r->journal_records = records;
	r->record_size = sizeof(struct lfce_record);
	pub->region = r;
	pub->slots = (void *)r + slots_off;
	pub->journal = (void *)r + journal_off;
	pub->nr_slots = slots;
	pub->nr_records = records;
	pub->notify = NULL;
	pub->busy = 0;
	pub->next_gen = 0;
	pub->head = 0;
	return 0;
}

void lfce_publish_uninit(struct lfce_pub *pub)
{
	/* Pages still mapped by readers keep their own references. */
	vfree(pub->region);
	kfree(pub->src);
}

static struct lfce_slot *slot_at(struct lfce_pub *pub, u32 gen)
{
	size_t stride = pub->region->slot_stride;

	return (void *)pub->slots + (gen & (pub->nr_slots - 1)) * stride;
}

static struct lfce_record *entry(struct lfce_pub *pub, u64 n)
{
	return &pub->journal[n & (pub->nr_records - 1)];
}

/* Is record @n (complete once) still in its entry? */
static bool intact(struct lfce_pub *pub, u64 n)
{
	/* Pairs with smp_store_release(seq) in lfce_publish_records(). */
	return smp_load_acquire(&entry(pub, n)->seq) == 2 * (u32)n + 2;
}

/*
 * The oldest record still intact at or after @from, for a reader whose
 * record @from - 1 was overwritten, with @head a journal_head it loaded
 * (uapi, "The mapping"). Records below head - J are gone; of the rest,
 * committers have overwritten a prefix, which ends by head - J/2, so a
 * binary search finds its end. Committers racing with the search may make
 * the answer a little off, or overwrite it before it is read: the reader
 * then reports a further gap, and never goes back. Returns @head when
 * nothing below it is intact. liblfce's lfce_journal_oldest() is the same
 * rule for readers of the mapping, written again because the library
 * cannot take the module's code: same bounds, [max(@from, head - J), head),
 * same search. The userspace suite lfce_library checks that they agree.
 */
u64 lfce_publish_oldest(struct lfce_pub *pub, u64 from, u64 head)
{
	u64 lo = max(from, head - min_t(u64, head, pub->nr_records)), hi = head;

	while (lo < hi) {
		u64 mid = lo + (hi - lo) / 2;

		if (intact(pub, mid))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * May a commit whose records end at @records_end go ahead? The rule of the
 * uapi ("The mapping"): no record is written more than J/2 past
 * journal_head. So it never laps an entry the publisher has not declared
 * complete, and the J/2 records below journal_head are intact: a reader
 * that far behind is never lapped, and next_record() in device.c (and
 * liblfce's lfce_journal_next()) can always resume at or below the head.
 */
bool lfce_publish_room(const struct lfce_pub *pub, u64 records_end)
{
	/* Pairs with the smp_store_release() of journal_head in publish_journal(). */
	return records_end - smp_load_acquire(&pub->region->journal_head) <= pub->nr_records / 2;
}

/* A committer writes its records, after its cmpxchg, preemption disabled. */
void lfce_publish_records(struct lfce_pub *pub, const struct lfce_record *rec,
			  unsigned int n)
{
	struct lfce_record *e;
	unsigned int i;
	u32 seq;

	for (i = 0; i < n; i++) {
		e = entry(pub, rec[i].number);
		seq = 2 * (u32)rec[i].number + 2;
		WRITE_ONCE(e->seq, seq - 1);
		/* Readers that see the new bytes see the odd seq first. */
		smp_wmb();
		/* Everything but the first word, which holds only seq. */
		BUILD_BUG_ON(offsetof(struct lfce_record, version) != 8);
		lfce_copy_shared((u64 *)e + 1, (const u64 *)&rec[i] + 1, sizeof(*e) - 8);
		/* Pairs with the publisher's and readers' smp_load_acquire(seq). */
		smp_store_release(&e->seq, seq);
	}
}

/*
 * Copy record @n out of the journal ring (in-kernel readers: read(2)).
 * Returns 0, -EAGAIN if it is not published yet, -ENODATA if a committer
 * has overwritten it (the reader fell more than nr_records behind).
 */
int lfce_publish_read_record(struct lfce_pub *pub, u64 n, struct lfce_record *out)
{
	const struct lfce_record *e = entry(pub, n);
	u32 seq = 2 * (u32)n + 2;
	const u64 *src = (const u64 *)e;
	u64 *dst = (u64 *)out;
	size_t i;

	/* Pairs with smp_store_release(journal_head) in publish_journal(). */
	if (n >= smp_load_acquire(&pub->region->journal_head))
		return -EAGAIN;
	if (!intact(pub, n))
		return -ENODATA;
	for (i = 0; i < sizeof(*out) / 8; i++)
		dst[i] = READ_ONCE(src[i]);
	/* Order the copy before the re-check; pairs with the smp_wmb() there. */
	smp_rmb();
	if (READ_ONCE(e->seq) != seq || out->number != n)
		return -ENODATA;
	return 0;
}

/* Records [0, head) are complete. */
u64 lfce_publish_head(const struct lfce_pub *pub)
{
	/* Pairs with smp_store_release(journal_head) in publish_journal(). */
	return smp_load_acquire(&pub->region->journal_head);
}

/* Declare complete every record of @root; their writers are mid-window. */
static void publish_journal(struct lfce_pub *pub, const struct lfce_node *root)
{
	u64 end = root->root.t.records, n;

	for (n = pub->head; n < end; n++) {
		/* Pairs with smp_store_release(seq) in lfce_publish_records(). */
		while (smp_load_acquire(&entry(pub, n)->seq) != 2 * (u32)n + 2)
			cpu_relax();
	}
	pub->head = end;
	/* Pairs with readers' and lfce_publish_room()'s acquire. */
	smp_store_release(&pub->region->journal_head, end);
}

/*
 * Write @root into the next slot. Unchanged nodes are not copied: the slot
 * remembers the id of each node it holds, and ids are unique per content.
 */
static void publish_slot(struct lfce_pub *pub, const struct lfce_node *root)
{
	u32 gen = pub->next_gen++;
	struct lfce_slot *slot = slot_at(pub, gen);
	u64 *src = &pub->src[(gen & (pub->nr_slots - 1)) * LFCE_NODES];

	WRITE_ONCE(slot->seq, 2 * gen + 1);
	/* A reader that sees any new byte also sees the odd seq. */
	smp_wmb();
	lfce_snapshot_flatten(root, &slot->snap, src, true);
	/* Pairs with the reader's smp_load_acquire(seq) before and after its copy. */
	smp_store_release(&slot->seq, 2 * gen + 2);
	/* Pairs with the reader's smp_load_acquire(gen). */
	smp_store_release(&pub->region->gen, gen);
	/* Pairs with lfce_publish()'s acquire: committers return after this. */
	smp_store_release(&pub->region->pub_ver, root->root.t.version);
}

/* The caller reads nodes: it is in an RCU section and the game's epoch. */
static void publish_latest(struct lfce_pub *pub, const struct lfce_node __rcu **cur)
{
	const struct lfce_node *root = rcu_dereference(*cur);

	publish_journal(pub, root);
	if (!pub->next_gen || root->root.t.version > pub->region->pub_ver)
		publish_slot(pub, root);
}

static void publish_once(struct lfce_pub *pub, const struct lfce_node __rcu **cur)
{
	unsigned int token;

	rcu_read_lock();
	token = lfce_epoch_enter(pub->epoch);
	publish_latest(pub, cur);
	lfce_epoch_exit(pub->epoch, token);
	rcu_read_unlock();
}

/*
 * The game's first snapshot, before anyone else can see the game. A game
 * restored from a snapshot starts its journal at that snapshot's record
 * count: the records before it are not in this ring.
 */
void lfce_publish_start(struct lfce_pub *pub, const struct lfce_node __rcu **cur)
{
	pub->head = rcu_dereference_protected(*cur, 1)->root.t.records;
	pub->region->journal_head = pub->head;
	publish_once(pub, cur);
}

/*
 * Return once the ring shows @version or later. Whoever gets pub->busy
 * publishes the latest snapshot for everyone; the others wait for at most
 * that copy and the next. Preemption stays off while busy is held, so no
 * waiter ever waits for a descheduled publisher. Nothing in that window
 * may sleep, and on PREEMPT_RT a spinlock_t sleeps: the wake-up of readers
 * (lfce_publish_notify(), which takes the wait queue's lock) comes after
 * it, and after the caller's read section. With @inside, the caller is in
 * an RCU section and the game's epoch already (a committer, right after
 * its cmpxchg): the publisher reads the nodes under the caller's, which
 * saves a second entry. Returns whether this call published.
 */
static bool publish(struct lfce_pub *pub, const struct lfce_node __rcu **cur, u64 version,
		    bool inside)
{
	bool published = false;

	/* Pairs with smp_store_release(pub_ver) in publish_slot(). */
	while (smp_load_acquire(&pub->region->pub_ver) < version) {
		preempt_disable();
		/* Full barrier on success; pairs with the release below. */
		if (!READ_ONCE(pub->busy) && !cmpxchg(&pub->busy, 0UL, 1UL)) {
			if (inside)
				publish_latest(pub, cur);
			else
				publish_once(pub, cur);
			/* Pairs with the cmpxchg() of the next publisher. */
			smp_store_release(&pub->busy, 0UL);
			preempt_enable();
			published = true;
			continue;	/* done, most likely: no need to pause */
		}
		preempt_enable();
		cpu_relax();
	}
	return published;
}

void lfce_publish(struct lfce_pub *pub, const struct lfce_node __rcu **cur, u64 version)
{
	if (publish(pub, cur, version, false))
		lfce_publish_notify(pub);
}

/*
 * lfce_publish() for a caller in an RCU section and the game's epoch.
 * Returns whether it published: if so, the caller calls
 * lfce_publish_notify() once out of its section.
 */
bool lfce_publish_inside(struct lfce_pub *pub, const struct lfce_node __rcu **cur, u64 version)
{
	return publish(pub, cur, version, true);
}

/* Wake the readers of the ring, after a publish, outside any read section. */
void lfce_publish_notify(struct lfce_pub *pub)
{
	if (pub->notify)
		pub->notify(pub);
}
