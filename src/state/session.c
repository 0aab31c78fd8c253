/*
 * session.c - server-side sessions in SQLite. See session.h.
 */
#include "state/session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/log.h"
#include "state/session_redis.h"

#define SQL_COLUMNS "user_id, created, last_seen, idle_ttl, idle_expires, " \
	"absolute_expires, persistent, data"

void session_init(struct session *s)
{
	memset(s, 0, sizeof(*s));
}

void session_cleanup(struct session *s)
{
	json_decref(s->data);
	session_init(s);
}

void session_config_from_env(struct session_config *cfg)
{
	long long idle_def = config_long("CLASSROOM", 0, 0, 1) ? 120 : 1800;

	cfg->idle_ttl = config_long("SESSION_IDLE_SECONDS", idle_def, 1,
				    31536000);
	cfg->absolute_ttl = config_long("SESSION_ABSOLUTE_SECONDS", 43200, 1,
					31536000);
	cfg->remember_ttl = config_long("SESSION_REMEMBER_SECONDS", 1209600,
					1, 31536000);
}

void session_hash_hex(const unsigned char id_hash[SESSION_HASH_BYTES],
		      char out[9])
{
	sodium_bin2hex(out, 9, id_hash, 4);
}

void session_id_hash(const char *id, unsigned char out[SESSION_HASH_BYTES])
{
	crypto_generichash(out, SESSION_HASH_BYTES, (const unsigned char *)id,
			   strlen(id), NULL, 0);
}

