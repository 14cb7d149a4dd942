/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * publish: the region that readers map: header, snapshot ring and journal
 * ring (uapi/linux/lfce.h, "The mapping"), and the combined publisher that
 * fills it.
 */
#ifndef _LFCE_PUBLISH_H
#define _LFCE_PUBLISH_H

#include <linux/cache.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/lfce.h>

#include "snapshot.h"

struct lfce_pub {
	struct lfce_region *region;	/* accounted pages, vmap()ed: mappable */
	size_t size;
	struct lfce_slot *slots;	/* inside region */
	struct lfce_record *journal;	/* inside region */
	u32 nr_slots;			/* K, power of two */
	u32 nr_records;			/* J, power of two */
	u64 *src;			/* K x LFCE_NODES: node ids each slot holds */
	struct lfce_epoch *epoch;	/* the node readers' (pool.h) */
	/* Called after a committer published, preemptible; may be NULL. */
	void (*notify)(struct lfce_pub *pub);
	/* Publisher-private: written only while holding busy. */
	unsigned long busy ____cacheline_aligned_in_smp;
	u32 next_gen;
	u64 head;			/* == region->journal_head */
};

int lfce_publish_init(struct lfce_pub *pub, u64 game_id, u32 slots, u32 records);
void lfce_publish_uninit(struct lfce_pub *pub);
void lfce_publish_start(struct lfce_pub *pub, const struct lfce_node __rcu **cur);
bool lfce_publish_room(const struct lfce_pub *pub, u64 records_end);
void lfce_publish_records(struct lfce_pub *pub, const struct lfce_record *rec,
			  unsigned int n);
int lfce_publish_read_record(struct lfce_pub *pub, u64 n, struct lfce_record *out);
u64 lfce_publish_oldest(struct lfce_pub *pub, u64 from, u64 head);
u64 lfce_publish_head(const struct lfce_pub *pub);
void lfce_publish(struct lfce_pub *pub, const struct lfce_node __rcu **cur, u64 version);
bool lfce_publish_inside(struct lfce_pub *pub, const struct lfce_node __rcu **cur, u64 version);
void lfce_publish_notify(struct lfce_pub *pub);

#endif /* _LFCE_PUBLISH_H */
