// SPDX-License-Identifier: GPL-2.0-only
/*
 * journal: dump, follow and verify a game's journal.
 *
 * dump and verify read the records from the mapping (liblfce's
 * lfce_journal_record()); follow reads them with read(2), which blocks
 * until a record is published and ends when the game is closed. A dump
 * saved with -o is a file verify --file reads back:
 *
 *	struct dump_header, then header.count struct lfce_record
 *
 * The header carries the snapshot the dump ended at, so a saved journal can
 * be checked, or altered in a copy to see verify find where.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lfcectl.h"
#include "verify.h"

#define DUMP_MAGIC	"LFCEJRN1"

struct dump_header {
	char magic[8];
	uint32_t abi_version;
	uint32_t record_size;
	__u64 game_id;
	__u64 first;			/* number of the first record */
	__u64 count;
	struct lfce_snapshot snap;	/* where the records end */
};

/* ---- Printing records ------------------------------------------------- */

void ctl_json_record(const char *key, const struct lfce_record *r)
{
	const struct lfce_op *op = &r->op;

	json_begin_obj(key);
	json_u64("number", r->number);
	if (r->kind == LFCE_REC_GAP) {
		json_str("kind", "gap");
		json_u64("lost", op->nonce);
		json_end_obj();
		return;
	}
	json_str("kind", "op");
	json_u64("version", r->version);
	json_u64("time_ns", r->time_ns);
	json_u64("realtime_ns", r->realtime_ns);
	json_str("op", lfce_op_name(op->type));
	if (op->seat == LFCE_SEAT_BANK)
		json_str("seat", "bank");
	else
		json_u64("seat", op->seat);
	json_u64("nonce", op->nonce);
	json_u64("expected_version", op->expected_version);
	switch (op->type) {
	case LFCE_OP_BET:
	case LFCE_OP_UNBET:
		json_str("bet", lfce_bet_name(op->u.bet.kind));
		json_u64("amount", op->u.bet.amount);
		break;
	case LFCE_OP_DEPOSIT:
	case LFCE_OP_WITHDRAW:
	case LFCE_OP_TRANSFER:
		json_u64("amount", op->u.amount.value);
		break;
	case LFCE_OP_JOIN:
		json_hexbytes("id", op->u.join.id, 32);
		json_u64("uid", op->u.join.uid);
		break;
	case LFCE_OP_COMMIT:
		json_hexbytes("commitment_of_secret", op->u.commit.digest, 32);
		break;
	case LFCE_OP_REVEAL:
		json_hexbytes("secret", op->u.reveal.secret, 32);
		break;
	case LFCE_OP_PROPOSE:
		json_hex64("proposal", op->u.propose.id);
		json_str("action", lfce_op_name(op->u.propose.action));
		json_u64("target_seat", op->u.propose.seat);
		json_u64("to", op->u.propose.to);
		json_str("param", op->u.propose.action == LFCE_OP_CONFIG ?
			 lfce_param_name(op->u.propose.param) : "");
		json_u64("value", op->u.propose.value);
		break;
	case LFCE_OP_VOTE:
	case LFCE_OP_LAPSE:
		json_hex64("proposal", op->u.vote.id);
		json_str("choice", op->u.vote.choice == LFCE_VOTE_FOR ? "for" :
			 op->u.vote.choice == LFCE_VOTE_AGAINST ? "against" : "");
		break;
	}
	json_s64("seat_delta", r->seat_delta);
	json_s64("bank_delta", r->bank_delta);
	json_begin_arr("dice");
	json_u64(NULL, r->dice[0]);
	json_u64(NULL, r->dice[1]);
	json_end_arr();
	if (op->type == LFCE_OP_PROPOSE || op->type == LFCE_OP_VOTE || op->type == LFCE_OP_LAPSE)
		json_str("outcome", lfce_prop_state_name(r->outcome));
	json_hexbytes("seed", r->seed, 32);
	json_hexbytes("commitment", r->commitment, 32);
	json_hex64("digest", r->digest);
	json_end_obj();
}

