/*
 * test_cookie.c - table-driven tests for cookie.c: parsing the Cookie
 * header (RFC 6265 §5.4, §4.2.1) and building Set-Cookie (RFC 6265 §4.1,
 * RFC 6265bis prefixes and SameSite), with hostile rows for every rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "http/cookie.h"


/*
 * render: the jar as "name=value" lines joined by '\n', each duplicate
 * prefixed with '+'. Written into out (which holds cap bytes).
 */
static void render(const struct cookie_jar *jar, char *out, size_t cap)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < jar->n; i++) {
		assert_int_equal(buf_printf(&b, "%s%s%s=%s", i ? "\n" : "",
					    jar->pairs[i].duplicate ? "+" : "",
					    jar->pairs[i].name,
					    jar->pairs[i].value), ERR_OK);
	}
	assert_true(b.len < cap);
	memcpy(out, b.data ? b.data : "", b.len + 1);
	buf_cleanup(&b);
}

/* ---- cookie_parse --------------------------------------------------- */

struct parse_row {
	const char *in;
	size_t      len;      /* 0: strlen(in); set for rows holding NUL */
	enum err    want;
	const char *pairs;    /* render() of the jar when want is ERR_OK */
	size_t      n_dup;
};

static const struct parse_row parse_rows[] = {
	/* plain */
	{ "", 0, ERR_OK, "", 0 },
	{ "a=1", 0, ERR_OK, "a=1", 0 },
	{ "a=1; b=2", 0, ERR_OK, "a=1\nb=2", 0 },
	{ "a=1;b=2", 0, ERR_OK, "a=1\nb=2", 0 },
	{ "sid=abc123; theme=dark; lang=ko", 0, ERR_OK,
	  "sid=abc123\ntheme=dark\nlang=ko", 0 },
	/* whitespace: SP and HTAB trimmed around name and value only */
	{ "  a  =  1  ;   b=2  ", 0, ERR_OK, "a=1\nb=2", 0 },
	{ "\ta\t=\t1\t", 0, ERR_OK, "a=1", 0 },
	{ "a=b c", 0, ERR_OK, "a=b c", 0 },
	{ "a=b\tc", 0, ERR_OK, "a=b\tc", 0 },
	{ "a b=1", 0, ERR_OK, "a b=1", 0 },
	/* skipped segments */
	{ "a=1; b", 0, ERR_OK, "a=1", 0 },
	{ "b; a=1", 0, ERR_OK, "a=1", 0 },
	{ "=1; a=2", 0, ERR_OK, "a=2", 0 },
	{ "   =x", 0, ERR_OK, "", 0 },
	{ "=", 0, ERR_OK, "", 0 },
	{ ";;; ;", 0, ERR_OK, "", 0 },
	{ "a=1;;b=2;", 0, ERR_OK, "a=1\nb=2", 0 },
	{ "noequals", 0, ERR_OK, "", 0 },
	/* values */
	{ "a=", 0, ERR_OK, "a=", 0 },
	{ "a=  ", 0, ERR_OK, "a=", 0 },
	{ "a=b=c", 0, ERR_OK, "a=b=c", 0 },
	{ "a=\"quoted\"", 0, ERR_OK, "a=\"quoted\"", 0 },
	{ "a=\"\"", 0, ERR_OK, "a=\"\"", 0 },
	{ "jwt=eyJhbGciOiJIUzI1NiJ9.e30.sig-_", 0, ERR_OK,
	  "jwt=eyJhbGciOiJIUzI1NiJ9.e30.sig-_", 0 },
	/* duplicates: first wins, later ones flagged */
	{ "a=1; a=2", 0, ERR_OK, "a=1\n+a=2", 1 },
	{ "a=1; b=2; a=3; a=4", 0, ERR_OK, "a=1\nb=2\n+a=3\n+a=4", 2 },
	{ "sid=new; sid=old; x=1; x=2", 0, ERR_OK,
	  "sid=new\n+sid=old\nx=1\n+x=2", 2 },
	{ "A=1; a=2", 0, ERR_OK, "A=1\na=2", 0 },
	{ " a=1;a =2", 0, ERR_OK, "a=1\n+a=2", 1 },
	/* payloads are data: passed through unchanged */
	{ "q=' OR 1=1 --", 0, ERR_OK, "q=' OR 1=1 --", 0 },
	{ "q=1'); DROP TABLE users; --", 0, ERR_OK,
	  "q=1')", 0 },
	{ "x=<script>alert(1)</script>", 0, ERR_OK,
	  "x=<script>alert(1)</script>", 0 },
	{ "x=\"><img src=x onerror=alert(1)>", 0, ERR_OK,
	  "x=\"><img src=x onerror=alert(1)>", 0 },
	{ "x=%00%0d%0a", 0, ERR_OK, "x=%00%0d%0a", 0 },
	{ "name=\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", 0, ERR_OK,
	  "name=\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", 0 },
	{ "e=\xf0\x9f\x8d\xaa", 0, ERR_OK, "e=\xf0\x9f\x8d\xaa", 0 },
	/* control bytes */
	{ "a=1\0b=2", 7, ERR_INVAL, NULL, 0 },
	{ "\0", 1, ERR_INVAL, NULL, 0 },
	{ "a=1\0", 4, ERR_INVAL, NULL, 0 },
	{ "a=\x01", 0, ERR_INVAL, NULL, 0 },
	{ "a=\x1f", 0, ERR_INVAL, NULL, 0 },
	{ "a=\x7f", 0, ERR_INVAL, NULL, 0 },
	{ "a=1\r\nSet-Cookie: b=2", 0, ERR_INVAL, NULL, 0 },
	{ "a=1\nb=2", 0, ERR_INVAL, NULL, 0 },
	{ "\x1b[31m=red", 0, ERR_INVAL, NULL, 0 },
	/* invalid UTF-8 */
	{ "a=\xc0\xaf", 0, ERR_INVAL, NULL, 0 },          /* overlong '/' */
	{ "a=\xe0\x80\xaf", 0, ERR_INVAL, NULL, 0 },      /* overlong */
	{ "a=\xed\xa0\x80", 0, ERR_INVAL, NULL, 0 },      /* surrogate */
	{ "a=\xf4\x90\x80\x80", 0, ERR_INVAL, NULL, 0 },  /* > U+10FFFF */
	{ "a=\xe2\x82", 0, ERR_INVAL, NULL, 0 },          /* truncated */
	{ "a=\x80", 0, ERR_INVAL, NULL, 0 },              /* lone cont. */
	{ "a=\xff", 0, ERR_INVAL, NULL, 0 },
	{ "\xc3=1", 0, ERR_INVAL, NULL, 0 },
	{ "a=\xe9t\xe9", 0, ERR_INVAL, NULL, 0 },         /* Latin-1 */
};

