/*
 * test_response.c - the response builder (http/response): the CGI header
 * block response_serialize writes (status line, Content-Type, headers in
 * the order added, then Set-Cookie lines, then Content-Length), HEAD
 * without a body, the header and cookie slot limits, header values that
 * would split the response, local-only redirects and JSON bodies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "http/response.h"
#include "unit.h"

/* serialized: res serialised (head or not) as a NUL-terminated string. */
static char *serialized(const struct response *res, int head)
{
	struct buf out;

	buf_init(&out);
	assert_int_equal(response_serialize(res, head, &out), ERR_OK);
	assert_int_equal(buf_putc(&out, '\0'), ERR_OK);
	return buf_steal(&out);
}

static void expect(const struct response *res, int head, const char *want)
{
	char *got = serialized(res, head);

	assert_string_equal(got, want);
	free(got);
}

static void test_defaults(void **state)
{
	struct response res;

	(void)state;
	response_init(&res);
	expect(&res, 0, "Status: 200 OK\r\n"
	       "Content-Type: text/html; charset=utf-8\r\n"
	       "Content-Length: 0\r\n\r\n");
	response_cleanup(&res);
}

/* Headers in the order added, Set-Cookie after them, the length last. */
static void test_order_and_body(void **state)
{
	static const char want[] =
		"Status: 303 See Other\r\n"
		"Content-Type: text/plain\r\n"
		"Location: /next\r\n"
		"X-B: 2\r\n"
		"X-A: 1\r\n"
		"Set-Cookie: sid=abc; Path=/; HttpOnly; SameSite=Lax\r\n"
		"Set-Cookie: lang=ko; Max-Age=60\r\n"
		"Content-Length: 5\r\n\r\n";
	struct cookie_spec sid = { .name = "sid", .value = "abc",
				   .path = "/", .http_only = 1,
				   .same_site = SAMESITE_LAX };
	struct cookie_spec lang = { .name = "lang", .value = "ko",
				    .has_max_age = 1, .max_age = 60 };
	struct response res;
	char *get;

	(void)state;
	response_init(&res);
	assert_int_equal(response_cookie(&res, &sid, NULL), ERR_OK);
	assert_int_equal(response_redirect(&res, 303, "/next"), ERR_OK);
	assert_int_equal(response_header(&res, "X-B", "2"), ERR_OK);
	assert_int_equal(response_cookie(&res, &lang, NULL), ERR_OK);
	assert_int_equal(response_header(&res, "X-A", "1"), ERR_OK);
	assert_int_equal(response_content_type(&res, "text/plain"), ERR_OK);
	assert_int_equal(buf_puts(&res.body, "hello"), ERR_OK);
	get = serialized(&res, 0);
	assert_int_equal(strlen(get), strlen(want) + 5);
	assert_memory_equal(get, want, strlen(want));
	assert_string_equal(get + strlen(want), "hello");
	free(get);
	/* HEAD: the same headers, the GET's Content-Length, no body */
	expect(&res, 1, want);
	response_cleanup(&res);
	assert_int_equal(res.status, 200);
	assert_int_equal(res.n_headers, 0);
	assert_int_equal(res.n_set_cookies, 0);
	assert_null(res.content_type);
}

/* The body is bytes: a NUL inside is sent and counted. */
static void test_binary_body_and_append(void **state)
{
	static const char head[] = "Status: 404 Not Found\r\n"
		"Content-Type: text/html; charset=utf-8\r\n"
		"Content-Length: 3\r\n\r\n";
	struct response res;
	struct buf out;

	(void)state;
	response_init(&res);
	res.status = 404;
	assert_int_equal(buf_append(&res.body, "a\0b", 3), ERR_OK);
	buf_init(&out);
	assert_int_equal(buf_puts(&out, "KEEP"), ERR_OK);   /* appended to */
	assert_int_equal(response_serialize(&res, 0, &out), ERR_OK);
	assert_int_equal(out.len, 4 + strlen(head) + 3);
	assert_memory_equal(out.data, "KEEP", 4);
	assert_memory_equal(out.data + 4, head, strlen(head));
	assert_memory_equal(out.data + 4 + strlen(head), "a\0b", 3);
	buf_cleanup(&out);
	response_cleanup(&res);
}

