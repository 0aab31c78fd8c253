/*
 * unit.h - helpers shared by the table-driven cmocka tests, and the one
 * temporary-database fixture. Include after <cmocka.h>.
 */
#ifndef UNIT_H
#define UNIT_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/db.h"
#include "http/http.h"
#include "http/response.h"

/* CHECK: fail the test naming the table row, not just the line. */
#define CHECK(cond, row) do { \
	if (!(cond)) { \
		print_error("row %zu: check failed: %s\n", (size_t)(row), \
			    #cond); \
		fail(); \
	} \
} while (0)

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* repeat: a malloc'd string of n copies of c (the caller frees). */
static inline char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/*
 * unit_env: an http_getenv_fn over ctx, a NULL-terminated array of CGI
 * variable names and values ("REQUEST_METHOD", "GET", ..., NULL).
 */
static inline const char *unit_env(void *ctx, const char *name)
{
	const char *const *v = ctx;

	for (; v[0]; v += 2)
		if (strcmp(v[0], name) == 0)
			return v[1];
	return NULL;
}

/*
 * unit_request: parse a request of method to uri, with header (a CGI
 * name such as "HTTP_AUTHORIZATION", or NULL) set to value, and a body
 * of Content-Type ctype (both NULL: none) into r, which must be
 * initialised. Returns what http_request_parse returns.
 */
static inline enum err unit_request(struct http_request *r,
				    const char *method, const char *uri,
				    const char *header, const char *value,
				    const char *ctype, const char *body)
{
	const char *env[9] = { "REQUEST_METHOD", method, "REQUEST_URI", uri };
	size_t n = 4;

	if (header) {
		env[n++] = header;
		env[n++] = value;
	}
	if (ctype) {
		env[n++] = "CONTENT_TYPE";
		env[n++] = ctype;
	}
	return http_request_parse(r, unit_env, (void *)env, body,
				  body ? strlen(body) : 0);
}

/*
 * A fresh SQLite file in a folder of its own under /tmp, opened with
 * db_open (so every migration has run). The folder holds only what SQLite
 * makes next to the file (-wal, -shm), and is removed with it.
 */
struct unit_db {
	char       dir[32];    /* /tmp/unit_db_XXXXXX */
	char       path[48];   /* dir + "/site.sqlite" */
	struct db *db;
};

/*
 * unit_db_open: make the folder and open t->path in it; 0 on success, -1
 * (nothing left behind, t->db NULL) on failure. A second connection to
 * the same file is db_open(t->path, ...).
 */
static inline int unit_db_open(struct unit_db *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/tmp/unit_db_XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/site.sqlite", t->dir);
	if (db_open(t->path, &t->db)) {
		rmdir(t->dir);
		return -1;
	}
	return 0;
}

/*
 * unit_rmdir: remove every file in the folder dir (a mkdtemp folder of
 * the fixtures; "" for none), then the folder, and set dir to "".
 */
static inline void unit_rmdir(char dir[32])
{
	char p[32 + 2 + 256];
	struct dirent *ent;
	DIR *d;

	if (!dir[0] || !(d = opendir(dir)))
		return;
	while ((ent = readdir(d)))
		if (strcmp(ent->d_name, ".") && strcmp(ent->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, ent->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(dir);
	dir[0] = '\0';
}

/*
 * unit_db_close: close t->db (NULL-safe) and remove every file in the
 * folder, then the folder. Safe after a failed unit_db_open.
 */
static inline void unit_db_close(struct unit_db *t)
{
	db_close(t->db);
	t->db = NULL;
	unit_rmdir(t->dir);
}

/* unit_db_setup: a cmocka setup; *state is a new struct unit_db. */
static inline int unit_db_setup(void **state)
{
	struct unit_db *t = calloc(1, sizeof(*t));

	if (!t || unit_db_open(t)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

/* unit_db_teardown: the cmocka teardown for unit_db_setup. */
static inline int unit_db_teardown(void **state)
{
	unit_db_close(*state);
	free(*state);
	return 0;
}

/*
 * unit_count: the integer in the first column of the one row sql gives
 * ("SELECT count(*) FROM ..."). sql must be a string literal, as db_stmt
 * wants. Fails the test when the query gives no row.
 */
static inline long long unit_count(struct db *db, const char *sql)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	long long n;

	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* UNIT_DB_TEST: test fn, given a fresh struct unit_db as *state. */
#define UNIT_DB_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, unit_db_setup, unit_db_teardown)

/* unit_header: the value of the first header called name in res, or NULL. */
static inline const char *unit_header(const struct response *res,
				      const char *name)
{
	size_t i;

	for (i = 0; i < res->n_headers; i++)
		if (!strcmp(res->headers[i].name, name))
			return res->headers[i].value;
	return NULL;
}

#endif
