// SPDX-License-Identifier: GPL-2.0-only
/*
 * game: the objects game, stats and version, and how snapshots, configs
 * and counters are printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lfcectl.h"
#include "verify.h"

#ifndef LIBLFCE_VERSION
#define LIBLFCE_VERSION	"?"
#endif

#define LIST_CHUNK	64

/* ---- Config options (game create, journal verify) --------------------- */

enum {
	OPT_MIN_BET = 0x100, OPT_MAX_BET, OPT_ODDS_MAX, OPT_FIELD12, OPT_DICE,
	OPT_REVEAL, OPT_SEATS, OPT_PROPOSALS, OPT_PROP_TIMEOUT, OPT_GOVERNABLE,
	OPT_SHARED_UIDS, OPT_HARDWAYS,
};

const struct option ctl_config_longopts[] = {
	{ "min-bet", required_argument, NULL, OPT_MIN_BET },
	{ "max-bet", required_argument, NULL, OPT_MAX_BET },
	{ "odds-max", required_argument, NULL, OPT_ODDS_MAX },
	{ "field12-pays", required_argument, NULL, OPT_FIELD12 },
	{ "dice", required_argument, NULL, OPT_DICE },
	{ "reveal-timeout", required_argument, NULL, OPT_REVEAL },
	{ "seats", required_argument, NULL, OPT_SEATS },
	{ "max-proposals", required_argument, NULL, OPT_PROPOSALS },
	{ "proposal-timeout", required_argument, NULL, OPT_PROP_TIMEOUT },
	{ "governable", required_argument, NULL, OPT_GOVERNABLE },
	{ "shared-uids", no_argument, NULL, OPT_SHARED_UIDS },
	{ "hardways-work", no_argument, NULL, OPT_HARDWAYS },
	{ NULL, 0, NULL, 0 },
};

/* "min-bet,dice-mode" or "all" or "none" to a governable mask. */
static int parse_governable(const char *arg, uint32_t *mask)
{
	char *copy, *tok, *save;
	int p, ret = 0;

	*mask = 0;
	if (!strcmp(arg, "all")) {
		*mask = (1U << LFCE_PARAM_NR) - 1;
		return 0;
	}
	if (!strcmp(arg, "none"))
		return 0;
	copy = strdup(arg);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		p = lfce_param(tok);
		if (p < 0) {
			ret = -EINVAL;
			break;
		}
		*mask |= 1U << p;
	}
	free(copy);
	return ret;
}

/* One config option into @cfg: 0, -1 if not one, or an exit code (reported). */
int ctl_config_option(int opt, const char *arg, struct lfce_config *cfg)
{
	int bad = 0, m;

	switch (opt) {
	case OPT_MIN_BET:
		bad = ctl_parse_u64(arg, &cfg->min_bet);
		break;
	case OPT_MAX_BET:
		bad = ctl_parse_u64(arg, &cfg->max_bet);
		break;
	case OPT_ODDS_MAX:
		bad = ctl_parse_u32(arg, &cfg->odds_max);
		break;
	case OPT_FIELD12:
		bad = ctl_parse_u32(arg, &cfg->field12_pays);
		break;
	case OPT_DICE:
		m = lfce_dice_mode(arg);
		bad = m < 0;
		cfg->dice_mode = m < 0 ? 0 : m;
		break;
	case OPT_REVEAL:
		bad = ctl_parse_duration(arg, &cfg->reveal_timeout_ns);
		break;
	case OPT_SEATS:
		bad = ctl_parse_u32(arg, &cfg->max_seats);
		break;
	case OPT_PROPOSALS:
		bad = ctl_parse_u32(arg, &cfg->max_proposals);
		break;
	case OPT_PROP_TIMEOUT:
		bad = ctl_parse_duration(arg, &cfg->proposal_timeout_ns);
		break;
	case OPT_GOVERNABLE:
		bad = parse_governable(arg, &cfg->governable);
		break;
	case OPT_SHARED_UIDS:
		cfg->flags &= ~LFCE_CFG_DISTINCT_UIDS;
		break;
	case OPT_HARDWAYS:
		cfg->flags |= LFCE_CFG_HARDWAYS_WORK;
		break;
	default:
		return -1;
	}
	if (bad)
		return ctl_usage("bad value '%s' for a config option", arg);
	return 0;
}

