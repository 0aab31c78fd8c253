/*
 * test_course.c - the class path's pure parts (issue 14): the step
 * table, the mirror cookie's parser (hostile rows: prefixes, empty
 * parts, over-long values, no NUL inside the limit), the session data's
 * ticks, and the teacher's counts over a real SQLite file.
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

#include "base/db.h"
#include "lessons/course.h"
#include "unit.h"

static void test_steps(void **state)
{
	size_t i, n_class = 0;

	(void)state;
	for (i = 0; i < course_steps_n; i++) {
		const struct course_step *s = &course_steps[i];

		CHECK(course_step_find(s->id) == s, i);
		CHECK(strlen(s->id) <= COURSE_ID_MAX &&
		      strspn(s->id, "abcdefghijklmnopqrstuvwxyz") ==
		      strlen(s->id), i);
		CHECK(s->paths & COURSE_SELF, i);
		CHECK(s->href[0] == '/', i);
		n_class += !!(s->paths & COURSE_CLASS);
	}
	assert_int_equal(n_class, 9);
	assert_null(course_step_find("nosuch"));
	assert_null(course_step_find(""));
	assert_null(course_step_find(NULL));
}

static void test_claimed(void **state)
{
	static const struct {
		const char *cookie, *id;
		int want;
	} rows[] = {
		{ "hello", "hello", 1 },
		{ "hello.lab", "lab", 1 },
		{ "lab.hello.", "hello", 1 },
		{ "hellox", "hello", 0 },
		{ "xhello", "hello", 0 },
		{ "hel", "hello", 0 },
		{ "", "hello", 0 },
		{ NULL, "hello", 0 },
		{ "..hello..", "hello", 1 },
		{ "HELLO", "hello", 0 },
		{ "hello%2elab", "lab", 0 },
	};
	char big[COURSE_COOKIE_MAX + 16];
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++)
		CHECK(course_claimed(rows[i].cookie, rows[i].id) ==
		      rows[i].want, i);
	/* only the first COURSE_COOKIE_MAX bytes are read */
	memset(big, 'x', sizeof(big));
	memcpy(big + COURSE_COOKIE_MAX - 6, ".lab.reuse", 10);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(course_claimed(big, "lab"), 1);
	assert_int_equal(course_claimed(big, "reuse"), 0);
}

static void test_ticked_at(void **state)
{
	json_t *d = json_pack("{s:{s:s, s:{s:i, s:s}}}", "course", "v", "x",
			      "t", "hello", 1234, "lab", "soon");

	(void)state;
	assert_int_equal(course_ticked_at(d, "hello"), 1234);
	assert_int_equal(course_ticked_at(d, "lab"), 0);   /* not a time */
	assert_int_equal(course_ticked_at(d, "cart"), 0);
	assert_int_equal(course_ticked_at(NULL, "hello"), 0);
	json_decref(d);
}

static void test_counts(void **state)
{
	struct unit_db *f = *state;
	json_t *o = NULL, *one;
	size_t i;

	assert_int_equal(db_exec(f->db, "INSERT INTO course_ticks VALUES "
				 "(zeroblob(16), 'cart', 9000)", ""), ERR_OK);
	assert_int_equal(db_exec(f->db, "INSERT INTO course_ticks VALUES "
				 "(randomblob(16), 'cart', 5000)", ""),
			 ERR_OK);
	assert_int_equal(db_exec(f->db, "INSERT INTO course_ticks VALUES "
				 "(zeroblob(16), 'login', 10500)", ""),
			 ERR_OK);
	assert_int_equal(course_counts(f->db, 10000, &o), ERR_OK);
	assert_int_equal(json_integer_value(json_object_get(o, "visitors")),
			 1);
	assert_int_equal(json_integer_value(json_object_get(
		o, "window_seconds")), COURSE_WINDOW);
	assert_int_equal(json_array_size(json_object_get(o, "checkpoints")),
			 course_steps_n);
	json_array_foreach(json_object_get(o, "checkpoints"), i, one) {
		const char *id = json_string_value(json_object_get(one, "id"));
		long long n = json_integer_value(json_object_get(one, "count"));

		CHECK(!strcmp(id, course_steps[i].id), i);
		CHECK(n == (!strcmp(id, "cart") || !strcmp(id, "login")), i);
	}
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps),
		cmocka_unit_test(test_claimed),
		cmocka_unit_test(test_ticked_at),
		UNIT_DB_TEST(test_counts),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
