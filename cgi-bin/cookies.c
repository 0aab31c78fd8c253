/*
 * cookies - the home page and the cookie lessons.
 *
 * Scenarios: S-H1 (HTTP keeps no state: /cookies/hello), S-C1/S-C2 (the
 * cookie lab: /lab/, /lab/path/, /cookies/echo), S-C3 (session vs
 * persistent: /cookies/lifetime), S-C4 (limits: /lab/limits/, which names
 * the site's own cookies a flood of lab cookies evicts, and the 431
 * rescue /cookies/clear-lab), S-C5 (tampering: /cookies/tamper/), S-C6
 * (preferences: /prefs), S-C7 (today-only notice: the home page and
 * /notice/), S-C8 (visits: /visits), S-C9 (origin, SameSite, CORS:
 * /cookies/samesite and the other site on OTHER_PORT). Every path no other
 * program claims ends here and gets the site's 404 page.
 *
 * Forms a visitor posts without logging in are guarded by prefs_check_form
 * (same origin, plus the session's CSRF token when there is a session):
 * see README "Choices".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/origin.h"
#include "base/config.h"
#include "lessons/cookieval.h"
#include "lessons/cors.h"
#include "lessons/course.h"
#include "lessons/lab.h"
#include "base/localday.h"
#include "unsafe/naive_login.h"
#include "site/prefs.h"
#include "state/signed.h"
#include "site/site.h"
#include "lessons/visits.h"
#include "site/wire.h"

#define SAMESITE_PATH "/cookies/"          /* the ss_* and keep_* cookies */
#define HELLO_PATH    "/cookies/hello"
#define TAMPER_PATH   "/cookies/tamper/"
#define KEEP_MAX_AGE  604800L              /* S-C3: one week */

/* Origins trusted with credentialed CORS (the other site), from
 * OTHER_PORT (else PORT + 1) at start. */
static char other_127[48], other_localhost[48];
static const char *cors_allowed[3];
static long other_port;

/* ---- helpers ------------------------------------------------------------ */

/* One cookie with the usual lesson attributes: Path, SameSite=Lax. */
static enum err send_cookie(struct ctx *c, const char *name,
			    const char *value, const char *path,
			    long max_age, int http_only)
{
	struct cookie_spec cs;

	cookie_spec_init(&cs, name, value, path, max_age,
			 http_only ? COOKIE_HTTPONLY : 0, SAMESITE_LAX);
	return response_cookie(&c->res, &cs, NULL);
}

/* builder_text and builder_raw (lab_builder_text.html): why the cookie
 * builder refused (lab and limits pages), in both languages when lab.c
 * knows the sentence, else as it is. */
static enum err set_builder_text(struct ctx *c, const char *why)
{
	const char *key = lab_builder_key(why);
	enum err e;

	if ((e = site_bilingual(c, "builder_text", key, "p")))
		return e;
	return tmpl_set(&c->vars, "builder_raw", why && !key ? why : "");
}

/* Set a page variable to "1" or "". */
static enum err flag(struct ctx *c, const char *name, int on)
{
	return tmpl_set(&c->vars, name, on ? "1" : "");
}

/* The last Set-Cookie of this response, shown big on lesson pages. */
static enum err show_last_set_cookie(struct ctx *c)
{
	size_t n = c->res.n_set_cookies;

	return tmpl_set(&c->vars, "set_cookie",
			n ? c->res.set_cookies[n - 1] : "");
}

/*
 * Count a visit and (re)send visitId (S-C8). When the store cannot be
 * written (a full disk), the page still shows what was stored, says the
 * visit was not counted, and sends no cookie: the browser keeps its own.
 */
static enum err count_visit(struct ctx *c, struct visit *v)
{
	const char *id = cookie_get(&c->req.cookies, "visitId");
	enum err e = visits_record(c->db, id, c->now, v);

	if (e == ERR_UNAVAILABLE) {
		site_store_failed(c, "wire.store.visit_failed");
		return visits_peek(c->db, id, v);
	}
	if (e)
		return e;
	return send_cookie(c, "visitId", v->id, "/", VISITS_MAX_AGE, 1);
}

/* ---- S-H1, S-C7: home ------------------------------------------------ */

/* GET /: what the site is, the lessons, and the today-only notice. It
 * sets no cookie: visits are counted on /visits. */
static enum err home(struct ctx *c)
{
	const char *hidden = cookie_get(&c->req.cookies, "hideNotice");
	enum err e;

	if ((e = flag(c, "show_notice", !hidden || (strcmp(hidden, "today") &&
						    strcmp(hidden, "session")))))
		return e;
	site_page(c, "home", "home.title");
	return ERR_OK;
}

/* ---- S-H1: stateless HTTP ---------------------------------------------- */

/* The name the hello cookie carries, decoded, into the page. */
static enum err hello_vars(struct ctx *c)
{
	char *name = NULL;
	const char *raw = cookie_get(&c->req.cookies, "hello");
	enum err e;

	if (raw && cookieval_decode(raw, &name) != ERR_OK)
		name = NULL;      /* tampered: shown as unknown */
	e = tmpl_set(&c->vars, "cookie_name", name ? name : "");
	free(name);
	if (!e)
		e = flag(c, "cookie_bad", raw && !name);
	return e;
}

/* GET /cookies/hello: step 1 of both flows. */
static enum err hello(struct ctx *c)
{
	enum err e;

	if ((e = hello_vars(c)))
		return e;
	site_page(c, "cookies_hello", "cookies.hello.title");
	return ERR_OK;
}

/* GET /cookies/hello/step2?name=: the name came in the URL, this once. */
static enum err hello_step2(struct ctx *c)
{
	const char *name = http_field(&c->req.query, "name");
	struct buf probe;
	enum err e;

	buf_init(&probe);
	e = cookieval_encode(name, &probe);   /* the same rules as the cookie */
	buf_cleanup(&probe);
	if (e) {
		c->error_key = "cookies.hello.bad_name";
		return e == ERR_TOOBIG ? ERR_INVAL : e;
	}
	if ((e = tmpl_set(&c->vars, "url_name", name)) || (e = hello_vars(c)))
		return e;
	site_page(c, "cookies_hello_step2", "cookies.hello.title2");
	return ERR_OK;
}

/* GET /cookies/hello/step3: the next page. Only the cookie remembers;
 * the page says whether a Cookie header came at all. */
static enum err hello_step3(struct ctx *c)
{
	enum err e;

