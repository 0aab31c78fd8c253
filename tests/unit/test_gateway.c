/*
 * test_gateway.c - site/gateway (S-J11): the secret read from
 * GATEWAY_SECRET (64 hex digits or nothing), the constant-time check of
 * X-Gateway-Secret (wrong, short, long, non-hex, either case, no secret
 * configured), and the forwarded claims read with the verifier's limits
 * (missing, too long, control bytes, bad UTF-8, unknown role, a jti
 * outside base64url, exp and ver not plain decimals).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "site/gateway.h"
#include "unit.h"

#define SECRET "00112233445566778899aabbccddeeff" \
	       "00112233445566778899aabbccddeeff"

static void test_load(void **state)
{
	static const struct {
		const char *env;      /* NULL: unset */
		enum err    want;
	} rows[] = {
		{ NULL, ERR_NOTFOUND },
		{ "", ERR_NOTFOUND },
		{ SECRET, ERR_OK },
		{ "00112233445566778899AABBCCDDEEFF"
		  "00112233445566778899AABBCCDDEEFF", ERR_OK },
		{ "0011", ERR_INVAL },
		{ SECRET "00", ERR_INVAL },
		{ "zz112233445566778899aabbccddeeff"
		  "00112233445566778899aabbccddeeff", ERR_INVAL },
		{ " 0112233445566778899aabbccddeeff"
		  "00112233445566778899aabbccddeeff", ERR_INVAL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		struct gateway g;

		if (rows[i].env)
			setenv(GATEWAY_SECRET_ENV, rows[i].env, 1);
		else
			unsetenv(GATEWAY_SECRET_ENV);
		memset(&g, 0xa5, sizeof(g));
		CHECK(gateway_load(&g) == rows[i].want, i);
		CHECK(g.configured == (rows[i].want == ERR_OK), i);
		if (rows[i].want == ERR_OK)
			CHECK(g.secret[0] == 0x00 && g.secret[1] == 0x11 &&
			      g.secret[31] == 0xff, i);
		else
			CHECK(g.secret[0] == 0 && g.secret[31] == 0, i);
		gateway_cleanup(&g);
		CHECK(g.configured == 0 && g.secret[0] == 0, i);
	}
	unsetenv(GATEWAY_SECRET_ENV);
	gateway_cleanup(NULL);
}

