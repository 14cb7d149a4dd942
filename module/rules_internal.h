/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rules_internal: what the files of the rules share, and nothing outside
 * them may use (rules.h is their interface). In sections by the file that
 * defines each thing.
 */
#ifndef _LFCE_RULES_INTERNAL_H
#define _LFCE_RULES_INTERNAL_H

#include <linux/types.h>
#include <linux/lfce.h>

#include "snapshot.h"

/* rules.c */

/* One operation in flight: what handlers need. */
struct apply {
	struct lfce_txn *txn;
	struct lfce_table *t;
	const struct lfce_op *op;
	struct lfce_record *rec;	/* rec->op may be completed by a handler */
	u64 now;
	s64 balance0;			/* rec->op.seat's balance before */
};

int lfce_rules_seat_active(struct apply *a, unsigned int seat);
int lfce_rules_check_amount(u64 v);
void lfce_rules_mark_gone(struct apply *a, unsigned int seat);
void lfce_rules_update_deadline(struct apply *a);

/* craps.c */

bool lfce_craps_is_point(unsigned int s);
bool lfce_craps_in_family(unsigned int k, unsigned int base);
unsigned int lfce_craps_bet_unit(unsigned int k, unsigned int point);
int lfce_craps_whole_units(const struct lfce_table *t, unsigned int k, u64 sum);
bool lfce_craps_has_bets(const struct lfce_seat *s);
unsigned int lfce_craps_next_shooter(struct lfce_txn *txn, unsigned int from);
void lfce_craps_resolve(struct lfce_txn *txn, const u8 dice[2]);

/* round.c */

void lfce_round_put_le64(u8 *p, u64 v);
bool lfce_round_no_commitment(const struct lfce_table *t);
int lfce_round_publish_commitment(struct apply *a);
int lfce_round_roll(struct apply *a, u8 *buf, unsigned int len);
int lfce_round_close(struct apply *a);
int lfce_round_commit(struct apply *a);
int lfce_round_reveal(struct apply *a);
int lfce_round_expire(struct apply *a);
int lfce_round_host_roll(struct apply *a);

/* proposal.c */

/*
 * Proposal actions. check() decides whether the action may be applied to
 * the transaction's state now and writes nothing; apply() then cannot fail,
 * but for a roll whose seed does not match its commitment (a replayed
 * journal that lies), which refuses the whole commit.
 * Both run when a proposal opens (check only) and when its quorum is
 * reached, which is what re-validation means.
 */
struct action {
	int (*check)(struct apply *a, const struct lfce_proposal *p);
	int (*apply)(struct apply *a, const struct lfce_proposal *p);
};

extern const struct action lfce_proposal_actions[LFCE_OP_NR];

int lfce_proposal_propose(struct apply *a);
int lfce_proposal_vote(struct apply *a);
int lfce_proposal_consent(const struct lfce_proposal *p);
int lfce_proposal_lapse(struct apply *a);

#endif /* _LFCE_RULES_INTERNAL_H */
