/*
 * kv.c - the Redis connection. See kv.h.
 */
#include "base/kv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/un.h>

#include <sodium.h>

#include "base/log.h"
#include "base/monoclock.h"
#include "base/oplog.h"

struct kv {
	char          url[KV_URL_MAX];    /* as shown: password as *** */
	char          path[KV_URL_MAX];   /* unix socket, or "" */
	char          host[256];
	int           port;
	int           dbnum;
	char          password[256];
	struct timeval timeout;
	redisContext *c;
	int           down;               /* the last attempt failed: the
					     next success is logged */
};

/* 1 when the n bytes at s are a host name or IPv4 address: letters,
 * digits, '.', '-' and '_' (nothing a resolver or a log line could take
 * for something else). */
static int host_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '-' || s[i] == '_'))
			return 0;
	return n > 0;
}

/* url as it may be logged or shown, into out (cap bytes): in a
 * "scheme://" URL, what stands between "://" and the last '@' (the
 * password) becomes "***". A unix: path is kept whole. */
static void url_shown(const char *url, char *out, size_t cap)
{
	const char *at = strrchr(url, '@'), *scheme = strstr(url, "://");

	if (at && scheme && scheme < at)
		snprintf(out, cap, "%.*s***%s", (int)(scheme + 3 - url), url,
			 at);
	else
		snprintf(out, cap, "%s", url);
}

/* Parse "redis://[:pw@]host[:port][/db]" into kv; 0 when it fits. */
static int parse_tcp(const char *rest, struct kv *kv)
{
	const char *at = strchr(rest, '@'), *slash, *colon;
	size_t n;
	char *end;

	if (at) {
		if (rest[0] != ':' || (size_t)(at - rest - 1) >=
		    sizeof(kv->password))
			return -1;
		memcpy(kv->password, rest + 1, (size_t)(at - rest - 1));
		kv->password[at - rest - 1] = '\0';
		rest = at + 1;
	}
	slash = strchr(rest, '/');
	n = slash ? (size_t)(slash - rest) : strlen(rest);
	colon = memchr(rest, ':', n);
	if (!host_ok(rest, colon ? (size_t)(colon - rest) : n) ||
	    (colon ? (size_t)(colon - rest) : n) >= sizeof(kv->host))
		return -1;
	memcpy(kv->host, rest, colon ? (size_t)(colon - rest) : n);
	kv->host[colon ? colon - rest : (long)n] = '\0';
	kv->port = 6379;
	if (colon) {
		long p;

		errno = 0;
		p = strtol(colon + 1, &end, 10);
		if (errno || end != rest + n || end == colon + 1 || p < 1 ||
		    p > 65535)
			return -1;
		kv->port = (int)p;
	}
	if (slash && slash[1]) {
		long d;

		errno = 0;
		d = strtol(slash + 1, &end, 10);
		if (errno || *end || d < 0 || d > 15)
			return -1;
		kv->dbnum = (int)d;
	}
	return 0;
}

enum err kv_open(const char *url, int timeout_ms, struct kv **out)
{
	const size_t path_max = sizeof(((struct sockaddr_un *)0)->sun_path);
	struct kv *kv;
	int bad, junk = 0;
	size_t i;

	*out = NULL;
	if (!url || strlen(url) >= KV_URL_MAX) {
		log_msg("error", "REDIS_URL is missing or too long");
		return ERR_INVAL;
	}
	if (!(kv = calloc(1, sizeof(*kv))))
		return ERR_NOMEM;
	url_shown(url, kv->url, sizeof(kv->url));
	for (i = 0; url[i]; i++)
		if ((unsigned char)url[i] < 0x20 || url[i] == 0x7f)
			junk = 1;
	if (junk) {
		bad = 1;
	} else if (!strncmp(url, "unix:", 5)) {
		/* hiredis cuts a longer path to fit sun_path, and would
		 * dial another socket */
		bad = url[5] != '/' || strlen(url + 5) >= path_max;
		snprintf(kv->path, sizeof(kv->path), "%s", url + 5);
	} else if (!strncmp(url, "redis://", 8)) {
		bad = parse_tcp(url + 8, kv) != 0;
	} else {
		bad = 1;
	}
	if (bad) {
		/* A control character would break the log line: not shown. */
		log_msg("error", "REDIS_URL %s: expected unix:/path (under "
			"%zu bytes) or redis://[:password@]host[:port][/db]",
			junk ? "(with a control character)" : kv->url,
			path_max);
		sodium_memzero(kv->password, sizeof(kv->password));
		free(kv);
		return ERR_INVAL;
	}
	kv->timeout.tv_sec = timeout_ms / 1000;
	kv->timeout.tv_usec = (timeout_ms % 1000) * 1000L;
	*out = kv;
	return ERR_OK;
}

