/*
 * refresh.c - refresh-token families, blacklist, events in SQLite, and
 * the helpers both back ends share. See refresh.h; with db->kv set each
 * public function hands over to refresh_redis.c.
 */
#include "state/refresh.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/config.h"
#include "base/log.h"
#include "base/utf8.h"
#include "state/refresh_redis.h"

static const char *const outcome_text[] = {
	[REFRESH_OK]            = "ok",
	[REFRESH_UNKNOWN]       = "unknown",
	[REFRESH_EXPIRED]       = "expired",
	[REFRESH_REVOKED]       = "revoked",
	[REFRESH_REUSED]        = "reused",
	[REFRESH_PAIR_MISMATCH] = "pair mismatch",
};

const char *refresh_outcome_text(enum refresh_outcome o)
{
	if ((size_t)o >= sizeof(outcome_text) / sizeof(outcome_text[0]))
		return "unknown";
	return outcome_text[o];
}

long long refresh_ttl(void)
{
	long long def = config_long("CLASSROOM", 0, 0, 1) ?
		REFRESH_CLASSROOM_TTL : REFRESH_TTL;

	return config_long("REFRESH_TOKEN_SECONDS", def, 1, 31536000);
}

int refresh_token_shape_ok(const char *s)
{
	size_t i;

	if (!s)
		return 0;
	for (i = 0; i < REFRESH_TOKEN_LEN; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '_'))
			return 0;
	return s[i] == '\0';
}

void refresh_token_hash(const char *s, unsigned char h[REFRESH_HASH_BYTES])
{
	crypto_generichash(h, REFRESH_HASH_BYTES, (const unsigned char *)s,
			   strlen(s), NULL, 0);
}

void refresh_new_token(char out[REFRESH_TOKEN_LEN + 1],
		       unsigned char h[REFRESH_HASH_BYTES])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, REFRESH_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	refresh_token_hash(out, h);
}

size_t refresh_ua_len(const char *user_agent)
{
	return utf8_cut(user_agent, REFRESH_UA_MAX);
}

static enum err event(struct db *db, long long family_id, long long user_id,
		      long long now, const char *kind, const char *detail)
{
	return db_exec(db, "INSERT INTO token_events (family_id, user_id, at, "
		       "kind, detail) VALUES (?, ?, ?, ?, ?)", "iiitt",
		       family_id, user_id, now, kind, detail);
}

enum err refresh_login(struct db *db, long long user_id, enum token_alg alg,
		       int bound, const char *access_jti,
		       long long access_exp, const char *user_agent,
		       const char *client_addr, long long now, long long ttl,
		       char out[REFRESH_TOKEN_LEN + 1], long long *family_id)
{
	char ua[REFRESH_UA_MAX + 1];
	unsigned char h[REFRESH_HASH_BYTES];
	size_t n;
	enum err e;

	out[0] = '\0';
	*family_id = 0;
	if (db->kv)
		return refr_login(db, user_id, alg, bound, access_jti,
				  access_exp, user_agent, client_addr, now,
				  ttl, out, family_id);
	n = refresh_ua_len(user_agent);
	memcpy(ua, user_agent, n);
	ua[n] = '\0';
	refresh_new_token(out, h);
	if ((e = db_begin(db)))
		goto fail;
	if ((e = db_exec(db, "INSERT INTO refresh_families (user_id, alg, "
			 "bound, access_jti, access_exp, created, last_used, "
			 "user_agent, client_addr) "
			 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "ititiiitt",
			 user_id, token_alg_name(alg), (long long)!!bound,
			 access_jti, access_exp, now, now, ua, client_addr)))
		goto rollback;
	*family_id = sqlite3_last_insert_rowid(db->h);
	if ((e = db_exec(db, "INSERT INTO refresh_tokens (hash, family_id, "
			 "created, expires) VALUES (?, ?, ?, ?)", "biii",
			 h, REFRESH_HASH_BYTES, *family_id, now, now + ttl)) ||
	    (e = event(db, *family_id, user_id, now, "login",
		       bound ? "pair binding on" : "")) ||
	    (e = db_commit(db)))
		goto rollback;
	return ERR_OK;
rollback:
	db_rollback(db);
fail:
	out[0] = '\0';
	*family_id = 0;
	return e;
}

