/*
 * demo.c - demo accounts and "reset demo data". See demo.h.
 */
#include "lessons/demo.h"

#include <string.h>

#include "state/store.h"
#include "state/auth.h"
#include "base/clock.h"
#include "base/log.h"
#include "state/revoke.h"
#include "state/token.h"

const struct demo_user demo_users[] = {
	{ "alice", "Alice", "user",  "alice-password" },
	{ "bob",   "Bob",   "user",  "bob-password" },
	{ "admin", "Admin", "admin", "admin-password" },
};
const size_t demo_users_n = sizeof(demo_users) / sizeof(demo_users[0]);

/*
 * What visitors create, child tables first. Each is one literal so that
 * db_stmt can cache it; no SQL is ever built from a name.
 */
static const char *const wipe[] = {
	"DELETE FROM sessions",
	"DELETE FROM login_failures",
	"DELETE FROM visits",
	"DELETE FROM user_carts",
	"DELETE FROM user_profiles",
	"DELETE FROM token_events",
	"DELETE FROM refresh_tokens",
	"DELETE FROM refresh_families",
	"DELETE FROM notes",
	"DELETE FROM course_ticks",
	"DELETE FROM users WHERE username NOT IN ('alice', 'bob', 'admin')",
};

enum err demo_seed_users(struct db *db, long long now, size_t *seeded)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM users");
	long long n;
	size_t i;
	enum err e;

	*seeded = 0;
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		return ERR_DB;
	}
	n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (n)
		return ERR_OK;
	if ((e = db_begin(db)))
		return e;
	for (i = 0; i < demo_users_n; i++)
		if ((e = auth_create_user(db, demo_users[i].username,
					  demo_users[i].display_name,
					  demo_users[i].role,
					  demo_users[i].password, now))) {
			db_rollback(db);
			return e;
		}
	if ((e = db_commit(db)))
		return e;
	*seeded = demo_users_n;
	return ERR_OK;
}

enum err demo_reset(struct db *db, long long now)
{
	char hash[sizeof(demo_users) / sizeof(demo_users[0])][AUTH_HASH_MAX];
	size_t i;
	enum err e;

	/* The Argon2id work happens before the write lock is taken. */
	for (i = 0; i < demo_users_n; i++)
		if ((e = auth_hash_password(demo_users[i].password, hash[i])))
			return e;
	if ((e = db_begin(db)))
		return e;
	/* First every credential dies as in the admin's revoke-all: the
	 * token version of every account moves on, so an access token
	 * issued before the reset opens nothing after it. Blacklist entries
	 * stay until their token's exp. */
	if ((e = revoke_everyone_locked(db, "reset", now, NULL)) ||
	    (e = db_exec(db, "DELETE FROM token_blacklist WHERE expires < ?",
			 "i", now - TOKEN_LEEWAY)))
		goto fail;
	for (i = 0; i < sizeof(wipe) / sizeof(wipe[0]); i++)
		if ((e = db_exec(db, wipe[i], "")))
			goto fail;
	if ((e = store_reset(db, NULL)))       /* the same in Redis */
		goto fail;
	for (i = 0; i < demo_users_n; i++) {
		e = db_exec(db, "UPDATE users SET display_name = ?, role = ?, "
			    "password_hash = ? WHERE username = ?", "tttt",
			    demo_users[i].display_name, demo_users[i].role,
			    hash[i], demo_users[i].username);
		if (!e && db_changes(db) == 0)
			e = db_exec(db, "INSERT INTO users (username, "
				    "display_name, role, password_hash, "
				    "created) VALUES (?, ?, ?, ?, ?)", "tttti",
				    demo_users[i].username,
				    demo_users[i].display_name,
				    demo_users[i].role, hash[i], now);
		if (e)
			goto fail;
	}
	if ((e = db_exec(db, "UPDATE demo_clock SET offset_seconds = 0 "
			 "WHERE id = 1", "")) ||
	    (e = db_commit(db)))
		goto fail;
	sodium_memzero(hash, sizeof(hash));
	clock_reset(db);   /* this process's cached offset, too */
	log_msg("info", "demo data reset");
	return ERR_OK;
fail:
	sodium_memzero(hash, sizeof(hash));
	db_rollback(db);
	return e;
}
