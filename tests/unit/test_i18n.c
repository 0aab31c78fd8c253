/*
 * test_i18n.c - language choice (lang cookie, then Accept-Language with
 * q-values, RFC 9110 §12.5.4) and the string table loader.
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

struct row {
	const char *cookie;
	const char *accept;
	enum lang   want;
};

static void test_choose(void **state)
{
	static const struct row rows[] = {
		{ NULL, NULL, LANG_KO },
		{ NULL, "", LANG_KO },
		{ NULL, "en", LANG_EN },
		{ NULL, "en-US,en;q=0.9", LANG_EN },
		{ NULL, "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", LANG_KO },
		{ NULL, "en;q=0.5, ko;q=0.6", LANG_KO },
		{ NULL, "ko;q=0.5, en;q=0.6", LANG_EN },
		{ NULL, "ko;q=0.5 , en;q=0.600 ", LANG_EN },
		{ NULL, "fr, de;q=0.9", LANG_KO },
		{ NULL, "fr, en;q=0.1", LANG_EN },
		{ NULL, "EN", LANG_EN },
		{ NULL, "eng", LANG_KO },          /* not the "en" tag */
		{ NULL, "en;q=0", LANG_KO },       /* q=0 means "not acceptable" */
		{ NULL, "en;q=bogus", LANG_KO },
		{ NULL, "en;q=1.5", LANG_EN },     /* 1.x reads as 1 */
		{ NULL, "en;q=0.99999999", LANG_EN },
		{ NULL, ",,,;;;,,", LANG_KO },
		{ NULL, ";q=0.9", LANG_KO },
		{ NULL, "<script>", LANG_KO },
		{ "en", "ko", LANG_EN },
		{ "ko", "en", LANG_KO },
		{ "xx", "en", LANG_EN },           /* bad cookie: ignored */
		{ "EN", "ko", LANG_KO },           /* the cookie is exact */
		{ "", "en", LANG_EN },
		/* issue 14: lang=both, a display mode beside the two languages */
		{ "both", "en", LANG_BOTH },
		{ "both", NULL, LANG_BOTH },
		{ "BOTH", "en", LANG_EN },         /* exact, else Accept-Language */
		{ "both;", "en", LANG_EN },
		{ "bothen", "ko", LANG_KO },
		{ "<script>both", "en", LANG_EN },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (i18n_choose(rows[i].cookie, rows[i].accept) != rows[i].want)
			fail_msg("row %zu: cookie=%s accept=%s", i,
				 rows[i].cookie ? rows[i].cookie : "(null)",
				 rows[i].accept ? rows[i].accept : "(null)");
}

/* LANG_BOTH needs one language wherever one is asked for: Korean. */
static void test_primary(void **state)
{
	(void)state;
	assert_int_equal(i18n_primary(LANG_KO), LANG_KO);
	assert_int_equal(i18n_primary(LANG_EN), LANG_EN);
	assert_int_equal(i18n_primary(LANG_BOTH), LANG_KO);
	assert_string_equal(i18n_code(LANG_BOTH), "ko");   /* <html lang> */
	assert_string_equal(i18n_code(LANG_EN), "en");
	assert_string_equal(i18n_shown_code(LANG_BOTH), "both");
	assert_string_equal(i18n_shown_code(LANG_KO), "ko");
	assert_string_equal(i18n_shown_code(LANG_EN), "en");
}

static enum err load_text(const char *text)
{
	char path[] = "/tmp/test_i18n_XXXXXX";
	int fd = mkstemp(path);
	enum err e;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	e = i18n_load(path);
	unlink(path);
	return e;
}

