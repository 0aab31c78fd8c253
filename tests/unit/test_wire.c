/*
 * test_wire.c - the wire view's relative times (issue 15 §11): Korean
 * counts in its own units ("29분 59초 후"), English in d/h/m/s; the page
 * script (www/static/js/wire.js) writes the same words. Then its absolute
 * times in the site zone, the unit boundaries, and the panel itself
 * (wire_render, with the checkout's templates and strings): the Cookie
 * header and its pairs escaped, duplicates flagged, every Set-Cookie
 * attribute explained, and the stored session or why there is none.
 *
 * Run from the checkout (make unit does): the paths are relative.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <cmocka.h>

#include "http/tmpl.h"
#include "unit.h"
#include "site/wire.h"

static void test_delta(void **state)
{
	static const struct {
		long long  t;
		enum lang  lang;
		const char *want;
	} rows[] = {
		{ 1000, LANG_KO, "지금" },
		{ 1000, LANG_EN, "now" },
		{ 1003, LANG_KO, "3초 후" },
		{ 997,  LANG_KO, "3초 전" },
		{ 997,  LANG_EN, "3s ago" },
		{ 1000 + 1799, LANG_KO, "29분 59초 후" },
		{ 1000 + 1799, LANG_EN, "in 29m 59s" },
		{ 1000 + 7260, LANG_KO, "2시간 1분 후" },
		{ 1000 - 90000, LANG_KO, "1일 1시간 전" },
		{ 1000 - 90000, LANG_EN, "1d 1h ago" },
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		wire_format_delta(rows[i].t, 1000, rows[i].lang, out,
				  sizeof(out));
		if (strcmp(out, rows[i].want))
			print_error("row %zu: got %s\n", i, out);
		CHECK(!strcmp(out, rows[i].want), i);
	}
}

/* Each unit's boundary, both directions, and a language that is not
 * Korean written as English. */
static void test_delta_boundaries(void **state)
{
	static const struct {
		long long  d;          /* t - now */
		enum lang  lang;
		const char *want;
	} rows[] = {
		{ 1, LANG_EN, "in 1s" },
		{ -1, LANG_KO, "1초 전" },
		{ 59, LANG_EN, "in 59s" },
		{ 60, LANG_EN, "in 1m 0s" },
		{ 60, LANG_KO, "1분 0초 후" },
		{ -61, LANG_EN, "1m 1s ago" },
		{ 3599, LANG_EN, "in 59m 59s" },
		{ 3600, LANG_EN, "in 1h 0m" },
		{ -3600, LANG_KO, "1시간 0분 전" },
		{ 3661, LANG_EN, "in 1h 1m" },           /* seconds dropped */
		{ 86399, LANG_EN, "in 23h 59m" },
		{ 86400, LANG_EN, "in 1d 0h" },
		{ 86400, LANG_KO, "1일 0시간 후" },
		{ -(400LL * 86400 + 7200 + 59), LANG_EN, "400d 2h ago" },
		{ 30LL * 86400, LANG_KO, "30일 0시간 후" },
		{ 5, (enum lang)7, "in 5s" },            /* not LANG_KO */
		{ 0, (enum lang)7, "now" },
	};
	const long long now = 1800000000LL;
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		assert_ptr_equal(wire_format_delta(now + rows[i].d, now,
						   rows[i].lang, out,
						   sizeof(out)), out);
		if (strcmp(out, rows[i].want))
			print_error("row %zu: got %s\n", i, out);
		CHECK(!strcmp(out, rows[i].want), i);
	}
}

/* In the zone TZ names (main sets Asia/Seoul, as make test does). */
static void test_time(void **state)
{
	static const struct { long long t; const char *want; } rows[] = {
		{ 0, "1970-01-01 09:00:00 KST" },
		{ -1, "1970-01-01 08:59:59 KST" },
		{ 1800000000LL, "2027-01-15 17:00:00 KST" },
		{ 1709218800LL, "2024-03-01 00:00:00 KST" },  /* after 29 Feb */
		{ 253402268399LL, "9999-12-31 23:59:59 KST" },
		/* a year localtime cannot hold: the number itself */
		{ LLONG_MAX, "9223372036854775807" },
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		assert_ptr_equal(wire_format_time(rows[i].t, out, sizeof(out)),
				 out);
		if (strcmp(out, rows[i].want))
			print_error("row %zu: got %s\n", i, out);
		CHECK(!strcmp(out, rows[i].want), i);
	}
	/* exactly the 32 bytes the contract asks for is enough */
	wire_format_time(0, out, 32);
	assert_string_equal(out, "1970-01-01 09:00:00 KST");
}

