/*
 * test_buf.c - table-driven tests for buf.c: appends keep a NUL after the
 * data, HTML escaping of & < > " ' (the OWASP rule for text and quoted
 * attribute values), and the BUF_MAX cap that leaves a buffer unchanged.
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


static void test_init_cleanup(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	buf_cleanup(&b);                 /* on an empty buf */
	buf_reset(&b);                   /* on an empty buf */
	assert_null(b.data);
	assert_int_equal(buf_puts(&b, "abc"), ERR_OK);
	buf_cleanup(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	buf_cleanup(&b);                 /* twice */
}

/* Appends of byte runs, NUL bytes included, concatenate exactly. */
static const struct {
	const char *parts[4];
	size_t      lens[4];
	const char *want;
	size_t      want_len;
} append_rows[] = {
	{ { "" }, { 0 }, "", 0 },
	{ { "abc" }, { 3 }, "abc", 3 },
	{ { "ab", "", "c" }, { 2, 0, 1 }, "abc", 3 },
	{ { "a\0b", "\0" }, { 3, 1 }, "a\0b\0", 4 },
	{ { "x", "yz", "\xed\x95\x9c" }, { 1, 2, 3 }, "xyz\xed\x95\x9c", 6 },
	{ { "' OR 1=1 --", "<script>" }, { 11, 8 }, "' OR 1=1 --<script>",
	  19 },
	{ { "abcdef" }, { 3 }, "abc", 3 },          /* length, not NUL */
};

static void test_append_table(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < NROWS(append_rows); i++) {
		struct buf b;

		buf_init(&b);
		for (k = 0; k < 4 && append_rows[i].parts[k]; k++)
			CHECK(buf_append(&b, append_rows[i].parts[k],
					 append_rows[i].lens[k]) == ERR_OK, i);
		CHECK(b.data != NULL, i);
		CHECK(b.len == append_rows[i].want_len, i);
		CHECK(memcmp(b.data, append_rows[i].want, b.len) == 0, i);
		CHECK(b.data[b.len] == '\0', i);
		CHECK(b.cap > b.len, i);
		buf_cleanup(&b);
	}
}

static void test_puts_putc(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(buf_puts(&b, "ab"), ERR_OK);
	assert_int_equal(buf_putc(&b, 'c'), ERR_OK);
	assert_int_equal(buf_putc(&b, '\0'), ERR_OK);   /* a NUL byte */
	assert_int_equal(buf_puts(&b, ""), ERR_OK);
	assert_int_equal(buf_puts(&b, "d"), ERR_OK);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "abc\0d", 6);
	buf_cleanup(&b);

	/* Growth across many small appends keeps every byte. */
	buf_init(&b);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_putc(&b, (char)('a' + i % 26)), ERR_OK);
	assert_int_equal(b.len, 10000);
	assert_int_equal(b.data[9999], 'a' + 9999 % 26);
	assert_int_equal(b.data[10000], '\0');
	buf_cleanup(&b);
}

static const struct {
	int         n;
	const char *s;
	const char *want;
} printf_rows[] = {
	{ 0, "", "0:" },
	{ -1, "x", "-1:x" },
	{ 2147483647, "max", "2147483647:max" },
	{ 7, "%s%n%d", "7:%s%n%d" },               /* arguments are data */
	{ 1, "<b>&amp;", "1:<b>&amp;" },          /* not escaped */
	{ 1, "' OR 1=1 --", "1:' OR 1=1 --" },
	{ 3, "\xed\x95\x9c", "3:\xed\x95\x9c" },
};

static void test_printf_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(printf_rows); i++) {
		struct buf b;

		buf_init(&b);
		CHECK(buf_puts(&b, "[") == ERR_OK, i);
		CHECK(buf_printf(&b, "%d:%s", printf_rows[i].n,
				 printf_rows[i].s) == ERR_OK, i);
		CHECK(strcmp(b.data + 1, printf_rows[i].want) == 0, i);
		CHECK(b.len == 1 + strlen(printf_rows[i].want), i);
		buf_cleanup(&b);
	}
}

