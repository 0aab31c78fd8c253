/*
 * account.c - account creation and password changes. See account.h.
 */
#include "state/account.h"

#include <string.h>

#include "state/auth.h"
#include "base/log.h"

/* Argon2id limits: those of auth.c, so every hash costs the same. */

int account_password_valid(const char *pw)
{
	size_t chars = 0, i;

	if (!pw)
		return 0;
	for (i = 0; pw[i]; i++) {
		unsigned char c = (unsigned char)pw[i];

		if (c < 0x20 || c == 0x7f)
			return 0;
		if ((c & 0xc0) != 0x80)     /* not a continuation byte */
			chars++;
		if (chars > ACCOUNT_PASSWORD_MAX)
			return 0;
	}
	return chars >= ACCOUNT_PASSWORD_MIN;
}

static int label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '-';
}

int account_email_valid(const char *email)
{
	const char *at, *p;
	size_t len, label = 0;
	int dots = 0;

	if (!email || (len = strlen(email)) > ACCOUNT_EMAIL_MAX ||
	    !(at = strchr(email, '@')) || strchr(at + 1, '@') ||
	    at == email || (size_t)(at - email) > ACCOUNT_EMAIL_LOCAL_MAX)
		return 0;
	for (p = email; p < at; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("\"<>()[]\\,;:", *p))
			return 0;
	for (p = at + 1; *p; p++) {
		if (*p == '.') {
			if (!label)
				return 0;
			dots++;
			label = 0;
		} else if (label_char(*p)) {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return dots > 0 && label > 0;
}

enum err account_username_taken(struct db *db, const char *username,
				int *taken)
{
	static const char sql[] = "SELECT 1 FROM users WHERE username = ?";
	long long one;
	enum err e = db_int(db, sql, &one, "t", username);

	*taken = one != 0;
	return e;
}

enum err account_create(struct db *db, const struct account_new *a,
			long long now, long long *user_id)
{
	static const char sql[] = "INSERT INTO users (username, display_name,"
		" role, password_hash, created) VALUES (?, ?, 'user', ?, ?)";
	sqlite3_stmt *st;
	enum err e;
	int rc;

	*user_id = 0;
	if (!a->username || !auth_username_valid(a->username) ||
	    !account_email_valid(a->email) || !a->password_hash ||
	    strncmp(a->password_hash, "$argon2id$", 10) ||
	    (a->marketing != 0 && a->marketing != 1))
		return ERR_INVAL;
	if ((e = db_begin(db)))
		return e;
	if (!(st = db_stmt(db, sql))) {
		e = ERR_DB;
		goto fail;
	}
	sqlite3_bind_text(st, 1, a->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT) {
		e = ERR_FORBIDDEN;
		goto fail;
	}
	if (rc != SQLITE_DONE) {
		e = db_fail(db, rc, "user insert");
		goto fail;
	}
	*user_id = sqlite3_last_insert_rowid(db->h);
	if ((e = db_exec(db, "INSERT INTO user_profiles (user_id, email, "
			 "terms_at, privacy_at, marketing, verified) "
			 "VALUES (?, ?, ?, ?, ?, ?)", "itiiii", *user_id,
			 a->email, a->agreed_at, a->agreed_at,
			 (long long)a->marketing, a->verified_at)))
		goto fail;
	if ((e = db_commit(db)))
		goto fail;
	return ERR_OK;
fail:
	db_rollback(db);
	*user_id = 0;
	return e;
}

enum err account_set_password(struct db *db, long long user_id,
			      const char *password_hash)
{
	enum err e;

	if (!password_hash || strncmp(password_hash, "$argon2id$", 10))
		return ERR_INVAL;
	if ((e = db_exec(db, "UPDATE users SET password_hash = ? WHERE id = ?",
			 "ti", password_hash, user_id)))
		return e;
	return db_changes(db) == 1 ? ERR_OK : ERR_NOTFOUND;
}
