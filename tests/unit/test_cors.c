/*
 * test_cors.c - the CORS replies and the origin/site relation of S-C9,
 * with hostile origins.
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

#include "lessons/cors.h"
#include "unit.h"

static const char *hdr(const struct response *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_headers; i++)
		if (!strcmp(r->headers[i].name, name))
			return r->headers[i].value;
	return NULL;
}

static void test_apply_table(void **state)
{
	static const char *const allowed[] = { "http://localhost:8081", NULL };
	static const struct {
		const char *mode, *origin, *acao, *acac;
		int granted;
	} rows[] = {
		{ "none", "http://localhost:8081", NULL, NULL, 0 },
		{ "", "http://localhost:8081", NULL, NULL, 0 },
		{ "star", "http://x", "*", NULL, 1 },
		{ "star", "", NULL, NULL, 0 },
		{ "origin", "http://x:1", "http://x:1", NULL, 1 },
		{ "origin", "http://x/y", NULL, NULL, 0 },
		{ "origin", "javascript:1", NULL, NULL, 0 },
		{ "origin", "http://a\r\nSet-Cookie: x", NULL, NULL, 0 },
		{ "credentials", "http://localhost:8081",
		  "http://localhost:8081", "true", 1 },
		{ "credentials", "http://localhost:80811", NULL, NULL, 0 },
		{ "credentials", "http://evil", NULL, NULL, 0 },
		{ "credentials", "null", NULL, NULL, 0 },
	};
	struct response res;
	enum cors_mode m;
	int granted;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		const char *a, *b;

		response_init(&res);
		CHECK(cors_mode_parse(rows[i].mode, &m) == ERR_OK, i);
		CHECK(cors_apply(&res, m, rows[i].origin, allowed, &granted) ==
		      ERR_OK, i);
		a = hdr(&res, "Access-Control-Allow-Origin");
		b = hdr(&res, "Access-Control-Allow-Credentials");
		CHECK(granted == rows[i].granted, i);
		CHECK(rows[i].acao ? a && !strcmp(a, rows[i].acao) : !a, i);
		CHECK(rows[i].acac ? b && !strcmp(b, rows[i].acac) : !b, i);
		response_cleanup(&res);
	}
	assert_int_equal(cors_mode_parse("STAR", &m), ERR_INVAL);
	assert_string_equal(cors_mode_name(CORS_CREDENTIALS), "credentials");
}

static void test_relation(void **state)
{
	static const struct {
		const char *origin, *host;
		int https;
		enum cors_relation want;
	} rows[] = {
		{ "", "127.0.0.1:8080", 0, CORS_REL_NONE },
		{ NULL, "127.0.0.1:8080", 0, CORS_REL_NONE },
		{ "http://127.0.0.1:8080", "127.0.0.1:8080", 0,
		  CORS_REL_SAME_ORIGIN },
		{ "http://127.0.0.1:8081", "127.0.0.1:8080", 0,
		  CORS_REL_SAME_SITE },
		{ "http://127.0.0.1", "127.0.0.1:8080", 0, CORS_REL_SAME_SITE },
		{ "http://localhost:8081", "127.0.0.1:8080", 0,
		  CORS_REL_CROSS_SITE },
		{ "https://127.0.0.1:8081", "127.0.0.1:8080", 0,
		  CORS_REL_CROSS_SITE },
		{ "http://127.0.0.10:8080", "127.0.0.1:8080", 0,
		  CORS_REL_CROSS_SITE },
		{ "null", "127.0.0.1:8080", 0, CORS_REL_CROSS_SITE },
		{ "http://[::1]:8081", "[::1]:8080", 0, CORS_REL_CROSS_SITE },
		{ "http://x:1", "", 0, CORS_REL_CROSS_SITE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++)
		CHECK(cors_relation(rows[i].origin, rows[i].https,
				    rows[i].host) == rows[i].want, i);
	assert_string_equal(cors_relation_name(CORS_REL_SAME_SITE),
			    "same-site");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_table),
		cmocka_unit_test(test_relation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
