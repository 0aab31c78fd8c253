/*
 * jwtpage.h - what the token pages share: the issuer's pages (/jwt, the
 * replay lab, /jwt/storage in cgi-bin/auth.c) and the decoder and
 * forgery lab (/lab/jwt in cgi-bin/jwtlab.c). Every explanation comes
 * from the string table in the page language; page scripts agree with
 * the server on the clock and the zone through jwtpage_vars.
 */
#ifndef JWTPAGE_H
#define JWTPAGE_H

#include "base/buf.h"
#include "base/err.h"
#include "http/tmpl.h"
#include "site/ctx.h"
#include "state/token.h"

#define JWTPAGE_WORD_KEY_MAX 96   /* bytes of an explanation key */

/*
 * jwtpage_word_key: the i18n key that explains word: prefix, then word
 * with every byte other than a-z and 0-9 made '_' ("jwt.reason." and "alg
 * not allowed for this key" give "jwt.reason.alg_not_allowed_for_this_key"),
 * into key (cap bytes). Returns key, or NULL when word is NULL or does not
 * fit.
 */
const char *jwtpage_word_key(const char *prefix, const char *word,
			     char *key, size_t cap);

/*
 * jwtpage_put_word: append the explanation of word (under prefix, see
 * jwtpage_word_key) in lang as HTML. A word the string table does not
 * know appends nothing: the page still shows the word itself.
 */
enum err jwtpage_put_word(struct buf *o, const char *prefix,
			  const char *word, enum lang lang);

/* jwtpage_set_word: set name of vars (the page's or a list row's) to the
 * explanation of word in lang (see jwtpage_put_word) as HTML. */
enum err jwtpage_set_word(struct tmpl_vars *vars, enum lang lang,
			  const char *name, const char *prefix,
			  const char *word);

/*
 * jwtpage_words: set "words", the list the partial jwt_words prints as
 * the hidden list page scripts read their explanations from: each token
 * reason (the RFC 6750 error_description, which stays English on the
 * wire), refresh outcome, event kind and event detail.
 */
enum err jwtpage_words(struct ctx *c);

/*
 * jwtpage_vars: make sure of a session, then set what every token page
 * shows and its script needs to agree with the server: the key ids of k,
 * the token lifetimes, iss and aud, "now" (the site clock, demo offset
 * included), "tz" and "tz_offset" (the site's zone), "site_now" and the
 * site's "origin".
 */
enum err jwtpage_vars(struct ctx *c, const struct token_keys *k);

/* jwtpage_pasted: append s without surrounding whitespace to out.
 * ERR_INVAL when s is NULL. */
enum err jwtpage_pasted(const char *s, struct buf *out);

#endif