static void check_parse(size_t row, const char *in, size_t len,
			enum err want, const char *pairs, size_t n_dup)
{
	struct cookie_jar jar;
	static char got[16384];

	/* Garbage in the out-param: parse must overwrite, not read it. */
	memset(&jar, 0xa5, sizeof(jar));
	CHECK(cookie_parse(in, len, &jar) == want, row);
	if (want != ERR_OK) {
		CHECK(jar.pairs == NULL && jar.n == 0 &&
		      jar.n_duplicate == 0, row);
		return;
	}
	render(&jar, got, sizeof(got));
	if (pairs && strcmp(got, pairs) != 0) {
		print_error("row %zu: got \"%s\" want \"%s\"\n", row, got,
			    pairs);
		fail();
	}
	CHECK(jar.n_duplicate == n_dup, row);
	cookie_jar_free(&jar);
	CHECK(jar.pairs == NULL && jar.n == 0, row);
}

static void test_parse_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		const struct parse_row *r = &parse_rows[i];

		check_parse(i, r->in, r->len ? r->len : strlen(r->in),
			    r->want, r->pairs, r->n_dup);
	}
}

/* Rows at and just past each limit, built at run time. */
static void test_parse_limits(void **state)
{
	char *s;
	size_t i, n;

	(void)state;

	/* COOKIE_HEADER_MAX: "a=1" then ';' padding to the exact size. */
	s = repeat(';', COOKIE_HEADER_MAX + 1);
	memcpy(s, "a=1", 3);
	check_parse(100, s, COOKIE_HEADER_MAX, ERR_OK, "a=1", 0);
	check_parse(101, s, COOKIE_HEADER_MAX + 1, ERR_TOOBIG, NULL, 0);
	free(s);

	/* COOKIE_PAIRS_MAX: "x=1;" repeated; skipped segments don't count. */
	s = repeat(';', 4 * (COOKIE_PAIRS_MAX + 1) + 400);
	for (i = 0; i < COOKIE_PAIRS_MAX + 1; i++)
		memcpy(s + 4 * i, "x=1;", 4);
	check_parse(102, s, 4 * COOKIE_PAIRS_MAX, ERR_OK, NULL,
		    COOKIE_PAIRS_MAX - 1);
	check_parse(103, s, 4 * (COOKIE_PAIRS_MAX + 1), ERR_TOOBIG, NULL, 0);
	for (i = 0; i < 100; i++)
		memcpy(s + 4 * COOKIE_PAIRS_MAX + 4 * i, "bad;", 4);
	check_parse(104, s, 4 * COOKIE_PAIRS_MAX + 400, ERR_OK, NULL,
		    COOKIE_PAIRS_MAX - 1);
	free(s);

	/* COOKIE_NAME_MAX: name of exactly 256 bytes, then 257. */
	n = COOKIE_NAME_MAX + 2;
	s = repeat('n', n);
	s[n - 2] = '=';
	s[n - 1] = 'v';
	check_parse(105, s, n, ERR_OK, NULL, 0);
	free(s);
	n = COOKIE_NAME_MAX + 3;
	s = repeat('n', n);
	s[n - 2] = '=';
	s[n - 1] = 'v';
	check_parse(106, s, n, ERR_TOOBIG, NULL, 0);
	free(s);

	/* COOKIE_SIZE_MAX: name "a" plus a 4095-byte value, then 4096. */
	s = repeat('v', COOKIE_SIZE_MAX + 2);
	memcpy(s, "a=", 2);
	check_parse(107, s, COOKIE_SIZE_MAX + 1, ERR_OK, NULL, 0);
	check_parse(108, s, COOKIE_SIZE_MAX + 2, ERR_TOOBIG, NULL, 0);
	free(s);

	/* A NULL header of length 0 is an empty jar. */
	check_parse(109, NULL, 0, ERR_OK, "", 0);
}

