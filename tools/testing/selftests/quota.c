// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: closed games stay counted while mapped, per uid. An
 * unprivileged uid creates, maps and closes 600 games: only its quota
 * (max_games_per_uid, 16 by default) is created, the rest get EDQUOT, and
 * the module's vmalloc areas grow by no more than the quota's regions (the
 * closed games' pools are freed). Unmapping one game lets the uid create
 * one more; game ids are never reused: every new id is above all before.
 * A closed game's last snapshot is still there for LFCE_IOC_GET.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "helpers.h"
#include "liblfce.h"

#define TRIES		600
#define QUOTA		16		/* the module's default */
#define UID		4242		/* owns no game before this test */

static const struct lfce_config config = {
	.min_bet = 1, .max_bet = 10, .odds_max = 1, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 1000000000, .max_seats = 2,
};

/* What the child saw, for the parent to judge. */
struct report {
	int created, edquot, other;	/* of TRIES */
	int other_err;
	int get_closed;			/* GET on a closed game: 1 if it matched */
	int again;			/* create after one unmap: 0 or -errno */
	int again_full;			/* and one more: -EDQUOT expected */
	int reused;			/* ids seen twice */
	uint64_t max_id, new_id, later_id;
	size_t region_size;
};

struct held {
	const void *base;
	size_t size;
	uint64_t id;
};

static int make_closed_mapped(struct held *h)
{
	int fd = lfce_open(O_RDWR), ret;

	if (fd < 0)
		return fd;
	ret = lfce_create(fd, &config, &h->id);
	if (!ret)
		ret = lfce_map(fd, &h->base, &h->size);
	if (!ret)
		ret = lfce_close_game(fd, h->id, 0);
	close(fd);
	return ret;
}

/* GET on a closed game gives its last snapshot, the one the mapping shows. */
static int get_closed(void)
{
	static struct lfce_snapshot got, mapped;
	int fd = lfce_open(O_RDWR), ok;
	struct held h;

	if (fd < 0 || lfce_create(fd, &config, &h.id) || lfce_map(fd, &h.base, &h.size))
		return 0;
	ok = !lfce_close_game(fd, h.id, 0) && !lfce_get(fd, &got) &&
	     !lfce_snapshot_read(h.base, &mapped) && !memcmp(&got, &mapped, sizeof(got)) &&
	     (got.table.flags & LFCE_TABLE_CLOSED);
	lfce_unmap(h.base, h.size);
	close(fd);
	return ok;
}

static void run_child(int out, int in)
{
	static struct held held[TRIES];
	struct report r = { 0 };
	struct held h;
	char go;
	int i, n = 0, ret;

	r.get_closed = get_closed();
	for (i = 0; i < TRIES; i++) {
		ret = make_closed_mapped(&held[n]);
		if (!ret) {
			r.max_id = held[n].id > r.max_id ? held[n].id : r.max_id;
			r.region_size = held[n].size;
			n++;
		} else if (ret == -EDQUOT) {
			r.edquot++;
		} else {
			r.other++;
			r.other_err = -ret;
		}
	}
	r.created = n;
	/* Hold them while the parent looks at vmalloc. */
	if (write(out, &r, sizeof(r)) != sizeof(r) || read(in, &go, 1) != 1)
		_exit(1);

	if (n) {
		n--;
		lfce_unmap(held[n].base, held[n].size);
	}
	r.again = make_closed_mapped(&h);
	r.new_id = h.id;
	r.again_full = make_closed_mapped(&held[TRIES - 1]);
	if (!r.again_full)
		lfce_unmap(held[TRIES - 1].base, held[TRIES - 1].size);
	for (i = 0; i < n; i++)
		r.reused += held[i].id == r.new_id;
	/* Everything gone, then once more: still a new id. */
	for (i = 0; i < n; i++)
		lfce_unmap(held[i].base, held[i].size);
	if (!r.again)
		lfce_unmap(h.base, h.size);
	if (!make_closed_mapped(&h)) {
		r.later_id = h.id;
		lfce_unmap(h.base, h.size);
	}
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

/* The module's vmalloc areas (root only): how many, and their bytes. */
static int lfce_vmalloc(long *bytes)
{
	FILE *f = fopen("/proc/vmallocinfo", "r");
	char line[512];
	long size;
	int n = 0;

	*bytes = 0;
	if (!f)
		return -1;
	/* "start-end size caller ...": the addresses may be hashed, the size is not. */
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "[lfce]") || sscanf(line, "%*s %ld", &size) != 1)
			continue;
		n++;
		*bytes += size;
	}
	fclose(f);
	return n;
}

int main(void)
{
	int to_parent[2], to_child[2], ctl, areas0, areas1;
	long bytes0, bytes1;
	struct report r;
	pid_t pid;

	ctl = lfce_open(O_RDWR);
	if (ctl < 0)
		t_skip("no /dev/lfce");
	close(ctl);
	areas0 = lfce_vmalloc(&bytes0);
	if (areas0 < 0)
		t_skip("no /proc/vmallocinfo");
	if (pipe(to_parent) || pipe(to_child))
		return t_ok(0, "pipes"), t_done();
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (t_become(UID))
			_exit(1);
		run_child(to_parent[1], to_child[0]);
	}
	if (pid < 0 || read(to_parent[0], &r, sizeof(r)) != sizeof(r)) {
		t_ok(0, "the child (uid %d) reported", UID);
		return t_done();
	}
	t_ok(r.get_closed, "GET on a closed game: its last snapshot, as mapped");
	t_ok(r.created == QUOTA && r.edquot == TRIES - QUOTA && !r.other,
	     "uid %d: %d of %d closed, mapped games created, %d EDQUOT, %d other (last %s)",
	     UID, r.created, TRIES, r.edquot, r.other, strerror(r.other_err));
	areas1 = lfce_vmalloc(&bytes1);
	t_diag("lfce vmalloc: %d areas, %ld KiB before; %d areas, %ld KiB while held",
	       areas0, bytes0 >> 10, areas1, bytes1 >> 10);
	/* Each region is one area, plus its guard page; the pools are gone. */
	t_ok(areas1 - areas0 <= QUOTA &&
	     bytes1 - bytes0 <= (long)QUOTA * (long)(r.region_size + 4096),
	     "vmalloc grew by %d areas, %ld KiB: at most the quota's regions (%d x %zu KiB)",
	     areas1 - areas0, (bytes1 - bytes0) >> 10, QUOTA, r.region_size >> 10);

	if (write(to_child[1], "g", 1) != 1 || read(to_parent[0], &r, sizeof(r)) != sizeof(r)) {
		t_ok(0, "the child (uid %d) reported again", UID);
		return t_done();
	}
	waitpid(pid, NULL, 0);
	t_ok(!r.again, "one unmapped, one more game (%s)", strerror(-r.again));
	t_ok(r.again_full == -EDQUOT, "and then the quota is full again (%s)",
	     strerror(-r.again_full));
	t_ok(!r.reused && r.new_id > r.max_id && r.later_id > r.new_id,
	     "ids are not reused: %llu, then %llu after the highest %llu",
	     (unsigned long long)r.new_id, (unsigned long long)r.later_id,
	     (unsigned long long)r.max_id);
	return t_done();
}
