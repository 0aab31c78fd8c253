/*
 * test_kv_redis.c - the Redis connection under the public interfaces:
 * store_open's SESSION_STORE and REDIS_URL (good and hostile URLs, parsed
 * without dialling; a password never in a log line or kv_url), Redis
 * stopped, frozen, full, restarted under an idle connection or without
 * its scripts (every public call ERR_UNAVAILABLE while it cannot answer,
 * never a crash, and the next call after it is back works), and
 * store_reset, which forgets the state keys and keeps the blacklist.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "state/auth.h"
#include "state/refresh.h"
#include "state/session.h"
#include "unit.h"
#include "unit_redis.h"

static const struct session_config cfg = { 100, 1000, 5000 };

#define A_TOKEN "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

/* ---- store_open and the URL ------------------------------------------ */

/* store_open with SESSION_STORE=redis and REDIS_URL=url on db; the
 * result, with db->kv closed again after. *shown gets kv_url's form. */
static enum err open_url(struct db *db, const char *url, char *shown,
			 size_t cap)
{
	enum err e = unit_redis_open_store(db, url);

	shown[0] = '\0';
	if (db->kv) {
		snprintf(shown, cap, "%s", kv_url(db->kv));
		kv_close(db->kv);
		db->kv = NULL;
	}
	unit_redis_env_clear();
	return e;
}

static void test_urls(void **state)
{
	static const struct { const char *url, *shown; } good[] = {
		{ "unix:/p", "unix:/p" },
		{ "unix:/tmp/a dir/redis.sock", "unix:/tmp/a dir/redis.sock" },
		{ "unix:/tmp/a@b/redis.sock", "unix:/tmp/a@b/redis.sock" },
		{ "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0" },
		{ "redis://:pw@h:1/2", "redis://***@h:1/2" },
		{ "redis://localhost", "redis://localhost" },
		{ "redis://h/", "redis://h/" },
		{ "redis://h/15", "redis://h/15" },
		{ "redis://h:65535", "redis://h:65535" },
		{ "redis://my-redis.internal_1:6380", "redis://my-redis."
		  "internal_1:6380" },
	};
	static const char *const bad[] = {
		"", "redis://", "redis:/h", "redis:", "http://x", "unix:",
		"unix:p", "unix", "UNIX:/p", " unix:/p", "REDIS://h",
		"redis://h:", "redis://h:0", "redis://h:65536", "redis://h:-1",
		"redis://h:1x", "redis://h:99999999999999999999",
		"redis://h/16", "redis://h/-1", "redis://h/x", "redis://h/1/2",
		"redis://h/1 ", "redis://a@h", "redis://:pw@", "redis://:pw@:1",
		"redis://h o st", "redis://h\r\nFLUSHALL", "redis://h\tx",
		"unix:/tmp/x\n", "unix:/tmp/\x1b[2J", "redis://[::1]:6379",
		"redis://h:1@x", "redis://:p@w@h", "redis://h;rm",
		"redis://h/0?x", "redis://:pw@h:1/2 junk",
	};
	struct unit_db *f = *state;
	char shown[KV_URL_MAX], *s;
	size_t i;
	enum err e;

	for (i = 0; i < NROWS(good); i++) {
		e = open_url(f->db, good[i].url, shown, sizeof(shown));
		if (e)
			print_error("%s: %d\n", good[i].url, (int)e);
		CHECK(e == ERR_OK, i);
		CHECK(!strcmp(shown, good[i].shown), i);
	}
	for (i = 0; i < NROWS(bad); i++) {
		e = open_url(f->db, bad[i], shown, sizeof(shown));
		if (e != ERR_INVAL)
			print_error("accepted: %s\n", bad[i]);
		CHECK(e == ERR_INVAL, i);
		CHECK(f->db->kv == NULL, i);
	}
	/* long ones: 10 kB; a unix path one byte past what sun_path holds
	 * (hiredis would cut it and dial another socket) and one that fits;
	 * a host and a password past their fields */
	s = repeat('a', 10240);
	memcpy(s, "unix:/", 6);
	assert_int_equal(open_url(f->db, s, shown, sizeof(shown)), ERR_INVAL);
	memcpy(s, "redis://", 8);
	assert_int_equal(open_url(f->db, s, shown, sizeof(shown)), ERR_INVAL);
	s[5 + 108] = '\0';
	memcpy(s, "unix:/", 6);
	assert_int_equal(open_url(f->db, s, shown, sizeof(shown)), ERR_INVAL);
	s[5 + 107] = '\0';
	assert_int_equal(open_url(f->db, s, shown, sizeof(shown)), ERR_OK);
	free(s);
	s = repeat('h', 8 + 256);
	memcpy(s, "redis://", 8);
	assert_int_equal(open_url(f->db, s, shown, sizeof(shown)), ERR_INVAL);
	s[8 + 255] = '\0';
	assert_int_equal(open_url(f->db, s, shown, sizeof(shown)), ERR_OK);
	free(s);
	s = repeat('p', 8 + 1 + 256 + 2);
	memcpy(s, "redis://:", 9);
	memcpy(s + 9 + 256, "@h", 2);
	assert_int_equal(open_url(f->db, s, shown, sizeof(shown)), ERR_INVAL);
	memcpy(s + 9 + 255, "@h", 3);
	assert_int_equal(open_url(f->db, s, shown, sizeof(shown)), ERR_OK);
	assert_string_equal(shown, "redis://***@h");
	free(s);
}

