/*
 * test_strings.c - the site's own string table (the .tsv files of templates/strings),
 * checked as a Korean reader would meet it (issue 15 §10, §12):
 *
 *   - every key has both a Korean and an English string;
 *   - the English string has no Hangul, and the Korean one has Hangul
 *     unless it is only technical names (no English words run together);
 *   - no Korean string says "당신", or names an article by its file
 *     ("seed 001");
 *   - every {{@key}} and {{%key}} a template uses is in the table.
 *
 * Run from the checkout (make unit does): the paths are relative.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/i18n.h"
#include "unit.h"

#define STRINGS_DIR   "templates/strings"
#define TEMPLATES_DIR "templates"

/* 1 when s (UTF-8) holds a Hangul syllable, U+AC00..U+D7A3. */
static int has_hangul(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;

	for (; *p; p++) {
		if ((p[0] & 0xF0) != 0xE0 || (p[1] & 0xC0) != 0x80 ||
		    (p[2] & 0xC0) != 0x80)
			continue;
		cp = (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
		if (cp >= 0xAC00 && cp <= 0xD7A3)
			return 1;
	}
	return 0;
}

/*
 * 1 when s, outside `code` runs, has two English words in a row (letters
 * only, the second one lower case): a sentence left untranslated, as
 * opposed to technical names like "Set-Cookie", "HttpOnly" or "HTTP 200".
 */
static int has_english_words(const char *s)
{
	const char *p = s, *prev_end = NULL;
	int in_code = 0;
	size_t n;

	while (*p) {
		if (*p == '`') {
			in_code = !in_code;
			p++;
			continue;
		}
		n = 0;
		while ((p[n] >= 'a' && p[n] <= 'z') ||
		       (p[n] >= 'A' && p[n] <= 'Z'))
			n++;
		if (!n) {
			p++;
			continue;
		}
		if (n >= 2 && !in_code) {
			if (prev_end && p == prev_end + 1 && *prev_end == ' ' &&
			    p[0] >= 'a' && p[0] <= 'z')
				return 1;
			prev_end = p + n;
		} else {
			prev_end = NULL;
		}
		p += n;
	}
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return i18n_load_dir(STRINGS_DIR) == ERR_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	i18n_free();
	return 0;
}

/* Every key: both languages, each in its own script. */
static void test_every_key_in_both_languages(void **state)
{
	const char *key, *ko, *en;
	size_t i, bad = 0;

	(void)state;
	for (i = 0; (key = i18n_key_at(i)); i++) {
		ko = i18n_get(key, LANG_KO);
		en = i18n_get(key, LANG_EN);
		if (!*ko || !*en) {
			print_error("%s: a language is empty\n", key);
			bad++;
		} else if (has_hangul(en)) {
			print_error("%s: Korean in the English string\n", key);
			bad++;
		} else if (!has_hangul(ko) && has_english_words(ko)) {
			print_error("%s: the Korean string is English: %s\n",
				    key, ko);
			bad++;
		}
	}
	assert_true(i > 500);
	assert_int_equal(bad, 0);
}

/* The writing rules of docs/glossary.md that a program can check. */
static void test_korean_style(void **state)
{
	const char *key, *ko;
	size_t i, bad = 0;

	(void)state;
	for (i = 0; (key = i18n_key_at(i)); i++) {
		ko = i18n_get(key, LANG_KO);
		if (strstr(ko, "당신") || strstr(ko, "seed 0") ||
		    strstr(ko, "가족")) {
			print_error("%s: %s\n", key, ko);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Read path into a malloc'd string (NULL when unreadable). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (s = malloc((size_t)n + 1))) {
		if (fread(s, 1, (size_t)n, f) != (size_t)n) {
			free(s);
			s = NULL;
		} else {
			s[n] = '\0';
		}
	}
	fclose(f);
	return s;
}

/* Every string key a template names ({{@key}}, {{%key}}) exists. */
static void test_templates_name_known_keys(void **state)
{
	DIR *d = opendir(TEMPLATES_DIR);
	struct dirent *de;
	char path[512], key[128];
	size_t files = 0, uses = 0, bad = 0, n;
	char *src, *p, *end;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".html"))
			continue;
		snprintf(path, sizeof(path), TEMPLATES_DIR "/%s", de->d_name);
		assert_non_null(src = slurp(path));
		files++;
		for (p = src; (p = strstr(p, "{{")); p += 2) {
			if (p[2] != '@' && p[2] != '%')
				continue;
			if (!(end = strstr(p, "}}")) ||
			    (size_t)(end - p - 3) >= sizeof(key))
				continue;
			memcpy(key, p + 3, (size_t)(end - p - 3));
			key[end - p - 3] = '\0';
			uses++;
			if (!i18n_has(key)) {
				print_error("%s: unknown key %s\n", path, key);
				bad++;
			}
		}
		free(src);
	}
	closedir(d);
	assert_true(files > 40);
	assert_true(uses > 300);
	assert_int_equal(bad, 0);
}

/* The checks can fail: they see what they are meant to see. */
static void test_the_checks_themselves(void **state)
{
	(void)state;
	assert_true(has_hangul("세션"));
	assert_false(has_hangul("session é"));
	assert_true(has_english_words("budget 2048 B and more"));
	assert_true(has_english_words("alg not allowed for this key"));
	assert_false(has_english_words("HttpOnly"));
	assert_false(has_english_words("Set-Cookie"));
	assert_false(has_english_words("HTTP 200 OK"));
	assert_false(has_english_words("`a spent token` 200"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_checks_themselves),
		cmocka_unit_test(test_every_key_in_both_languages),
		cmocka_unit_test(test_korean_style),
		cmocka_unit_test(test_templates_name_known_keys),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
