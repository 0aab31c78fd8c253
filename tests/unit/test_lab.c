/*
 * test_lab.c - the cookie lab's form-to-cookie rules (S-C1/S-C2), the
 * limits lab's cookies (S-C4) and the strict number parser.
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

#include "lessons/lab.h"
#include "unit.h"

/* Parse "a=1&b=2" into fields, build, return the error and the line. */
static enum err build(const char *form, const char **why_key, char *line,
		      size_t cap)
{
	struct http_fields f;
	struct lab_cookie lc;
	const char *bw;
	struct buf b;
	enum err e;

	assert_int_equal(http_parse_fields(form, strlen(form), &f), ERR_OK);
	e = lab_from_form(&f, 1000000000LL, &lc, why_key, &bw);
	line[0] = '\0';
	if (!e) {
		buf_init(&b);
		assert_int_equal(cookie_build(&lc.spec, &b, NULL), ERR_OK);
		snprintf(line, cap, "%s", b.data);
		buf_cleanup(&b);
	}
	http_fields_free(&f);
	return e;
}

static void test_form_table(void **state)
{
	static const struct {
		const char *form;
		const char *line;      /* NULL: refused */
		const char *why;
	} rows[] = {
		{ "name=a&value=b", "a=b; Path=/lab/", NULL },
		{ "name=a&value=b&life=max-age&seconds=60",
		  "a=b; Max-Age=60; Path=/lab/", NULL },
		{ "name=a&life=expires&seconds=0",
		  "a=; Expires=Sun, 09 Sep 2001 01:46:40 GMT; Path=/lab/", NULL },
		{ "name=a&path=%2Flab%2Fpath%2F&httponly=1&samesite=Lax",
		  "a=; Path=/lab/path/; HttpOnly; SameSite=Lax", NULL },
		{ "name=a&secure=1&samesite=None",
		  "a=; Path=/lab/; Secure; SameSite=None", NULL },
		{ "name=a&prefix=__Host-&secure=1&path=%2F",
		  "__Host-a=; Path=/; Secure", NULL },
		{ "name=a&samesite=None", NULL, "lab.why.none_secure" },
		{ "name=a&prefix=__Secure-", NULL, "lab.why.prefix_secure" },
		{ "name=a&prefix=__Host-&secure=1&path=%2F&domain=x.org", NULL,
		  "lab.why.host_domain" },
		{ "name=a&prefix=__Host-&secure=1", NULL, "lab.why.host_path" },
		{ "name=sid", NULL, "lab.why.reserved" },
		{ "name=Host-sid&prefix=__", NULL, "lab.why.malformed" },
		{ "name=visitId", NULL, "lab.why.reserved" },
		{ "value=x", NULL, "lab.why.name_empty" },
		{ "name=a&path=%2Fsession%2F", NULL, "lab.why.path" },
		{ "name=a&path=%2Flab", NULL, "lab.why.path" },
		{ "name=a&life=max-age", NULL, "lab.why.seconds" },
		{ "name=a&life=max-age&seconds=34560001", NULL,
		  "lab.why.seconds" },
		{ "name=a&life=max-age&seconds=1.5", NULL, "lab.why.seconds" },
		{ "name=a&life=always", NULL, "lab.why.malformed" },
		{ "name=a&samesite=strict", NULL, "lab.why.malformed" },
		{ "name=a&secure=on", NULL, "lab.why.malformed" },
		{ "name=a%20b", NULL, "lab.why.builder" },
		{ "name=a&value=%22x", NULL, "lab.why.builder" },
		{ "name=a&domain=a..b", NULL, "lab.why.builder" },
	};
	char line[256];
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		enum err e = build(rows[i].form, &why, line, sizeof(line));

		if (rows[i].line) {
			CHECK(e == ERR_OK, i);
			if (strcmp(line, rows[i].line))
				print_error("row %zu: %s\n", i, line);
			CHECK(!strcmp(line, rows[i].line), i);
			CHECK(why == NULL, i);
		} else {
			CHECK(e == ERR_INVAL, i);
			CHECK(why && !strcmp(why, rows[i].why), i);
		}
	}
}

static void test_value_limit(void **state)
{
	char *form = malloc(32 + LAB_VALUE_MAX + 2), line[8];
	const char *why;

	(void)state;
	memcpy(form, "name=a&value=", 13);
	memset(form + 13, 'v', LAB_VALUE_MAX + 1);
	form[13 + LAB_VALUE_MAX + 1] = '\0';
	assert_int_equal(build(form, &why, line, sizeof(line)), ERR_INVAL);
	assert_string_equal(why, "lab.why.value_long");
	free(form);
}

/* The lab's numbers: http_parse_num with HTTP_NUM_ZEROS, as its forms
 * parse them. */