/* ---- wire_render ------------------------------------------------------ */

static int render_setup(void **state)
{
	(void)state;
	if (tmpl_load_dir("templates") || i18n_load_dir("templates/strings"))
		return -1;
	return 0;
}

static int render_teardown(void **state)
{
	(void)state;
	i18n_free();
	tmpl_free_all();
	return 0;
}

/* A context for a GET of / with the given Cookie header (or none). */
static void ctx_for(struct ctx *c, const char *cookie, enum lang lang)
{
	memset(c, 0, sizeof(*c));
	http_request_init(&c->req);
	response_init(&c->res);
	session_init(&c->sess);
	assert_int_equal(unit_request(&c->req, "GET", "/",
				      cookie ? "HTTP_COOKIE" : NULL, cookie,
				      NULL, NULL), ERR_OK);
	c->shown = lang;
	c->lang = i18n_primary(lang);
	c->now = 1800000000LL;
}

static void ctx_done(struct ctx *c)
{
	session_cleanup(&c->sess);
	response_cleanup(&c->res);
	http_request_free(&c->req);
}

/* render: the panel for c, NUL-terminated (caller frees). */
static char *render(struct ctx *c)
{
	struct buf out;

	buf_init(&out);
	assert_int_equal(wire_render(c, &out), ERR_OK);
	assert_int_equal(buf_putc(&out, '\0'), ERR_OK);
	return buf_steal(&out);
}

/* bilingual: key as tmpl_put_bilingual writes it (caller frees). */
static char *bilingual(const char *key, enum lang lang, const char *tag)
{
	struct buf b;

	buf_init(&b);
	assert_int_equal(tmpl_put_bilingual(&b, key, lang, tag), ERR_OK);
	assert_int_equal(buf_putc(&b, '\0'), ERR_OK);
	return buf_steal(&b);
}

/* occurrences of needle in hay */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)); hay += strlen(needle))
		n++;
	return n;
}

/* count(html, the bilingual HTML of key) */
static size_t count_key(const char *html, const char *key, enum lang lang,
			const char *tag)
{
	char *b = bilingual(key, lang, tag);
	size_t n = count(html, b);

	free(b);
	return n;
}

static void test_render_nothing(void **state)
{
	struct ctx c;
	char *html;

	(void)state;
	ctx_for(&c, NULL, LANG_EN);
	c.res.status = 404;
	html = render(&c);
	assert_int_equal(count(html, "<span class=\"status\">HTTP 404</span>"),
			 1);
	assert_int_equal(count_key(html, "wire.no_cookies", LANG_EN, "p"), 1);
	assert_int_equal(count_key(html, "wire.no_set_cookie", LANG_EN, "p"),
			 1);
	assert_int_equal(count_key(html, "wire.miss.none", LANG_EN, "p"), 1);
	assert_int_equal(count_key(html, "wire.nothing_stored", LANG_EN, "p"),
			 1);
	assert_int_equal(count(html, "<pre class=\"raw\">"), 0);
	assert_int_equal(count(html, "<table"), 0);
	free(html);
	ctx_done(&c);
	/* why a presented session was not found */
	ctx_for(&c, NULL, LANG_KO);
	c.miss = SESSION_MISS_IDLE;
	html = render(&c);
	assert_int_equal(count_key(html, "wire.miss.idle", LANG_KO, "p"), 1);
	assert_int_equal(count_key(html, "wire.miss.none", LANG_KO, "p"), 0);
	assert_int_equal(count(html, " lang=\"en\""), 0);   /* Korean only */
	free(html);
	ctx_done(&c);
	/* lang=both: the paragraphs in two columns, Korean first */
	ctx_for(&c, NULL, LANG_BOTH);
	html = render(&c);
	assert_int_equal(count_key(html, "wire.no_cookies", LANG_BOTH, "p"), 1);
	assert_int_equal(count(html, "<div class=\"both\"><p lang=\"ko\">"),
			 count(html, "<p lang=\"en\">"));
	assert_true(count(html, "<div class=\"both\">") >= 4);
	free(html);
	ctx_done(&c);
}

