/*
 * test_http.c - table-driven tests for http.c: UTF-8 (RFC 3629),
 * percent-decoding (RFC 3986 §2.1), urlencoded fields (WHATWG), JSON
 * bodies (RFC 8259 via jansson) and whole CGI requests read through a
 * getter, with hostile rows at and just past every limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "http/http.h"
#include "base/utf8.h"


/* ---- utf8_valid ----------------------------------------------------- */

static const struct {
	const char *in;
	size_t      len;     /* 0: strlen */
	int         want;
} utf8_rows[] = {
	{ "", 0, 1 },
	{ "plain ASCII ~", 0, 1 },
	{ "a\0b", 3, 1 },                     /* NUL is valid UTF-8 */
	{ "\xc2\x80", 0, 1 },                 /* U+0080 */
	{ "\xdf\xbf", 0, 1 },                 /* U+07FF */
	{ "\xe0\xa0\x80", 0, 1 },             /* U+0800 */
	{ "\xed\x9f\xbf", 0, 1 },             /* U+D7FF */
	{ "\xee\x80\x80", 0, 1 },             /* U+E000 */
	{ "\xef\xbf\xbf", 0, 1 },             /* U+FFFF */
	{ "\xf0\x90\x80\x80", 0, 1 },         /* U+10000 */
	{ "\xf4\x8f\xbf\xbf", 0, 1 },         /* U+10FFFF */
	{ "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", 0, 1 },
	{ "\xc0\xaf", 0, 0 },                 /* overlong '/' */
	{ "\xc1\xbf", 0, 0 },                 /* overlong */
	{ "\xe0\x80\xaf", 0, 0 },             /* overlong '/' */
	{ "\xe0\x9f\xbf", 0, 0 },             /* overlong U+07FF */
	{ "\xf0\x80\x80\xaf", 0, 0 },         /* overlong '/' */
	{ "\xf0\x8f\xbf\xbf", 0, 0 },         /* overlong U+FFFF */
	{ "\xed\xa0\x80", 0, 0 },             /* U+D800 surrogate */
	{ "\xed\xbf\xbf", 0, 0 },             /* U+DFFF surrogate */
	{ "\xed\xa0\xbd\xed\xb8\x80", 0, 0 }, /* CESU-8 pair */
	{ "\xf4\x90\x80\x80", 0, 0 },         /* U+110000 */
	{ "\xf5\x80\x80\x80", 0, 0 },
	{ "\xf8\x88\x80\x80\x80", 0, 0 },     /* 5-byte form */
	{ "\xfe", 0, 0 },
	{ "\xff", 0, 0 },
	{ "\x80", 0, 0 },                     /* lone continuation */
	{ "\xbf", 0, 0 },
	{ "\xc3", 0, 0 },                     /* truncated */
	{ "\xe2\x82", 0, 0 },
	{ "\xf0\x9f\x8d", 0, 0 },
	{ "\xc3\x28", 0, 0 },                 /* bad continuation */
	{ "\xe2\x28\xa1", 0, 0 },
	{ "\xe2\x82\x28", 0, 0 },
	{ "\xf0\x9f\x8d\x28", 0, 0 },
	{ "ok\xc3", 0, 0 },
	{ "\xe9t\xe9", 0, 0 },                /* Latin-1 */
};

static void test_utf8(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(utf8_rows); i++) {
		size_t n = utf8_rows[i].len ? utf8_rows[i].len :
			   strlen(utf8_rows[i].in);

		CHECK(utf8_valid(utf8_rows[i].in, n) == utf8_rows[i].want, i);
	}
	assert_int_equal(utf8_valid(NULL, 0), 1);
	/* A valid 3-byte sequence cut by the length is invalid. */
	assert_int_equal(utf8_valid("\xe2\x82\xac", 2), 0);
}

/* ---- http_urldecode ------------------------------------------------- */

static const struct {
	const char *in;
	size_t      len;      /* 0: strlen */
	int         plus;
	enum err    want;
	const char *out;
	size_t      out_len;  /* 0: strlen(out) */
} dec_rows[] = {
	{ "", 0, 0, ERR_OK, "", 0 },
	{ "abc", 0, 0, ERR_OK, "abc", 0 },
	{ "a%20b", 0, 0, ERR_OK, "a b", 0 },
	{ "a+b", 0, 0, ERR_OK, "a+b", 0 },
	{ "a+b", 0, 1, ERR_OK, "a b", 0 },
	{ "%2B", 0, 1, ERR_OK, "+", 0 },
	{ "%2b%2F%3f", 0, 0, ERR_OK, "+/?", 0 },
	{ "%41%42c", 0, 0, ERR_OK, "ABc", 0 },
	{ "%e2%82%ac", 0, 0, ERR_OK, "\xe2\x82\xac", 0 },
	{ "%ED%95%9C", 0, 0, ERR_OK, "\xed\x95\x9c", 0 },
	{ "\xed\x95\x9c", 0, 0, ERR_OK, "\xed\x95\x9c", 0 },
	{ "%0D%0A", 0, 0, ERR_OK, "\r\n", 0 },
	{ "%252e", 0, 0, ERR_OK, "%2e", 0 },      /* decoded once only */
	{ "%27%20OR%201%3D1%20--", 0, 0, ERR_OK, "' OR 1=1 --", 0 },
	{ "1%27)%3B+DROP+TABLE+users%3B--", 0, 1, ERR_OK,
	  "1'); DROP TABLE users;--", 0 },
	{ "%3Cscript%3Ealert(1)%3C%2Fscript%3E", 0, 0, ERR_OK,
	  "<script>alert(1)</script>", 0 },
	{ "<img src=x onerror=alert(1)>", 0, 1, ERR_OK,
	  "<img src=x onerror=alert(1)>", 0 },
	/* bad escapes */
	{ "%zz", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%0", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%", 0, 0, ERR_INVAL, NULL, 0 },
	{ "abc%", 0, 0, ERR_INVAL, NULL, 0 },
	{ "abc%4", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%%", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%%41", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%0g", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%g0", 0, 0, ERR_INVAL, NULL, 0 },
	{ "% 1", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%+1", 0, 1, ERR_INVAL, NULL, 0 },
	{ "%-1", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%4\0", 3, 0, ERR_INVAL, NULL, 0 },
	/* NUL, raw or decoded */
	{ "%00", 0, 0, ERR_INVAL, NULL, 0 },
	{ "a%00b", 0, 0, ERR_INVAL, NULL, 0 },
	{ "a\0b", 3, 0, ERR_INVAL, NULL, 0 },
	{ "\0", 1, 1, ERR_INVAL, NULL, 0 },
	/* invalid UTF-8, raw or decoded */
	{ "%C0%AF", 0, 0, ERR_INVAL, NULL, 0 },
	{ "\xc0\xaf", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%ED%A0%80", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%F4%90%80%80", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%FF", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%C3", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%E2%82", 0, 0, ERR_INVAL, NULL, 0 },
	{ "%C3\xa9", 0, 0, ERR_OK, "\xc3\xa9", 0 },  /* mixed is fine */
};

static void test_urldecode_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(dec_rows); i++) {
		char *out = (char *)"stale";
		size_t out_len = 99;
		size_t n = dec_rows[i].len ? dec_rows[i].len :
			   strlen(dec_rows[i].in);
		enum err e = http_urldecode(dec_rows[i].in, n, dec_rows[i].plus,
					    &out, &out_len);

		CHECK(e == dec_rows[i].want, i);
		if (e != ERR_OK) {
			CHECK(out == NULL && out_len == 0, i);
			continue;
		}
		CHECK(out_len == (dec_rows[i].out_len ? dec_rows[i].out_len :
				  strlen(dec_rows[i].out)), i);
		CHECK(memcmp(out, dec_rows[i].out, out_len) == 0, i);
		CHECK(out[out_len] == '\0', i);
		free(out);
	}
}

static void test_urldecode_limits(void **state)
{
	char *big = repeat('a', HTTP_BODY_MAX + 1);
	char *out;
	size_t len;

	(void)state;
	assert_int_equal(http_urldecode(big, HTTP_BODY_MAX, 0, &out, &len),
			 ERR_OK);
	assert_int_equal(len, HTTP_BODY_MAX);
	free(out);
	assert_int_equal(http_urldecode(big, HTTP_BODY_MAX + 1, 0, &out, &len),
			 ERR_TOOBIG);
	assert_null(out);
	/* A NULL length pointer is tolerated; NULL input of 0 bytes is "". */
	assert_int_equal(http_urldecode(NULL, 0, 0, &out, NULL), ERR_OK);
	assert_string_equal(out, "");
	free(out);
	free(big);
}

/* ---- http_parse_fields ---------------------------------------------- */

/* render_fields: "name=value" lines joined by '\n' (caller frees). */
static char *render_fields(const struct http_fields *f)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < f->n; i++) {
		assert_int_equal(buf_printf(&b, "%s%s=", i ? "\n" : "",
					    f->items[i].name), ERR_OK);
		assert_int_equal(buf_append(&b, f->items[i].value,
					    f->items[i].value_len), ERR_OK);
		assert_int_equal(strlen(f->items[i].value),
				 f->items[i].value_len);
	}
	return buf_steal(&b);
}

