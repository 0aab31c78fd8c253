/*
 * test_route.c - the route table's lookup and field allowlists
 * (site/route): exact and prefix paths, HEAD answered by GET routes, a
 * path with no route for the method (405) against no path at all (404),
 * and the fields a route lets through: unknown fields refused in the
 * query and the form, "csrf" implied by ROUTE_CSRF, a JSON body only on
 * ROUTE_JSON routes; and the methods an Allow header lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "site/route.h"
#include "unit.h"

#define FORM "application/x-www-form-urlencoded"
#define JSON "application/json"

/* Never run: the lookup only compares addresses. */
static enum err h_a(struct ctx *c) { (void)c; return ERR_OK; }

static const char *const login_fields[] = { "username", "password", NULL };
static const char *const list_fields[] = { "sort", NULL };

static const struct route routes[] = {
	{ HTTP_GET,  "/login", h_a, 0, NULL },                          /* 0 */
	{ HTTP_POST, "/login", h_a, ROUTE_CSRF, login_fields },         /* 1 */
	{ HTTP_GET,  "/list", h_a, 0, list_fields },                    /* 2 */
	{ HTTP_POST, "/api/token", h_a, ROUTE_JSON, login_fields },     /* 3 */
	{ HTTP_GET,  "/static/", h_a, ROUTE_PREFIX, NULL },             /* 4 */
	{ HTTP_POST, "/only-post", h_a, 0, NULL },                      /* 5 */
	{ HTTP_GET,  "/static/exact", h_a, 0, NULL },                   /* 6 */
};

static void test_find(void **state)
{
	static const struct {
		const char *method, *uri;
		int         want;        /* index into routes, -1: none */
		int         path_found;
	} rows[] = {
		{ "GET",  "/login", 0, 1 },
		{ "POST", "/login", 1, 1 },
		{ "HEAD", "/login", 0, 1 },        /* HEAD is answered by GET */
		{ "HEAD", "/only-post", -1, 1 },   /* ...but not by POST */
		{ "GET",  "/only-post", -1, 1 },   /* 405 */
		{ "POST", "/list", -1, 1 },        /* 405 */
		{ "GET",  "/list?sort=name", 2, 1 },  /* the query: not path */
		{ "GET",  "/nowhere", -1, 0 },     /* 404 */
		{ "POST", "/nowhere", -1, 0 },
		{ "GET",  "/login/", -1, 0 },      /* exact means exact */
		{ "GET",  "/logi", -1, 0 },
		{ "GET",  "/LOGIN", -1, 0 },       /* case counts */
		{ "GET",  "/static/", 4, 1 },      /* a prefix matches itself */
		{ "GET",  "/static/css/site.css", 4, 1 },
		{ "HEAD", "/static/js/wire.js", 4, 1 },
		{ "POST", "/static/x", -1, 1 },    /* 405 under a prefix */
		{ "GET",  "/static", -1, 0 },      /* without its '/' */
		{ "GET",  "/staticx", -1, 0 },
		/* the first match wins: the prefix route comes first */
		{ "GET",  "/static/exact", 4, 1 },
		{ "PUT",  "/login", -1, 1 },       /* HTTP_OTHER: no route */
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		struct http_request r;
		const struct route *got;
		int found = -7;

		http_request_init(&r);
		CHECK(unit_request(&r, rows[i].method, rows[i].uri, NULL, NULL,
				   NULL, NULL) == ERR_OK, i);
		got = route_find(routes, NROWS(routes), &r, &found);
		if (rows[i].want < 0)
			CHECK(got == NULL, i);
		else
			CHECK(got == &routes[rows[i].want], i);
		CHECK(found == rows[i].path_found, i);
		http_request_free(&r);
	}
}

/* An empty table finds nothing and resets path_found. */
static void test_find_empty(void **state)
{
	struct http_request r;
	int found = 1;

	(void)state;
	http_request_init(&r);
	assert_int_equal(unit_request(&r, "GET", "/", NULL, NULL, NULL, NULL),
			 ERR_OK);
	assert_null(route_find(routes, 0, &r, &found));
	assert_int_equal(found, 0);
	http_request_free(&r);
}

