/*
 * visits.c - the visit counter. See visits.h.
 */
#include "lessons/visits.h"

#include <sodium.h>
#include <string.h>

#define HASH_BYTES 32

static void id_hash(const char *id, unsigned char out[HASH_BYTES])
{
	crypto_generichash(out, HASH_BYTES, (const unsigned char *)id,
			   strlen(id), NULL, 0);
}

int visits_id_valid(const char *id)
{
	size_t i;

	if (!id)
		return 0;
	for (i = 0; id[i]; i++) {
		char c = id[i];

		if (i == VISITS_ID_LEN)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return i == VISITS_ID_LEN;
}

/* Read the row of hash into v (count, first_seen, last_seen). */
static enum err load_row(struct db *db, const unsigned char h[HASH_BYTES],
			 struct visit *v)
{
	sqlite3_stmt *st = db_stmt(db,
		"SELECT count, first_seen, last_seen FROM visits "
		"WHERE id_hash = ?");
	int rc;

	if (!st)
		return ERR_DB;
	sqlite3_bind_blob(st, 1, h, HASH_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v->count = sqlite3_column_int64(st, 0);
		v->first_seen = sqlite3_column_int64(st, 1);
		v->last_seen = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return ERR_OK;
	return rc == SQLITE_DONE ? ERR_NOTFOUND : db_fail(db, rc, "visit");
}

enum err visits_record(struct db *db, const char *id, long long now,
		       struct visit *v)
{
	unsigned char h[HASH_BYTES], raw[VISITS_ID_BYTES];
	enum err e;

	memset(v, 0, sizeof(*v));
	if ((e = db_begin(db)))
		return e;
	if (visits_id_valid(id)) {
		id_hash(id, h);
		e = load_row(db, h, v);
		if (e == ERR_OK && v->last_seen + VISITS_MAX_AGE >= now) {
			v->previous = v->last_seen;
			if ((e = db_exec(db, "UPDATE visits SET count = count "
					 "+ 1, last_seen = ? WHERE id_hash = ?",
					 "ib", now, h, HASH_BYTES)))
				goto fail;
			memcpy(v->id, id, VISITS_ID_LEN + 1);
			goto reload;
		}
		if (e != ERR_OK && e != ERR_NOTFOUND)
			goto fail;
		memset(v, 0, sizeof(*v));
	}
	/* A new visitor: never adopt an ID the browser made up. */
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(v->id, sizeof(v->id), raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	v->is_new = 1;
	id_hash(v->id, h);
	if ((e = db_exec(db, "DELETE FROM visits WHERE last_seen < ?", "i",
			 now - VISITS_MAX_AGE)) ||
	    (e = db_exec(db, "INSERT INTO visits (id_hash, count, first_seen, "
			 "last_seen) VALUES (?, 1, ?, ?)", "bii", h,
			 HASH_BYTES, now, now)))
		goto fail;
reload:
	if ((e = load_row(db, h, v)) || (e = db_commit(db)))
		goto fail;
	return ERR_OK;
fail:
	db_rollback(db);
	memset(v, 0, sizeof(*v));
	return e == ERR_NOTFOUND ? ERR_DB : e;
}

enum err visits_peek(struct db *db, const char *id, struct visit *v)
{
	unsigned char h[HASH_BYTES];
	enum err e;

	memset(v, 0, sizeof(*v));
	if (!visits_id_valid(id))
		return ERR_OK;
	memcpy(v->id, id, VISITS_ID_LEN + 1);
	id_hash(id, h);
	e = load_row(db, h, v);
	return e == ERR_NOTFOUND ? ERR_OK : e;
}

enum err visits_forget(struct db *db, const char *id)
{
	unsigned char h[HASH_BYTES];
	enum err e;

	if (!visits_id_valid(id))
		return ERR_NOTFOUND;
	id_hash(id, h);
	if ((e = db_exec(db, "DELETE FROM visits WHERE id_hash = ?", "b", h,
			 HASH_BYTES)))
		return e;
	return db_changes(db) ? ERR_OK : ERR_NOTFOUND;
}