	if ((e = hello_vars(c)) ||
	    (e = flag(c, "had_cookie_header", *c->req.cookie_header != '\0')))
		return e;
	if (*tmpl_get(&c->vars, "cookie_name"))   /* the cookie remembered */
		course_tick(c, "hello");
	site_page(c, "cookies_hello_step3", "cookies.hello.title3");
	return ERR_OK;
}

/* POST /cookies/hello/remember: the same name, kept in a cookie. */
static enum err hello_remember(struct ctx *c)
{
	struct buf value;
	enum err e;

	if ((e = site_visitor_guard(c)))
		return e;
	buf_init(&value);
	e = cookieval_encode(http_field(&c->req.form, "name"), &value);
	if (e) {
		buf_cleanup(&value);
		c->error_key = "cookies.hello.bad_name";
		return ERR_INVAL;
	}
	e = send_cookie(c, "hello", value.data, HELLO_PATH, -1, 0);
	buf_cleanup(&value);
	if (e)
		return e;
	return response_redirect(&c->res, 303, "/cookies/hello/step3");
}

/* POST /cookies/hello/forget: delete the hello cookie. */
static enum err hello_forget(struct ctx *c)
{
	enum err e;

	if ((e = site_visitor_guard(c)) ||
	    (e = send_cookie(c, "hello", "", HELLO_PATH, 0, 0)))
		return e;
	return response_redirect(&c->res, 303, "/cookies/hello");
}

/* ---- S-C6: preferences ------------------------------------------------- */

static enum err prefs_vars(struct ctx *c)
{
	const char *sort = prefs_sort_of(&c->req.cookies);
	const char *raw_theme = cookie_get(&c->req.cookies, "theme");
	const char *raw_sort = cookie_get(&c->req.cookies, "sort");
	const char *raw_lang = cookie_get(&c->req.cookies, "lang");
	enum err e;

	if ((e = tmpl_set(&c->vars, "cur_theme", c->theme)) ||
	    (e = tmpl_set(&c->vars, "cur_lang", i18n_shown_code(c->shown))) ||
	    (e = tmpl_set(&c->vars, "cur_sort", sort)) ||
	    (e = flag(c, "sort_name", !strcmp(sort, "name"))) ||
	    (e = flag(c, "sort_asc", !strcmp(sort, "price-asc"))) ||
	    (e = flag(c, "sort_desc", !strcmp(sort, "price-desc"))) ||
	    (e = flag(c, "bad_theme", raw_theme && !prefs_theme(raw_theme))) ||
	    (e = flag(c, "bad_sort", raw_sort && !prefs_sort(raw_sort))) ||
	    (e = flag(c, "bad_lang", raw_lang && !prefs_lang(raw_lang))))
		return e;
	return ERR_OK;
}

/* GET /prefs: the three preferences and how they travel. */
static enum err prefs_page(struct ctx *c)
{
	enum err e;

	if ((e = prefs_vars(c)))
		return e;
	site_page(c, "prefs", "prefs.title");
	return ERR_OK;
}

/* POST /prefs: set any of theme, lang, sort for a year; back to the page. */
static enum err prefs_post(struct ctx *c)
{
	static const struct {
		const char *name;
		const char *(*check)(const char *);
	} fields[] = {
		{ "theme", prefs_theme }, { "lang", prefs_lang },
		{ "sort", prefs_sort },
	};
	const char *v, *ok, *back;
	size_t i, n = 0;
	enum err e;

	if ((e = site_visitor_guard(c)))
		return e;
	/* Check every field before sending anything: all or nothing. */
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		v = http_field(&c->req.form, fields[i].name);
		if (!v)
			continue;
		if (!fields[i].check(v)) {
			c->error_key = "prefs.bad_value";
			return ERR_INVAL;
		}
		n++;
	}
	if (n == 0) {
		c->error_key = "prefs.nothing";
		return ERR_INVAL;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		v = http_field(&c->req.form, fields[i].name);
		if (!v)
			continue;
		ok = fields[i].check(v);
		if ((e = send_cookie(c, fields[i].name, ok, "/", PREFS_MAX_AGE,
				     0)))
			return e;
	}
	course_tick(c, "prefs");
	back = origin_back_path(&c->req);
	return response_redirect(&c->res, 303, back ? back : "/prefs");
}

/* ---- S-C7: today-only notice ------------------------------------------- */

/* GET /notice/: what the notice cookie is, and the midnight it ends at. */
static enum err notice_page(struct ctx *c)
{
	char when[48], zone[16], date[30];
	long long midnight;
	const char *hidden = cookie_get(&c->req.cookies, "hideNotice");
	enum err e;

	if ((e = localday_next_midnight(c->now, &midnight)))
		return ERR_INTERNAL;
	if ((e = tmpl_set(&c->vars, "midnight_local",
			  wire_format_time(midnight, when, sizeof(when)))) ||
	    (e = tmpl_set(&c->vars, "midnight_gmt",
			  cookie_format_date((time_t)midnight, date))) ||
	    (e = tmpl_set(&c->vars, "zone",
			  localday_zone(c->now, zone, sizeof(zone)))) ||
	    (e = tmpl_setf(&c->vars, "seconds_left", "%lld",
			   midnight - c->now)) ||
	    (e = tmpl_set(&c->vars, "tz", config_str("TZ", "(unset: UTC)"))) ||
	    (e = flag(c, "hidden_today", hidden && !strcmp(hidden, "today"))) ||
	    (e = flag(c, "hidden_session",
		      hidden && !strcmp(hidden, "session"))))
		return e;
	site_page(c, "notice", "notice.title");
	return ERR_OK;
}

/* POST /notice/hide-today: today=1 hides the notice until local midnight
 * (Expires); without it, until the browser closes (a session cookie). */
static enum err notice_hide(struct ctx *c)
{
	const char *today = http_field(&c->req.form, "today");
	struct cookie_spec cs;
	long long midnight;
	enum err e;

	if ((e = site_visitor_guard(c)))
		return e;
	if (today && strcmp(today, "1")) {
		c->error_key = "notice.bad_field";
		return ERR_INVAL;
	}
	cookie_spec_init(&cs, "hideNotice", today ? "today" : "session", "/",
			 COOKIE_SESSION, 0, SAMESITE_LAX);
	if (today) {
		if (localday_next_midnight(c->now, &midnight))
			return ERR_INTERNAL;
		cs.has_expires = 1;
		cs.expires = (time_t)midnight;
	}
	if ((e = response_cookie(&c->res, &cs, NULL)))
		return e;
	return response_redirect(&c->res, 303, "/notice/");
}

