/*
 * wire.h - the "wire view": the panel at the end of every page that shows
 * what travelled and what is stored, in Korean and English:
 *
 *   1. the raw Cookie header this request carried, split into pairs
 *      (duplicates flagged: the first one wins, RFC 6265 §5.4);
 *   2. each Set-Cookie this response sends, every attribute explained;
 *   3. what the server stores for this visitor: the session row and its
 *      data as JSON (with SESSION_STORE=redis, the Redis key, its TTL and
 *      fields instead of the row), or why there is none.
 *
 * www/js/wire.js adds, in the browser, which received cookies script can
 * see (HttpOnly ones it cannot).
 */
#ifndef WIRE_H
#define WIRE_H

#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "site/ctx.h"

/* wire_render: append the panel's HTML for request c to out. */
enum err wire_render(struct ctx *c, struct buf *out);

/*
 * wire_format_time: "2026-11-23 18:00:05 KST" in the server's TZ, into out
 * (cap bytes, at least 32). Returns out.
 */
char *wire_format_time(long long t, char *out, size_t cap);

/*
 * wire_format_delta: "in 29m 59s", "3s ago" or "now" for t relative to
 * now, into out (cap bytes, at least 32), in lang. Returns out.
 */
char *wire_format_delta(long long t, long long now, enum lang lang,
			char *out, size_t cap);

/*
 * wire_set_time: set time_name in v to t as wire_format_time gives it,
 * and delta_name to its distance from now in lang (wire_format_delta).
 */
enum err wire_set_time(struct tmpl_vars *v, const char *time_name,
		       const char *delta_name, long long t, long long now,
		       enum lang lang);

/*
 * wire_set_record: set, in v, a stored record as session_stored_json
 * makes it (rec, or its "other"): rec_store, rec_redis ("1" for Redis),
 * rec_key, rec_ttl, and the list rec_fields of rows {name, value}, each
 * value as text (strings as stored, numbers in decimal, null as NULL).
 * ERR_INTERNAL for a record of another shape.
 */
enum err wire_set_record(struct tmpl_vars *v, const json_t *rec);

#endif
