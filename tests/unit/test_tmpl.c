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
		{ "{{#name}}a{{#name}}b{{/name}}c{{/name}}d", ERR_OK, "abcd" },
		{ "{{#name}}a{{^name}}b{{/name}}c{{/name}}", ERR_OK, "ac" },
		{ "{{#name}}a{{#name}}b{{/name}}c", ERR_INTERNAL, NULL },
		{ "{{#html}}[{{{html}}}]{{/html}}", ERR_OK, "[<em>ok</em>]" },
		{ "{{@greet}}", ERR_OK, "Hello <code>code</code> &lt;b&gt;" },
		{ "{{@missing.key}}", ERR_OK, "missing.key" },
		{ "{{%amp}}", ERR_OK, "<p lang=\"en\">&amp;</p>" },  /* one language */
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

/* One template in each of ko, en and both (issue 14). */
struct lang_row {
	const char *src;
	enum lang   lang;
	const char *out;
};

/* A page shows one language; LANG_BOTH shows the two side by side,
 * Korean first: paragraphs as two columns, labels as "ko / en" with no
 * element (they may sit in attributes), a label once when both say the
 * same. The grey second language (class="alt") is gone. */
static void test_one_language(void **state)
{
	static const struct lang_row rows[] = {
		{ "{{%greet}}", LANG_KO, "<p lang=\"ko\">안녕 <code>code</code></p>" },
		{ "{{%greet}}", LANG_EN,
		  "<p lang=\"en\">Hello <code>code</code> &lt;b&gt;</p>" },
		{ "{{%greet}}", LANG_BOTH,
		  "<div class=\"both\"><p lang=\"ko\">안녕 <code>code</code></p>"
		  "<p lang=\"en\">Hello <code>code</code> &lt;b&gt;</p></div>" },
		{ "{{@greet}}", LANG_KO, "안녕 <code>code</code>" },
		{ "{{@greet}}", LANG_EN, "Hello <code>code</code> &lt;b&gt;" },
		{ "{{@greet}}", LANG_BOTH,
		  "안녕 <code>code</code> / Hello <code>code</code> &lt;b&gt;" },
		{ "<b title=\"{{@amp}}\">", LANG_BOTH, "<b title=\"&amp;\">" },
		{ "{{@missing.key}}", LANG_BOTH, "missing.key" },
		{ "{{%missing.key}}", LANG_EN, "<p lang=\"en\">missing.key</p>" },
	};
	struct tmpl_vars v;
	struct buf out;
	size_t i;

	(void)state;
	tmpl_vars_init(&v);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		buf_init(&out);
		assert_int_equal(tmpl_render_string(rows[i].src,
						    strlen(rows[i].src), &v,
						    rows[i].lang, &out), ERR_OK);
		if (strcmp(out.data ? out.data : "", rows[i].out))
			fail_msg("row %zu: got %s", i, out.data);
		buf_cleanup(&out);
	}
	/* the span form, as site_bilingual sets it for C-chosen keys */
	buf_init(&out);
	assert_int_equal(tmpl_put_bilingual(&out, "greet", LANG_EN, "span"),
			 ERR_OK);
	assert_string_equal(out.data, "<span lang=\"en\">Hello <code>code"
			    "</code> &lt;b&gt;</span>");
	buf_reset(&out);
	assert_int_equal(tmpl_put_bilingual(&out, "greet", LANG_BOTH, "span"),
			 ERR_OK);
	assert_string_equal(out.data, "<span class=\"both\"><span lang=\"ko\">"
			    "안녕 <code>code</code></span> / <span lang=\"en\">"
			    "Hello <code>code</code> &lt;b&gt;</span></span>");
	buf_cleanup(&out);
	assert_int_equal(tmpl_set_i18n(&v, "label", "greet", LANG_BOTH), ERR_OK);
	assert_string_equal(tmpl_get(&v, "label"),
			    "안녕 <code>code</code> / Hello <code>code</code> "
			    "&lt;b&gt;");
	tmpl_vars_cleanup(&v);
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
	/* Same-name blocks nest, and 50 of them pass the depth limit. */
	assert_int_not_equal(tmpl_render_string(src.data, src.len, &v,
						LANG_EN, &out), ERR_OK);
	buf_cleanup(&src);
	buf_cleanup(&out);
	tmpl_vars_cleanup(&v);
}

/* Render src over v and compare with want (NULL: the render must fail). */
static void render_is(const struct tmpl_vars *v, const char *src,
		      const char *want)
{
	struct buf out;
	enum err e;

	buf_init(&out);
	e = tmpl_render_string(src, strlen(src), v, LANG_EN, &out);
	if (want) {
		if (e != ERR_OK)
			fail_msg("%s: got %s", src, err_name(e));
		assert_string_equal(out.data ? out.data : "", want);
	} else if (e == ERR_OK) {
		fail_msg("%s: rendered, want an error", src);
	}
	buf_cleanup(&out);
}