/* POST /notice/reset: show the notice again. */
static enum err notice_reset(struct ctx *c)
{
	enum err e;

	if ((e = site_visitor_guard(c)) ||
	    (e = send_cookie(c, "hideNotice", "", "/", 0, 0)))
		return e;
	return response_redirect(&c->res, 303, "/");
}

/* ---- S-C8: visits ------------------------------------------------------- */

/* GET /visits: count this visit and show the record. */
static enum err visits_page(struct ctx *c)
{
	char first[48], last[48], prev[48];
	struct visit v;
	enum err e;

	/* HEAD is safe (RFC 9110 §9.2.1): it must not count a visit. It
	 * answers 200 with no page (the body would be dropped anyway). */
	if (c->req.method == HTTP_HEAD)
		return ERR_OK;
	if ((e = count_visit(c, &v)) ||
	    (e = tmpl_setf(&c->vars, "count", "%lld", v.count)) ||
	    (e = tmpl_set(&c->vars, "first_seen", v.first_seen ?
			  wire_format_time(v.first_seen, first,
					   sizeof(first)) : "—")) ||
	    (e = tmpl_set(&c->vars, "last_seen", v.last_seen ?
			  wire_format_time(v.last_seen, last, sizeof(last)) :
			  "—")) ||
	    (e = tmpl_set(&c->vars, "previous", v.previous ?
			  wire_format_time(v.previous, prev, sizeof(prev)) :
			  "")) ||
	    (e = flag(c, "is_new", v.is_new)) ||
	    (e = flag(c, "had_cookie",
		      cookie_get(&c->req.cookies, "visitId") != NULL)) ||
	    (e = show_last_set_cookie(c)))
		return e;
	site_page(c, "visits", "visits.title");
	return ERR_OK;
}

/* POST /visits/forget: delete the row and the cookie. */
static enum err visits_forget_post(struct ctx *c)
{
	enum err e;

	if ((e = site_visitor_guard(c)))
		return e;
	e = visits_forget(c->db, cookie_get(&c->req.cookies, "visitId"));
	if (e && e != ERR_NOTFOUND)
		return e;
	if ((e = send_cookie(c, "visitId", "", "/", 0, 1)))
		return e;
	return response_redirect(&c->res, 303, "/visits");
}

/* ---- S-C1/S-C2: the cookie lab ----------------------------------------- */

/*
 * What the server received (S-C1): each pair of the Cookie header as a
 * row of the list received_rows (lab_received.html: name and value, a
 * repeated name marked, as the server uses the first), with the count
 * and the header's size.
 */
static enum err received_vars(struct ctx *c)
{
	const struct cookie_jar *jar = &c->req.cookies;
	struct tmpl_vars *row;
	size_t i;
	enum err e;

	if ((e = tmpl_list(&c->vars, "received_rows")))
		return e;
	for (i = 0; i < jar->n; i++) {
		const struct cookie_pair *p = &jar->pairs[i];

		if ((e = tmpl_row_add(&c->vars, "received_rows", &row)) ||
		    (e = tmpl_set(row, "dup", p->duplicate ? "1" : "")) ||
		    (e = tmpl_set(row, "name", p->name)) ||
		    (e = tmpl_set(row, "value", p->value)))
			return e;
	}
	if ((e = tmpl_setf(&c->vars, "received_count", "%zu", jar->n)) ||
	    (e = tmpl_setf(&c->vars, "header_bytes", "%zu",
			   strlen(c->req.cookie_header))))
		return e;
	return ERR_OK;
}