static void test_get_count(void **state)
{
	struct cookie_jar jar;
	static const char h[] = "a=1; b=2; a=3; c=; a=4";

	(void)state;
	assert_int_equal(cookie_parse(h, strlen(h), &jar), ERR_OK);
	assert_int_equal(jar.n, 5);
	assert_int_equal(jar.n_duplicate, 2);
	assert_string_equal(cookie_get(&jar, "a"), "1");
	assert_string_equal(cookie_get(&jar, "b"), "2");
	assert_string_equal(cookie_get(&jar, "c"), "");
	assert_null(cookie_get(&jar, "d"));
	assert_null(cookie_get(&jar, "A"));
	assert_null(cookie_get(&jar, NULL));
	assert_int_equal(cookie_count(&jar, "a"), 3);
	assert_int_equal(cookie_count(&jar, "b"), 1);
	assert_int_equal(cookie_count(&jar, "d"), 0);
	assert_int_equal(cookie_count(&jar, NULL), 0);
	cookie_jar_free(&jar);
	cookie_jar_free(&jar);          /* twice is safe */
	cookie_jar_free(NULL);
	assert_null(cookie_get(NULL, "a"));
	assert_int_equal(cookie_count(NULL, "a"), 0);
	assert_null(cookie_get(&jar, "a"));
}

/* ---- cookie_format_date / cookie_samesite_name ---------------------- */

static const struct {
	long long   t;
	const char *want;
} date_rows[] = {
	{ 784111777LL, "Sun, 06 Nov 1994 08:49:37 GMT" },   /* RFC 7231 */
	{ 0, "Thu, 01 Jan 1970 00:00:00 GMT" },
	{ -1, "Wed, 31 Dec 1969 23:59:59 GMT" },
	{ 951782400LL, "Tue, 29 Feb 2000 00:00:00 GMT" },
	{ 1700000000LL, "Tue, 14 Nov 2023 22:13:20 GMT" },
	{ 2147483648LL, "Tue, 19 Jan 2038 03:14:08 GMT" },
	{ -11644473600LL, "Mon, 01 Jan 1601 00:00:00 GMT" },
	{ 253402300799LL, "Fri, 31 Dec 9999 23:59:59 GMT" },
	/* clamped to four-digit years */
	{ 253402300800LL, "Fri, 31 Dec 9999 23:59:59 GMT" },
	{ 9000000000000000000LL, "Fri, 31 Dec 9999 23:59:59 GMT" },
	{ -62167219200LL, "Sat, 01 Jan 0000 00:00:00 GMT" },
	{ -9000000000000000000LL, "Sat, 01 Jan 0000 00:00:00 GMT" },
};

static void test_format_date(void **state)
{
	char out[30];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(date_rows) / sizeof(date_rows[0]); i++) {
		memset(out, 'X', sizeof(out));
		CHECK(cookie_format_date((time_t)date_rows[i].t, out) == out, i);
		if (strcmp(out, date_rows[i].want) != 0) {
			print_error("row %zu: got \"%.30s\" want \"%s\"\n", i,
				    out, date_rows[i].want);
			fail();
		}
	}
}

