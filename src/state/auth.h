/*
 * auth.h - users, password verification and the login throttle.
 *
 * Passwords are hashed with Argon2id (libsodium crypto_pwhash_str, the
 * "interactive" limits). A login for an unknown username verifies against
 * a dummy hash with the same limits, so the answer takes the same time and
 * timing does not reveal which usernames exist (OWASP Authentication cheat
 * sheet).
 *
 * The throttle counts failed logins per submitted username in the state
 * store (SQLite, or Redis: auth_redis.h):
 * after AUTH_FAIL_MAX failures within AUTH_FAIL_WINDOW seconds, further
 * attempts are refused until the oldest failure leaves the window.
 */
#ifndef AUTH_H
#define AUTH_H

#include <sodium.h>

#include "base/db.h"
#include "base/err.h"

#define AUTH_USERNAME_MIN   3
#define AUTH_USERNAME_MAX  32      /* [a-z0-9_] */
#define AUTH_PASSWORD_MAX 1024     /* bytes; Argon2 takes any length, but
				      the request should not */
#define AUTH_FAIL_MAX       5
#define AUTH_FAIL_WINDOW  900      /* 15 minutes */
#define AUTH_HASH_MAX     crypto_pwhash_STRBYTES

struct user {
	long long id;
	char      username[AUTH_USERNAME_MAX + 1];
	char      display_name[64];
	char      role[16];            /* "user" or "admin" */
	long long token_version;       /* the "ver" of its access tokens */
};

/*
 * auth_hash_password: the Argon2id hash (crypto_pwhash_str format, the
 * "interactive" limits every hash of this site uses) of pw into out.
 * ERR_CRYPTO when hashing fails (out of memory).
 */
enum err auth_hash_password(const char *pw, char out[AUTH_HASH_MAX]);

/* auth_username_valid: 1 when s is 3-32 characters of [a-z0-9_]. */
int auth_username_valid(const char *s);

/*
 * auth_verify: check username and password. ERR_OK fills *u; ERR_AUTH for
 * an unknown user or a wrong password alike, after the same Argon2id work;
 * ERR_INVAL for a malformed username or an oversized password; ERR_DB,
 * ERR_CRYPTO. *u is zeroed unless ERR_OK.
 */
enum err auth_verify(struct db *db, const char *username,
		     const char *password, struct user *u);

/*
 * auth_throttle_claim: the throttle's one atomic step, taken before any
 * Argon2id work, in one atomic step of the store (a BEGIN IMMEDIATE
 * transaction, or one Redis script): when username has fewer than
 * AUTH_FAIL_MAX failures in the window ending at now, record this attempt
 * as a failure at now (*attempt names it) and forget failures older than
 * the window. However many
 * logins for one username race, across every login route and process, at
 * most AUTH_FAIL_MAX passwords are checked per window: the others get
 * ERR_THROTTLED, with *retry_after the seconds until an attempt is
 * allowed again (at least 1). A success clears
 * the failures (auth_throttle_clear). ERR_UNAVAILABLE when the store
 * cannot be written: no password is checked then either.
 */
enum err auth_throttle_claim(struct db *db, const char *username,
			     long long now, long long *retry_after,
			     long long *attempt);

/* auth_throttle_release: give back the attempt auth_throttle_claim
 * recorded, when no password was checked after all. */
enum err auth_throttle_release(struct db *db, const char *username,
			       long long attempt);

/* auth_throttle_clear: forget username's failures (after a success). */
enum err auth_throttle_clear(struct db *db, const char *username);

/*
 * auth_login: the whole password check of a login, with the throttle:
 * auth_throttle_claim first, so ERR_THROTTLED (and *retry_after, seconds)
 * when username is locked out, before any Argon2id work; then
 * auth_verify. A wrong password leaves the claimed attempt as the
 * recorded failure; a success clears username's failures. ERR_INVAL for a
 * malformed username or oversized password (nothing is recorded). *u as
 * auth_verify.
 */
enum err auth_login(struct db *db, const char *username,
		    const char *password, long long now, struct user *u,
		    long long *retry_after);

/* auth_user_by_id: load user id into *u; ERR_NOTFOUND when absent. */
enum err auth_user_by_id(struct db *db, long long id, struct user *u);

/*
 * auth_create_user: hash password with Argon2id and insert the user.
 * ERR_INVAL for a bad username or role, ERR_FORBIDDEN when the username is
 * taken, ERR_CRYPTO when hashing fails (out of memory).
 */
enum err auth_create_user(struct db *db, const char *username,
			  const char *display_name, const char *role,
			  const char *password, long long now);

#endif
