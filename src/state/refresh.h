/*
 * refresh.h - refresh tokens in families, the access-token blacklist and
 * the token events (S-J4, S-J5, S-J6; OWASP and RFC 6819 §5.2.2.3,
 * draft-ietf-oauth-security-topics §4.14 "refresh token rotation").
 *
 * A refresh token is 256 random bits, base64url, held only by the browser
 * (an HttpOnly cookie); the database keeps its BLAKE2b-256 hash. Each login
 * starts a family. Each use spends the token and hands out the next one of
 * the same family. Presenting a spent token again is a replay: the whole
 * family is revoked and the event is recorded. The spend is a conditional
 * UPDATE inside BEGIN IMMEDIATE, so of two simultaneous refreshes with one
 * token exactly one succeeds; the other is the replay. With
 * SESSION_STORE=redis (db->kv set) the same rules run in Redis instead
 * (refresh_redis.h): each check-and-write is one Lua script, and any
 * Redis failure is ERR_UNAVAILABLE.
 *
 * Revoking a family also blacklists the last access token it issued (until
 * that token's exp), so revocation reaches the blacklist-checking API at
 * once.
 */
#ifndef REFRESH_H
#define REFRESH_H

#include <jansson.h>

#include "base/db.h"
#include "base/err.h"
#include "state/token.h"

#define REFRESH_TOKEN_LEN   43         /* base64url of 32 bytes */
#define REFRESH_COOKIE      "refresh_token"  /* HttpOnly, on this path: */
#define REFRESH_PATH        "/api/auth"
#define REFRESH_TTL         1209600    /* 14 days */
#define REFRESH_CLASSROOM_TTL 600      /* with CLASSROOM=1 */
#define REFRESH_UA_MAX      200        /* bytes of User-Agent kept */
#define REFRESH_LIST_MAX    20         /* families listed per user */
#define REFRESH_EVENTS_MAX  20         /* events listed per family */

enum refresh_outcome {
	REFRESH_OK = 0,
	REFRESH_UNKNOWN,        /* no such token (or not a token at all) */
	REFRESH_EXPIRED,
	REFRESH_REVOKED,        /* its family was revoked earlier */
	REFRESH_REUSED,         /* already spent: the family is revoked now */
	REFRESH_PAIR_MISMATCH   /* bound family, wrong or missing access
				   token: the family is revoked now */
};

struct refresh_family {
	long long      id;
	long long      user_id;
	enum token_alg alg;
	int            bound;
	char           access_jti[TOKEN_JTI_MAX];
	long long      access_exp;
	long long      created;
	long long      last_used;
	long long      revoked_at;             /* 0 while live */
};

/* What came with a refresh for the pair check: the access token, verified
 * with TOKEN_IGNORE_EXP (present = 0 when none came or it failed). */
struct refresh_pair {
	int         present;
	const char *jti;
	long long   user_id;
};

/* refresh_ttl: REFRESH_TOKEN_SECONDS, else REFRESH_CLASSROOM_TTL with
 * CLASSROOM=1, else REFRESH_TTL. */
long long refresh_ttl(void);

/* refresh_outcome_text: "reused", "expired"... (static). */
const char *refresh_outcome_text(enum refresh_outcome o);

/*
 * refresh_login: start a family for user_id whose first access token is
 * access_jti (expiring access_exp), and issue its first refresh token into
 * out (NUL-terminated). user_agent is cut to REFRESH_UA_MAX bytes. Records
 * a "login" event. *family_id is the new family.
 */
enum err refresh_login(struct db *db, long long user_id, enum token_alg alg,
		       int bound, const char *access_jti,
		       long long access_exp, const char *user_agent,
		       const char *client_addr, long long now, long long ttl,
		       char out[REFRESH_TOKEN_LEN + 1], long long *family_id);

/*
 * refresh_rotate: spend presented and, when it is live, unspent, unexpired
 * and (for a bound family) pair matches, issue the next token into out and
 * record new_jti/new_exp as the family's access token: *outcome REFRESH_OK.
 * Otherwise *outcome says why and out is empty; a replay or a pair
 * mismatch revokes the family (committed). *fam is filled whenever the
 * token was found (id 0 otherwise). Returns an error only for storage
 * failures (ERR_DB, or ERR_UNAVAILABLE for a store that cannot answer).
 */