static void test_samesite_name(void **state)
{
	(void)state;
	assert_string_equal(cookie_samesite_name(SAMESITE_UNSET), "");
	assert_string_equal(cookie_samesite_name(SAMESITE_STRICT), "Strict");
	assert_string_equal(cookie_samesite_name(SAMESITE_LAX), "Lax");
	assert_string_equal(cookie_samesite_name(SAMESITE_NONE), "None");
	assert_string_equal(cookie_samesite_name((enum cookie_samesite)42), "");
}

/* ---- cookie_build --------------------------------------------------- */

struct build_row {
	struct cookie_spec spec;
	enum err           want;
	const char        *out;   /* the exact header value, or NULL */
	const char        *why;   /* the exact refusal, or NULL */
};

#define NONE_NEEDS_SECURE "SameSite=None requires Secure"
#define BAD_NAME "Cookie name must be an RFC 7230 token"
#define BAD_VALUE "Cookie value may only hold cookie-octets (no space, " \
	"DQUOTE, comma, semicolon, backslash or control byte)"
#define BAD_PATH "Path must be printable ASCII without ';'"
#define PATH_SLASH "Path must start with '/'"
#define BAD_DOMAIN "Domain may only hold letters, digits, '-' and '.', " \
	"in non-empty labels"

static const struct build_row build_rows[] = {
	/* valid: exact strings */
	{ { .name = "sid", .value = "abc" }, ERR_OK, "sid=abc", NULL },
	{ { .name = "sid" }, ERR_OK, "sid=", NULL },
	{ { .name = "sid", .value = "" }, ERR_OK, "sid=", NULL },
	{ { .name = "sid", .value = "abc", .has_max_age = 1,
	    .max_age = 3600, .has_expires = 1, .expires = 784111777,
	    .domain = "example.com", .path = "/", .secure = 1,
	    .http_only = 1, .same_site = SAMESITE_LAX }, ERR_OK,
	  "sid=abc; Max-Age=3600; Expires=Sun, 06 Nov 1994 08:49:37 GMT; "
	  "Domain=example.com; Path=/; Secure; HttpOnly; SameSite=Lax", NULL },
	{ { .name = "sid", .value = "x", .has_max_age = 1, .max_age = 0 },
	  ERR_OK, "sid=x; Max-Age=0", NULL },
	{ { .name = "sid", .value = "x", .has_max_age = 1, .max_age = -5 },
	  ERR_OK, "sid=x; Max-Age=0", NULL },
	{ { .name = "sid", .value = "x", .max_age = 99 },
	  ERR_OK, "sid=x", NULL },
	{ { .name = "sid", .has_max_age = 1, .max_age = 0, .has_expires = 1,
	    .expires = 0, .path = "/" }, ERR_OK,
	  "sid=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
	  NULL },
	{ { .name = "t", .value = "1", .expires = 5 }, ERR_OK, "t=1", NULL },
	{ { .name = "t", .value = "1", .has_expires = 1,
	    .expires = -11644473600LL }, ERR_OK,
	  "t=1; Expires=Mon, 01 Jan 1601 00:00:00 GMT", NULL },
	{ { .name = "t", .value = "1", .has_expires = 1,
	    .expires = 253402300799LL }, ERR_OK,
	  "t=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT", NULL },
	{ { .name = "x", .value = "1", .same_site = SAMESITE_STRICT },
	  ERR_OK, "x=1; SameSite=Strict", NULL },
	{ { .name = "x", .value = "1", .secure = 1,
	    .same_site = SAMESITE_NONE },
	  ERR_OK, "x=1; Secure; SameSite=None", NULL },
	{ { .name = "x", .value = "1", .http_only = 1 },
	  ERR_OK, "x=1; HttpOnly", NULL },
	{ { .name = "x", .value = "1", .path = "/app/a-b_c.d~e%20" },
	  ERR_OK, "x=1; Path=/app/a-b_c.d~e%20", NULL },
	{ { .name = "x", .value = "1", .domain = ".Example-1.co.kr" },
	  ERR_OK, "x=1; Domain=.Example-1.co.kr", NULL },
	{ { .name = "x", .value = "1", .domain = "localhost" },
	  ERR_OK, "x=1; Domain=localhost", NULL },
	{ { .name = "x", .value = "\"abc\"" }, ERR_OK, "x=\"abc\"", NULL },
	{ { .name = "x", .value = "\"\"" }, ERR_OK, "x=\"\"", NULL },
	{ { .name = "x", .value = "abc+/=" }, ERR_OK, "x=abc+/=", NULL },
	/* markup is legal cookie-octets: escaping is the page's job */
	{ { .name = "x", .value = "<script>alert('x')</script>" }, ERR_OK,
	  "x=<script>alert('x')</script>", NULL },
	{ { .name = "x", .value = "!#$%&'()*+-./09:<=>?@AZ[]^_`az{|}~" },
	  ERR_OK, "x=!#$%&'()*+-./09:<=>?@AZ[]^_`az{|}~", NULL },
	{ { .name = "!#$%&'*+-.^_`|~09AZaz", .value = "1" }, ERR_OK,
	  "!#$%&'*+-.^_`|~09AZaz=1", NULL },
	{ { .name = "__Host-sid", .value = "1", .secure = 1, .path = "/",
	    .http_only = 1, .same_site = SAMESITE_STRICT }, ERR_OK,
	  "__Host-sid=1; Path=/; Secure; HttpOnly; SameSite=Strict", NULL },
	{ { .name = "__Secure-sid", .value = "1", .secure = 1,
	    .domain = "example.com", .path = "/a" }, ERR_OK,
	  "__Secure-sid=1; Domain=example.com; Path=/a; Secure", NULL },
	{ { .name = "__Securex", .value = "1" }, ERR_OK, "__Securex=1", NULL },
	{ { .name = "_Host-x", .value = "1" }, ERR_OK, "_Host-x=1", NULL },

	/* refusals: name */
	{ { .value = "1" }, ERR_INVAL, NULL, "Cookie name is empty" },
	{ { .name = "", .value = "1" }, ERR_INVAL, NULL,
	  "Cookie name is empty" },
	{ { .name = "a b", .value = "1" }, ERR_INVAL, NULL, BAD_NAME },
	{ { .name = "a;b", .value = "1" }, ERR_INVAL, NULL, BAD_NAME },
	{ { .name = "a=b", .value = "1" }, ERR_INVAL, NULL, BAD_NAME },
	{ { .name = "a\"b", .value = "1" }, ERR_INVAL, NULL, BAD_NAME },
	{ { .name = "(x)", .value = "1" }, ERR_INVAL, NULL, BAD_NAME },
	{ { .name = "a,b", .value = "1" }, ERR_INVAL, NULL, BAD_NAME },
	{ { .name = "a\tb", .value = "1" }, ERR_INVAL, NULL, BAD_NAME },
	{ { .name = "a\r\nSet-Cookie: x", .value = "1" }, ERR_INVAL, NULL,
	  BAD_NAME },
	{ { .name = "\xc3\xa4", .value = "1" }, ERR_INVAL, NULL, BAD_NAME },
	{ { .name = "a\x7f", .value = "1" }, ERR_INVAL, NULL, BAD_NAME },
	{ { .name = "<script>", .value = "1" }, ERR_INVAL, NULL, BAD_NAME },
	/* refusals: value */
	{ { .name = "a", .value = "b c" }, ERR_INVAL, NULL, BAD_VALUE },
	{ { .name = "a", .value = "b;c" }, ERR_INVAL, NULL, BAD_VALUE },
	{ { .name = "a", .value = "1; Domain=evil.com" }, ERR_INVAL, NULL,
	  BAD_VALUE },
	{ { .name = "a", .value = "b,c" }, ERR_INVAL, NULL, BAD_VALUE },
	{ { .name = "a", .value = "b\\c" }, ERR_INVAL, NULL, BAD_VALUE },
	{ { .name = "a", .value = "b\"c" }, ERR_INVAL, NULL, BAD_VALUE },
	{ { .name = "a", .value = "\"abc" }, ERR_INVAL, NULL, BAD_VALUE },
	{ { .name = "a", .value = "abc\"" }, ERR_INVAL, NULL, BAD_VALUE },
	{ { .name = "a", .value = "\"" }, ERR_INVAL, NULL, BAD_VALUE },
	{ { .name = "a", .value = "\"\"\"" }, ERR_INVAL, NULL, BAD_VALUE },
	{ { .name = "a", .value = "\"a b\"" }, ERR_INVAL, NULL, BAD_VALUE },
	{ { .name = "a", .value = "x\r\nSet-Cookie: y=1" }, ERR_INVAL, NULL,
	  BAD_VALUE },
	{ { .name = "a", .value = "\x7f" }, ERR_INVAL, NULL, BAD_VALUE },
	{ { .name = "a", .value = "\t" }, ERR_INVAL, NULL, BAD_VALUE },
	{ { .name = "a", .value = "\xed\x95\x9c" }, ERR_INVAL, NULL,
	  BAD_VALUE },
	{ { .name = "a", .value = "<script>alert(\"x\")</script>" },
	  ERR_INVAL, NULL, BAD_VALUE },
	/* refusals: Path */
	{ { .name = "a", .value = "1", .path = "" }, ERR_INVAL, NULL,
	  PATH_SLASH },
	{ { .name = "a", .value = "1", .path = "app" }, ERR_INVAL, NULL,
	  PATH_SLASH },
	{ { .name = "a", .value = "1", .path = "/a;b" }, ERR_INVAL, NULL,
	  BAD_PATH },
	{ { .name = "a", .value = "1", .path = "/; Domain=evil.com" },
	  ERR_INVAL, NULL, BAD_PATH },
	{ { .name = "a", .value = "1", .path = "/a\nb" }, ERR_INVAL, NULL,
	  BAD_PATH },
	{ { .name = "a", .value = "1", .path = "/a\tb" }, ERR_INVAL, NULL,
	  BAD_PATH },
	{ { .name = "a", .value = "1", .path = "/a\x7f" }, ERR_INVAL, NULL,
	  BAD_PATH },
	{ { .name = "a", .value = "1", .path = "/\xed\x95\x9c" }, ERR_INVAL,
	  NULL, BAD_PATH },
	/* refusals: Domain */
	{ { .name = "a", .value = "1", .domain = "" }, ERR_INVAL, NULL,
	  BAD_DOMAIN },
	{ { .name = "a", .value = "1", .domain = "." }, ERR_INVAL, NULL,
	  BAD_DOMAIN },
	{ { .name = "a", .value = "1", .domain = ".." }, ERR_INVAL, NULL,
	  BAD_DOMAIN },
	{ { .name = "a", .value = "1", .domain = "a..b" }, ERR_INVAL, NULL,
	  BAD_DOMAIN },
	{ { .name = "a", .value = "1", .domain = "example.com." }, ERR_INVAL,
	  NULL, BAD_DOMAIN },
	{ { .name = "a", .value = "1", .domain = "exa mple.com" }, ERR_INVAL,
	  NULL, BAD_DOMAIN },
	{ { .name = "a", .value = "1", .domain = "example.com; Secure" },
	  ERR_INVAL, NULL, BAD_DOMAIN },
	{ { .name = "a", .value = "1", .domain = "ex_ample.com" }, ERR_INVAL,
	  NULL, BAD_DOMAIN },
	{ { .name = "a", .value = "1", .domain = "example.com:8080" },
	  ERR_INVAL, NULL, BAD_DOMAIN },
	{ { .name = "a", .value = "1", .domain = "\xed\x95\x9c.kr" },
	  ERR_INVAL, NULL, BAD_DOMAIN },
	{ { .name = "a", .value = "1", .domain = "<script>" }, ERR_INVAL,
	  NULL, BAD_DOMAIN },
	/* refusals: Expires */
	{ { .name = "a", .value = "1", .has_expires = 1,
	    .expires = -11644473601LL }, ERR_INVAL, NULL,
	  "Expires must fall between the years 1601 and 9999" },
	{ { .name = "a", .value = "1", .has_expires = 1,
	    .expires = 253402300800LL }, ERR_INVAL, NULL,
	  "Expires must fall between the years 1601 and 9999" },
	/* refusals: SameSite */
	{ { .name = "a", .value = "1", .same_site = SAMESITE_NONE },
	  ERR_INVAL, NULL, NONE_NEEDS_SECURE },
	{ { .name = "a", .value = "1", .http_only = 1, .path = "/",
	    .same_site = SAMESITE_NONE }, ERR_INVAL, NULL, NONE_NEEDS_SECURE },
	{ { .name = "a", .value = "1", .secure = 1,
	    .same_site = (enum cookie_samesite)7 }, ERR_INVAL, NULL,
	  "SameSite must be Strict, Lax, None or unset" },
	/* refusals: prefixes (matched ignoring case) */
	{ { .name = "__Secure-sid", .value = "1" }, ERR_INVAL, NULL,
	  "A __Secure- cookie requires Secure" },
	{ { .name = "__secure-sid", .value = "1", .path = "/" }, ERR_INVAL,
	  NULL, "A __Secure- cookie requires Secure" },
	{ { .name = "__Host-sid", .value = "1", .path = "/" }, ERR_INVAL,
	  NULL, "A __Host- cookie requires Secure" },
	{ { .name = "__HOST-sid", .value = "1", .path = "/" }, ERR_INVAL,
	  NULL, "A __Host- cookie requires Secure" },
	{ { .name = "__Host-sid", .value = "1", .secure = 1 }, ERR_INVAL,
	  NULL, "A __Host- cookie requires Path=/" },
	{ { .name = "__Host-sid", .value = "1", .secure = 1, .path = "/a" },
	  ERR_INVAL, NULL, "A __Host- cookie requires Path=/" },
	{ { .name = "__Host-sid", .value = "1", .secure = 1, .path = "/",
	    .domain = "example.com" }, ERR_INVAL, NULL,
	  "A __Host- cookie must not have a Domain" },
};