static const struct {
	const char *in;
	size_t      len;     /* 0: strlen */
	enum err    want;
	const char *out;     /* render_fields() on success */
} field_rows[] = {
	{ "", 0, ERR_OK, "" },
	{ "a=1", 0, ERR_OK, "a=1" },
	{ "a=1&b=2", 0, ERR_OK, "a=1\nb=2" },
	{ "a=1&&b=2", 0, ERR_OK, "a=1\nb=2" },
	{ "&a=1&", 0, ERR_OK, "a=1" },
	{ "&&&", 0, ERR_OK, "" },
	{ "a", 0, ERR_OK, "a=" },
	{ "a=", 0, ERR_OK, "a=" },
	{ "a=&b", 0, ERR_OK, "a=\nb=" },
	{ "a=1=2", 0, ERR_OK, "a=1=2" },
	{ "a+b=c+d", 0, ERR_OK, "a b=c d" },
	{ "%61=%62", 0, ERR_OK, "a=b" },
	{ "a=%2B%26%3D", 0, ERR_OK, "a=+&=" },
	{ "a=1;b=2", 0, ERR_OK, "a=1;b=2" },       /* ';' is not a separator */
	{ "A=1&a=2", 0, ERR_OK, "A=1\na=2" },      /* case-sensitive */
	{ "msg=line1%0D%0Aline2", 0, ERR_OK, "msg=line1\r\nline2" },
	{ "name=%ED%95%9C%EA%B8%80", 0, ERR_OK,
	  "name=\xed\x95\x9c\xea\xb8\x80" },
	{ "q=%27%20OR%201%3D1%20--", 0, ERR_OK, "q=' OR 1=1 --" },
	{ "q=admin'--&p=x' OR 'x'='x", 0, ERR_OK,
	  "q=admin'--\np=x' OR 'x'='x" },
	{ "c=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E", 0, ERR_OK,
	  "c=<script>alert(document.cookie)</script>" },
	{ "c=\"><svg/onload=alert(1)>", 0, ERR_OK,
	  "c=\"><svg/onload=alert(1)>" },
	/* duplicates: refused (parameter pollution) */
	{ "a=1&a=2", 0, ERR_INVAL, NULL },
	{ "a=1&a=1", 0, ERR_INVAL, NULL },
	{ "a=1&%61=2", 0, ERR_INVAL, NULL },
	{ "a&a", 0, ERR_INVAL, NULL },
	{ "a+b=1&a%20b=2", 0, ERR_INVAL, NULL },
	{ "x=1&y=2&z=3&x=4", 0, ERR_INVAL, NULL },
	/* empty names */
	{ "=1", 0, ERR_INVAL, NULL },
	{ "=", 0, ERR_INVAL, NULL },
	{ "a=1&=2", 0, ERR_INVAL, NULL },
	/* bad encoding, NUL, bad UTF-8 */
	{ "a=%zz", 0, ERR_INVAL, NULL },
	{ "%zz=1", 0, ERR_INVAL, NULL },
	{ "a=%", 0, ERR_INVAL, NULL },
	{ "a=%0", 0, ERR_INVAL, NULL },
	{ "a=1%", 0, ERR_INVAL, NULL },
	{ "a=%00", 0, ERR_INVAL, NULL },
	{ "%00=1", 0, ERR_INVAL, NULL },
	{ "a=1\0&b=2", 8, ERR_INVAL, NULL },
	{ "a\0b=1", 5, ERR_INVAL, NULL },
	{ "a=%C0%AF", 0, ERR_INVAL, NULL },
	{ "a=%ED%A0%80", 0, ERR_INVAL, NULL },
	{ "a=\xed\xa0\x80", 0, ERR_INVAL, NULL },
	{ "a=%E9t%E9", 0, ERR_INVAL, NULL },        /* Latin-1 form */
};

static void check_fields(size_t row, const char *in, size_t n, enum err want,
			 const char *expect)
{
	struct http_fields f;
	char *got;

	memset(&f, 0xa5, sizeof(f));
	CHECK(http_parse_fields(in, n, &f) == want, row);
	if (want != ERR_OK) {
		CHECK(f.items == NULL && f.n == 0, row);
		return;
	}
	got = render_fields(&f);
	if (expect && strcmp(got, expect) != 0) {
		print_error("row %zu: got \"%s\" want \"%s\"\n", row, got,
			    expect);
		fail();
	}
	free(got);
	http_fields_free(&f);
	CHECK(f.items == NULL && f.n == 0, row);
}

static void test_fields_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(field_rows); i++)
		check_fields(i, field_rows[i].in, field_rows[i].len ?
			     field_rows[i].len : strlen(field_rows[i].in),
			     field_rows[i].want, field_rows[i].out);
}

/* fields_string: "f0=v&f1=v&..." with n fields (caller frees). */
static char *fields_string(size_t n)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_printf(&b, "%sf%zu=v", i ? "&" : "", i),
				 ERR_OK);
	return buf_steal(&b);
}