/* Fill fam from the columns of the lookup below, starting at column i. */
static void read_family(sqlite3_stmt *st, int i, struct refresh_family *fam)
{
	const unsigned char *jti;

	fam->id = sqlite3_column_int64(st, i);
	fam->user_id = sqlite3_column_int64(st, i + 1);
	fam->alg = token_alg_parse((const char *)sqlite3_column_text(
					   st, i + 2)) == TOKEN_RS256 ?
		TOKEN_RS256 : TOKEN_HS256;
	fam->bound = sqlite3_column_int(st, i + 3);
	jti = sqlite3_column_text(st, i + 4);
	snprintf(fam->access_jti, sizeof(fam->access_jti), "%s",
		 jti ? (const char *)jti : "");
	fam->access_exp = sqlite3_column_int64(st, i + 5);
	fam->created = sqlite3_column_int64(st, i + 6);
	fam->last_used = sqlite3_column_int64(st, i + 7);
	fam->revoked_at = sqlite3_column_int64(st, i + 8);
}

#define FAMILY_COLS "f.id, f.user_id, f.alg, f.bound, f.access_jti, " \
	"f.access_exp, f.created, f.last_used, coalesce(f.revoked_at, 0)"

/* The token row and its family. ERR_NOTFOUND when absent. */
static enum err lookup(struct db *db, const unsigned char h[REFRESH_HASH_BYTES],
		       long long *expires, long long *used_at,
		       struct refresh_family *fam)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT t.expires, "
				   "coalesce(t.used_at, 0), " FAMILY_COLS
				   " FROM refresh_tokens t JOIN "
				   "refresh_families f ON f.id = t.family_id "
				   "WHERE t.hash = ?");
	int rc;

	memset(fam, 0, sizeof(*fam));
	if (!st)
		return ERR_DB;
	sqlite3_bind_blob(st, 1, h, REFRESH_HASH_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*expires = sqlite3_column_int64(st, 0);
		*used_at = sqlite3_column_int64(st, 1);
		read_family(st, 2, fam);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return ERR_OK;
	return rc == SQLITE_DONE ? ERR_NOTFOUND : ERR_DB;
}

/* Revoke a live family inside the caller's transaction: mark it, blacklist
 * its last access token, record why. *changed as refresh_revoke. */
static enum err revoke_locked(struct db *db, const struct refresh_family *f,
			      const char *kind, const char *detail,
			      long long now, int *changed)
{
	enum err e;

	*changed = 0;
	if ((e = db_exec(db, "UPDATE refresh_families SET revoked_at = ?, "
			 "revoked_reason = ? WHERE id = ? AND revoked_at IS "
			 "NULL", "iti", now, kind, f->id)))
		return e;
	if (db_changes(db) != 1)
		return ERR_OK;
	*changed = 1;
	/* refresh_blacklist_add skips a token past exp + TOKEN_LEEWAY; one
	 * just past exp still verifies, so it is listed too. */
	if (f->access_jti[0] &&
	    (e = refresh_blacklist_add(db, f->access_jti, f->access_exp,
				       now)))
		return e;
	return event(db, f->id, f->user_id, now, kind, detail);
}

enum err refresh_rotate(struct db *db, const char *presented,
			const struct refresh_pair *pair, const char *new_jti,
			long long new_exp, long long now, long long ttl,
			char out[REFRESH_TOKEN_LEN + 1],
			struct refresh_family *fam,
			enum refresh_outcome *outcome)
{
	unsigned char h[REFRESH_HASH_BYTES], nh[REFRESH_HASH_BYTES];
	long long expires = 0, used_at = 0;
	int changed;
	enum err e;

