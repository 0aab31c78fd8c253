/*
 * course.c - the class path's steps and the checkpoints the server ticks
 * (issue 14). See course.h.
 */
#include "lessons/course.h"

#include <sodium.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "http/cookie.h"
#include "site/site.h"
#include "site/wire.h"
#include "state/session.h"

#define VISITOR_BYTES 16                  /* the random "v", and its hash */
#define VISITOR_HEX   (2 * VISITOR_BYTES + 1)

const struct course_step course_steps[] = {
	{ "hello",    "S-H1",                "/cookies/hello",
	  COURSE_CLASS | COURSE_SELF },
	{ "lab",      "S-C1 · S-C2",         "/lab/",
	  COURSE_CLASS | COURSE_SELF },
	{ "lifetime", "S-C3 · S-C4",         "/cookies/lifetime",
	  COURSE_SELF },
	{ "tamper",   "S-C5",                "/cookies/tamper/",
	  COURSE_CLASS | COURSE_SELF },
	{ "prefs",    "S-C6 · S-C7 · S-C8 · S-C9", "/prefs",
	  COURSE_SELF },
	{ "login",    "S-S1 · S-S2",         "/session/login",
	  COURSE_CLASS | COURSE_SELF },
	{ "remember", "S-S3 · S-S4 · S-S9",  "/session/login",
	  COURSE_SELF },
	{ "cart",     "S-S5",                "/cart",
	  COURSE_CLASS | COURSE_SELF },
	{ "signup",   "S-S6",                "/signup/",
	  COURSE_SELF },
	{ "revoke",   "S-S7 · S-S8 · S-S10", "/session/devices",
	  COURSE_SELF },
	{ "jwt",      "S-J2 · S-J3",         "/jwt",
	  COURSE_CLASS | COURSE_SELF },
	{ "expiry",   "S-J4",                "/jwt",
	  COURSE_CLASS | COURSE_SELF },
	{ "reuse",    "S-J5",                "/jwt",
	  COURSE_CLASS | COURSE_SELF },
	{ "logout",   "S-J6 · S-J7 · S-J9 · S-J10", "/jwt",
	  COURSE_SELF },
	{ "forge",    "S-J1 · S-J8 · S-J11", "/lab/jwt",
	  COURSE_SELF },
	{ "compare",  "S-X1",                "/compare",
	  COURSE_CLASS | COURSE_SELF },
	{ "costs",    "S-X2 · S-X3",         "/lab/costs",
	  COURSE_SELF },
};
const size_t course_steps_n = sizeof(course_steps) / sizeof(course_steps[0]);

const struct course_step *course_step_find(const char *id)
{
	size_t i;

	for (i = 0; id && i < course_steps_n; i++)
		if (!strcmp(course_steps[i].id, id))
			return &course_steps[i];
	return NULL;
}

/* data.course.t, or NULL. */
static json_t *ticks_of(const json_t *data)
{
	return json_object_get(json_object_get(data, "course"), "t");
}

long long course_ticked_at(const json_t *data, const char *id)
{
	json_t *at = json_object_get(ticks_of(data), id);

	return json_is_integer(at) ? (long long)json_integer_value(at) : 0;
}

int course_claimed(const char *cookie, const char *id)
{
	size_t n = strlen(id), len, i = 0;

	if (!cookie)
		return 0;
	len = strnlen(cookie, COURSE_COOKIE_MAX);
	while (i < len) {
		size_t j = i;

		while (j < len && cookie[j] != '.')
			j++;
		if (j - i == n && !memcmp(cookie + i, id, n))
			return 1;
		i = j + 1;
	}
	return 0;
}

enum err course_mirror_cookie(struct ctx *c)
{
	struct cookie_spec cs;
	struct buf v;
	size_t i;
	enum err e = ERR_OK;

	buf_init(&v);
	for (i = 0; !e && i < course_steps_n; i++)
		if (course_ticked_at(c->sess.data, course_steps[i].id))
			e = buf_printf(&v, "%s%s", v.len ? "." : "",
				       course_steps[i].id);
	if (!e && (v.len || cookie_get(&c->req.cookies, COURSE_COOKIE))) {
		cookie_spec_init(&cs, COURSE_COOKIE, v.data ? v.data : "", "/",
				 v.len ? COOKIE_SESSION : 0,
				 c->req.https ? COOKIE_SECURE : 0,
				 SAMESITE_LAX);
		e = response_cookie(&c->res, &cs, NULL);
	}
	buf_cleanup(&v);
	return e;
}

struct tick_arg {
	const char *id;
	long long   now;
	char        visitor[VISITOR_HEX];   /* out: data.course.v */
	int         added;                  /* out: 1 when this call ticked */
};

/* session_update callback of course_enroll: data.course with a fresh
 * random key, unless it is there. */
static enum err add_course(json_t *data, void *p)
{
	unsigned char raw[VISITOR_BYTES];
	char visitor[VISITOR_HEX];
	json_t *course;

	(void)p;
	if (json_is_object(json_object_get(data, "course")))
		return ERR_OK;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(visitor, sizeof(visitor), raw, sizeof(raw));
	if (!(course = json_pack("{s:s, s:{}}", "v", visitor, "t")) ||
	    json_object_set_new(data, "course", course))
		return ERR_NOMEM;
	return ERR_OK;
}

