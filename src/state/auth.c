/*
 * auth.c - users, Argon2id, login throttle. See auth.h.
 */
#include "state/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "state/auth_redis.h"

#define PWHASH_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PWHASH_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

/* A hash of a random password, made once per process, that unknown users
 * are checked against. */
static char dummy_hash[AUTH_HASH_MAX];

int auth_username_valid(const char *s)
{
	size_t n;

	for (n = 0; s[n]; n++) {
		char c = s[n];

		if (n == AUTH_USERNAME_MAX)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return 0;
	}
	return n >= AUTH_USERNAME_MIN;
}

enum err auth_hash_password(const char *pw, char out[AUTH_HASH_MAX])
{
	if (crypto_pwhash_str(out, pw, strlen(pw), PWHASH_OPS, PWHASH_MEM))
		return ERR_CRYPTO;
	return ERR_OK;
}

static enum err ensure_dummy_hash(void)
{
	char pw[33];
	unsigned char raw[16];

	if (dummy_hash[0])
		return ERR_OK;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
	if (auth_hash_password(pw, dummy_hash)) {
		dummy_hash[0] = '\0';
		return ERR_CRYPTO;
	}
	return ERR_OK;
}

/* Copy column i (text) into dst of cap bytes, truncating safely. */
static void copy_col(sqlite3_stmt *st, int i, char *dst, size_t cap)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	snprintf(dst, cap, "%s", s ? s : "");
}

static void read_user(sqlite3_stmt *st, struct user *u)
{
	u->id = sqlite3_column_int64(st, 0);
	copy_col(st, 1, u->username, sizeof(u->username));
	copy_col(st, 2, u->display_name, sizeof(u->display_name));
	copy_col(st, 3, u->role, sizeof(u->role));
	u->token_version = sqlite3_column_int64(st, 4);
}

enum err auth_verify(struct db *db, const char *username,
		     const char *password, struct user *u)
{
	static const char sql[] = "SELECT id, username, display_name, role, "
		"token_version, password_hash FROM users WHERE username = ?";
	char stored[crypto_pwhash_STRBYTES];
	sqlite3_stmt *st;
	int rc, found = 0;
	size_t pwlen = strlen(password);
	enum err e;

	memset(u, 0, sizeof(*u));
	if (!auth_username_valid(username) || pwlen > AUTH_PASSWORD_MAX)
		return ERR_INVAL;
	if ((e = ensure_dummy_hash()))
		return e;
	if (!(st = db_stmt(db, sql)))
		return ERR_DB;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_user(st, u);
		copy_col(st, 5, stored, sizeof(stored));
		found = 1;
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return ERR_DB;
	}
	sqlite3_reset(st);
	if (!found)
		memcpy(stored, dummy_hash, sizeof(stored));
	/* The same Argon2id work whether or not the user exists. */
	rc = crypto_pwhash_str_verify(stored, password, pwlen);
	sodium_memzero(stored, sizeof(stored));
	if (rc != 0 || !found) {
		memset(u, 0, sizeof(*u));
		return ERR_AUTH;
	}
	return ERR_OK;
}

/*
 * ERR_THROTTLED when username has AUTH_FAIL_MAX failures in the window
 * ending at now; *retry_after is then the seconds until an attempt is
 * allowed again (at least 1). ERR_OK otherwise. SQLite only.
 */
static enum err throttle_check(struct db *db, const char *username,
			       long long now, long long *retry_after)
{
	static const char sql[] = "SELECT count(*), min(at) FROM "
		"(SELECT at FROM login_failures WHERE username = ? AND at > ? "
		"ORDER BY at DESC LIMIT ?)";
	sqlite3_stmt *st = db_stmt(db, sql);
	long long count, oldest;

	*retry_after = 0;
	if (!st)
		return ERR_DB;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now - AUTH_FAIL_WINDOW);
	sqlite3_bind_int(st, 3, AUTH_FAIL_MAX);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return ERR_DB;
	}
	count = sqlite3_column_int64(st, 0);
	oldest = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	if (count < AUTH_FAIL_MAX)
		return ERR_OK;
	/* The oldest of the last AUTH_FAIL_MAX failures leaves the window at
	 * oldest + AUTH_FAIL_WINDOW; then one more attempt is allowed. */
	*retry_after = oldest + AUTH_FAIL_WINDOW - now;
	if (*retry_after < 1)
		*retry_after = 1;
	return ERR_THROTTLED;
}

