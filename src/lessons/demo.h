/*
 * demo.h - the seeded demo state: the demo accounts named on the login
 * pages (DESIGN.md), and "reset demo data" for a teacher (issue 6), which
 * puts every table back as siteinit left it.
 */
#ifndef DEMO_H
#define DEMO_H

#include <stddef.h>

#include "base/db.h"
#include "base/err.h"

struct demo_user {
	const char *username;
	const char *display_name;
	const char *role;
	const char *password;
};

/* The demo accounts, in the order the pages list them. */
extern const struct demo_user demo_users[];
extern const size_t demo_users_n;

/*
 * demo_seed_users: when the users table is empty, insert the demo
 * accounts (Argon2id hashes) in one transaction; *seeded says how many
 * (0 when users existed). For siteinit.
 */
enum err demo_seed_users(struct db *db, long long now, size_t *seeded);

/*
 * demo_reset: in one BEGIN IMMEDIATE transaction, revoke every credential
 * (revoke_everyone_locked: every access token issued before the reset is
 * refused after it), delete everything visitors made (sessions, login
 * failures, visits, carts, profiles, refresh families and tokens, expired
 * blacklist entries, token events, notes, course ticks, and every account that is not a
 * demo account), give the demo accounts back their seeded names, roles and
 * passwords, and set the demo clock back to wall time. Live blacklist
 * entries stay, and user ids are never handed out again (AUTOINCREMENT).
 * Everyone is logged out, the caller too. The catalogue is untouched.
 * ERR_CRYPTO when hashing fails, ERR_DB, ERR_UNAVAILABLE.
 */
enum err demo_reset(struct db *db, long long now);

#endif