/* ---- Printing --------------------------------------------------------- */

void ctl_json_config(const struct lfce_config *c)
{
	unsigned int p;

	json_begin_obj("config");
	json_u64("min_bet", c->min_bet);
	json_u64("max_bet", c->max_bet);
	json_u64("odds_max", c->odds_max);
	json_u64("field12_pays", c->field12_pays);
	json_str("dice_mode", lfce_dice_mode_name(c->dice_mode));
	json_bool("distinct_uids", c->flags & LFCE_CFG_DISTINCT_UIDS);
	json_bool("hardways_work", c->flags & LFCE_CFG_HARDWAYS_WORK);
	json_u64("reveal_timeout_ns", c->reveal_timeout_ns);
	json_u64("max_seats", c->max_seats);
	json_u64("max_proposals", c->max_proposals);
	json_u64("proposal_timeout_ns", c->proposal_timeout_ns);
	json_begin_arr("governable");
	for (p = 0; p < LFCE_PARAM_NR; p++)
		if (c->governable & (1U << p))
			json_str(NULL, lfce_param_name(p));
	json_end_arr();
	json_end_obj();
}

static void print_config(const struct lfce_config *c)
{
	unsigned int p;

	printf("  config: bets %llu..%llu, odds %ux, field 12 pays %u, dice %s,"
	       " %u seats%s%s\n", c->min_bet, c->max_bet, c->odds_max, c->field12_pays,
	       lfce_dice_mode_name(c->dice_mode), c->max_seats,
	       c->flags & LFCE_CFG_DISTINCT_UIDS ? ", one seat per uid" : "",
	       c->flags & LFCE_CFG_HARDWAYS_WORK ? ", hardways work" : "");
	printf("  timeouts: reveal %llu ms, proposal %llu ms, %u proposals;"
	       " governable:", c->reveal_timeout_ns / 1000000, c->proposal_timeout_ns / 1000000,
	       c->max_proposals);
	for (p = 0; p < LFCE_PARAM_NR; p++)
		if (c->governable & (1U << p))
			printf(" %s", lfce_param_name(p));
	printf("%s\n", c->governable ? "" : " none");
}

static void json_bets(const struct lfce_seat *s)
{
	unsigned int k;

	json_begin_obj("bets");
	for (k = 0; k < LFCE_BET_NR; k++)
		if (s->bets[k])
			json_u64(lfce_bet_name(k), s->bets[k]);
	json_end_obj();
}

static void json_seats(const struct lfce_snapshot *s)
{
	char name[33];
	unsigned int i;

	json_begin_arr("seats");
	for (i = 0; i < s->table.config.max_seats; i++) {
		const struct lfce_seat *st = &s->seat[i];

		json_begin_obj(NULL);
		json_u64("seat", i);
		json_bool("bound", st->flags & LFCE_SEAT_BOUND);
		json_bool("banned", st->flags & LFCE_SEAT_BANNED);
		json_hexbytes("id", st->id, sizeof(st->id));
		ctl_name_of_id(st->id, name, sizeof(name));
		json_str("name", name);
		json_u64("uid", st->uid);
		json_u64("balance", st->balance);
		json_u64("nonce", st->nonce);
		json_bets(st);
		json_end_obj();
	}
	json_end_arr();
}

static void json_round(const struct lfce_snapshot *s)
{
	const struct lfce_round *r = &s->round;

	json_begin_obj("round");
	json_u64("number", r->number);
	json_u64("deadline_ns", r->deadline_ns);
	json_u64("participants", r->participants);
	json_u64("committed", r->committed);
	json_u64("revealed", r->revealed);
	json_end_obj();
}

