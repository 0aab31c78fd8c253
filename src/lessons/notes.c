/*
 * notes.c - the resource the API protects. See notes.h.
 */
#include "lessons/notes.h"

#include <string.h>

#include "base/utf8.h"

/* One note as {id, text, created}. */
static json_t *note_json(sqlite3_stmt *st)
{
	return json_pack("{s:I, s:s, s:I}",
			 "id", (json_int_t)sqlite3_column_int64(st, 0),
			 "text", (const char *)sqlite3_column_text(st, 1),
			 "created", (json_int_t)sqlite3_column_int64(st, 2));
}

enum err notes_list(struct db *db, long long user_id, json_t **out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, body, created FROM notes "
				   "WHERE user_id = ? ORDER BY id DESC");

	*out = NULL;
	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, user_id);
	return db_json_rows(st, note_json, out);
}

static int text_ok(const char *t, size_t n)
{
	size_t i;

	if (n == 0 || n > NOTES_BODY_MAX || !utf8_valid(t, n))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)t[i];

		if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f)
			return 0;
	}
	return 1;
}

enum err notes_add(struct db *db, long long user_id, const char *text,
		   long long now, long long *id)
{
	sqlite3_stmt *st;
	long long n = 0;
	int rc;
	enum err e;

	*id = 0;
	if (!text || !text_ok(text, strnlen(text, NOTES_BODY_MAX + 1)))
		return ERR_INVAL;
	if ((e = db_begin(db)))
		return e;
	st = db_stmt(db, "SELECT (SELECT count(*) FROM notes WHERE "
		     "user_id = ?1), (SELECT count(*) FROM users WHERE id = ?1)");
	if (!st) {
		e = ERR_DB;
		goto rollback;
	}
	sqlite3_bind_int64(st, 1, user_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 0);
		e = sqlite3_column_int64(st, 1) ? ERR_OK : ERR_NOTFOUND;
	} else {
		e = db_fail(db, rc, "note count");
	}
	sqlite3_reset(st);
	if (e)
		goto rollback;
	if (n >= NOTES_PER_USER) {
		e = ERR_TOOBIG;
		goto rollback;
	}
	if ((e = db_exec(db, "INSERT INTO notes (user_id, body, created) "
			 "VALUES (?, ?, ?)", "iti", user_id, text, now)))
		goto rollback;
	*id = sqlite3_last_insert_rowid(db->h);
	return db_commit(db);
rollback:
	db_rollback(db);
	return e;
}
