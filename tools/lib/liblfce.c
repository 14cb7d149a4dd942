// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * liblfce: thin wrappers around the ioctls of uapi/linux/lfce.h. Each fills
 * in the argument struct's size, returns 0 or a negative errno, and never
 * sets errno. lfce_strerror() says what an errno means for lfce.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "liblfce.h"

static int call(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

int lfce_open(int flags)
{
	int fd = open(LFCE_DEVICE_PATH, flags | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int lfce_version(int fd, uint32_t *abi_version)
{
	struct lfce_version v = { .size = sizeof(v) };
	int ret = call(fd, LFCE_IOC_VERSION, &v);

	if (!ret)
		*abi_version = v.abi_version;
	return ret;
}

int lfce_create(int fd, const struct lfce_config *config, uint64_t *game_id)
{
	struct lfce_create c = { .size = sizeof(c), .config = *config };
	int ret = call(fd, LFCE_IOC_CREATE, &c);

	if (!ret)
		*game_id = c.game_id;
	return ret;
}

int lfce_attach(int fd, uint64_t game_id)
{
	struct lfce_attach a = { .size = sizeof(a), .game_id = game_id };

	return call(fd, LFCE_IOC_ATTACH, &a);
}

int lfce_join(int fd, uint32_t seat, uint64_t nonce, const uint8_t id[32],
	      uint32_t *seat_out, uint64_t *version)
{
	struct lfce_join j = { .size = sizeof(j), .seat = seat, .nonce = nonce };
	int ret;

	if (id)
		memcpy(j.id, id, sizeof(j.id));
	ret = call(fd, LFCE_IOC_JOIN, &j);
	if (!ret) {
		if (seat_out)
			*seat_out = j.seat;
		if (version)
			*version = j.version;
	}
	return ret;
}

int lfce_submit(int fd, const struct lfce_op *ops, uint32_t count, uint64_t *version)
{
	struct lfce_submit s = {
		.size = sizeof(s), .count = count, .ops = (uintptr_t)ops,
	};
	int ret = call(fd, LFCE_IOC_SUBMIT, &s);

	if (!ret && version)
		*version = s.version;
	return ret;
}

int lfce_get(int fd, struct lfce_snapshot *snap)
{
	struct lfce_get g = {
		.size = sizeof(g), .snap_size = sizeof(*snap), .snap = (uintptr_t)snap,
	};

	return call(fd, LFCE_IOC_GET, &g);
}

int lfce_stats(int fd, struct lfce_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	stats->size = sizeof(*stats);
	return call(fd, LFCE_IOC_STATS, stats);
}

int lfce_list(int fd, uint64_t start, uint64_t *ids, uint32_t *count, uint64_t *total)
{
	struct lfce_list l = {
		.size = sizeof(l), .count = *count, .ids = (uintptr_t)ids, .start = start,
	};
	int ret = call(fd, LFCE_IOC_LIST, &l);

	if (!ret) {
		*count = l.count;
		if (total)
			*total = l.total;
	}
	return ret;
}

int lfce_close_game(int fd, uint64_t game_id, uint32_t flags)
{
	struct lfce_close c = { .size = sizeof(c), .flags = flags, .game_id = game_id };

	return call(fd, LFCE_IOC_CLOSE, &c);
}

/* Map the header page, learn the region's size from it, map the region. */
int lfce_map(int fd, const void **base, size_t *size)
{
	const struct lfce_region *r;
	size_t len;
	void *p;
	int ret;

	p = mmap(NULL, sizeof(*r), PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r = p;
	len = r->magic == LFCE_REGION_MAGIC ? r->region_size : 0;
	munmap(p, sizeof(*r));
	if (!len)
		return -EPROTO;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	ret = lfce_region_check(p, len);
	if (ret) {
		munmap(p, len);
		return ret;
	}
	*base = p;
	*size = len;
	return 0;
}

int lfce_unmap(const void *base, size_t size)
{
	return munmap((void *)base, size) ? -errno : 0;
}

/* The mapping first; the ioctl when writers lap the ring. */
int lfce_snapshot(int fd, const void *base, struct lfce_snapshot *snap)
{
	if (base && !lfce_snapshot_read(base, snap))
		return 0;
	return lfce_get(fd, snap);
}

/* The errno table: what each errno means when lfce returns it. */
static const struct {
	int err;
	const char *what;
} errors[] = {
	{ ENOTTY, "not an lfce request (unknown ioctl)" },
	{ E2BIG, "argument struct too large, or unknown fields set" },
	{ EINVAL, "malformed field, bad enum or bad amount (a bet must be whole units: place "
		  "4/5/9/10 in 5s, place 6/8 in 6s, odds on 5/9 in 2s, on 6/8 in 5s, lay odds "
		  "on 4/10 in 2s, on 5/9 in 3s, on 6/8 in 6s)" },
	{ EBADF, "this handle was opened read-only" },
	{ EPERM, "not the owner, not your seat, the seat is another user's, it needs a quorum, "
		 "a transfer without the paying seat's consent, or a parameter not governable" },
	{ ENOTCONN, "no game attached, or no seat joined" },
	{ ENOENT, "no such game, seat or proposal" },
	{ ENODEV, "the game was closed" },
	{ ENOSPC, "insufficient balance or bank" },
	{ EPROTO, "not allowed in this phase, stage or state" },
	{ ESTALE, "the game moved past the expected version" },
	{ EALREADY, "nonce already used (the seat's, or the game's owner nonce), already voted, "
		    "or already done" },
	{ EAGAIN, "busy: retry the same operation (same nonce)" },
	{ EMSGSIZE, "batch too long" },
	{ EUSERS, "all seats are taken" },
	{ EMFILE, "the module's games limit is reached (closed games count while mapped or open)" },
	{ EDQUOT, "you own your quota of games (closed games count while mapped or open)" },
	{ EINTR, "interrupted while waiting for memory; nothing changed" },
	{ EBUSY, "seat held by another handle, proposal table full, or the game still holds tokens" },
	{ EISCONN, "handle already attached, or already seated" },
	{ ETIME, "the deadline of the round or proposal has passed" },
	{ EFAULT, "bad address" },
	{ ENOMEM, "out of memory, or the snapshot memory of the module or of the game's owner is taken" },
};

const char *lfce_strerror(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].err == err)
			return errors[i].what;
	return strerror(err);
}