static void test_store_kind(void **state)
{
	static const struct { const char *kind; enum err want; } rows[] = {
		{ NULL, ERR_OK }, { "", ERR_OK }, { "sqlite", ERR_OK },
		{ "Redis", ERR_INVAL }, { "SQLITE", ERR_INVAL },
		{ "memcached", ERR_INVAL }, { "redis ", ERR_INVAL },
	};
	struct unit_db *f = *state;
	long long n = 7;
	size_t i;

	for (i = 0; i < NROWS(rows); i++) {
		unit_redis_env_clear();
		if (rows[i].kind)
			setenv("SESSION_STORE", rows[i].kind, 1);
		setenv("REDIS_URL", "unix:/p", 1);
		CHECK(store_open(f->db) == rows[i].want, i);
		CHECK(f->db->kv == NULL, i);
		CHECK(!strcmp(store_name(f->db), "sqlite"), i);
	}
	/* redis with no URL */
	unit_redis_env_clear();
	setenv("SESSION_STORE", "redis", 1);
	assert_int_equal(store_open(f->db), ERR_INVAL);
	assert_null(f->db->kv);
	/* a bad timeout is logged and the default used */
	setenv("REDIS_URL", "unix:/p", 1);
	setenv("REDIS_TIMEOUT_MS", "lots", 1);
	assert_int_equal(store_open(f->db), ERR_OK);
	assert_non_null(f->db->kv);
	assert_string_equal(store_name(f->db), "redis");
	kv_close(f->db->kv);
	f->db->kv = NULL;
	unit_redis_env_clear();
	/* store_reset on SQLite: nothing to do */
	assert_int_equal(store_reset(f->db, &n), ERR_OK);
	assert_int_equal(n, 0);
}

/* Run fn(arg) with stderr going to a file; what was written,
 * malloc'd. */
