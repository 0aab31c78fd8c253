/*
 * costs.h - S-X2: what each way of keeping state costs this server per
 * request, measured on demand (issue 6, /lab/costs).
 *
 * Every operation runs a few thousand times against the real code paths:
 * signed_verify for a signed cookie, session_load and session_touch on a
 * real row of the real SQLite file, token_verify for HS256 and RS256
 * tokens, and the blacklist lookup (refresh_blacklisted). S-S10 adds the
 * same session lookup in node memory (nodestore_find) and, when the site
 * runs on Redis, session_load on Redis. The tokens and the
 * signed cookie are made with throwaway keys of the same kinds and sizes
 * as the site's, created once per process: the measurement never touches
 * the site's own secrets.
 */
#ifndef COSTS_H
#define COSTS_H

#include <stddef.h>

#include "base/db.h"
#include "base/err.h"
#include "state/session.h"

enum cost_op {
	COST_SIGNED_COOKIE = 0,  /* verify a signed cookie value */
	COST_SESSION_LOOKUP,     /* find a session by its ID in SQLite (one
				    SELECT), whichever store the site uses */
	COST_SESSION_TOUCH,      /* record use in SQLite (one UPDATE) */
	COST_JWT_HS256,          /* verify an HS256 access token */
	COST_JWT_RS256,          /* verify an RS256 access token */
	COST_BLACKLIST,          /* look a jti up in the blacklist */
	COST_NODE_LOOKUP,        /* find a session in node memory (S-S10) */
	COST_REDIS_LOOKUP,       /* find a session in Redis (one HMGET);
				    ops 0 when the site runs on SQLite */
	COST_OPS
};

struct cost_result {
	long   ops;          /* repetitions timed */
	double us_per_op;    /* mean wall time per repetition, microseconds */
};

struct cost_report {
	struct cost_result op[COST_OPS];
	size_t bytes_session;   /* "sid=..." in the Cookie header */
	size_t bytes_signed;    /* "user=...signed..." in the Cookie header */
	size_t bytes_hs256;     /* "Authorization: Bearer ..." */
	size_t bytes_rs256;
};

/* costs_op_name: a stable name for op ("signed_cookie", "jwt_rs256"...). */
const char *costs_op_name(enum cost_op op);

/*
 * costs_measure: run every measurement at time now and fill *r. Makes
 * one throwaway session row (and one in node memory, and one in Redis
 * when the site runs on it) and deletes it again. The first call in a
 * process also makes the throwaway keys (an RSA-2048 pair). ERR_DB,
 * ERR_CRYPTO, ERR_INTERNAL (mkdtemp).
 */
enum err costs_measure(struct db *db, const struct session_config *cfg,
		       long long now, struct cost_report *r);

/*
 * costs_measure_lookups: only the session lookups, the same code as
 * costs_measure's, into *r (zeroed first): COST_NODE_LOOKUP,
 * COST_SESSION_LOOKUP (SQLite) and COST_REDIS_LOOKUP (ops 0 without
 * Redis). No keys are made. The S-S10 page's figures. ERR_DB,
 * ERR_UNAVAILABLE (Redis failed).
 */
enum err costs_measure_lookups(struct db *db,
			       const struct session_config *cfg,
			       long long now, struct cost_report *r);

#endif
