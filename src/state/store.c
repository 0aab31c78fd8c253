/*
 * store.c - which store holds the state. See store.h.
 */
#include "state/store.h"

#include <stdio.h>
#include <string.h>

#include "base/config.h"
#include "base/kv.h"
#include "base/log.h"

/* The key families store_reset forgets (session_redis.h,
 * refresh_redis.h, auth_redis.h). The blacklist is not one of them: an
 * entry must outlive a reset until its token's exp, and its TTL is
 * exactly that. */
static const char *const families[] = {
	"session:*", "user:*:sessions", "user:*:families", "refresh:*",
	"family:*", "throttle:*",
};

enum err store_open(struct db *db)
{
	const char *kind = config_str("SESSION_STORE", "sqlite");
	int timeout = (int)config_long("REDIS_TIMEOUT_MS", KV_TIMEOUT_MS, 1,
				       10000);

	if (!strcmp(kind, "sqlite"))
		return ERR_OK;
	if (strcmp(kind, "redis")) {
		log_msg("error", "SESSION_STORE=%s: expected sqlite or redis",
			kind);
		return ERR_INVAL;
	}
	return kv_open(config_str("REDIS_URL", NULL), timeout, &db->kv);
}

const char *store_name(const struct db *db)
{
	return db->kv ? "redis" : "sqlite";
}

enum err store_reset(struct db *db, long long *n)
{
	long long total = 0, got;
	enum err e = ERR_OK;
	size_t i;

	for (i = 0; db->kv && !e && i < sizeof(families) / sizeof(*families);
	     i++)
		if (!(e = kv_del_matching(db->kv, families[i], &got)))
			total += got;
	if (n)
		*n = e ? 0 : total;
	return e;
}

char *store_cli(const struct db *db, const char *db_path, char *out,
		size_t cap)
{
	if (db->kv)
		return kv_cli(db->kv, out, cap);
	snprintf(out, cap, "sqlite3 %s", db_path);
	return out;
}
