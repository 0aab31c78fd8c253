/*
 * test_tmpl.c - the template renderer: escaping by default, blocks,
 * i18n lookups, and hostile template sources and values.
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

#include "http/i18n.h"
#include "http/tmpl.h"

struct row {
	const char *src;
	enum err    want;
	const char *out;     /* expected output when want == ERR_OK */
};

static void set_strings(void **state)
{
	char path[] = "/tmp/test_tmpl_XXXXXX";
	int fd = mkstemp(path);
	static const char tsv[] =
		"# comment\n"
		"greet\t안녕 `code`\tHello `code` <b>\n"
		"amp\t&\t&\n";

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, tsv, sizeof(tsv) - 1), sizeof(tsv) - 1);
	close(fd);
	assert_int_equal(i18n_load(path), ERR_OK);
	unlink(path);
}

static void test_rows(void **state)
{
	static const struct row rows[] = {
		{ "plain", ERR_OK, "plain" },
		{ "", ERR_OK, "" },
		{ "{{name}}", ERR_OK, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;" },
		{ "a{{{html}}}b", ERR_OK, "a<em>ok</em>b" },
		{ "{{{name}}", ERR_INTERNAL, NULL },
		{ "{{#name}}yes{{/name}}", ERR_OK, "yes" },
		{ "{{#empty}}yes{{/empty}}", ERR_OK, "" },
		{ "{{#unset}}yes{{/unset}}", ERR_OK, "" },
		{ "{{^unset}}no{{/unset}}", ERR_OK, "no" },
		{ "{{^name}}no{{/name}}", ERR_OK, "" },
		{ "{{#html}}[{{{html}}}]{{/html}}", ERR_OK, "[<em>ok</em>]" },
		{ "{{@greet}}", ERR_OK, "Hello <code>code</code> &lt;b&gt;" },
		{ "{{@missing.key}}", ERR_OK, "missing.key" },
		{ "{{%amp}}", ERR_OK, "<p lang=\"en\">&amp;</p> <p lang=\"ko\" class=\"alt\">&amp;</p>" },
		/* hostile sources */
		{ "{{unset}}", ERR_INTERNAL, NULL },
		{ "{{name", ERR_INTERNAL, NULL },
		{ "{{#name}}never closed", ERR_INTERNAL, NULL },
		{ "{{>nosuchpartial}}", ERR_INTERNAL, NULL },
		{ "{{}}", ERR_INTERNAL, NULL },
		{ "{{@}}", ERR_INTERNAL, NULL },
		{ "}}{{name}}{{", ERR_INTERNAL, NULL },
		{ "{ {name} }", ERR_OK, "{ {name} }" },
		/* the template says what is raw; the C code must agree */
		{ "{{{name}}}", ERR_INTERNAL, NULL },     /* text printed raw */
		{ "{{html}}", ERR_INTERNAL, NULL },       /* HTML printed escaped */
		{ "{{#name}}{{{name}}}{{/name}}", ERR_INTERNAL, NULL },
		{ "{{{unset}}}", ERR_INTERNAL, NULL },
		{ "{{{html}}", ERR_INTERNAL, NULL },
		{ "{{{empty}}}", ERR_INTERNAL, NULL },
		{ "{{{html}}}{{name}}", ERR_OK, "<em>ok</em>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;" },
	};
	struct tmpl_vars v;
	struct buf out;
	size_t i;

	(void)state;
	tmpl_vars_init(&v);
	assert_int_equal(tmpl_set(&v, "name", "<script>alert('x')</script>&\""), ERR_OK);
	assert_int_equal(tmpl_set(&v, "empty", ""), ERR_OK);
	assert_int_equal(tmpl_set_html(&v, "html", "<em>ok</em>"), ERR_OK);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum err e;

		buf_init(&out);
		e = tmpl_render_string(rows[i].src, strlen(rows[i].src), &v,
				       LANG_EN, &out);
		if (e != rows[i].want)
			fail_msg("row %zu (%s): got %s", i, rows[i].src,
				 err_name(e));
		if (rows[i].want == ERR_OK)
			assert_string_equal(out.data ? out.data : "",
					    rows[i].out);
		buf_cleanup(&out);
	}
	tmpl_vars_cleanup(&v);
}

static void test_vars_replace_and_limit(void **state)
{
	struct tmpl_vars v;
	char name[16];
	size_t i;

	(void)state;
	tmpl_vars_init(&v);
	assert_int_equal(tmpl_set(&v, "a", "1"), ERR_OK);
	assert_int_equal(tmpl_setf(&v, "a", "%d", 2), ERR_OK);
	assert_string_equal(tmpl_get(&v, "a"), "2");
	assert_null(tmpl_get(&v, "b"));
	for (i = 1; i < TMPL_VARS_MAX; i++) {
		snprintf(name, sizeof(name), "v%zu", i);
		assert_int_equal(tmpl_set(&v, name, "x"), ERR_OK);
	}
	assert_int_equal(tmpl_set(&v, "one_too_many", "x"), ERR_TOOBIG);
	tmpl_vars_cleanup(&v);
	assert_int_equal(v.n, 0);
}

static void test_korean_first(void **state)
{
	struct tmpl_vars v;
	struct buf out;

	(void)state;
	tmpl_vars_init(&v);
	buf_init(&out);
	assert_int_equal(tmpl_render_string("{{%greet}}", 10, &v, LANG_KO,
					    &out), ERR_OK);
	assert_string_equal(out.data, "<p lang=\"ko\">안녕 <code>code</code></p>"
			    " <p lang=\"en\" class=\"alt\">Hello <code>code</code>"
			    " &lt;b&gt;</p>");
	buf_cleanup(&out);
}

/* Deep nesting of blocks stops at TMPL_DEPTH_MAX instead of recursing on. */
static void test_depth(void **state)
{
	struct tmpl_vars v;
	struct buf src, out;
	int i;

	(void)state;
	tmpl_vars_init(&v);
	buf_init(&src);
	buf_init(&out);
	assert_int_equal(tmpl_set(&v, "x", "1"), ERR_OK);
	for (i = 0; i < 50; i++)
		buf_printf(&src, "{{#x}}");
	for (i = 0; i < 50; i++)
		buf_printf(&src, "{{/x}}");
	/* Same-name blocks do not nest: the first close ends the first
	 * block, and the rest are stray close tags, which are unset vars. */
	assert_int_not_equal(tmpl_render_string(src.data, src.len, &v,
						LANG_EN, &out), ERR_OK);
	buf_cleanup(&src);
	buf_cleanup(&out);
	tmpl_vars_cleanup(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_vars_replace_and_limit),
		cmocka_unit_test(test_korean_first),
		cmocka_unit_test(test_depth),
	};

	set_strings(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
