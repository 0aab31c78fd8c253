/*
 * db.c - SQLite connection, migrations, statement cache. See db.h.
 */
#include "base/db.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/kv.h"
#include "base/log.h"
#include "base/monoclock.h"
#include "base/oplog.h"

/* Generated from the files in db/migrations by tools/embed-sql.sh. */
extern const char *const db_migrations[];
extern const size_t db_n_migrations;

int db_version(void)
{
	return (int)db_n_migrations;
}

static int user_version(sqlite3 *h)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Apply every migration past the current user_version, each in its own
 * BEGIN IMMEDIATE so that two processes starting together migrate once.
 */
static enum err migrate(sqlite3 *h)
{
	char *msg = NULL;
	char pragma[48];
	int v;
	size_t i;

	for (;;) {
		if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, &msg) !=
		    SQLITE_OK)
			goto fail;
		v = user_version(h);
		if (v < 0)
			goto fail;
		if ((size_t)v >= db_n_migrations) {
			sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
			if ((size_t)v > db_n_migrations)
				log_msg("warn", "database version %d is newer "
					"than this program's %zu", v,
					db_n_migrations);
			return ERR_OK;
		}
		i = (size_t)v;
		if (sqlite3_exec(h, db_migrations[i], NULL, NULL, &msg) !=
		    SQLITE_OK)
			goto fail;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %zu",
			 i + 1);
		if (sqlite3_exec(h, pragma, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(h, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
			goto fail;
		log_msg("info", "database migrated to version %zu", i + 1);
	}
fail:
	log_msg("error", "migration: %s", msg ? msg : sqlite3_errmsg(h));
	sqlite3_free(msg);
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	return ERR_DB;
}

/*
 * The busy handler: wait for another process's write lock in short steps
 * (0.1 ms ten times, then 1 ms), up to DB_BUSY_TIMEOUT_MS in all. SQLite's
 * own busy timeout backs off to 25-100 ms sleeps, far longer than a write
 * here holds the lock, which showed as 100 ms p99 spikes under concurrent
 * cart adds. Returns 0 (give up: SQLITE_BUSY) past the limit.
 */
static int busy_wait(void *arg, int count)
{
	struct timespec ts = { 0, count < 10 ? 100000L : 1000000L };
	long waited_us = count < 10 ? count * 100L : 1000L + (count - 10) * 1000L;

	(void)arg;
	if (waited_us >= DB_BUSY_TIMEOUT_MS * 1000L)
		return 0;
	nanosleep(&ts, NULL);
	return 1;
}

/*
 * The statements running now and when each began (SQLITE_TRACE_STMT), so
 * that their time is taken on the monotonic clock: the nanoseconds SQLite
 * itself reports with SQLITE_TRACE_PROFILE come from the VFS's clock, in
 * whole milliseconds. A few may run at once (one stepped inside another's
 * loop); past RUNNING_MAX the later ones show 0 us.
 */
#define RUNNING_MAX 8
static struct { void *stmt; double t0; } running[RUNNING_MAX];

/*
 * The trace hook: the one place that sees every statement, whoever
 * stepped it. When one finishes (stepped to its end, or reset) it goes
 * into the request's oplog as "VERB table", never with bound values.
 */
static int trace(unsigned type, void *arg, void *p, void *x)
{
	char label[OPLOG_LABEL_MAX];
	double us = 0;
	int i;

	(void)arg;
	(void)x;
	if (type == SQLITE_TRACE_STMT) {
		for (i = 0; i < RUNNING_MAX; i++)
			if (!running[i].stmt || running[i].stmt == p) {
				running[i].stmt = p;
				running[i].t0 = clock_mono_us();
				break;
			}
		return 0;
	}
	for (i = 0; i < RUNNING_MAX; i++)
		if (running[i].stmt == p) {
			us = clock_mono_us() - running[i].t0;
			running[i].stmt = NULL;
			break;
		}
	oplog_add("sqlite", oplog_sql_label(sqlite3_sql(p), label,
					    sizeof(label)), us);
	return 0;
}

enum err db_open(const char *path, struct db **out)
{
	struct db *db = NULL;
	char *msg = NULL;

	*out = NULL;
	if (!(db = calloc(1, sizeof(*db))))
		return ERR_NOMEM;
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK)
		goto fail;
	sqlite3_busy_handler(db->h, busy_wait, NULL);
	sqlite3_extended_result_codes(db->h, 1);
	if (sqlite3_exec(db->h, "PRAGMA journal_mode = WAL;"
			 "PRAGMA synchronous = NORMAL;"
			 "PRAGMA foreign_keys = OFF;", NULL, NULL, &msg) !=
	    SQLITE_OK)
		goto fail;
	if (migrate(db->h))
		goto fail_quiet;
	if (sqlite3_exec(db->h, "PRAGMA foreign_keys = ON;", NULL, NULL,
			 &msg) != SQLITE_OK)
		goto fail;
	sqlite3_trace_v2(db->h, SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE, trace,
			 NULL);
	*out = db;
	return ERR_OK;
fail:
	log_msg("error", "open %s: %s", path,
		msg ? msg : (db->h ? sqlite3_errmsg(db->h) : "no memory"));
fail_quiet:
	sqlite3_free(msg);
	db_close(db);
	return ERR_DB;
}

