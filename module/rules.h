/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rules: the craps state machine. Pure functions of (snapshot, operation,
 * time): no allocation, no locks, no clocks, no randomness of their own.
 * The kernel's seed of each roll is an input like the time: the
 * transaction's struct lfce_seeds (seed.h) gives it, the record reveals it,
 * and a replay takes it from the journal, so it computes the same state.
 */
#ifndef _LFCE_RULES_H
#define _LFCE_RULES_H

#include <linux/types.h>
#include <linux/lfce.h>

#include "snapshot.h"

void lfce_rules_default_config(struct lfce_config *cfg);
void lfce_rules_fill_config(struct lfce_config *cfg);
unsigned int lfce_rules_quorum(unsigned int n);
unsigned int lfce_rules_due(const struct lfce_snapshot *s, u64 now,
			    struct lfce_op *ops, unsigned int max);
int lfce_rules_check_config(const struct lfce_config *cfg);
int lfce_rules_join_seat(const struct lfce_snapshot *s, u32 uid, u32 busy);
int lfce_rules_check_snapshot(const struct lfce_snapshot *s);
bool lfce_rules_conserved(const struct lfce_snapshot *s);
int lfce_rules_apply(struct lfce_txn *txn, const struct lfce_op *op, u64 now);
void lfce_rules_dice_from(const u8 *data, unsigned int len, u8 dice[2]);
void lfce_rules_commitment(const u8 secret[32], u64 round, u8 out[32]);
u64 lfce_rules_record_digest(const struct lfce_record *rec, u64 prev);

#endif /* _LFCE_RULES_H */
