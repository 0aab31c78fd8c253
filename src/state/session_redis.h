/*
 * session_redis.h - the Redis back end of session.h. session.c calls
 * these when db->kv is set; each has the contract of the session_
 * function of the same name in session.h, with these keys:
 *
 *   session:<64 hex of the ID hash>   a hash: user, created, last_seen,
 *       idle_ttl, idle_exp, abs_exp, persistent, ua, addr, data, ver.
 *       Its TTL is the idle deadline: Redis forgets an idle session by
 *       itself. The absolute deadline is kept and checked on every load.
 *   user:<id>:sessions                 a set of the hex hashes of that
 *       user's sessions (the devices page), its TTL the latest absolute
 *       deadline of a member. Members whose session is gone are dropped
 *       when the set is read.
 *
 * The raw ID is never a key or a value. Every read-modify-write is one
 * Lua script, or a compare-and-set on ver retried until it wins.
 */
#ifndef SESSION_REDIS_H
#define SESSION_REDIS_H

#include "state/session.h"

#define SESSION_REDIS_PREFIX "session:"
#define SESSION_REDIS_KEY_MAX 80

/* session_data_dump: data as both back ends store it, compact with
 * sorted keys, into *out (free it); ERR_TOOBIG past SESSION_DATA_MAX.
 * Defined in session.c. */
enum err session_data_dump(const json_t *data, char **out);

/* session_data_load: parse len bytes at text (NULL: missing) into
 * s->data, replacing it; ERR_DB, logged, when it is not a JSON object.
 * Defined in session.c. */
enum err session_data_load(struct session *s, const char *text, size_t len);

/* sessr_key: "session:<64 hex>" for id_hash into out. */
void sessr_key(const unsigned char id_hash[SESSION_HASH_BYTES],
	       char out[SESSION_REDIS_KEY_MAX]);

enum err sessr_create(struct db *db, struct session *s,
		      const char *user_agent, const char *client_addr,
		      long long now);
enum err sessr_select(struct db *db, struct session *s);
enum err sessr_delete(struct db *db, const struct session *s);
enum err sessr_touch(struct db *db, struct session *s, long long now);
enum err sessr_login(struct db *db, struct session *s,
		     const struct session_config *cfg, long long now,
		     long long user_id, int persistent);
enum err sessr_rotate(struct db *db, struct session *s);
enum err sessr_update(struct db *db, struct session *s,
		      enum err (*fn)(json_t *data, void *arg), void *arg);
enum err sessr_list_user(struct db *db, long long user_id, long long now,
			 struct session_info out[SESSION_LIST_MAX],
			 size_t *n);
enum err sessr_revoke(struct db *db, long long user_id,
		      const unsigned char id_hash[SESSION_HASH_BYTES]);
enum err sessr_revoke_others(struct db *db, long long user_id,
			     const unsigned char *keep_hash, int *n);
enum err sessr_revoke_all(struct db *db, int *n);
enum err sessr_count_live(struct db *db, long long now, long long *total,
			  long long *users);

/*
 * sessr_stored_json: the hash of s as Redis holds it, read with its TTL
 * in one script: {store:"redis", key, type:"hash", ttl, fields:{name:
 * string...}}, ttl being what the TTL command says (-1: none). A new
 * reference in *out (json_decref), NULL on failure; ERR_NOTFOUND when
 * the key is gone, ERR_UNAVAILABLE when Redis fails.
 */
enum err sessr_stored_json(struct db *db, const struct session *s,
			   json_t **out);

#endif
