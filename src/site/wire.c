/*
 * wire.c - the wire view panel. See wire.h.
 */
#include "site/wire.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/oplog.h"
#include "base/utf8.h"
#include "http/tmpl.h"

#define WIRE_NAME_CHARS 64    /* characters of a cookie name shown */

char *wire_format_time(long long t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) ||
	    !strftime(out, cap, "%Y-%m-%d %H:%M:%S %Z", &tm))
		snprintf(out, cap, "%lld", t);
	return out;
}

char *wire_format_delta(long long t, long long now, enum lang lang,
			char *out, size_t cap)
{
	long long d = t > now ? t - now : now - t;
	char span[40];

	if (d == 0) {
		snprintf(out, cap, "%s", lang == LANG_KO ? "지금" : "now");
		return out;
	}
	/* Korean counts in its own units: "29분 59초", not "29m 59s". */
	static const char *const unit[2][4] = {
		[LANG_KO] = { "일", "시간", "분", "초" },
		[LANG_EN] = { "d", "h", "m", "s" },
	};
	const char *const *u = unit[lang == LANG_KO ? LANG_KO : LANG_EN];

	if (d >= 86400)
		snprintf(span, sizeof(span), "%lld%s %lld%s", d / 86400, u[0],
			 d % 86400 / 3600, u[1]);
	else if (d >= 3600)
		snprintf(span, sizeof(span), "%lld%s %lld%s", d / 3600, u[1],
			 d % 3600 / 60, u[2]);
	else if (d >= 60)
		snprintf(span, sizeof(span), "%lld%s %lld%s", d / 60, u[2],
			 d % 60, u[3]);
	else
		snprintf(span, sizeof(span), "%lld%s", d, u[3]);
	if (lang == LANG_KO)
		snprintf(out, cap, t > now ? "%s 후" : "%s 전", span);
	else
		snprintf(out, cap, t > now ? "in %s" : "%s ago", span);
	return out;
}

enum err wire_set_time(struct tmpl_vars *v, const char *time_name,
		       const char *delta_name, long long t, long long now,
		       enum lang lang)
{
	char when[48], delta[48];
	enum err e;

	if ((e = tmpl_set(v, time_name,
			  wire_format_time(t, when, sizeof(when)))))
		return e;
	return tmpl_set(v, delta_name,
			wire_format_delta(t, now, lang, delta, sizeof(delta)));
}

/* An i18n key for what a received cookie is, or NULL. */
static const char *cookie_note(const char *name)
{
	if (!strcmp(name, "sid") || !strcmp(name, "__Host-sid"))
		return "wire.note.sid";
	if (!strcmp(name, "lang") || !strcmp(name, "theme") ||
	    !strcmp(name, "sort"))
		return "wire.note.pref";
	return NULL;
}

/* Panel 1 (received in wire.html): the Cookie header and its pairs. */
static enum err set_received(struct ctx *c, struct tmpl_vars *v)
{
	const struct cookie_jar *jar = &c->req.cookies;
	const char *note;
	struct tmpl_vars *row;
	size_t i;
	enum err e;

	if ((e = tmpl_set(v, "cookie_header", c->req.cookie_header ?
			  c->req.cookie_header : "")) ||
	    (e = tmpl_set(v, "duplicates", jar->n_duplicate ? "1" : "")) ||
	    (e = tmpl_list(v, "pairs")))
		return e;
	for (i = 0; i < jar->n; i++) {
		const struct cookie_pair *p = &jar->pairs[i];

		note = p->duplicate ? "wire.note.duplicate" :
			cookie_note(p->name);
		if ((e = tmpl_row_add(v, "pairs", &row)) ||
		    (e = tmpl_set(row, "dup", p->duplicate ? "1" : "")) ||
		    (e = tmpl_set(row, "name", p->name)) ||
		    (e = tmpl_set(row, "value", p->value)) ||
		    (e = tmpl_setf(row, "bytes", "%zu",
				   strlen(p->name) + strlen(p->value))) ||
		    (e = note ? tmpl_set_bilingual(row, "note", note, c->shown,
						   "span") :
		     tmpl_set_html(row, "note", "")))
			return e;
	}
	return ERR_OK;
}

