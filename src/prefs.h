/*
 * prefs.h - the preference cookies of S-C6 (theme, lang, sort) and the
 * guard for forms a visitor may post without logging in.
 *
 * Preference values are checked against fixed allowlists; anything else
 * (unknown, tampered, empty) reads as the default, so a cookie value is
 * never echoed into a page. Preferences are never used for authorisation.
 *
 * Visitor forms (POST /prefs, /notice/hide-today, the cookie lessons) are
 * CSRF-protected without requiring a session: the request must come from
 * this origin (the Origin header, or the Referer when a browser sends no
 * Origin), and when the visitor has a session its token must also match.
 */
#ifndef PREFS_H
#define PREFS_H

#include "cookie.h"
#include "err.h"
#include "http.h"

#define PREFS_MAX_AGE 31536000L   /* one year, S-C6 */

/* Defaults: what a missing or unknown value reads as. */
#define PREFS_THEME_DEFAULT "light"
#define PREFS_SORT_DEFAULT  "name"

/*
 * prefs_theme / prefs_lang / prefs_sort: the allowlisted static string
 * equal to v ("light"/"dark"; "ko"/"en"; "name"/"price-asc"/"price-desc"),
 * or NULL when v is NULL or not on the list.
 */
const char *prefs_theme(const char *v);
const char *prefs_lang(const char *v);
const char *prefs_sort(const char *v);

/*
 * prefs_sort_of: the sort order the visitor chose in the "sort" cookie of
 * jar, or PREFS_SORT_DEFAULT. Never NULL; a static string. (The cart reads
 * its product order through this.)
 */
const char *prefs_sort_of(const struct cookie_jar *jar);

/*
 * prefs_same_origin: 1 when the request says it was sent by a page of
 * this origin: its Origin header equals scheme://Host, or (no Origin) its
 * Referer starts with scheme://Host/. 0 otherwise, including when neither
 * header is present (a form post from a browser always carries one).
 */
int prefs_same_origin(const struct http_request *r);

/*
 * prefs_back_path: the local path (with query) of the Referer when it is a
 * page of this origin and a safe redirect target (site_safe_next), else
 * NULL. Points into r->referer. Used to send the visitor back to the page
 * whose header switch they pressed.
 */
const char *prefs_back_path(const struct http_request *r);

/*
 * prefs_check_form: the guard for a visitor form. ERR_OK when the request
 * is same-origin and, when has_session, token (the form's "csrf" field,
 * may be NULL) is the session's CSRF token. Otherwise ERR_FORBIDDEN with
 * *why_key set to an i18n key ("cookies.guard.origin" or
 * "cookies.guard.token").
 */
enum err prefs_check_form(const struct http_request *r, int has_session,
			  const unsigned char id_hash[32], const char *token,
			  const char **why_key);

#endif