void db_close(struct db *db)
{
	int i;

	if (!db)
		return;
	for (i = 0; i < db->n_stmts; i++)
		sqlite3_finalize(db->stmts[i].stmt);
	sqlite3_close(db->h);
	kv_close(db->kv);
	free(db);
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql)
{
	sqlite3_stmt *st;
	int i;

	for (i = 0; i < db->n_stmts; i++)
		if (db->stmts[i].sql == sql) {
			st = db->stmts[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	if (db->n_stmts == DB_STMTS_MAX) {
		log_msg("error", "statement cache full (DB_STMTS_MAX)");
		return NULL;
	}
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
			       NULL) != SQLITE_OK) {
		log_msg("error", "prepare: %s", sqlite3_errmsg(db->h));
		return NULL;
	}
	db->stmts[db->n_stmts].sql = sql;
	db->stmts[db->n_stmts].stmt = st;
	db->n_stmts++;
	return st;
}

/*
 * run: bind the arguments fmt describes (db_exec's letters) to the
 * statement for sql from parameter 1 on, step it once, store the first
 * column of a row in *col0 (when col0 is not NULL) and reset it. Returns
 * the step's result code, or -1 when sql does not prepare.
 */
static int run(struct db *db, const char *sql, const char *fmt, va_list ap,
	       long long *col0)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	const void *blob;
	int i = 1, rc;

	if (!st)
		return -1;
	for (; *fmt; fmt++, i++) {
		switch (*fmt) {
		case 't':
			sqlite3_bind_text(st, i, va_arg(ap, const char *), -1,
					  SQLITE_STATIC);
			break;
		case 'i':
			sqlite3_bind_int64(st, i, va_arg(ap, long long));
			break;
		case 'b':
			blob = va_arg(ap, const void *);
			sqlite3_bind_blob(st, i, blob, va_arg(ap, int),
					  SQLITE_STATIC);
			break;
		}
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && col0)
		*col0 = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
}

/* What run's rc means: ERR_DB for a statement that could not be prepared
 * or bound (rc < 0), db_fail's error for a failed step (a busy or full
 * store is ERR_UNAVAILABLE), ERR_OK for a row or the end. */
static enum err finish(struct db *db, int rc, const char *what)
{
	if (rc < 0)
		return ERR_DB;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, rc, what);
	return ERR_OK;
}

enum err db_int(struct db *db, const char *sql, long long *out,
		const char *fmt, ...)
{
	va_list ap;
	int rc;

	*out = 0;
	va_start(ap, fmt);
	rc = run(db, sql, fmt, ap, out);
	va_end(ap);
	return finish(db, rc, "read");
}

enum err db_exec(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = run(db, sql, fmt, ap, NULL);
	va_end(ap);
	return finish(db, rc, "exec");
}

enum err db_fail(struct db *db, int rc, const char *what)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
		log_msg("warn", "%s: store unavailable: %s", what,
			sqlite3_errstr(rc));
		return ERR_UNAVAILABLE;
	}
	log_msg("error", "%s: %s", what, sqlite3_errmsg(db->h));
	return ERR_DB;
}

enum err db_json_rows(sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *st),
		      json_t **out)
{
	json_t *arr = json_array(), *o;
	enum err e = ERR_OK;
	int rc = SQLITE_DONE;

	*out = NULL;
	if (!arr)
		e = ERR_NOMEM;
	while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!(o = row(st)) || json_array_append_new(arr, o))
			e = ERR_NOMEM;
	if (!e && rc != SQLITE_DONE)
		e = ERR_DB;
	sqlite3_reset(st);
	if (e) {
		json_decref(arr);
		return e;
	}
	*out = arr;
	return ERR_OK;
}

json_t *db_row_json(sqlite3_stmt *st)
{
	json_t *o = json_object(), *v;
	int i, n = sqlite3_column_count(st);
	char *hex;

	for (i = 0; o && i < n; i++) {
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
			v = json_integer(sqlite3_column_int64(st, i));
			break;
		case SQLITE_FLOAT:
			v = json_real(sqlite3_column_double(st, i));
			break;
		case SQLITE_TEXT:
			v = json_stringn((const char *)sqlite3_column_text(st, i),
					 (size_t)sqlite3_column_bytes(st, i));
			if (!v)
				v = json_string("(not UTF-8)");
			break;
		case SQLITE_BLOB: {
			const void *p = sqlite3_column_blob(st, i);
			size_t len = (size_t)sqlite3_column_bytes(st, i);

			if (!(hex = malloc(2 * len + 1))) {
				v = NULL;
				break;
			}
			sodium_bin2hex(hex, 2 * len + 1, p, len);
			v = json_string(hex);
			free(hex);
			break;
		}
		default:
			v = json_null();
		}
		if (!v || json_object_set_new(o, sqlite3_column_name(st, i), v)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

enum err db_begin(struct db *db)
{
	return db_exec(db, "BEGIN IMMEDIATE", "");
}

enum err db_commit(struct db *db)
{
	enum err e = db_exec(db, "COMMIT", "");

	if (e)
		db_rollback(db);
	return e;
}

enum err db_finish(struct db *db, enum err e)
{
	if (e) {
		db_rollback(db);
		return e;
	}
	return db_commit(db);
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}