/* The i18n key explaining one Set-Cookie attribute a[0..n). */
static const char *attr_key(const char *a, size_t n)
{
	static const struct { const char *prefix; const char *key; } tab[] = {
		{ "Max-Age=0", "attr.max_age_zero" },
		{ "Max-Age=-", "attr.max_age_zero" },
		{ "Max-Age=", "attr.max_age" },
		{ "Expires=", "attr.expires" },
		{ "Domain=", "attr.domain" },
		{ "Path=", "attr.path" },
		{ "Secure", "attr.secure" },
		{ "HttpOnly", "attr.httponly" },
		{ "SameSite=Strict", "attr.samesite_strict" },
		{ "SameSite=Lax", "attr.samesite_lax" },
		{ "SameSite=None", "attr.samesite_none" },
	};
	size_t i, pl;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		pl = strlen(tab[i].prefix);
		if (n >= pl && !strncasecmp(a, tab[i].prefix, pl))
			return tab[i].key;
	}
	return "attr.unknown";
}

/* One attribute row (the text between "; ") of a Set-Cookie row. */
static enum err set_attr(struct ctx *c, struct tmpl_vars *cookie,
			 const char *a, size_t n)
{
	struct tmpl_vars *row;
	char *text;
	enum err e;

	if (!(text = strndup(a, n)))
		return ERR_NOMEM;
	if (!(e = tmpl_row_add(cookie, "attrs", &row)) &&
	    !(e = tmpl_set(row, "attr", text)))
		e = tmpl_set_bilingual(row, "explain", attr_key(a, n), c->shown,
				       "span");
	free(text);
	return e;
}

/* Panel 2 (sent): every Set-Cookie of this response, attribute by
 * attribute. */
static enum err set_sent(struct ctx *c, struct tmpl_vars *v)
{
	struct tmpl_vars *row;
	size_t i;
	enum err e;

	if ((e = tmpl_list(v, "set_cookies")))
		return e;
	for (i = 0; i < c->res.n_set_cookies; i++) {
		const char *line = c->res.set_cookies[i];
		const char *semi = strstr(line, "; ");
		const char *a, *next;
		int lifetime = 0;

		if ((e = tmpl_row_add(v, "set_cookies", &row)) ||
		    (e = tmpl_set(row, "line", line)) ||
		    (e = tmpl_list(row, "attrs")))
			return e;
		for (a = semi ? semi + 2 : NULL; a; a = next) {
			const char *end = strstr(a, "; ");

			next = end ? end + 2 : NULL;
			if (!end)
				end = a + strlen(a);
			if (!strncmp(a, "Max-Age=", 8) ||
			    !strncmp(a, "Expires=", 8))
				lifetime = 1;
			if ((e = set_attr(c, row, a, (size_t)(end - a))))
				return e;
		}
		if ((e = tmpl_set(row, "lifetime", lifetime ? "1" : "")) ||
		    (!lifetime &&
		     (e = tmpl_set_bilingual(row, "session_note",
					     "attr.session_cookie", c->shown,
					     "span"))))
			return e;
	}
	return ERR_OK;
}

/* One row of the stored-session table: a label key and a time. */
static enum err set_time_row(struct ctx *c, struct tmpl_vars *v,
			     const char *key, long long t)
{
	struct tmpl_vars *row;
	enum err e;

	if ((e = tmpl_row_add(v, "times", &row)) ||
	    (e = tmpl_set_i18n(row, "label", key, c->shown)) ||
	    (e = tmpl_setf(row, "at", "%lld", t)) ||
	    (e = tmpl_setf(row, "now", "%lld", c->now)))
		return e;
	return wire_set_time(row, "when", "delta", t, c->now, c->lang);
}

enum err wire_set_record(struct tmpl_vars *v, const json_t *rec)
{
	const char *store = json_string_value(json_object_get(rec, "store"));
	const char *key = json_string_value(json_object_get(rec, "key"));
	const json_t *fields = json_object_get(rec, "fields");
	const char *name;
	json_t *val;
	struct tmpl_vars *row;
	char *text;
	enum err e;