static void test_reasons(void **state)
{
	static const struct { int status; const char *want; } rows[] = {
		{ 200, "OK" }, { 204, "No Content" }, { 302, "Found" },
		{ 400, "Bad Request" }, { 405, "Method Not Allowed" },
		{ 413, "Content Too Large" }, { 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 503, "Service Unavailable" }, { 0, "Unknown" },
		{ 418, "Unknown" }, { -1, "Unknown" }, { 999, "Unknown" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++)
		CHECK(!strcmp(response_reason(rows[i].status), rows[i].want),
		      i);
}

/* What could split the response, or is no header name, is refused. */
static void test_header_refusals(void **state)
{
	static const struct {
		const char *name, *value;
		enum err    want;
	} rows[] = {
		{ "X-Ok", "a b\tc", ERR_OK },
		{ "X-Ok", "", ERR_OK },
		{ "X-Ok", "caf\xc3\xa9", ERR_OK },     /* bytes >= 0x80 pass */
		{ "", "v", ERR_INVAL },
		{ "X Bad", "v", ERR_INVAL },
		{ "X-Bad:", "v", ERR_INVAL },
		{ "X-Bad\r\nSet-Cookie", "v", ERR_INVAL },
		{ "X-Bad", "v\r\nSet-Cookie: a=b", ERR_INVAL },
		{ "X-Bad", "v\n", ERR_INVAL },
		{ "X-Bad", "v\r", ERR_INVAL },
		{ "X-Bad", "\x01", ERR_INVAL },
		{ "X-Bad", "\x7f", ERR_INVAL },
		{ "X-Ok", "(\xc3)", ERR_OK },        /* not checked as UTF-8 */
	};
	struct response res;
	size_t i, added = 0;

	(void)state;
	response_init(&res);
	for (i = 0; i < NROWS(rows); i++) {
		CHECK(response_header(&res, rows[i].name, rows[i].value) ==
		      rows[i].want, i);
		added += rows[i].want == ERR_OK;
		CHECK(res.n_headers == added, i);
	}
	assert_int_equal(response_content_type(&res, "text/html\r\nX: y"),
			 ERR_INVAL);
	assert_null(res.content_type);
	response_cleanup(&res);
}

/* RESPONSE_HEADERS_MAX headers fit and are all sent; one more is refused. */
static void test_header_slots(void **state)
{
	struct response res;
	struct buf want;
	char name[16];
	char *got;
	size_t i;

	(void)state;
	response_init(&res);
	buf_init(&want);
	assert_int_equal(buf_puts(&want, "Status: 200 OK\r\nContent-Type: "
				  "text/html; charset=utf-8\r\n"), ERR_OK);
	for (i = 0; i < RESPONSE_HEADERS_MAX; i++) {
		snprintf(name, sizeof(name), "X-%zu", i);
		CHECK(response_header(&res, name, "v") == ERR_OK, i);
		assert_int_equal(buf_printf(&want, "%s: v\r\n", name), ERR_OK);
	}
	assert_int_equal(response_header(&res, "X-Over", "v"), ERR_TOOBIG);
	assert_int_equal(res.n_headers, RESPONSE_HEADERS_MAX);
	assert_int_equal(buf_puts(&want, "Content-Length: 0\r\n\r\n"), ERR_OK);
	assert_int_equal(buf_putc(&want, '\0'), ERR_OK);
	got = serialized(&res, 0);
	assert_string_equal(got, want.data);
	free(got);
	buf_cleanup(&want);
	response_cleanup(&res);
}

/* RESPONSE_COOKIES_MAX Set-Cookie lines; a refused cookie takes none. */
static void test_cookie_slots(void **state)
{
	struct cookie_spec c = { .name = "c", .value = "1" };
	struct cookie_spec bad = { .name = "bad name", .value = "1" };
	struct response res;
	const char *why = "unset";
	size_t i;

	(void)state;
	response_init(&res);
	assert_int_equal(response_cookie(&res, &bad, &why), ERR_INVAL);
	assert_non_null(why);
	assert_string_not_equal(why, "unset");
	assert_int_equal(res.n_set_cookies, 0);
	for (i = 0; i < RESPONSE_COOKIES_MAX; i++)
		CHECK(response_cookie(&res, &c, NULL) == ERR_OK, i);
	assert_int_equal(response_cookie(&res, &c, NULL), ERR_TOOBIG);
	assert_int_equal(res.n_set_cookies, RESPONSE_COOKIES_MAX);
	assert_string_equal(res.set_cookies[RESPONSE_COOKIES_MAX - 1], "c=1");
	response_cleanup(&res);
}

/* Redirects go to local paths only. */
static void test_redirect(void **state)
{
	static const struct {
		const char *loc;
		enum err    want;
	} rows[] = {
		{ "/", ERR_OK }, { "/a/b?c=d", ERR_OK },
		{ "//evil.example/", ERR_INVAL },
		{ "/\\evil.example", ERR_INVAL },
		{ "https://evil.example/", ERR_INVAL }, { "", ERR_INVAL },
		{ "a/b", ERR_INVAL }, { "/a\r\nSet-Cookie: x=y", ERR_INVAL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		struct response res;

		response_init(&res);
		CHECK(response_redirect(&res, 302, rows[i].loc) ==
		      rows[i].want, i);
		if (rows[i].want == ERR_OK) {
			CHECK(res.n_headers == 1, i);
			CHECK(!strcmp(res.headers[0].name, "Location"), i);
			CHECK(!strcmp(res.headers[0].value, rows[i].loc), i);
			CHECK(res.status == 302, i);
		} else {
			CHECK(res.n_headers == 0, i);
		}
		response_cleanup(&res);
	}
}

/* JSON bodies: sorted keys, indented, a final newline; NULL is NOMEM. */
static void test_json(void **state)
{
	struct response res;

	(void)state;
	response_init(&res);
	assert_int_equal(buf_puts(&res.body, "dropped"), ERR_OK);
	assert_int_equal(response_json(&res, json_pack("{s:i, s:s}", "b", 1,
						       "a", "x")), ERR_OK);
	expect(&res, 0, "Status: 200 OK\r\n"
	       "Content-Type: application/json; charset=utf-8\r\n"
	       "Content-Length: 25\r\n\r\n"
	       "{\n  \"a\": \"x\",\n  \"b\": 1\n}\n");
	assert_int_equal(response_json(&res, NULL), ERR_NOMEM);
	response_cleanup(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_order_and_body),
		cmocka_unit_test(test_binary_body_and_append),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_header_refusals),
		cmocka_unit_test(test_header_slots),
		cmocka_unit_test(test_cookie_slots),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
