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
 *
 * Above the three panels, www/static/js/seq.js draws this request's
 * exchange as a sequence diagram (issue 14) from a JSON data block the
 * panel carries (wire_exchange): Browser -> lighttpd -> program -> store
 * and back, with the store operations this request made (base/oplog.h)
 * and the times. A redirect (3xx) that wrote the visitor's session is
 * kept in the session data ("wire_hops", the last WIRE_HOPS_MAX), so the
 * page the browser lands on draws the whole chain.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "site/ctx.h"

#define WIRE_SHORT_CHARS 8    /* characters of a value the diagram shows */
#define WIRE_HOPS_MAX    4    /* redirects kept in the session */
#define WIRE_HOP_AGE_MAX 30   /* seconds a kept redirect still counts */

/*
 * wire_exchange: this request's exchange as a new JSON object (caller
 * decrefs; NULL on no memory): method, path, status, location (or null);
 * cookies [{name, value, bytes, dup}] as received; set_cookies [{name,
 * value, bytes, attrs: [...], httponly}] as sent; authorization ("Bearer
 * eyJhbGci…" or null); ops [{store, op, us}] and ops_dropped from the
 * oplog; program_us (since the request started) and store_us; at (the
 * site clock). Values are cut to WIRE_SHORT_CHARS characters and "…",
 * bytes outside printable UTF-8 shown as '?': never a whole cookie
 * value or token, so it may be stored.
 */
json_t *wire_exchange(const struct ctx *c);

/*
 * wire_remember_hop: when c answers a redirect (3xx with a Location), has
 * a session and has already written that session itself (a login, a
 * wizard step, a guest cart: a write to the sessions table or a Redis
 * session script in the oplog), append wire_exchange to the session
 * data's "wire_hops" (keeping the last WIRE_HOPS_MAX) with
 * session_update. Any other request, a redirect that stores nothing
 * about the visitor (a preference cookie, the cookie-only login of
 * /compare, a node-local session of /lab/scale) included: nothing, and
 * no store write, so those lessons' "nothing is stored" stays true. A
 * store error is returned (the caller notes it; the answer stands).
 */
enum err wire_remember_hop(struct ctx *c);

/*
 * wire_chain: the kept redirects that led to this request, oldest first,
 * as a new array (caller decrefs; NULL on no memory): the last hop in
 * data when its location's path is this request's path and it is at most
 * WIRE_HOP_AGE_MAX seconds old, and before it each hop whose location
 * led to the next. [] otherwise.
 */
json_t *wire_chain(const struct ctx *c);

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
