/*
 * jwtpage.c - what the token pages share. See jwtpage.h.
 */
#include "lessons/jwtpage.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/localday.h"
#include "http/origin.h"
#include "site/site.h"
#include "site/wire.h"
#include "state/refresh.h"

/*
 * The kinds a family's history can hold: the events src/refresh.c writes
 * and the revoke reasons its callers give (logout, the devices page, the
 * password change, the admin, the demo reset).
 */
static const char *const event_kinds[] = {
	"login", "refresh", "reuse", "pair_mismatch", "logout", "logout_all",
	"revoke", "password_change", "revoke_all", "reset", NULL
};

/* The details src/refresh.c writes with an event. */
static const char *const event_details[] = {
	"pair binding on", "a spent refresh token was presented again",
	"another access token came with it", "no access token came with it",
	NULL
};

const char *jwtpage_word_key(const char *prefix, const char *word,
			     char *key, size_t cap)
{
	size_t n = strlen(prefix), i;

	if (!word || n + strlen(word) + 1 > cap)
		return NULL;
	memcpy(key, prefix, n);
	for (i = 0; word[i]; i++)
		key[n + i] = (word[i] >= 'a' && word[i] <= 'z') ||
			(word[i] >= '0' && word[i] <= '9') ? word[i] : '_';
	key[n + i] = '\0';
	return key;
}

enum err jwtpage_put_word(struct buf *o, const char *prefix,
			  const char *word, enum lang lang)
{
	char key[JWTPAGE_WORD_KEY_MAX];

	if (!jwtpage_word_key(prefix, word, key, sizeof(key)) || !i18n_has(key))
		return ERR_OK;
	return i18n_put_html(o, key, lang);
}

/* One row group:word of the words list (jwt_words.html). */
static enum err set_word_row(struct ctx *c, const char *group,
			     const char *prefix, const char *word)
{
	struct tmpl_vars *row;
	enum err e;

	if ((e = tmpl_row_add(&c->vars, "words", &row)) ||
	    (e = tmpl_set(row, "group", group)) ||
	    (e = tmpl_set(row, "word", word)))
		return e;
	return jwtpage_set_word(row, c->shown, "meaning", prefix, word);
}

enum err jwtpage_words(struct ctx *c)
{
	int r;
	size_t i;
	enum err e;

	e = tmpl_list(&c->vars, "words");
	for (r = TOKEN_MALFORMED; !e && r <= TOKEN_NO_ACCOUNT; r++)
		e = set_word_row(c, "reason", "jwt.reason.",
				 token_reason_text((enum token_reason)r));
	if (!e)
		e = set_word_row(c, "reason", "jwt.reason.",
				 "no bearer token");
	for (r = REFRESH_OK; !e && r <= REFRESH_PAIR_MISMATCH; r++)
		e = set_word_row(c, "outcome", "jwt.outcome.",
				 refresh_outcome_text((enum refresh_outcome)r));
	for (i = 0; !e && event_kinds[i]; i++)
		e = set_word_row(c, "event", "jwt.event.", event_kinds[i]);
	for (i = 0; !e && event_details[i]; i++)
		e = set_word_row(c, "detail", "jwt.detail.", event_details[i]);
	return e;
}

/*
 * The site's time zone at t: its abbreviation ("KST") into label (cap
 * bytes, at least 8; "UTC" when unknown) and its offset east of UTC in
 * seconds into *offset. Page scripts format times with these, never with
 * the browser's zone. A zone with daylight saving gets the offset of t.
 */
static void site_zone(long long t, char *label, size_t cap,
		      long long *offset)
{
	time_t tt = (time_t)t;
	struct tm lt, gt;
	long long days;

	*offset = 0;
	if (!localday_zone(t, label, (unsigned)cap)[0])
		snprintf(label, cap, "UTC");
	if (!localtime_r(&tt, &lt) || !gmtime_r(&tt, &gt))
		return;
	if (lt.tm_year != gt.tm_year)
		days = lt.tm_year > gt.tm_year ? 1 : -1;
	else
		days = lt.tm_yday - gt.tm_yday;
	*offset = days * 86400 + (lt.tm_hour - gt.tm_hour) * 3600LL +
		(lt.tm_min - gt.tm_min) * 60LL + (lt.tm_sec - gt.tm_sec);
}

/*
 * Set name to the string key in the page language with its "{n}" made
 * n ("{n}초", "{n} s"): numbers with their unit, from the string table.
 */
static enum err set_count(struct ctx *c, const char *name, const char *key,
			  long long n)
{
	const char *s = i18n_get(key, c->lang);
	const char *at = strstr(s, "{n}");

	if (!at)
		return tmpl_set(&c->vars, name, s);
	return tmpl_setf(&c->vars, name, "%.*s%lld%s", (int)(at - s), s, n,
			 at + 3);
}

enum err jwtpage_vars(struct ctx *c, const struct token_keys *k)
{
	char tz[16], when[48];
	long long tz_offset;
	long long access_ttl = token_access_ttl();
	long long refresh_seconds = refresh_ttl();
	enum err e;

	site_zone(c->now, tz, sizeof(tz), &tz_offset);
	wire_format_time(c->now, when, sizeof(when));
	if ((e = site_session_ensure(c)) ||
	    (e = tmpl_set(&c->vars, "hs_kid", k->hs_kid)) ||
	    (e = tmpl_set(&c->vars, "rs_kid", k->rs_kid)) ||
	    (e = tmpl_setf(&c->vars, "access_ttl", "%lld", access_ttl)) ||
	    (e = tmpl_setf(&c->vars, "refresh_ttl", "%lld",
			   refresh_seconds)) ||
	    (e = set_count(c, "access_life", "jwt.unit.seconds",
			   access_ttl)) ||
	    (e = set_count(c, "refresh_life", "jwt.unit.seconds",
			   refresh_seconds)) ||
	    (e = tmpl_set(&c->vars, "iss", TOKEN_ISSUER)) ||
	    (e = tmpl_set(&c->vars, "aud", TOKEN_AUDIENCE)) ||
	    (e = tmpl_setf(&c->vars, "now", "%lld", c->now)) ||
	    (e = tmpl_set(&c->vars, "tz", tz)) ||
	    (e = tmpl_setf(&c->vars, "tz_offset", "%lld", tz_offset)) ||
	    (e = tmpl_set(&c->vars, "site_now", when)) ||
	    (e = tmpl_setf(&c->vars, "origin", "%s%s",
			   origin_scheme(&c->req), origin_host(&c->req))))
		return e;
	return ERR_OK;
}

enum err jwtpage_set_word(struct tmpl_vars *vars, enum lang lang,
			  const char *name, const char *prefix,
			  const char *word)
{
	struct buf o;
	enum err e;

	buf_init(&o);
	if (!(e = jwtpage_put_word(&o, prefix, word, lang)))
		e = tmpl_set_html(vars, name, o.data ? o.data : "");
	buf_cleanup(&o);
	return e;
}

enum err jwtpage_pasted(const char *s, struct buf *out)
{
	size_t n;

	if (!s)
		return ERR_INVAL;
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' ||
		     s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	return buf_append(out, s, n);
}