static void check_build(size_t row, const struct build_row *r)
{
	struct buf out;
	const char *why = "stale";
	enum err e;

	buf_init(&out);
	assert_int_equal(buf_puts(&out, "Set-Cookie: "), ERR_OK);
	e = cookie_build(&r->spec, &out, &why);
	if (e != r->want) {
		print_error("row %zu (%s=%s): got err %d want %d (why: %s)\n",
			    row, r->spec.name ? r->spec.name : "(null)",
			    r->spec.value ? r->spec.value : "(null)", (int)e,
			    (int)r->want, why ? why : "(null)");
		fail();
	}
	if (e == ERR_OK) {
		CHECK(why == NULL, row);
		if (r->out && strcmp(out.data + 12, r->out) != 0) {
			print_error("row %zu: got \"%s\"\n want \"%s\"\n", row,
				    out.data + 12, r->out);
			fail();
		}
	} else {
		/* out is unchanged, and *why names the rule. */
		CHECK(out.len == 12, row);
		CHECK(strcmp(out.data, "Set-Cookie: ") == 0, row);
		CHECK(why != NULL, row);
		if (r->why && strcmp(why, r->why) != 0) {
			print_error("row %zu: why \"%s\" want \"%s\"\n", row,
				    why, r->why);
			fail();
		}
	}
	/* why may be NULL, with the same result. */
	buf_reset(&out);
	CHECK(cookie_build(&r->spec, &out, NULL) == r->want, row);
	buf_cleanup(&out);
}

