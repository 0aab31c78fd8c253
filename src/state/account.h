/*
 * account.h - creating accounts and changing passwords (S-S6 signup,
 * S-S7 password change): the password and email rules and the writes to
 * users and user_profiles. Hashing is auth_hash_password (auth.h).
 */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include "base/db.h"
#include "base/err.h"

#define ACCOUNT_PASSWORD_MIN   12    /* characters (code points) */
#define ACCOUNT_PASSWORD_MAX  128
#define ACCOUNT_EMAIL_MAX     254    /* bytes (RFC 5321 path limit) */
#define ACCOUNT_EMAIL_LOCAL_MAX 64

/*
 * account_password_valid: 1 when pw (valid UTF-8) has
 * ACCOUNT_PASSWORD_MIN..MAX characters and no control characters.
 */
int account_password_valid(const char *pw);

/*
 * account_email_valid: 1 for a plausible address: at most
 * ACCOUNT_EMAIL_MAX bytes, one '@', a local part of 1..64 printable ASCII
 * characters without spaces, quotes or angle brackets, and a domain of
 * dot-separated labels of [A-Za-z0-9-] with at least one dot.
 */
int account_email_valid(const char *email);

/* account_username_taken: *taken = 1 when a user has this username. */
enum err account_username_taken(struct db *db, const char *username,
				int *taken);

/* The profile the signup wizard collected. */
struct account_new {
	const char *username;      /* auth_username_valid */
	const char *email;         /* account_email_valid */
	const char *password_hash; /* from auth_hash_password */
	long long   verified_at;   /* when the email code was confirmed */
	long long   agreed_at;     /* terms and privacy */
	int         marketing;     /* 0 or 1 */
};

/*
 * account_create: in one transaction, insert the user (role "user",
 * display name = username) and its profile; *user_id gets its id.
 * ERR_FORBIDDEN when the username is taken (nothing is written), ERR_INVAL
 * for fields that break the rules above.
 */
enum err account_create(struct db *db, const struct account_new *a,
			long long now, long long *user_id);

/*
 * account_set_password: store a new Argon2id hash for user_id.
 * ERR_NOTFOUND when there is no such user.
 */
enum err account_set_password(struct db *db, long long user_id,
			      const char *password_hash);

#endif
