/*
 * csrf.h - CSRF tokens tied to the session (the synchronizer-token pattern
 * with an HMAC instead of a stored token, OWASP CSRF cheat sheet).
 *
 * token = base64url(HMAC-SHA-512-256(csrf_key, "csrf\0" || session id hash))
 *
 * The token changes whenever the session ID changes (login rotates it), a
 * token from one session is worthless in another, and nothing extra is
 * stored. It is compared in constant time.
 *
 * Forms a visitor may post without logging in (POST /prefs,
 * /notice/hide-today, the cookie lessons) are guarded without requiring
 * a session: the request must come from this origin (the Origin header,
 * or the Referer when a browser sends no Origin), and when the visitor
 * has a session its token must also match (csrf_check_visitor).
 */
#ifndef CSRF_H
#define CSRF_H

#include "base/err.h"
#include "http/http.h"

#define CSRF_TOKEN_LEN 43   /* base64url of 32 bytes, no padding */

/* csrf_init: keep the 32-byte key (copied) for this process. */
void csrf_init(const unsigned char key[32]);

/* csrf_token: write the token for a session (by its ID hash) into out. */
void csrf_token(const unsigned char id_hash[32], char out[CSRF_TOKEN_LEN + 1]);

/*
 * csrf_check: ERR_OK when token (may be NULL) is the one for id_hash,
 * ERR_FORBIDDEN otherwise. Constant time in the token's content.
 */
enum err csrf_check(const unsigned char id_hash[32], const char *token);

/*
 * csrf_check_visitor: the guard for a visitor form. ERR_OK when the
 * request was sent by a page of this origin (origin_sent_by_us) and, when
 * has_session, token (the form's "csrf" field, may be NULL) is the
 * session's token. Otherwise ERR_FORBIDDEN with *why_key set to an i18n
 * key ("cookies.guard.origin" or "cookies.guard.token").
 */
enum err csrf_check_visitor(const struct http_request *r, int has_session,
			    const unsigned char id_hash[32],
			    const char *token, const char **why_key);

#endif