static void test_build_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(build_rows) / sizeof(build_rows[0]); i++)
		check_build(i, &build_rows[i]);
}

/* Size limits, at and just past each one. */
static void test_build_limits(void **state)
{
	struct build_row r;
	char *name_ok = repeat('n', COOKIE_NAME_MAX);
	char *name_big = repeat('n', COOKIE_NAME_MAX + 1);
	char *val_ok = repeat('v', COOKIE_SIZE_MAX - 1);
	char *val_big = repeat('v', COOKIE_SIZE_MAX);
	char *path_ok = repeat('p', COOKIE_ATTR_MAX);
	char *path_big = repeat('p', COOKIE_ATTR_MAX + 1);
	char *dom_ok = repeat('d', 253);
	char *dom_big = repeat('d', 254);
	struct buf out;

	(void)state;
	path_ok[0] = '/';
	path_big[0] = '/';

	memset(&r, 0, sizeof(r));
	r.spec.name = name_ok;
	r.spec.value = "1";
	r.want = ERR_OK;
	check_build(200, &r);
	r.spec.name = name_big;
	r.want = ERR_TOOBIG;
	r.why = "Cookie name is longer than 256 bytes";
	check_build(201, &r);

	memset(&r, 0, sizeof(r));
	r.spec.name = "a";
	r.spec.value = val_ok;
	r.want = ERR_OK;
	check_build(202, &r);
	r.spec.value = val_big;
	r.want = ERR_TOOBIG;
	r.why = "Cookie name and value together are longer than 4096 bytes";
	check_build(203, &r);

	memset(&r, 0, sizeof(r));
	r.spec.name = "a";
	r.spec.path = path_ok;
	r.want = ERR_OK;
	check_build(204, &r);
	r.spec.path = path_big;
	r.want = ERR_TOOBIG;
	r.why = "Path is longer than 1024 bytes";
	check_build(205, &r);

	memset(&r, 0, sizeof(r));
	r.spec.name = "a";
	r.spec.domain = dom_ok;
	r.want = ERR_OK;
	check_build(206, &r);
	r.spec.domain = dom_big;
	r.want = ERR_TOOBIG;
	r.why = "Domain is longer than 253 bytes";
	check_build(207, &r);

	/* The exact bytes of the largest cookie. */
	buf_init(&out);
	r.spec.name = "a";
	r.spec.value = val_ok;
	r.spec.domain = NULL;
	assert_int_equal(cookie_build(&r.spec, &out, NULL), ERR_OK);
	assert_int_equal(out.len, COOKIE_SIZE_MAX + 1);
	assert_memory_equal(out.data, "a=vvv", 5);
	buf_cleanup(&out);

	/* NULL spec or buffer: an internal error, never a crash. */
	buf_init(&out);
	assert_int_equal(cookie_build(NULL, &out, NULL), ERR_INTERNAL);
	assert_int_equal(cookie_build(&r.spec, NULL, NULL), ERR_INTERNAL);
	assert_int_equal(out.len, 0);

	free(name_ok);
	free(name_big);
	free(val_ok);
	free(val_big);
	free(path_ok);
	free(path_big);
	free(dom_ok);
	free(dom_big);
}

