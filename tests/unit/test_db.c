/*
 * test_db.c - the SQLite connection (base/db) against a real file: the
 * migrations run once and a reopen leaves schema and data alone, a newer
 * schema is opened as it is, the pragmas db_open sets, db_fail's mapping
 * of result codes (a store that cannot take the work now is
 * ERR_UNAVAILABLE, a 503; anything else ERR_DB), db_finish's commit and
 * rollback, and the statement cache.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "base/db.h"
#include "unit.h"

static long long tables(struct db *db)
{
	return unit_count(db, "SELECT count(*) FROM sqlite_master "
			  "WHERE type = 'table'");
}

static long long version(struct db *db)
{
	return unit_count(db, "PRAGMA user_version");
}

/* The .sql files in db/migrations (run from the checkout, as make unit
 * does): the version the code migrates to. */
static int migration_files(void)
{
	DIR *d = opendir("db/migrations");
	struct dirent *ent;
	size_t len;
	int n = 0;

	assert_non_null(d);
	while ((ent = readdir(d))) {
		len = strlen(ent->d_name);
		n += len > 4 && !strcmp(ent->d_name + len - 4, ".sql");
	}
	closedir(d);
	return n;
}

static void test_migrations_once(void **state)
{
	struct unit_db *f = *state;
	long long n;
	struct db *again;

	assert_true(db_version() > 0);
	assert_int_equal(db_version(), migration_files());
	assert_int_equal(version(f->db), db_version());
	n = tables(f->db);
	assert_true(n > 0);
	assert_int_equal(unit_count(f->db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(db_exec(f->db, "CREATE TABLE scratch (x INTEGER)",
				 ""), ERR_OK);
	assert_int_equal(db_exec(f->db, "INSERT INTO scratch VALUES (?)",
				 "i", 42LL), ERR_OK);
	db_close(f->db);
	f->db = NULL;
	/* Reopening migrates nothing: same version, tables and rows. */
	assert_int_equal(db_open(f->path, &f->db), ERR_OK);
	assert_int_equal(version(f->db), db_version());
	assert_int_equal(tables(f->db), n + 1);
	assert_int_equal(unit_count(f->db, "SELECT x FROM scratch"), 42);
	/* A second connection opened at the same time agrees. */
	assert_int_equal(db_open(f->path, &again), ERR_OK);
	assert_int_equal(version(again), db_version());
	assert_int_equal(tables(again), n + 1);
	db_close(again);
}

/* A schema newer than the code is opened as it is, not touched. */
static void test_newer_schema(void **state)
{
	struct unit_db *f = *state;
	long long n = tables(f->db);

	assert_int_equal(db_exec(f->db, "PRAGMA user_version = 99", ""),
			 ERR_OK);
	db_close(f->db);
	f->db = NULL;
	assert_int_equal(db_open(f->path, &f->db), ERR_OK);
	assert_int_equal(version(f->db), 99);
	assert_int_equal(tables(f->db), n);
}

static void test_open_fails(void **state)
{
	struct db *db = (struct db *)&db;   /* reset on failure */

	(void)state;
	assert_int_equal(db_open("/nonexistent-folder/x.sqlite", &db), ERR_DB);
	assert_null(db);
	db_close(NULL);   /* NULL-safe */
}

static void test_fail_mapping(void **state)
{
	static const struct { int rc; enum err want; } rows[] = {
		{ SQLITE_FULL, ERR_UNAVAILABLE },
		{ SQLITE_BUSY, ERR_UNAVAILABLE },
		{ SQLITE_BUSY_SNAPSHOT, ERR_UNAVAILABLE },
		{ SQLITE_BUSY_TIMEOUT, ERR_UNAVAILABLE },
		{ SQLITE_LOCKED, ERR_UNAVAILABLE },
		{ SQLITE_LOCKED_SHAREDCACHE, ERR_UNAVAILABLE },
		{ SQLITE_IOERR, ERR_UNAVAILABLE },
		{ SQLITE_IOERR_WRITE, ERR_UNAVAILABLE },
		{ SQLITE_IOERR_FSYNC, ERR_UNAVAILABLE },
		{ SQLITE_READONLY, ERR_UNAVAILABLE },
		{ SQLITE_READONLY_DBMOVED, ERR_UNAVAILABLE },
		{ SQLITE_CANTOPEN, ERR_UNAVAILABLE },
		{ SQLITE_CANTOPEN_NOTEMPDIR, ERR_UNAVAILABLE },
		{ SQLITE_ERROR, ERR_DB },
		{ SQLITE_CORRUPT, ERR_DB },
		{ SQLITE_CONSTRAINT, ERR_DB },
		{ SQLITE_CONSTRAINT_UNIQUE, ERR_DB },
		{ SQLITE_MISUSE, ERR_DB },
		{ SQLITE_NOMEM, ERR_DB },
		{ SQLITE_NOTADB, ERR_DB },
		{ SQLITE_SCHEMA, ERR_DB },
		{ SQLITE_TOOBIG, ERR_DB },
	};
	struct unit_db *f = *state;
	size_t i;

	for (i = 0; i < NROWS(rows); i++)
		CHECK(db_fail(f->db, rows[i].rc, "test") == rows[i].want, i);
}

/* Real failures through db_exec, mapped the same way. */
static void test_exec_failures(void **state)
{
	struct unit_db *f = *state;
	struct db *other;
	long long n;

	assert_int_equal(db_exec(f->db, "CREATE TABLE u (x TEXT UNIQUE)", ""),
			 ERR_OK);
	assert_int_equal(db_exec(f->db, "INSERT INTO u VALUES (?)", "t", "a"),
			 ERR_OK);
	/* a bug (a constraint) is ERR_DB */
	assert_int_equal(db_exec(f->db, "INSERT INTO u VALUES (?)", "t", "a"),
			 ERR_DB);
	/* a statement that does not prepare is ERR_DB */
	assert_null(db_stmt(f->db, "SELECT * FROM no_such_table"));
	assert_int_equal(db_exec(f->db, "INSERT INTO no_such_table VALUES (1)",
				 ""), ERR_DB);
	/* a store that refuses writes now is ERR_UNAVAILABLE */
	assert_int_equal(db_exec(f->db, "PRAGMA query_only = 1", ""), ERR_OK);
	assert_int_equal(db_exec(f->db, "INSERT INTO u VALUES (?)", "t", "b"),
			 ERR_UNAVAILABLE);
	assert_int_equal(db_exec(f->db, "PRAGMA query_only = 0", ""), ERR_OK);
	/* another connection holding the write lock past the busy timeout */
	assert_int_equal(db_open(f->path, &other), ERR_OK);
	assert_int_equal(db_begin(other), ERR_OK);
	assert_int_equal(db_begin(f->db), ERR_UNAVAILABLE);
	/* db_int maps a failed step the same way: busy is a 503, and *out 0;
	 * one that does not prepare stays ERR_DB */
	n = 7;
	assert_int_equal(db_int(f->db, "INSERT INTO u VALUES ('c') RETURNING 1",
				&n, ""), ERR_UNAVAILABLE);
	assert_int_equal(n, 0);
	n = 7;
	assert_int_equal(db_int(f->db, "SELECT x FROM no_such_table", &n, ""),
			 ERR_DB);
	assert_int_equal(n, 0);
	assert_int_equal(sqlite3_get_autocommit(f->db->h), 1);
	db_rollback(other);
	db_close(other);
	assert_int_equal(unit_count(f->db, "SELECT count(*) FROM u"), 1);
}

static void test_finish(void **state)
{
	struct unit_db *f = *state;

	assert_int_equal(db_exec(f->db, "CREATE TABLE t (x INTEGER)", ""),
			 ERR_OK);
	/* ERR_OK commits */
	assert_int_equal(db_begin(f->db), ERR_OK);
	assert_int_equal(sqlite3_get_autocommit(f->db->h), 0);
	assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES (1), (2)", ""),
			 ERR_OK);
	assert_int_equal(db_changes(f->db), 2);
	assert_int_equal(db_finish(f->db, ERR_OK), ERR_OK);
	assert_int_equal(sqlite3_get_autocommit(f->db->h), 1);
	assert_int_equal(unit_count(f->db, "SELECT count(*) FROM t"), 2);
	/* an error rolls back and is returned as it was */
	assert_int_equal(db_begin(f->db), ERR_OK);
	assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES (3)", ""),
			 ERR_OK);
	assert_int_equal(db_finish(f->db, ERR_INVAL), ERR_INVAL);
	assert_int_equal(sqlite3_get_autocommit(f->db->h), 1);
	assert_int_equal(unit_count(f->db, "SELECT count(*) FROM t"), 2);
	assert_int_equal(db_begin(f->db), ERR_OK);
	assert_int_equal(db_exec(f->db, "DELETE FROM t", ""), ERR_OK);
	assert_int_equal(db_finish(f->db, ERR_UNAVAILABLE), ERR_UNAVAILABLE);
	assert_int_equal(unit_count(f->db, "SELECT count(*) FROM t"), 2);
	/* a commit with no transaction open fails as a bug */
	assert_int_equal(db_finish(f->db, ERR_OK), ERR_DB);
	/* db_rollback with none open is a no-op */
	db_rollback(f->db);
	assert_int_equal(unit_count(f->db, "SELECT count(*) FROM t"), 2);
	/* db_commit ends the transaction too */
	assert_int_equal(db_begin(f->db), ERR_OK);
	assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES (3)", ""),
			 ERR_OK);
	assert_int_equal(db_commit(f->db), ERR_OK);
	assert_int_equal(unit_count(f->db, "SELECT count(*) FROM t"), 3);
}