static void test_render_received(void **state)
{
	struct ctx c;
	char *html;

	(void)state;
	ctx_for(&c, "sid=abc; theme=dark; x=<b>&'; x=2", LANG_EN);
	html = render(&c);
	/* the raw header, escaped */
	assert_int_equal(count(html, "<span class=\"hname\">Cookie:</span> "
			       "sid=abc; theme=dark; x=&lt;b&gt;&amp;&#39;; "
			       "x=2</pre>"), 1);
	/* one row per pair, name + value bytes, escaped */
	assert_int_equal(count(html, "<tr data-cookie=\"sid\"><td><code>sid"
			       "</code></td><td><code class=\"val\">abc</code>"
			       "</td><td class=\"num\">6</td>"), 1);
	assert_int_equal(count(html, "<tr data-cookie=\"x\"><td><code>x"
			       "</code></td><td><code class=\"val\">&lt;b&gt;"
			       "&amp;&#39;</code></td><td class=\"num\">6"
			       "</td>"), 1);
	/* the second x is flagged, the first one wins */
	assert_int_equal(count(html, "<tr class=\"dup\" data-cookie=\"x\">"
			       "<td><code>x</code></td><td><code class=\"val\">"
			       "2</code></td><td class=\"num\">2</td>"), 1);
	assert_int_equal(count(html, "<tr class=\"dup\""), 1);
	assert_int_equal(count_key(html, "wire.note.duplicate", LANG_EN,
				   "span"), 1);
	assert_int_equal(count_key(html, "wire.duplicates", LANG_EN, "p"), 1);
	assert_int_equal(count_key(html, "wire.note.sid", LANG_EN, "span"), 1);
	assert_int_equal(count_key(html, "wire.note.pref", LANG_EN, "span"),
			 1);
	assert_int_equal(count(html, "<tr data-cookie="), 3);
	assert_int_equal(count_key(html, "wire.no_cookies", LANG_EN, "p"), 0);
	free(html);
	ctx_done(&c);
}

static void test_render_sent(void **state)
{
	static const char *const keys[] = {
		"attr.path", "attr.httponly", "attr.samesite_lax",
		"attr.max_age_zero", "attr.secure", "attr.samesite_strict",
		"attr.max_age",
	};
	struct cookie_spec sid = { .name = "sid", .value = "v", .path = "/",
				   .http_only = 1, .same_site = SAMESITE_LAX };
	struct cookie_spec gone = { .name = "old", .value = "",
				    .has_max_age = 1, .max_age = 0 };
	struct cookie_spec pref = { .name = "__Host-p", .value = "1",
				    .has_max_age = 1, .max_age = 600,
				    .path = "/", .secure = 1,
				    .same_site = SAMESITE_STRICT };
	struct ctx c;
	char *html;
	size_t i;

	(void)state;
	ctx_for(&c, NULL, LANG_KO);
	assert_int_equal(response_cookie(&c.res, &sid, NULL), ERR_OK);
	assert_int_equal(response_cookie(&c.res, &gone, NULL), ERR_OK);
	assert_int_equal(response_cookie(&c.res, &pref, NULL), ERR_OK);
	html = render(&c);
	assert_int_equal(count(html, "<div class=\"setcookie\">"), 3);
	assert_int_equal(count(html, "Set-Cookie:</span> sid=v; Path=/; "
			       "HttpOnly; SameSite=Lax</pre>"), 1);
	assert_int_equal(count(html, "<li><code>Path=/</code> "), 2);
	assert_int_equal(count(html, "<li><code>HttpOnly</code> "), 1);
	assert_int_equal(count(html, "<li><code>Max-Age=0</code> "), 1);
	assert_int_equal(count(html, "<li><code>Max-Age=600</code> "), 1);
	for (i = 0; i < NROWS(keys); i++)
		CHECK(count_key(html, keys[i], LANG_KO, "span") ==
		      (strcmp(keys[i], "attr.path") ? 1u : 2u), i);
	/* only the one without Max-Age or Expires is a session cookie */
	assert_int_equal(count_key(html, "attr.session_cookie", LANG_KO,
				   "span"), 1);
	assert_int_equal(count_key(html, "attr.unknown", LANG_KO, "span"), 0);
	assert_int_equal(count_key(html, "wire.no_set_cookie", LANG_KO, "p"),
			 0);
	free(html);
	ctx_done(&c);
}