static void test_parse_long(void **state)
{
	static const struct { const char *s; enum err e; long long v; } rows[] = {
		{ "0", ERR_OK, 0 }, { "-5", ERR_OK, -5 }, { "100", ERR_OK, 100 },
		{ "101", ERR_INVAL, 0 }, { "-11", ERR_INVAL, 0 },
		{ "", ERR_INVAL, 0 }, { "-", ERR_INVAL, 0 },
		{ "+5", ERR_INVAL, 0 }, { " 5", ERR_INVAL, 0 },
		{ "5 ", ERR_INVAL, 0 }, { "0x10", ERR_INVAL, 0 },
		{ "99999999999999999999", ERR_INVAL, 0 },
		{ "999999999999999999999", ERR_INVAL, 0 },
		{ NULL, ERR_INVAL, 0 },
		/* A typed number may carry leading zeros. */
		{ "007", ERR_OK, 7 }, { "-0", ERR_OK, 0 }, { "00", ERR_OK, 0 },
		{ "-007", ERR_OK, -7 }, { "0100", ERR_OK, 100 },
		{ "00000000000000000100", ERR_OK, 100 },   /* 20 bytes */
		{ "000000000000000000100", ERR_INVAL, 0 }, /* 21 bytes */
		{ "-0000000000000000010", ERR_OK, -10 },
		{ "0-1", ERR_INVAL, 0 }, { "--1", ERR_INVAL, 0 },
	};
	long long v;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		v = 12345;
		CHECK(http_parse_num(rows[i].s, -10, 100, HTTP_NUM_ZEROS,
				     &v) == rows[i].e, i);
		CHECK(v == rows[i].v, i);
	}
}

static void test_limits_cookies(void **state)
{
	struct response res;
	const char *why;
	size_t left;

	(void)state;
	response_init(&res);
	assert_int_equal(lab_big(&res, 4096, &why), ERR_OK);
	assert_int_equal(strlen(res.set_cookies[0]),
			 4097 + strlen("; Path=/lab/limits/; SameSite=Lax"));
	assert_int_equal(lab_big(&res, 4097, &why), ERR_TOOBIG);
	assert_non_null(why);
	assert_int_equal(lab_big(&res, 3, &why), ERR_INVAL);
	assert_int_equal(lab_big(&res, LAB_BIG_MAX + 1, &why), ERR_INVAL);
	response_cleanup(&res);

	response_init(&res);
	assert_int_equal(lab_many(&res, 2), ERR_INVAL);
	assert_int_equal(lab_many(&res, 151), ERR_OK);
	assert_int_equal(res.n_set_cookies, LAB_MANY_BATCH);
	assert_string_equal(res.set_cookies[49],
			    "c200=1; Path=/lab/limits/; SameSite=Lax");
	response_cleanup(&res);

	response_init(&res);
	assert_int_equal(lab_fill(&res), ERR_OK);
	assert_int_equal(res.n_set_cookies, LAB_FILL_COUNT);
	response_cleanup(&res);

	response_init(&res);
	assert_int_equal(lab_expire_limits(&res, &left), ERR_OK);
	assert_int_equal(res.n_set_cookies, LAB_CLEAR_BATCH);
	assert_int_equal(left, LAB_MANY_TOTAL - (LAB_CLEAR_BATCH - 6));
	response_cleanup(&res);
}