	if (db->kv)
		return refr_rotate(db, presented, pair, new_jti, new_exp, now,
				   ttl, out, fam, outcome);
	out[0] = '\0';
	memset(fam, 0, sizeof(*fam));
	*outcome = REFRESH_UNKNOWN;
	if (!refresh_token_shape_ok(presented))
		return ERR_OK;
	refresh_token_hash(presented, h);
	/* The write lock first: nobody else can spend this token between
	 * our read and our UPDATE. */
	if ((e = db_begin(db)))
		return e;
	e = lookup(db, h, &expires, &used_at, fam);
	if (e == ERR_NOTFOUND) {
		db_rollback(db);
		return ERR_OK;
	}
	if (e)
		goto rollback;
	if (fam->revoked_at) {
		*outcome = REFRESH_REVOKED;
		db_rollback(db);
		return ERR_OK;
	}
	if (used_at) {
		*outcome = REFRESH_REUSED;
		if ((e = revoke_locked(db, fam, "reuse", "a spent refresh "
				       "token was presented again", now,
				       &changed)))
			goto rollback;
		goto commit;
	}
	if (now >= expires) {
		*outcome = REFRESH_EXPIRED;
		db_rollback(db);
		return ERR_OK;
	}
	if (fam->bound && (!pair || !pair->present || !pair->jti ||
			   pair->user_id != fam->user_id ||
			   strcmp(pair->jti, fam->access_jti))) {
		*outcome = REFRESH_PAIR_MISMATCH;
		if ((e = revoke_locked(db, fam, "pair_mismatch",
				       pair && pair->present ?
				       "another access token came with it" :
				       "no access token came with it", now,
				       &changed)))
			goto rollback;
		goto commit;
	}
	if ((e = db_exec(db, "UPDATE refresh_tokens SET used_at = ? "
			 "WHERE hash = ? AND used_at IS NULL", "ib",
			 now, h, REFRESH_HASH_BYTES)))
		goto rollback;
	if (db_changes(db) != 1) {
		/* Cannot happen under the lock; refuse rather than fork. */
		*outcome = REFRESH_REUSED;
		db_rollback(db);
		return ERR_OK;
	}
	refresh_new_token(out, nh);
	if ((e = db_exec(db, "INSERT INTO refresh_tokens (hash, family_id, "
			 "created, expires) VALUES (?, ?, ?, ?)", "biii",
			 nh, REFRESH_HASH_BYTES, fam->id, now, now + ttl)) ||
	    (e = db_exec(db, "UPDATE refresh_families SET last_used = ?, "
			 "access_jti = ?, access_exp = ? WHERE id = ?", "itii",
			 now, new_jti, new_exp, fam->id)) ||
	    (e = event(db, fam->id, fam->user_id, now, "refresh", "")))
		goto rollback;
	*outcome = REFRESH_OK;
	fam->last_used = now;
	snprintf(fam->access_jti, sizeof(fam->access_jti), "%s", new_jti);
	fam->access_exp = new_exp;
commit:
	if ((e = db_commit(db)))
		goto fail;
	if (*outcome != REFRESH_OK)
		fam->revoked_at = now;
	return ERR_OK;
rollback:
	db_rollback(db);
fail:
	out[0] = '\0';
	*outcome = REFRESH_UNKNOWN;
	return e;
}

enum err refresh_find(struct db *db, const char *presented,
		      struct refresh_family *fam)
{
	unsigned char h[REFRESH_HASH_BYTES];
	long long expires, used_at;

	if (db->kv)
		return refr_find(db, presented, fam);
	memset(fam, 0, sizeof(*fam));
	if (!refresh_token_shape_ok(presented))
		return ERR_NOTFOUND;
	refresh_token_hash(presented, h);
	return lookup(db, h, &expires, &used_at, fam);
}

/* The family id, if it belongs to user_id. ERR_NOTFOUND. */
static enum err family_by_id(struct db *db, long long id, long long user_id,
			     struct refresh_family *fam)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " FAMILY_COLS
				   " FROM refresh_families f "
				   "WHERE f.id = ? AND f.user_id = ?");
	int rc;

	memset(fam, 0, sizeof(*fam));
	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_family(st, 0, fam);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return ERR_OK;
	return rc == SQLITE_DONE ? ERR_NOTFOUND : ERR_DB;
}

enum err refresh_revoke(struct db *db, long long family_id,
			long long user_id, const char *kind, long long now,
			int *changed)
{
	struct refresh_family fam;
	int ch = 0;
	enum err e;

	if (db->kv)
		return refr_revoke(db, family_id, user_id, kind, now, changed);
	if (changed)
		*changed = 0;
	if ((e = db_begin(db)))
		return e;
	if ((e = family_by_id(db, family_id, user_id, &fam)) ||
	    (e = revoke_locked(db, &fam, kind, "", now, &ch)) ||
	    (e = db_commit(db))) {
		db_rollback(db);
		return e;
	}
	if (changed)
		*changed = ch;
	return ERR_OK;
}

