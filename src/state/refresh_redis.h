/*
 * refresh_redis.h - the Redis back end of refresh.h (docs/SCENARIOS.md
 * S-J10; C §7). refresh.c calls these when db->kv is set; each refr_
 * function has the contract of the refresh_ function of the same name in
 * refresh.h (refr_revoke_all that of refresh_revoke_all_locked: the
 * caller's SQLite transaction covers only the token version then), with
 * these keys:
 *
 *   refresh:<64 hex of the BLAKE2b-256 of the token>   a hash: family,
 *       created, expires, spent (0/1), used_at. Its TTL is the token's
 *       own remaining life (expires - now): a spent token stays until
 *       then, so presenting it again is recognised as a replay.
 *   family:<id>   a hash: user, alg, bound, access_jti, access_exp,
 *       created, last_used, revoked_at (0 while live), reason (why it
 *       was revoked, "" while live), ua, addr. Its TTL is the remaining
 *       life of its newest token, extended at each rotation. A revoked
 *       family keeps its key until then, so the pages show it revoked.
 *   family:<id>:events   a list of JSON objects {at, kind, detail},
 *       newest first, trimmed to REFRESH_EVENTS_MAX, with the TTL of its
 *       family.
 *   user:<uid>:families   a sorted set of family ids scored by created,
 *       plus 1/1024 for each earlier login of the same second (so the
 *       newest is first, as the SQLite id order has it), its TTL the
 *       longest of its families'. Members whose family is gone (or, after
 *       an id was reused, belongs to someone else) are dropped when it is
 *       read.
 *   blacklist:<jti>   the access token's exp, with TTL exp + TOKEN_LEEWAY
 *       - now: token_verify still accepts a token TOKEN_LEEWAY seconds
 *       past its exp, so its blacklist entry lives as long (the SQLite
 *       purge keeps the row as long, too). Nothing is written for a
 *       token already past that.
 *
 * Family ids are random positive 48-bit integers (randombytes_buf); the
 * login script refuses an id in use and a new one is drawn. There is no
 * counter key, so every key has a TTL.
 *
 * Only the hash of a refresh token is ever a key or a value. Every write
 * that touches more than one key (login, rotate, revoke) is one Lua
 * script: the rotation's checks and its spend happen in one atomic step,
 * so of two refreshes with one token exactly one wins and a replay
 * revokes the family. One Redis, not a Cluster: a revoke writes the
 * blacklist key of the jti it reads inside the script.
 */
#ifndef REFRESH_REDIS_H
#define REFRESH_REDIS_H

#include <stddef.h>

#include "state/refresh.h"

#define REFRESH_HASH_BYTES 32

/* Shared with refresh.c (defined there), one copy for both back ends. */

/* refresh_token_shape_ok: 1 when s is exactly REFRESH_TOKEN_LEN
 * base64url characters (s may be NULL). */
int refresh_token_shape_ok(const char *s);

/* refresh_token_hash: the BLAKE2b-256 of the token s into h. */
void refresh_token_hash(const char *s, unsigned char h[REFRESH_HASH_BYTES]);

/* refresh_new_token: 256 fresh random bits as a token into out, and its
 * hash into h. */
void refresh_new_token(char out[REFRESH_TOKEN_LEN + 1],
		       unsigned char h[REFRESH_HASH_BYTES]);

/* refresh_ua_len: how many bytes of user_agent are kept: at most
 * REFRESH_UA_MAX, cut on a UTF-8 character boundary. */
size_t refresh_ua_len(const char *user_agent);

/* The Redis back end (refresh_redis.c). */

enum err refr_login(struct db *db, long long user_id, enum token_alg alg,
		    int bound, const char *access_jti, long long access_exp,
		    const char *user_agent, const char *client_addr,
		    long long now, long long ttl,
		    char out[REFRESH_TOKEN_LEN + 1], long long *family_id);
enum err refr_rotate(struct db *db, const char *presented,
		     const struct refresh_pair *pair, const char *new_jti,
		     long long new_exp, long long now, long long ttl,
		     char out[REFRESH_TOKEN_LEN + 1],
		     struct refresh_family *fam,
		     enum refresh_outcome *outcome);
enum err refr_find(struct db *db, const char *presented,
		   struct refresh_family *fam);
enum err refr_revoke(struct db *db, long long family_id, long long user_id,
		     const char *kind, long long now, int *changed);
enum err refr_revoke_all(struct db *db, long long user_id, const char *kind,
			 long long now, int *count);
enum err refr_live_count(struct db *db, long long user_id, long long *n);
enum err refr_families_json(struct db *db, long long user_id, json_t **out);
enum err refr_events_json(struct db *db, long long family_id, json_t **out);
enum err refr_blacklist_add(struct db *db, const char *jti, long long exp,
			    long long now);
enum err refr_blacklisted(struct db *db, const char *jti, int *yes);
/* refr_stored_json: append to records the Redis records
 * refresh_stored_json describes, for the token hash h and the access
 * token jti (either may be NULL: none). */
enum err refr_stored_json(struct db *db, const unsigned char *h,
			  const char *jti, json_t *records);

#endif
