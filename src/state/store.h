/*
 * store.h - where the state layer keeps sessions, refresh families, the
 * blacklist and the login throttle: the SQLite file (the default) or a
 * shared Redis (SESSION_STORE=redis, REDIS_URL; article B §2 and §7,
 * docs/SCENARIOS.md S-S10). session.h, refresh.h and auth.h are the one
 * interface; each picks its back end by db->kv. Accounts, user carts and
 * the other durable rows always stay in SQLite.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>

#include "base/db.h"
#include "base/err.h"

/*
 * store_open: read SESSION_STORE ("sqlite", the default, or "redis"),
 * REDIS_URL and REDIS_TIMEOUT_MS (1..10000, default KV_TIMEOUT_MS), and
 * for Redis attach the connection to db (db->kv). No command is sent yet,
 * so a Redis that is down now is a 503 per request, not a failed start.
 * ERR_INVAL, logged, for an unknown store or a bad URL.
 */
enum err store_open(struct db *db);

/* store_name: "redis" or "sqlite", the store db keeps state in. */
const char *store_name(const struct db *db);

/*
 * store_reset: forget every piece of state the Redis store holds (the
 * keys of sessions, user session sets, refresh tokens and families, and
 * the throttle; nothing else in that Redis), for "reset demo data".
 * Blacklist entries stay until their token's exp, as with SQLite. *n (may be NULL) is the number of keys deleted. With
 * SQLite there is nothing here to do (the tables are the demo's).
 */
enum err store_reset(struct db *db, long long *n);

/*
 * store_cli: the command line that opens the store from a shell on this
 * server, into out (cap bytes): "redis-cli -s <socket>" for a Redis on a
 * unix socket, "redis-cli -h <host> -p <port> -n <db>" for one on TCP
 * (never its password), "sqlite3 <db_path>" for SQLite. For the pages
 * that say "look for yourself". Returns out.
 */
#define STORE_CLI_MAX 320   /* bytes of a store_cli line, with the NUL */

char *store_cli(const struct db *db, const char *db_path, char *out,
		size_t cap);

#endif
