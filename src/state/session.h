/*
 * session.h - server-side sessions (OWASP Session Management cheat
 * sheet), in SQLite or, with SESSION_STORE=redis, in Redis
 * (session_redis.h): one interface, two back ends.
 *
 * The browser holds a 256-bit random ID (base64url, 43 characters); the
 * server stores only its BLAKE2b-256 hash, so the store cannot be
 * replayed. Each session has an idle deadline (pushed forward by use) and
 * an absolute deadline (never moved). The data is a JSON object.
 *
 * Every read-modify-write is atomic: one BEGIN IMMEDIATE transaction in
 * SQLite, one Lua script or a compare-and-set in Redis, so concurrent
 * requests on the same session never lose an update. A Redis failure is
 * ERR_UNAVAILABLE (503).
 */
#ifndef SESSION_H
#define SESSION_H

#include <stddef.h>

#include <jansson.h>

#include "base/db.h"
#include "base/err.h"

#define SESSION_ID_BYTES   32
#define SESSION_ID_LEN     43          /* base64url, no padding */
#define SESSION_HASH_BYTES 32
#define SESSION_UA_MAX     256         /* bytes of User-Agent kept */
#define SESSION_DATA_MAX   (64 * 1024) /* bytes of JSON data */

/* Lifetimes, in seconds. */
struct session_config {
	long long idle_ttl;      /* default 1800 */
	long long absolute_ttl;  /* default 43200 */
	long long remember_ttl;  /* "remember me": cookie and record, 1209600 */
};

/* Why a presented ID did not load. */
enum session_miss {
	SESSION_MISS_NONE = 0,   /* no cookie was presented */
	SESSION_MISS_MALFORMED,  /* not 43 base64url characters */
	SESSION_MISS_UNKNOWN,    /* no such session (never, or ended) */
	SESSION_MISS_IDLE,       /* idle deadline passed */
	SESSION_MISS_ABSOLUTE    /* absolute deadline passed */
};

struct session {
	unsigned char id_hash[SESSION_HASH_BYTES];
	char          id[SESSION_ID_LEN + 1];  /* set only when issued in
						  this request, else "" */
	long long     user_id;                 /* 0 for a guest */
	long long     created;
	long long     last_seen;
	long long     idle_ttl;
	long long     idle_expires;
	long long     absolute_expires;
	int           persistent;
	json_t       *data;                    /* owned; a JSON object */
};

/*
 * session_id_new: a fresh 256-bit ID (randombytes), base64url without
 * padding, into id, and its BLAKE2b-256 hash (what a store keeps) into
 * id_hash.
 */
void session_id_new(char id[SESSION_ID_LEN + 1],
		    unsigned char id_hash[SESSION_HASH_BYTES]);

/* session_id_hash: the BLAKE2b-256 hash of the ID string id. */
void session_id_hash(const char *id, unsigned char out[SESSION_HASH_BYTES]);

/* session_id_valid: 1 when id is exactly SESSION_ID_LEN base64url
 * characters, the only shape session_id_new makes. */
int session_id_valid(const char *id);

/* session_init: an empty, unloaded session (data NULL). */
void session_init(struct session *s);

/* session_cleanup: release data; s is as after session_init. */
void session_cleanup(struct session *s);

/*
 * session_create: insert a new guest session (user 0, data {}) with fresh
 * random ID, written into s->id. user_agent (truncated to SESSION_UA_MAX)
 * and client_addr are kept for the devices list.
 */
enum err session_create(struct db *db, const struct session_config *cfg,
			long long now, const char *user_agent,
			const char *client_addr, struct session *s);

/*
 * session_load: find the live session for the ID the browser sent and fill
 * s; nothing is written except that an expired row is deleted. Returns
 * ERR_NOTFOUND with *miss saying why; ERR_DB on a storage error. s is left
 * empty on failure.
 */
enum err session_load(struct db *db, const char *id, long long now,
		      struct session *s, enum session_miss *miss);

/*
 * session_touch: record use at now: last_seen and the idle deadline move
 * forward (never past the absolute deadline). At most one UPDATE a second
 * per session; a no-op when now <= last_seen.
 */
enum err session_touch(struct db *db, struct session *s, long long now);

/*
 * session_reload: read the stored row for s->id_hash again (after another
 * request may have changed it). ERR_NOTFOUND when it is gone.
 */
enum err session_reload(struct db *db, struct session *s);

/*
 * session_login: in one transaction, replace the session's ID with a fresh
 * one (the old ID stops working), keep its data, and bind it to user_id.
 * persistent selects the "remember me" lifetimes. On success s->id holds
 * the new ID. The data gains "login": {"at", "rotated_from"} where
 * rotated_from is the first 8 hex digits of the old ID's hash.
 */
enum err session_login(struct db *db, struct session *s,
		       const struct session_config *cfg, long long now,
		       long long user_id, int persistent);

/*
 * session_rotate: give the session a fresh ID, keeping data, user and
 * deadlines (for privilege changes other than login).
 */
enum err session_rotate(struct db *db, struct session *s);

