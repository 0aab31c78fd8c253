/*
 * site.h - what every program in cgi-bin/ is built on: the FastCGI accept
 * loop, the route table, the per-request context, sessions and CSRF wired
 * into every request, the page layout, the "wire view" panel, and the one
 * place where errors become HTTP statuses.
 *
 * A program is a route table plus handlers:
 *
 *     static const char *const login_fields[] = { "username", "password",
 *                                                 NULL };
 *     static const struct route routes[] = {
 *         { HTTP_GET,  "/session/login", login_form, 0, NULL },
 *         { HTTP_POST, "/session/login", login_post, ROUTE_CSRF,
 *           login_fields },
 *     };
 *     int main(void) { return site_run("session", routes, 2); }
 *
 * Before a handler runs, site has checked that the request carries only
 * the route's fields, no JSON body unless the route is ROUTE_JSON, and the
 * CSRF token on ROUTE_CSRF routes.
 *
 * A handler fills c->res (headers, cookies) and either names a page
 * template (site_page) or sets a JSON body (site_json); it never writes
 * to the FastCGI stream. It does not set the status either: a redirect is
 * response_redirect, a 201 site_json_created, and an error is what the
 * handler returns. For an error, site renders the error page (or JSON
 * error), or keeps the handler's own page or JSON when the handler said
 * so with site_keep_answer; the status is site_status_for's either way.
 */
#ifndef SITE_H
#define SITE_H

#include <jansson.h>

#include "site/ctx.h"

/*
 * site_run: the program's main loop. Reads the configuration from the
 * environment (DB, KEYS, TEMPLATES, SESSION_*), opens the database, loads
 * keys, templates and strings, then answers FastCGI requests on fd 0 until
 * the server stops it. Returns the process exit status (1 when start-up
 * fails, with a log line saying why).
 */
int site_run(const char *program, const struct route *routes, size_t n);

/* site_page: render template page (with c->vars) inside the layout, with
 * the title from i18n key title_key. */
void site_page(struct ctx *c, const char *page, const char *title_key);

/* site_json: answer with obj (reference stolen) as application/json. */
enum err site_json(struct ctx *c, json_t *obj);

/* site_json_created: site_json with the status 201 Created (a record the
 * request made). */
enum err site_json_created(struct ctx *c, json_t *obj);

/*
 * site_keep_answer: the page (site_page) or JSON (site_json) the handler
 * has made is its answer to e: returns e, for the handler to return, and
 * site then sends that answer, with the status site_status_for(e) gives
 * and a 503's Retry-After, instead of the error page. The request counts
 * as refused (its session is not touched), as for any error. Only a
 * handler returning exactly e keeps the answer: another error still gets
 * the error page. With ERR_OK it does nothing (a 200 answer).
 */
enum err site_keep_answer(struct ctx *c, enum err e);

/*
 * site_session_ensure: make sure the visitor has a session, creating a
 * guest one (and its Set-Cookie) when there is none. When the store
 * cannot take the new row (ERR_UNAVAILABLE) on a GET or HEAD, the read
 * goes on without one: has_session stays 0, sess.data is an empty object
 * and site_store_failed is noted. A write gets the error.
 */
enum err site_session_ensure(struct ctx *c);

/*
 * site_store_failed: note that this request was served but the store
 * could not record something (key: an i18n key such as
 * "wire.store.touch_failed"); the wire view says so.
 */
void site_store_failed(struct ctx *c, const char *key);

/* site_session_cookie: send the Set-Cookie for the current session's new
 * ID (after create or login): sid, Path=/, HttpOnly, SameSite=Lax, Secure
 * and the __Host- name over HTTPS, Max-Age only when persistent. */
enum err site_session_cookie(struct ctx *c);

/*
 * site_session_cookie_line: append the Set-Cookie value that gave the
 * browser the session ID it sent with this request, as issued at time at
 * (the login time), so a page can show what an earlier response (a 303
 * the browser followed) carried. ERR_NOTFOUND without a session.
 */
enum err site_session_cookie_line(const struct ctx *c, long long at,
				  struct buf *out);

/* site_session_end: delete the session on the server and expire the
 * cookie with the same name, Path and attributes. */
enum err site_session_end(struct ctx *c);

/* site_session_cookie_name: "sid", or "__Host-sid" over HTTPS. */
const char *site_session_cookie_name(const struct ctx *c);

/* site_csrf_token: the CSRF token for the current session into out
 * (requires has_session). */
void site_csrf_token(const struct ctx *c, char out[44]);

/*
 * site_retry_after: a 429's Retry-After header (RFC 9110 §10.2.3) of
 * seconds, and the page variable retry_after with the same number.
 */
enum err site_retry_after(struct ctx *c, long long seconds);

/*
 * site_visitor_guard: the check for a POST that needs no login (S-C6
 * preferences, the cookie lessons, the cookie-only pane):
 * csrf_check_visitor with this request's form field csrf and its session,
 * if it has one. On refusal the error key says why.
 */
enum err site_visitor_guard(struct ctx *c);

/*
 * site_login_fields: the form's username and password fields into
 * *username and *password (owned by the request), when both are there and
 * well shaped (auth_username_valid, at most AUTH_PASSWORD_MAX bytes).
 * Otherwise ERR_INVAL with error key login.malformed (400).
 */
enum err site_login_fields(struct ctx *c, const char **username,
			   const char **password);

/*
 * site_login: auth_login for a handler whose failures are the error page.
 * ERR_THROTTLED has Retry-After set and error key login.throttled (429);
 * ERR_AUTH has login.failed (401, the same for a wrong password and an
 * unknown user). ERR_OK fills *u. The caller has checked the fields'
 * shapes (auth_username_valid, AUTH_PASSWORD_MAX).
 */
enum err site_login(struct ctx *c, const char *username,
		    const char *password, struct user *u);

/*
 * site_message: the page variables message (the key, or "" for none) and
 * message_text (HTML: the string as the page shows it, site_bilingual
 * with "span"; print it {{{message_text}}}) for a callout. key may be
 * NULL, and then message_text is not set.
 */
enum err site_message(struct ctx *c, const char *key);

/*
 * site_bilingual: tmpl_set_bilingual on the page variables as the page
 * shows them (c->shown): set the page variable name (as HTML) to the i18n
 * string key in a <tag> element ("p" or "span", tmpl_put_bilingual), in
 * the page language, or both side by side for lang=both; "" when key is
 * NULL.
 */
enum err site_bilingual(struct ctx *c, const char *name, const char *key,
			const char *tag);

/* site_status_for: the HTTP status for an error (the one mapping). */
int site_status_for(enum err e);

/*
 * site_secure_or_fail: add the headers every dynamic response carries
 * (Content-Security-Policy, X-Content-Type-Options, Referrer-Policy,
 * X-Frame-Options, Cross-Origin-Opener-Policy, Cache-Control: no-store),
 * or, when c->res has no header slot left for them, throw the response
 * away (headers, cookies, body, page) for a bare 500 that carries them: a
 * page never goes out without its Content-Security-Policy. The accept
 * loop calls it once per response; a handler never does.
 */
void site_secure_or_fail(struct ctx *c);

#endif