static void test_printf_growth(void **state)
{
	struct buf b;
	char *s = repeat('z', 5000);

	(void)state;
	buf_init(&b);
	assert_int_equal(buf_printf(&b, "%s", ""), ERR_OK);  /* empty */
	assert_non_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_printf(&b, "<%s>", s), ERR_OK); /* > 256 */
	assert_int_equal(b.len, 5002);
	assert_int_equal(b.data[0], '<');
	assert_int_equal(b.data[5001], '>');
	assert_int_equal(b.data[5002], '\0');
	assert_int_equal(buf_printf(&b, "%05d|%-3s|%x", 42, "a", 255), ERR_OK);
	assert_string_equal(b.data + 5002, "00042|a  |ff");
	buf_cleanup(&b);
	free(s);
}

/* HTML escaping: & < > " ' and nothing else. */
static const struct {
	const char *in;
	size_t      len;      /* 0: strlen */
	const char *want;
	size_t      want_len; /* 0: strlen */
} html_rows[] = {
	{ "", 0, "", 0 },
	{ "plain text", 0, "plain text", 0 },
	{ "&<>\"'", 0, "&amp;&lt;&gt;&quot;&#39;", 0 },
	{ "<script>alert('x')</script>", 0,
	  "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", 0 },
	{ "\"><img src=x onerror=alert(1)>", 0,
	  "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;", 0 },
	{ "' OR '1'='1' --", 0, "&#39; OR &#39;1&#39;=&#39;1&#39; --", 0 },
	{ "1; DROP TABLE users", 0, "1; DROP TABLE users", 0 },
	{ "&amp;", 0, "&amp;amp;", 0 },              /* escaped once more */
	{ "&#39;", 0, "&amp;#39;", 0 },
	{ "javascript:alert(1)", 0, "javascript:alert(1)", 0 },
	{ "\xed\x95\x9c<\xea\xb8\x80>", 0, "\xed\x95\x9c&lt;\xea\xb8\x80&gt;",
	  0 },
	{ "a\0<b", 4, "a\0&lt;b", 7 },              /* NUL is data */
	{ "<<<<", 0, "&lt;&lt;&lt;&lt;", 0 },
	{ "x<", 0, "x&lt;", 0 },
	{ ">x", 0, "&gt;x", 0 },
	{ "a`b=c/d\\e", 0, "a`b=c/d\\e", 0 },
	{ "<tail", 1, "&lt;", 0 },                  /* length, not NUL */
};

static void test_html_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(html_rows); i++) {
		struct buf b;
		size_t n = html_rows[i].len ? html_rows[i].len :
			   strlen(html_rows[i].in);
		size_t want_len = html_rows[i].want_len ?
				  html_rows[i].want_len :
				  strlen(html_rows[i].want);

		buf_init(&b);
		CHECK(buf_puts(&b, "p:") == ERR_OK, i);
		CHECK(buf_put_html(&b, html_rows[i].in, n) == ERR_OK, i);
		CHECK(b.len == 2 + want_len, i);
		CHECK(memcmp(b.data + 2, html_rows[i].want, want_len) == 0, i);
		CHECK(b.data[b.len] == '\0', i);
		buf_cleanup(&b);
	}
	/* An empty run from a NULL pointer is fine. */
	{
		struct buf b;

		buf_init(&b);
		assert_int_equal(buf_put_html(&b, NULL, 0), ERR_OK);
		assert_int_equal(b.len, 0);
		buf_cleanup(&b);
	}
}

static void test_reset_steal(void **state)
{
	struct buf b;
	size_t cap;
	char *s;

	(void)state;
	buf_init(&b);
	assert_int_equal(buf_puts(&b, "hello"), ERR_OK);
	cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, cap);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_puts(&b, "again"), ERR_OK);
	s = buf_steal(&b);
	assert_string_equal(s, "again");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(s);

	/* Stealing an empty buf gives "" that the caller frees. */
	s = buf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	buf_cleanup(&b);
}