enum err refresh_revoke_all_locked(struct db *db, long long user_id,
				   const char *kind, long long now,
				   int *count)
{
	sqlite3_stmt *st;
	struct refresh_family fams[64];
	int n = 0, i, ch, total = 0, rc;
	enum err e;

	/* With Redis the caller's transaction still covers the token
	 * version in SQLite; the families are revoked in Redis, each in
	 * one script. */
	if (db->kv)
		return refr_revoke_all(db, user_id, kind, now, count);
	if (count)
		*count = 0;
	/* In rounds of 64, so a user with many families is still fully
	 * revoked, and no statement is stepped while others write. */
	do {
		if (!(st = db_stmt(db, "SELECT " FAMILY_COLS " FROM "
				   "refresh_families f WHERE (?1 = 0 OR "
				   "f.user_id = ?1) AND f.revoked_at IS NULL "
				   "LIMIT 64")))
			return ERR_DB;
		sqlite3_bind_int64(st, 1, user_id);
		n = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 64)
			read_family(st, 0, &fams[n++]);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			return db_fail(db, rc, "family list");
		for (i = 0; i < n; i++) {
			if ((e = revoke_locked(db, &fams[i], kind, "", now,
					       &ch)))
				return e;
			total += ch;
		}
	} while (n == 64);
	if (count)
		*count = total;
	return ERR_OK;
}

/* One refresh family as the devices list shows it. */
static json_t *family_json(sqlite3_stmt *st)
{
	long long revoked = sqlite3_column_int64(st, 5);

	return json_pack("{s:I, s:s, s:b, s:I, s:I, s:o, s:s, s:s, s:s}",
			 "id", (json_int_t)sqlite3_column_int64(st, 0),
			 "alg", (const char *)sqlite3_column_text(st, 1),
			 "bound", sqlite3_column_int(st, 2),
			 "created",
			 (json_int_t)sqlite3_column_int64(st, 3),
			 "last_used",
			 (json_int_t)sqlite3_column_int64(st, 4),
			 "revoked_at", revoked ?
			 json_integer(revoked) : json_null(),
			 "revoked_reason",
			 (const char *)sqlite3_column_text(st, 6),
			 "user_agent",
			 (const char *)sqlite3_column_text(st, 7),
			 "client_addr",
			 (const char *)sqlite3_column_text(st, 8));
}

enum err refresh_live_count(struct db *db, long long user_id, long long *n)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if (db->kv)
		return refr_live_count(db, user_id, n);
	if (!(st = db_stmt(db, "SELECT count(*) FROM refresh_families "
			   "WHERE user_id = ? AND revoked_at IS NULL")))
		return ERR_DB;
	sqlite3_bind_int64(st, 1, user_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? ERR_OK : db_fail(db, rc, "family count");
}

/* rows_json: the rows of sql (bound to id, then limit) as a JSON array
 * of row's objects (db_json_rows). */
static enum err rows_json(struct db *db, const char *sql, long long id,
			  int limit, json_t *(*row)(sqlite3_stmt *st),
			  json_t **out)
{
	sqlite3_stmt *st = db_stmt(db, sql);

	*out = NULL;
	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, limit);
	return db_json_rows(st, row, out);
}

enum err refresh_families_json(struct db *db, long long user_id,
			       json_t **out)
{
	if (db->kv)
		return refr_families_json(db, user_id, out);
	return rows_json(db, "SELECT id, alg, bound, created, last_used, "
			 "coalesce(revoked_at, 0), revoked_reason, "
			 "user_agent, client_addr FROM refresh_families "
			 "WHERE user_id = ? ORDER BY id DESC LIMIT ?",
			 user_id, REFRESH_LIST_MAX, family_json, out);
}

/* One family event: {at, kind, detail}. */
static json_t *event_json(sqlite3_stmt *st)
{
	return json_pack("{s:I, s:s, s:s}", "at",
			 (json_int_t)sqlite3_column_int64(st, 0), "kind",
			 (const char *)sqlite3_column_text(st, 1),
			 "detail",
			 (const char *)sqlite3_column_text(st, 2));
}

