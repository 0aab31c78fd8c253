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

#include "db.h"
#include "demo.h"
#include "keys.h"
#include "log.h"
#include "tokensign.h"

/* Every symmetric secret the programs load. */
static const char *const key_files[] = {
	"csrf.key",          /* CSRF token HMAC */
	"cookie-sign.key",   /* signed cookie values (S-C5, src/signed.h) */
};

int main(int argc, char **argv)
{
	struct db *db = NULL;
	size_t i, seeded;
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
	/* JWT: the HS256 secret and the RS256 key pair (S-J7). */
	if (tokensign_create_keys(argv[2]))
		return 1;
	if (db_open(argv[1], &db))
		return 1;
	if (demo_seed_users(db, (long long)time(NULL), &seeded))
		goto out;
	if (seeded)
		log_msg("info", "seeded %zu demo accounts", seeded);
	rc = 0;
out:
	db_close(db);
	return rc;
}
