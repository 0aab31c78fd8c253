/*
 * unit_redis.h - the Redis fixture of the unit tests: a private
 * redis-server on a unix socket in a folder of its own (no TCP port, no
 * file but its log), a fresh SQLite file (struct unit_db), and
 * SESSION_STORE=redis with REDIS_URL at that socket, so store_open has
 * attached db->kv and every public function of session.h, refresh.h and
 * auth.h runs on its Redis back end. The test's own hiredis connection
 * (t->c) looks at the keys behind the back end's back. Include after
 * <cmocka.h> and unit.h.
 *
 * A missing /usr/bin/redis-server fails the test loudly: it is a Debian
 * package `make deps` installs (redis-server), never a reason to skip.
 */
#ifndef UNIT_REDIS_H
#define UNIT_REDIS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

#include <hiredis/hiredis.h>
#include <sodium.h>

#include "base/kv.h"
#include "state/store.h"

#ifndef UNIT_REDIS_SERVER
#define UNIT_REDIS_SERVER    "/usr/bin/redis-server"
#endif
#define UNIT_REDIS_WAIT_MS   5000    /* for PING after a start, and for
					the exit after SIGTERM */
#define UNIT_REDIS_TIMEOUT   "300"   /* REDIS_TIMEOUT_MS of the store */
#define UNIT_REDIS_KEYS_MAX  256     /* keys unit_redis_keys collects */

struct unit_redis {
	struct unit_db u;           /* u.db->kv is the store's connection */
	char           dir[32];     /* /tmp/unit_redis_XXXXXX */
	char           sock[64];    /* dir + "/redis.sock" */
	char           url[72];     /* "unix:" + sock */
	pid_t          pid;         /* the server, 0 when stopped */
	redisContext  *c;           /* the test's own connection, or NULL */
};

/* unit_redis_ms: a monotonic clock in milliseconds. */
static inline long long unit_redis_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void unit_redis_nap(void)
{
	struct timespec ts = { 0, 20 * 1000000L };

	nanosleep(&ts, NULL);
}

/* unit_redis_ping: 1 when a new connection to sock answers PONG. */
static inline int unit_redis_ping(const char *sock)
{
	struct timeval tv = { 0, 200000 };
	redisContext *c = redisConnectUnixWithTimeout(sock, tv);
	redisReply *r = NULL;
	int ok = 0;

	if (c && !c->err && redisSetTimeout(c, tv) == REDIS_OK &&
	    (r = redisCommand(c, "PING")))
		ok = r->type == REDIS_REPLY_STATUS && !strcmp(r->str, "PONG");
	if (r)
		freeReplyObject(r);
	if (c)
		redisFree(c);
	return ok;
}

/*
 * unit_redis_start: start redis-server on t->sock (which must not be
 * running) and wait, at most UNIT_REDIS_WAIT_MS, until it answers PING.
 * 0 on success; -1, with the reason printed, on failure (the server is
 * stopped again then).
 */
static inline int unit_redis_stop(struct unit_redis *t);
static inline int unit_redis_start(struct unit_redis *t)
{
	char log[sizeof(t->dir) + 16];
	long long until;
	int status, fd;
	pid_t pid, parent;

	if (access(UNIT_REDIS_SERVER, X_OK)) {
		print_error("%s is missing (apt-get install redis-server, or "
			    "make deps): the Redis tests cannot run\n",
			    UNIT_REDIS_SERVER);
		return -1;
	}
	snprintf(log, sizeof(log), "%s/redis.log", t->dir);
	unlink(t->sock);
	parent = getpid();
	if ((pid = fork()) < 0) {
		print_error("fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* A test that dies (a sanitizer report aborts) takes its
		 * server with it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		if ((fd = open("/dev/null", O_RDWR)) >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
		execl(UNIT_REDIS_SERVER, "redis-server", "--port", "0",
		      "--unixsocket", t->sock, "--unixsocketperm", "700",
		      "--dir", t->dir, "--save", "", "--appendonly", "no",
		      "--logfile", log, (char *)NULL);
		_exit(127);
	}
	t->pid = pid;
	until = unit_redis_ms() + UNIT_REDIS_WAIT_MS;
	while (!unit_redis_ping(t->sock)) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			t->pid = 0;
			print_error("redis-server exited (status %d); see %s\n",
				    status, log);
			return -1;
		}
		if (unit_redis_ms() > until) {
			print_error("redis-server did not answer PING in %d "
				    "ms; see %s\n", UNIT_REDIS_WAIT_MS, log);
			unit_redis_stop(t);
			return -1;
		}
		unit_redis_nap();
	}
	return 0;
}