enum err refresh_events_json(struct db *db, long long family_id,
			     json_t **out)
{
	if (db->kv)
		return refr_events_json(db, family_id, out);
	return rows_json(db, "SELECT at, kind, detail FROM token_events "
			 "WHERE family_id = ? ORDER BY id DESC LIMIT ?",
			 family_id, REFRESH_EVENTS_MAX, event_json, out);
}

enum err refresh_blacklist_add(struct db *db, const char *jti,
			       long long exp, long long now)
{
	if (db->kv)
		return refr_blacklist_add(db, jti, exp, now);
	/* As in Redis: a token token_verify refuses anyway needs no row
	 * (refresh_purge would drop it). */
	if (exp + TOKEN_LEEWAY <= now)
		return ERR_OK;
	return db_exec(db, "INSERT INTO token_blacklist (jti, expires) "
		       "VALUES (?, ?) ON CONFLICT (jti) DO UPDATE SET "
		       "expires = max(expires, excluded.expires)", "ti",
		       jti, exp);
}

enum err refresh_blacklisted(struct db *db, const char *jti, int *yes)
{
	long long one;
	enum err e;

	if (db->kv)
		return refr_blacklisted(db, jti, yes);
	e = db_int(db, "SELECT 1 FROM token_blacklist WHERE jti = ?", &one,
		   "t", jti);
	*yes = one != 0;
	return e;
}

enum err refresh_purge(struct db *db, long long now)
{
	enum err e;

	if (db->kv)             /* Redis expires them by their TTL */
		return ERR_OK;
	/* A blacklisted token past its exp fails the exp check anyway. */
	if ((e = db_exec(db, "DELETE FROM token_blacklist WHERE expires < ?",
			 "i", now - TOKEN_LEEWAY)))
		return e;
	return db_exec(db, "DELETE FROM refresh_tokens WHERE expires < ?",
		       "i", now);
}

/* ---- what the store holds (S-J10) --------------------------------------- */

/*
 * Append the SQLite record of role for st (prepared, bound): its first
 * row (type "row") when one is set, else all its rows ("rows"). ttl is
 * the value of column ttl_col plus extra minus now (null without
 * ttl_col). Nothing is added for no row; *row (may be NULL) is the row
 * added (borrowed from records), NULL then.
 */
static enum err sqlite_record(json_t *records, const char *role,
			      const char *key, sqlite3_stmt *st, int one,
			      const char *ttl_col, long long extra,
			      long long now, json_t **row)
{
	json_t *v = NULL, *rec, *at;
	enum err e = ERR_OK;
	int rc;

	if (row)
		*row = NULL;
	if (one) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && !(v = db_row_json(st)))
			e = ERR_NOMEM;
		else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			e = ERR_DB;
		sqlite3_reset(st);
	} else if (!(e = db_json_rows(st, db_row_json, &v)) &&
		   !json_array_size(v)) {
		json_decref(v);
		v = NULL;
	}
	if (e || !v)
		return e;
	at = ttl_col ? json_object_get(v, ttl_col) : NULL;
	rec = json_pack("{s:s, s:s, s:s, s:o, s:I, s:o}", "role", role,
			"key", key, "type", one ? "row" : "rows",
			"ttl", json_is_integer(at) ?
			json_integer(json_integer_value(at) + extra - now) :
			json_null(),
			"size", (json_int_t)(one ? 0 : json_array_size(v)),
			"value", v);
	if (!rec || json_array_append_new(records, rec))
		return ERR_NOMEM;
	if (row)
		*row = v;
	return ERR_OK;
}