static void test_expire_received(void **state)
{
	struct cookie_jar jar;
	struct response res;
	const char *h = "a=1; sid=x; theme=dark; __Host-h=1; a=2";
	size_t n, left;

	(void)state;
	assert_int_equal(cookie_parse(h, strlen(h), &jar), ERR_OK);
	response_init(&res);
	assert_int_equal(lab_expire_received(&res, &jar, &n, &left), ERR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(left, 0);
	assert_int_equal(res.n_set_cookies, 4);
	assert_string_equal(res.set_cookies[3],
			    "__Host-h=; Max-Age=0; Path=/; Secure");
	response_cleanup(&res);
	cookie_jar_free(&jar);
}

/* The site's own cookies (S-C4): names to a mask and back, with hostile
 * lists; every name is reserved in the builder. */
static void test_site_cookies(void **state)
{
	static const struct {
		const char *list;
		enum err    want;
		const char *back;      /* lab_site_format(mask, ",") */
	} rows[] = {
		{ NULL, ERR_OK, "" },
		{ "", ERR_OK, "" },
		{ "lang", ERR_OK, "lang" },
		{ "visitId,lang,sid", ERR_OK, "sid,lang,visitId" },
		{ "scale_node,refresh_token,hello", ERR_OK,
		  "hello,refresh_token,scale_node" },
		{ "lang,lang", ERR_INVAL, "" },
		{ "lang,", ERR_INVAL, "" },
		{ ",lang", ERR_INVAL, "" },
		{ ",", ERR_INVAL, "" },
		{ "Lang", ERR_INVAL, "" },
		{ "lang ", ERR_INVAL, "" },
		{ "c001", ERR_INVAL, "" },
		{ "sid\001", ERR_INVAL, "" },
		{ "langx", ERR_INVAL, "" },
		{ "lan", ERR_INVAL, "" },
	};
	const struct lab_site_cookie *sc;
	const struct lab_site_group *g;
	unsigned long mask;
	struct buf b;
	char long_list[LAB_SITE_LIST_MAX + 8];
	size_t i, n, ng;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		mask = 99;
		assert_int_equal(lab_site_parse(rows[i].list, &mask),
				 rows[i].want);
		buf_init(&b);
		assert_int_equal(lab_site_format(mask, ",", &b), ERR_OK);
		assert_string_equal(b.data ? b.data : "", rows[i].back);
		if (rows[i].want)
			assert_int_equal(mask, 0);
		buf_cleanup(&b);
	}
	/* A list over the limit, even of good names. */
	for (i = 0; i + 5 <= LAB_SITE_LIST_MAX; i += 5)
		memcpy(long_list + i, "lang,", 5);
	memcpy(long_list + i, "theme", 6);
	assert_true(strlen(long_list) > LAB_SITE_LIST_MAX);
	assert_int_equal(lab_site_parse(long_list, &mask), ERR_INVAL);

	sc = lab_site_cookies(&n);
	g = lab_site_groups(&ng);
	assert_true(n > 20 && n <= LAB_SITE_MAX);
	for (i = 0; i < n; i++) {
		assert_true(lab_reserved(sc[i].name));
		assert_true(sc[i].group < ng);
		assert_true(sc[i].path[0] == '/');
		assert_true(g[sc[i].group].href[0] == '/');
	}
	assert_false(lab_reserved("demo"));
	assert_false(lab_reserved("sid2"));
}

static void test_site_seen_and_format(void **state)
{
	struct cookie_jar jar;
	unsigned long mask;
	struct buf b;
	const char *h = "theme=dark; c001=1; sid=x; theme=light; hello=Kim";

	(void)state;
	assert_int_equal(cookie_parse(h, strlen(h), &jar), ERR_OK);
	mask = lab_site_seen(&jar);
	buf_init(&b);
	assert_int_equal(lab_site_format(mask, ", ", &b), ERR_OK);
	assert_string_equal(b.data, "sid, theme, hello");
	buf_cleanup(&b);
	cookie_jar_free(&jar);
	assert_int_equal(cookie_parse("", 0, &jar), ERR_OK);
	assert_int_equal(lab_site_seen(&jar), 0);
	cookie_jar_free(&jar);
}

/* Every refusal sentence of cookie_build the lab can meet has a key. */
static void test_builder_keys(void **state)
{
	static const struct {
		const char *form;
		const char *key;
	} rows[] = {
		{ "name=a%20b", "lab.builder.name_token" },
		{ "name=a&value=%22x", "lab.builder.value_octets" },
		{ "name=a&value=x%3BPath%3D%2F", "lab.builder.value_octets" },
		{ "name=a&domain=a..b", "lab.builder.domain_chars" },
		{ "name=__secure-a", "lab.why.prefix_secure" },
		{ "name=__host-a&secure=1", "lab.why.host_path" },
	};
	struct http_fields f;
	struct lab_cookie lc;
	const char *why_key, *bw;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(http_parse_fields(rows[i].form,
						   strlen(rows[i].form), &f),
				 ERR_OK);
		assert_int_equal(lab_from_form(&f, 1000000000LL, &lc, &why_key,
					       &bw), ERR_INVAL);
		assert_string_equal(why_key, "lab.why.builder");
		assert_non_null(bw);
		assert_string_equal(lab_builder_key(bw), rows[i].key);
		http_fields_free(&f);
	}
	assert_string_equal(lab_builder_key("Cookie name and value together "
					    "are longer than 4096 bytes"),
			    "lab.builder.too_big");
	assert_null(lab_builder_key("Something else"));
	assert_null(lab_builder_key(""));
	assert_null(lab_builder_key(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_site_cookies),
		cmocka_unit_test(test_site_seen_and_format),
		cmocka_unit_test(test_builder_keys),
		cmocka_unit_test(test_form_table),
		cmocka_unit_test(test_value_limit),
		cmocka_unit_test(test_parse_long),
		cmocka_unit_test(test_limits_cookies),
		cmocka_unit_test(test_expire_received),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
