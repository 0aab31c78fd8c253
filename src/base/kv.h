/*
 * kv.h - the Redis connection (hiredis): the shared store that holds
 * sessions, refresh families, the blacklist and the login throttle when
 * SESSION_STORE=redis (article B §2 and §7, docs/SCENARIOS.md S-S10).
 *
 * One connection per program, made on first use and made again after any
 * failure, so a Redis that comes back is used again without a restart.
 * Every command has a short timeout (REDIS_TIMEOUT_MS, default 250 ms).
 * Redis down, slow past the timeout, or answering an error is
 * ERR_UNAVAILABLE (a 503) with one log line; nothing here ever exits.
 *
 * Commands are argument vectors (struct kv_args), never strings pasted
 * together, so no client input can add a word to a command. Scripts run
 * with EVALSHA and are loaded again when Redis has forgotten them (a
 * restart): each is one atomic step on the server.
 */
#ifndef KV_H
#define KV_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "base/err.h"

#define KV_ARGS_MAX     48     /* words of one command */
#define KV_URL_MAX      512
#define KV_TIMEOUT_MS   250    /* default of REDIS_TIMEOUT_MS */

struct kv;

/* One command being built: words point at caller strings or at num[]. */
struct kv_args {
	int         n;
	const char *v[KV_ARGS_MAX];
	size_t      len[KV_ARGS_MAX];
	char        num[KV_ARGS_MAX][24];
	int         overflow;          /* a word did not fit: refused */
};

/* A Lua script: its text and, once Redis has it, its SHA1. */
struct kv_script {
	const char *name;              /* for the log */
	const char *lua;
	char        sha[41];
};

/*
 * kv_open: a connection to url, "unix:/path/redis.sock" (the path shorter
 * than a socket address holds, 108 bytes on Linux) or
 * "redis://[:password@]host[:port][/db]" (host of letters, digits, '.',
 * '-', '_'; port 6379, db 0). Nothing is dialled yet. ERR_INVAL with a
 * log line, which never holds the password, for a URL of another shape
 * or with a control character. timeout_ms bounds connecting and every
 * command.
 */
enum err kv_open(const char *url, int timeout_ms, struct kv **out);

/* kv_close: drop the connection and free kv. NULL-safe. */
void kv_close(struct kv *kv);

/* kv_url: the URL kv was opened with, its password (if any) shown as
 * "***" (for the pages and logs, which use this form). */
const char *kv_url(const struct kv *kv);

/* kv_cli: the redis-cli command line that reaches kv, into out (cap
 * bytes): "redis-cli -s <socket>", or "redis-cli -h <host> -p <port>"
 * with " -n <db>" when it is not 0. Never the password. Returns out. */
char *kv_cli(const struct kv *kv, char *out, size_t cap);

/* kv_args_init: an empty command. */
void kv_args_init(struct kv_args *a);

/* kv_arg: append the NUL-terminated word s (kept, not copied). */
void kv_arg(struct kv_args *a, const char *s);

/* kv_arg_bin: append len bytes at p as one word (kept, not copied). */
void kv_arg_bin(struct kv_args *a, const void *p, size_t len);

/* kv_arg_int: append the decimal form of v. */
void kv_arg_int(struct kv_args *a, long long v);

/*
 * kv_run: send the command a and wait for its reply, *out (free it with
 * kv_reply_free). ERR_UNAVAILABLE, logged once with the command's first
 * word, when Redis cannot be reached, is slower than the timeout, or
 * answers with an error (out of memory, loading, read-only...); the
 * connection is dropped then, and *out is NULL. ERR_INVAL when a has
 * overflowed (nothing is sent).
 */
enum err kv_run(struct kv *kv, const struct kv_args *a, redisReply **out);

/*
 * kv_pipeline: the n commands of a in one round trip (sent together, then
 * the n replies read), without a script's cost; out[i] is the reply of
 * a[i] (each freed with kv_reply_free). Not atomic: another client's
 * command may run between two of them, so use it for reads that stay
 * right when that happens (read the fields, then the TTL). ERR_INVAL for
 * no command or a bad one, ERR_UNAVAILABLE as kv_run, or when any reply
 * is an error (every out[i] is NULL then). Retried once on a connection
 * Redis had closed, as kv_run is.
 */
enum err kv_pipeline(struct kv *kv, const struct kv_args *a, int n,
		     redisReply **out);

/*
 * kv_eval: run script s (EVALSHA, loading it first when Redis does not
 * know its SHA) with the first nkeys words of a as KEYS and the rest as
 * ARGV. Errors as for kv_run.
 */
enum err kv_eval(struct kv *kv, struct kv_script *s, int nkeys,
		 const struct kv_args *a, redisReply **out);

/*
 * kv_scan: call fn(key, len, arg) for every key matching the glob
 * pattern (SCAN with COUNT 500, so Redis is never blocked by a long
 * walk). A key may be seen twice when keys change during the walk. Stops
 * with fn's error when it returns one.
 */
enum err kv_scan(struct kv *kv, const char *pattern,
		 enum err (*fn)(const char *key, size_t len, void *arg),
		 void *arg);

/*
 * kv_del_matching: delete every key matching pattern (kv_scan, then DEL
 * each); *n (may be NULL) counts the keys that existed.
 */
enum err kv_del_matching(struct kv *kv, const char *pattern, long long *n);

/*
 * kv_eval_int: kv_eval for a script that answers an integer, into *out
 * (0 on failure). Any other answer is ERR_UNAVAILABLE, logged with the
 * script's name.
 */
enum err kv_eval_int(struct kv *kv, struct kv_script *s, int nkeys,
		     const struct kv_args *a, long long *out);

/* kv_reply_copy: string element i of r into dst (cap bytes, at least 1),
 * cut to fit; "" when it is missing or not a string. */
void kv_reply_copy(const redisReply *r, int i, char *dst, size_t cap);

/* kv_reply_free: free a reply from kv_run or kv_eval. NULL-safe. */
void kv_reply_free(redisReply *r);

/* kv_reply_int: the integer of reply r, or of its i-th element when r
 * is an array (i >= 0); def when it is missing or not an integer. */
long long kv_reply_int(const redisReply *r, int i, long long def);

/* kv_reply_str: the string of element i of array r (or of r when i < 0),
 * NULL when it is nil or not a string; *len its length (may be NULL). */
const char *kv_reply_str(const redisReply *r, int i, size_t *len);

/* kv_reply_ll: element i of r as an integer, whether Redis sent it as an
 * integer or as the decimal string a hash field holds; def otherwise. */
long long kv_reply_ll(const redisReply *r, int i, long long def);

#endif
