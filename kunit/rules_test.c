// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the craps rules of DESIGN.md ("Craps rules"), driven through the
 * real commit engine in host-dice games so that every roll is chosen.
 *
 * Every case is data: a setup (seats, balances, bank, configuration) and a
 * script of steps (bets, removals, rolls, deposits) with the errno each
 * must return, interleaved with expectations (a seat's balance, what is
 * left on one bet kind, the bank; the table's point, shooter and flags).
 * After every step the runner checks conservation; around every refused
 * operation it checks that the flattened snapshot is byte-identical and
 * the version unchanged; after every accepted one that the version grew by
 * exactly one.
 *
 * Expected amounts are worked out by hand from the casino rules, never by
 * calling the code under test. Payouts are "to 1", the stake comes back on
 * a win, and every bet is a whole number of its unit, so no payout has a
 * fraction; each row's comment shows the sum. The bank's pro rata shortfall
 * is the one place that rounds down.
 *
 * Reporting: KUnit keeps at most KUNIT_LOG_SIZE (512) bytes of each case's
 * log for debugfs, which is what the VM harness reads. One failed
 * expectation per table row would overflow it and lose the case's own
 * "not ok" line, so every failed check goes to the console (pr_err, with
 * the row's name and step), and each KUnit case logs one summary failure.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/lfce.h>
#include <linux/printk.h>
#include <linux/string.h>

#include "helpers.h"

#define RT_BAL		1000	/* each seat's opening balance */
#define RT_BANK		10000	/* the bank's opening balance */
#define RT_SEAT_BANK	0xff	/* rt_step.seat naming the bank */

enum rt_op {
	RT_END,		/* ends a script */
	RT_POINT,	/* v[0] != 0: roll v[0] the easy way, nothing at stake */
	RT_BET,		/* seat puts v[0] on kind (v[1]: u.bet.reserved) */
	RT_UNBET,	/* seat takes v[0] back from kind */
	RT_ROLL,	/* the host rolls dice */
	RT_DEPOSIT,	/* v[0] into seat's balance, or the bank's */
	RT_EXPECT,	/* seat's balance v[0], its bets[kind] v[1], the bank v[2] */
	RT_TABLE,	/* point v[0] (0: come-out), shooter v[1], flags v[2] */
};

struct rt_step {
	u8 op;		/* enum rt_op */
	u8 seat;
	u8 kind;	/* enum lfce_bet */
	u8 dice[2];
	int err;	/* what the operation must return */
	u64 v[3];
};

/* Zero fields take lfce_rules_default_config()'s values, or those given. */
struct rt_setup {
	u8 seats;		/* bit i: seat i joins (0: seat 0 only) */
	u8 field12;		/* field pays this to 1 on 12 */
	u8 odds_max;
	bool no_bank;		/* leave the bank empty */
	u64 min_bet, max_bet;
	u64 balance;		/* each seat's deposit (0: RT_BAL) */
	u64 bank;		/* the bank's deposit (0: RT_BANK) */
	u32 flags;		/* LFCE_CFG_* added to the defaults */
};

struct rt_case {
	const char *name;
	const struct rt_setup *setup;	/* NULL: all defaults */
	const struct rt_step *steps;	/* up to RT_END */
};

/* Dice: ROLL(n) rolls n an easy way (R_n), ROLL(nH) the hard way (R_nH). */
#define R_2	{ 1, 1 }
#define R_3	{ 1, 2 }
#define R_4	{ 1, 3 }
#define R_4H	{ 2, 2 }
#define R_5	{ 1, 4 }
#define R_6	{ 2, 4 }
#define R_6H	{ 3, 3 }
#define R_7	{ 3, 4 }
#define R_8	{ 3, 5 }
#define R_8H	{ 4, 4 }
#define R_9	{ 4, 5 }
#define R_10	{ 4, 6 }
#define R_10H	{ 5, 5 }
#define R_11	{ 5, 6 }
#define R_12	{ 6, 6 }

/* Bet kinds, by name and by number for the 4..10 families. */
#define K(name)		LFCE_BET_##name
#define COME_N(n)	(LFCE_BET_COME_4 + LFCE_POINT_INDEX(n))
#define DC_N(n)		(LFCE_BET_DONT_COME_4 + LFCE_POINT_INDEX(n))
#define CODDS_N(n)	(LFCE_BET_COME_ODDS_4 + LFCE_POINT_INDEX(n))
#define DCODDS_N(n)	(LFCE_BET_DONT_COME_ODDS_4 + LFCE_POINT_INDEX(n))
#define PLACE_N(n)	(LFCE_BET_PLACE_4 + LFCE_POINT_INDEX(n))

/* Steps. */
#define POINT(n)		{ .op = RT_POINT, .v = { (n) } }
#define BET(s, k, a)		{ .op = RT_BET, .seat = (s), .kind = (k), .v = { (a) } }
#define BET_ERR(s, k, a, e)	{ .op = RT_BET, .seat = (s), .kind = (k), .v = { (a) }, .err = (e) }
#define UNBET(s, k, a)		{ .op = RT_UNBET, .seat = (s), .kind = (k), .v = { (a) } }
#define UNBET_ERR(s, k, a, e)	{ .op = RT_UNBET, .seat = (s), .kind = (k), .v = { (a) }, .err = (e) }
#define ROLL(x)			{ .op = RT_ROLL, .dice = R_##x }
#define DEPOSIT(s, a)		{ .op = RT_DEPOSIT, .seat = (s), .v = { (a) } }
#define EXPECT(s, k, bal, left, bank)						\
	{ .op = RT_EXPECT, .seat = (s), .kind = (k), .v = { (bal), (left), (bank) } }
#define EXPECT_R(s, k, ...)	{ .op = RT_EXPECT, .seat = (s), .kind = (k), .v = __VA_ARGS__ }
#define TABLE(point, shooter, flags)						\
	{ .op = RT_TABLE, .v = { (point), (shooter), (flags) } }

/*
 * What one bet of @a from seat 0 comes to, as { balance, left on the bet,
 * bank }, from RT_BAL and RT_BANK: the payout @p is worked out by hand in
 * each row's comment.
 */
#define WIN(p)		{ RT_BAL + (p), 0, RT_BANK - (p) }		/* paid, comes down */
#define WIN_UP(a, p)	{ RT_BAL - (a) + (p), (a), RT_BANK - (p) }	/* paid, stays up */
#define LOSE(a)		{ RT_BAL - (a), 0, RT_BANK + (a) }
#define STAY(a)		{ RT_BAL - (a), (a), RT_BANK }			/* no action */

#define CASE(nm, su, ...)							\
	{ .name = (nm), .setup = (su), .steps = (const struct rt_step[]){ __VA_ARGS__, {} } }

/*
 * One bet of @a on @k by seat 0, with point @pt set first (0: come-out),
 * then one roll @d; @res is what follows on bet kind @lk.
 */
#define ONE(nm, su, pt, k, a, d, lk, ...)					\
	CASE(nm, su, POINT(pt), BET(0, k, a), ROLL(d), EXPECT_R(0, lk, __VA_ARGS__))
#define CO(k, a, d, ...)							\
	ONE("come-out: " #k " " #a ", roll " #d, NULL, 0, K(k), a, d, K(k), __VA_ARGS__)
#define PT(p, k, a, d, ...)							\
	ONE("point " #p ": " #k " " #a ", roll " #d, NULL, p, K(k), a, d, K(k), __VA_ARGS__)
/* A come bet that travels: what stays is on @lk. */
#define PT_TO(p, k, a, d, lk, ...)						\
	ONE("point " #p ": " #k " " #a ", roll " #d, NULL, p, K(k), a, d, lk, __VA_ARGS__)

/* ---- 1. Every bet kind against every relevant roll ---------------------- */

/*
 * Line bet @k of 10 on the come-out; @set makes point @p; 2, 3, 11, 12 and
 * @other do nothing; then @d settles it (@res) and the table is back to
 * the come-out.
 */
#define LINE(k, set, p, other, d, ...)						\
	CASE(#k " 10, point " #p ", then " #d, NULL,				\
	     BET(0, K(k), 10), ROLL(set), TABLE(p, 0, 0), EXPECT_R(0, K(k), STAY(10)), \
	     ROLL(2), ROLL(3), ROLL(11), ROLL(12), ROLL(other),		\
	     EXPECT_R(0, K(k), STAY(10)), TABLE(p, 0, 0),			\
	     ROLL(d), EXPECT_R(0, K(k), __VA_ARGS__), TABLE(0, 0, 0))

static const struct rt_case line_cases[] = {
	/* Pass, come-out: 7 and 11 win 1:1 (10), 2, 3, 12 lose, numbers wait. */
	CO(PASS, 10, 2, LOSE(10)),
	CO(PASS, 10, 3, LOSE(10)),
	CO(PASS, 10, 12, LOSE(10)),
	CO(PASS, 10, 7, WIN(10)),
	CO(PASS, 10, 11, WIN(10)),
	CO(PASS, 10, 4, STAY(10)),
	CO(PASS, 10, 4H, STAY(10)),
	CO(PASS, 10, 5, STAY(10)),
	CO(PASS, 10, 6, STAY(10)),
	CO(PASS, 10, 8, STAY(10)),
	CO(PASS, 10, 9, STAY(10)),
	CO(PASS, 10, 10, STAY(10)),
	/* Don't pass, come-out: 2 and 3 win 1:1, 12 stands off, 7 and 11 lose. */
	CO(DONT_PASS, 10, 2, WIN(10)),
	CO(DONT_PASS, 10, 3, WIN(10)),
	CO(DONT_PASS, 10, 12, STAY(10)),
	CO(DONT_PASS, 10, 7, LOSE(10)),
	CO(DONT_PASS, 10, 11, LOSE(10)),
	CO(DONT_PASS, 10, 4, STAY(10)),
	CO(DONT_PASS, 10, 5, STAY(10)),
	CO(DONT_PASS, 10, 6H, STAY(10)),
	CO(DONT_PASS, 10, 8, STAY(10)),
	CO(DONT_PASS, 10, 9, STAY(10)),
	CO(DONT_PASS, 10, 10, STAY(10)),
	/* Pass, point phase: the point (either way) wins 1:1, 7 loses. */
	LINE(PASS, 4, 4, 10, 4H, WIN(10)),
	LINE(PASS, 5, 5, 9, 5, WIN(10)),
	LINE(PASS, 6H, 6, 8, 6, WIN(10)),
	LINE(PASS, 8, 8, 6, 8H, WIN(10)),
	LINE(PASS, 9, 9, 5, 9, WIN(10)),
	LINE(PASS, 10H, 10, 4, 10, WIN(10)),
	LINE(PASS, 4, 4, 10, 7, LOSE(10)),
	LINE(PASS, 5, 5, 9, 7, LOSE(10)),
	LINE(PASS, 6, 6, 8, 7, LOSE(10)),
	LINE(PASS, 8, 8, 6, 7, LOSE(10)),
	LINE(PASS, 9, 9, 5, 7, LOSE(10)),
	LINE(PASS, 10, 10, 4, 7, LOSE(10)),
	/* Don't pass, point phase: 7 wins 1:1, the point loses; 12 does nothing. */
	LINE(DONT_PASS, 4, 4, 10, 7, WIN(10)),
	LINE(DONT_PASS, 5, 5, 9, 7, WIN(10)),
	LINE(DONT_PASS, 6, 6, 8, 7, WIN(10)),
	LINE(DONT_PASS, 8, 8, 6, 7, WIN(10)),
	LINE(DONT_PASS, 9, 9, 5, 7, WIN(10)),
	LINE(DONT_PASS, 10, 10, 4, 7, WIN(10)),
	LINE(DONT_PASS, 4, 4, 10, 4H, LOSE(10)),
	LINE(DONT_PASS, 5, 5, 9, 5, LOSE(10)),
	LINE(DONT_PASS, 6, 6, 8, 6H, LOSE(10)),
	LINE(DONT_PASS, 8H, 8, 6, 8, LOSE(10)),
	LINE(DONT_PASS, 9, 9, 5, 9, LOSE(10)),
	LINE(DONT_PASS, 10, 10, 4, 10H, LOSE(10)),
};

/*
 * Line bet @k of 10, point @p set by @set, odds @ok of @o behind it; 2, 3,
 * 11 and 12 do nothing; @d settles both: seat 0 ends at @bal, the bank at
 * @bank, nothing left on either.
 */
#define ODDS(k, ok, set, p, o, d, bal, bank)					\
	CASE(#ok " " #o " on point " #p ", then " #d, NULL,			\
	     BET(0, K(k), 10), ROLL(set), TABLE(p, 0, 0), BET(0, K(ok), o),	\
	     ROLL(2), ROLL(3), ROLL(11), ROLL(12),			\
	     EXPECT(0, K(ok), RT_BAL - 10 - (o), o, RT_BANK),			\
	     ROLL(d), EXPECT(0, K(k), bal, 0, bank), EXPECT(0, K(ok), bal, 0, bank), \
	     TABLE(0, 0, 0))

/*
 * A win: balance 1000 - 10 - o + (10 + 10) + (o + pay) = 1010 + pay, bank
 * 10000 - 10 - pay. A loss: balance 990 - o, bank 10010 + o.
 */
static const struct rt_case odds_cases[] = {
	/* Pass odds pay true odds when the point is made. */
	ODDS(PASS, PASS_ODDS, 4, 4, 30, 4H, 1070, 9930),	/* 30 * 2/1 = 60 */
	ODDS(PASS, PASS_ODDS, 5, 5, 24, 5, 1046, 9954),	/* 24 * 3/2 = 36 */
	ODDS(PASS, PASS_ODDS, 6, 6, 25, 6H, 1040, 9960),	/* 25 * 6/5 = 30 */
	ODDS(PASS, PASS_ODDS, 8, 8, 30, 8, 1046, 9954),	/* 30 * 6/5 = 36 */
	ODDS(PASS, PASS_ODDS, 9, 9, 28, 9, 1052, 9948),	/* 28 * 3/2 = 42 */
	ODDS(PASS, PASS_ODDS, 10, 10, 30, 10H, 1070, 9930),	/* 30 * 2/1 = 60 */
	/* ... and lose with the line on a seven-out. */
	ODDS(PASS, PASS_ODDS, 4, 4, 30, 7, 960, 10040),
	ODDS(PASS, PASS_ODDS, 5, 5, 24, 7, 966, 10034),
	ODDS(PASS, PASS_ODDS, 6, 6, 25, 7, 965, 10035),
	ODDS(PASS, PASS_ODDS, 8, 8, 30, 7, 960, 10040),
	ODDS(PASS, PASS_ODDS, 9, 9, 28, 7, 962, 10038),
	ODDS(PASS, PASS_ODDS, 10, 10, 30, 7, 960, 10040),
	/* Lay odds pay the inverse of true odds on a 7. */
	ODDS(DONT_PASS, DONT_PASS_ODDS, 4, 4, 24, 7, 1022, 9978),	/* 24 * 1/2 = 12 */
	ODDS(DONT_PASS, DONT_PASS_ODDS, 5, 5, 27, 7, 1028, 9972),	/* 27 * 2/3 = 18 */
	ODDS(DONT_PASS, DONT_PASS_ODDS, 6, 6, 24, 7, 1030, 9970),	/* 24 * 5/6 = 20 */
	ODDS(DONT_PASS, DONT_PASS_ODDS, 8, 8, 30, 7, 1035, 9965),	/* 30 * 5/6 = 25 */
	ODDS(DONT_PASS, DONT_PASS_ODDS, 9, 9, 27, 7, 1028, 9972),	/* 27 * 2/3 = 18 */
	ODDS(DONT_PASS, DONT_PASS_ODDS, 10, 10, 26, 7, 1023, 9977),	/* 26 * 1/2 = 13 */
	/* ... and lose with the don't line when the point is made. */
	ODDS(DONT_PASS, DONT_PASS_ODDS, 4, 4, 24, 4H, 966, 10034),
	ODDS(DONT_PASS, DONT_PASS_ODDS, 5, 5, 27, 5, 963, 10037),
	ODDS(DONT_PASS, DONT_PASS_ODDS, 6, 6, 24, 6, 966, 10034),
	ODDS(DONT_PASS, DONT_PASS_ODDS, 8, 8, 30, 8H, 960, 10040),
	ODDS(DONT_PASS, DONT_PASS_ODDS, 9, 9, 27, 9, 963, 10037),
	ODDS(DONT_PASS, DONT_PASS_ODDS, 10, 10, 26, 10, 964, 10036),
};

/*
 * Come bet of 10 with the table on point @p, travelled to @n, come odds
 * @o on it; 2, 3, 11, 12 do nothing; then @d in the point phase settles
 * both: seat 0 at @bal, the bank at @bank.
 */
#define COME_PT(n, p, o, d, bal, bank)						\
	CASE("come 10 to " #n ", odds " #o ", then " #d, NULL,			\
	     POINT(p), BET(0, K(COME), 10), ROLL(n),			\
	     EXPECT(0, COME_N(n), RT_BAL - 10, 10, RT_BANK), BET(0, CODDS_N(n), o), \
	     ROLL(2), ROLL(3), ROLL(11), ROLL(12),			\
	     EXPECT(0, CODDS_N(n), RT_BAL - 10 - (o), o, RT_BANK),		\
	     ROLL(d), EXPECT(0, COME_N(n), bal, 0, bank), EXPECT(0, CODDS_N(n), bal, 0, bank))

/* The same, but point @p is made first: @d falls on the come-out roll. */
#define COME_CO(n, p, o, d, bal, bank)						\
	CASE("come 10 to " #n ", odds " #o ", come-out " #d, NULL,		\
	     POINT(p), BET(0, K(COME), 10), ROLL(n), BET(0, CODDS_N(n), o), \
	     ROLL(p), TABLE(0, 0, 0), ROLL(2), ROLL(3), ROLL(11), ROLL(12), \
	     EXPECT(0, COME_N(n), RT_BAL - 10 - (o), 10, RT_BANK),		\
	     EXPECT(0, CODDS_N(n), RT_BAL - 10 - (o), o, RT_BANK),		\
	     ROLL(d), EXPECT(0, COME_N(n), bal, 0, bank), EXPECT(0, CODDS_N(n), bal, 0, bank))

/* Don't come and lay odds, in the point phase and on the come-out. */
#define DC_PT(n, p, o, d, bal, bank)						\
	CASE("don't come 10 to " #n ", lay " #o ", then " #d, NULL,		\
	     POINT(p), BET(0, K(DONT_COME), 10), ROLL(n),			\
	     EXPECT(0, DC_N(n), RT_BAL - 10, 10, RT_BANK), BET(0, DCODDS_N(n), o), \
	     ROLL(2), ROLL(3), ROLL(11), ROLL(12),			\
	     EXPECT(0, DCODDS_N(n), RT_BAL - 10 - (o), o, RT_BANK),		\
	     ROLL(d), EXPECT(0, DC_N(n), bal, 0, bank), EXPECT(0, DCODDS_N(n), bal, 0, bank))

#define DC_CO(n, p, o, d, bal, bank)						\
	CASE("don't come 10 to " #n ", lay " #o ", come-out " #d, NULL,		\
	     POINT(p), BET(0, K(DONT_COME), 10), ROLL(n), BET(0, DCODDS_N(n), o), \
	     ROLL(p), TABLE(0, 0, 0), ROLL(2), ROLL(3), ROLL(11), ROLL(12), \
	     EXPECT(0, DC_N(n), RT_BAL - 10 - (o), 10, RT_BANK),		\
	     EXPECT(0, DCODDS_N(n), RT_BAL - 10 - (o), o, RT_BANK),		\
	     ROLL(d), EXPECT(0, DC_N(n), bal, 0, bank), EXPECT(0, DCODDS_N(n), bal, 0, bank))

static const struct rt_case come_cases[] = {
	/* A new come bet: 7, 11 win 1:1 (10), 2, 3, 12 lose, a number travels. */
	PT(4, COME, 10, 2, LOSE(10)),
	PT(4, COME, 10, 3, LOSE(10)),
	PT(4, COME, 10, 12, LOSE(10)),
	PT(4, COME, 10, 7, WIN(10)),
	PT(4, COME, 10, 11, WIN(10)),
	PT_TO(4, COME, 10, 4, COME_N(4), STAY(10)),	/* the table's point: made, and come to 4 */
	PT_TO(4, COME, 10, 5, COME_N(5), STAY(10)),
	PT_TO(4, COME, 10, 6, COME_N(6), STAY(10)),
	PT_TO(4, COME, 10, 8H, COME_N(8), STAY(10)),
	PT_TO(4, COME, 10, 9, COME_N(9), STAY(10)),
	PT_TO(4, COME, 10, 10, COME_N(10), STAY(10)),
	/* A new don't come: 2, 3 win 1:1, 12 stands off, 7, 11 lose, a number travels. */
	PT(4, DONT_COME, 10, 2, WIN(10)),
	PT(4, DONT_COME, 10, 3, WIN(10)),
	PT(4, DONT_COME, 10, 12, STAY(10)),
	PT(4, DONT_COME, 10, 7, LOSE(10)),
	PT(4, DONT_COME, 10, 11, LOSE(10)),
	PT_TO(4, DONT_COME, 10, 4H, DC_N(4), STAY(10)),
	PT_TO(4, DONT_COME, 10, 5, DC_N(5), STAY(10)),
	PT_TO(4, DONT_COME, 10, 6H, DC_N(6), STAY(10)),
	PT_TO(4, DONT_COME, 10, 8, DC_N(8), STAY(10)),
	PT_TO(4, DONT_COME, 10, 9, DC_N(9), STAY(10)),
	PT_TO(4, DONT_COME, 10, 10, DC_N(10), STAY(10)),
	/*
	 * Come point n before 7: the come bet pays 1:1 and its odds true odds;
	 * balance 1000 - 10 - o + 20 + (o + pay) = 1010 + pay, bank 9990 - pay.
	 */
	COME_PT(4, 10, 30, 4H, 1070, 9930),	/* 30 * 2/1 = 60 */
	COME_PT(5, 4, 24, 5, 1046, 9954),	/* 24 * 3/2 = 36 */
	COME_PT(6, 4, 25, 6, 1040, 9960),	/* 25 * 6/5 = 30 */
	COME_PT(8, 4, 30, 8H, 1046, 9954),	/* 30 * 6/5 = 36 */
	COME_PT(9, 4, 30, 9, 1055, 9945),	/* 30 * 3/2 = 45 */
	COME_PT(10, 4, 29, 10, 1068, 9932),	/* 29 * 2/1 = 58 */
	/* A seven-out takes both: balance 990 - o, bank 10010 + o. */
	COME_PT(4, 10, 30, 7, 960, 10040),
	COME_PT(5, 4, 24, 7, 966, 10034),
	COME_PT(6, 4, 25, 7, 965, 10035),
	COME_PT(8, 4, 30, 7, 960, 10040),
	COME_PT(9, 4, 30, 7, 960, 10040),
	COME_PT(10, 4, 29, 7, 961, 10039),
	/*
	 * On the come-out the come point still works but its odds are off:
	 * n pays the come bet 1:1 and returns the odds (1010, 9990); 7 takes
	 * the come bet and returns the odds (990, 10010).
	 */
	COME_CO(4, 10, 30, 4, 1010, 9990),
	COME_CO(5, 4, 24, 5, 1010, 9990),
	COME_CO(6, 4, 25, 6H, 1010, 9990),
	COME_CO(8, 4, 30, 8, 1010, 9990),
	COME_CO(9, 4, 30, 9, 1010, 9990),
	COME_CO(10, 4, 29, 10H, 1010, 9990),
	COME_CO(4, 10, 30, 7, 990, 10010),
	COME_CO(5, 4, 24, 7, 990, 10010),
	COME_CO(6, 4, 25, 7, 990, 10010),
	COME_CO(8, 4, 30, 7, 990, 10010),
	COME_CO(9, 4, 30, 7, 990, 10010),
	COME_CO(10, 4, 29, 7, 990, 10010),
	/*
	 * Don't come point n: 7 first pays 1:1 and the lay odds; balance
	 * 1010 + pay, bank 9990 - pay. Lay odds always work, come-out too.
	 */
	DC_PT(4, 10, 24, 7, 1022, 9978),	/* 24 * 1/2 = 12 */
	DC_PT(5, 4, 27, 7, 1028, 9972),	/* 27 * 2/3 = 18 */
	DC_PT(6, 4, 24, 7, 1030, 9970),	/* 24 * 5/6 = 20 */
	DC_PT(8, 4, 30, 7, 1035, 9965),	/* 30 * 5/6 = 25 */
	DC_PT(9, 4, 27, 7, 1028, 9972),	/* 27 * 2/3 = 18 */
	DC_PT(10, 4, 26, 7, 1023, 9977),	/* 26 * 1/2 = 13 */
	DC_CO(4, 10, 24, 7, 1022, 9978),
	DC_CO(5, 4, 27, 7, 1028, 9972),
	DC_CO(6, 4, 24, 7, 1030, 9970),
	DC_CO(8, 4, 30, 7, 1035, 9965),
	DC_CO(9, 4, 27, 7, 1028, 9972),
	DC_CO(10, 4, 26, 7, 1023, 9977),
	/* n first loses both: balance 990 - o, bank 10010 + o. */
	DC_PT(4, 10, 24, 4H, 966, 10034),
	DC_PT(5, 4, 27, 5, 963, 10037),
	DC_PT(6, 4, 24, 6, 966, 10034),
	DC_PT(8, 4, 30, 8, 960, 10040),
	DC_PT(9, 4, 27, 9, 963, 10037),
	DC_PT(10, 4, 26, 10H, 964, 10036),
	DC_CO(4, 10, 24, 4, 966, 10034),
	DC_CO(5, 4, 27, 5, 963, 10037),
	DC_CO(6, 4, 24, 6H, 966, 10034),
	DC_CO(8, 4, 30, 8H, 960, 10040),
	DC_CO(9, 4, 27, 9, 963, 10037),
	DC_CO(10, 4, 26, 10, 964, 10036),
	/*
	 * A come bet travelling to a number that holds one: the old one (10,
	 * odds 20) is paid, 10 + 20 * 3/2 = 40, and the new one (20) moves up
	 * without odds. 1000 - 10 - 20 - 20 + 20 + 50 = 1020; bank 9960. Then
	 * 5 again pays the new one 1:1: 1060, 9940.
	 */
	CASE("come onto a come 5: old paid, new moves up", NULL,
	     POINT(4), BET(0, K(COME), 10), ROLL(5), BET(0, CODDS_N(5), 20),
	     BET(0, K(COME), 20), ROLL(5),
	     EXPECT(0, COME_N(5), 1020, 20, 9960), EXPECT(0, CODDS_N(5), 1020, 0, 9960),
	     EXPECT(0, K(COME), 1020, 0, 9960), TABLE(4, 0, 0),
	     ROLL(5), EXPECT(0, COME_N(5), 1060, 0, 9940)),
	/*
	 * The same for don't come: the old one (10, lay 30) loses on the 5 and
	 * the new one (20) moves up: 1000 - 60 = 940, bank 10040. A 7 then
	 * pays the new one 1:1: 980, 10020.
	 */
	CASE("don't come onto a don't come 5: old loses, new moves up", NULL,
	     POINT(4), BET(0, K(DONT_COME), 10), ROLL(5), BET(0, DCODDS_N(5), 30),
	     BET(0, K(DONT_COME), 20), ROLL(5),
	     EXPECT(0, DC_N(5), 940, 20, 10040), EXPECT(0, DCODDS_N(5), 940, 0, 10040),
	     EXPECT(0, K(DONT_COME), 940, 0, 10040),
	     ROLL(7), EXPECT(0, DC_N(5), 980, 0, 10020), TABLE(0, 0, 0)),
	/*
	 * Come on 5, come on 9, a third come pending, then 7: the two come
	 * points lose (20), the pending one wins 1:1 (10). 1000 - 30 + 20 =
	 * 990, bank 10000 + 20 - 10 = 10010.
	 */
	CASE("seven-out: come points lose, a new come wins", NULL,
	     POINT(4), BET(0, K(COME), 10), ROLL(5), BET(0, K(COME), 10), ROLL(9),
	     BET(0, K(COME), 10), ROLL(7),
	     EXPECT(0, COME_N(5), 990, 0, 10010), EXPECT(0, COME_N(9), 990, 0, 10010),
	     EXPECT(0, K(COME), 990, 0, 10010)),
	/* Don't come stood off on 12 stays pending, then travels on the next number. */
	CASE("don't come: 12 stands off, then travels", NULL,
	     POINT(4), BET(0, K(DONT_COME), 10), ROLL(12),
	     EXPECT(0, K(DONT_COME), 990, 10, 10000), ROLL(6),
	     EXPECT(0, DC_N(6), 990, 10, 10000), EXPECT(0, K(DONT_COME), 990, 0, 10000)),
};

static const struct rt_setup field3 = { .field12 = 3 };

static const struct rt_case field_cases[] = {
	/* Field, one roll: 3, 4, 9, 10, 11 pay 1:1; 2 and 12 2:1; 5-8 lose. */
	CO(FIELD, 10, 2, WIN(20)),
	CO(FIELD, 10, 3, WIN(10)),
	CO(FIELD, 10, 4, WIN(10)),
	CO(FIELD, 10, 4H, WIN(10)),
	CO(FIELD, 10, 5, LOSE(10)),
	CO(FIELD, 10, 6, LOSE(10)),
	CO(FIELD, 10, 7, LOSE(10)),
	CO(FIELD, 10, 8, LOSE(10)),
	CO(FIELD, 10, 9, WIN(10)),
	CO(FIELD, 10, 10, WIN(10)),
	CO(FIELD, 10, 11, WIN(10)),
	CO(FIELD, 10, 12, WIN(20)),
	PT(6, FIELD, 10, 2, WIN(20)),
	PT(6, FIELD, 10, 3, WIN(10)),
	PT(6, FIELD, 10, 4, WIN(10)),
	PT(6, FIELD, 10, 5, LOSE(10)),
	PT(6, FIELD, 10, 6, LOSE(10)),
	PT(6, FIELD, 10, 7, LOSE(10)),
	PT(6, FIELD, 10, 8H, LOSE(10)),
	PT(6, FIELD, 10, 9, WIN(10)),
	PT(6, FIELD, 10, 10H, WIN(10)),
	PT(6, FIELD, 10, 11, WIN(10)),
	PT(6, FIELD, 10, 12, WIN(20)),
	PT(6, FIELD, 7, 12, WIN(14)),		/* 7 * 2/1 */
	/* With field12_pays = 3: 12 pays 3:1 (30), 2 still 2:1 (20). */
	ONE("field12 3:1, come-out: FIELD 10, 12", &field3, 0, K(FIELD), 10, 12, K(FIELD),
	    WIN(30)),
	ONE("field12 3:1, point 9: FIELD 10, 12", &field3, 9, K(FIELD), 10, 12, K(FIELD),
	    WIN(30)),
	ONE("field12 3:1, point 9: FIELD 7, 12", &field3, 9, K(FIELD), 7, 12, K(FIELD),
	    WIN(21)),
	ONE("field12 3:1, come-out: FIELD 10, 2", &field3, 0, K(FIELD), 10, 2, K(FIELD),
	    WIN(20)),
	ONE("field12 3:1, come-out: FIELD 10, 7", &field3, 0, K(FIELD), 10, 7, K(FIELD),
	    LOSE(10)),
};

static const struct rt_case place_cases[] = {
	/* Off on the come-out: neither the number nor 7 touches them. */
	CO(PLACE_4, 10, 4, STAY(10)),
	CO(PLACE_4, 10, 7, STAY(10)),
	CO(PLACE_5, 10, 5, STAY(10)),
	CO(PLACE_5, 10, 7, STAY(10)),
	CO(PLACE_6, 12, 6, STAY(12)),
	CO(PLACE_6, 12, 7, STAY(12)),
	CO(PLACE_8, 18, 8, STAY(18)),
	CO(PLACE_8, 18, 7, STAY(18)),
	CO(PLACE_9, 10, 9, STAY(10)),
	CO(PLACE_9, 10, 7, STAY(10)),
	CO(PLACE_10, 5, 10H, STAY(5)),
	CO(PLACE_10, 5, 7, STAY(5)),
	/* Working in the point phase: paid and left up on the number, lost on 7. */
	PT(5, PLACE_4, 10, 4, WIN_UP(10, 18)),	/* 10 * 9/5 = 18 */
	PT(5, PLACE_4, 10, 7, LOSE(10)),
	PT(5, PLACE_4, 10, 10, STAY(10)),
	PT(9, PLACE_5, 5, 5, WIN_UP(5, 7)),		/* 5 * 7/5 = 7 */
	PT(9, PLACE_5, 5, 7, LOSE(5)),
	PT(9, PLACE_5, 5, 9, STAY(5)),
	PT(5, PLACE_6, 12, 6H, WIN_UP(12, 14)),	/* 12 * 7/6 = 14 */
	PT(5, PLACE_6, 6, 6, WIN_UP(6, 7)),		/* 6 * 7/6 = 7 */
	PT(5, PLACE_6, 12, 7, LOSE(12)),
	PT(5, PLACE_6, 12, 8, STAY(12)),
	PT(5, PLACE_8, 18, 8, WIN_UP(18, 21)),	/* 18 * 7/6 = 21 */
	PT(5, PLACE_8, 18, 7, LOSE(18)),
	PT(5, PLACE_8, 18, 2, STAY(18)),
	PT(5, PLACE_9, 10, 9, WIN_UP(10, 14)),	/* 10 * 7/5 = 14 */
	PT(5, PLACE_9, 15, 9, WIN_UP(15, 21)),	/* 15 * 7/5 = 21 */
	PT(5, PLACE_9, 10, 7, LOSE(10)),
	PT(5, PLACE_9, 10, 12, STAY(10)),
	PT(5, PLACE_10, 5, 10H, WIN_UP(5, 9)),	/* 5 * 9/5 = 9 */
	PT(5, PLACE_10, 5, 7, LOSE(5)),
	PT(5, PLACE_10, 5, 11, STAY(5)),
	/* Place 6 of 12 wins twice (14 each) and stays up, then 7 takes it. */
	CASE("place 6 wins twice, then loses", NULL,
	     POINT(5), BET(0, K(PLACE_6), 12), ROLL(6), EXPECT(0, K(PLACE_6), 1002, 12, 9986),
	     ROLL(6H), EXPECT(0, K(PLACE_6), 1016, 12, 9972),
	     ROLL(7), EXPECT(0, K(PLACE_6), 1016, 0, 9984)),
	/*
	 * Place 8 of 12 through a made point: off on the come-out 8 (which
	 * sets point 8), paid 14 on the next 8, off again on a come-out 7.
	 */
	CASE("place 8 through the come-out", NULL,
	     POINT(5), BET(0, K(PLACE_8), 12), ROLL(5), TABLE(0, 0, 0),
	     ROLL(8), EXPECT(0, K(PLACE_8), 988, 12, 10000), TABLE(8, 0, 0),
	     ROLL(8H), EXPECT(0, K(PLACE_8), 1002, 12, 9986), TABLE(0, 0, 0),
	     ROLL(7), EXPECT(0, K(PLACE_8), 1002, 12, 9986)),
};

static const struct rt_setup hard_work = { .flags = LFCE_CFG_HARDWAYS_WORK };

#define HW(k, a, d, ...)							\
	ONE("hardways work, come-out: " #k " " #a ", roll " #d, &hard_work, 0, K(k), a, d, \
	    K(k), __VA_ARGS__)

static const struct rt_case hard_cases[] = {
	/* Hard 4/10 pay 7:1, hard 6/8 9:1 and stay up; easy and 7 lose. */
	PT(5, HARD_4, 10, 4H, WIN_UP(10, 70)),
	PT(5, HARD_4, 10, 4, LOSE(10)),
	PT(5, HARD_4, 10, 7, LOSE(10)),
	PT(5, HARD_4, 10, 10H, STAY(10)),
	PT(5, HARD_6, 10, 6H, WIN_UP(10, 90)),
	PT(5, HARD_6, 10, 6, LOSE(10)),
	PT(5, HARD_6, 10, 7, LOSE(10)),
	PT(5, HARD_6, 10, 8H, STAY(10)),
	PT(5, HARD_8, 10, 8H, WIN_UP(10, 90)),
	PT(5, HARD_8, 10, 8, LOSE(10)),
	PT(5, HARD_8, 10, 7, LOSE(10)),
	PT(5, HARD_8, 10, 6H, STAY(10)),
	PT(5, HARD_10, 3, 10H, WIN_UP(3, 21)),
	PT(5, HARD_10, 3, 10, LOSE(3)),
	PT(5, HARD_10, 3, 7, LOSE(3)),
	PT(5, HARD_10, 3, 4H, STAY(3)),
	/* Off on the come-out by default: no action at all, 7 and easy included. */
	CO(HARD_4, 10, 4H, STAY(10)),
	CO(HARD_4, 10, 4, STAY(10)),
	CO(HARD_4, 10, 7, STAY(10)),
	CO(HARD_4, 10, 11, STAY(10)),
	CO(HARD_6, 10, 6H, STAY(10)),
	CO(HARD_6, 10, 6, STAY(10)),
	CO(HARD_6, 10, 7, STAY(10)),
	CO(HARD_6, 10, 2, STAY(10)),
	CO(HARD_8, 10, 8H, STAY(10)),
	CO(HARD_8, 10, 8, STAY(10)),
	CO(HARD_8, 10, 7, STAY(10)),
	CO(HARD_8, 10, 12, STAY(10)),
	CO(HARD_10, 3, 10H, STAY(3)),
	CO(HARD_10, 3, 10, STAY(3)),
	CO(HARD_10, 3, 7, STAY(3)),
	CO(HARD_10, 3, 9, STAY(3)),
	/* With LFCE_CFG_HARDWAYS_WORK they work on the come-out too. */
	HW(HARD_4, 10, 4H, WIN_UP(10, 70)),
	HW(HARD_4, 10, 4, LOSE(10)),
	HW(HARD_4, 10, 7, LOSE(10)),
	HW(HARD_4, 10, 11, STAY(10)),
	HW(HARD_6, 10, 6H, WIN_UP(10, 90)),
	HW(HARD_6, 10, 6, LOSE(10)),
	HW(HARD_6, 10, 7, LOSE(10)),
	HW(HARD_6, 10, 2, STAY(10)),
	HW(HARD_8, 10, 8H, WIN_UP(10, 90)),
	HW(HARD_8, 10, 8, LOSE(10)),
	HW(HARD_8, 10, 7, LOSE(10)),
	HW(HARD_8, 10, 12, STAY(10)),
	HW(HARD_10, 3, 10H, WIN_UP(3, 21)),
	HW(HARD_10, 3, 10, LOSE(3)),
	HW(HARD_10, 3, 7, LOSE(3)),
	HW(HARD_10, 3, 9, STAY(3)),
	/* ... and the flag changes nothing in the point phase. */
	ONE("hardways work, point 5: HARD_6 10, 6H", &hard_work, 5, K(HARD_6), 10, 6H, K(HARD_6),
	    WIN_UP(10, 90)),
	ONE("hardways work, point 5: HARD_6 10, 7", &hard_work, 5, K(HARD_6), 10, 7, K(HARD_6),
	    LOSE(10)),
	/*
	 * Off on the come-out, a hard 8 of 10 sees a come-out 8 easy (no
	 * action, point 8), then wins 90 on 8H in the point phase; a
	 * come-out 7 then leaves it up.
	 */
	CASE("hard 8 off on the come-out, on after", NULL,
	     BET(0, K(HARD_8), 10), ROLL(8), EXPECT(0, K(HARD_8), 990, 10, RT_BANK),
	     TABLE(8, 0, 0), ROLL(8H), EXPECT(0, K(HARD_8), 1080, 10, 9910), TABLE(0, 0, 0),
	     ROLL(7), EXPECT(0, K(HARD_8), 1080, 10, 9910)),
	/* Hard 8 of 10 hits twice (90 each), then loses to the easy way. */
	CASE("hard 8 twice, then easy 8", NULL,
	     POINT(5), BET(0, K(HARD_8), 10), ROLL(8H), ROLL(8H),
	     EXPECT(0, K(HARD_8), 1170, 10, 9820), ROLL(8), EXPECT(0, K(HARD_8), 1170, 0, 9830)),
};

static const struct rt_case prop_cases[] = {
	/* One roll: any 7 4:1, any craps 7:1, 11 15:1, aces 30:1, 1-2 15:1, 12 30:1. */
	CO(ANY_SEVEN, 10, 7, WIN(40)),
	CO(ANY_SEVEN, 10, 2, LOSE(10)),
	CO(ANY_SEVEN, 10, 11, LOSE(10)),
	CO(ANY_SEVEN, 10, 6H, LOSE(10)),
	CO(ANY_CRAPS, 10, 2, WIN(70)),
	CO(ANY_CRAPS, 10, 3, WIN(70)),
	CO(ANY_CRAPS, 10, 12, WIN(70)),
	CO(ANY_CRAPS, 10, 7, LOSE(10)),
	CO(ANY_CRAPS, 10, 11, LOSE(10)),
	CO(ELEVEN, 10, 11, WIN(150)),
	CO(ELEVEN, 10, 7, LOSE(10)),
	CO(ELEVEN, 10, 12, LOSE(10)),
	CO(ACES, 10, 2, WIN(300)),
	CO(ACES, 10, 3, LOSE(10)),
	CO(ACES, 10, 12, LOSE(10)),
	CO(ACE_DEUCE, 10, 3, WIN(150)),
	CO(ACE_DEUCE, 10, 2, LOSE(10)),
	CO(ACE_DEUCE, 10, 11, LOSE(10)),
	CO(TWELVE, 10, 12, WIN(300)),
	CO(TWELVE, 10, 2, LOSE(10)),
	CO(TWELVE, 10, 11, LOSE(10)),
	CO(TWELVE, 10, 6H, LOSE(10)),
	PT(8, ANY_SEVEN, 3, 7, WIN(12)),		/* 3 * 4/1 */
	PT(8, ANY_SEVEN, 10, 8, LOSE(10)),
	PT(8, ANY_SEVEN, 10, 12, LOSE(10)),
	PT(8, ANY_CRAPS, 10, 2, WIN(70)),
	PT(8, ANY_CRAPS, 10, 3, WIN(70)),
	PT(8, ANY_CRAPS, 10, 12, WIN(70)),
	PT(8, ANY_CRAPS, 10, 7, LOSE(10)),
	PT(8, ANY_CRAPS, 10, 4H, LOSE(10)),
	PT(8, ELEVEN, 10, 11, WIN(150)),
	PT(8, ELEVEN, 10, 7, LOSE(10)),
	PT(8, ELEVEN, 10, 3, LOSE(10)),
	PT(8, ACES, 10, 2, WIN(300)),
	PT(8, ACES, 10, 3, LOSE(10)),
	PT(8, ACES, 10, 4H, LOSE(10)),
	PT(8, ACE_DEUCE, 10, 3, WIN(150)),
	PT(8, ACE_DEUCE, 10, 2, LOSE(10)),
	PT(8, ACE_DEUCE, 10, 8, LOSE(10)),
	PT(8, TWELVE, 10, 12, WIN(300)),
	PT(8, TWELVE, 10, 2, LOSE(10)),
	PT(8, TWELVE, 10, 11, LOSE(10)),
	/*
	 * All six on aces: aces 300 and any craps 70 win, four lose 40.
	 * 1000 - 60 + (10 + 300) + (10 + 70) = 1330; 10000 - 370 + 40 = 9670.
	 */
	CASE("all props on aces", NULL,
	     BET(0, K(ANY_SEVEN), 10), BET(0, K(ANY_CRAPS), 10), BET(0, K(ELEVEN), 10),
	     BET(0, K(ACES), 10), BET(0, K(ACE_DEUCE), 10), BET(0, K(TWELVE), 10),
	     ROLL(2),
	     EXPECT(0, K(ANY_SEVEN), 1330, 0, 9670), EXPECT(0, K(ANY_CRAPS), 1330, 0, 9670),
	     EXPECT(0, K(ELEVEN), 1330, 0, 9670), EXPECT(0, K(ACES), 1330, 0, 9670),
	     EXPECT(0, K(ACE_DEUCE), 1330, 0, 9670), EXPECT(0, K(TWELVE), 1330, 0, 9670)),
};

/* ---- 2. Betting rules -------------------------------------------------- */

static const struct rt_setup limits = { .min_bet = 5, .max_bet = 100 };
static const struct rt_setup poor = { .min_bet = 5, .max_bet = 100, .balance = 50 };
static const struct rt_setup odds2 = { .odds_max = 2 };

static const struct rt_case betting_cases[] = {
	/*
	 * The come-out: line bets, field, place, hardways and props go up
	 * (17 x 10 + 2 x 12 = 194: 806 left); line odds (even with the line bet up),
	 * come and come odds are out of phase; COME_n/DONT_COME_n never.
	 */
	CASE("come-out: what may go up", NULL,
	     BET(0, K(PASS), 10), BET(0, K(DONT_PASS), 10),
	     BET_ERR(0, K(PASS_ODDS), 10, -EPROTO), BET_ERR(0, K(DONT_PASS_ODDS), 10, -EPROTO),
	     BET_ERR(0, K(COME), 10, -EPROTO), BET_ERR(0, K(DONT_COME), 10, -EPROTO),
	     BET_ERR(0, COME_N(4), 10, -EINVAL), BET_ERR(0, COME_N(5), 10, -EINVAL),
	     BET_ERR(0, COME_N(6), 10, -EINVAL), BET_ERR(0, COME_N(8), 10, -EINVAL),
	     BET_ERR(0, COME_N(9), 10, -EINVAL), BET_ERR(0, COME_N(10), 10, -EINVAL),
	     BET_ERR(0, DC_N(4), 10, -EINVAL), BET_ERR(0, DC_N(5), 10, -EINVAL),
	     BET_ERR(0, DC_N(6), 10, -EINVAL), BET_ERR(0, DC_N(8), 10, -EINVAL),
	     BET_ERR(0, DC_N(9), 10, -EINVAL), BET_ERR(0, DC_N(10), 10, -EINVAL),
	     BET_ERR(0, CODDS_N(4), 10, -EPROTO), BET_ERR(0, CODDS_N(5), 10, -EPROTO),
	     BET_ERR(0, CODDS_N(6), 10, -EPROTO), BET_ERR(0, CODDS_N(8), 10, -EPROTO),
	     BET_ERR(0, CODDS_N(9), 10, -EPROTO), BET_ERR(0, CODDS_N(10), 10, -EPROTO),
	     BET_ERR(0, DCODDS_N(4), 10, -EPROTO), BET_ERR(0, DCODDS_N(5), 10, -EPROTO),
	     BET_ERR(0, DCODDS_N(6), 10, -EPROTO), BET_ERR(0, DCODDS_N(8), 10, -EPROTO),
	     BET_ERR(0, DCODDS_N(9), 10, -EPROTO), BET_ERR(0, DCODDS_N(10), 10, -EPROTO),
	     BET(0, K(FIELD), 10),
	     BET(0, PLACE_N(4), 10), BET(0, PLACE_N(5), 10), BET(0, PLACE_N(6), 12),
	     BET(0, PLACE_N(8), 12), BET(0, PLACE_N(9), 10), BET(0, PLACE_N(10), 10),
	     BET(0, K(HARD_4), 10), BET(0, K(HARD_6), 10), BET(0, K(HARD_8), 10),
	     BET(0, K(HARD_10), 10),
	     BET(0, K(ANY_SEVEN), 10), BET(0, K(ANY_CRAPS), 10), BET(0, K(ELEVEN), 10),
	     BET(0, K(ACES), 10), BET(0, K(ACE_DEUCE), 10), BET(0, K(TWELVE), 10),
	     EXPECT(0, K(PASS), 806, 10, RT_BANK), EXPECT(0, K(TWELVE), 806, 10, RT_BANK)),
	/*
	 * The point phase: pass and don't pass are out of phase, odds without
	 * their base too; come, don't come and the rest go up (194).
	 */
	CASE("point: what may go up", NULL,
	     POINT(4),
	     BET_ERR(0, K(PASS), 10, -EPROTO), BET_ERR(0, K(DONT_PASS), 10, -EPROTO),
	     BET_ERR(0, K(PASS_ODDS), 10, -EPROTO), BET_ERR(0, K(DONT_PASS_ODDS), 10, -EPROTO),
	     BET(0, K(COME), 10), BET(0, K(DONT_COME), 10),
	     BET_ERR(0, COME_N(4), 10, -EINVAL), BET_ERR(0, COME_N(5), 10, -EINVAL),
	     BET_ERR(0, COME_N(6), 10, -EINVAL), BET_ERR(0, COME_N(8), 10, -EINVAL),
	     BET_ERR(0, COME_N(9), 10, -EINVAL), BET_ERR(0, COME_N(10), 10, -EINVAL),
	     BET_ERR(0, DC_N(4), 10, -EINVAL), BET_ERR(0, DC_N(5), 10, -EINVAL),
	     BET_ERR(0, DC_N(6), 10, -EINVAL), BET_ERR(0, DC_N(8), 10, -EINVAL),
	     BET_ERR(0, DC_N(9), 10, -EINVAL), BET_ERR(0, DC_N(10), 10, -EINVAL),
	     BET_ERR(0, CODDS_N(4), 10, -EPROTO), BET_ERR(0, CODDS_N(5), 10, -EPROTO),
	     BET_ERR(0, CODDS_N(6), 10, -EPROTO), BET_ERR(0, CODDS_N(8), 10, -EPROTO),
	     BET_ERR(0, CODDS_N(9), 10, -EPROTO), BET_ERR(0, CODDS_N(10), 10, -EPROTO),
	     BET_ERR(0, DCODDS_N(4), 10, -EPROTO), BET_ERR(0, DCODDS_N(5), 10, -EPROTO),
	     BET_ERR(0, DCODDS_N(6), 10, -EPROTO), BET_ERR(0, DCODDS_N(8), 10, -EPROTO),
	     BET_ERR(0, DCODDS_N(9), 10, -EPROTO), BET_ERR(0, DCODDS_N(10), 10, -EPROTO),
	     BET(0, K(FIELD), 10),
	     BET(0, PLACE_N(4), 10), BET(0, PLACE_N(5), 10), BET(0, PLACE_N(6), 12),
	     BET(0, PLACE_N(8), 12), BET(0, PLACE_N(9), 10), BET(0, PLACE_N(10), 10),
	     BET(0, K(HARD_4), 10), BET(0, K(HARD_6), 10), BET(0, K(HARD_8), 10),
	     BET(0, K(HARD_10), 10),
	     BET(0, K(ANY_SEVEN), 10), BET(0, K(ANY_CRAPS), 10), BET(0, K(ELEVEN), 10),
	     BET(0, K(ACES), 10), BET(0, K(ACE_DEUCE), 10), BET(0, K(TWELVE), 10),
	     EXPECT(0, K(COME), 806, 10, RT_BANK), EXPECT(0, K(DONT_COME), 806, 10, RT_BANK)),
	/*
	 * Odds need their own base: pass odds with a pass line (980), don't
	 * pass odds without one no; come odds on come 5 (960) but not on 6;
	 * lay odds on don't come 6 (938) but not on 5.
	 */
	CASE("odds need their base", NULL,
	     BET(0, K(PASS), 10), ROLL(4), BET(0, K(PASS_ODDS), 10),
	     BET_ERR(0, K(DONT_PASS_ODDS), 10, -EPROTO),
	     BET(0, K(COME), 10), ROLL(5), BET(0, CODDS_N(5), 10),
	     BET_ERR(0, CODDS_N(6), 10, -EPROTO),
	     BET(0, K(DONT_COME), 10), ROLL(6), BET(0, DCODDS_N(6), 12),
	     BET_ERR(0, DCODDS_N(5), 12, -EPROTO),
	     EXPECT(0, K(PASS_ODDS), 938, 10, RT_BANK), EXPECT(0, CODDS_N(5), 938, 10, RT_BANK),
	     EXPECT(0, DCODDS_N(6), 938, 12, RT_BANK)),
	/*
	 * Odds are capped at odds_max (3) x the base: one unit over 30 on 10
	 * is refused, 30 goes up, one unit more is refused; for all four odds
	 * families. 1000 - 4 x 10 - 4 x 30 = 840.
	 */
	CASE("odds capped at 3x", NULL,
	     BET(0, K(PASS), 10), BET(0, K(DONT_PASS), 10), ROLL(4),
	     BET_ERR(0, K(PASS_ODDS), 31, -EINVAL), BET(0, K(PASS_ODDS), 30),
	     BET_ERR(0, K(PASS_ODDS), 1, -EINVAL),
	     BET_ERR(0, K(DONT_PASS_ODDS), 32, -EINVAL), BET(0, K(DONT_PASS_ODDS), 30),
	     BET_ERR(0, K(DONT_PASS_ODDS), 2, -EINVAL),
	     BET(0, K(COME), 10), ROLL(5),
	     BET_ERR(0, CODDS_N(5), 32, -EINVAL), BET(0, CODDS_N(5), 30),
	     BET_ERR(0, CODDS_N(5), 2, -EINVAL),
	     BET(0, K(DONT_COME), 10), ROLL(6),
	     BET_ERR(0, DCODDS_N(6), 36, -EINVAL), BET(0, DCODDS_N(6), 30),
	     BET_ERR(0, DCODDS_N(6), 6, -EINVAL),
	     EXPECT(0, K(PASS_ODDS), 840, 30, RT_BANK), EXPECT(0, DCODDS_N(6), 840, 30, RT_BANK)),
	/* odds_max 2: 22 on 10 refused, 20 accepted (970), 2 more refused. */
	CASE("odds capped at 2x", &odds2,
	     BET(0, K(PASS), 10), ROLL(9),
	     BET_ERR(0, K(PASS_ODDS), 22, -EINVAL), BET(0, K(PASS_ODDS), 20),
	     BET_ERR(0, K(PASS_ODDS), 2, -EINVAL), EXPECT(0, K(PASS_ODDS), 970, 20, RT_BANK)),
	/* Come odds may go up on the come-out, behind a come point (1000 - 30). */
	CASE("come odds may go up on the come-out", NULL,
	     POINT(4), BET(0, K(COME), 10), ROLL(5), ROLL(4), TABLE(0, 0, 0),
	     BET(0, CODDS_N(5), 20), EXPECT(0, CODDS_N(5), 970, 20, RT_BANK)),
	/*
	 * Limits 5..100 on the total on a kind: 4, 0 and 101 refused, 5 then
	 * 95 more accepted (100), 96 or 1 more refused. 1000 - 100 - 5 = 895.
	 */
	CASE("min and max bet", &limits,
	     BET_ERR(0, K(FIELD), 4, -EINVAL), BET_ERR(0, K(FIELD), 0, -EINVAL),
	     BET_ERR(0, K(FIELD), 101, -EINVAL), BET(0, K(FIELD), 5),
	     BET_ERR(0, K(FIELD), 96, -EINVAL), BET(0, K(FIELD), 95),
	     BET_ERR(0, K(FIELD), 1, -EINVAL),
	     BET_ERR(0, K(PLACE_6), LFCE_AMOUNT_MAX + 1, -EINVAL),
	     BET(0, K(PASS), 5),
	     EXPECT(0, K(FIELD), 895, 100, RT_BANK), EXPECT(0, K(PASS), 895, 5, RT_BANK)),
	/* An unknown kind and a non-zero reserved field are malformed. */
	CASE("malformed bets", NULL,
	     BET_ERR(0, LFCE_BET_NR, 10, -EINVAL), BET_ERR(0, 0xff, 10, -EINVAL),
	     { .op = RT_BET, .kind = K(FIELD), .v = { 10, 1 }, .err = -EINVAL },
	     UNBET_ERR(0, LFCE_BET_NR, 10, -EINVAL),
	     EXPECT(0, K(FIELD), RT_BAL, 0, RT_BANK)),
	/*
	 * A balance of 50, on point 4: over the max is -EINVAL before the
	 * balance is looked at; 51 and then anything more is -ENOSPC; exactly
	 * 50 goes.
	 */
	CASE("insufficient balance", &poor,
	     POINT(4), BET_ERR(0, K(FIELD), 101, -EINVAL), BET_ERR(0, K(FIELD), 51, -ENOSPC),
	     BET(0, K(FIELD), 50), BET_ERR(0, K(PLACE_6), 6, -ENOSPC),
	     BET_ERR(0, K(COME), 5, -ENOSPC), EXPECT(0, K(FIELD), 0, 50, RT_BANK)),
	/*
	 * Removing on the come-out: line bets come down, in part (left 6) or
	 * whole; more than is up, nothing up, or 0 is -EINVAL.
	 */
	CASE("come-out: line bets come down", NULL,
	     BET(0, K(PASS), 10), BET(0, K(DONT_PASS), 10),
	     UNBET(0, K(PASS), 4), UNBET_ERR(0, K(PASS), 7, -EINVAL), UNBET(0, K(PASS), 6),
	     UNBET_ERR(0, K(PASS), 1, -EINVAL), UNBET_ERR(0, K(DONT_PASS), 0, -EINVAL),
	     UNBET(0, K(DONT_PASS), 10),
	     EXPECT(0, K(PASS), RT_BAL, 0, RT_BANK), EXPECT(0, K(DONT_PASS), RT_BAL, 0, RT_BANK)),
	/*
	 * Once a point is set the pass line stays (-EPROTO, a contract); the
	 * don't pass and all odds come down, in whole units (lay on 4: twos),
	 * never leaving more lay odds than 3 x what is left of the don't pass.
	 * 1000 - 20 - 40 + 20 + 6 + 5 + 14 + 5 = 990, the pass line 10 up.
	 */
	CASE("point: pass stays, don't pass and odds come down", NULL,
	     BET(0, K(PASS), 10), BET(0, K(DONT_PASS), 10), ROLL(4),
	     UNBET_ERR(0, K(PASS), 10, -EPROTO), UNBET_ERR(0, K(PASS), 1, -EPROTO),
	     BET(0, K(PASS_ODDS), 20), BET(0, K(DONT_PASS_ODDS), 20),
	     UNBET(0, K(PASS_ODDS), 20), UNBET_ERR(0, K(DONT_PASS_ODDS), 5, -EINVAL),
	     UNBET(0, K(DONT_PASS_ODDS), 6),
	     UNBET_ERR(0, K(DONT_PASS), 10, -EINVAL), UNBET_ERR(0, K(DONT_PASS), 6, -EINVAL),
	     UNBET(0, K(DONT_PASS), 5), EXPECT(0, K(DONT_PASS_ODDS), 971, 14, RT_BANK),
	     UNBET(0, K(DONT_PASS_ODDS), 14), UNBET(0, K(DONT_PASS), 5),
	     EXPECT(0, K(PASS), 990, 10, RT_BANK), EXPECT(0, K(DONT_PASS), 990, 0, RT_BANK),
	     EXPECT(0, K(PASS_ODDS), 990, 0, RT_BANK),
	     EXPECT(0, K(DONT_PASS_ODDS), 990, 0, RT_BANK), TABLE(4, 0, 0)),
	/*
	 * Come bets: a pending come or don't come comes down; once travelled
	 * a come bet never does, in either phase, but a don't come does, as
	 * long as its lay odds stay within 3 x what is left; odds always come
	 * down. 1000 - 20 + 3 - 41 + 41 + 2 + 5 = 990, come 10 on 5.
	 */
	CASE("come bets: come travelled stays, don't come comes down", NULL,
	     POINT(4), BET(0, K(COME), 10), UNBET(0, K(COME), 10),
	     BET(0, K(COME), 10), BET(0, K(DONT_COME), 10), UNBET(0, K(DONT_COME), 3),
	     ROLL(5),
	     UNBET_ERR(0, COME_N(5), 10, -EPROTO),
	     BET(0, CODDS_N(5), 20), BET(0, DCODDS_N(5), 21),
	     UNBET(0, CODDS_N(5), 20), UNBET_ERR(0, DC_N(5), 7, -EINVAL),
	     UNBET(0, DCODDS_N(5), 21), UNBET(0, DC_N(5), 2),
	     ROLL(4), TABLE(0, 0, 0),
	     UNBET_ERR(0, COME_N(5), 10, -EPROTO),
	     BET(0, CODDS_N(5), 10), UNBET(0, CODDS_N(5), 10),
	     BET(0, DCODDS_N(5), 9), UNBET(0, DCODDS_N(5), 9), UNBET(0, DC_N(5), 5),
	     EXPECT(0, COME_N(5), 990, 10, RT_BANK), EXPECT(0, DC_N(5), 990, 0, RT_BANK)),
	/* A don't come stood off on 12 is still pending and comes down. */
	CASE("don't come stood off comes down", NULL,
	     POINT(4), BET(0, K(DONT_COME), 10), ROLL(12), UNBET(0, K(DONT_COME), 10),
	     EXPECT(0, K(DONT_COME), RT_BAL, 0, RT_BANK)),
	/*
	 * Place, hardways, field and props come down in either phase; with a
	 * minimum of 5 a removal may not leave 1..4 up (12 - 8 = 4: -EINVAL),
	 * nor a place bet in part units (12 - 7 = 5 on the 6: -EINVAL).
	 */
	CASE("come-out: the rest comes down", &limits,
	     BET(0, K(PLACE_6), 12), BET(0, K(HARD_8), 5), BET(0, K(FIELD), 5),
	     BET(0, K(ANY_SEVEN), 5), BET(0, K(TWELVE), 5),
	     UNBET_ERR(0, K(PLACE_6), 8, -EINVAL), UNBET_ERR(0, K(PLACE_6), 7, -EINVAL),
	     UNBET(0, K(PLACE_6), 6), UNBET(0, K(PLACE_6), 6),
	     UNBET(0, K(HARD_8), 5), UNBET(0, K(FIELD), 5), UNBET(0, K(ANY_SEVEN), 5),
	     UNBET(0, K(TWELVE), 5), EXPECT(0, K(PLACE_6), RT_BAL, 0, RT_BANK)),
	CASE("point: the rest comes down", &limits,
	     POINT(9),
	     BET(0, K(PLACE_4), 15), BET(0, K(HARD_10), 5), BET(0, K(FIELD), 5),
	     BET(0, K(ANY_CRAPS), 5), BET(0, K(ELEVEN), 5),
	     UNBET_ERR(0, K(PLACE_4), 11, -EINVAL), UNBET_ERR(0, K(PLACE_4), 7, -EINVAL),
	     UNBET(0, K(PLACE_4), 5), UNBET(0, K(PLACE_4), 10),
	     UNBET(0, K(HARD_10), 5), UNBET(0, K(FIELD), 5), UNBET(0, K(ANY_CRAPS), 5),
	     UNBET(0, K(ELEVEN), 5), EXPECT(0, K(PLACE_4), RT_BAL, 0, RT_BANK)),
};

/* ---- 3. Phase transitions ---------------------------------------------- */

static const struct rt_setup two_seats = { .seats = 0x3 };
static const struct rt_setup three_seats = { .seats = 0x7 };
static const struct rt_setup seats_0_2 = { .seats = 0x5 };

/* @set makes point @p; 2, 3, 11, 12 and @other change nothing; @made ends it. */
#define MADE(set, p, other, made)						\
	CASE("point " #p " by " #set ", made by " #made, &three_seats,		\
	     ROLL(set), TABLE(p, 0, 0), ROLL(2), ROLL(3), ROLL(11), ROLL(12), \
	     ROLL(other), TABLE(p, 0, 0), ROLL(made), TABLE(0, 0, 0))

static const struct rt_case phase_cases[] = {
	CASE("come-out 2, 3, 7, 11, 12 set no point", &three_seats,
	     ROLL(2), TABLE(0, 0, 0), ROLL(3), TABLE(0, 0, 0), ROLL(7), TABLE(0, 0, 0),
	     ROLL(11), TABLE(0, 0, 0), ROLL(12), TABLE(0, 0, 0)),
	MADE(4, 4, 10, 4H),
	MADE(4H, 4, 5, 4),
	MADE(5, 5, 6, 5),
	MADE(6, 6, 8, 6H),
	MADE(8H, 8, 6, 8),
	MADE(9, 9, 10, 9),
	MADE(10, 10, 4, 10H),
	CASE("seven-out passes the dice 0, 1, 2, 0", &three_seats,
	     ROLL(4), TABLE(4, 0, 0), ROLL(7), TABLE(0, 1, 0),
	     ROLL(9), TABLE(9, 1, 0), ROLL(7), TABLE(0, 2, 0),
	     ROLL(10H), TABLE(10, 2, 0), ROLL(7), TABLE(0, 0, 0)),
	CASE("seven-out skips an empty seat", &seats_0_2,
	     ROLL(6), ROLL(7), TABLE(0, 2, 0), ROLL(8), ROLL(7), TABLE(0, 0, 0)),
	CASE("made point and come-out 7 keep the shooter", &two_seats,
	     ROLL(5), ROLL(5), TABLE(0, 0, 0), ROLL(7), TABLE(0, 0, 0),
	     ROLL(8), ROLL(7), TABLE(0, 1, 0)),
	CASE("a lone shooter keeps the dice", NULL,
	     ROLL(5), TABLE(5, 0, 0), ROLL(7), TABLE(0, 0, 0)),
	/* Seven-out with bets: pass 10 loses, don't pass 10 wins 1:1, dice to seat 1. */
	CASE("seven-out settles the line and passes the dice", &two_seats,
	     BET(0, K(PASS), 10), BET(1, K(DONT_PASS), 10), ROLL(6), TABLE(6, 0, 0),
	     ROLL(7), TABLE(0, 1, 0),
	     EXPECT(0, K(PASS), 990, 0, RT_BANK), EXPECT(1, K(DONT_PASS), 1010, 0, RT_BANK)),
};

/* ---- 4. The bank's shortfall ------------------------------------------- */

static const struct rt_setup short3 = { .seats = 0x7, .bank = 6 };
static const struct rt_setup short2 = { .seats = 0x3, .bank = 10 };
static const struct rt_setup bank10 = { .bank = 10 };
static const struct rt_setup bank5 = { .bank = 5 };
static const struct rt_setup bank1_2 = { .seats = 0x3, .bank = 1 };
static const struct rt_setup no_bank = { .no_bank = true };

static const struct rt_case shortfall_cases[] = {
	/*
	 * Bank 6. A come-out 11: don't pass 4 loses first (bank 10); 33 is
	 * owed: seat 0 gets 20 * 10 / 33 = 6.06 -> 6, seat 1 13 * 10 / 33 =
	 * 3.94 -> 3, 1 stays in the bank. Suspended: bets refused, a seat
	 * deposit does not clear it, a bank deposit (50) does.
	 */
	CASE("pro rata, suspended, cleared by a bank deposit", &short3,
	     BET(0, K(PASS), 20), BET(1, K(PASS), 13), BET(2, K(DONT_PASS), 4), ROLL(11),
	     EXPECT(0, K(PASS), 1006, 0, 1), EXPECT(1, K(PASS), 1003, 0, 1),
	     EXPECT(2, K(DONT_PASS), 996, 0, 1), TABLE(0, 0, LFCE_TABLE_SUSPENDED),
	     BET_ERR(0, K(PASS), 10, -EPROTO), BET_ERR(1, K(FIELD), 5, -EPROTO),
	     BET_ERR(2, K(PLACE_6), 6, -EPROTO), BET_ERR(0, K(ANY_SEVEN), 1, -EPROTO),
	     DEPOSIT(0, 100), TABLE(0, 0, LFCE_TABLE_SUSPENDED),
	     BET_ERR(0, K(PASS), 10, -EPROTO),
	     DEPOSIT(RT_SEAT_BANK, 50), TABLE(0, 0, 0),
	     BET(0, K(PASS), 10), EXPECT(0, K(PASS), 1096, 10, 51)),
	/*
	 * Pro rata is over each seat's whole win: seat 0's pass 10 and eleven
	 * 2 (15:1, 30) are owed 40, seat 1's pass 5 is owed 5; bank 10 pays
	 * 40 * 10 / 45 = 8.9 -> 8 and 5 * 10 / 45 = 1.1 -> 1; 1 stays.
	 */
	CASE("pro rata over a seat's bets", &short2,
	     BET(0, K(PASS), 10), BET(0, K(ELEVEN), 2), BET(1, K(PASS), 5), ROLL(11),
	     EXPECT(0, K(PASS), 1008, 0, 1), EXPECT(0, K(ELEVEN), 1008, 0, 1),
	     EXPECT(1, K(PASS), 1001, 0, 1), TABLE(0, 0, LFCE_TABLE_SUSPENDED)),
	/* A bank of exactly the 10 owed pays in full and is not suspended. */
	CASE("bank exactly covers", &bank10,
	     BET(0, K(PASS), 10), ROLL(7), EXPECT(0, K(PASS), 1010, 0, 0), TABLE(0, 0, 0),
	     BET(0, K(FIELD), 5), EXPECT(0, K(FIELD), 1005, 5, 0)),
	/* Losses reach the bank first: don't pass 10 lost pays pass 10 won. */
	CASE("losses fund the winners", &bank1_2,
	     BET(0, K(PASS), 10), BET(1, K(DONT_PASS), 10), ROLL(7),
	     EXPECT(0, K(PASS), 1010, 0, 1), EXPECT(1, K(DONT_PASS), 990, 0, 1), TABLE(0, 0, 0)),
	/*
	 * Bank 5, place 6 of 12 wins 14 (12 * 7/6): paid 5 (14 * 5 / 14),
	 * stays up; hard 8 of 10 waits. The suspended table still rolls: hard
	 * 8 wins 90 from an empty bank, gets 0 and stays up; 7 then takes both
	 * (22) into the bank. A deposit of 1 lifts the suspension.
	 */
	CASE("suspended table keeps rolling", &bank5,
	     POINT(4), BET(0, K(PLACE_6), 12), BET(0, K(HARD_8), 10), ROLL(6),
	     EXPECT(0, K(PLACE_6), 983, 12, 0), EXPECT(0, K(HARD_8), 983, 10, 0),
	     TABLE(4, 0, LFCE_TABLE_SUSPENDED),
	     ROLL(8H), EXPECT(0, K(HARD_8), 983, 10, 0), EXPECT(0, K(PLACE_6), 983, 12, 0),
	     ROLL(7), EXPECT(0, K(PLACE_6), 983, 0, 22), EXPECT(0, K(HARD_8), 983, 0, 22),
	     TABLE(0, 0, LFCE_TABLE_SUSPENDED), BET_ERR(0, K(FIELD), 5, -EPROTO),
	     DEPOSIT(RT_SEAT_BANK, 1), TABLE(0, 0, 0), BET(0, K(FIELD), 5),
	     EXPECT(0, K(FIELD), 978, 5, 23)),
	/* An empty bank: the winner gets the stake back and nothing more. */
	CASE("empty bank", &no_bank,
	     BET(0, K(PASS), 10), ROLL(7), EXPECT(0, K(PASS), 1000, 0, 0),
	     TABLE(0, 0, LFCE_TABLE_SUSPENDED), BET_ERR(0, K(PASS), 10, -EPROTO)),
};

/* ---- The runner -------------------------------------------------------- */

struct rt_run {
	struct kunit *test;
	const struct rt_case *c;
	struct lt_game *g;
	struct lfce_snapshot *before, *after;	/* 4 KiB each: never on the stack */
	unsigned int step;
	unsigned int errors;
};

static __printf(2, 3) void rt_fail(struct rt_run *r, const char *fmt, ...)
{
	char msg[160];
	va_list args;

	/* vsnprintf, not %pV: the suite also runs in userspace. */
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	pr_err("rules_test: \"%s\", step %u: %s\n", r->c->name, r->step, msg);
	r->errors++;
}

static u32 rt_seat(const struct rt_step *s)
{
	return s->seat == RT_SEAT_BANK ? LFCE_SEAT_BANK : s->seat;
}

/* The dice step @s rolls, if it rolls. */
static bool rt_dice(const struct rt_step *s, u8 dice[2])
{
	if (s->op == RT_POINT && s->v[0]) {
		/* 1+3, 1+4, 1+5, 2+6, 3+6, 4+6: never a hard way. */
		dice[0] = s->v[0] <= 7 ? 1 : s->v[0] - 6;
		dice[1] = s->v[0] - dice[0];
		return true;
	}
	if (s->op != RT_ROLL)
		return false;
	dice[0] = s->dice[0];
	dice[1] = s->dice[1];
	return true;
}

/*
 * The case's rolls, planned before the game's first record publishes the
 * first seed's commitment: the test's seeds are committed ahead too.
 */
static void rt_plan(struct rt_run *r)
{
	const struct rt_step *s;
	u64 n = 0;
	u8 dice[2];

	for (s = r->c->steps; s->op != RT_END; s++)
		if (!s->err && rt_dice(s, dice))
			lt_plan(r->g, n++, dice[0], dice[1]);
}

static int rt_apply(struct rt_run *r, const struct rt_step *s)
{
	struct lfce_op op;
	u8 dice[2];

	if (rt_dice(s, dice))
		return lt_roll(r->g, dice[0], dice[1]);
	switch (s->op) {
	case RT_BET:
	case RT_UNBET:
		op = lt_player_op(r->g, s->op == RT_BET ? LFCE_OP_BET : LFCE_OP_UNBET, s->seat);
		op.u.bet.kind = s->kind;
		op.u.bet.amount = s->v[0];
		op.u.bet.reserved = s->v[1];
		return lt_op(r->g, &op);
	case RT_DEPOSIT:
		return lt_deposit(r->g, rt_seat(s), s->v[0]);
	}
	return -EOPNOTSUPP;
}

/* An operation: its errno, and all or nothing. */
static void rt_operate(struct rt_run *r, const struct rt_step *s)
{
	const struct lfce_table *b = &r->before->table, *a = &r->after->table;
	int err;

	lt_read(r->g, r->before);
	err = rt_apply(r, s);
	lt_read(r->g, r->after);
	if (err != s->err)
		rt_fail(r, "returned %d, want %d", err, s->err);
	if (err) {
		if (a->version != b->version)
			rt_fail(r, "refused, but version %llu -> %llu", b->version, a->version);
		if (memcmp(r->before, r->after, sizeof(*r->after)))
			rt_fail(r, "refused, but the snapshot changed");
	} else if (a->version != b->version + 1) {
		rt_fail(r, "version %llu -> %llu, want +1", b->version, a->version);
	}
	if (s->op == RT_POINT && a->point != s->v[0])
		rt_fail(r, "rolled %llu for the point, but the point is %u", s->v[0], a->point);
}

static void rt_expect(struct rt_run *r, const struct rt_step *s)
{
	const struct lfce_seat *seat = &r->after->seat[s->seat];
	const struct lfce_table *t = &r->after->table;

	lt_read(r->g, r->after);
	if (s->op == RT_TABLE) {
		if (t->point != s->v[0] ||
		    t->phase != (s->v[0] ? LFCE_PHASE_POINT : LFCE_PHASE_COME_OUT))
			rt_fail(r, "phase %u point %u, want point %llu", t->phase, t->point,
				s->v[0]);
		if (t->shooter != s->v[1])
			rt_fail(r, "shooter %u, want %llu", t->shooter, s->v[1]);
		if (t->flags != s->v[2])
			rt_fail(r, "table flags %#x, want %#llx", t->flags, s->v[2]);
		return;
	}
	if (seat->balance != s->v[0])
		rt_fail(r, "seat %u balance %llu, want %llu", s->seat, seat->balance, s->v[0]);
	if (seat->bets[s->kind] != s->v[1])
		rt_fail(r, "seat %u bets[%u] %llu, want %llu", s->seat, s->kind,
			seat->bets[s->kind], s->v[1]);
	if (t->bank != s->v[2])
		rt_fail(r, "bank %llu, want %llu", t->bank, s->v[2]);
}

static const struct rt_setup rt_defaults;

/* Seats join (uid 1000 + seat) and get their balance; the bank is funded. */
static bool rt_setup(struct rt_run *r)
{
	const struct rt_setup *su = r->c->setup ?: &rt_defaults;
	unsigned long seats = su->seats ?: 1;
	struct lfce_config cfg;
	unsigned int i;
	int err;

	lfce_rules_default_config(&cfg);
	if (su->min_bet)
		cfg.min_bet = su->min_bet;
	if (su->max_bet)
		cfg.max_bet = su->max_bet;
	if (su->odds_max)
		cfg.odds_max = su->odds_max;
	if (su->field12)
		cfg.field12_pays = su->field12;
	cfg.flags |= su->flags;
	r->g = lt_game_new(r->test, &cfg, true);
	rt_plan(r);
	for_each_set_bit(i, &seats, LFCE_MAX_SEATS) {
		err = lt_join(r->g, i, 1000 + i) ?: lt_deposit(r->g, i, su->balance ?: RT_BAL);
		if (err) {
			rt_fail(r, "setup: seat %u: %d", i, err);
			return false;
		}
	}
	err = su->no_bank ? 0 : lt_deposit(r->g, LFCE_SEAT_BANK, su->bank ?: RT_BANK);
	if (err)
		rt_fail(r, "setup: bank: %d", err);
	return !err;
}

static void rt_run_case(struct rt_run *r)
{
	const struct rt_step *s;

	r->step = 0;
	r->errors = 0;
	if (!rt_setup(r))
		goto out;
	for (s = r->c->steps; s->op != RT_END; s++) {
		r->step++;
		if (s->op == RT_POINT && !s->v[0])
			continue;
		if (s->op == RT_EXPECT || s->op == RT_TABLE)
			rt_expect(r, s);
		else
			rt_operate(r, s);
		if (!lfce_rules_conserved(r->after))
			rt_fail(r, "tokens not conserved");
	}
out:
	lt_game_free(r->g);
}

static void rt_run_table(struct kunit *test, const struct rt_case *cases, size_t n)
{
	struct rt_run r = { .test = test };
	const char *first = "";
	unsigned int failed = 0;
	size_t i;

	r.before = kunit_kzalloc(test, sizeof(*r.before), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r.before);
	r.after = kunit_kzalloc(test, sizeof(*r.after), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r.after);
	for (i = 0; i < n; i++) {
		r.c = &cases[i];
		rt_run_case(&r);
		if (r.errors && !failed++)
			first = r.c->name;
	}
	if (failed)
		KUNIT_FAIL(test, "%u of %zu rows failed, first \"%s\"; details on the console",
			   failed, n, first);
}

#define RT_TABLE_OF(t)	{ (t), ARRAY_SIZE(t) }

static const struct {
	const struct rt_case *cases;
	size_t n;
} rt_tables[] = {
	RT_TABLE_OF(line_cases),
	RT_TABLE_OF(odds_cases),
	RT_TABLE_OF(come_cases),
	RT_TABLE_OF(field_cases),
	RT_TABLE_OF(place_cases),
	RT_TABLE_OF(hard_cases),
	RT_TABLE_OF(prop_cases),
	RT_TABLE_OF(betting_cases),
	RT_TABLE_OF(phase_cases),
	RT_TABLE_OF(shortfall_cases),
};

/* One KUnit case per table. */
#define RT_TABLE_CASE(fn, table)					\
	static void fn(struct kunit *test)				\
	{								\
		rt_run_table(test, table, ARRAY_SIZE(table));		\
	}

RT_TABLE_CASE(rules_line, line_cases)
RT_TABLE_CASE(rules_line_odds, odds_cases)
RT_TABLE_CASE(rules_come, come_cases)
RT_TABLE_CASE(rules_field, field_cases)
RT_TABLE_CASE(rules_place, place_cases)
RT_TABLE_CASE(rules_hardways, hard_cases)
RT_TABLE_CASE(rules_props, prop_cases)
RT_TABLE_CASE(rules_betting, betting_cases)
RT_TABLE_CASE(rules_phases, phase_cases)
RT_TABLE_CASE(rules_shortfall, shortfall_cases)

/*
 * The tables themselves: every one of the LFCE_BET_NR kinds is checked
 * after a roll somewhere, and every kind is tried in both phases.
 */
static void rules_tables_cover_every_kind(struct kunit *test)
{
	DECLARE_BITMAP(settled, LFCE_BET_NR);
	DECLARE_BITMAP(tried_co, LFCE_BET_NR);
	DECLARE_BITMAP(tried_pt, LFCE_BET_NR);
	const struct rt_step *s;
	bool rolled, point;
	size_t t, i;

	bitmap_zero(settled, LFCE_BET_NR);
	bitmap_zero(tried_co, LFCE_BET_NR);
	bitmap_zero(tried_pt, LFCE_BET_NR);
	for (t = 0; t < ARRAY_SIZE(rt_tables); t++) {
		for (i = 0; i < rt_tables[t].n; i++) {
			rolled = false;
			point = false;
			for (s = rt_tables[t].cases[i].steps; s->op != RT_END; s++) {
				rolled |= s->op == RT_ROLL;
				point |= s->op == RT_POINT && s->v[0];
				if (s->op == RT_EXPECT && rolled)
					__set_bit(s->kind, settled);
				if (s->op == RT_BET && s->kind < LFCE_BET_NR && !rolled)
					__set_bit(s->kind, point ? tried_pt : tried_co);
			}
		}
	}
	KUNIT_EXPECT_EQ(test, bitmap_weight(settled, LFCE_BET_NR), LFCE_BET_NR);
	KUNIT_EXPECT_EQ(test, bitmap_weight(tried_co, LFCE_BET_NR), LFCE_BET_NR);
	KUNIT_EXPECT_EQ(test, bitmap_weight(tried_pt, LFCE_BET_NR), LFCE_BET_NR);
}

/* ---- Whole units ------------------------------------------------------- */

#define WU_NONE		0xff	/* no base bet, no travel, no point */
#define WU_BASE		100	/* the base bet under odds */

/*
 * Bet kind @kind of a to n, on a table brought to it by: @base (100, or
 * WU_NONE) before @point is rolled (0: stay on the come-out), then @come
 * (100 on COME or DONT_COME, or WU_NONE) rolled to @travel. Its unit and
 * ratio @num:@den are from the casino rules, by hand; @win is a roll that
 * pays it, and pays its base (if any) 1:1 too.
 */
struct wu_case {
	u8 kind, base, point, come, travel, unit, num, den;
	u8 win[2];
};

#define WU(k, b, p, c, t, u, n, d, w)						\
	{ LFCE_BET_##k, b, p, c, t, u, n, d, R_##w }
#define WU_PLAIN(k, n, w)	WU(k, WU_NONE, 0, WU_NONE, 0, 1, n, 1, w)

static const struct wu_case wu_cases[] = {
	WU_PLAIN(PASS, 1, 7), WU_PLAIN(DONT_PASS, 1, 2), WU_PLAIN(FIELD, 2, 2),
	WU_PLAIN(ANY_SEVEN, 4, 7), WU_PLAIN(ANY_CRAPS, 7, 3), WU_PLAIN(ELEVEN, 15, 11),
	WU_PLAIN(ACES, 30, 2), WU_PLAIN(ACE_DEUCE, 15, 3), WU_PLAIN(TWELVE, 30, 12),
	WU(COME, WU_NONE, 4, WU_NONE, 0, 1, 1, 1, 7),
	WU(DONT_COME, WU_NONE, 4, WU_NONE, 0, 1, 1, 1, 2),
	WU(HARD_4, WU_NONE, 5, WU_NONE, 0, 1, 7, 1, 4H),
	WU(HARD_6, WU_NONE, 5, WU_NONE, 0, 1, 9, 1, 6H),
	WU(HARD_8, WU_NONE, 5, WU_NONE, 0, 1, 9, 1, 8H),
	WU(HARD_10, WU_NONE, 5, WU_NONE, 0, 1, 7, 1, 10H),
	/* Place: 9:5 and 7:5 in fives, 7:6 in sixes. */
	WU(PLACE_4, WU_NONE, 10, WU_NONE, 0, 5, 9, 5, 4),
	WU(PLACE_5, WU_NONE, 4, WU_NONE, 0, 5, 7, 5, 5),
	WU(PLACE_6, WU_NONE, 4, WU_NONE, 0, 6, 7, 6, 6),
	WU(PLACE_8, WU_NONE, 4, WU_NONE, 0, 6, 7, 6, 8),
	WU(PLACE_9, WU_NONE, 4, WU_NONE, 0, 5, 7, 5, 9),
	WU(PLACE_10, WU_NONE, 4, WU_NONE, 0, 5, 9, 5, 10),
	/* Pass odds: true odds 2:1, 3:2, 6:5 by the table's point. */
	WU(PASS_ODDS, LFCE_BET_PASS, 4, WU_NONE, 0, 1, 2, 1, 4),
	WU(PASS_ODDS, LFCE_BET_PASS, 5, WU_NONE, 0, 2, 3, 2, 5),
	WU(PASS_ODDS, LFCE_BET_PASS, 6, WU_NONE, 0, 5, 6, 5, 6),
	WU(PASS_ODDS, LFCE_BET_PASS, 8, WU_NONE, 0, 5, 6, 5, 8),
	WU(PASS_ODDS, LFCE_BET_PASS, 9, WU_NONE, 0, 2, 3, 2, 9),
	WU(PASS_ODDS, LFCE_BET_PASS, 10, WU_NONE, 0, 1, 2, 1, 10),
	/* Lay odds: 1:2, 2:3, 5:6. */
	WU(DONT_PASS_ODDS, LFCE_BET_DONT_PASS, 4, WU_NONE, 0, 2, 1, 2, 7),
	WU(DONT_PASS_ODDS, LFCE_BET_DONT_PASS, 5, WU_NONE, 0, 3, 2, 3, 7),
	WU(DONT_PASS_ODDS, LFCE_BET_DONT_PASS, 6, WU_NONE, 0, 6, 5, 6, 7),
	WU(DONT_PASS_ODDS, LFCE_BET_DONT_PASS, 8, WU_NONE, 0, 6, 5, 6, 7),
	WU(DONT_PASS_ODDS, LFCE_BET_DONT_PASS, 9, WU_NONE, 0, 3, 2, 3, 7),
	WU(DONT_PASS_ODDS, LFCE_BET_DONT_PASS, 10, WU_NONE, 0, 2, 1, 2, 7),
	/* Come odds on the number the come bet travelled to. */
	WU(COME_ODDS_4, WU_NONE, 10, LFCE_BET_COME, 4, 1, 2, 1, 4),
	WU(COME_ODDS_5, WU_NONE, 4, LFCE_BET_COME, 5, 2, 3, 2, 5),
	WU(COME_ODDS_6, WU_NONE, 4, LFCE_BET_COME, 6, 5, 6, 5, 6),
	WU(COME_ODDS_8, WU_NONE, 4, LFCE_BET_COME, 8, 5, 6, 5, 8),
	WU(COME_ODDS_9, WU_NONE, 4, LFCE_BET_COME, 9, 2, 3, 2, 9),
	WU(COME_ODDS_10, WU_NONE, 4, LFCE_BET_COME, 10, 1, 2, 1, 10),
	WU(DONT_COME_ODDS_4, WU_NONE, 10, LFCE_BET_DONT_COME, 4, 2, 1, 2, 7),
	WU(DONT_COME_ODDS_5, WU_NONE, 4, LFCE_BET_DONT_COME, 5, 3, 2, 3, 7),
	WU(DONT_COME_ODDS_6, WU_NONE, 4, LFCE_BET_DONT_COME, 6, 6, 5, 6, 7),
	WU(DONT_COME_ODDS_8, WU_NONE, 4, LFCE_BET_DONT_COME, 8, 6, 5, 6, 7),
	WU(DONT_COME_ODDS_9, WU_NONE, 4, LFCE_BET_DONT_COME, 9, 3, 2, 3, 7),
	WU(DONT_COME_ODDS_10, WU_NONE, 4, LFCE_BET_DONT_COME, 10, 2, 1, 2, 7),
};

/* An easy roll of @n: 1+3, 1+4, 1+5, 2+6, 3+6, 4+6. */
static u8 wu_d1(u8 n)
{
	return n <= 7 ? 1 : n - 6;
}

static int wu_easy(struct lt_game *g, u8 n)
{
	return lt_roll(g, wu_d1(n), n - wu_d1(n));
}

/* The case's rolls, planned before the first record commits to roll 0. */
static void wu_plan(struct lt_game *g, const struct wu_case *c)
{
	u64 n = 0;

	if (c->point)
		lt_plan(g, n++, wu_d1(c->point), c->point - wu_d1(c->point));
	if (c->come != WU_NONE)
		lt_plan(g, n++, wu_d1(c->travel), c->travel - wu_d1(c->travel));
	lt_plan(g, n, c->win[0], c->win[1]);
}

static struct lt_game *wu_table(struct kunit *test, const struct wu_case *c)
{
	struct lt_game *g = lt_game_new(test, NULL, true);

	wu_plan(g, c);

	KUNIT_ASSERT_EQ(test, lt_join(g, 0, 1000), 0);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, 0, 100000), 0);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, LFCE_SEAT_BANK, 1000000), 0);
	if (c->base != WU_NONE)
		KUNIT_ASSERT_EQ(test, lt_bet(g, 0, c->base, WU_BASE), 0);
	if (c->point)
		KUNIT_ASSERT_EQ(test, wu_easy(g, c->point), 0);
	if (c->come != WU_NONE) {
		KUNIT_ASSERT_EQ(test, lt_bet(g, 0, c->come, WU_BASE), 0);
		KUNIT_ASSERT_EQ(test, wu_easy(g, c->travel), 0);
	}
	return g;
}

/*
 * Every payout is exact. For every kind that can be bet, and every amount
 * 1..12: a total that is not a whole number of the kind's unit is refused
 * (EINVAL, nothing changed), and one that is pays exactly amount * num /
 * den on its winning roll: the bank pays that, plus the base's 1:1.
 */
static void rules_whole_units(struct kunit *test)
{
	struct lfce_snapshot *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct lfce_snapshot *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	const struct wu_case *c;
	struct lt_game *g;
	unsigned int bad = 0;
	u64 amount, paid;
	size_t i;
	int ret;

	KUNIT_ASSERT_TRUE(test, a && b);
	for (i = 0; i < ARRAY_SIZE(wu_cases); i++) {
		c = &wu_cases[i];
		for (amount = 1; amount <= 12; amount++) {
			g = wu_table(test, c);
			lt_read(g, a);
			ret = lt_bet(g, 0, c->kind, amount);
			lt_read(g, b);
			if (amount % c->unit) {
				bad += ret != -EINVAL || memcmp(a, b, sizeof(*a));
			} else if (ret) {
				bad++;
			} else {
				KUNIT_EXPECT_EQ(test, amount * c->num % c->den, 0);
				ret = lt_roll(g, c->win[0], c->win[1]);
				lt_read(g, b);
				paid = a->table.bank - b->table.bank;
				bad += ret || paid != amount * c->num / c->den +
					      (c->base != WU_NONE || c->come != WU_NONE ? WU_BASE : 0);
			}
			if (bad)
				KUNIT_FAIL(test, "kind %u (row %zu), amount %llu: %d", c->kind, i,
					   amount, ret);
			lt_game_free(g);
			if (bad)
				return;
		}
	}
}

/*
 * A bet may be raised by several BETs: the unit applies to the total on
 * the table. Place 6: 3 + 3 is accepted only as the 6 it makes; lay odds
 * on 5: 2 refused, 1 + 2 as 3, then 4 refused (7), 3 more (6).
 */
static void rules_units_on_the_total(struct kunit *test)
{
	struct lfce_snapshot *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct lfce_snapshot *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	static const struct wu_case lay5 =
		WU(DONT_PASS_ODDS, LFCE_BET_DONT_PASS, 5, WU_NONE, 0, 3, 2, 3, 7);
	struct lt_game *g = wu_table(test, &lay5);

	KUNIT_ASSERT_TRUE(test, a && b);
	lt_read(g, a);
	KUNIT_EXPECT_EQ(test, lt_bet(g, 0, LFCE_BET_PLACE_6, 3), -EINVAL);
	KUNIT_EXPECT_EQ(test, lt_bet(g, 0, LFCE_BET_DONT_PASS_ODDS, 2), -EINVAL);
	lt_read(g, b);
	KUNIT_EXPECT_EQ(test, memcmp(a, b, sizeof(*a)), 0);
	KUNIT_EXPECT_EQ(test, lt_bet(g, 0, LFCE_BET_PLACE_6, 6), 0);
	KUNIT_EXPECT_EQ(test, lt_bet(g, 0, LFCE_BET_PLACE_6, 3), -EINVAL);
	KUNIT_EXPECT_EQ(test, lt_bet(g, 0, LFCE_BET_PLACE_6, 6), 0);
	KUNIT_EXPECT_EQ(test, lt_bet(g, 0, LFCE_BET_DONT_PASS_ODDS, 3), 0);
	lt_read(g, a);
	KUNIT_EXPECT_EQ(test, lt_bet(g, 0, LFCE_BET_DONT_PASS_ODDS, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, lt_unbet(g, 0, LFCE_BET_DONT_PASS_ODDS, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, lt_unbet(g, 0, LFCE_BET_PLACE_6, 5), -EINVAL);
	lt_read(g, b);
	KUNIT_EXPECT_EQ(test, memcmp(a, b, sizeof(*a)), 0);
	KUNIT_EXPECT_EQ(test, lt_bet(g, 0, LFCE_BET_DONT_PASS_ODDS, 3), 0);
	lt_read(g, b);
	KUNIT_EXPECT_EQ(test, b->seat[0].bets[LFCE_BET_PLACE_6], 12);
	KUNIT_EXPECT_EQ(test, b->seat[0].bets[LFCE_BET_DONT_PASS_ODDS], 6);
	lt_game_free(g);
}

/*
 * A seat with the don't side up in the point phase (don't pass and lay
 * odds, a don't come on 6 and its lay odds) may leave: all of it comes
 * back. One with a pass line may not (EPROTO, nothing changes).
 */
static void rules_dont_bets_leave(struct kunit *test)
{
	struct lfce_snapshot *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct lfce_snapshot *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct lt_game *g = lt_game_new(test, NULL, true);
	struct lfce_op leave;

	KUNIT_ASSERT_TRUE(test, a && b);
	lt_plan(g, 0, 1, 3);
	lt_plan(g, 1, 2, 4);
	KUNIT_ASSERT_EQ(test, lt_join(g, 0, 1000), 0);
	KUNIT_ASSERT_EQ(test, lt_join(g, 1, 1001), 0);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, 0, RT_BAL), 0);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, 1, RT_BAL), 0);
	KUNIT_ASSERT_EQ(test, lt_deposit(g, LFCE_SEAT_BANK, RT_BANK), 0);
	KUNIT_ASSERT_EQ(test, lt_bet(g, 0, LFCE_BET_DONT_PASS, 10), 0);
	KUNIT_ASSERT_EQ(test, lt_bet(g, 1, LFCE_BET_PASS, 10), 0);
	KUNIT_ASSERT_EQ(test, lt_roll(g, 1, 3), 0);	/* point 4 */
	KUNIT_ASSERT_EQ(test, lt_bet(g, 0, LFCE_BET_DONT_PASS_ODDS, 20), 0);
	KUNIT_ASSERT_EQ(test, lt_bet(g, 0, LFCE_BET_DONT_COME, 10), 0);
	KUNIT_ASSERT_EQ(test, lt_roll(g, 2, 4), 0);	/* don't come to 6 */
	KUNIT_ASSERT_EQ(test, lt_bet(g, 0, LFCE_BET_DONT_COME_ODDS_6, 30), 0);
	lt_read(g, a);
	KUNIT_ASSERT_EQ(test, a->seat[0].bets[LFCE_BET_DONT_COME_6], 10);
	KUNIT_ASSERT_EQ(test, a->seat[0].balance, RT_BAL - 70);

	leave = lt_player_op(g, LFCE_OP_LEAVE, 1);
	KUNIT_EXPECT_EQ(test, lt_op(g, &leave), -EPROTO);
	lt_read(g, b);
	KUNIT_EXPECT_EQ(test, memcmp(a, b, sizeof(*a)), 0);

	leave = lt_player_op(g, LFCE_OP_LEAVE, 0);
	KUNIT_EXPECT_EQ(test, lt_op(g, &leave), 0);
	lt_read(g, b);
	KUNIT_EXPECT_EQ(test, b->seat[0].flags, 0);
	KUNIT_EXPECT_EQ(test, b->table.total, a->table.total - RT_BAL);
	KUNIT_EXPECT_EQ(test, b->table.bank, RT_BANK);
	KUNIT_EXPECT_TRUE(test, lfce_rules_conserved(b));
	lt_game_free(g);
}

