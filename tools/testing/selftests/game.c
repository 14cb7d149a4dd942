// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: a game through the device, happy path and its guards:
 * create, map, join, submit (single and batch), get, stats, list, a host
 * roll, the read-only mapping (PROT_WRITE, PROT_EXEC and mprotect refused),
 * LIST's total counting the games below its start too, reads that
 * see every write that returned, a foreign seat and a read-only handle
 * refused with nothing changed, and close (refused while tokens remain,
 * forced, then ENODEV) with the mapping outliving it all.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"

static struct lfce_snapshot snap, before;

/* This program's game, a literal table like every program's: host dice. */
static const struct lfce_config config = {
	.min_bet = 1, .max_bet = 1000000, .odds_max = 3, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .flags = LFCE_CFG_DISTINCT_UIDS,
	.reveal_timeout_ns = 30000000000ULL, .max_seats = LFCE_MAX_SEATS,
};

/* The mapping shows at least @version: read-your-writes. */
static void mapped_at_least(const void *base, uint64_t version, const char *what)
{
	int ret = lfce_snapshot_read(base, &snap);

	t_ok(!ret && snap.table.version >= version && lfce_tokens_conserved(&snap),
	     "%s: mapping shows version %llu >= %llu, conserved", what,
	     (unsigned long long)snap.table.version, (unsigned long long)version);
}

static struct lfce_op player(uint16_t type, uint32_t seat, uint64_t nonce)
{
	return (struct lfce_op){ .type = type, .seat = seat, .nonce = nonce };
}

static void check_journal(const void *base, uint64_t records)
{
	struct lfce_record r = { 0 };
	uint64_t n, version = 0;
	int ok = 1;

	for (n = 0; n < records && ok; n++) {
		ok = !lfce_journal_record(base, n, &r) && r.number == n &&
		     (r.version == version || r.version == version + 1);
		version = r.version;
	}
	t_ok(ok, "journal: %llu records, numbers and versions contiguous",
	     (unsigned long long)records);
}