/* The SQLite records of refresh_stored_json. */
static enum err sqlite_stored(struct db *db, const unsigned char *h,
			      const char *jti, long long now,
			      json_t *records)
{
	char key[160], hex[2 * REFRESH_HASH_BYTES + 1];
	json_t *tok = NULL, *fam = NULL;
	long long fid = 0, uid;
	sqlite3_stmt *st;
	enum err e;

	if (h) {
		if (!(st = db_stmt(db, "SELECT lower(hex(hash)) AS hash, family_id, "
				   "created, expires, used_at FROM "
				   "refresh_tokens WHERE hash = ?")))
			return ERR_DB;
		sqlite3_bind_blob(st, 1, h, REFRESH_HASH_BYTES,
				  SQLITE_STATIC);
		sodium_bin2hex(hex, sizeof(hex), h, REFRESH_HASH_BYTES);
		snprintf(key, sizeof(key), "refresh_tokens WHERE hash = X'%s'",
			 hex);
		if ((e = sqlite_record(records, "token", key, st, 1,
				       "expires", 0, now, &tok)))
			return e;
	}
	if (tok) {
		fid = json_integer_value(json_object_get(tok, "family_id"));
		if (!(st = db_stmt(db, "SELECT * FROM refresh_families "
				   "WHERE id = ?")))
			return ERR_DB;
		sqlite3_bind_int64(st, 1, fid);
		snprintf(key, sizeof(key), "refresh_families WHERE id = %lld",
			 fid);
		if ((e = sqlite_record(records, "family", key, st, 1, NULL, 0,
				       now, &fam)))
			return e;
	}
	if (fam) {
		if (!(st = db_stmt(db, "SELECT at, kind, detail FROM "
				   "token_events WHERE family_id = ? "
				   "ORDER BY id DESC LIMIT ?")))
			return ERR_DB;
		sqlite3_bind_int64(st, 1, fid);
		sqlite3_bind_int(st, 2, REFRESH_EVENTS_MAX);
		snprintf(key, sizeof(key), "token_events WHERE family_id = "
			 "%lld", fid);
		if ((e = sqlite_record(records, "events", key, st, 0, NULL, 0,
				       now, NULL)))
			return e;
		uid = json_integer_value(json_object_get(fam, "user_id"));
		if (!(st = db_stmt(db, "SELECT id, created FROM "
				   "refresh_families WHERE user_id = ? "
				   "ORDER BY id DESC LIMIT ?")))
			return ERR_DB;
		sqlite3_bind_int64(st, 1, uid);
		sqlite3_bind_int(st, 2, REFRESH_LIST_MAX);
		snprintf(key, sizeof(key), "refresh_families WHERE user_id = "
			 "%lld", uid);
		if ((e = sqlite_record(records, "index", key, st, 0, NULL, 0,
				       now, NULL)))
			return e;
	}
	if (jti) {
		if (!(st = db_stmt(db, "SELECT jti, expires FROM "
				   "token_blacklist WHERE jti = ?")))
			return ERR_DB;
		sqlite3_bind_text(st, 1, jti, -1, SQLITE_STATIC);
		snprintf(key, sizeof(key), "token_blacklist WHERE jti = '%s'",
			 jti);
		if ((e = sqlite_record(records, "blacklist", key, st, 1,
				       "expires", TOKEN_LEEWAY, now, NULL)))
			return e;
	}
	return ERR_OK;
}

enum err refresh_stored_json(struct db *db, const char *presented,
			     const char *jti, long long now, json_t **out)
{
	unsigned char h[REFRESH_HASH_BYTES];
	int has = refresh_token_shape_ok(presented);
	json_t *o = json_object(), *records = json_array();
	enum err e = ERR_NOMEM;

	*out = NULL;
	if (has)
		refresh_token_hash(presented, h);
	/* A jti is the issuer's: base64url, shorter than TOKEN_JTI_MAX. */
	if (jti && (!*jti || strlen(jti) >= TOKEN_JTI_MAX ||
		    strspn(jti, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
			   "qrstuvwxyz0123456789-_") != strlen(jti)))
		jti = NULL;
	if (o && records &&
	    !json_object_set_new(o, "store", json_string(db->kv ? "redis" :
							  "sqlite")) &&
	    !(e = db->kv ? refr_stored_json(db, has ? h : NULL, jti,
					    records) :
	      sqlite_stored(db, has ? h : NULL, jti, now, records))) {
		e = json_object_set(o, "records", records) ? ERR_NOMEM :
			ERR_OK;
	}
	json_decref(records);
	if (e) {
		json_decref(o);
		return e;
	}
	*out = o;
	return ERR_OK;
}