/*
 * Reference: the defaults the uapi documents, as literals, so that a change
 * of them is a change of this test too. Every other test takes them from
 * lfce_rules_default_config() or the game's own config.
 */
static void rules_documented_defaults_reference(struct kunit *test)
{
	struct lfce_config cfg = { .min_bet = 1, .max_bet = 1 };

	/* struct lfce_config: "0: the default", "0: 60 s". */
	lfce_rules_fill_config(&cfg);
	KUNIT_EXPECT_EQ(test, cfg.max_proposals, LFCE_MAX_PROPOSALS);
	KUNIT_EXPECT_EQ(test, cfg.proposal_timeout_ns, 60ULL * 1000 * 1000 * 1000);
	KUNIT_EXPECT_EQ(test, cfg.min_bet, 1);
	/* Given values stay. */
	cfg.max_proposals = 1;
	cfg.proposal_timeout_ns = 7;
	lfce_rules_fill_config(&cfg);
	KUNIT_EXPECT_EQ(test, cfg.max_proposals, 1);
	KUNIT_EXPECT_EQ(test, cfg.proposal_timeout_ns, 7);
	/* LFCE_CFG_DISTINCT_UIDS: "one seat per uid (default)". */
	lfce_rules_default_config(&cfg);
	KUNIT_EXPECT_EQ(test, cfg.flags, LFCE_CFG_DISTINCT_UIDS);
	KUNIT_EXPECT_EQ(test, lfce_rules_check_config(&cfg), 0);
}

static struct kunit_case rules_cases[] = {
	KUNIT_CASE(rules_line),
	KUNIT_CASE(rules_line_odds),
	KUNIT_CASE(rules_come),
	KUNIT_CASE(rules_field),
	KUNIT_CASE(rules_place),
	KUNIT_CASE(rules_hardways),
	KUNIT_CASE(rules_props),
	KUNIT_CASE(rules_betting),
	KUNIT_CASE(rules_phases),
	KUNIT_CASE(rules_shortfall),
	KUNIT_CASE(rules_tables_cover_every_kind),
	KUNIT_CASE(rules_whole_units),
	KUNIT_CASE(rules_units_on_the_total),
	KUNIT_CASE(rules_dont_bets_leave),
	KUNIT_CASE(rules_documented_defaults_reference),
	{}
};

static struct kunit_suite rules_suite = {
	.name = "lfce_rules",
	.test_cases = rules_cases,
};

kunit_test_suite(rules_suite);
