/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace: the lfce:* tracepoints.
 *
 *   lfce:commit        a commit succeeded: game, version, operations, retries
 *   lfce:cas_retry     a commit lost its cmpxchg and will retry: game, try
 *   lfce:backpressure  a writer hit the memory cap: game, whether it waits
 *   lfce:proposal      a proposal opened or was decided: game, id, the
 *                      operation that did it, the state it is in now
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lfce

#if !defined(_LFCE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LFCE_TRACE_H

#include <linux/tracepoint.h>
#include <linux/lfce.h>

TRACE_EVENT(lfce_commit,
	TP_PROTO(u64 game, u64 version, unsigned int ops, unsigned int retries),
	TP_ARGS(game, version, ops, retries),
	TP_STRUCT__entry(
		__field(u64, game)
		__field(u64, version)
		__field(unsigned int, ops)
		__field(unsigned int, retries)
	),
	TP_fast_assign(
		__entry->game = game;
		__entry->version = version;
		__entry->ops = ops;
		__entry->retries = retries;
	),
	TP_printk("game=%llu version=%llu ops=%u retries=%u",
		  __entry->game, __entry->version, __entry->ops, __entry->retries)
);

TRACE_EVENT(lfce_cas_retry,
	TP_PROTO(u64 game, unsigned int try),
	TP_ARGS(game, try),
	TP_STRUCT__entry(
		__field(u64, game)
		__field(unsigned int, try)
	),
	TP_fast_assign(
		__entry->game = game;
		__entry->try = try;
	),
	TP_printk("game=%llu try=%u", __entry->game, __entry->try)
);

TRACE_EVENT(lfce_backpressure,
	TP_PROTO(u64 game, bool waits),
	TP_ARGS(game, waits),
	TP_STRUCT__entry(
		__field(u64, game)
		__field(bool, waits)
	),
	TP_fast_assign(
		__entry->game = game;
		__entry->waits = waits;
	),
	TP_printk("game=%llu %s", __entry->game, __entry->waits ? "waits" : "EAGAIN")
);

TRACE_EVENT(lfce_proposal,
	TP_PROTO(u64 game, u64 id, unsigned int op, unsigned int state),
	TP_ARGS(game, id, op, state),
	TP_STRUCT__entry(
		__field(u64, game)
		__field(u64, id)
		__field(unsigned int, op)
		__field(unsigned int, state)
	),
	TP_fast_assign(
		__entry->game = game;
		__entry->id = id;
		__entry->op = op;
		__entry->state = state;
	),
	TP_printk("game=%llu id=%llu op=%u state=%s", __entry->game, __entry->id, __entry->op,
		  __print_symbolic(__entry->state,
				   { LFCE_PROP_PENDING, "pending" },
				   { LFCE_PROP_PASSED, "passed" },
				   { LFCE_PROP_REJECTED, "rejected" },
				   { LFCE_PROP_EXPIRED, "expired" },
				   { LFCE_PROP_FAILED, "failed" }))
);

#endif /* _LFCE_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