static void test_trusted(void **state)
{
	static const struct {
		int         configured;
		const char *header;   /* X-Gateway-Secret; NULL: not sent */
		int         want;
	} rows[] = {
		{ 1, SECRET, 1 },
		{ 1, "00112233445566778899AABBCCDDEEFF"
		     "00112233445566778899AABBCCDDEEFF", 1 },
		{ 1, NULL, 0 },
		{ 1, "", 0 },
		{ 1, "00112233445566778899aabbccddeeff"
		     "00112233445566778899aabbccddeefe", 0 },   /* last bit */
		{ 1, "10112233445566778899aabbccddeeff"
		     "00112233445566778899aabbccddeeff", 0 },   /* first */
		{ 1, SECRET "00", 0 },
		{ 1, "00112233445566778899aabbccddeeff"
		     "00112233445566778899aabbccddee", 0 },
		{ 1, "00112233445566778899aabbccddeeff"
		     "00112233445566778899aabbccddeefg", 0 },
		{ 1, "00112233445566778899aabbccddeeff"
		     "00112233445566778899aabbccdd:eff", 0 },
		{ 0, SECRET, 0 },      /* no secret here: nobody is trusted */
		{ 0, "", 0 },
		{ 0, "00000000000000000000000000000000"
		     "00000000000000000000000000000000", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		struct gateway g;
		struct http_request r;

		memset(&g, 0, sizeof(g));
		if (rows[i].configured) {
			setenv(GATEWAY_SECRET_ENV, SECRET, 1);
			assert_int_equal(gateway_load(&g), ERR_OK);
		}
		http_request_init(&r);
		CHECK(unit_request(&r, "GET", "/gw/api/me",
				   rows[i].header ? "HTTP_X_GATEWAY_SECRET" :
				   NULL, rows[i].header, NULL, NULL) == ERR_OK,
		      i);
		CHECK(gateway_trusted(&g, &r) == rows[i].want, i);
		http_request_free(&r);
		gateway_cleanup(&g);
	}
	unsetenv(GATEWAY_SECRET_ENV);
}

/* One row of forwarded claims; NULL leaves a header out. */
struct claims_row {
	const char *sub, *name, *role, *jti, *exp, *ver;
	enum gateway_refusal want;
	long long user_id;
};

static enum err parse_claims(struct http_request *r,
			     const struct claims_row *row)
{
	const char *env[20] = { "REQUEST_METHOD", "GET",
				"REQUEST_URI", "/gw/api/me" };
	size_t n = 4;

#define ADD(var, v) do { if (v) { env[n++] = var; env[n++] = v; } } while (0)
	ADD("HTTP_X_GATEWAY_SUB", row->sub);
	ADD("HTTP_X_GATEWAY_NAME", row->name);
	ADD("HTTP_X_GATEWAY_ROLE", row->role);
	ADD("HTTP_X_GATEWAY_JTI", row->jti);
	ADD("HTTP_X_GATEWAY_EXP", row->exp);
	ADD("HTTP_X_GATEWAY_VER", row->ver);
#undef ADD
	env[n] = NULL;
	return http_request_parse(r, unit_env, (void *)env, NULL, 0);
}

static void test_claims(void **state)
{
	static const struct claims_row rows[] = {
		{ "1", "Alice", "user", "DOlJ18iQXT6H_UVaF-V3PA", "1796226449",
		  "0", GATEWAY_OK, 1 },
		{ "3", "Admin", "admin", "a", "1", "7", GATEWAY_OK, 3 },
		{ "lab", "", "", "x-_", "0", "0", GATEWAY_OK, 0 },
		{ "123456789012345678", "김민지", "user", "j", "5", "0",
		  GATEWAY_OK, 123456789012345678LL },
		{ "1234567890123456789", "A", "user", "j", "5", "0",
		  GATEWAY_OK, 0 },                /* 19 digits: not a user */
		{ NULL, "Alice", "user", "j", "5", "0", GATEWAY_NO_CLAIMS, 0 },
		{ "1", "Alice", "user", NULL, "5", "0", GATEWAY_NO_CLAIMS, 0 },
		{ "1", "Alice", "user", "j", NULL, "0", GATEWAY_NO_CLAIMS, 0 },
		{ "1", "Alice", "user", "j", "5", NULL, GATEWAY_NO_CLAIMS, 0 },
		{ "", "Alice", "user", "j", "5", "0", GATEWAY_NO_CLAIMS, 0 },
		{ "1 2", "Alice", "user", "j", "5", "0", GATEWAY_BAD_CLAIMS,
		  0 },
		{ "123456789012345678901234", "A", "user", "j", "5", "0",
		  GATEWAY_BAD_CLAIMS, 0 },        /* 24 bytes: too long */
		{ "1", "\xc3\x28", "user", "j", "5", "0", GATEWAY_BAD_CLAIMS,
		  0 },                            /* invalid UTF-8 */
		{ "1", "Alice", "root", "j", "5", "0", GATEWAY_BAD_CLAIMS, 0 },
		{ "1", "Alice", "User", "j", "5", "0", GATEWAY_BAD_CLAIMS, 0 },
		{ "1", "Alice", "user", "j.k", "5", "0", GATEWAY_BAD_CLAIMS,
		  0 },
		{ "1", "Alice", "user", "j k", "5", "0", GATEWAY_BAD_CLAIMS,
		  0 },
		{ "1", "Alice", "user", "j", "-5", "0", GATEWAY_BAD_CLAIMS, 0 },
		{ "1", "Alice", "user", "j", "5x", "0", GATEWAY_BAD_CLAIMS, 0 },
		{ "1", "Alice", "user", "j", "+5", "0", GATEWAY_BAD_CLAIMS, 0 },
		{ "1", "Alice", "user", "j", "05", "0", GATEWAY_BAD_CLAIMS, 0 },
		{ "1", "Alice", "user", "j", "5", "-1", GATEWAY_BAD_CLAIMS, 0 },
		{ "1", "Alice", "user", "j", "5", "1e3", GATEWAY_BAD_CLAIMS,
		  0 },
		{ "1", "Alice", "user", "j", "1234567890123456789", "0",
		  GATEWAY_BAD_CLAIMS, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		struct http_request r;
		struct token_claims cl;

		http_request_init(&r);
		CHECK(parse_claims(&r, &rows[i]) == ERR_OK, i);
		memset(&cl, 0x5a, sizeof(cl));
		cl.payload = NULL;
		CHECK(gateway_claims(&r, &cl) == rows[i].want, i);
		if (rows[i].want == GATEWAY_OK) {
			CHECK(!strcmp(cl.sub, rows[i].sub), i);
			CHECK(!strcmp(cl.name, rows[i].name), i);
			CHECK(!strcmp(cl.role, rows[i].role), i);
			CHECK(!strcmp(cl.jti, rows[i].jti), i);
			CHECK(cl.exp == strtoll(rows[i].exp, NULL, 10), i);
			CHECK(cl.ver == strtoll(rows[i].ver, NULL, 10), i);
			CHECK(cl.user_id == rows[i].user_id, i);
			CHECK(cl.alg == TOKEN_RS256 && cl.kid[0] == '\0', i);
		} else {
			CHECK(cl.sub[0] == '\0' && cl.jti[0] == '\0' &&
			      cl.exp == 0 && cl.user_id == 0, i);
		}
		CHECK(cl.payload == NULL, i);
		http_request_free(&r);
	}
}

/* A control byte in a claim header is refused by the parser already. */
static void test_claims_control_byte(void **state)
{
	struct http_request r;

	(void)state;
	http_request_init(&r);
	assert_int_equal(unit_request(&r, "GET", "/gw/api/me",
				      "HTTP_X_GATEWAY_NAME", "Al\rice", NULL,
				      NULL), ERR_INVAL);
	http_request_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_trusted),
		cmocka_unit_test(test_claims),
		cmocka_unit_test(test_claims_control_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