/* A full output buffer is ERR_TOOBIG, and out keeps what it had. */
static void test_build_full_buffer(void **state)
{
	struct cookie_spec c = { .name = "sid", .value = "abc" };
	struct buf out;
	char *fill = repeat('x', BUF_MAX - 3);
	const char *why = NULL;

	(void)state;
	buf_init(&out);
	assert_int_equal(buf_puts(&out, fill), ERR_OK);
	assert_int_equal(cookie_build(&c, &out, &why), ERR_TOOBIG);
	assert_non_null(why);
	assert_int_equal(out.len, BUF_MAX - 3);
	buf_cleanup(&out);
	free(fill);
}

/* cookie_spec_init: the Set-Cookie lines the site's common specs give. */
static void test_spec_init(void **state)
{
	static const struct {
		const char *name, *value, *path;
		long max_age;
		int flags;
		enum cookie_samesite ss;
		const char *want;
	} rows[] = {
		{ "sid", "abc", "/", COOKIE_SESSION, COOKIE_HTTPONLY,
		  SAMESITE_LAX, "sid=abc; Path=/; HttpOnly; SameSite=Lax" },
		{ "sid", "abc", "/", 1800, COOKIE_HTTPONLY | COOKIE_SECURE,
		  SAMESITE_LAX,
		  "sid=abc; Max-Age=1800; Path=/; Secure; HttpOnly; SameSite=Lax" },
		{ "r", "", "/auth", 0, COOKIE_HTTPONLY, SAMESITE_STRICT,
		  "r=; Max-Age=0; Path=/auth; HttpOnly; SameSite=Strict" },
		{ "x", NULL, NULL, -5, 0, SAMESITE_UNSET, "x=" },
		{ "ss", "1", "/s", COOKIE_SESSION, COOKIE_SECURE, SAMESITE_NONE,
		  "ss=1; Path=/s; Secure; SameSite=None" },
		/* The prefixes bring their rules along. */
		{ "__Host-sid", "v", "/x", 60, COOKIE_HTTPONLY, SAMESITE_LAX,
		  "__Host-sid=v; Max-Age=60; Path=/; Secure; HttpOnly; "
		  "SameSite=Lax" },
		{ "__secure-a", "v", "/p", COOKIE_SESSION, 0, SAMESITE_UNSET,
		  "__secure-a=v; Path=/p; Secure" },
	};
	struct cookie_spec cs;
	struct buf b;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		memset(&cs, 0x5a, sizeof(cs));
		cookie_spec_init(&cs, rows[i].name, rows[i].value, rows[i].path,
				 rows[i].max_age, rows[i].flags, rows[i].ss);
		CHECK(!cs.has_expires && !cs.domain, i);
		buf_init(&b);
		CHECK(cookie_build(&cs, &b, NULL) == ERR_OK, i);
		CHECK(b.data && !strcmp(b.data, rows[i].want), i);
		buf_cleanup(&b);
	}
}

/* cookie_is_tchar: every byte, against the RFC 9110 list. */
static void test_is_tchar(void **state)
{
	const char *extra = "!#$%&'*+-.^_`|~";
	unsigned c;
	int want;

	(void)state;
	for (c = 0; c < 256; c++) {
		want = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		       (c >= '0' && c <= '9') ||
		       (c != 0 && strchr(extra, (int)c) != NULL);
		CHECK(cookie_is_tchar((unsigned char)c) == want, c);
	}
	assert_false(cookie_is_tchar('('));
	assert_false(cookie_is_tchar(' '));
	assert_false(cookie_is_tchar('"'));
	assert_false(cookie_is_tchar(0x80));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_get_count),
		cmocka_unit_test(test_format_date),
		cmocka_unit_test(test_samesite_name),
		cmocka_unit_test(test_build_table),
		cmocka_unit_test(test_build_limits),
		cmocka_unit_test(test_build_full_buffer),
		cmocka_unit_test(test_spec_init),
		cmocka_unit_test(test_is_tchar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