void session_id_new(char id[SESSION_ID_LEN + 1],
		    unsigned char id_hash[SESSION_HASH_BYTES])
{
	unsigned char raw[SESSION_ID_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(id, SESSION_ID_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	session_id_hash(id, id_hash);
}

int session_id_valid(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++) {
		char c = id[i];

		if (i == SESSION_ID_LEN)
			return 0;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return i == SESSION_ID_LEN;
}

enum err session_data_dump(const json_t *data, char **out)
{
	*out = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	if (!*out)
		return ERR_NOMEM;
	if (strlen(*out) > SESSION_DATA_MAX) {
		free(*out);
		*out = NULL;
		return ERR_TOOBIG;
	}
	return ERR_OK;
}

/* Read the columns of SQL_COLUMNS from a row into s. */
static enum err read_row(sqlite3_stmt *st, struct session *s)
{
	const char *text;

	s->user_id = sqlite3_column_int64(st, 0);
	s->created = sqlite3_column_int64(st, 1);
	s->last_seen = sqlite3_column_int64(st, 2);
	s->idle_ttl = sqlite3_column_int64(st, 3);
	s->idle_expires = sqlite3_column_int64(st, 4);
	s->absolute_expires = sqlite3_column_int64(st, 5);
	s->persistent = sqlite3_column_int(st, 6);
	text = (const char *)sqlite3_column_text(st, 7);
	if (!text)
		text = "{}";
	return session_data_load(s, text, strlen(text));
}

enum err session_data_load(struct session *s, const char *text, size_t len)
{
	json_error_t jerr;

	json_decref(s->data);
	s->data = text ? json_loadb(text, len, 0, &jerr) : NULL;
	if (!s->data || !json_is_object(s->data)) {
		log_msg("error", "session data is not a JSON object");
		json_decref(s->data);
		s->data = NULL;
		return ERR_DB;
	}
	return ERR_OK;
}

enum err session_create(struct db *db, const struct session_config *cfg,
			long long now, const char *user_agent,
			const char *client_addr, struct session *s)
{
	static const char sql[] =
		"INSERT INTO sessions (id_hash, user_id, created, last_seen, "
		"idle_ttl, idle_expires, absolute_expires, persistent, "
		"user_agent, client_addr, data) "
		"VALUES (?, NULL, ?, ?, ?, ?, ?, 0, substr(?, 1, ?), ?, '{}')";
	sqlite3_stmt *st;
	enum err e = ERR_DB;
	int rc;

	session_cleanup(s);
	if (!(s->data = json_object()))
		return ERR_NOMEM;
	session_id_new(s->id, s->id_hash);
	s->created = s->last_seen = now;
	s->idle_ttl = cfg->idle_ttl;
	s->idle_expires = now + cfg->idle_ttl;
	s->absolute_expires = now + cfg->absolute_ttl;
	if (db->kv) {
		if (!(e = sessr_create(db, s, user_agent, client_addr, now)))
			return ERR_OK;
		goto fail;
	}
	if (!(st = db_stmt(db, sql)))
		goto fail;
	sqlite3_bind_blob(st, 1, s->id_hash, SESSION_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, s->idle_ttl);
	sqlite3_bind_int64(st, 5, s->idle_expires);
	sqlite3_bind_int64(st, 6, s->absolute_expires);
	sqlite3_bind_text(st, 7, user_agent, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, SESSION_UA_MAX);
	sqlite3_bind_text(st, 9, client_addr, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return ERR_OK;
	e = db_fail(db, rc, "session insert");
fail:
	session_cleanup(s);
	return e;
}

/* Delete the stored session of s. */
static enum err delete_row(struct db *db, const struct session *s)
{
	if (db->kv)
		return sessr_delete(db, s);
	return db_exec(db, "DELETE FROM sessions WHERE id_hash = ?", "b",
		       s->id_hash, SESSION_HASH_BYTES);
}

/* Select the row for s->id_hash into s; ERR_NOTFOUND when absent. */
static enum err select_row(struct db *db, struct session *s)
{
	static const char sql[] =
		"SELECT " SQL_COLUMNS " FROM sessions WHERE id_hash = ?";
	sqlite3_stmt *st;
	enum err e;
	int rc;

	if (db->kv)
		return sessr_select(db, s);
	if (!(st = db_stmt(db, sql)))
		return ERR_DB;
	sqlite3_bind_blob(st, 1, s->id_hash, SESSION_HASH_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = read_row(st, s);
	else if (rc == SQLITE_DONE)
		e = ERR_NOTFOUND;
	else
		e = db_fail(db, rc, "session select");
	sqlite3_reset(st);
	return e;
}

enum err session_load(struct db *db, const char *id, long long now,
		      struct session *s, enum session_miss *miss)
{
	enum err e;

	session_cleanup(s);
	*miss = SESSION_MISS_NONE;
	if (!session_id_valid(id)) {
		*miss = SESSION_MISS_MALFORMED;
		return ERR_NOTFOUND;
	}
	session_id_hash(id, s->id_hash);
	if ((e = select_row(db, s))) {
		if (e == ERR_NOTFOUND)
			*miss = SESSION_MISS_UNKNOWN;
		goto fail;
	}
	if (now >= s->absolute_expires || now >= s->idle_expires) {
		*miss = now >= s->absolute_expires ? SESSION_MISS_ABSOLUTE :
			SESSION_MISS_IDLE;
		delete_row(db, s);
		e = ERR_NOTFOUND;
		goto fail;
	}
	return ERR_OK;
fail:
	session_cleanup(s);
	return e;
}

enum err session_touch(struct db *db, struct session *s, long long now)
{
	long long idle;

	/* At most once a second, so reads stay cheap. The WHERE keeps a
	 * concurrent logout from being undone. */
	if (now <= s->last_seen)
		return ERR_OK;
	idle = now + s->idle_ttl;
	if (idle > s->absolute_expires)
		idle = s->absolute_expires;
	s->last_seen = now;
	s->idle_expires = idle;
	if (db->kv)
		return sessr_touch(db, s, now);
	return db_exec(db, "UPDATE sessions SET last_seen = ?, idle_expires = ?"
		       " WHERE id_hash = ?", "iib", now, idle, s->id_hash,
		       SESSION_HASH_BYTES);
}

enum err session_reload(struct db *db, struct session *s)
{
	return select_row(db, s);
}

/*
 * Move the row to a fresh ID inside the caller's transaction: s->id and
 * s->id_hash change, every column is kept.
 */
static enum err move_to_new_id(struct db *db, struct session *s)
{
	unsigned char old_hash[SESSION_HASH_BYTES];
	enum err e;

	memcpy(old_hash, s->id_hash, sizeof(old_hash));
	session_id_new(s->id, s->id_hash);
	if ((e = db_exec(db, "UPDATE sessions SET id_hash = ? "
			 "WHERE id_hash = ?", "bb", s->id_hash,
			 SESSION_HASH_BYTES, old_hash, SESSION_HASH_BYTES)))
		return e;
	return db_changes(db) == 1 ? ERR_OK : ERR_NOTFOUND;
}

enum err session_login(struct db *db, struct session *s,
		       const struct session_config *cfg, long long now,
		       long long user_id, int persistent)
{
	char old_hex[9];
	char *data = NULL;
	json_t *login = NULL;
	enum err e;

	if (db->kv)
		return sessr_login(db, s, cfg, now, user_id, persistent);
	session_hash_hex(s->id_hash, old_hex);
	if ((e = db_begin(db)))
		return e;
	if ((e = select_row(db, s)) || (e = move_to_new_id(db, s)))
		goto fail;
	login = json_pack("{s:I, s:s, s:b}", "at", (json_int_t)now,
			  "rotated_from", old_hex, "remember", persistent);
	if (!login || json_object_set_new(s->data, "login", login)) {
		e = ERR_NOMEM;
		goto fail;
	}
	if ((e = session_data_dump(s->data, &data)))
		goto fail;
	s->user_id = user_id;
	s->persistent = persistent;
	s->created = s->last_seen = now;
	s->idle_ttl = persistent ? cfg->remember_ttl : cfg->idle_ttl;
	s->idle_expires = now + s->idle_ttl;
	s->absolute_expires = now + (persistent ? cfg->remember_ttl :
				     cfg->absolute_ttl);
	if ((e = db_exec(db, "UPDATE sessions SET user_id = ?, persistent = ?,"
			 " created = ?, last_seen = ?, idle_ttl = ?, "
			 "idle_expires = ?, absolute_expires = ?, data = ? "
			 "WHERE id_hash = ?", "iiiiiiitb", user_id,
			 (long long)persistent, now, now, s->idle_ttl,
			 s->idle_expires, s->absolute_expires, data,
			 s->id_hash, SESSION_HASH_BYTES)))
		goto fail;
	e = db_commit(db);
	free(data);
	return e;
fail:
	free(data);
	db_rollback(db);
	s->id[0] = '\0';
	return e;
}

enum err session_rotate(struct db *db, struct session *s)
{
	enum err e;

	if (db->kv)
		return sessr_rotate(db, s);
	if ((e = db_begin(db)))
		return e;
	if ((e = move_to_new_id(db, s))) {
		db_rollback(db);
		s->id[0] = '\0';
		return e;
	}
	return db_commit(db);
}

enum err session_update(struct db *db, struct session *s,
			enum err (*fn)(json_t *data, void *arg), void *arg)
{
	char *data = NULL;
	enum err e;

	if (db->kv)
		return sessr_update(db, s, fn, arg);
	if ((e = db_begin(db)))
		return e;
	if ((e = select_row(db, s)) || (e = fn(s->data, arg)) ||
	    (e = session_data_dump(s->data, &data)))
		goto fail;
	if ((e = db_exec(db, "UPDATE sessions SET data = ? WHERE id_hash = ?",
			 "tb", data, s->id_hash, SESSION_HASH_BYTES)))
		goto fail;
	free(data);
	return db_commit(db);
fail:
	free(data);
	db_rollback(db);
	/* Leave s->data as stored, not as fn half-changed it. */
	if (select_row(db, s))
		log_msg("warn", "session reload after failed update");
	return e;
}

enum err session_destroy(struct db *db, struct session *s)
{
	enum err e = delete_row(db, s);

	session_cleanup(s);
	return e;
}

enum err session_purge(struct db *db, long long now, int *n)
{
	enum err e;

	if (db->kv) {          /* Redis expires them by their TTL */
		if (n)
			*n = 0;
		return ERR_OK;
	}
	e = db_exec(db, "DELETE FROM sessions WHERE idle_expires <= ?"
			     " OR absolute_expires <= ?", "ii", now, now);

	if (n)
		*n = e ? 0 : db_changes(db);
	return e;
}

void session_hash_hex_full(const unsigned char id_hash[SESSION_HASH_BYTES],
			   char out[2 * SESSION_HASH_BYTES + 1])
{
	sodium_bin2hex(out, 2 * SESSION_HASH_BYTES + 1, id_hash,
		       SESSION_HASH_BYTES);
}

enum err session_hash_from_hex(const char *hex,
			       unsigned char out[SESSION_HASH_BYTES])
{
	size_t len, i;

	if (!hex)
		return ERR_INVAL;
	for (i = 0; hex[i]; i++) {
		char c = hex[i];

		if (i == 2 * SESSION_HASH_BYTES ||
		    !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F')))
			return ERR_INVAL;
	}
	if (i != 2 * SESSION_HASH_BYTES ||
	    sodium_hex2bin(out, SESSION_HASH_BYTES, hex, i, NULL, &len,
			   NULL) != 0 || len != SESSION_HASH_BYTES)
		return ERR_INVAL;
	return ERR_OK;
}

/* Copy text column i into dst of cap bytes, truncated. */
static void copy_text(sqlite3_stmt *st, int i, char *dst, size_t cap)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	size_t n = s ? strlen(s) : 0;

	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

enum err session_list_user(struct db *db, long long user_id, long long now,
			   struct session_info out[SESSION_LIST_MAX],
			   size_t *n)
{
	static const char sql[] =
		"SELECT id_hash, created, last_seen, idle_expires, "
		"absolute_expires, persistent, user_agent, client_addr "
		"FROM sessions WHERE user_id = ? AND idle_expires > ? AND "
		"absolute_expires > ? ORDER BY last_seen DESC, created DESC "
		"LIMIT ?";
	sqlite3_stmt *st;
	enum err e = ERR_OK;
	int rc;

	*n = 0;
	if (db->kv)
		return sessr_list_user(db, user_id, now, out, n);
	if (!(st = db_stmt(db, sql)))
		return ERR_DB;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int(st, 4, SESSION_LIST_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct session_info *si = &out[*n];

		memset(si, 0, sizeof(*si));
		if (sqlite3_column_bytes(st, 0) != SESSION_HASH_BYTES)
			continue;
		memcpy(si->id_hash, sqlite3_column_blob(st, 0),
		       SESSION_HASH_BYTES);
		si->created = sqlite3_column_int64(st, 1);
		si->last_seen = sqlite3_column_int64(st, 2);
		si->idle_expires = sqlite3_column_int64(st, 3);
		si->absolute_expires = sqlite3_column_int64(st, 4);
		si->persistent = sqlite3_column_int(st, 5);
		copy_text(st, 6, si->user_agent, sizeof(si->user_agent));
		copy_text(st, 7, si->client_addr, sizeof(si->client_addr));
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		log_msg("error", "session list: %s", sqlite3_errmsg(db->h));
		e = ERR_DB;
	}
	sqlite3_reset(st);
	return e;
}

enum err session_revoke(struct db *db, long long user_id,
			const unsigned char id_hash[SESSION_HASH_BYTES])
{
	enum err e;

	if (db->kv)
		return sessr_revoke(db, user_id, id_hash);
	e = db_exec(db, "DELETE FROM sessions WHERE id_hash = ? AND "
		    "user_id = ?", "bi", id_hash, SESSION_HASH_BYTES, user_id);
	if (e)
		return e;
	return db_changes(db) == 1 ? ERR_OK : ERR_NOTFOUND;
}

enum err session_revoke_others(struct db *db, long long user_id,
			       const unsigned char keep_hash[SESSION_HASH_BYTES],
			       int *n)
{
	enum err e;

	if (db->kv)
		return sessr_revoke_others(db, user_id, keep_hash, n);
	e = keep_hash ?
		db_exec(db, "DELETE FROM sessions WHERE user_id = ? AND "
			"id_hash <> ?", "ib", user_id, keep_hash,
			SESSION_HASH_BYTES) :
		db_exec(db, "DELETE FROM sessions WHERE user_id = ?", "i",
			user_id);

	if (n)
		*n = e ? 0 : db_changes(db);
	return e;
}

enum err session_revoke_all(struct db *db, int *n)
{
	enum err e;

	if (db->kv)
		return sessr_revoke_all(db, n);
	e = db_exec(db, "DELETE FROM sessions", "");

	if (n)
		*n = e ? 0 : db_changes(db);
	return e;
}

enum err session_count_live(struct db *db, long long now, long long *total,
			    long long *users)
{
	static const char sql[] =
		"SELECT count(*), count(user_id) FROM sessions "
		"WHERE idle_expires > ? AND absolute_expires > ?";
	sqlite3_stmt *st;
	enum err e = ERR_OK;

	*total = *users = 0;
	if (db->kv)
		return sessr_count_live(db, now, total, users);
	if (!(st = db_stmt(db, sql)))
		return ERR_DB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, now);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*total = sqlite3_column_int64(st, 0);
		*users = sqlite3_column_int64(st, 1);
	} else {
		e = ERR_DB;
	}
	sqlite3_reset(st);
	return e;
}

/* The major version after token in ua (digits only, at most 5). */
static void ua_version(const char *at, char out[8])
{
	size_t i = 0;

	while (i < 5 && at[i] >= '0' && at[i] <= '9') {
		out[i] = at[i];
		i++;
	}
	out[i] = '\0';
}

char *session_ua_summary(const char *ua, char *out, size_t cap)
{
	/* Order matters: Edge and Opera also say Chrome, Chrome says
	 * Safari. */
	static const struct { const char *token, *name; } browsers[] = {
		{ "Edg/", "Edge" }, { "OPR/", "Opera" },
		{ "Firefox/", "Firefox" }, { "HeadlessChrome/",
					     "Headless Chrome" },
		{ "Chromium/", "Chromium" }, { "Chrome/", "Chrome" },
		{ "Version/", "Safari" }, { "curl/", "curl" },
		{ "python-requests/", "python-requests" },
		{ "Wget/", "Wget" },
	};
	static const struct { const char *token, *name; } systems[] = {
		{ "Android", "Android" }, { "iPhone", "iOS" },
		{ "iPad", "iPadOS" }, { "Windows", "Windows" },
		{ "Mac OS X", "macOS" }, { "CrOS", "ChromeOS" },
		{ "Linux", "Linux" },
	};
	const char *name = NULL, *os = NULL, *p;
	char ver[8] = "";
	size_t i;

	if (!ua)
		ua = "";
	for (i = 0; i < sizeof(browsers) / sizeof(browsers[0]); i++)
		if ((p = strstr(ua, browsers[i].token))) {
			name = browsers[i].name;
			ua_version(p + strlen(browsers[i].token), ver);
			break;
		}
	for (i = 0; i < sizeof(systems) / sizeof(systems[0]); i++)
		if (strstr(ua, systems[i].token)) {
			os = systems[i].name;
			break;
		}
	snprintf(out, cap, "%s%s%s%s%s", name ? name : "?",
		 *ver ? " " : "", ver, os ? " · " : "", os ? os : "");
	return out;
}

/* The same session in both stores: a sessions column, the Redis hash
 * field that holds it, and whether it is a number. */
static const struct {
	const char *column;
	const char *field;
	int         number;
} store_map[] = {
	{ "user_id", "user", 1 },
	{ "created", "created", 1 },
	{ "last_seen", "last_seen", 1 },
	{ "idle_ttl", "idle_ttl", 1 },
	{ "idle_expires", "idle_exp", 1 },
	{ "absolute_expires", "abs_exp", 1 },
	{ "persistent", "persistent", 1 },
	{ "user_agent", "ua", 0 },
	{ "client_addr", "addr", 0 },
	{ "data", "data", 0 },
};
#define STORE_MAP_N (sizeof(store_map) / sizeof(store_map[0]))

/* A string or integer JSON value, or null for a missing text. */
static json_t *text_or_null(const char *t)
{
	return t ? json_string(t) : json_null();
}

/* An empty sessions-row record, {store, table, key, ttl, fields:
 * {id_hash}}, for the two shapes below to fill. */
static json_t *sqlite_shape_new(const char *hex, long long ttl)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:{s:s}}", "store", "sqlite",
			 "table", "sessions", "key", hex, "ttl",
			 (json_int_t)ttl, "fields", "id_hash", hex);
}