/* A label as text (a title, escaped later) and as HTML, in each mode. */
static void test_put(void **state)
{
	static const struct {
		const char *key;
		enum lang   lang;
		int         html;
		const char *want;
	} rows[] = {
		{ "t", LANG_BOTH, 0, "쿠키 `<b>` / Cookie `<b>`" },
		{ "t", LANG_EN, 0, "Cookie `<b>`" },
		{ "t", LANG_KO, 1, "쿠키 <code>&lt;b&gt;</code>" },
		{ "t", LANG_BOTH, 1,
		  "쿠키 <code>&lt;b&gt;</code> / Cookie <code>&lt;b&gt;</code>" },
		{ "same", LANG_BOTH, 1, "JWT" },              /* once */
		{ "no.<key>", LANG_BOTH, 0, "no.<key>" },
		{ "no.<key>", LANG_BOTH, 1, "no.&lt;key&gt;" },
	};
	struct buf b;
	size_t i;

	(void)state;
	assert_int_equal(load_text("t\t쿠키 `<b>`\tCookie `<b>`\n"
				   "same\tJWT\tJWT\n"), ERR_OK);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		buf_init(&b);
		assert_int_equal((rows[i].html ? i18n_put_html : i18n_put_text)(
					 &b, rows[i].key, rows[i].lang), ERR_OK);
		if (strcmp(b.data, rows[i].want))
			fail_msg("row %zu: got %s", i, b.data);
		buf_cleanup(&b);
	}
	i18n_free();
}

static void test_load(void **state)
{
	(void)state;
	assert_int_equal(load_text("b\tㄴ\tB\na\tㄱ\tA\n# c\n\n"), ERR_OK);
	assert_string_equal(i18n_get("a", LANG_KO), "ㄱ");
	assert_string_equal(i18n_get("b", LANG_EN), "B");
	assert_string_equal(i18n_get("b", LANG_BOTH), "ㄴ");   /* primary */
	assert_string_equal(i18n_get("zzz", LANG_EN), "zzz");
	assert_true(i18n_has("a"));
	assert_false(i18n_has("c"));
	/* malformed files leave the old table in place */
	assert_int_equal(load_text("x\tonly-two-columns\n"), ERR_INVAL);
	assert_int_equal(load_text("x\ta\tb\tc\n"), ERR_INVAL);
	assert_string_equal(i18n_get("a", LANG_EN), "A");
	assert_int_equal(i18n_load("/nonexistent/strings.tsv"), ERR_NOTFOUND);
	/* a file without a final newline */
	assert_int_equal(load_text("k\t가\tK"), ERR_OK);
	assert_string_equal(i18n_get("k", LANG_EN), "K");
	i18n_free();
	assert_string_equal(i18n_get("k", LANG_EN), "k");
}

/* A folder of .tsv files loads as one table; a key in two files fails. */
static void test_load_dir(void **state)
{
	char dir[] = "/tmp/test_i18n_dir_XXXXXX";
	char path[64];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.tsv", dir);
	f = fopen(path, "w");
	fputs("one\t하나\tone\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/b.tsv", dir);
	f = fopen(path, "w");
	fputs("two\t둘\ttwo", f);   /* no final newline */
	fclose(f);
	snprintf(path, sizeof(path), "%s/ignored.txt", dir);
	f = fopen(path, "w");
	fputs("three\t셋\tthree\n", f);
	fclose(f);
	assert_int_equal(i18n_load_dir(dir), ERR_OK);
	assert_string_equal(i18n_get("one", LANG_KO), "하나");
	assert_string_equal(i18n_get("two", LANG_EN), "two");
	assert_false(i18n_has("three"));
	snprintf(path, sizeof(path), "%s/c.tsv", dir);
	f = fopen(path, "w");
	fputs("one\tdup\tdup\n", f);
	fclose(f);
	assert_int_equal(i18n_load_dir(dir), ERR_INVAL);
	assert_string_equal(i18n_get("one", LANG_KO), "하나");  /* kept */
	unlink(path);
	snprintf(path, sizeof(path), "%s/a.tsv", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/b.tsv", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ignored.txt", dir);
	unlink(path);
	rmdir(dir);
	assert_int_equal(i18n_load_dir("/nonexistent"), ERR_NOTFOUND);
	i18n_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_primary),
		cmocka_unit_test(test_put),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