void ctl_json_proposal(const struct lfce_proposal *p)
{
	json_begin_obj(NULL);
	json_hex64("id", p->id);
	json_str("state", lfce_prop_state_name(p->state));
	json_str("action", lfce_op_name(p->action));
	json_u64("proposer", p->proposer);
	json_u64("seat", p->seat);
	json_u64("to", p->to);
	json_str("param", p->action == LFCE_OP_CONFIG ? lfce_param_name(p->param) : "");
	json_u64("value", p->value);
	json_u64("quorum", p->quorum);
	json_u64("electorate", p->electorate);
	json_u64("votes_for", p->votes_for);
	json_u64("votes_against", p->votes_against);
	json_u64("gone", p->gone);
	json_str("error", p->error ? ctl_errname(p->error) : "");
	json_u64("deadline_ns", p->deadline_ns);
	json_end_obj();
}

static void json_proposals(const struct lfce_snapshot *s)
{
	unsigned int i;

	json_begin_arr("proposals");
	for (i = 0; i < LFCE_MAX_PROPOSALS; i++)
		if (s->proposal[i].state != LFCE_PROP_FREE)
			ctl_json_proposal(&s->proposal[i]);
	json_end_arr();
}

static void json_snapshot(__u64 id, const struct lfce_snapshot *s)
{
	const struct lfce_table *t = &s->table;

	json_begin_obj(NULL);
	json_hex64("game", id);
	json_u64("version", t->version);
	json_u64("time_ns", t->time_ns);
	json_hex64("digest", t->digest);
	json_u64("records", t->records);
	json_u64("bank", t->bank);
	json_u64("total", t->total);
	json_bool("conserved", lfce_tokens_conserved(s));
	json_u64("rolls", t->rolls);
	json_u64("proposals_opened", t->proposals);
	json_u64("deadline_ns", t->deadline_ns);
	json_u64("owner_nonce", t->owner_nonce);
	json_str("phase", t->phase == LFCE_PHASE_POINT ? "point" : "come-out");
	json_u64("point", t->point);
	json_u64("shooter", t->shooter);
	json_str("stage", lfce_stage_name(t->stage));
	json_bool("suspended", t->flags & LFCE_TABLE_SUSPENDED);
	json_bool("closed", t->flags & LFCE_TABLE_CLOSED);
	json_begin_arr("dice");
	json_u64(NULL, t->dice[0]);
	json_u64(NULL, t->dice[1]);
	json_end_arr();
	json_hexbytes("seed_commitment", t->seed_commitment, sizeof(t->seed_commitment));
	ctl_json_config(&t->config);
	json_seats(s);
	json_round(s);
	json_proposals(s);
	json_end_obj();
}

static void print_seats(const struct lfce_snapshot *s)
{
	char name[33];
	unsigned int i, k;

	for (i = 0; i < s->table.config.max_seats; i++) {
		const struct lfce_seat *st = &s->seat[i];

		if (!(st->flags & (LFCE_SEAT_BOUND | LFCE_SEAT_BANNED)) && !st->balance)
			continue;
		ctl_name_of_id(st->id, name, sizeof(name));
		printf("  seat %u: uid %u \"%s\" balance %llu nonce %llu%s%s",
		       i, st->uid, name, st->balance, st->nonce,
		       st->flags & LFCE_SEAT_BOUND ? "" : " (free)",
		       st->flags & LFCE_SEAT_BANNED ? " (banned)" : "");
		for (k = 0; k < LFCE_BET_NR; k++)
			if (st->bets[k])
				printf(" %s=%llu", lfce_bet_name(k), st->bets[k]);
		putchar('\n');
	}
}

void ctl_print_proposal(const struct lfce_proposal *p)
{
	printf("  proposal %llu: %s %s by seat %u", p->id, lfce_prop_state_name(p->state),
	       lfce_op_name(p->action), p->proposer);
	if (p->action == LFCE_OP_TRANSFER)
		printf(", %llu from seat %u to seat %u", p->value, p->seat, p->to);
	else if (p->action == LFCE_OP_BAN)
		printf(", seat %u", p->seat);
	else if (p->action == LFCE_OP_CONFIG)
		printf(", %s = %llu", lfce_param_name(p->param), p->value);
	printf("; %d for, %d against, quorum %u of %d%s%s\n",
	       __builtin_popcount(p->votes_for), __builtin_popcount(p->votes_against), p->quorum,
	       __builtin_popcount(p->electorate), p->error ? ", failed: " : "",
	       p->error ? ctl_errname(p->error) : "");
}

