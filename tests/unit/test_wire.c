/*
 * test_wire.c - the wire view's relative times (issue 15 §11): Korean
 * counts in its own units ("29분 59초 후"), English in d/h/m/s; the page
 * script (www/static/js/wire.js) writes the same words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "unit.h"
#include "site/wire.h"

static void test_delta(void **state)
{
	static const struct {
		long long  t;
		enum lang  lang;
		const char *want;
	} rows[] = {
		{ 1000, LANG_KO, "지금" },
		{ 1000, LANG_EN, "now" },
		{ 1003, LANG_KO, "3초 후" },
		{ 997,  LANG_KO, "3초 전" },
		{ 997,  LANG_EN, "3s ago" },
		{ 1000 + 1799, LANG_KO, "29분 59초 후" },
		{ 1000 + 1799, LANG_EN, "in 29m 59s" },
		{ 1000 + 7260, LANG_KO, "2시간 1분 후" },
		{ 1000 - 90000, LANG_KO, "1일 1시간 전" },
		{ 1000 - 90000, LANG_EN, "1d 1h ago" },
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		wire_format_delta(rows[i].t, 1000, rows[i].lang, out,
				  sizeof(out));
		if (strcmp(out, rows[i].want))
			print_error("row %zu: got %s\n", i, out);
		CHECK(!strcmp(out, rows[i].want), i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delta),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