static char *stderr_of(void (*fn)(void *arg), void *arg)
{
	char path[] = "/tmp/unit_kv_log_XXXXXX", *text;
	int fd = mkstemp(path), saved;
	FILE *fp;
	long len;

	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	dup2(fd, 2);
	fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	fp = fopen(path, "r");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	text = calloc(1, (size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	unlink(path);
	return text;
}

static void open_bad_with_password(void *arg)
{
	struct db *db = arg;
	char shown[KV_URL_MAX];

	assert_int_equal(open_url(db, "redis://:hunter2@", shown,
				  sizeof(shown)), ERR_INVAL);
	assert_int_equal(open_url(db, "redis://:hunter2@h:1/99", shown,
				  sizeof(shown)), ERR_INVAL);
	assert_int_equal(open_url(db, "redis://:hunter2@h\n:1", shown,
				  sizeof(shown)), ERR_INVAL);
	assert_int_equal(open_url(db, "redis://:hunter2@h:1/2", shown,
				  sizeof(shown)), ERR_OK);
	assert_null(strstr(shown, "hunter2"));
}

/* A password is never logged, nor a control character of a bad URL. */
static void test_url_log(void **state)
{
	struct unit_db *f = *state;
	char *log = stderr_of(open_bad_with_password, f->db);

	assert_non_null(strstr(log, "REDIS_URL"));
	assert_non_null(strstr(log, "redis://***@h:1/99"));
	assert_non_null(strstr(log, "control character"));
	if (strstr(log, "hunter2"))
		print_error("log: %s\n", log);
	assert_null(strstr(log, "hunter2"));
	free(log);
}

/* ---- Redis that cannot answer ---------------------------------------- */

/* One public call of each kind: its result. */
static enum err call_create(struct db *db)
{
	struct session s;
	enum err e;

	session_init(&s);
	e = session_create(db, &cfg, 1000, "UA", "a", &s);
	if (!e)
		assert_int_equal(strlen(s.id), SESSION_ID_LEN);
	else
		assert_null(s.data);
	session_cleanup(&s);
	return e;
}

static enum err call_load(struct db *db)
{
	struct session s;
	enum session_miss miss;
	enum err e;

	session_init(&s);
	e = session_load(db, A_TOKEN, 1000, &s, &miss);
	assert_null(s.data);
	session_cleanup(&s);
	return e == ERR_NOTFOUND ? ERR_OK : e;
}

static enum err call_list(struct db *db)
{
	struct session_info list[SESSION_LIST_MAX];
	size_t n = 9;
	enum err e = session_list_user(db, 5, 1000, list, &n);

	if (e)
		assert_int_equal(n, 0);
	return e;
}

static enum err call_count(struct db *db)
{
	long long total, users;

	return session_count_live(db, 1000, &total, &users);
}

static enum err call_revoke_all(struct db *db)
{
	int n;

	return session_revoke_all(db, &n);
}

static enum err call_refresh_login(struct db *db)
{
	char out[REFRESH_TOKEN_LEN + 1];
	long long fid = 7;
	enum err e = refresh_login(db, 5, TOKEN_HS256, 0, "j", 1300, "UA",
				   "a", 1000, 600, out, &fid);

	if (e) {
		assert_int_equal(fid, 0);
		assert_string_equal(out, "");
	}
	return e;
}

static enum err call_rotate(struct db *db)
{
	char out[REFRESH_TOKEN_LEN + 1];
	struct refresh_family fam;
	enum refresh_outcome o = REFRESH_OK;
	enum err e = refresh_rotate(db, A_TOKEN, NULL, "j", 1300, 1000, 600,
				    out, &fam, &o);

	assert_int_equal(o, REFRESH_UNKNOWN);
	assert_string_equal(out, "");
	return e;
}

static enum err call_find(struct db *db)
{
	struct refresh_family fam;
	enum err e = refresh_find(db, A_TOKEN, &fam);

	return e == ERR_NOTFOUND ? ERR_OK : e;
}

static enum err call_families(struct db *db)
{
	json_t *j = NULL;
	enum err e = refresh_families_json(db, 5, &j);

	if (e)
		assert_null(j);
	json_decref(j);
	return e;
}

static enum err call_blacklist(struct db *db)
{
	return refresh_blacklist_add(db, "jti-down", 2000, 1000);
}

static enum err call_blacklisted(struct db *db)
{
	int yes = 1;
	enum err e = refresh_blacklisted(db, "jti-down", &yes);

	if (e)
		assert_int_equal(yes, 0);
	return e;
}

static enum err call_claim(struct db *db)
{
	long long retry, attempt = 9;
	enum err e = auth_throttle_claim(db, "carol", 1000, &retry, &attempt);

	if (e)
		assert_int_equal(attempt, 0);
	return e;
}

static enum err call_login(struct db *db)
{
	struct user u;
	long long retry;
	enum err e = auth_login(db, "nobody", "x", 1000, &u, &retry);

	assert_int_equal(u.id, 0);
	return e == ERR_AUTH ? ERR_OK : e;
}

static enum err call_reset(struct db *db)
{
	long long n = 9;
	enum err e = store_reset(db, &n);

	if (e)
		assert_int_equal(n, 0);
	return e;
}

static const struct {
	const char *name;
	enum err  (*fn)(struct db *db);
} calls[] = {
	{ "session_create", call_create },
	{ "session_load", call_load },
	{ "session_list_user", call_list },
	{ "session_count_live", call_count },
	{ "session_revoke_all", call_revoke_all },
	{ "refresh_login", call_refresh_login },
	{ "refresh_rotate", call_rotate },
	{ "refresh_find", call_find },
	{ "refresh_families_json", call_families },
	{ "refresh_blacklist_add", call_blacklist },
	{ "refresh_blacklisted", call_blacklisted },
	{ "auth_throttle_claim", call_claim },
	{ "auth_login", call_login },
	{ "store_reset", call_reset },
};

/* Every call answers want (ERR_UNAVAILABLE, or ERR_OK), each within
 * limit_ms. */
static void all_calls(struct db *db, enum err want, long long limit_ms)
{
	long long t0;
	size_t i;
	enum err e;

	for (i = 0; i < NROWS(calls); i++) {
		t0 = unit_redis_ms();
		e = calls[i].fn(db);
		if (e != want)
			print_error("%s: %d, want %d\n", calls[i].name, (int)e,
				    (int)want);
		CHECK(e == want, i);
		CHECK(unit_redis_ms() - t0 < limit_ms, i);
	}
}

/* How many times needle occurs in text. */
static int occurs(const char *text, const char *needle)
{
	int n = 0;

	for (; (text = strstr(text, needle)); text += strlen(needle))
		n++;
	return n;
}

static void stopped_and_back(void *arg)
{
	struct unit_redis *t = arg;

	/* stopped under an open connection */
	assert_int_equal(unit_redis_stop(t), 0);
	all_calls(t->u.db, ERR_UNAVAILABLE, 2000);
	all_calls(t->u.db, ERR_UNAVAILABLE, 2000);    /* still, reconnecting */
	/* back on the same socket, empty: the next call works */
	assert_int_equal(unit_redis_start(t), 0);
	all_calls(t->u.db, ERR_OK, 2000);
}

static void test_stopped_and_back(void **state)
{
	struct unit_redis *t = *state;
	char *log;

	all_calls(t->u.db, ERR_OK, 2000);
	log = stderr_of(stopped_and_back, t);
	/* one outage: one error line, one line when it is back */
	if (occurs(log, " error: ") != 1 || occurs(log, "answers again") != 1)
		print_error("log:\n%s", log);
	assert_int_equal(occurs(log, " error: "), 1);
	assert_int_equal(occurs(log, "answers again"), 1);
	assert_true(strstr(log, " error: ") < strstr(log, "answers again"));
	free(log);
	assert_int_equal(unit_redis_connect(t), 0);
	unit_redis_check_all(t, NULL, NULL);
}

/* Two outages seen only by session loads (one pipeline each): each is
 * logged, and so is each return. */
static void two_outages(void *arg)
{
	struct unit_redis *t = arg;
	int i;

	for (i = 0; i < 2; i++) {
		assert_int_equal(unit_redis_stop(t), 0);
		assert_int_equal(call_load(t->u.db), ERR_UNAVAILABLE);
		assert_int_equal(call_load(t->u.db), ERR_UNAVAILABLE);
		assert_int_equal(unit_redis_start(t), 0);
		assert_int_equal(call_load(t->u.db), ERR_OK);
		assert_int_equal(call_load(t->u.db), ERR_OK);
	}
}

static void test_outages_logged(void **state)
{
	struct unit_redis *t = *state;
	char *log;

	assert_int_equal(call_load(t->u.db), ERR_OK);
	log = stderr_of(two_outages, t);
	if (occurs(log, " error: ") != 2 || occurs(log, "answers again") != 2)
		print_error("log:\n%s", log);
	assert_int_equal(occurs(log, " error: "), 2);
	assert_int_equal(occurs(log, "answers again"), 2);
	free(log);
}

/* Redis restarted while the connection was idle: the first command
 * meets a closed socket, is sent once more on a new connection, and its
 * script (forgotten by the new server) is loaded again. */
static void test_restart_under_idle_connection(void **state)
{
	struct unit_redis *t = *state;
	size_t i;
	enum err e;

	for (i = 0; i < NROWS(calls); i++) {
		assert_int_equal(call_create(t->u.db), ERR_OK);
		assert_int_equal(unit_redis_stop(t), 0);
		assert_int_equal(unit_redis_start(t), 0);
		/* the first call after the restart, of every kind */
		e = calls[i].fn(t->u.db);
		if (e != ERR_OK)
			print_error("%s after a restart: %d\n",
				    calls[i].name, (int)e);
		CHECK(e == ERR_OK, i);
	}
}

/* SCRIPT FLUSH: every script is loaded again on its next use. */
static void test_noscript(void **state)
{
	struct unit_redis *t = *state;
	redisReply *r;
	size_t i;

	all_calls(t->u.db, ERR_OK, 2000);
	for (i = 0; i < NROWS(calls); i++) {
		r = unit_redis_cmd(t, "SCRIPT", "FLUSH", (const char *)NULL);
		freeReplyObject(r);
		CHECK(calls[i].fn(t->u.db) == ERR_OK, i);
	}
}

static void frozen(void *arg)
{
	struct unit_redis *t = arg;
	long long t0;

	assert_int_equal(kill(t->pid, SIGSTOP), 0);
	t0 = unit_redis_ms();
	assert_int_equal(call_create(t->u.db), ERR_UNAVAILABLE);
	assert_int_equal(call_blacklisted(t->u.db), ERR_UNAVAILABLE);
	assert_int_equal(call_rotate(t->u.db), ERR_UNAVAILABLE);
	assert_int_equal(call_claim(t->u.db), ERR_UNAVAILABLE);
	/* each gave up after REDIS_TIMEOUT_MS, not later */
	assert_true(unit_redis_ms() - t0 < 4 * 1000);
	assert_int_equal(kill(t->pid, SIGCONT), 0);
	all_calls(t->u.db, ERR_OK, 2000);
}

/* Frozen (SIGSTOP): each call gives up after REDIS_TIMEOUT_MS; Redis
 * still takes connections then, which is not "answers again". */
static void test_frozen(void **state)
{
	struct unit_redis *t = *state;
	char *log;

	assert_int_equal(call_create(t->u.db), ERR_OK);
	log = stderr_of(frozen, t);
	if (occurs(log, " error: ") != 1 || occurs(log, "answers again") != 1)
		print_error("log:\n%s", log);
	assert_int_equal(occurs(log, " error: "), 1);
	assert_int_equal(occurs(log, "answers again"), 1);
	free(log);
}

/* total_connections_received from INFO stats. */
static long long connections(struct unit_redis *t)
{
	redisReply *r = unit_redis_cmd(t, "INFO", "stats", (const char *)NULL);
	const char *p;
	long long n;

	assert_int_equal(r->type, REDIS_REPLY_STRING);
	p = strstr(r->str, "total_connections_received:");
	assert_non_null(p);
	n = strtoll(p + strlen("total_connections_received:"), NULL, 10);
	freeReplyObject(r);
	return n;
}

/* Full (maxmemory reached): a write refused with an error reply is
 * ERR_UNAVAILABLE; reads still work, on the same connection. (A script
 * whose first write Redis lets through, a DEL or ZREMRANGEBYSCORE, may
 * go on writing: Redis's rule, not the back end's.) */
static void test_full(void **state)
{
	struct unit_redis *t = *state;
	long long conns;
	redisReply *r;

	assert_int_equal(call_create(t->u.db), ERR_OK);
	conns = connections(t);
	r = unit_redis_cmd(t, "CONFIG", "SET", "maxmemory", "1",
			   (const char *)NULL);
	assert_int_equal(r->type, REDIS_REPLY_STATUS);
	freeReplyObject(r);
	assert_int_equal(call_create(t->u.db), ERR_UNAVAILABLE);
	assert_int_equal(call_create(t->u.db), ERR_UNAVAILABLE);
	assert_int_equal(call_blacklisted(t->u.db), ERR_OK);
	assert_int_equal(call_find(t->u.db), ERR_OK);
	assert_int_equal(call_load(t->u.db), ERR_OK);
	assert_int_equal(connections(t), conns);      /* no reconnect */
	r = unit_redis_cmd(t, "CONFIG", "SET", "maxmemory", "0",
			   (const char *)NULL);
	freeReplyObject(r);
	all_calls(t->u.db, ERR_OK, 2000);
}

/* A socket path nobody listens on: store_open is fine (nothing is
 * dialled), every call ERR_UNAVAILABLE, quickly. */
static void test_no_server(void **state)
{
	struct unit_db *f = *state;
	char url[sizeof(f->dir) + 32];

	snprintf(url, sizeof(url), "unix:%s/nobody.sock", f->dir);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(unit_redis_open_store(f->db, url), ERR_OK);
	assert_non_null(f->db->kv);
	all_calls(f->db, ERR_UNAVAILABLE, 1000);
	unit_redis_env_clear();
}

/* ---- store_reset ----------------------------------------------------- */

static void test_store_reset(void **state)
{
	static const char *const kept[] = {
		"blacklist:jti-0", "blacklist:jti-keep", "other:key",
		"sessionx", "user:5:profile",
	};
	struct unit_redis *t = *state;
	struct db *db = t->u.db;
	struct session s, g;
	enum session_miss miss;
	char tok[REFRESH_TOKEN_LEN + 1], next[REFRESH_TOKEN_LEN + 1];
	struct refresh_family fam;
	enum refresh_outcome o;
	struct unit_keys k;
	long long fid, retry, attempt, n;
	redisReply *r;
	size_t before, i;
	int yes;

	session_init(&s);
	session_init(&g);
	assert_int_equal(session_create(db, &cfg, 1000, "", "", &s), ERR_OK);
	assert_int_equal(session_login(db, &s, &cfg, 1000, 5, 0), ERR_OK);
	assert_int_equal(session_create(db, &cfg, 1000, "", "", &g), ERR_OK);
	assert_int_equal(refresh_login(db, 5, TOKEN_HS256, 0, "jti-0", 1300,
				       "UA", "a", 1000, 600, tok, &fid),
			 ERR_OK);
	assert_int_equal(refresh_rotate(db, tok, NULL, "jti-1", 1400, 1010,
					600, next, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_OK);
	assert_int_equal(refresh_login(db, 5, TOKEN_HS256, 0, "jti-0", 1300,
				       "UA", "a", 1000, 600, tok, &fid),
			 ERR_OK);
	assert_int_equal(refresh_revoke(db, fid, 5, "logout", 1020, NULL),
			 ERR_OK);
	assert_int_equal(auth_throttle_claim(db, "carol", 1000, &retry,
					     &attempt), ERR_OK);
	assert_int_equal(refresh_blacklist_add(db, "jti-keep", 2000, 1000),
			 ERR_OK);
	r = unit_redis_cmd(t, "SET", "other:key", "1", "EX", "100",
			   (const char *)NULL);
	freeReplyObject(r);
	r = unit_redis_cmd(t, "SET", "sessionx", "1", "EX", "100",
			   (const char *)NULL);
	freeReplyObject(r);
	r = unit_redis_cmd(t, "SET", "user:5:profile", "1", "EX", "100",
			   (const char *)NULL);
	freeReplyObject(r);
	unit_redis_check_all(t, NULL, &before);
	/* sessions 2, user set 1, refresh tokens 3, families 2 + events 2,
	 * user families 1, throttle 1, blacklist 2, others 3 */
	assert_int_equal(before, 17);

	assert_int_equal(store_reset(db, &n), ERR_OK);
	assert_int_equal(n, (long long)(before - NROWS(kept)));
	unit_redis_keys(t, "*", &k);
	assert_int_equal(k.n, NROWS(kept));
	for (i = 0; i < k.n; i++)
		CHECK(!strcmp(k.key[i], kept[i]), i);
	unit_keys_free(&k);
	/* what is gone is gone; the blacklist still refuses */
	assert_int_equal(session_load(db, s.id, 1001, &g, &miss),
			 ERR_NOTFOUND);
	assert_int_equal(miss, SESSION_MISS_UNKNOWN);
	assert_int_equal(refresh_rotate(db, next, NULL, "j", 1400, 1030, 600,
					tok, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_UNKNOWN);
	assert_int_equal(refresh_blacklisted(db, "jti-keep", &yes), ERR_OK);
	assert_int_equal(yes, 1);
	assert_int_equal(refresh_blacklisted(db, "jti-0", &yes), ERR_OK);
	assert_int_equal(yes, 1);
	/* again: nothing left to forget */
	assert_int_equal(store_reset(db, &n), ERR_OK);
	assert_int_equal(n, 0);
	session_cleanup(&s);
	session_cleanup(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_DB_TEST(test_urls),
		UNIT_DB_TEST(test_store_kind),
		UNIT_DB_TEST(test_url_log),
		UNIT_DB_TEST(test_no_server),
		UNIT_REDIS_TEST(test_stopped_and_back),
		UNIT_REDIS_TEST(test_outages_logged),
		UNIT_REDIS_TEST(test_restart_under_idle_connection),
		UNIT_REDIS_TEST(test_noscript),
		UNIT_REDIS_TEST(test_frozen),
		UNIT_REDIS_TEST(test_full),
		UNIT_REDIS_TEST(test_store_reset),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