enum err course_enroll(struct ctx *c)
{
	enum err e;

	if ((e = site_session_ensure(c)) || !c->has_session ||
	    json_is_object(json_object_get(c->sess.data, "course")))
		return e;
	return session_update(c->db, &c->sess, add_course, NULL);
}

/* session_update callback of course_tick: add the tick unless the data
 * already holds it, or holds no course (the visitor left it). */
static enum err add_tick(json_t *data, void *p)
{
	struct tick_arg *a = p;
	json_t *course = json_object_get(data, "course"), *t, *v;

	if (!json_is_object(course))
		return ERR_OK;
	v = json_object_get(course, "v");
	t = json_object_get(course, "t");
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != VISITOR_HEX - 1 ||
	    !json_is_object(t))
		return ERR_INVAL;   /* not ours: left alone */
	memcpy(a->visitor, json_string_value(v), VISITOR_HEX);
	if (json_object_get(t, a->id))
		return ERR_OK;
	if (json_object_set_new(t, a->id, json_integer(a->now)))
		return ERR_NOMEM;
	a->added = 1;
	return ERR_OK;
}

/* The visitor's row key: BLAKE2b-128 of the random "v", so the table
 * holds nothing a session store or a cookie holds. */
static void visitor_key(const char *visitor, unsigned char out[VISITOR_BYTES])
{
	crypto_generichash(out, VISITOR_BYTES, (const unsigned char *)visitor,
			   strlen(visitor), (const unsigned char *)"course", 6);
}

/* The teacher's row for a new tick, and the pruning that keeps the table
 * bounded, in one transaction. */
static enum err count_tick(struct db *db, const struct tick_arg *a)
{
	unsigned char key[VISITOR_BYTES];
	enum err e;

	visitor_key(a->visitor, key);
	if ((e = db_begin(db)))
		return e;
	if (!(e = db_exec(db, "DELETE FROM course_ticks WHERE at < ?", "i",
			  a->now - COURSE_KEEP_SECONDS)) &&
	    !(e = db_exec(db,
		"DELETE FROM course_ticks WHERE (visitor, checkpoint) NOT IN "
		"(SELECT visitor, checkpoint FROM course_ticks "
		"ORDER BY at DESC LIMIT ?)", "i",
		(long long)COURSE_ROWS_MAX - 1)))
		e = db_exec(db, "INSERT OR IGNORE INTO course_ticks "
			    "(visitor, checkpoint, at) VALUES (?, ?, ?)",
			    "bti", key, (int)sizeof(key), a->id, a->now);
	return db_finish(db, e);
}

void course_tick(struct ctx *c, const char *id)
{
	struct tick_arg a;
	enum err e;

	if (!course_step_find(id)) {
		log_msg("error", "course_tick: unknown checkpoint %s", id);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.id = id;
	a.now = c->now;
	if (!c->has_session ||
	    !json_is_object(json_object_get(c->sess.data, "course")) ||
	    course_ticked_at(c->sess.data, id))
		return;
	if ((e = session_update(c->db, &c->sess, add_tick, &a)))
		goto fail;
	if (!a.added)
		return;
	if ((e = count_tick(c->db, &a)) || (e = course_mirror_cookie(c)))
		goto fail;
	return;
fail:
	log_msg("info", "course_tick %s: %s", id, err_name(e));
	site_store_failed(c, "course.tick_failed");
}

enum err course_counts(struct db *db, long long now, json_t **out)
{
	json_t *list = json_array();
	long long visitors = 0, n;
	size_t i;
	enum err e = list ? ERR_OK : ERR_NOMEM;

	*out = NULL;
	for (i = 0; !e && i < course_steps_n; i++) {
		if ((e = db_int(db, "SELECT count(*) FROM course_ticks "
				"WHERE checkpoint = ? AND at > ?", &n, "ti",
				course_steps[i].id, now - COURSE_WINDOW)))
			break;
		if (json_array_append_new(list, json_pack(
			"{s:s, s:I}", "id", course_steps[i].id, "count",
			(json_int_t)n)))
			e = ERR_NOMEM;
	}
	if (!e)
		e = db_int(db, "SELECT count(DISTINCT visitor) FROM course_ticks"
			   " WHERE at > ?", &visitors, "i",
			   now - COURSE_WINDOW);
	if (!e && !(*out = json_pack("{s:i, s:I, s:O}", "window_seconds",
				     COURSE_WINDOW, "visitors",
				     (json_int_t)visitors, "checkpoints",
				     list)))
		e = ERR_NOMEM;
	json_decref(list);
	return e;
}

enum err course_clock_vars(struct ctx *c)
{
	static const char *const optional[] = { "clock_moved",
						"clock_was_reset", "back" };
	long long offset;
	char when[48];
	size_t i;
	enum err e;

	for (i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
		if (!tmpl_get(&c->vars, optional[i]) &&
		    (e = tmpl_set(&c->vars, optional[i], "")))
			return e;
	if ((e = clock_offset(c->db, &offset)) ||
	    (e = tmpl_setf(&c->vars, "clock_minutes", "%lld", offset / 60)) ||
	    (e = tmpl_set(&c->vars, "clock_ahead", offset ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "site_time",
			  wire_format_time(c->now, when, sizeof(when)))))
		return e;
	return ERR_OK;
}
