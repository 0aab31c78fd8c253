/*
 * revoke.h - revocation that reaches every credential kind (S-S7, S-S8,
 * S-J6; issue 10).
 *
 * A user holds three kinds of credential: server sessions (the sid
 * cookie), refresh-token families (the refresh_token cookie) and access
 * tokens (JWTs that no store lists). Ending the first two is a DELETE or
 * an UPDATE. An access token cannot be deleted: it is valid wherever its
 * signature verifies, until its exp. So each account has a token version
 * (users.token_version), which the issuer writes into every access token
 * as the "ver" claim, and the stateful verifier (revoke_access_check)
 * refuses a token whose ver is not the account's. Adding one to the
 * version refuses every access token issued before, at the cost of one
 * indexed read of the users row per verified request: the cost S-J6
 * names. A verifier that skips the read (/api/me/stateless, a gateway
 * holding only the public key) keeps accepting such a token until exp.
 *
 * Every remedy goes through here: a password change, "log out everywhere",
 * the admin's revoke-all and "reset demo data" all end the sessions,
 * revoke the refresh families (which also blacklists each family's last
 * access token) and move the token version, in the caller's one
 * transaction, so no credential issued before survives any of them.
 */
#ifndef REVOKE_H
#define REVOKE_H

#include "base/db.h"
#include "base/err.h"
#include "state/token.h"

/* What a revocation ended. */
struct revoke_report {
	int sessions;          /* server sessions deleted */
	int families;          /* refresh families revoked */
	int accounts;          /* accounts whose token version moved */
};

/* The state of an account's access tokens, for the pages. */
struct revoke_state {
	long long token_version;
	long long cut_at;                 /* when it last moved, or 0 */
	char      cut_reason[32];         /* why: "password_change"... */
};

/*
 * revoke_user_locked: inside the caller's BEGIN IMMEDIATE transaction,
 * end every credential of user_id: its sessions (all but the one whose
 * hash is keep, when keep is not NULL: the device making the change), its
 * live refresh families (event kind reason), and its access tokens (the
 * token version moves on; cut_at = now, cut_reason = reason). reason is a
 * short word ("password_change", "logout_all"). ERR_NOTFOUND when there is
 * no such user (nothing is changed). *r may be NULL.
 */
enum err revoke_user_locked(struct db *db, long long user_id,
			    const unsigned char *keep, const char *reason,
			    long long now, struct revoke_report *r);

/*
 * revoke_everyone_locked: the same for every account at once (the admin's
 * revoke-all, the demo reset): every session, every live family, every
 * account's token version. Inside the caller's transaction.
 */
enum err revoke_everyone_locked(struct db *db, const char *reason,
				long long now, struct revoke_report *r);

/*
 * revoke_access_check: the stateful half of access-token verification,
 * for claims that token_verify already accepted: for a site user (numeric
 * sub), TOKEN_NO_ACCOUNT when the account is gone and TOKEN_SUPERSEDED
 * when the token's ver is not the account's token version; then
 * TOKEN_REVOKED when the jti is blacklisted; TOKEN_VALID otherwise. *e is set (ERR_DB,
 * ERR_UNAVAILABLE) when the store could not answer; the result is then
 * TOKEN_REVOKED, so a token is never accepted unchecked.
 */
enum token_reason revoke_access_check(struct db *db,
				      const struct token_claims *cl,
				      enum err *e);

/* revoke_state: the token version of user_id and when and why it last
 * moved. ERR_NOTFOUND when there is no such user. */
enum err revoke_state(struct db *db, long long user_id,
		      struct revoke_state *out);

#endif