int main(void)
{
	int owner, p0, ro, ret;
	struct lfce_stats st;
	struct lfce_op ops[2];
	/* Room for every game earlier programs in this VM left behind. */
	static uint64_t ids[4096];
	uint64_t id, v, total;
	uint32_t seat, n = 4096;
	const void *base;
	size_t size;
	void *w;

	owner = lfce_open(O_RDWR);
	if (owner < 0)
		t_skip("no /dev/lfce");
	t_ok(!lfce_create(owner, &config, &id), "create a game");
	ret = lfce_map(owner, &base, &size);
	t_ok(!ret, "map it: %s", ret ? lfce_strerror(ret) : "ok");
	if (ret)
		return t_done();
	t_ok(((const struct lfce_region *)base)->game_id == id, "header names the game");
	mapped_at_least(base, 0, "fresh game");

	p0 = lfce_open(O_RDWR);
	t_ok(!lfce_attach(p0, id), "attach a second handle");
	t_ok(!lfce_join_retry(p0, LFCE_SEAT_ANY, 1, NULL, &seat, &v, 0) && seat == 0 && v == 1,
	     "join any seat -> seat 0, version 1");
	mapped_at_least(base, v, "after join");
	t_errno(ioctl(p0, LFCE_IOC_JOIN, &(struct lfce_join){ .size = sizeof(struct lfce_join),
							     .seat = 1, .nonce = 2 }),
		EISCONN, "a seated handle cannot join again");

	ops[0] = (struct lfce_op){ .type = LFCE_OP_DEPOSIT, .seat = 0, .nonce = 1 };
	ops[0].u.amount.value = 1000;
	ops[1] = (struct lfce_op){ .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK, .nonce = 2 };
	ops[1].u.amount.value = 100000;
	t_ok(!lfce_submit_retry(owner, ops, 2, &v, 0) && v == 2, "owner deposits, batch of 2: version 2");
	mapped_at_least(base, v, "after batch");
	t_ok(snap.table.records == 3 && snap.seat[0].balance == 1000, "3 records, balance 1000");

	ops[0] = player(LFCE_OP_BET, 0, 2);
	ops[0].u.bet.kind = LFCE_BET_PLACE_6;
	ops[0].u.bet.amount = 12;
	t_ok(!lfce_submit_retry(p0, ops, 1, &v, 0), "player bets place 6");
	mapped_at_least(base, v, "after bet");
	t_ok(snap.seat[0].balance == 988 && snap.seat[0].bets[LFCE_BET_PLACE_6] == 12,
	     "balance 988, 12 on place 6");

	before = snap;
	ops[0] = player(LFCE_OP_BET, 1, 3);
	ops[0].u.bet.kind = LFCE_BET_FIELD;
	ops[0].u.bet.amount = 5;
	t_errno(ioctl(p0, LFCE_IOC_SUBMIT, &(struct lfce_submit){
		.size = sizeof(struct lfce_submit), .count = 1, .ops = (uintptr_t)ops }),
		EPERM, "a bet for a foreign seat");
	t_ok(!lfce_get(owner, &snap) && !memcmp(&snap, &before, sizeof(snap)),
	     "the refused submit changed nothing");

	ops[0] = (struct lfce_op){ .type = LFCE_OP_ROLL, .seat = LFCE_SEAT_BANK, .nonce = 3 };
	t_ok(!lfce_submit_retry(owner, ops, 1, &v, 0), "owner rolls host dice");
	mapped_at_least(base, v, "after roll");
	t_ok(snap.table.rolls == 1 && snap.table.dice[0] >= 1 && snap.table.dice[0] <= 6,
	     "one roll, dice %u and %u", snap.table.dice[0], snap.table.dice[1]);

	ro = lfce_open(O_RDONLY);
	t_ok(!lfce_attach(ro, id), "attach an O_RDONLY handle");
	t_errno(ioctl(ro, LFCE_IOC_SUBMIT, &(struct lfce_submit){
		.size = sizeof(struct lfce_submit), .count = 1, .ops = (uintptr_t)ops }),
		EBADF, "submit on an O_RDONLY handle");
	t_ok(!lfce_get(ro, &snap) && snap.table.version == v, "get on an O_RDONLY handle");
	w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	t_ok(w == MAP_FAILED && errno == EACCES, "PROT_WRITE on an O_RDONLY handle: EACCES");
	w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, owner, 0);
	t_ok(w == MAP_FAILED && errno == EPERM, "PROT_WRITE on an O_RDWR handle: EPERM");
	t_ok(mprotect((void *)base, size, PROT_READ | PROT_WRITE) == -1,
	     "mprotect(PROT_WRITE) on the mapping fails");
	w = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, owner, 0);
	t_ok(w == MAP_FAILED && errno == EPERM, "PROT_EXEC: EPERM");
	if (w != MAP_FAILED)
		munmap(w, size);
	t_ok(mprotect((void *)base, size, PROT_READ | PROT_EXEC) == -1 && errno == EACCES,
	     "mprotect(PROT_EXEC) on the mapping: EACCES");

	ret = lfce_stats(owner, &st);
	t_ok(!ret && st.commits == 4 && st.retries[0] + st.retries[1] == 4,
	     "stats: %llu commits (%s)", (unsigned long long)st.commits, lfce_strerror(ret));
	ret = lfce_list(ro, 0, ids, &n, &total);
	t_ok(!ret && n >= 1 && n == total && ids[n - 1] == id,
	     "list shows the game (%u of %llu)", n, (unsigned long long)total);
	{
		uint64_t past_total = 0;
		uint32_t none = 4;

		ret = lfce_list(ro, id + 1, ids, &none, &past_total);
		t_ok(!ret && none == 0 && past_total == total,
		     "list from past the last id: no ids, total still %llu (%llu)",
		     (unsigned long long)total, (unsigned long long)past_total);
	}
	check_journal(base, snap.table.records);

	t_errno(ioctl(owner, LFCE_IOC_CLOSE, &(struct lfce_close){
		.size = sizeof(struct lfce_close), .game_id = id }),
		EBUSY, "close refused while tokens remain");
	t_ok(!lfce_close_game(owner, id, LFCE_CLOSE_FORCE), "forced close");
	ops[0] = player(LFCE_OP_LEAVE, 0, 9);
	t_errno(ioctl(p0, LFCE_IOC_SUBMIT, &(struct lfce_submit){
		.size = sizeof(struct lfce_submit), .count = 1, .ops = (uintptr_t)ops }),
		ENODEV, "a closed game's handle gets ENODEV");
	t_errno(lfce_attach(lfce_open(O_RDONLY), id) ? (errno = ENOENT, -1) : 0, ENOENT,
		"the closed game cannot be attached");
	close(owner);
	close(p0);
	close(ro);
	mapped_at_least(base, v + 1, "after close, handles gone");
	t_ok(snap.table.total == 0 && snap.table.bank == 0 && snap.seat[0].balance == 0,
	     "the forced close settled everything");
	check_journal(base, snap.table.records);
	lfce_unmap(base, size);
	return t_done();
}