static void drop(struct kv *kv)
{
	if (kv->c)
		redisFree(kv->c);
	kv->c = NULL;
}

void kv_close(struct kv *kv)
{
	if (!kv)
		return;
	drop(kv);
	sodium_memzero(kv->password, sizeof(kv->password));
	free(kv);
}

const char *kv_url(const struct kv *kv)
{
	return kv->url;
}

char *kv_cli(const struct kv *kv, char *out, size_t cap)
{
	if (kv->path[0])
		snprintf(out, cap, "redis-cli -s %s", kv->path);
	else if (kv->dbnum)
		snprintf(out, cap, "redis-cli -h %s -p %d -n %d", kv->host,
			 kv->port, kv->dbnum);
	else
		snprintf(out, cap, "redis-cli -h %s -p %d", kv->host,
			 kv->port);
	return out;
}

/* Log a failure once per outage: the first failed call after a success. */
static enum err fail(struct kv *kv, const char *what, const char *why)
{
	if (!kv->down)
		log_msg("error", "redis %s: %s: %s (answering 503 until it "
			"answers)", kv->url, what, why);
	kv->down = 1;
	drop(kv);
	return ERR_UNAVAILABLE;
}

/* A command was answered (any reply, an error too): Redis is back.
 * Only then, not on connect: a frozen Redis still accepts connections,
 * and that is one outage, logged once. */
static void answered(struct kv *kv)
{
	if (kv->down)
		log_msg("info", "redis %s answers again", kv->url);
	kv->down = 0;
}

/* One command with no retry, reply into *out; used by connect too. */
static enum err send_argv(struct kv *kv, int argc, const char *const *argv,
			  const size_t *len, redisReply **out)
{
	redisReply *r;

	*out = NULL;
	r = redisCommandArgv(kv->c, argc, (const char **)argv, len);
	if (!r)
		return fail(kv, argv[0], kv->c->errstr[0] ? kv->c->errstr :
			    "no reply");
	*out = r;
	return ERR_OK;
}

/* Dial, set the timeout, AUTH and SELECT. */
static enum err connect_kv(struct kv *kv)
{
	redisReply *r = NULL;
	char db[12];
	enum err e;

	kv->c = kv->path[0] ?
		redisConnectUnixWithTimeout(kv->path, kv->timeout) :
		redisConnectWithTimeout(kv->host, kv->port, kv->timeout);
	if (!kv->c)
		return fail(kv, "connect", "no memory");
	if (kv->c->err)
		return fail(kv, "connect", kv->c->errstr);
	if (redisSetTimeout(kv->c, kv->timeout) != REDIS_OK)
		return fail(kv, "connect", "cannot set the timeout");
	if (kv->password[0]) {
		const char *argv[] = { "AUTH", kv->password };

		if ((e = send_argv(kv, 2, argv, NULL, &r)))
			return e;
		if (r->type == REDIS_REPLY_ERROR) {
			e = fail(kv, "AUTH", r->str);
			freeReplyObject(r);
			return e;
		}
		freeReplyObject(r);
	}
	if (kv->dbnum) {
		const char *argv[] = { "SELECT", db };

		snprintf(db, sizeof(db), "%d", kv->dbnum);
		if ((e = send_argv(kv, 2, argv, NULL, &r)))
			return e;
		if (r->type == REDIS_REPLY_ERROR) {
			e = fail(kv, "SELECT", r->str);
			freeReplyObject(r);
			return e;
		}
		freeReplyObject(r);
	}
	return ERR_OK;
}

void kv_args_init(struct kv_args *a)
{
	a->n = 0;
	a->overflow = 0;
}

void kv_arg_bin(struct kv_args *a, const void *p, size_t len)
{
	if (a->n == KV_ARGS_MAX) {
		a->overflow = 1;
		return;
	}
	a->v[a->n] = (const char *)p;
	a->len[a->n] = len;
	a->n++;
}