static void test_fields_limits(void **state)
{
	struct buf b;
	char *s, *pad;
	size_t i;

	(void)state;
	/* HTTP_FIELDS_MAX, and empty segments do not count. */
	s = fields_string(HTTP_FIELDS_MAX);
	check_fields(100, s, strlen(s), ERR_OK, NULL);
	free(s);
	s = fields_string(HTTP_FIELDS_MAX + 1);
	check_fields(101, s, strlen(s), ERR_TOOBIG, NULL);
	free(s);
	buf_init(&b);
	pad = repeat('&', 200);
	assert_int_equal(buf_puts(&b, pad), ERR_OK);
	s = fields_string(HTTP_FIELDS_MAX);
	assert_int_equal(buf_puts(&b, s), ERR_OK);
	assert_int_equal(buf_puts(&b, pad), ERR_OK);
	check_fields(102, b.data, b.len, ERR_OK, NULL);
	buf_cleanup(&b);
	free(s);
	free(pad);

	/* HTTP_FIELD_NAME_MAX counts decoded bytes. */
	s = repeat('n', HTTP_FIELD_NAME_MAX + 1);
	check_fields(103, s, HTTP_FIELD_NAME_MAX, ERR_OK, NULL);
	check_fields(104, s, HTTP_FIELD_NAME_MAX + 1, ERR_TOOBIG, NULL);
	free(s);
	buf_init(&b);
	for (i = 0; i < HTTP_FIELD_NAME_MAX; i++)
		assert_int_equal(buf_puts(&b, "%61"), ERR_OK);
	check_fields(105, b.data, b.len, ERR_OK, NULL);
	assert_int_equal(buf_puts(&b, "%61=1"), ERR_OK);
	check_fields(106, b.data, b.len, ERR_TOOBIG, NULL);
	buf_cleanup(&b);

	/* HTTP_FIELD_VALUE_MAX counts decoded bytes. */
	s = repeat('v', HTTP_FIELD_VALUE_MAX + 3);
	memcpy(s, "a=", 2);
	check_fields(107, s, HTTP_FIELD_VALUE_MAX + 2, ERR_OK, NULL);
	check_fields(108, s, HTTP_FIELD_VALUE_MAX + 3, ERR_TOOBIG, NULL);
	free(s);
	buf_init(&b);
	assert_int_equal(buf_puts(&b, "a="), ERR_OK);
	for (i = 0; i < HTTP_FIELD_VALUE_MAX; i++)
		assert_int_equal(buf_puts(&b, "%41"), ERR_OK);
	check_fields(109, b.data, b.len, ERR_OK, NULL);
	assert_int_equal(buf_puts(&b, "+"), ERR_OK);
	check_fields(110, b.data, b.len, ERR_TOOBIG, NULL);
	buf_cleanup(&b);

	/* Nothing longer than a body is looked at. */
	s = repeat('&', HTTP_BODY_MAX + 1);
	check_fields(111, s, HTTP_BODY_MAX, ERR_OK, "");
	check_fields(112, s, HTTP_BODY_MAX + 1, ERR_TOOBIG, NULL);
	free(s);
	check_fields(113, NULL, 0, ERR_OK, "");
}

static void test_field_lookup(void **state)
{
	static const char *const allowed[] = { "user", "pass", NULL };
	static const char *const only_user[] = { "user", NULL };
	static const char *const none[] = { NULL };
	struct http_fields f;
	static const char in[] = "user=kim&pass=p%40ss+word&empty=";

	(void)state;
	assert_int_equal(http_parse_fields(in, strlen(in), &f), ERR_OK);
	assert_int_equal(f.n, 3);
	assert_string_equal(http_field(&f, "user"), "kim");
	assert_string_equal(http_field(&f, "pass"), "p@ss word");
	assert_string_equal(http_field(&f, "empty"), "");
	assert_null(http_field(&f, "USER"));
	assert_null(http_field(&f, "nope"));
	assert_null(http_field(&f, NULL));
	assert_null(http_field(NULL, "user"));
	assert_int_equal(http_fields_only(&f, allowed), ERR_INVAL);
	http_fields_free(&f);

	assert_int_equal(http_parse_fields("user=a&pass=b", 13, &f), ERR_OK);
	assert_int_equal(http_fields_only(&f, allowed), ERR_OK);
	assert_int_equal(http_fields_only(&f, only_user), ERR_INVAL);
	assert_int_equal(http_fields_only(&f, none), ERR_INVAL);
	assert_int_equal(http_fields_only(&f, NULL), ERR_INVAL);
	http_fields_free(&f);
	http_fields_free(&f);
	http_fields_free(NULL);

	assert_int_equal(http_parse_fields("", 0, &f), ERR_OK);
	assert_int_equal(http_fields_only(&f, none), ERR_OK);
	assert_int_equal(http_fields_only(NULL, none), ERR_OK);
	http_fields_free(&f);
}

/* ---- http_parse_json ------------------------------------------------ */

static const struct {
	const char *in;
	size_t      len;     /* 0: strlen */
	enum err    want;
} json_rows[] = {
	{ "{}", 0, ERR_OK },
	{ " { } \n", 0, ERR_OK },
	{ "{\"a\":1}", 0, ERR_OK },
	{ "{\"a\":[1,2,{\"b\":null}],\"c\":\"d\",\"e\":true}", 0, ERR_OK },
	{ "{\"q\":\"' OR 1=1 --\",\"h\":\"<script>alert(1)</script>\"}", 0,
	  ERR_OK },
	{ "{\"k\":\"\\ud55c\\uae00 \xed\x95\x9c\"}", 0, ERR_OK },
	{ "{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}", 0, ERR_OK },
	{ "{\"a\":\"\\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}", 0, ERR_OK },
	{ "{\"a\\\\\":\"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\"}", 0, ERR_OK },
	/* not an object */
	{ "", 0, ERR_INVAL },
	{ "   ", 0, ERR_INVAL },
	{ "[]", 0, ERR_INVAL },
	{ "[{\"a\":1}]", 0, ERR_INVAL },
	{ "1", 0, ERR_INVAL },
	{ "\"s\"", 0, ERR_INVAL },
	{ "null", 0, ERR_INVAL },
	{ "true", 0, ERR_INVAL },
	/* malformed */
	{ "{", 0, ERR_INVAL },
	{ "}", 0, ERR_INVAL },
	{ "{\"a\":}", 0, ERR_INVAL },
	{ "{\"a\":1,}", 0, ERR_INVAL },
	{ "{'a':1}", 0, ERR_INVAL },
	{ "{a:1}", 0, ERR_INVAL },
	{ "{\"a\":01}", 0, ERR_INVAL },
	{ "{\"a\":NaN}", 0, ERR_INVAL },
	{ "{\"a\":1e999}", 0, ERR_INVAL },
	{ "{\"a\":99999999999999999999999}", 0, ERR_INVAL },
	{ "{\"a\":\"unterminated}", 0, ERR_INVAL },
	{ "{\"a\":\"\\x41\"}", 0, ERR_INVAL },
	/* trailing data */
	{ "{}{}", 0, ERR_INVAL },
	{ "{} x", 0, ERR_INVAL },
	{ "{}\0", 3, ERR_INVAL },
	/* duplicate keys, at any depth */
	{ "{\"a\":1,\"a\":2}", 0, ERR_INVAL },
	{ "{\"a\":1,\"a\":1}", 0, ERR_INVAL },
	{ "{\"a\":1,\"\\u0061\":2}", 0, ERR_INVAL },
	{ "{\"x\":{\"b\":1,\"b\":2}}", 0, ERR_INVAL },
	{ "{\"x\":[{\"b\":1,\"b\":2}]}", 0, ERR_INVAL },
	/* NUL, raw or escaped */
	{ "{\"a\":\"\\u0000\"}", 0, ERR_INVAL },
	{ "{\"\\u0000\":1}", 0, ERR_INVAL },
	{ "{\"a\":\"x\0y\"}", 11, ERR_INVAL },
	{ "{\"a\"\0:1}", 8, ERR_INVAL },
	/* control bytes and invalid UTF-8 in strings */
	{ "{\"a\":\"line\nbreak\"}", 0, ERR_INVAL },
	{ "{\"a\":\"\xc0\xaf\"}", 0, ERR_INVAL },
	{ "{\"a\":\"\xed\xa0\x80\"}", 0, ERR_INVAL },
	{ "{\"a\":\"\\ud800\"}", 0, ERR_INVAL },      /* lone surrogate */
	{ "{\"a\":\"\xff\"}", 0, ERR_INVAL },
	{ "\xef\xbb\xbf{}", 0, ERR_INVAL },           /* BOM */
};

