/*
 * test_oplog.c - the per-request record of store operations (issue 14):
 * the SQL and Redis labels (table-driven, with hostile rows: no bound
 * value or whole key ever shows), the bound, and SQLite's own statements
 * arriving through db.c's profile hook.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/db.h"
#include "base/oplog.h"
#include "unit.h"

static void test_sql_labels(void **state)
{
	static const struct { const char *sql, *want; } rows[] = {
		{ "SELECT user_id, data FROM sessions WHERE id_hash = ?",
		  "SELECT sessions" },
		{ "select count(*) from cart_items where user_id = ?1",
		  "SELECT cart_items" },
		{ "INSERT INTO sessions (id_hash) VALUES (?)",
		  "INSERT sessions" },
		{ "INSERT OR REPLACE INTO carts VALUES (?, ?)",
		  "INSERT carts" },
		{ "UPDATE sessions SET last_seen = ? WHERE id_hash = ?",
		  "UPDATE sessions" },
		{ "UPDATE OR IGNORE users SET x = 1", "UPDATE users" },
		{ "DELETE FROM refresh_tokens WHERE hash = ?",
		  "DELETE refresh_tokens" },
		{ "BEGIN IMMEDIATE", "BEGIN" },
		{ "COMMIT", "COMMIT" },
		{ "  \n\tSELECT 1", "SELECT" },
		{ "WITH t AS (SELECT 1) SELECT * FROM t", "SELECT t" },
		{ "SELECT count(*) FROM (SELECT at FROM login_failures)",
		  "SELECT login_failures" },
		{ "SELECT \"odd name\" FROM \"quoted\"", "SELECT quoted" },
		/* the SQL text only: a literal in it is never a table */
		{ "SELECT 'x' FROM", "SELECT" },
		{ "", "SQL" },
		{ NULL, "SQL" },
	};
	char out[OPLOG_LABEL_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_string_equal(oplog_sql_label(rows[i].sql, out,
						    sizeof(out)), rows[i].want);
	/* a tiny buffer is cut, never overrun */
	assert_string_equal(oplog_sql_label("SELECT a FROM sessions", out, 4),
			    "SEL");
}

static void test_kv_labels(void **state)
{
	static const struct {
		int argc;
		const char *argv[3];
		const char *want;
	} rows[] = {
		{ 2, { "HGETALL", "session:3f9a0c1d2e3f4a5b6c7d" },
		  "HGETALL session:3f9a0c1d\xE2\x80\xA6" },
		{ 2, { "TTL", "throttle:bob" }, "TTL throttle:bob" },
		{ 1, { "PING" }, "PING" },
		{ 3, { "SCRIPT", "LOAD", "return 1" }, "SCRIPT LOAD" },
		/* no colon: the whole key is its last part */
		{ 2, { "GET", "abcdefghijklmnop" }, "GET abcdefgh\xE2\x80\xA6" },
		/* control bytes and non-ASCII show as '?' */
		{ 2, { "GET", "a\r\nb" }, "GET a??b" },
		{ 2, { "GET", "k\xC3\xA9y" }, "GET k??y" },
	};
	char out[OPLOG_LABEL_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_string_equal(oplog_kv_label(rows[i].argc, rows[i].argv,
						   NULL, out, sizeof(out)),
				    rows[i].want);
	{
		/* binary words with lengths: a NUL inside is '?' */
		const char *argv[] = { "HGET", "s:\0x" };
		const size_t len[] = { 4, 4 };

		assert_string_equal(oplog_kv_label(2, argv, len, out,
						   sizeof(out)), "HGET s:?x");
	}
}

static void test_bound_and_cut(void **state)
{
	char long_label[200];
	size_t i;

	(void)state;
	oplog_reset();
	assert_int_equal(oplog_count(), 0);
	assert_true(oplog_total_us() == 0);
	for (i = 0; i < OPLOG_MAX + 5; i++)
		oplog_add("redis", "GET k", 2);
	assert_int_equal(oplog_count(), OPLOG_MAX);
	assert_int_equal(oplog_dropped(), 5);
	assert_true(oplog_total_us() == 2.0 * (OPLOG_MAX + 5));
	assert_null(oplog_at(OPLOG_MAX));
	assert_string_equal(oplog_at(0)->store, "redis");

	/* a long label is cut to fit, never inside a UTF-8 character */
	oplog_reset();
	memset(long_label, 'a', sizeof(long_label));
	memcpy(long_label + OPLOG_LABEL_MAX - 3, "\xE2\x80\xA6", 3);
	long_label[sizeof(long_label) - 1] = '\0';
	oplog_add("sqlite", long_label, 1);
	assert_int_equal(strlen(oplog_at(0)->label), OPLOG_LABEL_MAX - 3);
	oplog_add("sqlite", "x\xE2\x80", 1);   /* cut by a caller */
	assert_string_equal(oplog_at(1)->label, "x");
	oplog_add("sqlite", NULL, 1);
	assert_string_equal(oplog_at(2)->label, "");
}

static void test_db_statements_are_recorded(void **state)
{
	struct unit_db t;
	long long n;
	size_t i;
	int seen = 0;

	(void)state;
	assert_int_equal(unit_db_open(&t), 0);
	oplog_reset();
	assert_int_equal(db_int(t.db, "SELECT count(*) FROM sessions "
				"WHERE user_id = ?", &n, "i", 424242LL), ERR_OK);
	assert_int_equal(db_exec(t.db, "DELETE FROM sessions WHERE "
				 "user_id = ?", "i", 424242LL), ERR_OK);
	for (i = 0; i < oplog_count(); i++) {
		const struct oplog_entry *e = oplog_at(i);

		assert_string_equal(e->store, "sqlite");
		assert_true(e->us >= 0);
		/* never the bound value */
		assert_null(strstr(e->label, "424242"));
		if (!strcmp(e->label, "SELECT sessions") && seen == 0)
			seen = 1;
		else if (!strcmp(e->label, "DELETE sessions") && seen == 1)
			seen = 2;
	}
	assert_int_equal(seen, 2);
	assert_int_equal(oplog_count(), 2);
	unit_db_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sql_labels),
		cmocka_unit_test(test_kv_labels),
		cmocka_unit_test(test_bound_and_cut),
		cmocka_unit_test(test_db_statements_are_recorded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