/*
 * session_update: read-modify-write of the data in one BEGIN IMMEDIATE:
 * re-read the stored data, call fn(data, arg) on it, write it back. When
 * fn fails its error is returned and nothing is written. s->data is the
 * new data on success. ERR_TOOBIG when the JSON passes SESSION_DATA_MAX.
 */
enum err session_update(struct db *db, struct session *s,
			enum err (*fn)(json_t *data, void *arg), void *arg);

/* session_destroy: delete the row; s is emptied. Missing rows are fine. */
enum err session_destroy(struct db *db, struct session *s);

/*
 * session_purge: delete every expired session; returns the number deleted
 * in *n (may be NULL).
 */
enum err session_purge(struct db *db, long long now, int *n);

/* One row of a user's session list (the devices page, S-S7). */
#define SESSION_ADDR_MAX  64           /* bytes of client address shown */
#define SESSION_LIST_MAX  50           /* sessions listed per user */

struct session_info {
	unsigned char id_hash[SESSION_HASH_BYTES];
	long long     created;
	long long     last_seen;
	long long     idle_expires;
	long long     absolute_expires;
	int           persistent;
	char          user_agent[SESSION_UA_MAX + 1];
	char          client_addr[SESSION_ADDR_MAX + 1];
};

/*
 * session_list_user: the live sessions of user_id at now, most recently
 * seen first, at most SESSION_LIST_MAX, into out[]; *n is the count.
 * Strings are truncated to their fields.
 */
enum err session_list_user(struct db *db, long long user_id, long long now,
			   struct session_info out[SESSION_LIST_MAX],
			   size_t *n);

/*
 * session_revoke: delete the session with id_hash, only when it belongs to
 * user_id (no one revokes another user's session). ERR_NOTFOUND when no
 * such row of that user exists; nothing changes then.
 */
enum err session_revoke(struct db *db, long long user_id,
			const unsigned char id_hash[SESSION_HASH_BYTES]);

/*
 * session_revoke_others: delete every session of user_id except keep_hash
 * ("log out all other devices", password change); every one of them when
 * keep_hash is NULL ("log out everywhere"). *n (may be NULL) gets the
 * number deleted.
 */
enum err session_revoke_others(struct db *db, long long user_id,
			       const unsigned char keep_hash[SESSION_HASH_BYTES],
			       int *n);

/*
 * session_revoke_all: delete every session of every visitor, logged in or
 * guest (the admin remedy of article B §2-4, docs/SCENARIOS.md). *n
 * (may be NULL) gets the number deleted.
 */
enum err session_revoke_all(struct db *db, int *n);

/*
 * session_count_live: sessions whose deadlines are after now: *total, and
 * *users of them bound to a user.
 */
enum err session_count_live(struct db *db, long long now, long long *total,
			    long long *users);

/*
 * session_hash_from_hex: parse 64 hex digits (either case) into out.
 * ERR_INVAL for anything else.
 */
enum err session_hash_from_hex(const char *hex,
			       unsigned char out[SESSION_HASH_BYTES]);

/* session_hash_hex_full: all 64 hex digits of an ID hash. */
void session_hash_hex_full(const unsigned char id_hash[SESSION_HASH_BYTES],
			   char out[2 * SESSION_HASH_BYTES + 1]);

#define SESSION_UA_SUMMARY_MAX 64       /* bytes of session_ua_summary */

/*
 * session_ua_summary: a short name for the browser a User-Agent header
 * describes, "Firefox 128 · Linux", "curl 7.88" or "?" when unknown,
 * into out (cap bytes, at least SESSION_UA_SUMMARY_MAX). Only the known
 * product tokens below are looked for; nothing from ua but digits is
 * copied. Returns out.
 */
char *session_ua_summary(const char *ua, char *out, size_t cap);

/*
 * session_stored_json: the record of s as its store holds it, for the
 * pages that show it (S-S10, the wire view); never the raw ID:
 *   Redis:  {store:"redis", key:"session:<64 hex>", type:"hash",
 *            ttl: the key's own TTL (the TTL command; -1 none),
 *            fields:{name: string, ...}, every field of the hash}
 *   SQLite: {store:"sqlite", table:"sessions", key:"<64 hex id_hash>",
 *            ttl: idle_expires - now, fields:{column: value, ...}:
 *            id_hash as hex, numbers as numbers, a guest's user_id null}
 * and, in both, "other": the same session as the other store would
 * hold it (the Redis shape has no ver, which Redis would count). A new
 * reference in *out (json_decref), NULL on failure. ERR_NOTFOUND when
 * the record is gone, ERR_DB or ERR_UNAVAILABLE from the store.
 */
enum err session_stored_json(struct db *db, const struct session *s,
			     long long now, json_t **out);

/* session_hash_hex: the first 8 hex digits of an ID hash, for display. */
void session_hash_hex(const unsigned char id_hash[SESSION_HASH_BYTES],
		      char out[9]);

/* session_config_from_env: defaults, overridden by SESSION_IDLE_SECONDS,
 * SESSION_ABSOLUTE_SECONDS and SESSION_REMEMBER_SECONDS; CLASSROOM=1 makes
 * the idle default 120 s. Bad values are logged and ignored. */
void session_config_from_env(struct session_config *cfg);

#endif