static void check_json(size_t row, const char *in, size_t n, enum err want)
{
	json_t *v = (json_t *)(uintptr_t)1;   /* stale pointer */
	enum err e = http_parse_json(in, n, &v);

	if (e != want) {
		print_error("row %zu: got err %d want %d\n", row, (int)e,
			    (int)want);
		fail();
	}
	if (e != ERR_OK) {
		CHECK(v == NULL, row);
		return;
	}
	CHECK(json_is_object(v), row);
	json_decref(v);
}

static void test_json_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(json_rows); i++)
		check_json(i, json_rows[i].in, json_rows[i].len ?
			   json_rows[i].len : strlen(json_rows[i].in),
			   json_rows[i].want);
	check_json(900, NULL, 0, ERR_INVAL);
}

/* nest: depth containers, the outer one an object: {"a":[[...]]} */
static char *nest(size_t depth, int objects)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	assert_int_equal(buf_puts(&b, "{\"a\":"), ERR_OK);
	for (i = 1; i < depth; i++)
		assert_int_equal(buf_puts(&b, objects ? "{\"a\":" : "["),
				 ERR_OK);
	assert_int_equal(buf_puts(&b, "1"), ERR_OK);
	for (i = 1; i < depth; i++)
		assert_int_equal(buf_puts(&b, objects ? "}" : "]"), ERR_OK);
	assert_int_equal(buf_puts(&b, "}"), ERR_OK);
	return buf_steal(&b);
}

static void test_json_limits(void **state)
{
	char *s, *deep;
	size_t n;

	(void)state;
	s = nest(HTTP_JSON_DEPTH_MAX, 0);
	check_json(100, s, strlen(s), ERR_OK);
	free(s);
	s = nest(HTTP_JSON_DEPTH_MAX, 1);
	check_json(101, s, strlen(s), ERR_OK);
	free(s);
	s = nest(HTTP_JSON_DEPTH_MAX + 1, 0);
	check_json(102, s, strlen(s), ERR_TOOBIG);
	free(s);
	s = nest(HTTP_JSON_DEPTH_MAX + 1, 1);
	check_json(103, s, strlen(s), ERR_TOOBIG);
	free(s);

	/* "[[[[..." and "{{{{..." far past the limit, never closed: the
	 * prescan refuses them before jansson can recurse. */
	deep = repeat('[', HTTP_BODY_MAX);
	check_json(104, deep, HTTP_BODY_MAX, ERR_TOOBIG);
	memset(deep, '{', HTTP_BODY_MAX);
	check_json(105, deep, HTTP_BODY_MAX, ERR_TOOBIG);
	/* An object holding 17 levels, closed: still too deep. */
	memcpy(deep, "{\"a\":[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]}", 38);
	check_json(106, deep, 38, ERR_TOOBIG);
	/* Deep but flat: many siblings at depth 2 are fine. */
	free(deep);

	/* Body size: exactly HTTP_BODY_MAX parses, one more is refused. */
	n = HTTP_BODY_MAX;
	s = repeat('x', n + 1);
	memcpy(s, "{\"a\":\"", 6);
	memcpy(s + n - 2, "\"}", 2);
	check_json(107, s, n, ERR_OK);
	memcpy(s + n - 2, "xx", 2);
	memcpy(s + n - 1, "\"}", 2);
	check_json(108, s, n + 1, ERR_TOOBIG);
	free(s);
}

/* ---- http_request_parse --------------------------------------------- */

#define ENV_MAX 16   /* name/value pairs in one test request */

#define FORM "application/x-www-form-urlencoded"
#define JSON "application/json"

struct req_row {
	const char      *env[2 * ENV_MAX + 1];
	const char      *body;       /* NULL: no body */
	enum err         want;
	const char      *path;       /* r.path after the call, or NULL */
	enum http_method method;
	const char      *part;       /* r.bad_part after the call */
};

#define GET_(uri) "REQUEST_METHOD", "GET", "REQUEST_URI", uri
#define POST_(uri, ct) "REQUEST_METHOD", "POST", "REQUEST_URI", uri, \
	"CONTENT_TYPE", ct