static void test_render_stored(void **state)
{
	struct ctx c;
	char *html;

	(void)state;
	ctx_for(&c, NULL, LANG_EN);
	c.has_session = 1;
	memset(c.sess.id_hash, 0xab, sizeof(c.sess.id_hash));
	c.sess.created = c.now - 90;
	c.sess.last_seen = c.now;
	c.sess.idle_expires = c.now + 1799;
	c.sess.absolute_expires = c.now + 86400;
	c.sess.persistent = 1;
	c.sess.data = json_pack("{s:s}", "note", "<i>\"");
	c.logged_in = 1;
	c.sess.user_id = 7;
	snprintf(c.user.username, sizeof(c.user.username), "al<ice");
	snprintf(c.user.role, sizeof(c.user.role), "user");
	c.store_failed = "wire.store.touch_failed";
	html = render(&c);
	/* only the first 16 hex digits of the hash */
	assert_int_equal(count(html, "<tr><th>hash of the ID (<code>id_hash"
			       "</code>)</th><td><code>abababababababab…</code>"
			       "</td></tr>"), 1);
	assert_int_equal(count(html, "<td>7 (<code>al&lt;ice</code>, user)"
			       "</td>"), 1);
	assert_int_equal(count(html, "<time>2027-01-15 16:58:30 KST</time> "
			       "<span class=\"delta\" data-at=\"1799999910\" "
			       "data-now=\"1800000000\">(1m 30s ago)</span>"),
			 1);
	assert_int_equal(count(html, "data-at=\"1800001799\" data-now=\""
			       "1800000000\">(in 29m 59s)</span>"), 1);
	assert_int_equal(count(html, ">(in 1d 0h)</span>"), 1);
	assert_int_equal(count(html, ">(now)</span>"), 1);
	assert_int_equal(count(html, "<tr><th>remember me (<code>persistent"
			       "</code>)</th><td>1</td></tr>"), 1);
	/* the data as JSON, escaped */
	assert_int_equal(count(html, "<pre class=\"raw json\">{\n  &quot;"
			       "note&quot;: &quot;&lt;i&gt;\\&quot;&quot;\n}"
			       "</pre>"), 1);
	assert_int_equal(count(html, "<div class=\"callout error\" "
			       "id=\"wire-store-failed\">"), 1);
	assert_int_equal(count_key(html, "wire.store.touch_failed", LANG_EN,
				   "p"), 1);
	assert_int_equal(count_key(html, "wire.hash_only", LANG_EN, "p"), 1);
	assert_int_equal(count_key(html, "wire.nothing_stored", LANG_EN, "p"),
			 0);
	free(html);
	/* a guest session */
	c.logged_in = 0;
	c.sess.user_id = 0;
	c.store_failed = NULL;
	html = render(&c);
	assert_int_equal(count(html, "<td>NULL — "), 1);
	assert_int_equal(count(html, "al&lt;ice"), 0);
	assert_int_equal(count(html, "wire-store-failed"), 0);
	free(html);
	ctx_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delta),
		cmocka_unit_test(test_delta_boundaries),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_render_nothing),
		cmocka_unit_test(test_render_received),
		cmocka_unit_test(test_render_sent),
		cmocka_unit_test(test_render_stored),
	};

	/* The site's zone, whatever the caller's (make exports this one). */
	setenv("TZ", "Asia/Seoul", 1);
	tzset();
	return cmocka_run_group_tests(tests, render_setup, render_teardown);
}