/* BUF_MAX: exactly at the cap is fine; past it is ERR_TOOBIG, unchanged. */
static void test_limits(void **state)
{
	struct buf b;
	char *big = repeat('x', BUF_MAX);
	char *before;

	(void)state;
	buf_init(&b);
	assert_int_equal(buf_append(&b, big, BUF_MAX + (size_t)1), ERR_TOOBIG);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_append(&b, big, SIZE_MAX), ERR_TOOBIG);
	assert_int_equal(buf_append(&b, big, SIZE_MAX - 1), ERR_TOOBIG);
	assert_int_equal(b.len, 0);

	assert_int_equal(buf_append(&b, big, BUF_MAX), ERR_OK);
	assert_int_equal(b.len, BUF_MAX);
	assert_int_equal(b.data[BUF_MAX], '\0');
	assert_int_equal(buf_putc(&b, 'y'), ERR_TOOBIG);
	assert_int_equal(buf_puts(&b, "y"), ERR_TOOBIG);
	assert_int_equal(buf_printf(&b, "%d", 1), ERR_TOOBIG);
	assert_int_equal(buf_put_html(&b, "y", 1), ERR_TOOBIG);
	assert_int_equal(buf_append(&b, "", 0), ERR_OK);      /* no bytes */
	assert_int_equal(buf_put_html(&b, "", 0), ERR_OK);
	assert_int_equal(b.len, BUF_MAX);
	assert_int_equal(b.data[BUF_MAX], '\0');
	buf_cleanup(&b);

	/* printf whose output would pass the cap. */
	buf_init(&b);
	assert_int_equal(buf_puts(&b, "keep"), ERR_OK);
	assert_int_equal(buf_printf(&b, "%*s", (int)BUF_MAX, ""), ERR_TOOBIG);
	assert_string_equal(b.data, "keep");
	assert_int_equal(b.len, 4);
	buf_cleanup(&b);

	/* put_html that passes the cap part-way leaves the buffer as it
	 * was: 3 bytes of room, then "a<b" escapes to "a&lt;b". */
	buf_init(&b);
	assert_int_equal(buf_append(&b, big, BUF_MAX - 3), ERR_OK);
	before = b.data;
	assert_int_equal(buf_put_html(&b, "a<b", 3), ERR_TOOBIG);
	assert_int_equal(b.len, BUF_MAX - 3);
	assert_int_equal(b.data[BUF_MAX - 3], '\0');
	assert_ptr_equal(b.data, before);
	/* ...while an escape that fits still goes in. */
	assert_int_equal(buf_put_html(&b, "<", 1), ERR_TOOBIG);
	assert_int_equal(buf_put_html(&b, "abc", 3), ERR_OK);
	assert_int_equal(b.len, BUF_MAX);
	buf_cleanup(&b);
	free(big);
}

/* Appending a buffer to itself survives the realloc moving it. */
static void test_self_append(void **state)
{
	struct buf b;
	int i;

	(void)state;
	buf_init(&b);
	assert_int_equal(buf_puts(&b, "ab"), ERR_OK);
	for (i = 0; i < 12; i++)   /* 2 * 2^12 bytes: many reallocs */
		assert_int_equal(buf_append(&b, b.data, b.len), ERR_OK);
	assert_int_equal(b.len, 2u << 12);
	assert_memory_equal(b.data + b.len - 4, "abab", 4);
	assert_int_equal(buf_append(&b, b.data + 1, 3), ERR_OK);
	assert_memory_equal(b.data + b.len - 3, "bab", 3);
	buf_cleanup(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_cleanup),
		cmocka_unit_test(test_append_table),
		cmocka_unit_test(test_puts_putc),
		cmocka_unit_test(test_printf_table),
		cmocka_unit_test(test_printf_growth),
		cmocka_unit_test(test_html_table),
		cmocka_unit_test(test_reset_steal),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_self_append),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