static const struct req_row req_rows[] = {
	/* methods */
	{ { GET_("/") }, NULL, ERR_OK, "/", HTTP_GET, NULL },
	{ { "REQUEST_METHOD", "HEAD", "REQUEST_URI", "/" }, NULL, ERR_OK, "/",
	  HTTP_HEAD, NULL },
	{ { "REQUEST_METHOD", "POST", "REQUEST_URI", "/" }, NULL, ERR_OK, "/",
	  HTTP_POST, NULL },
	{ { "REQUEST_METHOD", "PUT", "REQUEST_URI", "/" }, NULL, ERR_OK, "/",
	  HTTP_OTHER, NULL },
	{ { "REQUEST_METHOD", "get", "REQUEST_URI", "/" }, NULL, ERR_OK, "/",
	  HTTP_OTHER, NULL },
	{ { "REQUEST_METHOD", "M-SEARCH", "REQUEST_URI", "/" }, NULL, ERR_OK,
	  "/", HTTP_OTHER, NULL },
	{ { "REQUEST_METHOD", "ABCDEFGHIJKLMNOP", "REQUEST_URI", "/" }, NULL,
	  ERR_OK, "/", HTTP_OTHER, NULL },
	{ { "REQUEST_METHOD", "ABCDEFGHIJKLMNOPQ", "REQUEST_URI", "/" }, NULL,
	  ERR_INVAL, NULL, HTTP_OTHER, "method" },
	{ { "REQUEST_URI", "/" }, NULL, ERR_INVAL, NULL, HTTP_OTHER, "method" },
	{ { "REQUEST_METHOD", "", "REQUEST_URI", "/" }, NULL, ERR_INVAL, NULL,
	  HTTP_OTHER, "method" },
	{ { "REQUEST_METHOD", "G E T", "REQUEST_URI", "/" }, NULL, ERR_INVAL,
	  NULL, HTTP_OTHER, "method" },
	{ { "REQUEST_METHOD", "GET\r\n", "REQUEST_URI", "/" }, NULL,
	  ERR_INVAL, NULL, HTTP_OTHER, "method" },
	{ { "REQUEST_METHOD", "GET/", "REQUEST_URI", "/" }, NULL, ERR_INVAL,
	  NULL, HTTP_OTHER, "method" },
	{ { "REQUEST_METHOD", "<b>", "REQUEST_URI", "/" }, NULL, ERR_INVAL,
	  NULL, HTTP_OTHER, "method" },
	/* target */
	{ { "REQUEST_METHOD", "GET" }, NULL, ERR_INVAL, NULL, HTTP_GET, "uri" },
	{ { GET_("") }, NULL, ERR_INVAL, NULL, HTTP_GET, "uri" },
	{ { GET_("a/b") }, NULL, ERR_INVAL, NULL, HTTP_GET, "uri" },
	{ { GET_("*") }, NULL, ERR_INVAL, NULL, HTTP_GET, "uri" },
	{ { GET_("?a=1") }, NULL, ERR_INVAL, NULL, HTTP_GET, "uri" },
	{ { GET_("http://evil.example/x") }, NULL, ERR_INVAL, NULL, HTTP_GET, "uri" },
	{ { GET_("/a b") }, NULL, ERR_INVAL, NULL, HTTP_GET, "uri" },
	{ { GET_("/a\tb") }, NULL, ERR_INVAL, NULL, HTTP_GET, "uri" },
	{ { GET_("/a\x01") }, NULL, ERR_INVAL, NULL, HTTP_GET, "uri" },
	{ { GET_("/a\x7f") }, NULL, ERR_INVAL, NULL, HTTP_GET, "uri" },
	{ { GET_("/a?b=\r\n") }, NULL, ERR_INVAL, NULL, HTTP_GET, "uri" },
	{ { GET_("/a/b/c") }, NULL, ERR_OK, "/a/b/c", HTTP_GET, NULL },
	{ { GET_("/a%20b") }, NULL, ERR_OK, "/a b", HTTP_GET, NULL },
	{ { GET_("/a+b") }, NULL, ERR_OK, "/a+b", HTTP_GET, NULL },
	{ { GET_("/%ED%95%9C") }, NULL, ERR_OK, "/\xed\x95\x9c", HTTP_GET, NULL },
	{ { GET_("/a%3Fb?c") }, NULL, ERR_OK, "/a?b", HTTP_GET, NULL },
	{ { GET_("/a//b") }, NULL, ERR_OK, "/a//b", HTTP_GET, NULL },
	{ { GET_("/a/.../b") }, NULL, ERR_OK, "/a/.../b", HTTP_GET, NULL },
	{ { GET_("/a/.b/c./..d") }, NULL, ERR_OK, "/a/.b/c./..d", HTTP_GET, NULL },
	{ { GET_("/%3Cscript%3E") }, NULL, ERR_OK, "/<script>", HTTP_GET, NULL },
	{ { GET_("/'%20OR%20'1'='1") }, NULL, ERR_OK, "/' OR '1'='1",
	  HTTP_GET, NULL },
	{ { GET_("/%zz") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/%") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/%0") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/%00") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/a%00.html") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/%C0%AF") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/%ED%A0%80") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/%0A") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/%09") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/%7F") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	/* traversal */
	{ { GET_("/../etc/passwd") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/a/../b") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/a/..") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/a/../") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/..") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/.") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/./a") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/a/.") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/a/./b") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/a/..?x=1") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/a/%2e%2e/b") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/a/%2E%2E%2Fb") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/a/.%2e") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/a%2f..%2fb") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	{ { GET_("/a/%2e") }, NULL, ERR_INVAL, NULL, HTTP_GET, "path" },
	/* query: the path is kept when only the query fails */
	{ { GET_("/?") }, NULL, ERR_OK, "/", HTTP_GET, NULL },
	{ { GET_("/s?q=a&&b=") }, NULL, ERR_OK, "/s", HTTP_GET, NULL },
	{ { GET_("/s?a=1&a=2") }, NULL, ERR_INVAL, "/s", HTTP_GET, "query" },
	{ { GET_("/s?a=%zz") }, NULL, ERR_INVAL, "/s", HTTP_GET, "query" },
	{ { GET_("/s?a=%00") }, NULL, ERR_INVAL, "/s", HTTP_GET, "query" },
	{ { GET_("/s?=1") }, NULL, ERR_INVAL, "/s", HTTP_GET, "query" },
	{ { GET_("/s?a=%C0%AF") }, NULL, ERR_INVAL, "/s", HTTP_GET, "query" },
	/* headers */
	{ { GET_("/"), "HTTP_USER_AGENT", "x\ty" }, NULL, ERR_OK, "/",
	  HTTP_GET, NULL },
	{ { GET_("/"), "HTTP_USER_AGENT", "x\x01y" }, NULL, ERR_INVAL, "/",
	  HTTP_GET, "header" },
	{ { GET_("/"), "HTTP_REFERER", "http://a/\r\nX-Evil: 1" }, NULL,
	  ERR_INVAL, "/", HTTP_GET, "header" },
	{ { GET_("/"), "HTTP_ORIGIN", "null\x7f" }, NULL, ERR_INVAL, "/",
	  HTTP_GET, "header" },
	{ { GET_("/"), "HTTP_HOST", "a\nb" }, NULL, ERR_INVAL, "/", HTTP_GET,
	  "header" },
	{ { GET_("/"), "HTTP_AUTHORIZATION", "Bearer \x1b" }, NULL,
	  ERR_INVAL, "/", HTTP_GET, "header" },
	{ { GET_("/"), "HTTP_ACCEPT_LANGUAGE", "ko\r" }, NULL, ERR_INVAL,
	  "/", HTTP_GET, "header" },
	{ { GET_("/"), "REMOTE_ADDR", "1.2.3.4\n" }, NULL, ERR_INVAL, "/",
	  HTTP_GET, "header" },
	{ { GET_("/"), "CONTENT_TYPE", "text/plain\x0b" }, NULL, ERR_INVAL,
	  "/", HTTP_GET, "header" },
	{ { GET_("/"), "HTTP_COOKIE", "a=1\x01" }, NULL, ERR_INVAL, "/",
	  HTTP_GET, "cookie" },
	/* cookies */
	{ { GET_("/"), "HTTP_COOKIE", "a=1; a=2" }, NULL, ERR_OK, "/",
	  HTTP_GET, NULL },
	{ { GET_("/"), "HTTP_COOKIE", "a=\xc0\xaf" }, NULL, ERR_INVAL, "/",
	  HTTP_GET, "cookie" },
	{ { GET_("/"), "HTTP_COOKIE", "a=\xed\xa0\x80" }, NULL, ERR_INVAL,
	  "/", HTTP_GET, "cookie" },
	/* bodies */
	{ { POST_("/login", FORM) }, "user=kim&pass=x", ERR_OK, "/login",
	  HTTP_POST, NULL },
	{ { POST_("/login", "Application/X-WWW-Form-URLEncoded; "
		  "charset=UTF-8") }, "user=kim", ERR_OK, "/login", HTTP_POST, NULL },
	{ { POST_("/login", " " FORM " ;charset=utf-8") }, "a=1", ERR_OK,
	  "/login", HTTP_POST, NULL },
	{ { POST_("/login", FORM) }, "", ERR_OK, "/login", HTTP_POST, NULL },
	{ { POST_("/login", FORM) }, "user=a&user=b", ERR_INVAL, "/login",
	  HTTP_POST, "form" },
	{ { POST_("/login", FORM) }, "user=%zz", ERR_INVAL, "/login",
	  HTTP_POST, "form" },
	{ { POST_("/login", FORM) }, "=x", ERR_INVAL, "/login", HTTP_POST, "form" },
	{ { POST_("/api", JSON) }, "{\"a\":1}", ERR_OK, "/api", HTTP_POST, NULL },
	{ { POST_("/api", "APPLICATION/JSON; charset=utf-8") }, "{}", ERR_OK,
	  "/api", HTTP_POST, NULL },
	{ { POST_("/api", JSON) }, "", ERR_INVAL, "/api", HTTP_POST, "json" },
	{ { POST_("/api", JSON) }, "[]", ERR_INVAL, "/api", HTTP_POST, "json" },
	{ { POST_("/api", JSON) }, "{\"a\":1,\"a\":2}", ERR_INVAL, "/api",
	  HTTP_POST, "json" },
	{ { POST_("/api", JSON) }, "user=kim", ERR_INVAL, "/api", HTTP_POST, "json" },
	{ { POST_("/api", "application/jsonx") }, "{}", ERR_INVAL, "/api",
	  HTTP_POST, "body" },
	{ { POST_("/api", "application/json-patch+json") }, "{}", ERR_INVAL,
	  "/api", HTTP_POST, "body" },
	{ { POST_("/api", "text/plain") }, "{}", ERR_INVAL, "/api",
	  HTTP_POST, "body" },
	{ { POST_("/api", "multipart/form-data; boundary=x") }, "--x--",
	  ERR_INVAL, "/api", HTTP_POST, "body" },
	{ { POST_("/api", "") }, "a=1", ERR_INVAL, "/api", HTTP_POST, "body" },
	{ { "REQUEST_METHOD", "POST", "REQUEST_URI", "/api" }, "a=1",
	  ERR_INVAL, "/api", HTTP_POST, "body" },
	{ { POST_("/api", "text/plain") }, "", ERR_OK, "/api", HTTP_POST, NULL },
	{ { GET_("/"), "CONTENT_TYPE", "text/plain" }, "ignored", ERR_OK, "/",
	  HTTP_GET, NULL },
	{ { GET_("/"), "CONTENT_TYPE", JSON }, "", ERR_OK, "/", HTTP_GET, NULL },
	{ { GET_("/"), "CONTENT_TYPE", JSON }, "[1]", ERR_INVAL, "/",
	  HTTP_GET, "json" },
	{ { GET_("/"), "CONTENT_TYPE", FORM }, "a=1", ERR_OK, "/", HTTP_GET, NULL },
};

