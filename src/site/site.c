/*
 * site.c - accept loop, routing, per-request context, layout and error
 * mapping. See site.h.
 */
#include "site/site.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "base/clock.h"
#include "base/config.h"
#include "site/csrf.h"
#include "http/origin.h"
#include "base/keys.h"
#include "base/log.h"
#include "base/oplog.h"
#include "site/prefs.h"
#include "site/route.h"
#include "state/store.h"
#include "site/wire.h"

#define SESSION_COOKIE       "sid"
#define SESSION_COOKIE_HTTPS "__Host-sid"
#define PURGE_EVERY          500   /* requests between expired-row purges */

/* Content-Security-Policy: no inline script or style, no framing. */
static const char csp[] =
	"default-src 'self'; script-src 'self'; style-src 'self'; "
	"img-src 'self' data:; object-src 'none'; base-uri 'none'; "
	"form-action 'self'; frame-ancestors 'none'";

static struct site_config config;
static struct db *site_db;

int site_status_for(enum err e)
{
	switch (e) {
	case ERR_OK:        return 200;
	case ERR_INVAL:     return 400;
	case ERR_TOOBIG:    return 413;
	case ERR_NOTFOUND:  return 404;
	case ERR_METHOD:    return 405;
	case ERR_AUTH:      return 401;
	case ERR_FORBIDDEN: return 403;
	case ERR_THROTTLED: return 429;
	case ERR_CONFLICT:  return 409;
	case ERR_UNAVAILABLE: return 503;
	case ERR_DB:
	case ERR_CRYPTO:
	case ERR_NOMEM:
	case ERR_INTERNAL:  break;
	}
	return 500;
}

/* The site clock: every deadline is computed from this (clock.h). */
static long long site_now(void)
{
	return clock_now(site_db);
}

