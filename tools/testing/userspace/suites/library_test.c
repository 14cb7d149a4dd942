// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: the rules liblfce states again for userspace, because it
 * cannot take the module's code, agree with the module's own statement of
 * them: token conservation (lfce_tokens_conserved() against
 * lfce_rules_conserved(), wrapped sums included) and where a lapped journal
 * reader resumes (lfce_journal_oldest() against lfce_publish_oldest(), on
 * the same ring, for every cursor), and the nonce liblfce offers a JOIN
 * (lfce_join_nonce(), against op_join()'s rule, after a LEAVE).
 */
#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../../../../kunit/helpers.h"
#include "../../../../module/publish.h"
#include "../../../lib/liblfce.h"
#include "shim.h"

static void set_seat(struct lfce_snapshot *s, unsigned int i, u64 balance, u64 bet)
{
	s->seat[i].balance = balance;
	s->seat[i].bets[LFCE_BET_PASS] = bet;
}

static void wrap_in_balance(struct lfce_snapshot *s)
{
	s->table.bank = 2;
	set_seat(s, 0, U64_MAX, 0);	/* 2 + U64_MAX wraps to 1 */
	s->table.total = 1;
}

static void wrap_in_bet(struct lfce_snapshot *s)
{
	set_seat(s, 1, 5, U64_MAX - 1);	/* wraps to 3 */
	s->table.total = 3;
}

static void wrap_in_bank_and_seats(struct lfce_snapshot *s)
{
	s->table.bank = U64_MAX;
	set_seat(s, 0, 1, 0);
	set_seat(s, LFCE_MAX_SEATS - 1, 0, 1);	/* wraps to 1 */
	s->table.total = 1;
}

static void balanced(struct lfce_snapshot *s)
{
	s->table.bank = 1000;
	set_seat(s, 0, 50, 10);
	set_seat(s, LFCE_MAX_SEATS - 1, 7, 3);
	s->table.total = 1070;
}

static void one_short(struct lfce_snapshot *s)
{
	balanced(s);
	s->table.total++;
}

static void at_total_max(struct lfce_snapshot *s)
{
	s->table.bank = LFCE_TOTAL_MAX - 1;
	set_seat(s, 2, 0, 1);
	s->table.total = LFCE_TOTAL_MAX;
}

static const struct {
	const char *what;
	void (*make)(struct lfce_snapshot *s);
	bool conserved;
} sums[] = {
	{ "empty", NULL, true },
	{ "balances, bets and bank", balanced, true },
	{ "one token short", one_short, false },
	{ "at LFCE_TOTAL_MAX", at_total_max, true },
	{ "a balance that wraps the sum", wrap_in_balance, false },
	{ "a bet that wraps the sum", wrap_in_bet, false },
	{ "the bank and two seats wrap", wrap_in_bank_and_seats, false },
};

static void library_conservation_agrees(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < ARRAY_SIZE(sums); i++) {
		memset(s, 0, sizeof(*s));
		if (sums[i].make)
			sums[i].make(s);
		KUNIT_EXPECT_EQ_MSG(test, lfce_rules_conserved(s), sums[i].conserved,
				    "rules: %s", sums[i].what);
		KUNIT_EXPECT_EQ_MSG(test, !!lfce_tokens_conserved(s), sums[i].conserved,
				    "liblfce: %s", sums[i].what);
	}
}

/* For every cursor up to @head, both say the same resume point. */
static void expect_same_oldest(struct kunit *test, struct lfce_pub *pub, u64 head)
{
	u64 from;

	for (from = 0; from <= head; from++)
		KUNIT_EXPECT_EQ_MSG(test, lfce_journal_oldest(pub->region, from, head),
				    lfce_publish_oldest(pub, from, head), "from %llu, head %llu",
				    (unsigned long long)from, (unsigned long long)head);
}

/*
 * The ring of engine_journal_lead (kunit/engine_test.c): J = 64, 100
 * records published, then a commit in flight that wrote 20 more past the
 * head, so [head - 64, head - 44) is overwritten.
 */
static void library_journal_oldest_agrees(struct kunit *test)
{
	struct lt_game *g = lt_journal_game(test);
	struct lfce_pub *pub = &g->e.pub;
	u64 head = lfce_publish_head(pub);

	expect_same_oldest(test, pub, head);
	expect_same_oldest(test, pub, 10);	/* a head loaded long ago */
	lt_journal_in_flight(test, g, 20);
	KUNIT_EXPECT_EQ(test, lfce_journal_oldest(pub->region, 0, head), head - 44);
	expect_same_oldest(test, pub, head);
	lt_game_free(g);
}

/* A JOIN of @seat by @uid with @nonce, through the module's rules. */
static int join_with(struct lt_game *g, u32 seat, u32 uid, u64 nonce)
{
	struct lfce_op op = { .type = LFCE_OP_JOIN, .seat = seat, .nonce = nonce };

	op.u.join.uid = uid;
	return lt_op(g, &op);
}

/*
 * Seat 0 played up to nonce 7 and left: its seat keeps nonce 7, so a new
 * player's JOIN with nonce 1 is refused there, while lfce_join_nonce()
 * is fresh on it and on a seat never used. Seat 1 is still bound at 3.
 */
static void library_join_nonce_is_fresh(struct kunit *test)
{
	struct lfce_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct lt_game *g = lt_game_new(test, NULL, true);
	struct lfce_op leave;
	u64 fresh;

	KUNIT_ASSERT_NOT_NULL(test, s);
	lt_read(g, s);
	KUNIT_EXPECT_EQ(test, lfce_join_nonce(s), 1);
	KUNIT_ASSERT_EQ(test, lt_join(g, 0, 1000), 0);
	KUNIT_ASSERT_EQ(test, lt_join(g, 1, 1001), 0);
	g->nonce[0] = 6;
	g->nonce[1] = 2;
	KUNIT_ASSERT_EQ(test, lt_join(g, 1, 1001), 0);	/* re-join: nonce 3 */
	leave = lt_player_op(g, LFCE_OP_LEAVE, 0);	/* nonce 7 */
	KUNIT_ASSERT_EQ(test, lt_op(g, &leave), 0);
	lt_read(g, s);
	KUNIT_ASSERT_EQ(test, s->seat[0].flags, 0);
	KUNIT_EXPECT_EQ(test, s->seat[0].nonce, 7);
	fresh = lfce_join_nonce(s);
	KUNIT_EXPECT_EQ(test, fresh, 8);
	KUNIT_EXPECT_EQ(test, join_with(g, 0, 1002, 1), -EALREADY);
	KUNIT_EXPECT_EQ(test, join_with(g, 0, 1002, 7), -EALREADY);
	KUNIT_EXPECT_EQ(test, join_with(g, 2, 1003, fresh), 0);
	KUNIT_EXPECT_EQ(test, join_with(g, 0, 1002, fresh), 0);
	lt_game_free(g);
}

static struct kunit_case library_cases[] = {
	KUNIT_CASE(library_conservation_agrees),
	KUNIT_CASE(library_journal_oldest_agrees),
	KUNIT_CASE(library_join_nonce_is_fresh),
	{}
};

static struct kunit_suite library_suite = {
	.name = "lfce_library",
	.test_cases = library_cases,
};

kunit_test_suite(library_suite);