/* check_failed_request: after a failure only method and path may stay. */
static void check_failed_request(size_t row, const struct http_request *r)
{
	CHECK(r->query_string == NULL && r->query.n == 0 &&
	      r->query.items == NULL, row);
	CHECK(r->form.n == 0 && r->form.items == NULL && r->json == NULL, row);
	CHECK(r->cookie_header == NULL && r->cookies.n == 0 &&
	      r->cookies.pairs == NULL, row);
	CHECK(r->user_agent == NULL && r->accept_language == NULL &&
	      r->content_type == NULL && r->origin == NULL &&
	      r->referer == NULL && r->host == NULL &&
	      r->authorization == NULL && r->remote_addr == NULL, row);
	CHECK(r->https == 0, row);
}

/* check_ok_request: after success no string is NULL. */
static void check_ok_request(size_t row, const struct http_request *r)
{
	CHECK(r->bad_part == NULL, row);
	CHECK(r->method_name && r->path && r->path[0] == '/' &&
	      r->query_string, row);
	CHECK(r->cookie_header && r->user_agent && r->accept_language &&
	      r->content_type && r->origin && r->referer && r->host &&
	      r->authorization && r->remote_addr, row);
}

/*
 * run_row: parse one request and check the result, the path and method
 * (kept even on failure when they parsed) and bad_part. path NULL on a
 * success row means "any".
 */
static enum err run_row(size_t row, const char *const *env, const char *body,
			size_t body_len, enum err want, const char *path,
			enum http_method method, const char *part,
			struct http_request *r)
{
	enum err e;

	memset(r, 0xa5, sizeof(*r));     /* parse must not read r */
	e = http_request_parse(r, unit_env, (void *)env, body, body_len);
	if (e != want) {
		print_error("row %zu: got err %d want %d\n", row, (int)e,
			    (int)want);
		fail();
	}
	if ((part == NULL) != (r->bad_part == NULL) ||
	    (part && strcmp(part, r->bad_part) != 0)) {
		print_error("row %zu: bad_part \"%s\" want \"%s\"\n", row,
			    r->bad_part ? r->bad_part : "(null)",
			    part ? part : "(null)");
		fail();
	}
	if (path) {
		CHECK(r->path != NULL, row);
		if (strcmp(r->path, path) != 0) {
			print_error("row %zu: path \"%s\" want \"%s\"\n", row,
				    r->path, path);
			fail();
		}
		CHECK(r->method == method, row);
		CHECK(r->method_name != NULL, row);
	} else if (e != ERR_OK) {
		CHECK(r->path == NULL, row);
	}
	if (e == ERR_OK)
		check_ok_request(row, r);
	else
		check_failed_request(row, r);
	return e;
}

static void test_request_table(void **state)
{
	struct http_request r;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(req_rows); i++) {
		const struct req_row *row = &req_rows[i];

		run_row(i, row->env, row->body,
			row->body ? strlen(row->body) : 0, row->want,
			row->path, row->method, row->part, &r);
		http_request_free(&r);
		CHECK(r.path == NULL && r.method_name == NULL, i);
	}
}

