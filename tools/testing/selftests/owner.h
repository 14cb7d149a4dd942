/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Owner operations carry a nonce above the game's table.owner_nonce. A test
 * that keeps no count of its own, or runs several processes acting as the
 * owner, takes the next one from the newest snapshot; one that lost a race
 * to another owner gets EALREADY, which committed nothing, and tries again
 * with the next. EAGAIN (the retry budget ran out on a busy machine) also
 * committed nothing: it tries again too. Include after helpers.h and
 * liblfce.h.
 */
#ifndef LFCE_TEST_OWNER_H
#define LFCE_TEST_OWNER_H

static inline int t_owner_op(const struct lfce_op *op)
{
	return op->type == LFCE_OP_DEPOSIT || op->type == LFCE_OP_WITHDRAW ||
	       op->type == LFCE_OP_SETTLE || op->type == LFCE_OP_ROLL;
}

/* Submit @ops, owner operations numbered from the game's next owner nonce. */
static inline int t_owner_submit(int fd, struct lfce_op *ops, uint32_t n, uint64_t *version)
{
	static struct lfce_snapshot s;
	uint64_t next;
	int ret = -EALREADY, tries;
	uint32_t i;

	for (tries = 0; (ret == -EALREADY || ret == -EAGAIN) && tries < 100000; tries++) {
		ret = lfce_get(fd, &s);
		if (ret)
			return ret;
		next = s.table.owner_nonce;
		for (i = 0; i < n; i++)
			if (t_owner_op(&ops[i]))
				ops[i].nonce = ++next;
		ret = lfce_submit(fd, ops, n, version);
	}
	return ret;
}

#endif /* LFCE_TEST_OWNER_H */