void kv_arg(struct kv_args *a, const char *s)
{
	kv_arg_bin(a, s, strlen(s));
}

void kv_arg_int(struct kv_args *a, long long v)
{
	if (a->n == KV_ARGS_MAX) {
		a->overflow = 1;
		return;
	}
	snprintf(a->num[a->n], sizeof(a->num[a->n]), "%lld", v);
	kv_arg(a, a->num[a->n]);
}

/*
 * 1 when the last command failed because the server had closed this
 * connection (a restart, an idle timeout), not because it was slow: the
 * command was sent to a server that was gone, so it did not run. (The one
 * exception, a server that died between running it and answering, may
 * see it twice: a write is then one script that refuses or repeats
 * harmlessly, except that a throttle attempt could be counted twice.)
 */
static int stale(const struct kv *kv)
{
	return kv->c->err == REDIS_ERR_EOF ||
		(kv->c->err == REDIS_ERR_IO &&
		 (errno == EPIPE || errno == ECONNRESET));
}

/* Record one round trip that began at t0 in the request's oplog: label,
 * or the command and its key (oplog_kv_label). */
static void logged(int argc, const char *const *argv, const size_t *len,
		   const char *label, double t0)
{
	char buf[OPLOG_LABEL_MAX];

	oplog_add("redis", label ? label :
		  oplog_kv_label(argc, argv, len, buf, sizeof(buf)),
		  clock_mono_us() - t0);
}

/*
 * Send argv; an error reply is ERR_UNAVAILABLE except NOSCRIPT when
 * noscript_ok (kv_eval loads the script then), which comes back as a
 * reply with *noscript set. The round trip goes into the oplog as label
 * (NULL: the command and its key).
 */
static enum err run_argv(struct kv *kv, int argc, const char *const *argv,
			 const size_t *len, redisReply **out, int *noscript,
			 const char *label)
{
	redisReply *r;
	double t0 = clock_mono_us();
	enum err e;

	*out = NULL;
	if (noscript)
		*noscript = 0;
	if (!kv->c && (e = connect_kv(kv)))
		return e;
	r = redisCommandArgv(kv->c, argc, (const char **)argv, len);
	if (!r && stale(kv)) {
		/* Redis restarted since this connection was made: once more,
		 * on a new connection. */
		drop(kv);
		if ((e = connect_kv(kv)))
			return e;
		r = redisCommandArgv(kv->c, argc, (const char **)argv, len);
	}
	logged(argc, argv, len, label, t0);
	if (!r)
		return fail(kv, argv[0], kv->c->errstr[0] ? kv->c->errstr :
			    "no reply");
	answered(kv);
	if (r->type == REDIS_REPLY_ERROR) {
		if (noscript && !strncmp(r->str, "NOSCRIPT", 8)) {
			*noscript = 1;
			freeReplyObject(r);
			return ERR_OK;
		}
		/* The connection is fine; the error is the answer. */
		log_msg("error", "redis %s: %s: %s", kv->url, argv[0], r->str);
		freeReplyObject(r);
		return ERR_UNAVAILABLE;
	}
	*out = r;
	return ERR_OK;
}

enum err kv_run(struct kv *kv, const struct kv_args *a, redisReply **out)
{
	*out = NULL;
	if (a->overflow || a->n == 0)
		return ERR_INVAL;
	return run_argv(kv, a->n, a->v, a->len, out, NULL, NULL);
}

static void free_replies(redisReply **out, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (out[i])
			freeReplyObject(out[i]);
		out[i] = NULL;
	}
}

/* Send the n commands of a, then read their n replies into out: 1 when
 * all came, 0 when the connection failed (kv->c says why), -1 when a
 * reply was an error (logged; all read, the connection in step). */
