// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: module parameters are checked at load. lfce loaded with a
 * value out of range refuses to load (EINVAL), creates no /dev/lfce, and
 * says why in the kernel log: one "lfce: module parameter NAME=VALUE out of
 * range (RANGE): not loading" line naming the parameter, its value and the
 * range. The bounds themselves load. Reloaded with the defaults at the end,
 * /dev/lfce is back, root:lfce 0660.
 */
#include <sys/klog.h>

#include "helpers.h"

#define SYSLOG_ACTION_READ_ALL		3
#define SYSLOG_ACTION_SIZE_BUFFER	10
#define ARRAY_SIZE(a)			(sizeof(a) / sizeof((a)[0]))

/* How many times @msg is in the kernel log (ring buffer). */
static int in_dmesg(const char *msg)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *buf = size > 0 ? malloc(size + 1) : NULL;
	int n, count = 0;
	char *p;

	if (!buf)
		return -1;
	n = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	if (n < 0) {
		free(buf);
		return -1;
	}
	buf[n] = 0;
	for (p = buf; (p = strstr(p, msg)); p += strlen(msg))
		count++;
	free(buf);
	return count;
}

static const struct {
	const char *params;
	const char *says;
} bad[] = {
	{ "max_games=0", "max_games=0 out of range (1..65536)" },
	{ "max_games_per_uid=65537", "max_games_per_uid=65537 out of range (1..65536)" },
	{ "ring_slots=3", "ring_slots=3 out of range (a power of two, 2..64)" },
	{ "ring_slots=128", "ring_slots=128 out of range (a power of two, 2..64)" },
	{ "journal_records=100", "journal_records=100 out of range (a power of two, 64..1048576)" },
	{ "pool_cap=63", "pool_cap=63 out of range (64..4194304)" },
	{ "pool_cap=1024 nodes_cap=1000", "nodes_cap=1000 out of range (pool_cap or more)" },
	{ "nodes_per_uid=63", "nodes_per_uid=63 out of range (64..nodes_cap; 0 means nodes_cap / 4)" },
	{ "retry_budget=0", "retry_budget=0 out of range (1..100000)" },
	{ "batch_max=9", "batch_max=9 out of range (10..256)" },
	{ "batch_max=32 journal_records=64",
	  "batch_max=32 out of range (batch_max + 8 at most journal_records / 2)" },
	{ "max_proposals=9", "max_proposals=9 out of range (1..8)" },
};

static const char *const good[] = {
	"max_games=1 max_games_per_uid=65536 ring_slots=64 retry_budget=100000",
	"ring_slots=2 journal_records=64 batch_max=24 pool_cap=64 nodes_cap=64 nodes_per_uid=64",
	"max_proposals=1 batch_max=256 journal_records=1048576 pool_cap=4194304 nodes_cap=4194304",
};

int main(void)
{
	char msg[160];
	size_t i;
	int ret, before, after, gid;
	struct stat st = { 0 };

	if (access(T_LFCE_DEVICE, F_OK))
		t_skip("lfce is not loaded");
	if (in_dmesg("lfce") < 0)
		t_skip("cannot read the kernel log");
	/* lfce is loaded: unload it first, then load each time. */
	ret = syscall(SYS_delete_module, "lfce", O_NONBLOCK) ? -errno : 0;
	if (!t_ok(!ret, "unload lfce (%s)", strerror(-ret)))
		return t_done();
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(msg, sizeof(msg), "lfce: module parameter %s: not loading", bad[i].says);
		before = in_dmesg(msg);
		ret = t_load_lfce(bad[i].params);
		after = in_dmesg(msg);
		t_ok(ret == -EINVAL, "load with %s: refused with EINVAL (%s)", bad[i].params,
		     strerror(-ret));
		t_ok(after == before + 1, "... the kernel log says \"%s\"", msg);
		t_ok(access(T_LFCE_DEVICE, F_OK) && errno == ENOENT, "... and there is no "
		     T_LFCE_DEVICE);
		if (!ret)
			syscall(SYS_delete_module, "lfce", O_NONBLOCK);
	}
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		ret = t_load_lfce(good[i]);
		t_ok(!ret, "load with %s: at the bounds, loads (%s)", good[i], strerror(-ret));
		if (!ret)
			syscall(SYS_delete_module, "lfce", O_NONBLOCK);
	}
	ret = t_load_lfce("");
	t_ok(!ret, "load with the defaults again (%s)", strerror(-ret));
	gid = t_lfce_gid();
	ret = stat(T_LFCE_DEVICE, &st);
	t_ok(!ret && (st.st_mode & 07777) == 0660 && st.st_uid == 0 &&
	     (int)st.st_gid == gid, T_LFCE_DEVICE " is back, root:" T_LFCE_GROUP " 0660 (%o %u:%u)",
	     st.st_mode & 07777, st.st_uid, st.st_gid);
	return t_done();
}
