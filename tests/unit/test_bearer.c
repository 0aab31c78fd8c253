/*
 * test_bearer.c - the Authorization: Bearer header (RFC 6750 §2.1) and the
 * claims JSON of site/bearer: the scheme matched ignoring case, a missing
 * header, "Bearer" with no token, other schemes; bearer_claims_json's
 * exact shape and its reference to the payload.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "site/bearer.h"
#include "unit.h"

static void test_token(void **state)
{
	static const struct {
		const char *header;   /* HTTP_AUTHORIZATION; NULL: not sent */
		const char *want;     /* NULL: no bearer token */
	} rows[] = {
		{ NULL, NULL },
		{ "", NULL },
		{ "Bearer abc.def.ghi", "abc.def.ghi" },
		{ "bearer abc", "abc" },
		{ "BEARER abc", "abc" },
		{ "BeArEr abc", "abc" },
		{ "Bearer", NULL },            /* the scheme, no token */
		{ "Bearer ", "" },             /* an empty token, for the
						  verifier to refuse */
		{ "Bearer  abc", " abc" },     /* taken as sent */
		{ "Bearer\tabc", NULL },
		{ "Bearerabc", NULL },
		{ "Beare abc", NULL },
		{ "Basic YWxpY2U6cHc=", NULL },
		{ " Bearer abc", NULL },
		{ "Token Bearer abc", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		struct ctx c;
		const char *got;

		memset(&c, 0, sizeof(c));
		http_request_init(&c.req);
		CHECK(unit_request(&c.req, "GET", "/api/me",
				   rows[i].header ? "HTTP_AUTHORIZATION" : NULL,
				   rows[i].header, NULL, NULL) == ERR_OK, i);
		got = bearer_token(&c);
		if (!rows[i].want) {
			CHECK(got == NULL, i);
		} else {
			CHECK(got && !strcmp(got, rows[i].want), i);
			/* it points into the request */
			CHECK(got >= c.req.authorization &&
			      got < c.req.authorization +
			      strlen(c.req.authorization) + 1, i);
		}
		http_request_free(&c.req);
	}
}

/* A request that was never parsed has no header at all. */
static void test_token_unparsed(void **state)
{
	struct ctx c;

	(void)state;
	memset(&c, 0, sizeof(c));
	http_request_init(&c.req);
	assert_null(bearer_token(&c));
	http_request_free(&c.req);
}

static void test_claims_json(void **state)
{
	static const struct {
		enum token_alg alg;
		const char    *kid;
		const char    *want;
	} rows[] = {
		{ TOKEN_HS256, "hs-AAAAAAAAAAAA",
		  "{\"claims\": {\"role\": \"user\", \"sub\": \"7\"}, "
		  "\"header\": {\"alg\": \"HS256\", \"kid\": "
		  "\"hs-AAAAAAAAAAAA\"}}" },
		{ TOKEN_RS256, "", "{\"claims\": {\"role\": \"user\", \"sub\": "
		  "\"7\"}, \"header\": {\"alg\": \"RS256\", \"kid\": \"\"}}" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		struct token_claims cl;
		json_t *j;
		char *s;

		memset(&cl, 0, sizeof(cl));
		cl.alg = rows[i].alg;
		snprintf(cl.kid, sizeof(cl.kid), "%s", rows[i].kid);
		cl.payload = json_pack("{s:s, s:s}", "sub", "7", "role",
				       "user");
		assert_non_null(cl.payload);
		j = bearer_claims_json(&cl);
		CHECK(j != NULL, i);
		s = json_dumps(j, JSON_SORT_KEYS);
		CHECK(s && !strcmp(s, rows[i].want), i);
		/* the claims are the payload itself, with a new reference */
		CHECK(json_object_get(j, "claims") == cl.payload, i);
		CHECK(cl.payload->refcount == 2, i);
		json_decref(j);
		CHECK(cl.payload->refcount == 1, i);
		free(s);
		json_decref(cl.payload);
	}
}

/* No payload (claims never verified): no object, nothing leaked. */
static void test_claims_json_no_payload(void **state)
{
	struct token_claims cl;

	(void)state;
	memset(&cl, 0, sizeof(cl));
	snprintf(cl.kid, sizeof(cl.kid), "hs-x");
	assert_null(bearer_claims_json(&cl));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_token_unparsed),
		cmocka_unit_test(test_claims_json),
		cmocka_unit_test(test_claims_json_no_payload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