static const char *fcgi_get(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

/*
 * Read the body announced by CONTENT_LENGTH, up to HTTP_BODY_MAX.
 * ERR_TOOBIG before reading anything when it is larger; ERR_INVAL for a
 * malformed length or a short body. *body is malloc'd (or NULL when empty).
 */
static enum err read_body(FCGX_Request *rq, char **body, size_t *len)
{
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", rq->envp);
	unsigned long long n;
	char *end, *p;

	*body = NULL;
	*len = 0;
	if (!cl || !*cl)
		return ERR_OK;
	errno = 0;
	n = strtoull(cl, &end, 10);
	if (errno || *end || cl[0] == '-')
		return ERR_INVAL;
	if (n > HTTP_BODY_MAX)
		return ERR_TOOBIG;
	if (n == 0)
		return ERR_OK;
	if (!(p = malloc((size_t)n)))
		return ERR_NOMEM;
	if ((unsigned long long)FCGX_GetStr(p, (int)n, rq->in) != n) {
		free(p);
		return ERR_INVAL;
	}
	*body = p;
	*len = (size_t)n;
	return ERR_OK;
}

const char *site_session_cookie_name(const struct ctx *c)
{
	return c->req.https ? SESSION_COOKIE_HTTPS : SESSION_COOKIE;
}

/* The attributes the session cookie always has. */
static void session_cookie_spec(const struct ctx *c, struct cookie_spec *cs)
{
	cookie_spec_init(cs, site_session_cookie_name(c), NULL, "/",
			 COOKIE_SESSION,
			 COOKIE_HTTPONLY | (c->req.https ? COOKIE_SECURE : 0),
			 SAMESITE_LAX);
}

/* The session cookie carrying value, as issued at time at: a persistent
 * one lives until the session's absolute deadline. */
static void session_cookie_at(const struct ctx *c, const char *value,
			      long long at, struct cookie_spec *cs)
{
	session_cookie_spec(c, cs);
	cs->value = value;
	if (c->sess.persistent) {
		cs->has_max_age = 1;
		cs->max_age = (long)(c->sess.absolute_expires - at);
	}
}

enum err site_session_cookie(struct ctx *c)
{
	struct cookie_spec cs;

	session_cookie_at(c, c->sess.id, c->now, &cs);
	return response_cookie(&c->res, &cs, NULL);
}

enum err site_session_cookie_line(const struct ctx *c, long long at,
				  struct buf *out)
{
	struct cookie_spec cs;
	const char *value = cookie_get(&c->req.cookies,
				       site_session_cookie_name(c));

	if (!c->has_session || !value)
		return ERR_NOTFOUND;
	session_cookie_at(c, value, at, &cs);
	return cookie_build(&cs, out, NULL);
}

/* Expire the session cookie: same name, Path and attributes, Max-Age=0. */
static enum err expire_session_cookie(struct ctx *c)
{
	struct cookie_spec cs;

	session_cookie_spec(c, &cs);
	cs.value = "";
	cs.has_max_age = 1;
	cs.max_age = 0;
	return response_cookie(&c->res, &cs, NULL);
}

enum err site_session_ensure(struct ctx *c)
{
	enum err e;

	if (c->has_session)
		return ERR_OK;
	e = session_create(c->db, &c->cfg->session, c->now,
			   c->req.user_agent, c->req.remote_addr, &c->sess);
	if (e == ERR_UNAVAILABLE && (c->req.method == HTTP_GET ||
				     c->req.method == HTTP_HEAD)) {
		/* A read is still served, with an empty session nobody
		 * stored; its forms will be refused until the store heals. */
		c->store_failed = "wire.store.guest_failed";
		return (c->sess.data = json_object()) ? ERR_OK : ERR_NOMEM;
	}
	if (e)
		return e;
	c->has_session = 1;
	return site_session_cookie(c);
}

void site_store_failed(struct ctx *c, const char *key)
{
	c->store_failed = key;
}

enum err site_session_end(struct ctx *c)
{
	enum err e = ERR_OK;

	if (c->has_session)
		e = session_destroy(c->db, &c->sess);
	c->has_session = 0;
	c->logged_in = 0;
	memset(&c->user, 0, sizeof(c->user));
	if (e)
		return e;
	return expire_session_cookie(c);
}

void site_csrf_token(const struct ctx *c, char out[44])
{
	csrf_token(c->sess.id_hash, out);
}

enum err site_retry_after(struct ctx *c, long long seconds)
{
	char v[24];
	enum err e;

	snprintf(v, sizeof(v), "%lld", seconds);
	if ((e = response_header(&c->res, "Retry-After", v)))
		return e;
	return tmpl_set(&c->vars, "retry_after", v);
}

enum err site_visitor_guard(struct ctx *c)
{
	const char *why = NULL;
	enum err e = csrf_check_visitor(&c->req, c->has_session,
				      c->sess.id_hash,
				      http_field(&c->req.form, "csrf"), &why);

	if (e)
		c->error_key = why;
	return e;
}

enum err site_login_fields(struct ctx *c, const char **username,
			   const char **password)
{
	*username = http_field(&c->req.form, "username");
	*password = http_field(&c->req.form, "password");
	if (!*username || !*password || !auth_username_valid(*username) ||
	    strlen(*password) > AUTH_PASSWORD_MAX) {
		c->error_key = "login.malformed";
		return ERR_INVAL;
	}
	return ERR_OK;
}

enum err site_login(struct ctx *c, const char *username,
		    const char *password, struct user *u)
{
	long long retry_after;
	enum err e = auth_login(c->db, username, password, c->now, u,
				&retry_after);

	if (e == ERR_THROTTLED) {
		c->error_key = "login.throttled";
		return (e = site_retry_after(c, retry_after)) ? e :
			ERR_THROTTLED;
	}
	if (e == ERR_AUTH)
		c->error_key = "login.failed";
	return e;
}

enum err site_message(struct ctx *c, const char *key)
{
	enum err e;

	if ((e = tmpl_set(&c->vars, "message", key ? key : "")) || !key)
		return e;
	return site_bilingual(c, "message_text", key, "span");
}

enum err site_bilingual(struct ctx *c, const char *name, const char *key,
			const char *tag)
{
	if (!key)
		return tmpl_set_html(&c->vars, name, "");
	return tmpl_set_bilingual(&c->vars, name, key, c->shown, tag);
}

void site_page(struct ctx *c, const char *page, const char *title_key)
{
	c->page = page;
	c->title_key = title_key;
}

enum err site_json(struct ctx *c, json_t *obj)
{
	c->page = NULL;
	return response_json(&c->res, obj);
}

enum err site_json_created(struct ctx *c, json_t *obj)
{
	c->res.status = 201;
	return site_json(c, obj);
}

enum err site_keep_answer(struct ctx *c, enum err e)
{
	c->kept = e;
	return e;
}

/* Load the session named by the cookie, and its user when logged in. */
static enum err load_session(struct ctx *c)
{
	const char *name = site_session_cookie_name(c);
	const char *id = cookie_get(&c->req.cookies, name);
	size_t count = cookie_count(&c->req.cookies, name);
	enum err e;

	c->sid_dups = count > 1 ? (int)(count - 1) : 0;
	if (!id)
		return ERR_OK;
	e = session_load(c->db, id, c->now, &c->sess, &c->miss);
	if (e == ERR_NOTFOUND)
		return ERR_OK;
	if (e)
		return e;
	c->has_session = 1;
	if (c->sess.user_id) {
		e = auth_user_by_id(c->db, c->sess.user_id, &c->user);
		if (e == ERR_OK)
			c->logged_in = 1;
		else if (e != ERR_NOTFOUND)
			return e;
	}
	return ERR_OK;
}

/* The "theme" preference cookie, checked against its allowlist. */
static const char *choose_theme(const struct ctx *c)
{
	const char *t = cookie_get(&c->req.cookies, "theme");

	return t && !strcmp(t, "dark") ? "dark" : "light";
}

/* ROUTE_CSRF: the form's token must match the session, and a browser's
 * Origin (when sent) must be this site. */
static enum err check_csrf(struct ctx *c)
{
	if (origin_header_matches(&c->req) == 0) {
		c->error_key = "csrf.origin";
		return ERR_FORBIDDEN;
	}
	if (!c->has_session) {
		c->error_key = "csrf.no_session";
		return ERR_FORBIDDEN;
	}
	if (csrf_check(c->sess.id_hash, http_field(&c->req.form, "csrf"))) {
		c->error_key = "csrf.mismatch";
		return ERR_FORBIDDEN;
	}
	return ERR_OK;
}

/* Every method the path answers, for the Allow header of a 405. */
static enum err allow_header(struct ctx *c, const struct route *routes,
			     size_t n)
{
	struct buf b;
	enum err e;

	buf_init(&b);
	e = route_allow(routes, n, c->req.path, &b);
	if (!e && b.len)
		e = response_header(&c->res, "Allow", b.data);
	buf_cleanup(&b);
	return e;
}

/*
 * The status of an error answer: status, or 0 for the one site_status_for
 * gives, with what that status always carries (a 503's Retry-After).
 */
static void error_status(struct ctx *c, enum err err, int status)
{
	c->res.status = status ? status : site_status_for(err);
	if (c->res.status == 503)
		site_retry_after(c, SITE_STORE_RETRY_AFTER);
}

/*
 * Turn an error into the response: an error page or a JSON error. status
 * is the HTTP status, or 0 for the one site_status_for gives.
 */
static void answer_error(struct ctx *c, enum err err, int status, int json)
{
	char code[8];
	const char *key = c->error_key;
	struct buf k;

	buf_init(&k);
	error_status(c, err, status);
	if (!key) {
		buf_printf(&k, "error.%s", err_name(err));
		key = k.data ? k.data : "error.internal_error";
	}
	if (json) {
		site_json(c, json_pack("{s:s, s:s}", "error", err_name(err),
				       "message",
				       i18n_get(key, LANG_EN)));
	} else {
		snprintf(code, sizeof(code), "%d", c->res.status);
		tmpl_set(&c->vars, "status", code);
		tmpl_set(&c->vars, "reason", response_reason(c->res.status));
		site_bilingual(c, "error_text", key, "p");
		tmpl_set(&c->vars, "error_name", err_name(err));
		site_page(c, "error", "error.title");
	}
	buf_cleanup(&k);
}

/* Headers every dynamic response carries. */
static enum err security_headers(struct response *res)
{
	enum err e;

	if ((e = response_header(res, "Content-Security-Policy", csp)) ||
	    (e = response_header(res, "X-Content-Type-Options", "nosniff")) ||
	    (e = response_header(res, "Referrer-Policy", "same-origin")) ||
	    (e = response_header(res, "X-Frame-Options", "DENY")) ||
	    (e = response_header(res, "Cross-Origin-Opener-Policy",
				 "same-origin")))
		return e;
	/* Pages show per-visitor state: never cache them. */
	return response_header(res, "Cache-Control", "no-store");
}

/* Replace the body with a bare 500 page saying what (no template: the
 * templates or the response itself are what failed). */
static void bare_500(struct ctx *c, const char *what)
{
	c->res.status = site_status_for(ERR_INTERNAL);
	c->page = NULL;
	buf_reset(&c->res.body);
	buf_printf(&c->res.body, "<!doctype html><title>500</title>"
		   "<p>Internal error%s.</p>\n", what);
}

void site_secure_or_fail(struct ctx *c)
{
	if (!security_headers(&c->res))
		return;
	log_msg("error", "%s %s: no room for the security headers",
		c->req.method_name, c->req.path);
	response_cleanup(&c->res);
	response_init(&c->res);
	bare_500(c, ": this response was too large");
	security_headers(&c->res);
}

/* Render c->page inside the layout, with the wire view, as the body. */
static enum err render_page(struct ctx *c)
{
	struct buf content, wire, title;
	enum err e;

	buf_init(&content);
	buf_init(&wire);
	buf_init(&title);
	if ((e = tmpl_set(&c->vars, "lang", i18n_code(c->lang))) ||
	    (e = tmpl_set(&c->vars, "data_lang", i18n_shown_code(c->shown))) ||
	    (e = tmpl_set(&c->vars, "theme", c->theme)) ||
	    (e = i18n_put_text(&title, c->title_key, c->shown)) ||
	    (e = tmpl_set(&c->vars, "title", title.data ? title.data : "")) ||
	    (e = tmpl_set(&c->vars, "logged_in", c->logged_in ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "username", c->user.username)))
		goto out;
	if (c->has_session) {
		char tok[CSRF_TOKEN_LEN + 1];

		site_csrf_token(c, tok);
		if ((e = tmpl_set(&c->vars, "csrf", tok)))
			goto out;
	} else if ((e = tmpl_set(&c->vars, "csrf", ""))) {
		goto out;
	}
	if ((e = tmpl_render(c->page, &c->vars, c->shown, &content)) ||
	    (e = tmpl_set_html(&c->vars, "content", content.data)) ||
	    (e = wire_render(c, &wire)) ||
	    (e = tmpl_set_html(&c->vars, "wire", wire.data)))
		goto out;
	buf_reset(&c->res.body);
	e = tmpl_render("layout", &c->vars, c->shown, &c->res.body);
out:
	buf_cleanup(&content);
	buf_cleanup(&wire);
	buf_cleanup(&title);
	return e;
}

/*
 * Status and page for a request that failed to parse: a header or cookie
 * over its limit is 431, a target over its limit 414 (RFC 6585 §5, RFC
 * 9110 §15.5.15), the rest as site_status_for says. cookie_len is the size
 * of the Cookie header that was sent, shown on the 431 page.
 */
static void parse_error(struct ctx *c, enum err e, size_t cookie_len)
{
	const char *part = c->req.bad_part ? c->req.bad_part : "request";
	static char key[48];
	int status = 0;

	snprintf(key, sizeof(key), "bad.%s", part);
	c->error_key = i18n_has(key) ? key : NULL;
	if (e == ERR_TOOBIG && (!strcmp(part, "cookie") ||
				!strcmp(part, "header")))
		status = 431;
	else if (e == ERR_TOOBIG && (!strcmp(part, "uri") ||
				     !strcmp(part, "path") ||
				     !strcmp(part, "query")))
		status = 414;
	if (!strcmp(part, "cookie")) {
		tmpl_setf(&c->vars, "cookie_bytes", "%zu", cookie_len);
		tmpl_setf(&c->vars, "cookie_limit", "%d", COOKIE_HEADER_MAX);
	}
	answer_error(c, e, status, 0);
}

/*
 * Server-Timing (W3C Server Timing): the program's own time so far and
 * the store's part of it, in ms, so that a script's fetch can draw how
 * long each hop took (issue 14, seq.js) as the page's wire view does. An
 * answer without a page (JSON, a redirect) also lists each store
 * operation as a metric named after its store, with the oplog's label as
 * desc ("..." for "…", '"' and '\\' escaped): what a page shows in its
 * wire view, a fetch can read here. A response with no header slot left
 * goes without it.
 */
static void server_timing(struct ctx *c)
{
	const struct oplog_entry *op;
	struct buf b;
	const char *l;
	size_t i;

	buf_init(&b);
	buf_printf(&b, "app;dur=%.3f;desc=\"program\", store;dur=%.3f",
		   (clock_mono_us() - c->t0_us) / 1000.0,
		   oplog_total_us() / 1000.0);
	for (i = 0; !c->page && (op = oplog_at(i)); i++) {
		buf_printf(&b, ", %s;dur=%.3f;desc=\"", op->store,
			   op->us / 1000.0);
		for (l = op->label; *l; l++) {
			if (!strncmp(l, "\xE2\x80\xA6", 3)) {
				buf_append(&b, "...", 3);
				l += 2;
				continue;
			}
			if (*l == '"' || *l == '\\')
				buf_append(&b, "\\", 1);
			buf_append(&b, l, 1);
		}
		buf_append(&b, "\"", 1);
	}
	if (!b.data || response_header(&c->res, "Server-Timing", b.data))
		log_msg("warn", "%s %s: no room for Server-Timing",
			c->req.method_name, c->req.path);
	buf_cleanup(&b);
}

static void handle(FCGX_Request *rq, const struct route *routes, size_t n)
{
	struct ctx c;
	struct buf out;
	char *body = NULL;
	size_t body_len = 0;
	const struct route *r = NULL;
	const char *cookie;
	int path_found = 0;
	enum err e;

	memset(&c, 0, sizeof(c));
	oplog_reset();                /* this request's store operations */
	c.t0_us = clock_mono_us();
	http_request_init(&c.req);
	response_init(&c.res);
	session_init(&c.sess);
	tmpl_vars_init(&c.vars);
	buf_init(&out);
	c.db = site_db;
	c.cfg = &config;
	c.now = site_now();
	c.theme = "light";

	e = read_body(rq, &body, &body_len);
	if (e)
		c.req.bad_part = "body";
	else
		e = http_request_parse(&c.req, fcgi_get, rq, body, body_len);
	c.shown = i18n_choose(cookie_get(&c.req.cookies, "lang"),
			      c.req.accept_language);
	c.lang = i18n_primary(c.shown);
	c.theme = choose_theme(&c);
	if (e) {
		/* The parse stopped before Accept-Language: read it here, so
		 * the error page is in the visitor's language too. */
		if (!c.req.accept_language) {
			c.shown = i18n_choose(cookie_get(&c.req.cookies, "lang"),
					      fcgi_get(rq, "HTTP_ACCEPT_LANGUAGE"));
			c.lang = i18n_primary(c.shown);
		}
		log_msg("info", "bad request (%s): %s",
			c.req.bad_part ? c.req.bad_part : "?", err_name(e));
		cookie = fcgi_get(rq, "HTTP_COOKIE");
		parse_error(&c, e, cookie ? strlen(cookie) : 0);
		goto respond;
	}
	if ((e = load_session(&c)))
		goto fail;
	r = route_find(routes, n, &c.req, &path_found);
	if (!r) {
		e = path_found ? ERR_METHOD : ERR_NOTFOUND;
		if (path_found)
			allow_header(&c, routes, n);
		goto fail;
	}
	if ((e = route_check_fields(&c, r)) ||
	    ((r->flags & ROUTE_CSRF) && (e = check_csrf(&c))))
		goto fail;
	if ((e = r->fn(&c)))
		goto fail;
	/* A redirect is kept in the session, so that the page it leads to
	 * draws the chain (issue 14); no other answer writes for this. */
	if (wire_remember_hop(&c))
		log_msg("warn", "%s %s: the redirect was not kept for the "
			"wire view", c.req.method_name, c.req.path);
	/* Only a request that succeeded counts as use of the session: a
	 * refused one changes nothing stored. The answer is already made,
	 * and whatever it wrote is committed, so a touch the store cannot
	 * take (a full disk) is reported in the wire view, not answered as
	 * a failure of the request. */
	if (c.has_session && c.res.status < 400 &&
	    session_touch(c.db, &c.sess, c.now))
		site_store_failed(&c, "wire.store.touch_failed");
	goto respond;
fail:
	if (site_status_for(e) >= 500)
		log_msg("error", "%s %s: %s", c.req.method_name,
			c.req.path, err_name(e));
	if (e == c.kept) {
		/* The handler made its own answer to e: only the status. */
		error_status(&c, e, 0);
		goto respond;
	}
	/* A failed handler's half-built answer is dropped, cookies kept. */
	buf_reset(&c.res.body);
	answer_error(&c, e, 0, r && (r->flags & ROUTE_JSON));
respond:
	/* A stale session cookie is expired, unless a new one replaced it. */
	if (c.miss != SESSION_MISS_NONE && !c.has_session &&
	    c.res.n_set_cookies == 0)
		expire_session_cookie(&c);
	site_secure_or_fail(&c);
	if (c.page && (e = render_page(&c))) {
		log_msg("error", "render %s: %s", c.page, err_name(e));
		bare_500(&c, " while rendering this page");
	}
	server_timing(&c);
	if (response_serialize(&c.res, c.req.method == HTTP_HEAD, &out) ==
	    ERR_OK)
		FCGX_PutStr(out.data, (int)out.len, rq->out);
	buf_cleanup(&out);
	free(body);
	tmpl_vars_cleanup(&c.vars);
	session_cleanup(&c.sess);
	response_cleanup(&c.res);
	http_request_free(&c.req);
}

/* Read settings, open the database, load keys, templates and strings. */
static int start(const char *program)
{
	static struct buf dir;   /* lives as long as the process */
	unsigned char key[KEYS_SECRET_BYTES];
	struct buf strings;
	int rc = -1;

	log_set_program(program);
	umask(077);   /* a database file SQLite makes is owner-only */
	buf_init(&strings);
	if (sodium_init() < 0) {
		log_msg("error", "libsodium failed to initialise");
		return -1;
	}
	config.db_path = config_str("DB", "db/site.sqlite");
	config.keys_dir = config_str("KEYS", "db/keys");
	config.template_dir = config_str("TEMPLATES", NULL);
	session_config_from_env(&config.session);
	if (keys_load(config.keys_dir, "csrf.key", key, sizeof(key))) {
		log_msg("error", "no CSRF key: run `make initdb` first");
		return -1;
	}
	csrf_init(key);
	sodium_memzero(key, sizeof(key));
	if (!config.template_dir) {
		if (buf_printf(&dir, "%s/templates",
			       config_str("SITE_ROOT", ".")))
			return -1;
		config.template_dir = dir.data;
	}
	if (buf_printf(&strings, "%s/strings", config.template_dir))
		goto out;
	if (tmpl_load_dir(config.template_dir) ||
	    i18n_load_dir(strings.data)) {
		log_msg("error", "cannot load templates from %s",
			config.template_dir);
		goto out;
	}
	if (db_open(config.db_path, &site_db) ||
	    store_open(site_db))
		goto out;
	rc = 0;
out:
	buf_cleanup(&strings);
	return rc;
}

/*
 * 1 when the listening socket lighttpd handed us (fd 0) is a Unix socket.
 * libfcgi ends each request with a lingering close: shutdown, wait until
 * the web server closes its end, then close. That wait exists for TCP,
 * where closing with unread input resets the connection and can lose the
 * answer; on a Unix socket the answer already queued is always delivered,
 * so there the wait (a sleep and a wake-up per request) is skipped by
 * detaching the request before FCGX_Finish_r.
 */
static int listen_is_unix(void)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);

	return getsockname(0, (struct sockaddr *)&sa, &len) == 0 &&
		sa.ss_family == AF_UNIX;
}