	if (!store || !key || !json_is_object(fields))
		return ERR_INTERNAL;
	if ((e = tmpl_set(v, "rec_store", store)) ||
	    (e = tmpl_set(v, "rec_redis", strcmp(store, "redis") ? "" : "1")) ||
	    (e = tmpl_set(v, "rec_key", key)) ||
	    (e = tmpl_setf(v, "rec_ttl", "%" JSON_INTEGER_FORMAT,
			   json_integer_value(json_object_get(rec, "ttl")))) ||
	    (e = tmpl_list(v, "rec_fields")))
		return e;
	json_object_foreach((json_t *)fields, name, val) {
		if (json_is_string(val))
			text = strdup(json_string_value(val));
		else    /* numbers and null, as SQLite would print them */
			text = json_is_null(val) ? strdup("NULL") :
				json_dumps(val, JSON_ENCODE_ANY);
		if (!text)
			return ERR_NOMEM;
		e = tmpl_row_add(v, "rec_fields", &row);
		if (!e && !(e = tmpl_set(row, "name", name)))
			e = tmpl_set(row, "value", text);
		free(text);
		if (e)
			return e;
	}
	return ERR_OK;
}

/* With Redis as the store: the key, its TTL and its version, read from
 * Redis itself (session_stored_json), for the panel's Redis table. */
static enum err set_redis(struct ctx *c, struct tmpl_vars *v)
{
	json_t *rec = NULL;
	const char *ver;
	enum err e;

	int redis = c->db && c->db->kv;

	if ((e = tmpl_set(v, "redis", redis ? "1" : "")) || !redis)
		return e;
	e = session_stored_json(c->db, &c->sess, c->now, &rec);
	if (e) {
		/* The page itself was answered; say the key could not be
		 * read rather than failing it. */
		log_msg("warn", "wire: the session's redis key was not read");
		json_decref(rec);
		return tmpl_set(v, "rec_ok", "");
	}
	ver = json_string_value(json_object_get(json_object_get(rec, "fields"),
						"ver"));
	if (!(e = tmpl_set(v, "rec_ok", "1")) &&
	    !(e = tmpl_set(v, "rec_ver", ver ? ver : "?")))
		e = wire_set_record(v, rec);
	json_decref(rec);
	return e;
}

/* Panel 3 (stored): the stored session row, or why there is none. */
static enum err set_stored(struct ctx *c, struct tmpl_vars *v)
{
	static const char *const miss_keys[] = {
		"wire.miss.none", "wire.miss.malformed", "wire.miss.unknown",
		"wire.miss.idle", "wire.miss.absolute"
	};
	char hex[65];
	char *json = NULL;
	enum err e;

	/* c->sess is what the store holds: every change this request made
	 * (login, update, touch) went through it. */
	if ((e = c->store_failed ?
	     tmpl_set_bilingual(v, "store_failed", c->store_failed, c->shown,
				"p") : tmpl_set(v, "store_failed", "")) ||
	    (e = tmpl_set(v, "has_session", c->has_session ? "1" : "")))
		return e;
	if (!c->has_session)
		return tmpl_set_bilingual(v, "miss", miss_keys[c->miss],
					  c->shown, "p");
	sodium_bin2hex(hex, sizeof(hex), c->sess.id_hash, SESSION_HASH_BYTES);
	hex[16] = '\0';
	if ((e = tmpl_set(v, "id_hash", hex)) ||
	    (e = tmpl_set(v, "logged_in", c->logged_in ? "1" : "")) ||
	    (c->logged_in &&
	     ((e = tmpl_setf(v, "user_id", "%lld", c->sess.user_id)) ||
	      (e = tmpl_set(v, "username", c->user.username)) ||
	      (e = tmpl_set(v, "role", c->user.role)))) ||
	    (e = tmpl_list(v, "times")) ||
	    (e = set_time_row(c, v, "wire.created", c->sess.created)) ||
	    (e = set_time_row(c, v, "wire.last_seen", c->sess.last_seen)) ||
	    (e = set_time_row(c, v, "wire.idle_expires",
			      c->sess.idle_expires)) ||
	    (e = set_time_row(c, v, "wire.absolute_expires",
			      c->sess.absolute_expires)) ||
	    (e = tmpl_setf(v, "persistent", "%d", c->sess.persistent)) ||
	    (e = set_redis(c, v)))
		return e;
	if (!(json = json_dumps(c->sess.data, JSON_INDENT(2) |
				JSON_SORT_KEYS)))
		return ERR_NOMEM;
	e = tmpl_set(v, "json", json);
	free(json);
	return e;
}