void ctl_print_record(const struct lfce_record *r)
{
	const struct lfce_op *op = &r->op;
	char seat[16];

	if (r->kind == LFCE_REC_GAP) {
		printf("%8llu gap: %llu records lost (overwritten before read)\n",
		       r->number, op->nonce);
		return;
	}
	if (op->seat == LFCE_SEAT_BANK)
		snprintf(seat, sizeof(seat), "bank");
	else
		snprintf(seat, sizeof(seat), "seat %u", op->seat);
	printf("%8llu v%-6llu %-8s %-7s", r->number, r->version,
	       lfce_op_name(op->type), seat);
	if (op->type == LFCE_OP_BET || op->type == LFCE_OP_UNBET)
		printf(" %s %llu", lfce_bet_name(op->u.bet.kind), op->u.bet.amount);
	else if (op->type == LFCE_OP_DEPOSIT || op->type == LFCE_OP_WITHDRAW)
		printf(" %llu", op->u.amount.value);
	else if (op->type == LFCE_OP_PROPOSE)
		printf(" #%llu %s", op->u.propose.id, lfce_op_name(op->u.propose.action));
	else if (op->type == LFCE_OP_VOTE || op->type == LFCE_OP_LAPSE)
		printf(" #%llu%s", op->u.vote.id, op->u.vote.choice == LFCE_VOTE_FOR ?
		       " for" : op->u.vote.choice == LFCE_VOTE_AGAINST ? " against" : "");
	if (r->dice[0])
		printf(" rolled %u+%u", r->dice[0], r->dice[1]);
	if (op->type == LFCE_OP_PROPOSE || op->type == LFCE_OP_VOTE || op->type == LFCE_OP_LAPSE)
		printf(" -> %s", lfce_prop_state_name(r->outcome));
	printf(" seat%+lld bank%+lld digest 0x%016llx\n", r->seat_delta,
	       r->bank_delta, r->digest);
}

/* ---- Reading the journal ---------------------------------------------- */

/*
 * The snapshot and every record up to it still in the ring. *@first is
 * the first record read: 0 unless the ring has moved past the start.
 */
static int read_journal(struct ctl_game *g, __u64 from, struct lfce_record **out,
			__u64 *first, __u64 *n)
{
	struct lfce_record *rec;
	__u64 i, end, start;
	int ret = 0, tries;

	for (tries = 0; tries < 100; tries++) {
		ret = ctl_refresh(g);
		if (ret)
			return ret;
		end = g->snap.table.records;
		start = from < end ? from : end;
		rec = calloc(end - start + 1, sizeof(*rec));
		if (!rec)
			return -ENOMEM;
		/* Overwritten records are a prefix: past one, start after it. */
		for (i = start; i < end; i++) {
			ret = lfce_journal_record(g->base, i, &rec[i - start]);
			if (ret == -ENODATA)
				start = i + 1;
			else if (ret)
				break;
		}
		if (i == end) {
			*out = rec;
			*first = start;
			*n = end - start;
			return 0;
		}
		free(rec);	/* not yet published: the head follows the snapshot */
		usleep(1000);
	}
	return ret;
}

static int write_dump(const char *path, const struct ctl_game *g, const struct lfce_record *rec,
		      __u64 first, __u64 n)
{
	struct dump_header h = {
		.abi_version = LFCE_ABI_VERSION, .record_size = sizeof(*rec),
		.game_id = g->id, .first = first, .count = n, .snap = g->snap,
	};
	FILE *f = strcmp(path, "-") ? fopen(path, "wbe") : stdout;
	int ret = 0;

	if (!f)
		return -errno;
	memcpy(h.magic, DUMP_MAGIC, sizeof(h.magic));
	if (fwrite(&h, sizeof(h), 1, f) != 1 || (n && fwrite(rec, sizeof(*rec), n, f) != n))
		ret = -EIO;
	if ((f == stdout ? fflush(f) : fclose(f)) && !ret)
		ret = -errno;
	return ret;
}