static void print_snapshot(__u64 id, const struct lfce_snapshot *s)
{
	const struct lfce_table *t = &s->table;
	unsigned int i;

	printf("game %llu: version %llu, %llu records, digest 0x%016llx"
	       "%s%s\n", id, t->version, t->records, t->digest,
	       t->flags & LFCE_TABLE_CLOSED ? ", closed" : "",
	       t->flags & LFCE_TABLE_SUSPENDED ? ", suspended" : "");
	printf("  table: bank %llu, total %llu (%s), %llu rolls, last %u+%u\n",
	       t->bank, t->total, lfce_tokens_conserved(s) ? "conserved" : "NOT CONSERVED",
	       t->rolls, t->dice[0], t->dice[1]);
	if (t->phase == LFCE_PHASE_POINT)
		printf("  phase: point %u", t->point);
	else
		printf("  phase: come-out");
	printf(", stage %s, shooter seat %u, round %llu (committed 0x%x, revealed 0x%x"
	       " of 0x%x)\n", lfce_stage_name(t->stage), t->shooter, s->round.number,
	       s->round.committed, s->round.revealed, s->round.participants);
	print_config(&t->config);
	print_seats(s);
	for (i = 0; i < LFCE_MAX_PROPOSALS; i++)
		if (s->proposal[i].state != LFCE_PROP_FREE)
			ctl_print_proposal(&s->proposal[i]);
}

/* ---- game ------------------------------------------------------------- */

static int game_create(int argc, char **argv)
{
	struct lfce_config cfg;
	uint64_t id;
	int fd, c, ret;

	verify_default_config(&cfg);
	optind = 0;
	while ((c = getopt_long(argc, argv, "+", ctl_config_longopts, NULL)) != -1) {
		ret = ctl_config_option(c, optarg, &cfg);
		if (ret)
			return ret < 0 ? ctl_usage("game create: bad option '%s'", argv[optind - 1]) : ret;
	}
	if (optind != argc)
		return ctl_usage("game create: unexpected '%s'", argv[optind]);
	fd = ctl_device(O_RDWR);
	if (fd < 0)
		return EXIT_REFUSED;
	ret = lfce_create(fd, &cfg, &id);
	close(fd);
	if (ret)
		return ctl_refused(ret, "cannot create the game: %s", lfce_strerror(ret));
	if (ctl.json) {
		json_begin_obj(NULL);
		json_hex64("game", id);
		json_end_obj();
		json_done();
	} else {
		printf("%llu\n", (unsigned long long)id);
	}
	return EXIT_OK;
}

static unsigned int bound_seats(const struct lfce_snapshot *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < LFCE_MAX_SEATS; i++)
		n += !!(s->seat[i].flags & LFCE_SEAT_BOUND);
	return n;
}

/* Every game id, a chunk at a time; then one line (or object) each. */
static int game_list(int argc, char **argv)
{
	struct ctl_game g;
	uint64_t ids[LIST_CHUNK], start = 0, total;
	uint32_t n, i;
	int fd, ret;

	if (argc > 1)
		return ctl_usage("game list: unexpected '%s'", argv[1]);
	fd = ctl_device(O_RDONLY);
	if (fd < 0)
		return EXIT_REFUSED;
	if (ctl.json)
		json_begin_arr(NULL);
	do {
		n = LIST_CHUNK;
		ret = lfce_list(fd, start, ids, &n, &total);
		for (i = 0; !ret && i < n; i++) {
			start = ids[i] + 1;
			if (ctl_open_game_quiet(&g, ids[i], false))
				continue;	/* closed since it was listed */
			if (ctl.json) {
				json_begin_obj(NULL);
				json_hex64("game", g.id);
				json_u64("version", g.snap.table.version);
				json_u64("seats", bound_seats(&g.snap));
				json_u64("bank", g.snap.table.bank);
				json_u64("total", g.snap.table.total);
				json_u64("rolls", g.snap.table.rolls);
				json_str("stage", lfce_stage_name(g.snap.table.stage));
				json_str("dice_mode", lfce_dice_mode_name(g.snap.table.config.dice_mode));
				json_end_obj();
			} else {
				printf("game %llu: version %llu, %u seats, bank %llu"
				       ", total %llu, %llu rolls, %s, %s dice\n",
				       g.id, g.snap.table.version, bound_seats(&g.snap),
				       g.snap.table.bank,
				       g.snap.table.total, g.snap.table.rolls,
				       lfce_stage_name(g.snap.table.stage),
				       lfce_dice_mode_name(g.snap.table.config.dice_mode));
			}
			ctl_close_game(&g);
		}
	} while (!ret && n == LIST_CHUNK);
	close(fd);
	if (ret)
		return ctl_refused(ret, "cannot list games: %s", lfce_strerror(ret));
	if (ctl.json) {
		json_end_arr();
		json_done();
	}
	return EXIT_OK;
}

