// SPDX-License-Identifier: GPL-2.0-only
/*
 * verify: the replay behind "lfcectl journal verify". Built like the
 * userspace test programs (tools/testing/userspace, "vm" flavour): the
 * shim headers first, then the uapi, then module/; the engine and rules
 * are module/'s own files, compiled unchanged, so there is still one
 * implementation of the rules. replay.h does the replaying; this file only
 * finds where a journal and its replay part ways, and says how.
 */
#include <stdio.h>

#include "../testing/userspace/replay.h"
#include "shim.h"
#include "verify.h"

#define FIELD(f)	{ #f, offsetof(struct lfce_record, f), sizeof_field(struct lfce_record, f) }

/* In the order a reader would look; the digest last, as it follows from the rest. */
static const struct {
	const char *name;
	size_t off, size;
} fields[] = {
	FIELD(version), FIELD(time_ns), FIELD(number), FIELD(op.type), FIELD(op.flags),
	FIELD(op.seat), FIELD(op.nonce), FIELD(op.expected_version), FIELD(op.u),
	FIELD(seat_delta), FIELD(bank_delta), FIELD(kind), FIELD(dice), FIELD(outcome),
	FIELD(seed), FIELD(commitment), FIELD(realtime_ns), FIELD(digest),
};

/* Up to 8 bytes as a number (the deltas signed), longer ones by their first bytes. */
static void field_text(const char *name, const void *p, size_t size, char *buf, size_t len)
{
	const u8 *b = p;
	u64 v = 0;
	size_t i;

	if (size <= 8) {
		memcpy(&v, p, size);	/* little-endian hosts: the uapi's order */
		if (strstr(name, "_delta"))
			snprintf(buf, len, "%lld", (long long)v);
		else
			snprintf(buf, len, "%llu", (unsigned long long)v);
		return;
	}
	for (i = 0; i < 8 && 2 * i + 3 < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
	snprintf(buf + 2 * i, len - 2 * i, "...");
}

/* Name the first field where @want (the journal) and @got (the replay) differ. */
static void first_field(const struct lfce_record *want, const struct lfce_record *got,
			char *why, size_t len)
{
	char a[40], b[40];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		const u8 *x = (const u8 *)want + fields[i].off, *y = (const u8 *)got + fields[i].off;

		if (!memcmp(x, y, fields[i].size))
			continue;
		field_text(fields[i].name, x, fields[i].size, a, sizeof(a));
		field_text(fields[i].name, y, fields[i].size, b, sizeof(b));
		snprintf(why, len, "%s differs: journal %s, replay %s", fields[i].name, a, b);
		return;
	}
	snprintf(why, len, "the records differ");
}

void verify_default_config(struct lfce_config *cfg)
{
	lfce_rules_default_config(cfg);
}

bool verify_chain_from(const struct lfce_record *rec, __u64 n, struct verify_report *out)
{
	u64 i, digest = 0, version = 0, number = n ? rec[0].number : 0;
	bool start = !number;

	out->chain_ok = true;
	for (i = 0; i < n; i++, number++) {
		const struct lfce_record *r = &rec[i];

		if (r->kind != LFCE_REC_OP)
			snprintf(out->chain_why, sizeof(out->chain_why), "kind %u is not an operation",
				 r->kind);
		else if (r->number != number)
			snprintf(out->chain_why, sizeof(out->chain_why), "number %llu, expected %llu",
				 (unsigned long long)r->number, (unsigned long long)number);
		else if ((i || start) && r->version != version && r->version != version + 1)
			snprintf(out->chain_why, sizeof(out->chain_why),
				 "version %llu after version %llu", (unsigned long long)r->version,
				 (unsigned long long)version);
		else if ((i || start) && lfce_rules_record_digest(r, digest) != r->digest)
			snprintf(out->chain_why, sizeof(out->chain_why),
				 "digest 0x%016llx does not chain: computed 0x%016llx",
				 (unsigned long long)r->digest,
				 (unsigned long long)lfce_rules_record_digest(r, digest));
		else {
			digest = r->digest;
			version = r->version;
			continue;
		}
		out->chain_ok = false;
		out->chain_at = number;
		return false;
	}
	return true;
}

/* The replay's own record @n against the journal's. */
static bool same_as_replayed(struct replay *r, const struct lfce_record *want,
			     struct verify_report *out)
{
	struct lfce_record got;

