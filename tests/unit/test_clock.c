/*
 * test_clock.c - the demo clock: wall time plus a shared, bounded offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/clock.h"
#include "unit.h"

static void test_clock(void **state)
{
	struct unit_db t;
	struct db *a, *b;
	long long off, now;

	(void)state;
	assert_int_equal(unit_db_open(&t), 0);
	a = t.db;
	assert_int_equal(db_open(t.path, &b), ERR_OK);
	assert_int_equal(clock_offset(a, &off), ERR_OK);
	assert_int_equal(off, 0);
	now = clock_now(a);
	assert_true(now >= (long long)time(NULL) - 1 &&
		    now <= (long long)time(NULL));

	assert_int_equal(clock_advance(a, 600), ERR_OK);
	assert_true(clock_now(a) >= (long long)time(NULL) + 600 - 1);
	/* another connection (another process) sees the same offset */
	assert_int_equal(clock_offset(b, &off), ERR_OK);
	assert_int_equal(off, 600);
	assert_int_equal(clock_advance(a, 60), ERR_OK);
	assert_int_equal(clock_offset(b, &off), ERR_OK);
	assert_int_equal(off, 660);

	/* hostile amounts change nothing */
	assert_int_equal(clock_advance(a, 0), ERR_INVAL);
	assert_int_equal(clock_advance(a, -60), ERR_INVAL);
	assert_int_equal(clock_advance(a, CLOCK_OFFSET_MAX), ERR_INVAL);
	assert_int_equal(clock_advance(a, CLOCK_OFFSET_MAX + 1LL), ERR_INVAL);
	assert_int_equal(clock_offset(b, &off), ERR_OK);
	assert_int_equal(off, 660);

	assert_int_equal(clock_reset(a), ERR_OK);
	assert_int_equal(clock_offset(b, &off), ERR_OK);
	assert_int_equal(off, 0);
	db_close(b);
	unit_db_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