/* ---- the exchange as data (issue 14) ----------------------------------- */

/*
 * s[0..n) as a JSON string of at most max characters, followed by "…"
 * when cut: control bytes as '?', and every byte past ASCII as '?' when s
 * is not valid UTF-8, so the string is always valid JSON text.
 */
static json_t *shown(const char *s, size_t n, size_t max)
{
	struct buf b;
	json_t *j;
	size_t i, chars = 0;
	int valid = utf8_valid(s, n);

	buf_init(&b);
	for (i = 0; i < n && chars < max; chars++) {
		unsigned char ch = (unsigned char)s[i];
		size_t len = 1;

		if (ch >= 0x80 && valid)
			len = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : 2;
		if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && !valid))
			buf_append(&b, "?", 1);
		else
			buf_append(&b, s + i, len);
		i += len;
	}
	if (i < n)
		buf_append(&b, "\xE2\x80\xA6", 3);
	j = json_stringn(b.data ? b.data : "", b.len);
	buf_cleanup(&b);
	return j;
}

/* Set key in o to v (reference stolen); -1 when v is NULL or on no
 * memory. */
static int put(json_t *o, const char *key, json_t *v)
{
	return v ? json_object_set_new(o, key, v) : -1;
}

static int append(json_t *a, json_t *v)
{
	return v ? json_array_append_new(a, v) : -1;
}

