/*
 * session.c - server-side sessions in SQLite. See session.h.
 */
#include "session.h"

#include <sodium.h>
#include <string.h>

#include "config.h"
#include "log.h"

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

/* BLAKE2b-256 of the ID string: what the table stores. */
static void hash_id(const char *id, unsigned char out[SESSION_HASH_BYTES])
{
	crypto_generichash(out, SESSION_HASH_BYTES, (const unsigned char *)id,
			   strlen(id), NULL, 0);
}

/* A fresh 256-bit ID, base64url, and its hash. */
static void new_id(struct session *s)
{
	unsigned char raw[SESSION_ID_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(s->id, sizeof(s->id), raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	hash_id(s->id, s->id_hash);
}

static int id_well_formed(const char *id)
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

/* Serialise data compactly; ERR_TOOBIG past SESSION_DATA_MAX. */
static enum err dump_data(const json_t *data, char **out)
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
	json_error_t jerr;

	s->user_id = sqlite3_column_int64(st, 0);
	s->created = sqlite3_column_int64(st, 1);
	s->last_seen = sqlite3_column_int64(st, 2);
	s->idle_ttl = sqlite3_column_int64(st, 3);
	s->idle_expires = sqlite3_column_int64(st, 4);
	s->absolute_expires = sqlite3_column_int64(st, 5);
	s->persistent = sqlite3_column_int(st, 6);
	text = (const char *)sqlite3_column_text(st, 7);
	json_decref(s->data);
	s->data = json_loads(text ? text : "{}", 0, &jerr);
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

	session_cleanup(s);
	if (!(s->data = json_object()))
		return ERR_NOMEM;
	new_id(s);
	s->created = s->last_seen = now;
	s->idle_ttl = cfg->idle_ttl;
	s->idle_expires = now + cfg->idle_ttl;
	s->absolute_expires = now + cfg->absolute_ttl;
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
	if (sqlite3_step(st) != SQLITE_DONE) {
		log_msg("error", "session insert: %s", sqlite3_errmsg(db->h));
		sqlite3_reset(st);
		goto fail;
	}
	sqlite3_reset(st);
	return ERR_OK;
fail:
	session_cleanup(s);
	return ERR_DB;
}

/* Delete the row with this hash. */
static enum err delete_row(struct db *db, const unsigned char *id_hash)
{
	return db_exec(db, "DELETE FROM sessions WHERE id_hash = ?", "b",
		       id_hash, SESSION_HASH_BYTES);
}

/* Select the row for s->id_hash into s; ERR_NOTFOUND when absent. */
static enum err select_row(struct db *db, struct session *s)
{
	static const char sql[] =
		"SELECT " SQL_COLUMNS " FROM sessions WHERE id_hash = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	enum err e;
	int rc;

	if (!st)
		return ERR_DB;
	sqlite3_bind_blob(st, 1, s->id_hash, SESSION_HASH_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = read_row(st, s);
	else if (rc == SQLITE_DONE)
		e = ERR_NOTFOUND;
	else {
		log_msg("error", "session select: %s", sqlite3_errmsg(db->h));
		e = ERR_DB;
	}
	sqlite3_reset(st);
	return e;
}

enum err session_load(struct db *db, const char *id, long long now,
		      struct session *s, enum session_miss *miss)
{
	enum err e;

	session_cleanup(s);
	*miss = SESSION_MISS_NONE;
	if (!id_well_formed(id)) {
		*miss = SESSION_MISS_MALFORMED;
		return ERR_NOTFOUND;
	}
	hash_id(id, s->id_hash);
	if ((e = select_row(db, s))) {
		if (e == ERR_NOTFOUND)
			*miss = SESSION_MISS_UNKNOWN;
		goto fail;
	}
	if (now >= s->absolute_expires || now >= s->idle_expires) {
		*miss = now >= s->absolute_expires ? SESSION_MISS_ABSOLUTE :
			SESSION_MISS_IDLE;
		delete_row(db, s->id_hash);
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
	new_id(s);
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
	if ((e = dump_data(s->data, &data)))
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

	if ((e = db_begin(db)))
		return e;
	if ((e = select_row(db, s)) || (e = fn(s->data, arg)) ||
	    (e = dump_data(s->data, &data)))
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
	enum err e = delete_row(db, s->id_hash);

	session_cleanup(s);
	return e;
}

enum err session_purge(struct db *db, long long now, int *n)
{
	enum err e = db_exec(db, "DELETE FROM sessions WHERE idle_expires <= ?"
			     " OR absolute_expires <= ?", "ii", now, now);

	if (n)
		*n = e ? 0 : db_changes(db);
	return e;
}
