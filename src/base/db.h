/*
 * db.h - the SQLite connection: open in WAL mode with a busy timeout,
 * migrate by PRAGMA user_version, cached prepared statements, and
 * transactions.
 *
 * Migrations are the files db/migrations/NNN_name.sql, compiled into the
 * library in order; migration i brings user_version from i-1 to i.
 * Every SQL string in the core goes through db_stmt, which prepares it once
 * per connection and hands back a reset statement, so no request pays to
 * prepare and no SQL is ever built from client input.
 */
#ifndef DB_H
#define DB_H

#include <jansson.h>
#include <sqlite3.h>

#include "base/err.h"

#define DB_BUSY_TIMEOUT_MS 5000
#define DB_STMTS_MAX       64    /* distinct SQL strings per connection */

struct db_stmt_slot {
	const char   *sql;   /* the literal's address is the cache key */
	sqlite3_stmt *stmt;
};

struct kv;

/*
 * kv, when set (SESSION_STORE=redis), is the shared store the state layer
 * keeps sessions, refresh families, the blacklist and the login throttle
 * in; the durable rows (accounts, user carts) stay in this file. db_close
 * closes it.
 */
struct db {
	sqlite3            *h;
	struct db_stmt_slot stmts[DB_STMTS_MAX];
	int                 n_stmts;
	struct kv          *kv;
};

/*
 * db_open: open (creating if needed) the database at path and migrate it
 * to the newest version, with foreign keys off while migrations run (a
 * table rebuild must not cascade) and on afterwards. *out is allocated; close with db_close. ERR_DB
 * with a log line on failure, *out NULL.
 */
enum err db_open(const char *path, struct db **out);

/* db_close: finalize every statement and close. NULL-safe. */
void db_close(struct db *db);

/*
 * db_stmt: the prepared statement for sql, which must be a string literal
 * (its address is the cache key). The statement is reset and its bindings
 * cleared, ready to bind. NULL on a prepare error (logged). The statement
 * belongs to the connection: never finalize it.
 */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);

/*
 * db_exec: run one statement with no result rows, binding the text and
 * integer arguments described by fmt: 't' = const char *, 'i' = long long,
 * 'b' = (const void *, int) blob. On failure, what db_fail maps the result
 * code to.
 */
enum err db_exec(struct db *db, const char *sql, const char *fmt, ...);

/*
 * db_int: the first column of the first row of sql (a string literal, as
 * for db_stmt), bound as db_exec binds fmt's arguments, as an integer in
 * *out; 0 when there is no row. On a failed step, db_fail's error (a
 * busy or full store is ERR_UNAVAILABLE, a 503), ERR_DB (not logged) when
 * the statement cannot be prepared; *out is 0 either way. For a count, a stored number or "SELECT 1 ... " as
 * a yes/no.
 */
enum err db_int(struct db *db, const char *sql, long long *out,
		const char *fmt, ...);

/*
 * db_json_rows: step st (prepared with db_stmt and bound) to its end,
 * turning each row into a JSON value with row(st) and appending it to a
 * new array, *out (caller decrefs). st is reset either way. ERR_NOMEM when
 * row returns NULL, ERR_DB on a step error; *out is NULL on failure.
 */
enum err db_json_rows(sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *st),
		      json_t **out);

/*
 * db_row_json: the current row of st (after a step gave SQLITE_ROW) as a
 * new JSON object, one member per column by its name: integers and reals
 * as numbers, text as strings (not UTF-8: "(not UTF-8)"), NULL as null,
 * a blob as a string of hex digits. A row function for db_json_rows,
 * for pages that show a row as the table holds it. NULL on no memory.
 */
json_t *db_row_json(sqlite3_stmt *st);

/* db_begin: BEGIN IMMEDIATE (takes the write lock now, waiting up to the
 * busy timeout). */
enum err db_begin(struct db *db);

/* db_commit: COMMIT. On failure the transaction is rolled back. */
enum err db_commit(struct db *db);

/*
 * db_finish: end the transaction db_begin opened by the outcome of its
 * work: COMMIT when e is ERR_OK (returning the commit's error), else
 * ROLLBACK and return e.
 */
enum err db_finish(struct db *db, enum err e);

/* db_rollback: ROLLBACK if a transaction is open; never fails. */
void db_rollback(struct db *db);

/*
 * db_fail: the error for a failed SQLite result code rc, logged once with
 * what (a few words: "session touch"): ERR_UNAVAILABLE when the store
 * cannot take the work now but may later (SQLITE_FULL, BUSY, LOCKED,
 * IOERR, READONLY, CANTOPEN: a full disk, a lock held past the busy
 * timeout), ERR_DB for everything else (a bug or a corrupt file). Every
 * storage failure in the core goes through here, so a full disk is a 503
 * everywhere and never a 500.
 */
enum err db_fail(struct db *db, int rc, const char *what);

/* db_changes: rows changed by the last statement. */
int db_changes(struct db *db);

/* db_version: the schema version the code migrates to. */
int db_version(void);

#endif