static int pipeline_once(struct kv *kv, const struct kv_args *a, int n,
			 redisReply **out)
{
	char label[OPLOG_LABEL_MAX], one[OPLOG_LABEL_MAX];
	double t0 = clock_mono_us();
	size_t used = 0;
	int i, rc = 1;

	/* One oplog entry for the round trip: "HGETALL k | TTL k". */
	label[0] = '\0';
	for (i = 0; i < n; i++) {
		oplog_kv_label(a[i].n, a[i].v, a[i].len, one, sizeof(one));
		used += (size_t)snprintf(label + used, sizeof(label) - used,
					 "%s%s", i ? " | " : "", one);
		if (used >= sizeof(label))
			break;
	}

	for (i = 0; i < n; i++) {
		out[i] = NULL;
		redisAppendCommandArgv(kv->c, a[i].n, (const char **)a[i].v,
				       a[i].len);
	}
	for (i = 0; i < n; i++) {
		if (redisGetReply(kv->c, (void **)&out[i]) != REDIS_OK) {
			out[i] = NULL;
			free_replies(out, n);
			oplog_add("redis", label, clock_mono_us() - t0);
			return 0;
		}
		answered(kv);
		if (out[i]->type == REDIS_REPLY_ERROR) {
			if (rc > 0)
				log_msg("error", "redis %s: %s: %s", kv->url,
					a[i].v[0], out[i]->str);
			rc = -1;
		}
	}
	oplog_add("redis", label, clock_mono_us() - t0);
	if (rc < 0)
		free_replies(out, n);
	return rc;
}

enum err kv_pipeline(struct kv *kv, const struct kv_args *a, int n,
		     redisReply **out)
{
	enum err e;
	int i, rc;

	for (i = 0; i < n; i++)
		out[i] = NULL;
	if (n < 1)
		return ERR_INVAL;
	for (i = 0; i < n; i++)
		if (a[i].overflow || a[i].n == 0)
			return ERR_INVAL;
	if (!kv->c && (e = connect_kv(kv)))
		return e;
	rc = pipeline_once(kv, a, n, out);
	if (rc == 0 && stale(kv)) {
		drop(kv);
		if ((e = connect_kv(kv)))
			return e;
		rc = pipeline_once(kv, a, n, out);
	}
	if (rc == 0)
		return fail(kv, a[0].v[0], kv->c->errstr[0] ? kv->c->errstr :
			    "no reply");
	return rc < 0 ? ERR_UNAVAILABLE : ERR_OK;
}

/* SCRIPT LOAD s, keeping the SHA Redis answers. */
static enum err load_script(struct kv *kv, struct kv_script *s)
{
	const char *argv[] = { "SCRIPT", "LOAD", s->lua };
	redisReply *r;
	enum err e;

	if ((e = run_argv(kv, 3, argv, NULL, &r, NULL, NULL)))
		return e;
	if (r->type != REDIS_REPLY_STRING || r->len != 40) {
		freeReplyObject(r);
		return fail(kv, "SCRIPT LOAD", s->name);
	}
	memcpy(s->sha, r->str, 40);
	s->sha[40] = '\0';
	freeReplyObject(r);
	return ERR_OK;
}

enum err kv_eval(struct kv *kv, struct kv_script *s, int nkeys,
		 const struct kv_args *a, redisReply **out)
{
	const char *argv[KV_ARGS_MAX + 3];
	size_t len[KV_ARGS_MAX + 3];
	char nk[12], label[OPLOG_LABEL_MAX];
	int i, tries, noscript;
	enum err e;

	*out = NULL;
	if (a->overflow || nkeys > a->n)
		return ERR_INVAL;
	snprintf(nk, sizeof(nk), "%d", nkeys);
	for (tries = 0; tries < 2; tries++) {
		if (!s->sha[0] && (e = load_script(kv, s)))
			return e;
		argv[0] = "EVALSHA";
		len[0] = 7;
		argv[1] = s->sha;
		len[1] = 40;
		argv[2] = nk;
		len[2] = strlen(nk);
		for (i = 0; i < a->n; i++) {
			argv[i + 3] = a->v[i];
			len[i + 3] = a->len[i];
		}
		snprintf(label, sizeof(label), "EVALSHA %s", s->name);
		if ((e = run_argv(kv, a->n + 3, argv, len, out, &noscript,
				  label)))
			return e;
		if (!noscript)
			return ERR_OK;
		s->sha[0] = '\0';      /* Redis restarted: load it again */
	}
	return fail(kv, "EVALSHA", s->name);
}