static int one_game_arg(int argc, char **argv, const char *what, __u64 *id)
{
	if (argc < 2)
		return ctl_usage("%s: which game?", what);
	if (argc > 2)
		return ctl_usage("%s: unexpected '%s'", what, argv[2]);
	if (ctl_parse_game(argv[1], id))
		return ctl_usage("%s: '%s' is not a game id", what, argv[1]);
	return 0;
}

static int game_show(int argc, char **argv)
{
	struct ctl_game g;
	__u64 id;
	int ret;

	ret = one_game_arg(argc, argv, "game show", &id);
	if (!ret)
		ret = ctl_open_game(&g, id, false);
	if (ret)
		return ret;
	if (ctl.json) {
		json_snapshot(id, &g.snap);
		json_done();
	} else {
		print_snapshot(id, &g.snap);
	}
	ctl_close_game(&g);
	return EXIT_OK;
}

static int game_close(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
	};
	uint32_t flags = 0;
	struct ctl_game g = { .fd = -1 };
	__u64 id;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (c != 'f')
			return ctl_usage("game close: unknown option");
		flags |= LFCE_CLOSE_FORCE;
	}
	ret = one_game_arg(argc - optind + 1, argv + optind - 1, "game close", &id);
	if (ret)
		return ret;
	g.id = id;
	g.fd = ctl_device(O_RDWR);
	if (g.fd < 0)
		return EXIT_REFUSED;
	ret = lfce_close_game(g.fd, id, flags);
	if (ret == -EBUSY)
		ret = ctl_refused(ret, "game %llu still holds tokens: settle the seats "
				  "and the bank first, or close it with --force", id);
	else if (ret == -EPERM)
		ret = ctl_refused(ret, "uid %u is not the owner of game %llu", geteuid(), id);
	else if (ret)
		ret = ctl_refused(ret, "cannot close game %llu: %s", id,
				  ret == -ENOENT ? "no such game (or already closed)" :
				  lfce_strerror(ret));
	close(g.fd);
	if (ret)
		return ret;
	if (!ctl.json) {
		printf("game %llu: closed%s\n", id, flags ? " (forced)" : "");
		return EXIT_OK;
	}
	json_begin_obj(NULL);
	json_hex64("game", id);
	json_str("done", "closed");
	json_bool("forced", flags);
	json_end_obj();
	json_done();
	return EXIT_OK;
}

const struct ctl_cmd ctl_game_cmds[] = {
	{ "create", game_create, "[--min-bet N] [--max-bet N] [--odds-max N] [--field12-pays 2|3]\n"
	  "      [--dice commit-reveal|host|agreement] [--reveal-timeout T] [--seats N]\n"
	  "      [--max-proposals N] [--proposal-timeout T] [--governable P,...|all|none]\n"
	  "      [--shared-uids] [--hardways-work]",
	  "create a game owned by you; prints its id (unset values take the defaults)" },
	{ "list", game_list, "", "every game: version, bank, total, rolls, stage" },
	{ "show", game_show, "GAME", "the newest snapshot: table, config, seats, round, proposals" },
	{ "close", game_close, "[--force] GAME",
	  "close a game you own; --force settles every seat and the bank first" },
	{ NULL, NULL, NULL, NULL },
};

/* ---- stats ------------------------------------------------------------ */

