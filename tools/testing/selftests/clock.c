// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: deadlines live on the boot-time clock, records carry the
 * wall clock only as a stamp. A record's time_ns lies between two reads of
 * CLOCK_BOOTTIME around its commit and its realtime_ns between two reads of
 * CLOCK_REALTIME. Then the wall clock is set an hour ahead while a round
 * with a 20 s deadline is open: the round must not be due (EXPIRE is
 * refused with EPROTO and the module's sweep leaves it alone), and a commit
 * after the step is stamped with the new wall time but the old boot time.
 * The wall clock is put back before the test ends.
 */
#include <fcntl.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"

#define HOUR_NS		3600000000000ULL

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int set_realtime(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ULL, .tv_nsec = ns % 1000000000ULL };

	return clock_settime(CLOCK_REALTIME, &ts);
}

/* The newest record, through the mapping. */
static int last_record(const void *base, struct lfce_record *r)
{
	uint64_t version, records;

	lfce_header_read(base, &version, &records);
	return records ? lfce_journal_record(base, records - 1, r) : -ENOENT;
}

int main(void)
{
	struct lfce_config cfg = {
		.min_bet = 1, .max_bet = 100, .odds_max = 1, .field12_pays = 2,
		.dice_mode = LFCE_DICE_COMMIT_REVEAL, .reveal_timeout_ns = 20000000000ULL,
		.max_seats = 2,
	};
	struct lfce_op op = { .type = LFCE_OP_CLOSE, .seat = 0, .nonce = 2 };
	struct lfce_op expire = { .type = LFCE_OP_EXPIRE, .seat = LFCE_SEAT_BANK };
	uint64_t game, b0, b1, r0, r1;
	struct lfce_snapshot s;
	struct lfce_record rec;
	const void *base;
	size_t size;
	int fd, ret;

	fd = lfce_open(O_RDWR);
	if (fd < 0)
		t_skip("no /dev/lfce");
	if (lfce_create(fd, &cfg, &game) || lfce_map(fd, &base, &size))
		t_skip("cannot set up a game");
	b0 = clock_ns(CLOCK_BOOTTIME);
	r0 = clock_ns(CLOCK_REALTIME);
	ret = lfce_join_retry(fd, 0, 1, NULL, NULL, NULL, 0);
	b1 = clock_ns(CLOCK_BOOTTIME);
	r1 = clock_ns(CLOCK_REALTIME);
	t_ok(!ret && !last_record(base, &rec), "join, and its record");
	t_ok(rec.time_ns >= b0 && rec.time_ns <= b1, "time_ns is boot time (%llu in [%llu, %llu])",
	     (unsigned long long)rec.time_ns, (unsigned long long)b0, (unsigned long long)b1);
	t_ok(rec.realtime_ns >= r0 && rec.realtime_ns <= r1, "realtime_ns is the wall clock");

	ret = lfce_submit_retry(fd, &op, 1, NULL, 0);
	t_ok(!ret && !lfce_snapshot_read(base, &s) && s.table.stage == LFCE_STAGE_COMMIT,
	     "the shooter closes betting: a round with a 20 s deadline");
	r0 = clock_ns(CLOCK_REALTIME);
	if (!t_ok(!set_realtime(r0 + HOUR_NS), "the wall clock jumps an hour ahead"))
		return t_done();
	t_ok(lfce_submit_retry(fd, &expire, 1, NULL, 0) == -EPROTO,
	     "EXPIRE right after: not due (EPROTO)");
	sleep(2);	/* the sweep, had it been armed on the wall clock */
	lfce_snapshot_read(base, &s);
	t_ok(s.table.stage == LFCE_STAGE_COMMIT && s.table.rolls == 0,
	     "the round is still open: nothing expired it");
	b0 = clock_ns(CLOCK_BOOTTIME);
	op = (struct lfce_op){ .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK, .nonce = 1 };
	op.u.amount.value = 5;
	ret = lfce_submit_retry(fd, &op, 1, NULL, 0) ?: last_record(base, &rec);
	t_ok(!ret && rec.realtime_ns >= r0 + HOUR_NS && rec.time_ns >= b0 &&
	     rec.time_ns < b0 + HOUR_NS, "a later record: new wall time, boot time unmoved");
	t_ok(!set_realtime(clock_ns(CLOCK_REALTIME) - HOUR_NS), "the wall clock is put back");
	lfce_close_game(fd, game, LFCE_CLOSE_FORCE);
	lfce_unmap(base, size);
	close(fd);
	return t_done();
}