static void test_fields(void **state)
{
	static const struct {
		int         route;
		const char *method, *uri, *ctype, *body;
		enum err    want;
		const char *key;          /* c.error_key after, or NULL */
	} rows[] = {
		/* no fields named: none allowed */
		{ 0, "GET", "/login", NULL, NULL, ERR_OK, NULL },
		{ 0, "GET", "/login?x=1", NULL, NULL, ERR_INVAL,
		  "bad.unknown_field" },
		{ 0, "GET", "/login?csrf=a", NULL, NULL, ERR_INVAL,
		  "bad.unknown_field" },
		/* the allowlist, in the query */
		{ 2, "GET", "/list?sort=name", NULL, NULL, ERR_OK, NULL },
		{ 2, "GET", "/list?sort=name&page=2", NULL, NULL, ERR_INVAL,
		  "bad.unknown_field" },
		{ 2, "GET", "/list?Sort=name", NULL, NULL, ERR_INVAL,
		  "bad.unknown_field" },
		/* in the form, with csrf implied by ROUTE_CSRF */
		{ 1, "POST", "/login", FORM, "username=a&password=b&csrf=t",
		  ERR_OK, NULL },
		{ 1, "POST", "/login", FORM, "username=a", ERR_OK, NULL },
		{ 1, "POST", "/login", FORM, "username=a&role=admin", ERR_INVAL,
		  "bad.unknown_field" },
		{ 1, "POST", "/login?debug=1", FORM, "username=a", ERR_INVAL,
		  "bad.unknown_field" },
		/* csrf is a form field: not implied in the query */
		{ 1, "POST", "/login?csrf=t", FORM, "username=a", ERR_INVAL,
		  "bad.unknown_field" },
		/* without ROUTE_CSRF, csrf is just another unknown field */
		{ 3, "POST", "/api/token", FORM, "username=a&csrf=t", ERR_INVAL,
		  "bad.unknown_field" },
		{ 5, "POST", "/only-post", FORM, "csrf=t", ERR_INVAL,
		  "bad.unknown_field" },
		{ 5, "POST", "/only-post", FORM, "", ERR_OK, NULL },
		/* a JSON body only on ROUTE_JSON routes */
		{ 3, "POST", "/api/token", JSON, "{\"username\":\"a\"}", ERR_OK,
		  NULL },
		{ 3, "POST", "/api/token", JSON, "{\"anything\":1}", ERR_OK,
		  NULL },
		{ 1, "POST", "/login", JSON, "{\"username\":\"a\"}", ERR_INVAL,
		  "bad.not_form" },
		{ 5, "POST", "/only-post", JSON, "{}", ERR_INVAL,
		  "bad.not_form" },
		/* the JSON check comes before the query's */
		{ 1, "POST", "/login?x=1", JSON, "{}", ERR_INVAL,
		  "bad.not_form" },
		/* ...and a ROUTE_JSON route still checks its query */
		{ 3, "POST", "/api/token?x=1", JSON, "{}", ERR_INVAL,
		  "bad.unknown_field" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		struct ctx c;

		memset(&c, 0, sizeof(c));
		http_request_init(&c.req);
		CHECK(unit_request(&c.req, rows[i].method, rows[i].uri, NULL,
				   NULL, rows[i].ctype, rows[i].body) == ERR_OK,
		      i);
		CHECK(route_check_fields(&c, &routes[rows[i].route]) ==
		      rows[i].want, i);
		if (rows[i].key)
			CHECK(c.error_key && !strcmp(c.error_key, rows[i].key),
			      i);
		else
			CHECK(c.error_key == NULL, i);
		http_request_free(&c.req);
	}
}

/* The Allow header of a 405 lists every method of the routes matching
 * the path, prefix routes included, in table order. */
static void test_allow(void **state)
{
	static const struct {
		const char *path, *want;
	} rows[] = {
		{ "/login", "GET, HEAD, POST" },
		{ "/list", "GET, HEAD" },
		{ "/only-post", "POST" },
		{ "/static/x", "GET, HEAD" },            /* under the prefix */
		{ "/static/exact", "GET, HEAD, GET, HEAD" }, /* both match */
		{ "/nowhere", "" },
		{ "/login/", "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct buf b;

		buf_init(&b);
		assert_int_equal(route_allow(routes, sizeof(routes) /
					     sizeof(routes[0]), rows[i].path,
					     &b), ERR_OK);
		CHECK(!strcmp(b.data ? b.data : "", rows[i].want), i);
		buf_cleanup(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_find_empty),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_allow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
