/*
 * race_naive.c - INSECURE BY DESIGN. The naive session store of the race
 * lab (S-S5): read the whole session, change it in memory, write it all
 * back, with no transaction. Two overlapping requests both read the old
 * value; the second write silently erases the first (a lost update), and
 * anything else that changed in the session meanwhile (a cart line) is
 * erased too. Only /cart/race calls this; the real store is session_update
 * (see race.c and session.h). See race_naive.h.
 */
#include "unsafe/race_naive.h"

#include "base/kv.h"
#include "lessons/race.h"
#include "state/session_redis.h"

#include <stdlib.h>
#include <string.h>


/* The Redis half: HGET or HSET of the data field, no script, no ver. */
static enum err naive_redis(struct db *db, const struct session *s,
			    const char *text, json_t **out)
{
	char key[SESSION_REDIS_KEY_MAX];
	struct kv_args a;
	redisReply *r;
	json_error_t jerr;
	const char *got;
	size_t len;
	enum err e;

	sessr_key(s->id_hash, key);
	kv_args_init(&a);
	kv_arg(&a, text ? "HSET" : "HGET");
	kv_arg(&a, key);
	kv_arg(&a, "data");
	if (text)
		kv_arg(&a, text);
	if ((e = kv_run(db->kv, &a, &r)))
		return e;
	if (!text) {
		got = kv_reply_str(r, -1, &len);
		*out = got ? json_loadb(got, len, 0, &jerr) : NULL;
		if (!got)
			e = ERR_NOTFOUND;
		else if (!json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			e = ERR_DB;
		}
	}
	kv_reply_free(r);
	return e;
}

/* Read the session's whole data, as a naive store would, without a lock. */
static enum err naive_read(struct db *db, const struct session *s,
			   json_t **out)
{
	static const char sql[] = "SELECT data FROM sessions WHERE id_hash = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	json_error_t jerr;
	enum err e = ERR_OK;
	int rc;

	*out = NULL;
	if (db->kv)
		return naive_redis(db, s, NULL, out);
	if (!st)
		return ERR_DB;
	sqlite3_bind_blob(st, 1, s->id_hash, SESSION_HASH_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);

		*out = json_loads(text ? text : "{}", 0, &jerr);
		if (!json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			e = ERR_DB;
		}
	} else {
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : ERR_DB;
	}
	sqlite3_reset(st);
	return e;
}

enum err race_naive_add(struct db *db, struct session *s)
{
	json_t *data = NULL, *r;
	char *text = NULL;
	json_int_t n;
	enum err e;

	if ((e = naive_read(db, s, &data)))
		goto out;
	if (!(r = race_object(data))) {
		e = ERR_NOMEM;
		goto out;
	}
	n = json_integer_value(json_object_get(r, "naive"));
	race_work();                /* another request reads the same n now */
	if (json_object_set_new(r, "naive", json_integer(n + 1)) ||
	    !(text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS))) {
		e = ERR_NOMEM;
		goto out;
	}
	if (strlen(text) > SESSION_DATA_MAX) {
		e = ERR_TOOBIG;
		goto out;
	}
	/* The whole data goes back, stale parts and all. */
	if ((e = db->kv ? naive_redis(db, s, text, NULL) :
	     db_exec(db, "UPDATE sessions SET data = ? WHERE id_hash = ?",
		     "tb", text, s->id_hash, SESSION_HASH_BYTES)))
		goto out;
	json_decref(s->data);
	s->data = data;
	data = NULL;
out:
	free(text);
	json_decref(data);
	return e;
}