/*
 * SIGTERM, as lighttpd sends its backends when it stops: only libfcgi's
 * shutdown flag is set (a plain store, safe in a handler). The request in
 * hand is finished; the next FCGX_Accept_r returns at once (the request
 * is made with FCGI_FAIL_ACCEPT_ON_INTR, and the handler has no
 * SA_RESTART, so a blocked accept is interrupted), and site_run frees
 * everything and returns. A SIGTERM during start-up waits for it to end.
 */
static void on_term(int sig)
{
	(void)sig;
	FCGX_ShutdownPending();
}

int site_run(const char *program, const struct route *routes, size_t n)
{
	FCGX_Request rq;
	struct sigaction sa;
	unsigned long served = 0;
	int unix_socket;

	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	if (start(program))
		return 1;
	if (FCGX_Init() != 0 ||
	    FCGX_InitRequest(&rq, 0, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_msg("error", "FastCGI initialisation failed");
		return 1;
	}
	unix_socket = listen_is_unix();
	while (FCGX_Accept_r(&rq) >= 0) {
		handle(&rq, routes, n);
		if (unix_socket)
			FCGX_Detach(&rq);
		FCGX_Finish_r(&rq);
		if (++served % PURGE_EVERY == 0)
			session_purge(site_db, site_now(), NULL);
	}
	FCGX_Free(&rq, 1);
	db_close(site_db);
	tmpl_free_all();
	i18n_free();
	return 0;
}
