/*
 * origin.h - where a request comes from and where this site is: the one
 * home of the same-origin checks (the Origin header, and the Referer when
 * a browser sends no Origin), of local redirect targets, and of the
 * site's own origin as the visitor reached it.
 *
 * An origin is scheme://host[:port] (RFC 6454). This site's is the scheme
 * it was served over and the request's Host header; a request without
 * Host (HTTP/1.0 by hand) falls back to the configured HOST and PORT, the
 * address `make run` listens on.
 */
#ifndef ORIGIN_H
#define ORIGIN_H

#include "http/http.h"

#define ORIGIN_NEXT_MAX 512   /* bytes of a local redirect target */
#define ORIGIN_HOST_MAX 300   /* bytes of a host[:port] */

/*
 * origin_header_matches: 1 when the request's Origin header names the
 * site it was sent to (scheme as served, and the Host header), 0 when it
 * names another origin, -1 when there is no Origin header. Browsers send
 * Origin on every cross-origin request and on same-origin POSTs.
 */
int origin_header_matches(const struct http_request *r);

/*
 * origin_sent_by_us: 1 when the request says a page of this origin sent
 * it: its Origin header matches, or (no Origin) its Referer starts with
 * scheme://Host/. 0 otherwise, including when neither header is present
 * (a form post from a browser always carries one).
 */
int origin_sent_by_us(const struct http_request *r);

/*
 * origin_safe_next: 1 when next is a local path this site may redirect
 * to: it starts with one '/', is at most ORIGIN_NEXT_MAX bytes of
 * [A-Za-z0-9/_.~?=&%-], and has no "//" or "\". Everything else would be
 * an open redirect.
 */
int origin_safe_next(const char *next);

/*
 * origin_back_path: the local path (with query) of the Referer when it is
 * a page of this origin and a safe redirect target, else NULL. Points into
 * r->referer. Sends a visitor back to the page whose switch they pressed.
 */
const char *origin_back_path(const struct http_request *r);

/*
 * origin_host: the host[:port] the visitor reached: the Host header, or
 * HOST:PORT from the environment when there is none (default
 * 127.0.0.1:8080). Never NULL; the fallback is built once per process.
 */
const char *origin_host(const struct http_request *r);

/* origin_scheme: "https://" when r was served over TLS, else "http://";
 * with origin_host, this site's origin. */
const char *origin_scheme(const struct http_request *r);

#endif