/* A full request: every field is copied exactly, payloads as data. */
static void test_request_full(void **state)
{
	static const char *const env[] = {
		"REQUEST_METHOD", "POST",
		"REQUEST_URI", "/lesson/%EC%BF%A0%ED%82%A4?step=2&q=%3Cb%3E",
		"HTTP_COOKIE", "sid=abc; theme=dark; sid=old",
		"HTTP_USER_AGENT", "Mozilla/5.0 <script>alert(1)</script>",
		"HTTP_ACCEPT_LANGUAGE", "ko-KR,ko;q=0.9,en;q=0.8",
		"CONTENT_TYPE", "application/x-www-form-urlencoded",
		"HTTP_ORIGIN", "https://example.com",
		"HTTP_REFERER", "https://example.com/?q=' OR 1=1 --",
		"HTTP_HOST", "example.com:8443",
		"HTTP_AUTHORIZATION", "Bearer eyJhbGciOiJub25lIn0.e30.",
		"REMOTE_ADDR", "203.0.113.7",
		"HTTPS", "on",
		NULL
	};
	static const char body[] = "user=%EA%B9%80&note=1'%3B+DROP+TABLE+x";
	struct http_request r;

	(void)state;
	assert_int_equal(http_request_parse(&r, unit_env, (void *)env, body,
					    strlen(body)), ERR_OK);
	assert_int_equal(r.method, HTTP_POST);
	assert_string_equal(r.method_name, "POST");
	assert_string_equal(r.path, "/lesson/\xec\xbf\xa0\xed\x82\xa4");
	assert_string_equal(r.query_string, "step=2&q=%3Cb%3E");
	assert_int_equal(r.query.n, 2);
	assert_string_equal(http_field(&r.query, "step"), "2");
	assert_string_equal(http_field(&r.query, "q"), "<b>");
	assert_int_equal(r.form.n, 2);
	assert_string_equal(http_field(&r.form, "user"), "\xea\xb9\x80");
	assert_string_equal(http_field(&r.form, "note"),
			    "1'; DROP TABLE x");
	assert_null(r.json);
	assert_string_equal(r.cookie_header, "sid=abc; theme=dark; sid=old");
	assert_int_equal(r.cookies.n, 3);
	assert_int_equal(r.cookies.n_duplicate, 1);
	assert_string_equal(cookie_get(&r.cookies, "sid"), "abc");
	assert_string_equal(r.user_agent,
			    "Mozilla/5.0 <script>alert(1)</script>");
	assert_string_equal(r.accept_language, "ko-KR,ko;q=0.9,en;q=0.8");
	assert_string_equal(r.content_type,
			    "application/x-www-form-urlencoded");
	assert_string_equal(r.origin, "https://example.com");
	assert_string_equal(r.referer, "https://example.com/?q=' OR 1=1 --");
	assert_string_equal(r.host, "example.com:8443");
	assert_string_equal(r.authorization, "Bearer eyJhbGciOiJub25lIn0.e30.");
	assert_string_equal(r.remote_addr, "203.0.113.7");
	assert_int_equal(r.https, 1);
	http_request_free(&r);
	http_request_free(&r);           /* twice is safe */
	http_request_free(NULL);
}

/* Absent headers become "", and HTTPS is on only for "on". */
static void test_request_defaults(void **state)
{
	static const char *const https_vals[][2] = {
		{ "on", "1" }, { "ON", "1" }, { "On", "1" }, { "off", "0" },
		{ "", "0" }, { "onx", "0" }, { "1", "0" }, { NULL, "0" },
	};
	const char *env[7] = { GET_("/"), NULL, NULL, NULL };
	struct http_request r;
	size_t i;

	(void)state;
	assert_int_equal(http_request_parse(&r, unit_env, (void *)env, NULL, 0),
			 ERR_OK);
	assert_string_equal(r.query_string, "");
	assert_string_equal(r.cookie_header, "");
	assert_int_equal(r.cookies.n, 0);
	assert_string_equal(r.user_agent, "");
	assert_string_equal(r.content_type, "");
	assert_string_equal(r.authorization, "");
	assert_string_equal(r.remote_addr, "");
	assert_int_equal(r.form.n, 0);
	assert_null(r.json);
	assert_int_equal(r.https, 0);
	http_request_free(&r);

	for (i = 0; i < NROWS(https_vals); i++) {
		env[4] = https_vals[i][0] ? "HTTPS" : NULL;
		env[5] = https_vals[i][0];
		assert_int_equal(http_request_parse(&r, unit_env, (void *)env,
						    NULL, 0), ERR_OK);
		CHECK(r.https == (https_vals[i][1][0] == '1'), i);
		http_request_free(&r);
	}
}

/* A JSON body lands in r.json; a failed parse keeps method and path. */
static void test_request_json(void **state)
{
	static const char *const env[] = {
		POST_("/api/note", "application/json; charset=UTF-8"), NULL
	};
	static const char body[] = "{\"title\":\"<i>hi</i>\",\"n\":[1,2]}";
	struct http_request r;

	(void)state;
	assert_int_equal(http_request_parse(&r, unit_env, (void *)env, body,
					    strlen(body)), ERR_OK);
	assert_non_null(r.json);
	assert_string_equal(json_string_value(json_object_get(r.json,
							      "title")),
			    "<i>hi</i>");
	http_request_free(&r);

	assert_int_equal(http_request_parse(&r, unit_env, (void *)env, "[]", 2),
			 ERR_INVAL);
	assert_int_equal(r.method, HTTP_POST);
	assert_string_equal(r.method_name, "POST");
	assert_string_equal(r.path, "/api/note");
	assert_string_equal(r.bad_part, "json");
	assert_null(r.json);
	http_request_free(&r);
}

