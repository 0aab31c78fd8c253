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

#include "base/log.h"
#include "http/tmpl.h"

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

enum err wire_render(struct ctx *c, struct buf *out)
{
	struct tmpl_vars v;
	enum err e;

	tmpl_vars_init(&v);
	if (!(e = set_received(c, &v)) && !(e = set_sent(c, &v)) &&
	    !(e = set_stored(c, &v)) &&
	    !(e = tmpl_setf(&v, "status", "%d", c->res.status)))
		e = tmpl_render("wire", &v, c->shown, out);
	tmpl_vars_cleanup(&v);
	return e;
}
