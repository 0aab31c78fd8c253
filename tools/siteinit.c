/*
 * siteinit - create or upgrade the database and the key files.
 *
 *   siteinit DB KEYS_DIR
 *
 * Migrates DB to the newest schema, seeds the demo accounts (Argon2id
 * hashes) when the users table is empty, and creates each missing secret
 * key (32 random bytes, mode 0600) in KEYS_DIR. Running it again changes
 * nothing that exists. `make run` and `make test` call it.
 */
#include <sodium.h>
#include <stdio.h>
#include <time.h>

#include "auth.h"
#include "db.h"
#include "keys.h"
#include "log.h"

/* The demo accounts named on the login pages (DESIGN.md). */
static const struct {
	const char *username, *display_name, *role, *password;
} demo_users[] = {
	{ "alice", "Alice", "user",  "alice-password" },
	{ "bob",   "Bob",   "user",  "bob-password" },
	{ "admin", "Admin", "admin", "admin-password" },
};

/* Every symmetric secret the programs load. */
static const char *const key_files[] = {
	"csrf.key",          /* CSRF token HMAC */
};

static int count_users(struct db *db, long long *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM users");

	if (!st || sqlite3_step(st) != SQLITE_ROW)
		return -1;
	*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int main(int argc, char **argv)
{
	struct db *db = NULL;
	long long n = 0;
	size_t i;
	int rc = 1;

	log_set_program("siteinit");
	if (argc != 3) {
		fprintf(stderr, "usage: siteinit DB KEYS_DIR\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	for (i = 0; i < sizeof(key_files) / sizeof(key_files[0]); i++)
		if (keys_create(argv[2], key_files[i], KEYS_SECRET_BYTES))
			return 1;
	if (db_open(argv[1], &db))
		return 1;
	if (count_users(db, &n))
		goto out;
	if (n == 0) {
		if (db_begin(db))
			goto out;
		for (i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]);
		     i++)
			if (auth_create_user(db, demo_users[i].username,
					     demo_users[i].display_name,
					     demo_users[i].role,
					     demo_users[i].password,
					     (long long)time(NULL))) {
				db_rollback(db);
				goto out;
			}
		if (db_commit(db))
			goto out;
		log_msg("info", "seeded %zu demo accounts",
			sizeof(demo_users) / sizeof(demo_users[0]));
	}
	rc = 0;
out:
	db_close(db);
	return rc;
}