static int read_dump(const char *path, struct dump_header *h, struct lfce_record **rec)
{
	FILE *f = fopen(path, "rbe");
	int ret = 0;

	if (!f)
		return -errno;
	*rec = NULL;
	if (fread(h, sizeof(*h), 1, f) != 1 || memcmp(h->magic, DUMP_MAGIC, 8) ||
	    h->abi_version != LFCE_ABI_VERSION || h->record_size != sizeof(**rec) ||
	    h->count > (1ULL << 32))
		ret = -EINVAL;
	if (!ret) {
		*rec = calloc(h->count + 1, sizeof(**rec));
		if (!*rec)
			ret = -ENOMEM;
	}
	if (!ret && h->count && fread(*rec, sizeof(**rec), h->count, f) != h->count)
		ret = -EINVAL;
	fclose(f);
	if (ret) {
		free(*rec);
		*rec = NULL;
	}
	return ret;
}

/* ---- dump ------------------------------------------------------------- */

static void json_saved(const struct ctl_game *g, const char *path, __u64 first, __u64 n)
{
	json_begin_obj(NULL);
	json_hex64("game", g->id);
	json_str("file", path);
	json_u64("first", first);
	json_u64("records", n);
	json_hex64("digest", g->snap.table.digest);
	json_end_obj();
	json_done();
}

static int journal_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct lfce_record *rec;
	__u64 id, from = 0, first, n, i;
	struct ctl_game g;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "f:o:", opts, NULL)) != -1) {
		if (c == 'f' && !ctl_parse_u64(optarg, &from))
			continue;
		if (c == 'o') {
			path = optarg;
			continue;
		}
		return ctl_usage("journal dump: bad option or value");
	}
	if (optind + 1 != argc || ctl_parse_game(argv[optind], &id))
		return ctl_usage("journal dump: [--from N] [-o FILE] GAME");
	ret = ctl_open_game(&g, id, false);
	if (ret)
		return ret;
	ret = read_journal(&g, from, &rec, &first, &n);
	if (ret) {
		ctl_close_game(&g);
		return ctl_refused(ret, "game %llu: cannot read the journal: %s", id,
				   lfce_strerror(ret));
	}
	if (path) {
		ret = write_dump(path, &g, rec, first, n);
		if (ret)
			ret = ctl_fail(EXIT_TROUBLE, "cannot write %s: %s", path, strerror(-ret));
		else if (ctl.json)
			json_saved(&g, path, first, n);
		else if (strcmp(path, "-"))
			printf("game %llu: records %llu..%llu saved in %s\n",
			       id, first, first + n, path);
	} else if (ctl.json) {
		json_begin_obj(NULL);
		json_hex64("game", id);
		json_u64("first", first);
		json_u64("version", g.snap.table.version);
		json_hex64("digest", g.snap.table.digest);
		json_begin_arr("records");
		for (i = 0; i < n; i++)
			ctl_json_record(NULL, &rec[i]);
		json_end_arr();
		json_end_obj();
		json_done();
	} else {
		if (first > from)
			printf("# records %llu..%llu were overwritten\n", from, first);
		for (i = 0; i < n; i++)
			ctl_print_record(&rec[i]);
	}
	free(rec);
	ctl_close_game(&g);
	return ret;
}

/* ---- follow ----------------------------------------------------------- */

