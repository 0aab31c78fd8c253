/*
 * test_site.c - the one mapping from enum err to an HTTP status, a
 * handler's own answer to an error (site_keep_answer), and the security
 * headers no response can go out without (site_secure_or_fail), even one
 * that has used every header slot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "site/site.h"
#include "unit.h"

static void test_status_for(void **state)
{
	static const struct {
		enum err e;
		int      status;
	} rows[] = {
		{ ERR_OK,          200 },
		{ ERR_INVAL,       400 },
		{ ERR_TOOBIG,      413 },
		{ ERR_NOTFOUND,    404 },
		{ ERR_METHOD,      405 },
		{ ERR_AUTH,        401 },
		{ ERR_FORBIDDEN,   403 },
		{ ERR_THROTTLED,   429 },
		{ ERR_CONFLICT,    409 },
		{ ERR_UNAVAILABLE, 503 },
		{ ERR_DB,          500 },
		{ ERR_CRYPTO,      500 },
		{ ERR_NOMEM,       500 },
		{ ERR_INTERNAL,    500 },
		{ (enum err)999,   500 },   /* hostile: out of range */
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++)
		CHECK(site_status_for(rows[i].e) == rows[i].status, i);
	CHECK(!strcmp(err_name(ERR_CONFLICT), "conflict"), 0);
}

static void test_keep_answer(void **state)
{
	static const enum err rows[] = { ERR_OK, ERR_INVAL, ERR_AUTH,
					 ERR_CONFLICT };
	struct ctx c;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		memset(&c, 0, sizeof(c));
		CHECK(site_keep_answer(&c, rows[i]) == rows[i], i);
		CHECK(c.kept == rows[i], i);
		CHECK(c.res.status == 0, i);   /* the status is site's */
	}
}

/* A context with a response holding used headers already. */
static void ctx_with_headers(struct ctx *c, size_t used)
{
	char name[32];
	size_t i;

	memset(c, 0, sizeof(*c));
	response_init(&c->res);
	c->req.method_name = "GET";
	c->req.path = "/test";
	c->page = "home";
	for (i = 0; i < used; i++) {
		snprintf(name, sizeof(name), "X-Test-%zu", i);
		assert_int_equal(response_header(&c->res, name, "1"), ERR_OK);
	}
	assert_int_equal(buf_puts(&c->res.body, "the page"), ERR_OK);
}

/* The security headers are there whatever the response used, and a
 * response that left them no room is a bare 500, not a page without
 * them. Rows: headers already used. */
static void test_secure_or_fail(void **state)
{
	static const char *const want[] = {
		"Content-Security-Policy", "X-Content-Type-Options",
		"Referrer-Policy", "X-Frame-Options",
		"Cross-Origin-Opener-Policy", "Cache-Control",
	};
	static const struct {
		size_t used;
		int    fails;
	} rows[] = {
		{ 0, 0 },
		{ RESPONSE_HEADERS_MAX - NROWS(want), 0 },
		{ RESPONSE_HEADERS_MAX - NROWS(want) + 1, 1 },
		{ RESPONSE_HEADERS_MAX - 1, 1 },
		{ RESPONSE_HEADERS_MAX, 1 },
	};
	struct ctx c;
	size_t i, j;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		ctx_with_headers(&c, rows[i].used);
		c.res.status = 303;
		site_secure_or_fail(&c);
		for (j = 0; j < NROWS(want); j++)
			CHECK(unit_header(&c.res, want[j]) != NULL, i);
		CHECK(!strcmp(unit_header(&c.res, "Cache-Control"),
			      "no-store"), i);
		if (rows[i].fails) {
			CHECK(c.res.status == 500, i);
			CHECK(c.page == NULL, i);
			CHECK(c.res.n_headers == NROWS(want), i);
			CHECK(strstr(c.res.body.data, "this response was too "
				     "large") != NULL, i);
		} else {
			CHECK(c.res.status == 303, i);
			CHECK(c.page != NULL, i);
			CHECK(c.res.n_headers == rows[i].used + NROWS(want), i);
			CHECK(!strcmp(c.res.body.data, "the page"), i);
		}
		response_cleanup(&c.res);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_for),
		cmocka_unit_test(test_keep_answer),
		cmocka_unit_test(test_secure_or_fail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