/*
 * unit_redis_stop: SIGTERM the server and reap it, waiting at most
 * UNIT_REDIS_WAIT_MS before a SIGKILL. Only t->pid is ever signalled.
 * 0 when it stopped on SIGTERM; a no-op when it is not running.
 */
static inline int unit_redis_stop(struct unit_redis *t)
{
	long long until = unit_redis_ms() + UNIT_REDIS_WAIT_MS;
	int status, rc = 0;

	if (t->pid <= 0)
		return 0;
	kill(t->pid, SIGCONT);            /* in case a test froze it */
	kill(t->pid, SIGTERM);
	while (waitpid(t->pid, &status, WNOHANG) != t->pid) {
		if (unit_redis_ms() > until) {
			print_error("redis-server %d ignored SIGTERM\n",
				    (int)t->pid);
			kill(t->pid, SIGKILL);
			waitpid(t->pid, &status, 0);
			rc = -1;
			break;
		}
		unit_redis_nap();
	}
	t->pid = 0;
	unlink(t->sock);
	return rc;
}

/* unit_redis_connect: (re)open the test's own connection t->c. */
static inline int unit_redis_connect(struct unit_redis *t)
{
	struct timeval tv = { 2, 0 };

	if (t->c)
		redisFree(t->c);
	t->c = redisConnectUnixWithTimeout(t->sock, tv);
	if (!t->c || t->c->err || redisSetTimeout(t->c, tv) != REDIS_OK) {
		print_error("cannot connect to %s\n", t->sock);
		return -1;
	}
	return 0;
}

/* unit_redis_open_store: SESSION_STORE=redis, REDIS_URL=url, then
 * store_open on db; what store_open returns. */
static inline enum err unit_redis_open_store(struct db *db, const char *url)
{
	setenv("SESSION_STORE", "redis", 1);
	setenv("REDIS_URL", url, 1);
	setenv("REDIS_TIMEOUT_MS", UNIT_REDIS_TIMEOUT, 1);
	return store_open(db);
}

/* unit_redis_env_clear: back to the default store for what follows. */
static inline void unit_redis_env_clear(void)
{
	unsetenv("SESSION_STORE");
	unsetenv("REDIS_URL");
	unsetenv("REDIS_TIMEOUT_MS");
}

/* unit_redis_rmdir: remove every file in t->dir, then t->dir. */
static inline void unit_redis_rmdir(struct unit_redis *t)
{
	unit_rmdir(t->dir);
}

/* unit_redis_teardown: the cmocka teardown for unit_redis_setup. */
static inline int unit_redis_teardown(void **state)
{
	struct unit_redis *t = *state;
	int rc;

	if (!t)
		return 0;
	if (t->c)
		redisFree(t->c);
	unit_db_close(&t->u);             /* closes db->kv too */
	rc = unit_redis_stop(t);
	unit_redis_rmdir(t);
	unit_redis_env_clear();
	free(t);
	*state = NULL;
	return rc;
}

/*
 * unit_redis_setup: a cmocka setup; *state is a new struct unit_redis
 * with its server answering, t->u.db open with db->kv attached, and t->c
 * connected. SIGPIPE is ignored, as site_run ignores it in every program:
 * a command written to a Redis that went away is then EPIPE, which kv.c
 * handles, not the end of the process.
 */
