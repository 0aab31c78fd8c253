/*
 * auth_redis.c - the login throttle in Redis. See auth_redis.h.
 */
#include "state/auth_redis.h"

#include <stdio.h>

#include <sodium.h>

#include "base/kv.h"
#include "state/auth.h"

#define KEY_MAX (16 + AUTH_USERNAME_MAX)

/*
 * Forget attempts that left the window; refuse with {0, oldest of the
 * last ARGV[3]} when that many remain, else record ARGV[4] at ARGV[1]:
 * {1, 0}. The check and the record are one step, as SQLite's BEGIN
 * IMMEDIATE makes them.
 */
static struct kv_script claim_lua = { "throttle claim",
	"redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', "
	"tonumber(ARGV[1]) - tonumber(ARGV[2]))\n"
	"local n = tonumber(ARGV[3])\n"
	"if redis.call('ZCARD', KEYS[1]) >= n then\n"
	"  local last = redis.call('ZREVRANGE', KEYS[1], 0, n - 1, "
	"'WITHSCORES')\n"
	"  return {0, tonumber(last[#last])}\n"
	"end\n"
	"redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])\n"
	"redis.call('EXPIRE', KEYS[1], ARGV[2])\n"
	"return {1, 0}\n", "" };

static void key_of(const char *username, char out[KEY_MAX])
{
	snprintf(out, KEY_MAX, "throttle:%s", username);
}

enum err authr_throttle_claim(struct db *db, const char *username,
			      long long now, long long *retry_after,
			      long long *attempt)
{
	char key[KEY_MAX];
	unsigned long long r;
	struct kv_args a;
	redisReply *rep;
	enum err e;

	*attempt = 0;
	*retry_after = 0;
	randombytes_buf(&r, sizeof(r));
	key_of(username, key);
	kv_args_init(&a);
	kv_arg(&a, key);
	kv_arg_int(&a, now);
	kv_arg_int(&a, AUTH_FAIL_WINDOW);
	kv_arg_int(&a, AUTH_FAIL_MAX);
	kv_arg_int(&a, (long long)(r >> 2) + 1);
	if ((e = kv_eval(db->kv, &claim_lua, 1, &a, &rep)))
		return e;
	if (kv_reply_int(rep, 0, -1) == 1) {
		*attempt = (long long)(r >> 2) + 1;
		e = ERR_OK;
	} else if (kv_reply_int(rep, 0, -1) == 0) {
		*retry_after = kv_reply_int(rep, 1, now) + AUTH_FAIL_WINDOW -
			now;
		if (*retry_after < 1)
			*retry_after = 1;
		e = ERR_THROTTLED;
	} else {
		e = ERR_UNAVAILABLE;
	}
	kv_reply_free(rep);
	return e;
}

/* One command on the throttle key of username: ZREM attempt, or DEL. */
static enum err on_key(struct db *db, const char *cmd, const char *username,
		       long long attempt)
{
	char key[KEY_MAX];
	struct kv_args a;
	redisReply *rep;
	enum err e;

	key_of(username, key);
	kv_args_init(&a);
	kv_arg(&a, cmd);
	kv_arg(&a, key);
	if (attempt)
		kv_arg_int(&a, attempt);
	if (!(e = kv_run(db->kv, &a, &rep)))
		kv_reply_free(rep);
	return e;
}

enum err authr_throttle_release(struct db *db, const char *username,
				long long attempt)
{
	return on_key(db, "ZREM", username, attempt);
}

enum err authr_throttle_clear(struct db *db, const char *username)
{
	return on_key(db, "DEL", username, 0);
}
