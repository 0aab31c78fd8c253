/*
 * test_visits.c - the visit counter (S-C8) against a real SQLite file:
 * new IDs, counting, expiry after 30 days, made-up IDs never adopted,
 * forgetting, and the purge of old rows.
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
#include "lessons/visits.h"
#include "unit.h"

static long long rows(struct db *db)
{
	return unit_count(db, "SELECT count(*) FROM visits");
}

static void test_count_grows(void **state)
{
	struct unit_db *f = *state;
	struct visit v, w;

	assert_int_equal(visits_record(f->db, NULL, 1000, &v), ERR_OK);
	assert_true(v.is_new);
	assert_true(visits_id_valid(v.id));
	assert_int_equal(v.count, 1);
	assert_int_equal(v.first_seen, 1000);
	assert_int_equal(visits_record(f->db, v.id, 1010, &w), ERR_OK);
	assert_false(w.is_new);
	assert_string_equal(w.id, v.id);
	assert_int_equal(w.count, 2);
	assert_int_equal(w.first_seen, 1000);
	assert_int_equal(w.last_seen, 1010);
	assert_int_equal(w.previous, 1000);
	assert_int_equal(rows(f->db), 1);
}

static void test_made_up_ids(void **state)
{
	struct unit_db *f = *state;
	static const char *const ids[] = {
		"AAAAAAAAAAAAAAAAAAAAAA", "short", "AAAAAAAAAAAAAAAAAAAAAAA",
		"AAAAAAAAAAAAAAAAAAAA+A", "", "' OR 1=1 --aaaaaaaaaaaa",
	};
	struct visit v;
	size_t i;

	for (i = 0; i < NROWS(ids); i++) {
		CHECK(visits_record(f->db, ids[i], 5000, &v) == ERR_OK, i);
		CHECK(v.is_new && strcmp(v.id, ids[i]) && v.count == 1, i);
	}
	assert_int_equal(rows(f->db), NROWS(ids));
}

static void test_expiry_and_purge(void **state)
{
	struct unit_db *f = *state;
	struct visit v, w, x;

	assert_int_equal(visits_record(f->db, NULL, 1000, &v), ERR_OK);
	/* On the last second of its 30 days it still counts. */
	assert_int_equal(visits_record(f->db, v.id, 1000 + VISITS_MAX_AGE,
				       &w), ERR_OK);
	assert_false(w.is_new);
	/* 30 days and a second after the last visit: a new visitor, and the
	 * stale row is purged when the new one is added. */
	assert_int_equal(visits_record(f->db, v.id,
				       1000 + 2 * VISITS_MAX_AGE + 1, &x),
			 ERR_OK);
	assert_true(x.is_new);
	assert_string_not_equal(x.id, v.id);
	assert_int_equal(rows(f->db), 1);
}

static void test_forget(void **state)
{
	struct unit_db *f = *state;
	struct visit v;

	assert_int_equal(visits_record(f->db, NULL, 1000, &v), ERR_OK);
	assert_int_equal(visits_forget(f->db, "bogus"), ERR_NOTFOUND);
	assert_int_equal(visits_forget(f->db, NULL), ERR_NOTFOUND);
	assert_int_equal(visits_forget(f->db, v.id), ERR_OK);
	assert_int_equal(visits_forget(f->db, v.id), ERR_NOTFOUND);
	assert_int_equal(rows(f->db), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_DB_TEST(test_count_grows),
		UNIT_DB_TEST(test_made_up_ids),
		UNIT_DB_TEST(test_expiry_and_purge),
		UNIT_DB_TEST(test_forget),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
