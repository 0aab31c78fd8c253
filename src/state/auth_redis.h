/*
 * auth_redis.h - the Redis back end of the login throttle in auth.h.
 * auth.c calls these when db->kv is set, with the contracts of the auth_
 * functions of the same name. The key:
 *
 *   throttle:<username>   a sorted set of this window's failed (or
 *       claimed) attempts, each a random attempt number scored by its
 *       time. Its TTL is AUTH_FAIL_WINDOW from the latest attempt, so a
 *       quiet username leaves nothing behind.
 *
 * The username is already valid (auth_username_valid: a-z, 0-9, _), so
 * it is safe as part of a key.
 */
#ifndef AUTH_REDIS_H
#define AUTH_REDIS_H

#include "base/db.h"
#include "base/err.h"

enum err authr_throttle_claim(struct db *db, const char *username,
			      long long now, long long *retry_after,
			      long long *attempt);
enum err authr_throttle_release(struct db *db, const char *username,
				long long attempt);
enum err authr_throttle_clear(struct db *db, const char *username);

#endif