/* read(2) blocks for the next record, and ends (0) once the game is closed. */
static int journal_follow(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	__u64 id, from = 0, count = UINT64_MAX, seen = 0;
	bool from_set = false;
	struct lfce_record r;
	struct ctl_game g;
	ssize_t got;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "f:n:", opts, NULL)) != -1) {
		if (c == 'f' && !ctl_parse_u64(optarg, &from))
			from_set = true;
		else if (c != 'n' || ctl_parse_u64(optarg, &count))
			return ctl_usage("journal follow: bad option or value");
	}
	if (optind + 1 != argc || ctl_parse_game(argv[optind], &id))
		return ctl_usage("journal follow: [--from N] [--count N] GAME");
	ret = ctl_open_game(&g, id, false);
	if (ret)
		return ret;
	/* Like tail -f: the last ten records, then what comes. */
	if (!from_set)
		from = g.snap.table.records > 10 ? g.snap.table.records - 10 : 0;
	json_init(stdout, false);	/* one object per line */
	while (seen < count) {
		got = read(g.fd, &r, sizeof(r));
		if (got == 0)
			break;
		if (got < 0 && errno == EINTR)
			continue;
		if (got != sizeof(r)) {
			ret = ctl_refused(-errno, "game %llu: read: %s", id,
					  lfce_strerror(-errno));
			break;
		}
		if (r.kind == LFCE_REC_OP && r.number < from)
			continue;
		seen++;
		if (ctl.json) {
			ctl_json_record(NULL, &r);
			json_done();
		} else {
			ctl_print_record(&r);
			fflush(stdout);
		}
	}
	ctl_close_game(&g);
	return ret;
}

/* ---- verify ----------------------------------------------------------- */

static void report_text(__u64 id, const struct verify_report *v, __u64 n,
			const struct lfce_snapshot *s, bool ok)
{
	printf("game %llu: %llu records, version %llu, digest 0x%016llx"
	       "\n", id, n, s->table.version, s->table.digest);
	if (v->chain_ok)
		printf("  digest chain: OK, %llu records up to the snapshot's digest\n", n);
	else
		printf("  digest chain: BROKEN at record %llu: %s\n", v->chain_at,
		       v->chain_why);
	if (v->replay_ok)
		printf("  replay: OK, %llu commits, %llu records, %llu"
		       " rolls, each record as journalled\n", v->commits, v->records, v->rolls);
	else
		printf("  replay: DIVERGES at record %llu: %s\n", v->replay_at,
		       v->replay_why);
	if (v->replay_ok)
		printf("  snapshot: %s%s\n", v->end_ok ? "the replay ends at it, bit for bit" :
		       "DIFFERS: ", v->end_ok ? "" : v->end_why);
	printf("%s\n", ok ? "verify: OK" : "verify: FAILED");
}

static void report_json(__u64 id, const struct verify_report *v, __u64 n,
			const struct lfce_snapshot *s, bool ok)
{
	json_begin_obj(NULL);
	json_hex64("game", id);
	json_bool("ok", ok);
	json_u64("records", n);
	json_u64("version", s->table.version);
	json_hex64("digest", s->table.digest);
	json_begin_obj("chain");
	json_bool("ok", v->chain_ok);
	if (!v->chain_ok) {
		json_u64("record", v->chain_at);
		json_str("why", v->chain_why);
	}
	json_end_obj();
	json_begin_obj("replay");
	json_bool("ok", v->replay_ok);
	json_u64("commits", v->commits);
	json_u64("rolls", v->rolls);
	if (!v->replay_ok) {
		json_u64("record", v->replay_at);
		json_str("why", v->replay_why);
	}
	json_end_obj();
	json_begin_obj("snapshot");
	json_bool("ok", v->end_ok);
	if (v->replay_ok && !v->end_ok)
		json_str("why", v->end_why);
	json_end_obj();
	json_end_obj();
	json_done();
}

/* Where a lost start leaves us: only the links of what is left. */
static int verify_partial(__u64 id, const struct lfce_record *rec, __u64 first,
			  __u64 n)
{
	struct verify_report v = { 0 };
	bool chain = verify_chain_from(rec, n, &v);

	if (ctl.json) {
		json_begin_obj(NULL);
		json_hex64("game", id);
		json_bool("ok", false);
		json_u64("first", first);
		json_bool("chain_ok", chain);
		json_str("error", "the journal's start was overwritten: no replay");
		json_end_obj();
		json_done();
		return EXIT_TROUBLE;
	}
	printf("game %llu: records 0..%llu were overwritten, so there is "
	       "nothing to replay from; the chain of the %llu left is %s\n", id,
	       first, n, chain ? "intact" : "BROKEN");
	return EXIT_TROUBLE;
}