enum err refresh_rotate(struct db *db, const char *presented,
			const struct refresh_pair *pair, const char *new_jti,
			long long new_exp, long long now, long long ttl,
			char out[REFRESH_TOKEN_LEN + 1],
			struct refresh_family *fam,
			enum refresh_outcome *outcome);

/* refresh_find: the family of presented (spent or not). ERR_NOTFOUND. */
enum err refresh_find(struct db *db, const char *presented,
		      struct refresh_family *fam);

/*
 * refresh_revoke: revoke family_id if it belongs to user_id and is live;
 * blacklist its last access token; record event kind. *changed is 1 when
 * it was revoked now (may be NULL).
 */
enum err refresh_revoke(struct db *db, long long family_id,
			long long user_id, const char *kind, long long now,
			int *changed);

/*
 * refresh_revoke_all_locked: inside the caller's BEGIN IMMEDIATE
 * transaction, revoke every live family of user_id (of every user when
 * user_id is 0) as refresh_revoke does, each with event kind; *count how
 * many (may be NULL). revoke.h is the one caller: it pairs this with the
 * sessions and the access tokens.
 */
enum err refresh_revoke_all_locked(struct db *db, long long user_id,
				   const char *kind, long long now,
				   int *count);

/* refresh_live_count: *n = the user's families not revoked. */
enum err refresh_live_count(struct db *db, long long user_id, long long *n);

/* refresh_families_json: the user's newest REFRESH_LIST_MAX families as a
 * JSON array (*out, caller decrefs). */
enum err refresh_families_json(struct db *db, long long user_id,
			       json_t **out);

/* refresh_events_json: the family's newest REFRESH_EVENTS_MAX events as a
 * JSON array of {at, kind, detail} (*out, caller decrefs). */
enum err refresh_events_json(struct db *db, long long family_id,
			     json_t **out);

/* refresh_blacklist_add: refuse access token jti until exp plus
 * TOKEN_LEEWAY, as long as token_verify would still take it at now (the
 * caller's site clock, c->now). Nothing is written for a token already
 * past that at now, in either store. */
enum err refresh_blacklist_add(struct db *db, const char *jti,
			       long long exp, long long now);

/* refresh_blacklisted: *yes = 1 when jti is on the blacklist. */
enum err refresh_blacklisted(struct db *db, const char *jti, int *yes);

/*
 * refresh_stored_json: what the store holds now for one visitor of the
 * token page (S-J10; C §7), never a raw token. presented (the refresh
 * cookie; NULL, or not a token's shape: nothing) leads to its token's
 * record, its family, the family's events and the user's index of
 * families; jti (NULL: nothing) to that access token's blacklist entry.
 * *out (caller decrefs):
 *   {store: "redis"|"sqlite", records: [{role, key, type, ttl, size,
 *    value}...]}
 * role is "token", "family", "events", "index" or "blacklist", in that
 * order; a record that does not exist is left out.
 *   Redis: key the key's name, type its Redis type, ttl the TTL command's
 *     answer (seconds), size the number of elements (0 for a hash), and
 *     value as stored: a hash an object of strings, a list (newest
 *     REFRESH_EVENTS_MAX) an array of strings, the sorted set (newest
 *     REFRESH_LIST_MAX) [[member, score]...], a string a string.
 *   SQLite: key "<table> WHERE <column> = <value>", type "row" (value an
 *     object, one member per column, a blob as hex) or "rows" (value an
 *     array of such objects, size how many there are), ttl the seconds
 *     left until the purge may delete it (null when no deadline is kept:
 *     the row stays until something deletes it).
 * ERR_DB, ERR_UNAVAILABLE, ERR_NOMEM.
 */
enum err refresh_stored_json(struct db *db, const char *presented,
			     const char *jti, long long now, json_t **out);

/* refresh_purge: drop expired blacklist rows and refresh tokens (with
 * Redis nothing: their TTLs expire them). */
enum err refresh_purge(struct db *db, long long now);

#endif
