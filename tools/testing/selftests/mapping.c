// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: a mapping stays valid whatever the reader does to its own
 * pages. After madvise(MADV_DONTNEED) over the whole mapping, and after
 * munmap() of its first page, every page left must read back (the module
 * faults them in again, rather than SIGBUS) with the game's current
 * contents: the header's magic, and a snapshot equal to LFCE_IOC_GET's,
 * including a commit made after the pages were dropped. mprotect() must not
 * add PROT_WRITE. Found by the ioctl fuzzer (tools/testing/fuzz/).
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"
#include "owner.h"

static const struct lfce_config config = {
	.min_bet = 1, .max_bet = 1000, .odds_max = 3, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 1000000000,
	.max_seats = 4,
};

/*
 * Read every page of [@p, @p + @len) in a child, and the snapshot if the
 * header is there: exit 0 if it matches @want. Returns the wait status.
 */
static int read_in_child(const void *p, size_t len, int header, const struct lfce_snapshot *want)
{
	static struct lfce_snapshot s;
	int status = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		const volatile unsigned char *c = p;
		unsigned int sum = 0;
		size_t i;

		for (i = 0; i < len; i += 4096)
			sum += c[i];
		if (header && (((const struct lfce_region *)p)->magic != LFCE_REGION_MAGIC ||
			       lfce_snapshot_read(p, &s) || memcmp(&s, want, sizeof(s))))
			_exit(2);
		_exit(sum == 0xffffffff);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

static int deposit(int fd)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK };

	op.u.amount.value = 7;
	return t_owner_submit(fd, &op, 1, NULL);
}

int main(void)
{
	static struct lfce_snapshot want;
	const void *base;
	uint64_t id;
	size_t size;
	int fd, status, has_madvise = 1;

	fd = lfce_open(O_RDWR);
	if (!t_ok(fd >= 0 && !lfce_create(fd, &config, &id) && !lfce_map(fd, &base, &size),
		  "create a game and map it"))
		return t_done();
	t_ok(!deposit(fd) && !lfce_get(fd, &want), "a deposit commits");

	/* The debug kernel (tinyconfig) has no madvise(): ENOSYS. */
	if (madvise((void *)base, size, MADV_DONTNEED) && errno == ENOSYS) {
		has_madvise = 0;
		t_diag("no madvise() in this kernel: only the partial munmap");
	} else {
		status = read_in_child(base, size, 1, &want);
		t_ok(WIFEXITED(status) && !WEXITSTATUS(status),
		     "every page reads back after MADV_DONTNEED, snapshot as GET's (status 0x%x)",
		     status);
		t_ok(!madvise((void *)base, size, MADV_DONTNEED) && !deposit(fd) &&
		     !lfce_get(fd, &want), "drop the pages again, then commit");
		status = read_in_child(base, size, 1, &want);
		t_ok(WIFEXITED(status) && !WEXITSTATUS(status),
		     "the pages faulted back in show the new commit (status 0x%x)", status);
	}

	t_errno(mprotect((void *)base, size, PROT_READ | PROT_WRITE), EACCES,
		"mprotect() cannot add PROT_WRITE");

	t_ok(!munmap((void *)base, 4096), "munmap the header page only");
	status = read_in_child((const char *)base + 4096, size - 4096, 0, NULL);
	t_ok(WIFEXITED(status) && !WEXITSTATUS(status),
	     "the rest of the mapping still reads (status 0x%x)", status);
	if (has_madvise) {
		t_ok(!madvise((char *)base + 4096, size - 4096, MADV_DONTNEED),
		     "and after MADV_DONTNEED");
		status = read_in_child((const char *)base + 4096, size - 4096, 0, NULL);
		t_ok(WIFEXITED(status) && !WEXITSTATUS(status),
		     "it reads back again (status 0x%x)", status);
	}

	munmap((char *)base + 4096, size - 4096);
	t_ok(!lfce_close_game(fd, id, LFCE_CLOSE_FORCE), "close the game");
	close(fd);
	return t_done();
}