/* An empty list renders nothing, and {{^rows}} says so. */
static void test_list_empty(void **state)
{
	struct tmpl_vars v;

	(void)state;
	tmpl_vars_init(&v);
	assert_int_equal(tmpl_list(&v, "rows"), ERR_OK);
	render_is(&v, "<ul>{{*rows}}<li>{{x}}</li>{{/rows}}</ul>", "<ul></ul>");
	render_is(&v, "{{#rows}}some{{/rows}}{{^rows}}none{{/rows}}", "none");
	render_is(&v, "{{#rows}}<ul>{{*rows}}x{{/rows}}</ul>{{/rows}}"
		  "{{^rows}}none{{/rows}}", "none");
	render_is(&v, "{{*unset}}x{{/unset}}", NULL);   /* a bug, as {{unset}} */
	render_is(&v, "{{rows}}", NULL);                /* a list is no text */
	render_is(&v, "{{{rows}}}", NULL);
	render_is(&v, "{{*rows}}never closed", NULL);
	tmpl_vars_cleanup(&v);
}

/* Many rows, in order, each with its own escaped text and raw markup;
 * a name the row lacks comes from outside, and lists nest. */
static void test_list_rows(void **state)
{
	struct tmpl_vars v, *row, *sub;
	struct buf want;
	size_t i;

	(void)state;
	tmpl_vars_init(&v);
	buf_init(&want);
	assert_int_equal(tmpl_set(&v, "sep", "|"), ERR_OK);
	for (i = 0; i < 300; i++) {
		assert_int_equal(tmpl_row_add(&v, "rows", &row), ERR_OK);
		assert_int_equal(tmpl_setf(row, "when", "<%zu>", i), ERR_OK);
		assert_int_equal(tmpl_set_html(row, "cell",
					       i % 2 ? "<b>odd</b>" : ""), ERR_OK);
		buf_printf(&want, "<tr><td>&lt;%zu&gt;</td>%s|</tr>", i,
			   i % 2 ? "<b>odd</b>" : "");
	}
	render_is(&v, "{{*rows}}<tr><td>{{when}}</td>{{{cell}}}{{sep}}</tr>"
		  "{{/rows}}", want.data);
	render_is(&v, "{{#rows}}some{{/rows}}{{^rows}}none{{/rows}}", "some");
	/* the row's kinds are checked as the page's are */
	render_is(&v, "{{*rows}}{{{when}}}{{/rows}}", NULL);
	render_is(&v, "{{*rows}}{{cell}}{{/rows}}", NULL);
	/* a row's names are not seen outside the section */
	render_is(&v, "{{when}}", NULL);
	/* a value is no list, and a list no value */
	assert_int_equal(tmpl_row_add(&v, "sep", &row), ERR_INVAL);
	assert_null(row);
	assert_null(tmpl_get(&v, "rows"));
	/* nested lists, and a row's name hiding the outer one */
	tmpl_vars_cleanup(&v);
	tmpl_vars_init(&v);
	assert_int_equal(tmpl_set(&v, "sep", "outer"), ERR_OK);
	for (i = 0; i < 2; i++) {
		assert_int_equal(tmpl_row_add(&v, "groups", &row), ERR_OK);
		assert_int_equal(tmpl_setf(row, "g", "g%zu", i), ERR_OK);
		assert_int_equal(tmpl_list(row, "items"), ERR_OK);
		if (i == 1) {
			assert_int_equal(tmpl_row_add(row, "items", &sub), ERR_OK);
			assert_int_equal(tmpl_set(sub, "sep", "&"), ERR_OK);
		}
	}
	render_is(&v, "{{*groups}}[{{g}}:{{*items}}{{g}}{{sep}}{{/items}}]"
		  "{{/groups}}{{sep}}", "[g0:][g1:g1&amp;]outer");
	/* a block of the same name around the list */
	render_is(&v, "{{#groups}}<ul>{{*groups}}<li>{{g}}</li>{{/groups}}</ul>"
		  "{{/groups}}", "<ul><li>g0</li><li>g1</li></ul>");
	/* setting the name again drops the rows */
	assert_int_equal(tmpl_set(&v, "groups", "x"), ERR_OK);
	render_is(&v, "{{groups}}", "x");
	buf_cleanup(&want);
	tmpl_vars_cleanup(&v);
}

/* A list stops at TMPL_ROWS_MAX rows. */
static void test_list_limit(void **state)
{
	struct tmpl_vars v, *row;
	size_t i;

	(void)state;
	tmpl_vars_init(&v);
	for (i = 0; i < TMPL_ROWS_MAX; i++)
		assert_int_equal(tmpl_row_add(&v, "rows", &row), ERR_OK);
	assert_int_equal(tmpl_row_add(&v, "rows", &row), ERR_TOOBIG);
	assert_null(row);
	tmpl_vars_cleanup(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_vars_replace_and_limit),
		cmocka_unit_test(test_one_language),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_list_empty),
		cmocka_unit_test(test_list_rows),
		cmocka_unit_test(test_list_limit),
	};

	set_strings(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