static inline int unit_redis_setup(void **state)
{
	struct unit_redis *t = calloc(1, sizeof(*t));

	*state = t;
	if (!t)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	snprintf(t->dir, sizeof(t->dir), "/tmp/unit_redis_XXXXXX");
	if (!mkdtemp(t->dir)) {
		t->dir[0] = '\0';
		goto fail;
	}
	snprintf(t->sock, sizeof(t->sock), "%s/redis.sock", t->dir);
	snprintf(t->url, sizeof(t->url), "unix:%s", t->sock);
	if (unit_redis_start(t) || unit_db_open(&t->u))
		goto fail;
	if (unit_redis_open_store(t->u.db, t->url) || !t->u.db->kv) {
		print_error("store_open did not attach %s\n", t->url);
		goto fail;
	}
	if (unit_redis_connect(t))
		goto fail;
	return 0;
fail:
	unit_redis_teardown(state);
	return -1;
}

/* UNIT_REDIS_TEST: test fn, given a fresh struct unit_redis as *state. */
#define UNIT_REDIS_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, unit_redis_setup, \
					unit_redis_teardown)

/*
 * unit_redis_cmd: run the command of the NULL-terminated words on the
 * test's own connection; the reply (freeReplyObject), never NULL (fails
 * the test instead).
 */
static inline redisReply *unit_redis_cmd(struct unit_redis *t,
					 const char *word, ...)
{
	const char *argv[16];
	redisReply *r;
	va_list ap;
	int n = 0;

	va_start(ap, word);
	for (; word && n < 16; word = va_arg(ap, const char *))
		argv[n++] = word;
	va_end(ap);
	assert_true(n > 0 && n < 16);
	r = redisCommandArgv(t->c, n, argv, NULL);
	if (!r)
		print_error("redis %s: %s\n", argv[0], t->c->errstr);
	assert_non_null(r);
	return r;
}

/* unit_redis_hget: HGET key field on the test's own connection into out
 * (cap bytes; "" when nil). */
static inline void unit_redis_hget(struct unit_redis *t, const char *key,
				   const char *field, char *out, size_t cap)
{
	redisReply *r = unit_redis_cmd(t, "HGET", key, field,
				       (const char *)NULL);

	out[0] = '\0';
	if (r->type == REDIS_REPLY_STRING)
		snprintf(out, cap, "%.*s", (int)r->len, r->str);
	freeReplyObject(r);
}

/* unit_redis_hashed_key: "<prefix>:<64 hex>" of the raw ID or token raw
 * (BLAKE2b-256, lower-case hex), computed here from raw itself, not by
 * the back end, into out (cap bytes). */
static inline void unit_redis_hashed_key(const char *prefix, const char *raw,
					 char *out, size_t cap)
{
	unsigned char h[32];
	char hex[65];

	crypto_generichash(h, sizeof(h), (const unsigned char *)raw,
			   strlen(raw), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(out, cap, "%s:%s", prefix, hex);
}

/* unit_redis_int: the integer reply of the command "word key" (TTL,
 * PTTL, EXISTS, SCARD...); fails the test for any other reply. */
static inline long long unit_redis_int(struct unit_redis *t,
				       const char *word, const char *key)
{
	redisReply *r = unit_redis_cmd(t, word, key, (const char *)NULL);
	long long v;

	if (r->type != REDIS_REPLY_INTEGER)
		print_error("redis %s %s: not an integer (type %d)\n", word,
			    key, r->type);
	assert_int_equal(r->type, REDIS_REPLY_INTEGER);
	v = r->integer;
	freeReplyObject(r);
	return v;
}

/* A list of key names, as unit_redis_keys collects them. */
struct unit_keys {
	size_t n;
	char  *key[UNIT_REDIS_KEYS_MAX];
};

/* unit_keys_free: free every name; k is empty after. */
static inline void unit_keys_free(struct unit_keys *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->key[i]);
	k->n = 0;
}

/*
 * unit_redis_keys: every key matching pattern, by SCAN (so a test sees
 * what KEYS would, without KEYS), sorted by name into *k.
 */