/* Limits on the target, each header and the body: at and past each. */
static void test_request_limits(void **state)
{
	struct http_request r;
	struct buf uri;
	const char *env[2 * ENV_MAX + 1] = { 0 };
	static const char *const hdr_vars[] = {
		"HTTP_COOKIE", "HTTP_USER_AGENT", "HTTP_ACCEPT_LANGUAGE",
		"CONTENT_TYPE", "HTTP_ORIGIN", "HTTP_REFERER", "HTTP_HOST",
		"HTTP_AUTHORIZATION", "REMOTE_ADDR",
	};
	char *hdr, *body, *s;
	size_t i;

	(void)state;
	env[0] = "REQUEST_METHOD";
	env[1] = "GET";
	env[2] = "REQUEST_URI";

	/* REQUEST_URI of exactly HTTP_URI_MAX: a 1024-byte decoded path
	 * written as %41 (3072 bytes), '?', and a 1023-byte query. */
	buf_init(&uri);
	assert_int_equal(buf_putc(&uri, '/'), ERR_OK);
	for (i = 1; i < HTTP_PATH_MAX; i++)
		assert_int_equal(buf_puts(&uri, "%41"), ERR_OK);
	assert_int_equal(buf_puts(&uri, "?a="), ERR_OK);
	while (uri.len < HTTP_URI_MAX)
		assert_int_equal(buf_putc(&uri, 'b'), ERR_OK);
	assert_int_equal(uri.len, HTTP_URI_MAX);
	env[3] = uri.data;
	run_row(100, env, NULL, 0, ERR_OK, NULL, HTTP_GET, NULL, &r);
	assert_int_equal(strlen(r.path), HTTP_PATH_MAX);
	http_request_free(&r);
	assert_int_equal(buf_putc(&uri, 'b'), ERR_OK);
	env[3] = uri.data;
	run_row(101, env, NULL, 0, ERR_TOOBIG, NULL, HTTP_GET, "uri", &r);
	http_request_free(&r);
	buf_cleanup(&uri);

	/* Decoded path: HTTP_PATH_MAX, then one more. */
	s = repeat('p', HTTP_PATH_MAX + 1);
	s[0] = '/';
	s[HTTP_PATH_MAX] = '\0';
	env[3] = s;
	run_row(102, env, NULL, 0, ERR_OK, s, HTTP_GET, NULL, &r);
	http_request_free(&r);
	s[HTTP_PATH_MAX] = 'p';
	run_row(103, env, NULL, 0, ERR_TOOBIG, NULL, HTTP_GET, "path", &r);
	http_request_free(&r);
	free(s);

	/* Raw query: HTTP_QUERY_MAX, then one more. */
	s = repeat('q', HTTP_QUERY_MAX + 3);
	memcpy(s, "/?q=", 4);
	s[HTTP_QUERY_MAX + 2] = '\0';
	env[3] = s;
	run_row(104, env, NULL, 0, ERR_OK, "/", HTTP_GET, NULL, &r);
	assert_int_equal(strlen(r.query_string), HTTP_QUERY_MAX);
	http_request_free(&r);
	s[HTTP_QUERY_MAX + 2] = 'q';
	run_row(105, env, NULL, 0, ERR_TOOBIG, "/", HTTP_GET, "query", &r);
	http_request_free(&r);
	free(s);

	/* Each header: HTTP_HEADER_MAX bytes pass, one more is refused.
	 * The cookie header is made of short pairs to stay a valid jar. */
	env[3] = "/";
	env[4] = NULL;
	hdr = repeat('h', HTTP_HEADER_MAX + 1);
	for (i = 0; i < NROWS(hdr_vars); i++) {
		if (strcmp(hdr_vars[i], "HTTP_COOKIE") == 0) {
			memset(hdr, ';', HTTP_HEADER_MAX + 1);
			memcpy(hdr, "a=1", 3);
		} else {
			memset(hdr, 'h', HTTP_HEADER_MAX + 1);
		}
		hdr[HTTP_HEADER_MAX] = '\0';
		env[4] = hdr_vars[i];
		env[5] = hdr;
		run_row(110 + 2 * i, env, NULL, 0, ERR_OK, "/", HTTP_GET, NULL,
			&r);
		http_request_free(&r);
		hdr[HTTP_HEADER_MAX] = 'h';
		run_row(111 + 2 * i, env, NULL, 0, ERR_TOOBIG, "/", HTTP_GET,
			i == 0 ? "cookie" : "header", &r);
		http_request_free(&r);
	}
	free(hdr);

	/* Body: HTTP_BODY_MAX of JSON parses; one more byte is refused
	 * before the content type is looked at. */
	env[0] = "REQUEST_METHOD";
	env[1] = "POST";
	env[4] = "CONTENT_TYPE";
	env[5] = "application/json";
	body = repeat('x', HTTP_BODY_MAX + 1);
	memcpy(body, "{\"a\":\"", 6);
	memcpy(body + HTTP_BODY_MAX - 2, "\"}", 2);
	run_row(130, env, body, HTTP_BODY_MAX, ERR_OK, "/", HTTP_POST, NULL,
		&r);
	assert_non_null(r.json);
	http_request_free(&r);
	run_row(131, env, body, HTTP_BODY_MAX + 1, ERR_TOOBIG, "/", HTTP_POST,
		"body", &r);
	http_request_free(&r);
	free(body);

	/* Form body with HTTP_FIELDS_MAX fields, then one more. */
	env[5] = FORM;
	body = fields_string(HTTP_FIELDS_MAX);
	run_row(132, env, body, strlen(body), ERR_OK, "/", HTTP_POST, NULL,
		&r);
	assert_int_equal(r.form.n, HTTP_FIELDS_MAX);
	http_request_free(&r);
	free(body);
	body = fields_string(HTTP_FIELDS_MAX + 1);
	run_row(133, env, body, strlen(body), ERR_TOOBIG, "/", HTTP_POST,
		"form", &r);
	http_request_free(&r);
	free(body);

	/* A JSON body nested past HTTP_JSON_DEPTH_MAX. */
	env[5] = JSON;
	body = nest(HTTP_JSON_DEPTH_MAX + 1, 0);
	run_row(134, env, body, strlen(body), ERR_TOOBIG, "/", HTTP_POST,
		"json", &r);
	http_request_free(&r);
	free(body);

	/* A NUL inside a form body (explicit length). */
	env[5] = FORM;
	run_row(135, env, "a=1\0b=2", 7, ERR_INVAL, "/", HTTP_POST, "form",
		&r);
	http_request_free(&r);
}

/* Caller mistakes are ERR_INTERNAL, never a crash. */
static void test_request_misuse(void **state)
{
	static const char *const env[] = { GET_("/"), NULL };
	struct http_request r;

	(void)state;
	assert_int_equal(http_request_parse(&r, NULL, NULL, NULL, 0),
			 ERR_INTERNAL);
	assert_null(r.bad_part);
	http_request_free(&r);
	assert_int_equal(http_request_parse(&r, unit_env, (void *)env, NULL, 5),
			 ERR_INTERNAL);
	http_request_free(&r);
	http_request_init(&r);
	http_request_free(&r);
}

/* http_parse_num without flags: one spelling per number, bounds, hostile
 * rows. */
static void test_parse_int(void **state)
{
	static const struct {
		const char *in;
		long long   min, max;
		int         ok;
		long long   want;
	} rows[] = {
		{ "0", 0, 10, 1, 0 },
		{ "7", 0, 10, 1, 7 },
		{ "10", 0, 10, 1, 10 },
		{ "11", 0, 10, 0, 0 },
		{ "-5", -10, 10, 1, -5 },
		{ "-5", 0, 10, 0, 0 },
		{ "999999999999999999", 0, 999999999999999999LL, 1,
		  999999999999999999LL },
		{ "1000000000000000000", 0, 1, 0, 0 },        /* 19 digits */
		{ "99999999999999999999999", 0, 1, 0, 0 },
		{ NULL, 0, 10, 0, 0 },
		{ "", 0, 10, 0, 0 },
		{ "-", -10, 10, 0, 0 },
		{ "-0", -10, 10, 0, 0 },
		{ "01", 0, 10, 0, 0 },
		{ "00", 0, 10, 0, 0 },
		{ "+5", 0, 10, 0, 0 },
		{ " 5", 0, 10, 0, 0 },
		{ "5 ", 0, 10, 0, 0 },
		{ "5a", 0, 10, 0, 0 },
		{ "1e3", 0, 10000, 0, 0 },
		{ "0x10", 0, 100, 0, 0 },
		{ "1.5", 0, 10, 0, 0 },
		{ "' OR 1=1 --", 0, 10, 0, 0 },
		{ "٣", 0, 10, 0, 0 },                        /* Arabic-Indic 3 */
	};
	long long v;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		v = 12345;
		CHECK((http_parse_num(rows[i].in, rows[i].min, rows[i].max,
				      0, &v) == ERR_OK) == rows[i].ok, i);
		CHECK(v == rows[i].want, i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_urldecode_table),
		cmocka_unit_test(test_urldecode_limits),
		cmocka_unit_test(test_fields_table),
		cmocka_unit_test(test_fields_limits),
		cmocka_unit_test(test_field_lookup),
		cmocka_unit_test(test_json_table),
		cmocka_unit_test(test_json_limits),
		cmocka_unit_test(test_request_table),
		cmocka_unit_test(test_request_full),
		cmocka_unit_test(test_request_defaults),
		cmocka_unit_test(test_request_json),
		cmocka_unit_test(test_request_limits),
		cmocka_unit_test(test_request_misuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