/* The builder page, with an optional result (set_cookie) or refusal. */
static enum err lab_render(struct ctx *c, const char *why_key,
			   const char *builder_why)
{
	enum err e;

	static const char *const optional[] = { "set_cookie", "cleared",
						"left" };
	size_t i;

	for (i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
		if (!tmpl_get(&c->vars, optional[i]) &&
		    (e = tmpl_set(&c->vars, optional[i], "")))
			return e;
	if ((e = tmpl_set(&c->vars, "why", why_key ? why_key : "")) ||
	    (e = site_bilingual(c, "why_text", why_key, "p")) ||
	    (e = tmpl_set(&c->vars, "builder_why",
			  builder_why ? builder_why : "")) ||
	    (e = set_builder_text(c, builder_why)) ||
	    (e = tmpl_setf(&c->vars, "budget", "%d", LAB_BUDGET)) ||
	    (e = received_vars(c)))
		return e;
	site_page(c, "lab", "lab.title");
	return ERR_OK;
}

/* GET /lab/: the builder. */
static enum err lab_page(struct ctx *c)
{
	return lab_render(c, NULL, NULL);
}

/* POST /lab/set: build the cookie from the form, or explain the refusal. */
static enum err lab_set(struct ctx *c)
{
	struct lab_cookie lc;
	const char *why_key = NULL, *builder_why = NULL;
	enum err e;

	if ((e = site_visitor_guard(c)))
		return e;
	if (lab_from_form(&c->req.form, c->now, &lc, &why_key,
			  &builder_why))
		return (e = lab_render(c, why_key, builder_why)) ? e :
			site_keep_answer(c, ERR_INVAL);
	if (strlen(c->req.cookie_header) > LAB_BUDGET)
		return (e = lab_render(c, "lab.why.budget", NULL)) ? e :
			site_keep_answer(c, ERR_INVAL);
	if ((e = response_cookie(&c->res, &lc.spec, &builder_why)))
		return e;
	if ((e = show_last_set_cookie(c)))
		return e;
	course_tick(c, "lab");
	return lab_render(c, NULL, NULL);
}

/* POST /lab/clear: expire the lab cookies this page received. */
static enum err lab_clear(struct ctx *c)
{
	size_t n, left;
	enum err e;

	if ((e = site_visitor_guard(c)) ||
	    (e = lab_expire_received(&c->res, &c->req.cookies, &n, &left)) ||
	    (e = tmpl_setf(&c->vars, "cleared", "%zu", n)) ||
	    (e = left ? tmpl_setf(&c->vars, "left", "%zu", left) :
		 tmpl_set(&c->vars, "left", "")))
		return e;
	return lab_render(c, NULL, NULL);
}

/* GET /lab/path/: the same cookies, seen from a sub-path. */
static enum err lab_sub_page(struct ctx *c)
{
	enum err e;

	if ((e = tmpl_setf(&c->vars, "budget", "%d", LAB_BUDGET)) ||
	    (e = received_vars(c)))
		return e;
	site_page(c, "lab_path", "lab.path.title");
	return ERR_OK;
}

/* GET /cookies/echo[?cors=mode]: JSON of the cookies that came back.
 * The same answer at /cookies/hello/echo and /cookies/tamper/echo, whose
 * Paths also carry hello and the tampering lesson's cookies: the limits
 * lab's script asks those two which of the site's cookies still exist. */
static enum err echo(struct ctx *c)
{
	const struct cookie_jar *jar = &c->req.cookies;
	enum cors_mode mode;
	json_t *pairs, *o;
	int granted = 0;
	size_t i;
	enum err e;

	if (cors_mode_parse(http_field(&c->req.query, "cors"), &mode)) {
		c->error_key = "cors.bad_mode";
		return ERR_INVAL;
	}
	if ((e = cors_apply(&c->res, mode, c->req.origin, cors_allowed,
			    &granted)))
		return e;
	if (!(pairs = json_array()))
		return ERR_NOMEM;
	for (i = 0; i < jar->n; i++)
		json_array_append_new(pairs, json_pack("{s:s, s:s, s:b}",
			"name", jar->pairs[i].name, "value",
			jar->pairs[i].value, "duplicate",
			jar->pairs[i].duplicate));
	o = json_pack("{s:s, s:o, s:I, s:I, s:s, s:s, s:s}",
		      "cookie_header", c->req.cookie_header,
		      "pairs", pairs,
		      "count", (json_int_t)jar->n,
		      "bytes", (json_int_t)strlen(c->req.cookie_header),
		      "origin", c->req.origin,
		      "cors", cors_mode_name(mode),
		      "relation", cors_relation_name(
			      cors_relation(c->req.origin, c->req.https,
					    c->req.host)));
	return site_json(c, o);
}

/* ---- S-C3: session vs persistent ------------------------------------- */

static enum err lifetime_page(struct ctx *c)
{
	enum err e;

	if ((e = flag(c, "has_session_cookie",
		      cookie_get(&c->req.cookies, "keep_session") != NULL)) ||
	    (e = flag(c, "has_persistent_cookie",
		      cookie_get(&c->req.cookies, "keep_persistent") != NULL)))
		return e;
	/* S-C3: only a browser restart drops the one and keeps the other */
	if (cookie_get(&c->req.cookies, "keep_persistent") &&
	    !cookie_get(&c->req.cookies, "keep_session"))
		course_tick(c, "lifetime");
	site_page(c, "cookies_lifetime", "cookies.lifetime.title");
	return ERR_OK;
}

/* POST /cookies/lifetime/set: one cookie without expiry, one for a week. */
static enum err lifetime_set(struct ctx *c)
{
	enum err e;

	if ((e = site_visitor_guard(c)) ||
	    (e = send_cookie(c, "keep_session", "1", SAMESITE_PATH, -1, 0)) ||
	    (e = send_cookie(c, "keep_persistent", "1", SAMESITE_PATH,
			     KEEP_MAX_AGE, 0)))
		return e;
	return response_redirect(&c->res, 303, "/cookies/lifetime");
}

/* POST /cookies/lifetime/clear: delete both. */
static enum err lifetime_clear(struct ctx *c)
{
	enum err e;

	if ((e = site_visitor_guard(c)) ||
	    (e = send_cookie(c, "keep_session", "", SAMESITE_PATH, 0, 0)) ||
	    (e = send_cookie(c, "keep_persistent", "", SAMESITE_PATH, 0, 0)))
		return e;
	return response_redirect(&c->res, 303, "/cookies/lifetime");
}

/* ---- S-C4: limits ----------------------------------------------------- */

/* 1 when a cookie with Path path is sent with a request for page (RFC
 * 6265 §5.1.4 path-match). */
static int path_covers(const char *path, const char *page)
{
	size_t n = strlen(path);

	if (!n || strncmp(page, path, n))
		return 0;
	return path[n - 1] == '/' || page[n] == '/' || page[n] == '\0';
}

/* The state of site cookie i on this page, as an i18n key suffix. */
static const char *site_state(const struct lab_site_cookie *sc, size_t i,
			      unsigned long seen, unsigned long had)
{
	if (seen & (1UL << i))
		return "here";
	if (had & (1UL << i))
		return "gone";
	return path_covers(sc->path, LAB_LIMITS_PATH) ? "absent" : "unseen";
}

/* The list name of vars: a row {name, sep} for each site cookie in mask,
 * sep ", " before all but the first. */
static enum err set_names(struct tmpl_vars *vars, const char *name,
			  unsigned long mask)
{
	const struct lab_site_cookie *sc;
	struct tmpl_vars *row;
	size_t i, n;
	int first = 1;
	enum err e;

	sc = lab_site_cookies(&n);
	if ((e = tmpl_list(vars, name)))
		return e;
	for (i = 0; i < n; i++) {
		if (!(mask & (1UL << i)))
			continue;
		if ((e = tmpl_row_add(vars, name, &row)) ||
		    (e = tmpl_set(row, "sep", first ? "" : ", ")) ||
		    (e = tmpl_set(row, "name", sc[i].name)))
			return e;
		first = 0;
	}
	return ERR_OK;
}

/* One row of the site-cookie table (site_rows): the group's names with
 * their state here, its Path, and what is lost and how to get it back. */
static enum err set_site_group(struct ctx *c, size_t g, unsigned long seen,
			       unsigned long had)
{
	const struct lab_site_group *groups;
	const struct lab_site_cookie *sc;
	struct tmpl_vars *row, *one;
	const char *path = NULL, *state;
	char key[40];
	size_t i, n, ng;
	enum err e;

	groups = lab_site_groups(&ng);
	sc = lab_site_cookies(&n);
	if ((e = tmpl_row_add(&c->vars, "site_rows", &row)) ||
	    (e = tmpl_setf(row, "group", "%zu", g)) ||
	    (e = tmpl_list(row, "names")))
		return e;
	for (i = 0; i < n; i++) {
		if (sc[i].group != g)
			continue;
		path = sc[i].path;
		state = site_state(&sc[i], i, seen, had);
		snprintf(key, sizeof(key), "limits.state.%s", state);
		if ((e = tmpl_row_add(row, "names", &one)) ||
		    (e = tmpl_set(one, "name", sc[i].name)) ||
		    (e = tmpl_set(one, "http_only", sc[i].http_only ? "1" : "")) ||
		    (e = tmpl_set(one, "state", state)) ||
		    (e = tmpl_set(one, "path", sc[i].path)) ||
		    (e = tmpl_set_i18n(one, "state_text", key, c->shown)))
			return e;
	}
	if ((e = tmpl_set(row, "path", path ? path : "")) ||
	    (e = tmpl_set_bilingual(row, "back", groups[g].key, c->shown,
				    "span")))
		return e;
	return tmpl_set(row, "href", groups[g].href);
}

/*
 * The site's own cookies on the limits page (S-C4): the table of them
 * (site_rows), the names at risk from a flood of lab cookies (at_risk:
 * those that came here), the list to carry to the next request (seen_list)
 * and, when had names cookies that came with an earlier page, those the
 * browser has dropped since (dropped_rows, one item per group, with how
 * to get them back). All are lists for lab_limits.html.
 */
static enum err limits_site_vars(struct ctx *c, int had_given,
				 unsigned long had)
{
	const struct lab_site_group *groups;
	const struct lab_site_cookie *sc;
	unsigned long seen = lab_site_seen(&c->req.cookies);
	unsigned long dropped = had & ~seen, gmask;
	struct tmpl_vars *row;
	struct buf list;
	size_t g, ng, i, n;
	enum err e;

	groups = lab_site_groups(&ng);
	sc = lab_site_cookies(&n);
	buf_init(&list);
	if ((e = tmpl_list(&c->vars, "site_rows")) ||
	    (e = tmpl_list(&c->vars, "dropped_rows")))
		goto out;
	for (g = 0; g < ng; g++) {
		if ((e = set_site_group(c, g, seen, had)))
			goto out;
		for (gmask = 0, i = 0; i < n; i++)
			if (sc[i].group == g)
				gmask |= 1UL << i;
		if (!(dropped & gmask))
			continue;
		if ((e = tmpl_row_add(&c->vars, "dropped_rows", &row)) ||
		    (e = set_names(row, "names", dropped & gmask)) ||
		    (e = tmpl_set_i18n(row, "back", groups[g].key, c->shown)) ||
		    (e = tmpl_set(row, "href", groups[g].href)))
			goto out;
	}
	if ((e = set_names(&c->vars, "at_risk", seen)) ||
	    (e = lab_site_format(seen, ",", &list)) ||
	    (e = tmpl_set(&c->vars, "seen_list", list.data ? list.data : "")))
		goto out;
	if (!(e = flag(c, "had_given", had_given)) &&
	    !(e = flag(c, "had_kept", had_given && !dropped)))
		e = flag(c, "sid_at_risk", c->logged_in);
out:
	buf_cleanup(&list);
	return e;
}

static enum err limits_render(struct ctx *c, const char *why)
{
	size_t i, small = 0, fill = 0;
	const struct cookie_jar *jar = &c->req.cookies;
	enum err e;

	for (i = 0; i < jar->n; i++) {
		const char *n = jar->pairs[i].name;

		if (n[0] == 'c' && strlen(n) == 4)
			small++;
		else if (!strncmp(n, "fill", 4))
			fill++;
	}
	if (!tmpl_get(&c->vars, "set_cookie_count") &&
	    (e = tmpl_set(&c->vars, "set_cookie_count", "")))
		return e;
	if ((e = tmpl_setf(&c->vars, "received", "%zu", jar->n)) ||
	    (e = tmpl_setf(&c->vars, "small", "%zu", small)) ||
	    (e = tmpl_setf(&c->vars, "fill", "%zu", fill)) ||
	    (e = tmpl_setf(&c->vars, "big_bytes", "%zu",
			   cookie_get(jar, "big") ?
			   3 + strlen(cookie_get(jar, "big")) : (size_t)0)) ||
	    (e = tmpl_setf(&c->vars, "header_bytes", "%zu",
			   strlen(c->req.cookie_header))) ||
	    (e = tmpl_setf(&c->vars, "program_limit", "%d",
			   COOKIE_HEADER_MAX)) ||
	    (e = tmpl_set(&c->vars, "builder_why", why ? why : "")) ||
	    (e = set_builder_text(c, why)))
		return e;
	if (!tmpl_get(&c->vars, "had_given") &&
	    (e = limits_site_vars(c, 0, 0)))
		return e;
	site_page(c, "lab_limits", "limits.title");
	return ERR_OK;
}

/* GET /lab/limits/[?had=a,b]: what arrived here, and the experiments;
 * with had (the site cookies an earlier page saw here), which of them the
 * browser has dropped since. */
static enum err limits_page(struct ctx *c)
{
	const char *had = http_field(&c->req.query, "had");
	unsigned long mask;
	enum err e;

	if (lab_site_parse(had, &mask)) {
		c->error_key = "limits.bad_had";
		return ERR_INVAL;
	}
	if ((e = limits_site_vars(c, had != NULL, mask)))
		return e;
	return limits_render(c, NULL);
}

/* POST /lab/limits/big (size): one cookie of size bytes. */
static enum err limits_big(struct ctx *c)
{
	const char *why = NULL;
	long long size;
	enum err e;

	if ((e = site_visitor_guard(c)))
		return e;
	if (http_parse_num(http_field(&c->req.form, "size"), 4, LAB_BIG_MAX,
			   HTTP_NUM_ZEROS, &size)) {
		c->error_key = "limits.bad_size";
		return ERR_INVAL;
	}
	e = lab_big(&c->res, (long)size, &why);
	if (e == ERR_TOOBIG)
		/* The lesson: refused here as a browser would drop it. */
		return (e = limits_render(c, why)) ? e :
			site_keep_answer(c, ERR_INVAL);
	if (e)
		return e;
	if ((e = tmpl_set(&c->vars, "set_cookie_count", "1")))
		return e;
	return limits_render(c, NULL);
}

/* POST /lab/limits/many (first): fifty small cookies. */
static enum err limits_many(struct ctx *c)
{
	long long first;
	enum err e;

	if ((e = site_visitor_guard(c)))
		return e;
	if (http_parse_num(http_field(&c->req.form, "first"), 1,
			   LAB_MANY_TOTAL, HTTP_NUM_ZEROS, &first) ||
	    lab_many(&c->res, (long)first)) {
		c->error_key = "limits.bad_first";
		return ERR_INVAL;
	}
	if ((e = tmpl_setf(&c->vars, "set_cookie_count", "%d",
			   LAB_MANY_BATCH)))
		return e;
	return limits_render(c, NULL);
}

/* POST /lab/limits/fill: five 4000-byte cookies: the next request here
 * passes lighttpd's header limit and gets the 431 page. */
static enum err limits_fill(struct ctx *c)
{
	enum err e;

	if ((e = site_visitor_guard(c)) || (e = lab_fill(&c->res)) ||
	    (e = tmpl_setf(&c->vars, "set_cookie_count", "%d",
			   LAB_FILL_COUNT)))
		return e;
	return limits_render(c, NULL);
}

/* POST /lab/limits/clear: expire what arrived here (a batch at a time). */
static enum err limits_clear(struct ctx *c)
{
	size_t left;
	enum err e;

	if ((e = site_visitor_guard(c)) || (e = lab_expire_limits(&c->res, &left)))
		return e;
	return response_redirect(&c->res, 303, LAB_LIMITS_PATH);
}

/* GET /cookies/clear-lab: the rescue page, outside the lab's Path, so it
 * works however large the lab's cookies grew. */
static enum err clear_lab_page(struct ctx *c)
{
	enum err e;

	if ((e = tmpl_set(&c->vars, "left", "")) ||
	    (e = tmpl_set(&c->vars, "done", "")))
		return e;
	site_page(c, "cookies_clear_lab", "limits.clear.title");
	return ERR_OK;
}

/* POST /cookies/clear-lab: expire the limits lab's cookies from outside.
 * Only the same-origin check applies: the static 431 page that links here
 * cannot carry a CSRF token, and this only deletes the lab's own cookies. */
static enum err clear_lab_post(struct ctx *c)
{
	size_t left;
	enum err e;

	if (!origin_sent_by_us(&c->req)) {
		c->error_key = "cookies.guard.origin";
		return ERR_FORBIDDEN;
	}
	if ((e = lab_expire_limits(&c->res, &left)) ||
	    (e = left ? tmpl_setf(&c->vars, "left", "%zu", left) :
		 tmpl_set(&c->vars, "left", "")) ||
	    (e = tmpl_set(&c->vars, "done", "1")))
		return e;
	site_page(c, "cookies_clear_lab", "limits.clear.title");
	return ERR_OK;
}

/* ---- S-C5: tampering ---------------------------------------------------- */

/* Both logins' state, for the tamper pages. */
static enum err tamper_vars(struct ctx *c, enum signed_why *w, char *srole)
{
	char nuser[NAIVE_FIELD_MAX + 1], nrole[NAIVE_FIELD_MAX + 1];
	char suser[SIGNED_FIELD_MAX + 1];
	enum err e;

	naive_login_read(&c->req.cookies, nuser, nrole);
	*w = signed_pair_read(cookie_get(&c->req.cookies, "signed_login"),
			      suser, srole);
	if ((e = tmpl_set(&c->vars, "naive_user", nuser)) ||
	    (e = tmpl_set(&c->vars, "naive_role", nrole)) ||
	    (e = tmpl_set(&c->vars, "signed_user", suser)) ||
	    (e = tmpl_set(&c->vars, "signed_role", srole)) ||
	    (e = tmpl_set(&c->vars, "signed_raw",
			  cookie_get(&c->req.cookies, "signed_login") ?
			  cookie_get(&c->req.cookies, "signed_login") : "")) ||
	    (e = site_bilingual(c, "why_text", signed_why_key(*w), "span")) ||
	    (e = flag(c, "signed_ok", *w == SIGNED_OK)))
		return e;
	return ERR_OK;
}

/* GET /cookies/tamper/: both logins side by side. */
static enum err tamper_page(struct ctx *c)
{
	char srole[SIGNED_FIELD_MAX + 1];
	enum signed_why w;
	enum err e;

	if ((e = tamper_vars(c, &w, srole)))
		return e;
	site_page(c, "tamper", "tamper.title");
	return ERR_OK;
}

/* POST /cookies/tamper/login (username): both cookies, role "user". */
static enum err tamper_login(struct ctx *c)
{
	const char *user = http_field(&c->req.form, "username");
	struct buf v;
	struct cookie_spec cs;
	enum err e;

	if ((e = site_visitor_guard(c)))
		return e;
	if (!user || !auth_username_valid(user)) {
		c->error_key = "tamper.bad_user";
		return ERR_INVAL;
	}
	buf_init(&v);
	if ((e = signed_pair_make(user, "user", &v)))
		goto out;
	cookie_spec_init(&cs, "signed_login", v.data, TAMPER_PATH,
			 COOKIE_SESSION, COOKIE_HTTPONLY, SAMESITE_LAX);
	if ((e = naive_login_set(&c->res, user)) ||
	    (e = response_cookie(&c->res, &cs, NULL)))
		goto out;
	e = response_redirect(&c->res, 303, TAMPER_PATH);
out:
	buf_cleanup(&v);
	return e;
}

/* POST /cookies/tamper/logout: forget both. */
static enum err tamper_logout(struct ctx *c)
{
	struct cookie_spec cs;
	enum err e;

	if ((e = site_visitor_guard(c)) || (e = naive_login_clear(&c->res)))
		return e;
	cookie_spec_init(&cs, "signed_login", "", TAMPER_PATH, 0,
			 COOKIE_HTTPONLY, SAMESITE_LAX);
	if ((e = response_cookie(&c->res, &cs, NULL)))
		return e;
	return response_redirect(&c->res, 303, TAMPER_PATH);
}

/* GET /cookies/tamper/admin-insecure: INSECURE BY DESIGN - believes the
 * role cookie. */
static enum err tamper_admin_insecure(struct ctx *c)
{
	char user[NAIVE_FIELD_MAX + 1], role[NAIVE_FIELD_MAX + 1];
	enum err e;

	naive_login_read(&c->req.cookies, user, role);
	if ((e = tmpl_set(&c->vars, "user", user)) ||
	    (e = tmpl_set(&c->vars, "role", role)) ||
	    (e = flag(c, "admin", naive_login_is_admin(role))))
		return e;
	site_page(c, "tamper_admin_insecure", "tamper.insecure.title");
	return site_keep_answer(c, naive_login_is_admin(role) ? ERR_OK :
				ERR_FORBIDDEN);
}

/* GET /cookies/tamper/admin-signed: only a correctly signed role=admin. */
static enum err tamper_admin_signed(struct ctx *c)
{
	char srole[SIGNED_FIELD_MAX + 1];
	enum signed_why w;
	int admin;
	enum err e;

	if ((e = tamper_vars(c, &w, srole)))
		return e;
	admin = w == SIGNED_OK && !strcmp(srole, "admin");
	if ((e = flag(c, "admin", admin)))
		return e;
	/* S-C5: the edited role=admin arrived here, and the signature was
	 * refused (tamper_vars read the naive login into the page) */
	if (!admin && w != SIGNED_MISSING &&
	    naive_login_is_admin(tmpl_get(&c->vars, "naive_role")))
		course_tick(c, "tamper");
	site_page(c, "tamper_admin_signed", "tamper.signed.title");
	return site_keep_answer(c, admin ? ERR_OK : ERR_FORBIDDEN);
}

/* ---- S-C9: origin, SameSite, CORS ------------------------------------- */

/* The variables both S-C9 pages show. */
static enum err samesite_vars(struct ctx *c)
{
	const struct cookie_jar *jar = &c->req.cookies;
	enum cors_relation rel = cors_relation(c->req.origin, c->req.https,
					       c->req.host);
	enum err e;

	if ((e = flag(c, "got_strict", cookie_get(jar, "ss_strict") != NULL)) ||
	    (e = flag(c, "got_lax", cookie_get(jar, "ss_lax") != NULL)) ||
	    (e = flag(c, "got_none", cookie_get(jar, "ss_none") != NULL)) ||
	    (e = flag(c, "got_default",
		      cookie_get(jar, "ss_default") != NULL)) ||
	    (e = tmpl_set(&c->vars, "origin", c->req.origin)) ||
	    (e = site_bilingual(c, "rel_text", cors_relation_key(rel),
			       "span")) ||
	    (e = tmpl_set(&c->vars, "host", c->req.host)) ||
	    (e = tmpl_setf(&c->vars, "main_origin", "%s://%s",
			   c->req.https ? "https" : "http", c->req.host)) ||
	    (e = tmpl_setf(&c->vars, "other_port", "%ld", other_port)))
		return e;
	return ERR_OK;
}

/* GET /cookies/samesite: set the four cookies, then visit the other site. */
static enum err samesite_page(struct ctx *c)
{
	enum err e;

	if ((e = samesite_vars(c)))
		return e;
	site_page(c, "cookies_samesite", "cors.title");
	return ERR_OK;
}

/* POST /cookies/samesite/set: ss_strict, ss_lax, ss_none, ss_default. */
static enum err samesite_set(struct ctx *c)
{
	static const struct {
		const char *name;
		enum cookie_samesite ss;
	} list[] = {
		{ "ss_strict", SAMESITE_STRICT }, { "ss_lax", SAMESITE_LAX },
		{ "ss_none", SAMESITE_NONE }, { "ss_default", SAMESITE_UNSET },
	};
	struct cookie_spec cs;
	size_t i;
	enum err e;

	if ((e = site_visitor_guard(c)))
		return e;
	for (i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
		cookie_spec_init(&cs, list[i].name, "1", SAMESITE_PATH,
				 COOKIE_SESSION,
				 list[i].ss == SAMESITE_NONE ? COOKIE_SECURE : 0,
				 list[i].ss);
		if ((e = response_cookie(&c->res, &cs, NULL)))
			return e;
	}
	return response_redirect(&c->res, 303, "/cookies/samesite");
}

/*
 * The origin part ("http://host:port") of a Referer into out (cap bytes),
 * "" when it has none or does not fit: the other site sends its origin
 * only (referrer policy "origin").
 */
static void referer_origin(const char *ref, char *out, size_t cap)
{
	const char *host = strstr(ref, "://");
	size_t n;

	out[0] = '\0';
	if (!host)
		return;
	host += 3;
	n = (size_t)(host - ref) + strcspn(host, "/?#");
	if (n >= cap)
		return;
	memcpy(out, ref, n);
	out[n] = '\0';
}

/*
 * How to read this request (S-C9), as an i18n key: by method and by who
 * sent it. A browser sends Origin with a POST but not with a top-level
 * GET navigation, so for a GET the Referer tells where the link was.
 */
static const char *echo_reading(int post, int has_origin,
				enum cors_relation rel)
{
	static const char *const get_keys[] = {
		[CORS_REL_NONE] = "cors.read.get_none",
		[CORS_REL_SAME_ORIGIN] = "cors.read.get_same_origin",
		[CORS_REL_SAME_SITE] = "cors.read.get_same_site",
		[CORS_REL_CROSS_SITE] = "cors.read.get_cross_site",
	};
	static const char *const post_keys[] = {
		[CORS_REL_NONE] = "cors.read.post_none",
		[CORS_REL_SAME_ORIGIN] = "cors.read.post_same_origin",
		[CORS_REL_SAME_SITE] = "cors.read.post_same_site",
		[CORS_REL_CROSS_SITE] = "cors.read.post_cross_site",
	};

	if (post)
		return post_keys[rel];
	if (has_origin)
		return "cors.read.get_origin";
	return get_keys[rel];
}

/* GET or POST /cookies/samesite/echo: which of the four arrived, from
 * where, and what that teaches: the target of the other site's form and
 * link. It changes nothing, so it takes no token. */
static enum err samesite_echo(struct ctx *c)
{
	const struct cookie_jar *jar = &c->req.cookies;
	int post = c->req.method == HTTP_POST;
	int has_origin = *c->req.origin != '\0';
	int cross, got_lax = cookie_get(jar, "ss_lax") != NULL;
	int got_default = cookie_get(jar, "ss_default") != NULL;
	int got_any = got_lax || got_default ||
		cookie_get(jar, "ss_strict") || cookie_get(jar, "ss_none");
	const char *lang = cookie_get(jar, "lang");
	char from[300];
	enum cors_relation rel;
	enum err e;

	if ((e = samesite_vars(c)))
		return e;
	/* Without Origin, the Referer says where a link was followed. */
	referer_origin(c->req.referer, from, sizeof(from));
	rel = has_origin ? cors_relation(c->req.origin, c->req.https,
					 c->req.host) :
		cors_relation(from, c->req.https, c->req.host);
	cross = rel == CORS_REL_CROSS_SITE;
	if ((e = tmpl_set(&c->vars, "method", c->req.method_name)) ||
	    (e = tmpl_set(&c->vars, "referer", c->req.referer)) ||
	    (e = site_bilingual(c, "rel_text", cors_relation_key(rel),
			       "span")) ||
	    (e = flag(c, "by_referer", !has_origin && *from)) ||
	    (e = site_bilingual(c, "reading", echo_reading(post, has_origin,
							  rel), "p")) ||
	    (e = flag(c, "lang_note", post && cross && !prefs_lang(lang))) ||
	    (e = flag(c, "lax_post_note", post && cross && got_default &&
		      !got_lax)) ||
	    (e = flag(c, "none_note", !got_any)) ||
	    (e = tmpl_set(&c->vars, "lang_cookie",
			  prefs_lang(lang) ? prefs_lang(lang) : "")) ||
	    (e = tmpl_set(&c->vars, "accept_language",
			  c->req.accept_language)))
		return e;
	site_page(c, "cookies_samesite_echo", "cors.echo.title");
	return ERR_OK;
}

/* ---- routes ------------------------------------------------------------ */

static const char *const csrf_only[] = { "csrf", NULL };
static const char *const name_field[] = { "name", NULL };
static const char *const name_csrf[] = { "name", "csrf", NULL };
static const char *const prefs_fields[] = { "theme", "lang", "sort", "csrf",
					    NULL };
static const char *const notice_fields[] = { "today", "csrf", NULL };
static const char *const lab_fields[] = {
	"name", "value", "life", "seconds", "path", "domain", "secure",
	"httponly", "samesite", "prefix", "csrf", NULL
};
static const char *const cors_field[] = { "cors", NULL };
static const char *const size_fields[] = { "size", "csrf", NULL };
static const char *const first_fields[] = { "first", "csrf", NULL };
static const char *const user_fields[] = { "username", "csrf", NULL };
static const char *const from_field[] = { "from", NULL };
static const char *const had_field[] = { "had", NULL };

static const struct route routes[] = {
	{ HTTP_GET,  "/",                        home,          0, NULL },
	{ HTTP_GET,  "/cookies/hello",           hello,         0, NULL },
	{ HTTP_GET,  "/cookies/hello/step2",     hello_step2,   0, name_field },
	{ HTTP_GET,  "/cookies/hello/step3",     hello_step3,   0, NULL },
	{ HTTP_POST, "/cookies/hello/remember",  hello_remember, 0, name_csrf },
	{ HTTP_POST, "/cookies/hello/forget",    hello_forget,  0, csrf_only },
	{ HTTP_GET,  "/prefs",                   prefs_page,    0, NULL },
	{ HTTP_POST, "/prefs",                   prefs_post,    0, prefs_fields },
	{ HTTP_GET,  "/notice/",                 notice_page,   0, NULL },
	{ HTTP_POST, "/notice/hide-today",       notice_hide,   0, notice_fields },
	{ HTTP_POST, "/notice/reset",            notice_reset,  0, csrf_only },
	{ HTTP_GET,  "/visits",                  visits_page,   0, NULL },
	{ HTTP_POST, "/visits/forget",           visits_forget_post, 0,
	  csrf_only },
	{ HTTP_GET,  "/lab/",                    lab_page,      0, NULL },
	{ HTTP_POST, "/lab/set",                 lab_set,       0, lab_fields },
	{ HTTP_POST, "/lab/clear",               lab_clear,     0, csrf_only },
	{ HTTP_GET,  "/lab/path/",               lab_sub_page,  0, NULL },
	{ HTTP_GET,  "/cookies/echo",            echo,          ROUTE_JSON,
	  cors_field },
	{ HTTP_GET,  "/cookies/hello/echo",      echo,          ROUTE_JSON,
	  cors_field },
	{ HTTP_GET,  "/cookies/tamper/echo",     echo,          ROUTE_JSON,
	  cors_field },
	{ HTTP_GET,  "/cookies/lifetime",        lifetime_page, 0, NULL },
	{ HTTP_POST, "/cookies/lifetime/set",    lifetime_set,  0, csrf_only },
	{ HTTP_POST, "/cookies/lifetime/clear",  lifetime_clear, 0, csrf_only },
	{ HTTP_GET,  "/lab/limits/",             limits_page,   0, had_field },
	{ HTTP_POST, "/lab/limits/big",          limits_big,    0, size_fields },
	{ HTTP_POST, "/lab/limits/many",         limits_many,   0, first_fields },
	{ HTTP_POST, "/lab/limits/fill",         limits_fill,   0, csrf_only },
	{ HTTP_POST, "/lab/limits/clear",        limits_clear,  0, csrf_only },
	{ HTTP_GET,  "/cookies/clear-lab",       clear_lab_page, 0, NULL },
	{ HTTP_POST, "/cookies/clear-lab",       clear_lab_post, 0, NULL },
	{ HTTP_GET,  "/cookies/tamper/",         tamper_page,   0, NULL },
	{ HTTP_POST, "/cookies/tamper/login",    tamper_login,  0, user_fields },
	{ HTTP_POST, "/cookies/tamper/logout",   tamper_logout, 0, csrf_only },
	{ HTTP_GET,  "/cookies/tamper/admin-insecure", tamper_admin_insecure,
	  0, NULL },
	{ HTTP_GET,  "/cookies/tamper/admin-signed", tamper_admin_signed, 0,
	  NULL },
	{ HTTP_GET,  "/cookies/samesite",        samesite_page, 0, NULL },
	{ HTTP_POST, "/cookies/samesite/set",    samesite_set,  0, csrf_only },
	{ HTTP_GET,  "/cookies/samesite/echo",   samesite_echo, 0, from_field },
	{ HTTP_POST, "/cookies/samesite/echo",   samesite_echo, 0, from_field },
};

int main(void)
{
	/* As the Makefile does: the port after the site's own. */
	other_port = (long)config_long("OTHER_PORT",
				       config_long("PORT", 8080, 1, 65534) + 1,
				       1, 65535);
	snprintf(other_127, sizeof(other_127), "http://127.0.0.1:%ld",
		 other_port);
	snprintf(other_localhost, sizeof(other_localhost),
		 "http://localhost:%ld", other_port);
	cors_allowed[0] = other_127;
	cors_allowed[1] = other_localhost;
	cors_allowed[2] = NULL;
	if (signed_load(config_str("KEYS", "db/keys"))) {
		fprintf(stderr, "cookies: no %s in the keys folder: run "
			"`make initdb` first\n", SIGNED_KEY_FILE);
		return 1;
	}
	return site_run("cookies", routes, sizeof(routes) / sizeof(routes[0]));
}
