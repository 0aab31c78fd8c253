/*
 * revoke.c - one remedy for every credential kind. See revoke.h.
 */
#include "state/revoke.h"

#include <stdio.h>
#include <string.h>

#include "state/refresh.h"
#include "state/session.h"

/* Move the token version of user_id (every user when 0) on. */
static enum err cut_tokens(struct db *db, long long user_id,
			   const char *reason, long long now, int *n)
{
	enum err e = db_exec(db, "UPDATE users SET token_version = "
			     "token_version + 1, tokens_cut_at = ?, "
			     "tokens_cut_reason = ? WHERE ?3 = 0 OR id = ?3",
			     "iti", now, reason, user_id);

	*n = e ? 0 : db_changes(db);
	return e;
}

enum err revoke_user_locked(struct db *db, long long user_id,
			    const unsigned char *keep, const char *reason,
			    long long now, struct revoke_report *r)
{
	struct revoke_report got = { 0, 0, 0 };
	enum err e;

	if (r)
		memset(r, 0, sizeof(*r));
	if (user_id <= 0)
		return ERR_NOTFOUND;
	if ((e = cut_tokens(db, user_id, reason, now, &got.accounts)))
		return e;
	if (!got.accounts)
		return ERR_NOTFOUND;
	if ((e = session_revoke_others(db, user_id, keep, &got.sessions)) ||
	    (e = refresh_revoke_all_locked(db, user_id, reason, now,
					   &got.families)))
		return e;
	if (r)
		*r = got;
	return ERR_OK;
}

enum err revoke_everyone_locked(struct db *db, const char *reason,
				long long now, struct revoke_report *r)
{
	struct revoke_report got = { 0, 0, 0 };
	enum err e;

	if (r)
		memset(r, 0, sizeof(*r));
	if ((e = cut_tokens(db, 0, reason, now, &got.accounts)) ||
	    (e = session_revoke_all(db, &got.sessions)) ||
	    (e = refresh_revoke_all_locked(db, 0, reason, now,
					   &got.families)))
		return e;
	if (r)
		*r = got;
	return ERR_OK;
}

enum err revoke_state(struct db *db, long long user_id,
		      struct revoke_state *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT token_version, tokens_cut_at, "
				   "tokens_cut_reason FROM users WHERE id = ?");
	const char *why;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, user_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->token_version = sqlite3_column_int64(st, 0);
		out->cut_at = sqlite3_column_int64(st, 1);
		why = (const char *)sqlite3_column_text(st, 2);
		snprintf(out->cut_reason, sizeof(out->cut_reason), "%s",
			 why ? why : "");
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return ERR_OK;
	return rc == SQLITE_DONE ? ERR_NOTFOUND :
		db_fail(db, rc, "token version");
}

enum token_reason revoke_access_check(struct db *db,
				      const struct token_claims *cl,
				      enum err *e)
{
	struct revoke_state s;
	int listed = 0;

	/* The account first: after a cut, "issued before a revocation" is
	 * the truer reason even for a token that was also blacklisted. */
	if (cl->user_id > 0) {
		*e = revoke_state(db, cl->user_id, &s);
		if (*e == ERR_NOTFOUND) {
			*e = ERR_OK;
			return TOKEN_NO_ACCOUNT;
		}
		if (*e)
			return TOKEN_REVOKED;
		if (cl->ver != s.token_version)
			return TOKEN_SUPERSEDED;
	}
	if ((*e = refresh_blacklisted(db, cl->jti, &listed)) || listed)
		return TOKEN_REVOKED;
	return TOKEN_VALID;
}