static int stats_show(int argc, char **argv)
{
	struct lfce_stats st;
	struct ctl_game g;
	__u64 id;
	unsigned int i;
	int ret;

	ret = one_game_arg(argc, argv, "stats", &id);
	if (!ret)
		ret = ctl_open_game(&g, id, false);
	if (ret)
		return ret;
	ret = lfce_stats(g.fd, &st);
	ctl_close_game(&g);
	if (ret)
		return ctl_refused(ret, "stats of game %llu: %s", id, lfce_strerror(ret));
	if (!ctl.json) {
		printf("game %llu: %llu commits, %llu CAS failures, %llu"
		       " refused, %llu exhausted, %llu backpressure\n  retries:", id,
		       st.commits, st.cas_failures, st.refused, st.exhausted, st.backpressure);
		for (i = 0; i < 8; i++)
			printf(" %llu", st.retries[i]);
		printf("\n  proposals: %llu opened, %llu passed, %llu"
		       " rejected, %llu expired, %llu failed\n",
		       st.proposals[LFCE_PROP_PENDING], st.proposals[LFCE_PROP_PASSED],
		       st.proposals[LFCE_PROP_REJECTED], st.proposals[LFCE_PROP_EXPIRED],
		       st.proposals[LFCE_PROP_FAILED]);
		return EXIT_OK;
	}
	json_begin_obj(NULL);
	json_hex64("game", id);
	json_u64("commits", st.commits);
	json_u64("cas_failures", st.cas_failures);
	json_u64("refused", st.refused);
	json_u64("exhausted", st.exhausted);
	json_u64("backpressure", st.backpressure);
	json_begin_arr("retries");
	for (i = 0; i < 8; i++)
		json_u64(NULL, st.retries[i]);
	json_end_arr();
	json_begin_arr("latency_ns_log2");
	for (i = 0; i < 32; i++)
		json_u64(NULL, st.latency_ns_log2[i]);
	json_end_arr();
	json_begin_obj("proposals");
	for (i = LFCE_PROP_PENDING; i < LFCE_PROP_NR; i++)
		json_u64(i == LFCE_PROP_PENDING ? "opened" : lfce_prop_state_name(i),
			 st.proposals[i]);
	json_end_obj();
	json_end_obj();
	json_done();
	return EXIT_OK;
}

const struct ctl_cmd ctl_stats_cmds[] = {
	{ "show", stats_show, "GAME", "commits, CAS failures, retries, latency, proposals" },
	{ NULL, NULL, NULL, NULL },
};

/* ---- version ---------------------------------------------------------- */

static int version_show(int argc, char **argv)
{
	uint32_t abi = 0;
	int fd, ret;

	(void)argv;
	if (argc > 1)
		return ctl_usage("version: unexpected '%s'", argv[1]);
	fd = lfce_open(O_RDONLY);
	ret = fd < 0 ? fd : lfce_version(fd, &abi);
	if (fd >= 0)
		close(fd);
	if (ctl.json) {
		json_begin_obj(NULL);
		json_str("lfcectl", LFCECTL_VERSION);
		json_str("liblfce", LIBLFCE_VERSION);
		if (ret) {
			json_null("module_abi");
			json_str("module_error", ret == -ENOENT ? "no such device" :
				 lfce_strerror(ret));
		} else {
			json_u64("module_abi", abi);
		}
		json_u64("abi", LFCE_ABI_VERSION);
		json_end_obj();
		json_done();
		return EXIT_OK;
	}
	printf("lfcectl %s\nliblfce %s\n", LFCECTL_VERSION, LIBLFCE_VERSION);
	if (ret)
		printf("module: unknown (%s: %s)\n", LFCE_DEVICE_PATH, ret == -ENOENT ?
		       "no such device: is the module loaded?" : lfce_strerror(ret));
	else
		printf("module: ABI %u (LFCE_IOC_VERSION)%s\n", abi,
		       abi == LFCE_ABI_VERSION ? "" : " -- DIFFERS from lfcectl's: refusing to trust it");
	printf("ABI: %u (uapi/linux/lfce.h lfcectl was built with)\n", LFCE_ABI_VERSION);
	return EXIT_OK;
}

const struct ctl_cmd ctl_version_cmds[] = {
	{ "show", version_show, "", "tool, library, module (LFCE_IOC_VERSION) and ABI versions" },
	{ NULL, NULL, NULL, NULL },
};
