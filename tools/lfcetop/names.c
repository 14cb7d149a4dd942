// SPDX-License-Identifier: GPL-2.0-only
/*
 * Words for the uapi's numbers. A value this build does not know (a newer
 * module) reads "?" rather than indexing past a table.
 */
#include "lfcetop.h"

#define NAME(table, i) ((i) < sizeof(table) / sizeof(table[0]) && table[i] ? table[i] : "?")

static const char *const phases[] = {
	[LFCE_PHASE_COME_OUT] = "come-out", [LFCE_PHASE_POINT] = "point",
};

static const char *const stages[] = {
	[LFCE_STAGE_BETTING] = "betting", [LFCE_STAGE_COMMIT] = "commit",
	[LFCE_STAGE_REVEAL] = "reveal",
};

static const char *const dice_modes[] = {
	[LFCE_DICE_COMMIT_REVEAL] = "commit-reveal", [LFCE_DICE_HOST] = "host",
	[LFCE_DICE_AGREEMENT] = "agreement",
};

/* The names people bet by: pass, place6, hard8, ... */
static const char *const bets[] = {
	[LFCE_BET_PASS] = "pass", [LFCE_BET_DONT_PASS] = "dontpass",
	[LFCE_BET_PASS_ODDS] = "passodds", [LFCE_BET_DONT_PASS_ODDS] = "dontpassodds",
	[LFCE_BET_COME] = "come", [LFCE_BET_DONT_COME] = "dontcome",
	[LFCE_BET_COME_4] = "come4", [LFCE_BET_COME_5] = "come5",
	[LFCE_BET_COME_6] = "come6", [LFCE_BET_COME_8] = "come8",
	[LFCE_BET_COME_9] = "come9", [LFCE_BET_COME_10] = "come10",
	[LFCE_BET_DONT_COME_4] = "dontcome4", [LFCE_BET_DONT_COME_5] = "dontcome5",
	[LFCE_BET_DONT_COME_6] = "dontcome6", [LFCE_BET_DONT_COME_8] = "dontcome8",
	[LFCE_BET_DONT_COME_9] = "dontcome9", [LFCE_BET_DONT_COME_10] = "dontcome10",
	[LFCE_BET_COME_ODDS_4] = "comeodds4", [LFCE_BET_COME_ODDS_5] = "comeodds5",
	[LFCE_BET_COME_ODDS_6] = "comeodds6", [LFCE_BET_COME_ODDS_8] = "comeodds8",
	[LFCE_BET_COME_ODDS_9] = "comeodds9", [LFCE_BET_COME_ODDS_10] = "comeodds10",
	[LFCE_BET_DONT_COME_ODDS_4] = "dontcomeodds4",
	[LFCE_BET_DONT_COME_ODDS_5] = "dontcomeodds5",
	[LFCE_BET_DONT_COME_ODDS_6] = "dontcomeodds6",
	[LFCE_BET_DONT_COME_ODDS_8] = "dontcomeodds8",
	[LFCE_BET_DONT_COME_ODDS_9] = "dontcomeodds9",
	[LFCE_BET_DONT_COME_ODDS_10] = "dontcomeodds10",
	[LFCE_BET_FIELD] = "field",
	[LFCE_BET_PLACE_4] = "place4", [LFCE_BET_PLACE_5] = "place5",
	[LFCE_BET_PLACE_6] = "place6", [LFCE_BET_PLACE_8] = "place8",
	[LFCE_BET_PLACE_9] = "place9", [LFCE_BET_PLACE_10] = "place10",
	[LFCE_BET_HARD_4] = "hard4", [LFCE_BET_HARD_6] = "hard6",
	[LFCE_BET_HARD_8] = "hard8", [LFCE_BET_HARD_10] = "hard10",
	[LFCE_BET_ANY_SEVEN] = "anyseven", [LFCE_BET_ANY_CRAPS] = "anycraps",
	[LFCE_BET_ELEVEN] = "eleven", [LFCE_BET_ACES] = "aces",
	[LFCE_BET_ACE_DEUCE] = "acedeuce", [LFCE_BET_TWELVE] = "twelve",
};

static const char *const ops[] = {
	[LFCE_OP_NONE] = "none", [LFCE_OP_JOIN] = "join", [LFCE_OP_LEAVE] = "leave",
	[LFCE_OP_DEPOSIT] = "deposit", [LFCE_OP_WITHDRAW] = "withdraw",
	[LFCE_OP_BET] = "bet", [LFCE_OP_UNBET] = "unbet", [LFCE_OP_CLOSE] = "close",
	[LFCE_OP_COMMIT] = "commit", [LFCE_OP_REVEAL] = "reveal",
	[LFCE_OP_EXPIRE] = "expire", [LFCE_OP_ROLL] = "roll", [LFCE_OP_BAN] = "ban",
	[LFCE_OP_TRANSFER] = "transfer", [LFCE_OP_SETTLE] = "settle",
	[LFCE_OP_PROPOSE] = "propose", [LFCE_OP_VOTE] = "vote",
	[LFCE_OP_LAPSE] = "lapse", [LFCE_OP_CONFIG] = "config",
	[LFCE_OP_SHUTDOWN] = "shutdown",
};

static const char *const prop_states[] = {
	[LFCE_PROP_FREE] = "free", [LFCE_PROP_PENDING] = "pending",
	[LFCE_PROP_PASSED] = "passed", [LFCE_PROP_REJECTED] = "rejected",
	[LFCE_PROP_EXPIRED] = "expired", [LFCE_PROP_FAILED] = "failed",
};

static const char *const params[] = {
	[LFCE_PARAM_MIN_BET] = "min_bet", [LFCE_PARAM_MAX_BET] = "max_bet",
	[LFCE_PARAM_ODDS_MAX] = "odds_max", [LFCE_PARAM_FIELD12_PAYS] = "field12_pays",
	[LFCE_PARAM_DICE_MODE] = "dice_mode", [LFCE_PARAM_REVEAL_TIMEOUT] = "reveal_timeout",
	[LFCE_PARAM_PROPOSAL_TIMEOUT] = "proposal_timeout",
};

/* struct lfce_counters.retries[]: commits by how many CAS retries they took. */
static const char *const retry_labels[] = {
	"0", "1", "2-3", "4-7", "8-15", "16-31", "32-63", "64+",
};

const char *top_phase_name(uint32_t phase)
{
	return NAME(phases, phase);
}

const char *top_stage_name(uint32_t stage)
{
	return NAME(stages, stage);
}

const char *top_dice_mode_name(uint32_t mode)
{
	return NAME(dice_modes, mode);
}

const char *top_bet_name(unsigned int kind)
{
	return NAME(bets, kind);
}

const char *top_op_name(uint16_t type)
{
	return NAME(ops, type);
}

const char *top_prop_state_name(uint16_t state)
{
	return NAME(prop_states, state);
}

const char *top_param_name(uint32_t param)
{
	return NAME(params, param);
}

const char *top_retry_label(unsigned int bucket)
{
	return NAME(retry_labels, bucket);
}

/* closed beats suspended: a closed game never resumes. */
const char *top_game_state(const struct lfce_snapshot *s)
{
	if (s->table.flags & LFCE_TABLE_CLOSED)
		return "closed";
	if (s->table.flags & LFCE_TABLE_SUSPENDED)
		return "suspended";
	return "open";
}