static json_t *received_json(const struct ctx *c)
{
	const struct cookie_jar *jar = &c->req.cookies;
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; a && i < jar->n; i++) {
		const struct cookie_pair *p = &jar->pairs[i];
		size_t nl = strlen(p->name), vl = strlen(p->value);

		if (append(a, o = json_object()) ||
		    put(o, "name", shown(p->name, nl, WIRE_NAME_CHARS)) ||
		    put(o, "value", shown(p->value, vl, WIRE_SHORT_CHARS)) ||
		    put(o, "bytes", json_integer((json_int_t)(nl + vl))) ||
		    put(o, "dup", json_boolean(p->duplicate))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* One Set-Cookie line as {name, value, bytes, attrs, httponly}. */
static json_t *set_cookie_json(const char *line)
{
	const char *semi = strstr(line, "; ");
	const char *eq = memchr(line, '=', semi ? (size_t)(semi - line) :
				strlen(line));
	size_t pair = semi ? (size_t)(semi - line) : strlen(line);
	size_t nl = eq ? (size_t)(eq - line) : pair;
	json_t *o = json_object(), *attrs = json_array();
	const char *a, *next;
	int httponly = 0;

	if (!o || !attrs)
		goto fail;
	for (a = semi ? semi + 2 : NULL; a; a = next) {
		const char *end = strstr(a, "; ");

		next = end ? end + 2 : NULL;
		if (!end)
			end = a + strlen(a);
		if ((size_t)(end - a) == 8 && !strncasecmp(a, "HttpOnly", 8))
			httponly = 1;
		if (append(attrs, shown(a, (size_t)(end - a), 64)))
			goto fail;
	}
	if (put(o, "name", shown(line, nl, WIRE_NAME_CHARS)) ||
	    put(o, "value", eq ? shown(eq + 1, pair - nl - 1,
				       WIRE_SHORT_CHARS) : json_string("")) ||
	    put(o, "bytes", json_integer((json_int_t)(eq ? pair - 1 : pair))) ||
	    put(o, "attrs", attrs) ||
	    put(o, "httponly", json_boolean(httponly)))
		goto fail_o;
	return o;
fail:
	json_decref(attrs);
fail_o:
	json_decref(o);
	return NULL;
}

static json_t *sent_json(const struct ctx *c)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < c->res.n_set_cookies; i++)
		if (append(a, set_cookie_json(c->res.set_cookies[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* "Bearer eyJhbGci…": the scheme and the credentials cut short. */
static json_t *authorization_json(const char *h)
{
	const char *sp;
	json_t *scheme, *cred, *j = NULL;
	struct buf b;

	if (!h || !*h)
		return json_null();
	sp = strchr(h, ' ');
	scheme = shown(h, sp ? (size_t)(sp - h) : strlen(h), 16);
	cred = sp ? shown(sp + 1, strlen(sp + 1), WIRE_SHORT_CHARS) :
		json_string("");
	buf_init(&b);
	if (scheme && cred &&
	    !buf_printf(&b, "%s%s%s", json_string_value(scheme),
			sp ? " " : "", json_string_value(cred)))
		j = json_stringn(b.data, b.len);
	buf_cleanup(&b);
	json_decref(scheme);
	json_decref(cred);
	return j;
}

static json_t *ops_json(void)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; a && i < oplog_count(); i++) {
		const struct oplog_entry *e = oplog_at(i);

		if (append(a, o = json_object()) ||
		    put(o, "store", json_string(e->store)) ||
		    put(o, "op", shown(e->label, strlen(e->label),
				       OPLOG_LABEL_MAX)) ||
		    put(o, "us", json_integer((json_int_t)(e->us + 0.5)))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* The response's Location header, or NULL. */
static const char *location_of(const struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->res.n_headers; i++)
		if (!strcasecmp(c->res.headers[i].name, "Location"))
			return c->res.headers[i].value;
	return NULL;
}

json_t *wire_exchange(const struct ctx *c)
{
	const char *loc = location_of(c);
	const char *m = c->req.method_name ? c->req.method_name : "?";
	const char *path = c->req.path ? c->req.path : "/";
	json_t *o = json_object();

	if (put(o, "method", shown(m, strlen(m), 16)) ||
	    put(o, "path", shown(path, strlen(path), 200)) ||
	    put(o, "status", json_integer(c->res.status)) ||
	    put(o, "location", loc ? shown(loc, strlen(loc), 200) :
		json_null()) ||
	    put(o, "cookies", received_json(c)) ||
	    put(o, "set_cookies", sent_json(c)) ||
	    put(o, "authorization", authorization_json(c->req.authorization)) ||
	    put(o, "ops", ops_json()) ||
	    put(o, "ops_dropped", json_integer((json_int_t)oplog_dropped())) ||
	    put(o, "program_us", json_integer((json_int_t)
		(c->t0_us > 0 ? clock_mono_us() - c->t0_us + 0.5 : 0))) ||
	    put(o, "store_us", json_integer((json_int_t)
					    (oplog_total_us() + 0.5))) ||
	    put(o, "at", json_integer(c->now))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* session_update's step: append the hop (arg) to data's wire_hops,
 * keeping the last WIRE_HOPS_MAX. */
static enum err add_hop(json_t *data, void *arg)
{
	json_t *hops = json_object_get(data, "wire_hops");

	if (!json_is_array(hops)) {
		if (!(hops = json_array()) ||
		    json_object_set_new(data, "wire_hops", hops))
			return ERR_NOMEM;
	}
	if (json_array_append(hops, (json_t *)arg))
		return ERR_NOMEM;
	while (json_array_size(hops) > WIRE_HOPS_MAX)
		json_array_remove(hops, 0);
	return ERR_OK;
}

/*
 * 1 when this request has written the visitor's session so far: a
 * statement that changes the sessions table, or a Redis session script
 * other than the read-only list (the oplog's labels, base/oplog.h).
 */
static int session_written(void)
{
	static const char *const sql[] = {
		"INSERT sessions", "UPDATE sessions", "DELETE sessions"
	};
	const struct oplog_entry *op;
	size_t i, k;

	for (i = 0; (op = oplog_at(i)); i++) {
		if (!strcmp(op->store, "redis") &&
		    !strncmp(op->label, "EVALSHA session ", 16) &&
		    strcmp(op->label, "EVALSHA session list"))
			return 1;
		for (k = 0; k < sizeof(sql) / sizeof(sql[0]); k++)
			if (!strcmp(op->store, "sqlite") &&
			    !strcmp(op->label, sql[k]))
				return 1;
	}
	return 0;
}

enum err wire_remember_hop(struct ctx *c)
{
	json_t *hop;
	enum err e;

	if (!c->has_session || c->res.status < 300 || c->res.status > 399 ||
	    !location_of(c) || !session_written())
		return ERR_OK;
	if (!(hop = wire_exchange(c)))
		return ERR_NOMEM;
	e = session_update(c->db, &c->sess, add_hop, hop);
	json_decref(hop);
	return e;
}

/* 1 when location (a local path, maybe with a query) names path. */
static int points_to(const char *location, const char *path)
{
	size_t n;

	if (!location || !path)
		return 0;
	n = strcspn(location, "?#");
	return strlen(path) == n && !strncmp(location, path, n);
}

json_t *wire_chain(const struct ctx *c)
{
	const json_t *hops = c->has_session && c->sess.data ?
		json_object_get(c->sess.data, "wire_hops") : NULL;
	json_t *out = json_array();
	const char *want = c->req.path;
	long long after = c->now;
	size_t i, first;

	if (!out || !json_is_array(hops))
		return out;
	/* Walk back from the newest hop while each led to the next. */
	for (first = i = json_array_size(hops); i > 0; i--) {
		const json_t *h = json_array_get(hops, i - 1);
		long long at = json_integer_value(json_object_get(h, "at"));

		if (!points_to(json_string_value(json_object_get(h,
				"location")), want) ||
		    at > after || after - at > WIRE_HOP_AGE_MAX)
			break;
		first = i - 1;
		want = json_string_value(json_object_get(h, "path"));
		after = at;
	}
	for (i = first; i < json_array_size(hops); i++)
		if (json_array_append(out, json_array_get(hops, i))) {
			json_decref(out);
			return NULL;
		}
	return out;
}

/*
 * The data block of the diagram: the exchange, the chain before it, and
 * the diagram's words (every seq.* string) in the page language, as JSON
 * safe inside <script type="application/json">: "/" is escaped
 * (JSON_ESCAPE_SLASH) and so is every '<' (as \u003c, which only ever
 * occurs inside a JSON string), so neither "</script" nor "<!--" can
 * appear in it.
 */
static enum err set_exchange(struct ctx *c, struct tmpl_vars *v)
{
	json_t *x = wire_exchange(c), *words = json_object();
	const char *key;
	char *text = NULL;
	struct buf b;
	size_t i;
	enum err e = ERR_NOMEM;

	buf_init(&b);
	if (!x || !words || put(x, "hops", wire_chain(c)) ||
	    put(x, "lang", json_string(i18n_code(c->lang))))
		goto out;
	for (i = 0; (key = i18n_key_at(i)); i++)
		if (!strncmp(key, "seq.", 4) &&
		    put(words, key + 4, json_string(i18n_get(key, c->shown))))
			goto out;
	if (put(x, "words", json_incref(words)) ||
	    !(text = json_dumps(x, JSON_COMPACT | JSON_ESCAPE_SLASH)))
		goto out;
	for (i = 0; text[i]; i++)
		if ((e = text[i] == '<' ? buf_append(&b, "\\u003c", 6) :
		     buf_append(&b, text + i, 1)))
			goto out;
	e = tmpl_set_html(v, "exchange", b.data ? b.data : "{}");
out:
	free(text);
	buf_cleanup(&b);
	json_decref(words);
	json_decref(x);
	return e;
}

enum err wire_render(struct ctx *c, struct buf *out)
{
	struct tmpl_vars v;
	enum err e;

	tmpl_vars_init(&v);
	/* The exchange first: its program time ends where rendering starts. */
	if (!(e = set_exchange(c, &v)) &&
	    !(e = set_received(c, &v)) && !(e = set_sent(c, &v)) &&
	    !(e = set_stored(c, &v)) &&
	    !(e = tmpl_setf(&v, "status", "%d", c->res.status)))
		e = tmpl_render("wire", &v, c->shown, out);
	tmpl_vars_cleanup(&v);
	return e;
}