static inline int unit_keys_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void unit_redis_keys(struct unit_redis *t, const char *pattern,
				   struct unit_keys *k)
{
	char cursor[32] = "0";
	redisReply *r;
	size_t i;

	k->n = 0;
	do {
		r = unit_redis_cmd(t, "SCAN", cursor, "MATCH", pattern,
				   "COUNT", "1000", (const char *)NULL);
		assert_int_equal(r->type, REDIS_REPLY_ARRAY);
		assert_int_equal(r->elements, 2);
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		for (i = 0; i < r->element[1]->elements; i++) {
			assert_true(k->n < UNIT_REDIS_KEYS_MAX);
			k->key[k->n] = strdup(r->element[1]->element[i]->str);
			assert_non_null(k->key[k->n]);
			k->n++;
		}
		freeReplyObject(r);
	} while (strcmp(cursor, "0"));
	qsort(k->key, k->n, sizeof(k->key[0]), unit_keys_cmp);
}

/* 1 when the len bytes at p contain needle. */
static inline int unit_has(const char *p, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; n && i + n <= len; i++)
		if (!memcmp(p + i, needle, n))
			return 1;
	return 0;
}

/* 1 when any string in reply r (arrays walked) contains needle. */
static inline int unit_reply_has(const redisReply *r, const char *needle)
{
	size_t i;

	if (r->type == REDIS_REPLY_ARRAY) {
		for (i = 0; i < r->elements; i++)
			if (unit_reply_has(r->element[i], needle))
				return 1;
		return 0;
	}
	return (r->type == REDIS_REPLY_STRING ||
		r->type == REDIS_REPLY_STATUS) &&
		unit_has(r->str, r->len, needle);
}

/*
 * unit_redis_dump_has: 1 when the key name or any value stored under key
 * (each element of a hash, set, sorted set or list) contains needle.
 */
static inline int unit_redis_dump_has(struct unit_redis *t, const char *key,
				      const char *needle)
{
	redisReply *type = unit_redis_cmd(t, "TYPE", key, (const char *)NULL);
	redisReply *r;
	int found;

	assert_int_equal(type->type, REDIS_REPLY_STATUS);
	if (!strcmp(type->str, "hash"))
		r = unit_redis_cmd(t, "HGETALL", key, (const char *)NULL);
	else if (!strcmp(type->str, "set"))
		r = unit_redis_cmd(t, "SMEMBERS", key, (const char *)NULL);
	else if (!strcmp(type->str, "zset"))
		r = unit_redis_cmd(t, "ZRANGE", key, "0", "-1", "WITHSCORES",
				   (const char *)NULL);
	else if (!strcmp(type->str, "list"))
		r = unit_redis_cmd(t, "LRANGE", key, "0", "-1",
				   (const char *)NULL);
	else
		r = unit_redis_cmd(t, "GET", key, (const char *)NULL);
	freeReplyObject(type);
	found = unit_has(key, strlen(key), needle) || unit_reply_has(r, needle);
	freeReplyObject(r);
	return found;
}

/*
 * unit_redis_check_all: over every key in this Redis, fail the test when
 * a key or a value contains secret (may be NULL: not looked for) or a key
 * has no TTL (TTL <= 0). *n (may be NULL) is the number of keys.
 */
static inline void unit_redis_check_all(struct unit_redis *t,
					const char *secret, size_t *n)
{
	struct unit_keys k;
	long long ttl;
	size_t i;

	unit_redis_keys(t, "*", &k);
	for (i = 0; i < k.n; i++) {
		if (secret && unit_redis_dump_has(t, k.key[i], secret)) {
			print_error("key %s holds the secret %s\n", k.key[i],
				    secret);
			fail();
		}
		ttl = unit_redis_int(t, "TTL", k.key[i]);
		if (ttl <= 0) {
			print_error("key %s has TTL %lld\n", k.key[i], ttl);
			fail();
		}
	}
	if (n)
		*n = k.n;
	unit_keys_free(&k);
}

#endif
