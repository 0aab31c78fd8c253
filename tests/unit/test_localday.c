/*
 * test_localday.c - the next local midnight (S-C7) in several zones,
 * across a month end, a year end and daylight-saving changes.
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
#include <sodium.h>

#include <time.h>

#include "base/localday.h"
#include "unit.h"

static void test_midnight_table(void **state)
{
	static const struct {
		const char *tz;
		long long now, want;
	} rows[] = {
		/* 2026-11-23 18:32:40 UTC = 2026-11-24 03:32:40 KST:
		 * next midnight 2026-11-25 00:00 KST = 11-24 15:00 UTC. */
		{ "Asia/Seoul", 1795458760LL, 1795532400LL },
		/* Exactly midnight KST: the next one, a day later. */
		{ "Asia/Seoul", 1795446000LL, 1795532400LL },
		/* One second before midnight KST. */
		{ "Asia/Seoul", 1795445999LL, 1795446000LL },
		{ "UTC", 1795458760LL, 1795478400LL },
		/* Year end: 2026-12-31 22:00 UTC -> 2027-01-01 00:00 UTC. */
		{ "UTC", 1798757999LL - 3599LL, 1798761600LL },
		/* New York, 2026-03-08 (DST starts at 02:00): a 23-hour day;
		 * 2026-03-08 12:00 EDT -> 2026-03-09 00:00 EDT (04:00 UTC). */
		{ "America/New_York", 1772985600LL, 1773028800LL },
		/* 2026-11-01 (DST ends): 25-hour day; 10:00 EST ->
		 * 2026-11-02 00:00 EST (05:00 UTC). */
		{ "America/New_York", 1793545200LL, 1793595600LL },
	};
	size_t i;
	long long got;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		setenv("TZ", rows[i].tz, 1);
		tzset();
		CHECK(localday_next_midnight(rows[i].now, &got) == ERR_OK, i);
		if (got != rows[i].want)
			print_error("row %zu: got %lld want %lld\n", i, got,
				    rows[i].want);
		CHECK(got == rows[i].want, i);
	}
	unsetenv("TZ");
	tzset();
}

static void test_zone_name(void **state)
{
	char z[16];

	(void)state;
	setenv("TZ", "Asia/Seoul", 1);
	tzset();
	assert_string_equal(localday_zone(1795458760LL, z, sizeof(z)), "KST");
	unsetenv("TZ");
	tzset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_midnight_table),
		cmocka_unit_test(test_zone_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
