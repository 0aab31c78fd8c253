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

/* Panel 1: the Cookie header and its pairs. */
static enum err put_received(struct ctx *c, struct buf *o)
{
	static const char *const cols[] = {
		"wire.col.name", "wire.col.value", "wire.col.bytes",
		"wire.col.script", "wire.col.note"
	};
	const struct cookie_jar *jar = &c->req.cookies;
	const char *note;
	size_t i;
	enum err e = ERR_OK;

	if (!c->req.cookie_header || !*c->req.cookie_header)
		return tmpl_put_bilingual(o, "wire.no_cookies", c->lang, "p");
	if ((e = buf_puts(o, "<pre class=\"raw\"><span class=\"hname\">"
			  "Cookie:</span> ")) ||
	    (e = buf_put_html(o, c->req.cookie_header,
			      strlen(c->req.cookie_header))) ||
	    (e = buf_puts(o, "</pre>\n<table class=\"pairs\"><thead><tr>")))
		return e;
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]) && !e; i++)
		if (!(e = buf_puts(o, "<th>")) &&
		    !(e = i18n_put_html(o, cols[i], c->lang)))
			e = buf_puts(o, "</th>");
	if (e || (e = buf_puts(o, "</tr></thead><tbody>\n")))
		return e;
	for (i = 0; i < jar->n && !e; i++) {
		const struct cookie_pair *p = &jar->pairs[i];

		note = p->duplicate ? "wire.note.duplicate" :
			cookie_note(p->name);
		if ((e = buf_printf(o, "<tr%s data-cookie=\"",
				    p->duplicate ? " class=\"dup\"" : "")) ||
		    (e = buf_put_html(o, p->name, strlen(p->name))) ||
		    (e = buf_puts(o, "\"><td><code>")) ||
		    (e = buf_put_html(o, p->name, strlen(p->name))) ||
		    (e = buf_puts(o, "</code></td><td><code class=\"val\">")) ||
		    (e = buf_put_html(o, p->value, strlen(p->value))) ||
		    (e = buf_printf(o, "</code></td><td class=\"num\">%zu</td>"
				    "<td class=\"js-visible\" data-yes=\"",
				    strlen(p->name) + strlen(p->value))) ||
		    (e = i18n_put_html(o, "wire.script.yes", c->lang)) ||
		    (e = buf_puts(o, "\" data-no=\"")) ||
		    (e = i18n_put_html(o, "wire.script.no", c->lang)) ||
		    (e = buf_puts(o, "\">?</td><td>")))
			break;
		if (note)
			e = tmpl_put_bilingual(o, note, c->lang, "span");
		if (!e)
			e = buf_puts(o, "</td></tr>\n");
	}
	if (!e)
		e = buf_puts(o, "</tbody></table>\n");
	if (!e && jar->n_duplicate)
		e = tmpl_put_bilingual(o, "wire.duplicates", c->lang, "p");
	return e;
}

/* Explain one Set-Cookie attribute (the text between "; "). */
static enum err put_attr(struct ctx *c, struct buf *o, const char *a,
			 size_t n)
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
	const char *key = "attr.unknown";
	size_t i, pl;
	enum err e;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		pl = strlen(tab[i].prefix);
		if (n >= pl && !strncasecmp(a, tab[i].prefix, pl)) {
			key = tab[i].key;
			break;
		}
	}
	if ((e = buf_puts(o, "<li><code>")) ||
	    (e = buf_put_html(o, a, n)) ||
	    (e = buf_puts(o, "</code> ")) ||
	    (e = tmpl_put_bilingual(o, key, c->lang, "span")))
		return e;
	return buf_puts(o, "</li>\n");
}

/* Panel 2: every Set-Cookie of this response, attribute by attribute. */
static enum err put_sent(struct ctx *c, struct buf *o)
{
	size_t i;
	enum err e = ERR_OK;

	if (!c->res.n_set_cookies)
		return tmpl_put_bilingual(o, "wire.no_set_cookie", c->lang,
					  "p");
	for (i = 0; i < c->res.n_set_cookies && !e; i++) {
		const char *line = c->res.set_cookies[i];
		const char *semi = strstr(line, "; ");
		const char *a, *next;
		int lifetime = 0;

		if ((e = buf_puts(o, "<div class=\"setcookie\"><pre class=\"raw\">"
				  "<span class=\"hname\">Set-Cookie:</span> ")) ||
		    (e = buf_put_html(o, line, strlen(line))) ||
		    (e = buf_puts(o, "</pre>\n<ul class=\"attrs\">\n")))
			break;
		for (a = semi ? semi + 2 : NULL; a && !e; a = next) {
			const char *end = strstr(a, "; ");

			next = end ? end + 2 : NULL;
			if (!end)
				end = a + strlen(a);
			if (!strncmp(a, "Max-Age=", 8) ||
			    !strncmp(a, "Expires=", 8))
				lifetime = 1;
			e = put_attr(c, o, a, (size_t)(end - a));
		}
		if (!e && !lifetime && !(e = buf_puts(o, "<li>")) &&
		    !(e = tmpl_put_bilingual(o, "attr.session_cookie",
					     c->lang, "span")))
			e = buf_puts(o, "</li>\n");
		if (!e)
			e = buf_puts(o, "</ul></div>\n");
	}
	return e;
}