static int journal_verify(int argc, char **argv)
{
	static const struct option file_opt = { "file", required_argument, NULL, 'F' };
	struct option opts[CTL_CONFIG_OPTS_NR + 2];
	struct lfce_config cfg;
	struct { int opt; char *arg; } set[16];
	unsigned int nset = 0, i;
	const char *path = NULL;
	struct dump_header *h = calloc(1, sizeof(*h));
	struct lfce_record *rec = NULL;
	struct verify_report v;
	struct ctl_game g = { .fd = -1 };
	__u64 id = 0, first = 0, n = 0;
	bool ok;
	int c, ret = 0;

	if (!h)
		return ctl_fail(EXIT_TROUBLE, "out of memory");
	memcpy(opts, ctl_config_longopts, CTL_CONFIG_OPTS_NR * sizeof(opts[0]));
	opts[CTL_CONFIG_OPTS_NR] = file_opt;
	memset(&opts[CTL_CONFIG_OPTS_NR + 1], 0, sizeof(opts[0]));
	optind = 0;
	while (!ret && (c = getopt_long(argc, argv, "F:", opts, NULL)) != -1) {
		if (c == 'F')
			path = optarg;
		else if (c == '?' || nset == ARRAY_SIZE(set))
			ret = ctl_usage("journal verify: bad option");
		else
			set[nset].opt = c, set[nset++].arg = optarg;
	}
	if (!ret && (path ? optind != argc : optind + 1 != argc || ctl_parse_game(argv[optind], &id)))
		ret = ctl_usage("journal verify: GAME, or --file FILE [config options]");
	if (ret)
		goto out;
	if (path) {
		ret = read_dump(path, h, &rec);
		if (ret) {
			ret = ctl_fail(EXIT_TROUBLE, "%s: %s", path, ret == -EINVAL ?
				       "not an lfcectl journal dump of this ABI" : strerror(-ret));
			goto out;
		}
		id = h->game_id;
		first = h->first;
		n = h->count;
	} else {
		ret = ctl_open_game(&g, id, false);
		if (ret)
			goto out;
		ret = read_journal(&g, 0, &rec, &first, &n);
		if (ret) {
			ret = ctl_refused(ret, "game %llu: cannot read the journal: %s", id,
					  lfce_strerror(ret));
			goto out;
		}
		h->snap = g.snap;
	}
	if (first) {
		ret = verify_partial(id, rec, first, n);
		goto out;
	}
	/*
	 * The config the game was created with: the snapshot's, but for the
	 * values given as options: those a CONFIG proposal changed since.
	 */
	cfg = h->snap.table.config;
	for (i = 0; !ret && i < nset; i++) {
		ret = ctl_config_option(set[i].opt, set[i].arg, &cfg);
		if (ret < 0)
			ret = ctl_usage("journal verify: unknown option");
	}
	if (ret)
		goto out;
	ok = verify_journal(&cfg, rec, n, &h->snap, &v);
	if (ctl.json)
		report_json(id, &v, n, &h->snap, ok);
	else
		report_text(id, &v, n, &h->snap, ok);
	ret = ok ? EXIT_OK : EXIT_DIVERGED;
out:
	ctl_close_game(&g);
	free(rec);
	free(h);
	return ret;
}

const struct ctl_cmd ctl_journal_cmds[] = {
	{ "dump", journal_dump, "[--from N] [-o FILE] GAME",
	  "the records (from N) up to the newest snapshot; -o saves them for verify --file" },
	{ "follow", journal_follow, "[--from N] [--count N] GAME",
	  "like tail -f: the last 10 records (or from N), then each new one; ends when\n"
	  "      the game is closed (or after N records); -j: one JSON object per line" },
	{ "verify", journal_verify, "GAME | --file FILE  [game create's config options]",
	  "check the digest chain and replay the journal through the rules; says where\n"
	  "      it diverges (exit 3)" },
	{ NULL, NULL, NULL, NULL },
};