static const char sql_one[] = "SELECT 1";

/* One statement per SQL literal, reset and unbound each time. */
static void test_stmt_cache(void **state)
{
	struct unit_db *f = *state;
	sqlite3_stmt *a = db_stmt(f->db, sql_one), *b;
	int before = f->db->n_stmts;

	assert_non_null(a);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	b = db_stmt(f->db, sql_one);
	assert_ptr_equal(a, b);
	assert_int_equal(f->db->n_stmts, before);
	assert_int_equal(sqlite3_stmt_busy(b), 0);   /* reset */
	assert_int_equal(sqlite3_step(b), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(b, 0), 1);
	sqlite3_reset(b);
}

static json_t *row_x(sqlite3_stmt *st)
{
	return json_integer(sqlite3_column_int64(st, 0));
}

static void test_json_rows(void **state)
{
	struct unit_db *f = *state;
	json_t *out = NULL;
	char *s;

	assert_int_equal(db_exec(f->db, "CREATE TABLE j (x INTEGER)", ""),
			 ERR_OK);
	assert_int_equal(db_json_rows(db_stmt(f->db, "SELECT x FROM j"),
				      row_x, &out), ERR_OK);
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
	assert_int_equal(db_exec(f->db, "INSERT INTO j VALUES (5), (7)", ""),
			 ERR_OK);
	assert_int_equal(db_json_rows(db_stmt(f->db,
					      "SELECT x FROM j ORDER BY x"),
				      row_x, &out), ERR_OK);
	s = json_dumps(out, JSON_COMPACT);
	assert_string_equal(s, "[5,7]");
	free(s);
	json_decref(out);
}