enum err kv_scan(struct kv *kv, const char *pattern,
		 enum err (*fn)(const char *key, size_t len, void *arg),
		 void *arg)
{
	char cursor[32] = "0";
	struct kv_args a;
	redisReply *r;
	enum err e = ERR_OK;
	size_t i;

	do {
		kv_args_init(&a);
		kv_arg(&a, "SCAN");
		kv_arg(&a, cursor);
		kv_arg(&a, "MATCH");
		kv_arg(&a, pattern);
		kv_arg(&a, "COUNT");
		kv_arg(&a, "500");
		if ((e = kv_run(kv, &a, &r)))
			return e;
		if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		    r->element[0]->type != REDIS_REPLY_STRING ||
		    r->element[0]->len >= sizeof(cursor) ||
		    r->element[1]->type != REDIS_REPLY_ARRAY) {
			kv_reply_free(r);
			return fail(kv, "SCAN", "unexpected reply");
		}
		memcpy(cursor, r->element[0]->str, r->element[0]->len);
		cursor[r->element[0]->len] = '\0';
		for (i = 0; i < r->element[1]->elements && !e; i++) {
			const redisReply *k = r->element[1]->element[i];

			if (k->type == REDIS_REPLY_STRING)
				e = fn(k->str, k->len, arg);
		}
		kv_reply_free(r);
	} while (!e && strcmp(cursor, "0"));
	return e;
}

struct del_walk {
	struct kv *kv;
	long long  n;
};

/* kv_scan callback: DEL one key, counting it when it existed. */
static enum err del_one(const char *key, size_t len, void *arg)
{
	struct del_walk *w = arg;
	struct kv_args a;
	redisReply *r;
	enum err e;

	kv_args_init(&a);
	kv_arg(&a, "DEL");
	kv_arg_bin(&a, key, len);
	if ((e = kv_run(w->kv, &a, &r)))
		return e;
	w->n += kv_reply_int(r, -1, 0);
	kv_reply_free(r);
	return ERR_OK;
}

enum err kv_del_matching(struct kv *kv, const char *pattern, long long *n)
{
	struct del_walk w = { kv, 0 };
	enum err e = kv_scan(kv, pattern, del_one, &w);

	if (n)
		*n = e ? 0 : w.n;
	return e;
}

enum err kv_eval_int(struct kv *kv, struct kv_script *s, int nkeys,
		     const struct kv_args *a, long long *out)
{
	redisReply *r;
	enum err e;

	*out = 0;
	if ((e = kv_eval(kv, s, nkeys, a, &r)))
		return e;
	if (r->type == REDIS_REPLY_INTEGER) {
		*out = r->integer;
	} else {
		log_msg("error", "redis %s: not an integer", s->name);
		e = ERR_UNAVAILABLE;
	}
	kv_reply_free(r);
	return e;
}

void kv_reply_copy(const redisReply *r, int i, char *dst, size_t cap)
{
	size_t len = 0;
	const char *p = kv_reply_str(r, i, &len);

	if (!p)
		len = 0;
	if (len >= cap)
		len = cap - 1;
	if (len)
		memcpy(dst, p, len);
	dst[len] = '\0';
}

void kv_reply_free(redisReply *r)
{
	if (r)
		freeReplyObject(r);
}

/* Element i of r, or r itself when i < 0; NULL when absent. */
static const redisReply *elem(const redisReply *r, int i)
{
	if (!r)
		return NULL;
	if (i < 0)
		return r;
	if (r->type != REDIS_REPLY_ARRAY || (size_t)i >= r->elements)
		return NULL;
	return r->element[i];
}

long long kv_reply_int(const redisReply *r, int i, long long def)
{
	const redisReply *x = elem(r, i);

	return x && x->type == REDIS_REPLY_INTEGER ? x->integer : def;
}

const char *kv_reply_str(const redisReply *r, int i, size_t *len)
{
	const redisReply *x = elem(r, i);

	if (!x || (x->type != REDIS_REPLY_STRING &&
		   x->type != REDIS_REPLY_STATUS))
		return NULL;
	if (len)
		*len = x->len;
	return x->str;
}

long long kv_reply_ll(const redisReply *r, int i, long long def)
{
	const redisReply *x = elem(r, i);
	char buf[24], *end;
	long long v;

	if (!x)
		return def;
	if (x->type == REDIS_REPLY_INTEGER)
		return x->integer;
	if (x->type != REDIS_REPLY_STRING || x->len == 0 ||
	    x->len >= sizeof(buf))
		return def;
	memcpy(buf, x->str, x->len);
	buf[x->len] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	return errno || *end ? def : v;
}