/* The sessions row as {store, table, key, ttl, fields} from an SQLite
 * row (columns in store_map order, from column 0); ttl is the idle
 * deadline's distance from now, as Redis would count it. */
static json_t *sqlite_shape_from_row(sqlite3_stmt *st, const char *hex,
				     long long now)
{
	long long ttl = sqlite3_column_int64(st, 4) - now;
	json_t *o, *f;
	size_t i;

	if (!(o = sqlite_shape_new(hex, ttl)))
		return NULL;
	f = json_object_get(o, "fields");
	for (i = 0; i < STORE_MAP_N; i++) {
		int col = (int)i;
		json_t *v;

		if (sqlite3_column_type(st, col) == SQLITE_NULL)
			v = json_null();
		else if (store_map[i].number)
			v = json_integer(sqlite3_column_int64(st, col));
		else
			v = text_or_null((const char *)
					 sqlite3_column_text(st, col));
		if (json_object_set_new(f, store_map[i].column, v)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* What Redis would hold for the same row (no ver: Redis counts it). */
static json_t *redis_shape_from_sqlite(const json_t *sq, const char *hex)
{
	const json_t *f = json_object_get(sq, "fields");
	char key[8 + 2 * SESSION_HASH_BYTES + 1], num[24];
	json_t *o, *rf;
	size_t i;

	snprintf(key, sizeof(key), "session:%s", hex);
	if (!(o = json_pack("{s:s, s:s, s:s, s:O, s:{}}", "store", "redis",
			    "key", key, "type", "hash", "ttl",
			    json_object_get(sq, "ttl"), "fields")))
		return NULL;
	rf = json_object_get(o, "fields");
	for (i = 0; i < STORE_MAP_N; i++) {
		const json_t *v = json_object_get(f, store_map[i].column);
		json_t *s;

		if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
				 json_integer_value(v));
			s = json_string(num);
		} else if (json_is_string(v)) {
			s = json_copy((json_t *)v);
		} else {
			s = json_string("0");   /* a guest: user 0 */
		}
		if (json_object_set_new(rf, store_map[i].field, s)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* What the sessions table would hold for the same Redis hash. */
static json_t *sqlite_shape_from_redis(const json_t *rd, const char *hex,
				       long long now)
{
	const json_t *f = json_object_get(rd, "fields");
	const char *idle = json_string_value(json_object_get(f, "idle_exp"));
	long long ttl = (idle ? strtoll(idle, NULL, 10) : now) - now;
	json_t *o, *sf;
	size_t i;

	if (!(o = sqlite_shape_new(hex, ttl)))
		return NULL;
	sf = json_object_get(o, "fields");
	for (i = 0; i < STORE_MAP_N; i++) {
		const char *t = json_string_value(json_object_get(
			f, store_map[i].field));
		json_t *v;

		if (store_map[i].number) {
			long long n = t ? strtoll(t, NULL, 10) : 0;

			/* A guest is user 0 in Redis, NULL in the table. */
			v = !strcmp(store_map[i].column, "user_id") && n == 0 ?
				json_null() : json_integer(n);
		} else {
			v = text_or_null(t);
		}
		if (json_object_set_new(sf, store_map[i].column, v)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

enum err session_stored_json(struct db *db, const struct session *s,
			     long long now, json_t **out)
{
	static const char sql[] =
		"SELECT user_id, created, last_seen, idle_ttl, idle_expires, "
		"absolute_expires, persistent, user_agent, client_addr, data "
		"FROM sessions WHERE id_hash = ?";
	char hex[2 * SESSION_HASH_BYTES + 1];
	json_t *o = NULL, *other = NULL;
	sqlite3_stmt *st;
	enum err e;
	int rc;

	*out = NULL;
	session_hash_hex_full(s->id_hash, hex);
	if (db->kv) {
		if ((e = sessr_stored_json(db, s, &o)))
			return e;
		other = sqlite_shape_from_redis(o, hex, now);
	} else {
		if (!(st = db_stmt(db, sql)))
			return ERR_DB;
		sqlite3_bind_blob(st, 1, s->id_hash, SESSION_HASH_BYTES,
				  SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			o = sqlite_shape_from_row(st, hex, now);
		e = rc == SQLITE_ROW ? (o ? ERR_OK : ERR_NOMEM) :
			rc == SQLITE_DONE ? ERR_NOTFOUND :
			db_fail(db, rc, "session stored");
		sqlite3_reset(st);
		if (e)
			return e;
		other = redis_shape_from_sqlite(o, hex);
	}
	if (!other || json_object_set_new(o, "other", other)) {
		json_decref(o);
		return ERR_NOMEM;
	}
	*out = o;
	return ERR_OK;
}
