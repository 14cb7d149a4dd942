// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: the journal through read(2) and poll(2): records in order
 * from the handle's cursor, EAGAIN when caught up on a nonblocking handle,
 * POLLIN exactly when a record is unread, a read into a bad buffer losing
 * nothing, lseek and pread refused (a stream), one gap record for a reader
 * that fell more than the ring behind which resumes at the oldest record
 * still intact (read(2) and lfce_journal_next() alike), and end of file
 * with POLLHUP once the game is closed.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"
#include "owner.h"

#define DEPOSITS_PER_BATCH	8

static struct lfce_record recs[64];

static int pollin(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

static int deposit_batches(int fd, unsigned int batches)
{
	struct lfce_op ops[DEPOSITS_PER_BATCH];
	unsigned int i;
	int ret = 0;

	for (i = 0; i < DEPOSITS_PER_BATCH; i++) {
		ops[i] = (struct lfce_op){ .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK };
		ops[i].u.amount.value = 1;
	}
	for (i = 0; i < batches && !ret; i++)
		ret = t_owner_submit(fd, ops, DEPOSITS_PER_BATCH, NULL);
	return ret;
}

int main(void)
{
	struct lfce_config cfg = {
		.min_bet = 1, .max_bet = 100, .odds_max = 1, .field12_pays = 2,
		.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 1, .max_seats = 2,
	};
	const struct lfce_region *r;
	int owner, rd, ok, n;
	unsigned int batches;
	uint64_t id, i;
	const void *base;
	size_t size;
	ssize_t got;

	owner = lfce_open(O_RDWR);
	if (owner < 0)
		t_skip("no /dev/lfce");
	rd = lfce_open(O_RDONLY | O_NONBLOCK);
	t_errno(read(rd, recs, sizeof(recs)), ENOTCONN, "read before attaching");
	t_ok(!lfce_create(owner, &cfg, &id) && !lfce_attach(rd, id), "create, attach a reader");
	t_errno(read(rd, recs, sizeof(recs[0]) - 1), EINVAL, "a buffer smaller than a record");
	t_errno(read(rd, recs, sizeof(recs)), EAGAIN, "nothing to read yet");
	t_ok(!pollin(rd), "no POLLIN on an empty journal");

	t_ok(!deposit_batches(owner, 2), "two batches of %d deposits", DEPOSITS_PER_BATCH);
	t_ok(pollin(rd) & POLLIN, "POLLIN once records are there");
	got = read(rd, recs, sizeof(recs));
	n = got / (ssize_t)sizeof(recs[0]);
	ok = n == 2 * DEPOSITS_PER_BATCH;
	for (i = 0; ok && i < (uint64_t)n; i++)
		ok = recs[i].kind == LFCE_REC_OP && recs[i].number == i &&
		     recs[i].version == 1 + i / DEPOSITS_PER_BATCH &&
		     recs[i].op.type == LFCE_OP_DEPOSIT && recs[i].bank_delta == 1;
	t_ok(ok, "read %d records: numbered, one version per batch, deltas", n);
	t_ok(!pollin(rd), "caught up: no POLLIN");
	t_errno(read(rd, recs, sizeof(recs)), EAGAIN, "caught up: EAGAIN");
	t_errno(lseek(rd, 0, SEEK_SET), ESPIPE, "lseek on the stream");
	t_errno(pread(rd, recs, sizeof(recs), 0), ESPIPE, "pread on the stream");

	/* A buffer the kernel cannot write: EFAULT, and the record stays unread. */
	{
		void *bad = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		t_ok(bad != MAP_FAILED && !deposit_batches(owner, 1), "a third batch");
		t_errno(read(rd, bad, sizeof(recs[0])), EFAULT, "read into a read-only buffer");
		got = read(rd, recs, sizeof(recs));
		t_ok(got == (ssize_t)(DEPOSITS_PER_BATCH * sizeof(recs[0])) &&
		     recs[0].number == 2 * DEPOSITS_PER_BATCH,
		     "then all %d records of the batch, from record %d (got %zd bytes, first %llu)",
		     DEPOSITS_PER_BATCH, 2 * DEPOSITS_PER_BATCH, got,
		     (unsigned long long)recs[0].number);
		munmap(bad, 4096);
	}

	/* Fall behind by more than the ring. */
	if (lfce_map(owner, &base, &size))
		t_skip("cannot map");
	r = base;
	batches = (r->journal_records + r->journal_records / 2) / DEPOSITS_PER_BATCH;
	t_ok(!deposit_batches(owner, batches), "%u more batches: %u records, ring %u", batches,
	     batches * DEPOSITS_PER_BATCH, r->journal_records);
	{
		struct lfce_record rec;
		uint64_t cursor = 0, version, records, oldest;
		struct lfce_snapshot snap;

		/* Nothing is being written: every record from head - J is intact. */
		lfce_header_read(base, &version, &records);
		t_ok(!lfce_get(owner, &snap) && version == snap.table.version &&
		     records == snap.table.records, "lfce_header_read: version and records");
		oldest = records - r->journal_records;
		got = read(rd, recs, sizeof(recs));
		t_ok(got >= (ssize_t)(2 * sizeof(recs[0])) && recs[0].kind == LFCE_REC_GAP &&
		     recs[0].number == 3 * DEPOSITS_PER_BATCH &&
		     recs[0].op.nonce == oldest - recs[0].number &&
		     recs[1].kind == LFCE_REC_OP && recs[1].number == oldest,
		     "a gap record for %llu lost records, then the oldest intact, %llu (got %llu)",
		     (unsigned long long)recs[0].op.nonce, (unsigned long long)oldest,
		     (unsigned long long)recs[1].number);
		t_ok(!lfce_journal_next(base, &cursor, &rec) && rec.kind == LFCE_REC_GAP &&
		     rec.number == 0 && rec.op.nonce == oldest && cursor == oldest &&
		     !lfce_journal_next(base, &cursor, &rec) && rec.kind == LFCE_REC_OP &&
		     rec.number == oldest,
		     "lfce_journal_next from 0: a gap, then the oldest intact record");
	}
	t_ok(!lfce_close_game(owner, id, LFCE_CLOSE_FORCE), "force-close the game");
	while ((got = read(rd, recs, sizeof(recs))) > 0)
		;
	t_ok(got == 0, "end of file after the last record of a closed game");
	t_ok(pollin(rd) & POLLHUP, "POLLHUP on a closed game");
	lfce_unmap(base, size);
	close(rd);
	close(owner);
	return t_done();
}