/* One row of the stored-session table: a label key and a time. */
static enum err put_time_row(struct ctx *c, struct buf *o, const char *key,
			     long long t)
{
	char when[48], delta[48];
	enum err e;

	wire_format_time(t, when, sizeof(when));
	wire_format_delta(t, c->now, c->lang, delta, sizeof(delta));
	if ((e = buf_puts(o, "<tr><th>")) ||
	    (e = i18n_put_html(o, key, c->lang)) ||
	    (e = buf_puts(o, "</th><td><time>")) ||
	    (e = buf_put_html(o, when, strlen(when))) ||
	    (e = buf_printf(o, "</time> <span class=\"delta\" data-at=\"%lld\""
			    " data-now=\"%lld\">(", t, c->now)) ||
	    (e = buf_put_html(o, delta, strlen(delta))))
		return e;
	return buf_puts(o, ")</span></td></tr>\n");
}

/* Panel 3: the stored session row, or why there is none. */
static enum err put_stored(struct ctx *c, struct buf *o)
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
	if (c->store_failed &&
	    ((e = buf_puts(o, "<div class=\"callout error\" "
			   "id=\"wire-store-failed\">")) ||
	     (e = tmpl_put_bilingual(o, c->store_failed, c->lang, "p")) ||
	     (e = buf_puts(o, "</div>\n"))))
		return e;
	if (!c->has_session) {
		if ((e = tmpl_put_bilingual(o, miss_keys[c->miss], c->lang,
					    "p")))
			return e;
		return tmpl_put_bilingual(o, "wire.nothing_stored", c->lang,
					  "p");
	}
	sodium_bin2hex(hex, sizeof(hex), c->sess.id_hash, SESSION_HASH_BYTES);
	if ((e = buf_printf(o, "<table class=\"row\"><caption>sessions"
			    "</caption>\n<tr><th>id_hash</th><td><code>%.16s…"
			    "</code></td></tr>\n<tr><th>user_id</th><td>",
			    hex)))
		return e;
	if (c->logged_in) {
		if (!(e = buf_printf(o, "%lld (<code>", c->sess.user_id)) &&
		    !(e = buf_put_html(o, c->user.username,
				       strlen(c->user.username))) &&
		    !(e = buf_puts(o, "</code>, ")) &&
		    !(e = buf_put_html(o, c->user.role, strlen(c->user.role))))
			e = buf_puts(o, ")");
	} else if (!(e = buf_puts(o, "NULL — "))) {
		e = i18n_put_html(o, "wire.guest", c->lang);
	}
	if (e || (e = buf_puts(o, "</td></tr>\n")) ||
	    (e = put_time_row(c, o, "wire.created", c->sess.created)) ||
	    (e = put_time_row(c, o, "wire.last_seen", c->sess.last_seen)) ||
	    (e = put_time_row(c, o, "wire.idle_expires",
			      c->sess.idle_expires)) ||
	    (e = put_time_row(c, o, "wire.absolute_expires",
			      c->sess.absolute_expires)) ||
	    (e = buf_printf(o, "<tr><th>persistent</th><td>%d</td></tr>\n"
			    "</table>\n<p class=\"raw-label\">data (JSON)</p>"
			    "<pre class=\"raw json\">", c->sess.persistent)))
		return e;
	if (!(json = json_dumps(c->sess.data, JSON_INDENT(2) |
				JSON_SORT_KEYS)))
		return ERR_NOMEM;
	e = buf_put_html(o, json, strlen(json));
	free(json);
	if (e || (e = buf_puts(o, "</pre>\n")))
		return e;
	return tmpl_put_bilingual(o, "wire.hash_only", c->lang, "p");
}

enum err wire_render(struct ctx *c, struct buf *out)
{
	struct tmpl_vars v;
	struct buf received, sent, stored;
	enum err e;

	tmpl_vars_init(&v);
	buf_init(&received);
	buf_init(&sent);
	buf_init(&stored);
	if ((e = put_received(c, &received)) || (e = put_sent(c, &sent)) ||
	    (e = put_stored(c, &stored)) ||
	    (e = tmpl_set_html(&v, "received", received.data ? received.data : "")) ||
	    (e = tmpl_set_html(&v, "sent", sent.data ? sent.data : "")) ||
	    (e = tmpl_set_html(&v, "stored", stored.data ? stored.data : "")) ||
	    (e = tmpl_setf(&v, "status", "%d", c->res.status)))
		goto out;
	e = tmpl_render("wire", &v, c->lang, out);
out:
	buf_cleanup(&received);
	buf_cleanup(&sent);
	buf_cleanup(&stored);
	tmpl_vars_cleanup(&v);
	return e;
}
