/*
 * test_prefs.c - the preference allowlists (S-C6), the same-origin check
 * and the visitor-form guard, with hostile rows.
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

#include "http/origin.h"
#include "site/csrf.h"
#include "site/prefs.h"
#include "unit.h"

static void test_allowlists(void **state)
{
	static const struct {
		const char *(*fn)(const char *);
		const char *in;
		const char *want;
	} rows[] = {
		{ prefs_theme, "dark", "dark" }, { prefs_theme, "light", "light" },
		{ prefs_theme, "Dark", NULL }, { prefs_theme, "dark ", NULL },
		{ prefs_theme, "", NULL }, { prefs_theme, NULL, NULL },
		{ prefs_theme, "\"dark\"", NULL },
		{ prefs_lang, "ko", "ko" }, { prefs_lang, "en", "en" },
		{ prefs_lang, "en-US", NULL }, { prefs_lang, "kor", NULL },
		{ prefs_lang, "both", "both" }, { prefs_lang, "Both", NULL },
		{ prefs_lang, "both ", NULL }, { prefs_lang, "bo", NULL },
		{ prefs_sort, "name", "name" },
		{ prefs_sort, "price-asc", "price-asc" },
		{ prefs_sort, "price-desc", "price-desc" },
		{ prefs_sort, "price", NULL }, { prefs_sort, "name;", NULL },
		{ prefs_sort, "<script>", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		const char *got = rows[i].fn(rows[i].in);

		if (!rows[i].want)
			CHECK(got == NULL, i);
		else
			CHECK(got && !strcmp(got, rows[i].want), i);
	}
}

static void test_sort_of(void **state)
{
	struct cookie_jar jar;
	static const struct { const char *hdr, *want; } rows[] = {
		{ "", "name" }, { "sort=price-desc", "price-desc" },
		{ "sort=bogus", "name" }, { "sort=price-asc; sort=name",
					    "price-asc" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		assert_int_equal(cookie_parse(rows[i].hdr, strlen(rows[i].hdr),
					      &jar), ERR_OK);
		CHECK(!strcmp(prefs_sort_of(&jar), rows[i].want), i);
		cookie_jar_free(&jar);
	}
}

static void test_same_origin(void **state)
{
	static const struct {
		const char *host, *origin, *referer;
		int https, want;
	} rows[] = {
		{ "127.0.0.1:8080", "http://127.0.0.1:8080", "", 0, 1 },
		{ "127.0.0.1:8080", "https://127.0.0.1:8080", "", 0, 0 },
		{ "127.0.0.1:8080", "https://127.0.0.1:8080", "", 1, 1 },
		{ "127.0.0.1:8080", "http://127.0.0.1:8081", "", 0, 0 },
		{ "127.0.0.1:8080", "http://localhost:8080", "", 0, 0 },
		{ "127.0.0.1:8080", "http://127.0.0.1:80800", "", 0, 0 },
		{ "127.0.0.1:8080", "null", "http://127.0.0.1:8080/", 0, 0 },
		{ "127.0.0.1:8080", "", "http://127.0.0.1:8080/prefs", 0, 1 },
		{ "127.0.0.1:8080", "", "http://127.0.0.1:8080", 0, 0 },
		{ "127.0.0.1:8080", "", "http://127.0.0.1:8080.evil/", 0, 0 },
		{ "127.0.0.1:8080", "", "http://127.0.0.1:80801/", 0, 0 },
		{ "127.0.0.1:8080", "", "", 0, 0 },
		{ "", "http://", "", 0, 0 },
	};
	struct http_request r;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		memset(&r, 0, sizeof(r));
		r.host = (char *)rows[i].host;
		r.origin = (char *)rows[i].origin;
		r.referer = (char *)rows[i].referer;
		r.https = rows[i].https;
		CHECK(origin_sent_by_us(&r) == rows[i].want, i);
	}
}

static void test_back_path(void **state)
{
	static const struct { const char *referer, *want; } rows[] = {
		{ "http://h:1/prefs", "/prefs" },
		{ "http://h:1/a?b=c", "/a?b=c" },
		{ "http://h:1//evil.example/", NULL },
		{ "http://h:1/\\evil", NULL },
		{ "http://h:12/x", NULL },
		{ "http://other/x", NULL },
		{ "http://h:1", NULL },
		{ "", NULL },
	};
	struct http_request r;
	const char *got;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		memset(&r, 0, sizeof(r));
		r.host = (char *)"h:1";
		r.referer = (char *)rows[i].referer;
		got = origin_back_path(&r);
		if (!rows[i].want)
			CHECK(got == NULL, i);
		else
			CHECK(got && !strcmp(got, rows[i].want), i);
	}
}

static void test_check_form(void **state)
{
	unsigned char key[32] = { 1 }, hash[32] = { 2 }, other[32] = { 3 };
	char tok[CSRF_TOKEN_LEN + 1], bad[CSRF_TOKEN_LEN + 1];
	struct http_request r;
	const char *why;

	(void)state;
	csrf_init(key);
	csrf_token(hash, tok);
	csrf_token(other, bad);
	memset(&r, 0, sizeof(r));
	r.host = (char *)"h:1";
	r.origin = (char *)"http://h:1";
	r.referer = (char *)"";
	assert_int_equal(csrf_check_visitor(&r, 0, hash, NULL, &why), ERR_OK);
	assert_null(why);
	assert_int_equal(csrf_check_visitor(&r, 1, hash, tok, &why), ERR_OK);
	assert_int_equal(csrf_check_visitor(&r, 1, hash, NULL, &why),
			 ERR_FORBIDDEN);
	assert_string_equal(why, "cookies.guard.token");
	assert_int_equal(csrf_check_visitor(&r, 1, hash, bad, &why),
			 ERR_FORBIDDEN);
	r.origin = (char *)"http://evil";
	assert_int_equal(csrf_check_visitor(&r, 1, hash, tok, &why),
			 ERR_FORBIDDEN);
	assert_string_equal(why, "cookies.guard.origin");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowlists),
		cmocka_unit_test(test_sort_of),
		cmocka_unit_test(test_same_origin),
		cmocka_unit_test(test_back_path),
		cmocka_unit_test(test_check_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