enum err auth_throttle_claim(struct db *db, const char *username,
			     long long now, long long *retry_after,
			     long long *attempt)
{
	enum err e;

	*attempt = 0;
	if (db->kv)
		return authr_throttle_claim(db, username, now, retry_after,
					    attempt);
	if ((e = db_begin(db)))
		return e;
	if ((e = throttle_check(db, username, now, retry_after)) ||
	    (e = db_exec(db, "INSERT INTO login_failures (username, at) "
			 "VALUES (?, ?)", "ti", username, now)))
		goto fail;
	*attempt = sqlite3_last_insert_rowid(db->h);
	if ((e = db_exec(db, "DELETE FROM login_failures WHERE at <= ?", "i",
			 now - AUTH_FAIL_WINDOW)) ||
	    (e = db_commit(db)))
		goto fail;
	return ERR_OK;
fail:
	db_rollback(db);
	*attempt = 0;
	return e;
}

enum err auth_throttle_release(struct db *db, const char *username,
			       long long attempt)
{
	if (db->kv)
		return authr_throttle_release(db, username, attempt);
	return db_exec(db, "DELETE FROM login_failures WHERE rowid = ?", "i",
		       attempt);
}

enum err auth_throttle_clear(struct db *db, const char *username)
{
	if (db->kv)
		return authr_throttle_clear(db, username);
	return db_exec(db, "DELETE FROM login_failures WHERE username = ?",
		       "t", username);
}

enum err auth_login(struct db *db, const char *username,
		    const char *password, long long now, struct user *u,
		    long long *retry_after)
{
	long long attempt;
	enum err e, f;

	memset(u, 0, sizeof(*u));
	*retry_after = 0;
	if (!auth_username_valid(username) ||
	    strlen(password) > AUTH_PASSWORD_MAX)
		return ERR_INVAL;
	if ((e = auth_throttle_claim(db, username, now, retry_after,
				     &attempt)))
		return e;
	e = auth_verify(db, username, password, u);
	if (e == ERR_AUTH)
		return ERR_AUTH;   /* the claimed attempt is the failure */
	if (e == ERR_OK)
		f = auth_throttle_clear(db, username);
	else               /* nothing was checked: give the attempt back */
		f = auth_throttle_release(db, username, attempt);
	if (f) {
		memset(u, 0, sizeof(*u));
		return f;
	}
	return e;
}

enum err auth_user_by_id(struct db *db, long long id, struct user *u)
{
	static const char sql[] = "SELECT id, username, display_name, role, "
		"token_version FROM users WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	enum err e;
	int rc;

	memset(u, 0, sizeof(*u));
	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_user(st, u);
		e = ERR_OK;
	} else {
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : ERR_DB;
	}
	sqlite3_reset(st);
	return e;
}

enum err auth_create_user(struct db *db, const char *username,
			  const char *display_name, const char *role,
			  const char *password, long long now)
{
	static const char sql[] = "INSERT INTO users (username, display_name,"
		" role, password_hash, created) VALUES (?, ?, ?, ?, ?)";
	char hash[AUTH_HASH_MAX];
	sqlite3_stmt *st;
	int rc;

	if (!auth_username_valid(username) ||
	    (strcmp(role, "user") && strcmp(role, "admin")) ||
	    strlen(password) > AUTH_PASSWORD_MAX)
		return ERR_INVAL;
	if (auth_hash_password(password, hash))
		return ERR_CRYPTO;
	if (!(st = db_stmt(db, sql)))
		return ERR_DB;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, display_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return ERR_FORBIDDEN;
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, "user insert");
	return ERR_OK;
}
