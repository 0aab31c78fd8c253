/*
 * oplog.h - the store operations one request made, measured: a bounded,
 * per-process record (one request at a time in a FastCGI process) that
 * the wire view draws on the program <-> store lane of its sequence
 * diagram (issue 14).
 *
 * db.c adds each SQLite statement it runs ("SELECT sessions"), kv.c each
 * Redis command or script ("HGETALL session:3f9a0c1d…", "EVALSHA session
 * touch"); site.c clears the record when a request starts. A label never
 * holds a bound value or a whole key hash: only the SQL verb and table,
 * the Redis command, script name and a key cut to a short prefix.
 */
#ifndef OPLOG_H
#define OPLOG_H

#include <stddef.h>

#define OPLOG_MAX       32   /* operations kept per request */
#define OPLOG_LABEL_MAX 64   /* bytes of one label, with its NUL */
#define OPLOG_KEY_SHOWN 8    /* characters of a key's last part shown */

struct oplog_entry {
	const char *store;               /* "sqlite" or "redis" (static) */
	char        label[OPLOG_LABEL_MAX];
	double      us;                  /* how long it took */
};

/* oplog_reset: forget every entry (at the start of a request). */
void oplog_reset(void);

/*
 * oplog_add: record one operation on store (a string literal) that took
 * us microseconds, label cut to fit OPLOG_LABEL_MAX (on a UTF-8
 * boundary). Past OPLOG_MAX operations only the count of dropped ones
 * grows (oplog_dropped).
 */
void oplog_add(const char *store, const char *label, double us);

/* oplog_count: entries held (at most OPLOG_MAX). */
size_t oplog_count(void);

/* oplog_at: entry i (< oplog_count()), valid until the next reset. */
const struct oplog_entry *oplog_at(size_t i);

/* oplog_dropped: operations past OPLOG_MAX since the reset. */
size_t oplog_dropped(void);

/* oplog_total_us: the summed time of every operation since the reset,
 * dropped ones included. */
double oplog_total_us(void);

/*
 * oplog_sql_label: "VERB table" for the SQL text sql into out (cap bytes,
 * at least 2): "SELECT sessions", "INSERT cart_items", "UPDATE users",
 * "DELETE sessions", "BEGIN", "COMMIT", "WITH ..." as "SELECT <first
 * table>"; just the verb when no table is named. Reads only the SQL text
 * (with ? placeholders), never bound values. Returns out.
 */
char *oplog_sql_label(const char *sql, char *out, size_t cap);

/*
 * oplog_kv_label: the label of a Redis command whose words are
 * argv[0..argc) (lengths len, or NULL for NUL-terminated words) into out
 * (cap bytes, at least 2): the command and, when there is one, its first
 * argument, a key whose part after the last ':' is cut to OPLOG_KEY_SHOWN
 * characters and "…" ("HGETALL session:3f9a0c1d…"); bytes outside
 * printable ASCII show as '?'. Returns out.
 */
char *oplog_kv_label(int argc, const char *const *argv, const size_t *len,
		     char *out, size_t cap);

#endif