	if (lfce_journal_record(r->e.pub.region, want->number, &got)) {
		snprintf(out->replay_why, sizeof(out->replay_why), "the replay made no record");
		return false;
	}
	if (replay_same_record(&got, want))
		return true;
	first_field(want, &got, out->replay_why, sizeof(out->replay_why));
	return false;
}

/* Replay one version's records [i, j); false at the first divergence. */
static bool replay_version(struct replay *r, const struct lfce_record *rec, u64 i, u64 j,
			   struct verify_report *out)
{
	u64 differ = r->st.records_differ + r->st.dice_differ, k;
	int ret = replay_run(r, rec + i, j - i);

	if (ret) {
		out->replay_at = rec[i].number;
		out->replay_error = ret;
		snprintf(out->replay_why, sizeof(out->replay_why),
			 "the rules refused the commit of version %llu (records %llu..%llu): "
			 "error %d", (unsigned long long)rec[i].version,
			 (unsigned long long)rec[i].number, (unsigned long long)rec[j - 1].number,
			 -ret);
		return false;
	}
	if (r->st.records_differ + r->st.dice_differ == differ)
		return true;
	for (k = i; k < j; k++) {
		if (!same_as_replayed(r, &rec[k], out)) {
			out->replay_at = rec[k].number;
			return false;
		}
	}
	out->replay_at = rec[i].number;
	snprintf(out->replay_why, sizeof(out->replay_why), "the dice differ");
	return false;
}

static void compare_end(struct replay *r, const struct lfce_snapshot *want,
			struct verify_report *out)
{
	struct lfce_snapshot *got = malloc(sizeof(*got));
	unsigned int i;

	out->end_ok = false;
	if (!got) {
		snprintf(out->end_why, sizeof(out->end_why), "out of memory");
		return;
	}
	replay_snapshot(r, got);
	out->end_ok = !memcmp(got, want, sizeof(*got));
	if (memcmp(&got->table, &want->table, sizeof(got->table)))
		snprintf(out->end_why, sizeof(out->end_why),
			 "the table differs: version %llu digest 0x%016llx bank %llu, replay "
			 "version %llu digest 0x%016llx bank %llu",
			 (unsigned long long)want->table.version,
			 (unsigned long long)want->table.digest, (unsigned long long)want->table.bank,
			 (unsigned long long)got->table.version,
			 (unsigned long long)got->table.digest, (unsigned long long)got->table.bank);
	for (i = 0; !out->end_why[0] && i < LFCE_MAX_SEATS; i++)
		if (memcmp(&got->seat[i], &want->seat[i], sizeof(got->seat[i])))
			snprintf(out->end_why, sizeof(out->end_why), "seat %u differs", i);
	if (!out->end_why[0] && memcmp(&got->round, &want->round, sizeof(got->round)))
		snprintf(out->end_why, sizeof(out->end_why), "the round differs");
	if (!out->end_why[0] && !out->end_ok)
		snprintf(out->end_why, sizeof(out->end_why), "the proposals differ");
	free(got);
}

bool verify_journal(const struct lfce_config *cfg, const struct lfce_record *rec, __u64 n,
		    const struct lfce_snapshot *want, struct verify_report *out)
{
	struct replay *r;
	u64 i, j;

	memset(out, 0, sizeof(*out));
	verify_chain_from(rec, n, out);
	if (out->chain_ok && (n ? rec[n - 1].digest : 0) != want->table.digest) {
		out->chain_ok = false;
		out->chain_at = n;
		snprintf(out->chain_why, sizeof(out->chain_why),
			 "the last digest is not the snapshot's 0x%016llx",
			 (unsigned long long)want->table.digest);
	}
	shim_rcu_register_thread();
	r = replay_start(cfg, NULL);
	if (!r) {
		snprintf(out->replay_why, sizeof(out->replay_why),
			 "the rules refuse the game's config");
		out->replay_error = -EINVAL;
		goto out;
	}
	out->replay_ok = true;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && rec[j].version == rec[i].version; j++)
			;
		if (!replay_version(r, rec, i, j, out)) {
			out->replay_ok = false;
			break;
		}
	}
	out->records = r->st.records;
	out->commits = r->st.commits;
	out->rolls = r->st.rolls;
	if (out->replay_ok)
		compare_end(r, want, out);
	replay_end(r);
out:
	shim_rcu_unregister_thread();
	return out->chain_ok && out->replay_ok && out->end_ok;
}