/* db_row_json: every column type as the table holds it. */
static void test_row_json(void **state)
{
	static const struct {
		const char *sql;
		const char *want;
	} rows[] = {
		{ "SELECT 5 AS i", "{\"i\":5}" },
		{ "SELECT 1.5 AS r", "{\"r\":1.5}" },
		{ "SELECT 'x''<y>' AS t", "{\"t\":\"x'<y>\"}" },
		{ "SELECT NULL AS n", "{\"n\":null}" },
		{ "SELECT X'00ff10' AS b", "{\"b\":\"00ff10\"}" },
		{ "SELECT X'' AS b", "{\"b\":\"\"}" },
		{ "SELECT CAST(X'c328' AS TEXT) AS bad",
		  "{\"bad\":\"(not UTF-8)\"}" },
		{ "SELECT 1 AS a, 'two' AS b", "{\"a\":1,\"b\":\"two\"}" },
	};
	struct unit_db *f = *state;
	sqlite3_stmt *st;
	json_t *o;
	char *s;
	size_t i;

	for (i = 0; i < NROWS(rows); i++) {
		/* db_stmt caches by address: prepare each directly */
		CHECK(sqlite3_prepare_v2(f->db->h, rows[i].sql, -1, &st,
					 NULL) == SQLITE_OK, i);
		CHECK(sqlite3_step(st) == SQLITE_ROW, i);
		o = db_row_json(st);
		CHECK(o != NULL, i);
		s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		if (strcmp(s, rows[i].want))
			print_error("row %zu: %s\n", i, s);
		CHECK(strcmp(s, rows[i].want) == 0, i);
		free(s);
		json_decref(o);
		sqlite3_finalize(st);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_DB_TEST(test_migrations_once),
		UNIT_DB_TEST(test_newer_schema),
		cmocka_unit_test(test_open_fails),
		UNIT_DB_TEST(test_fail_mapping),
		UNIT_DB_TEST(test_exec_failures),
		UNIT_DB_TEST(test_finish),
		UNIT_DB_TEST(test_stmt_cache),
		UNIT_DB_TEST(test_json_rows),
		UNIT_DB_TEST(test_row_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
