/*
 * course - the class path and the teacher's view (issue 14). /course
 * orders the scenarios (S-H1, S-C1..9, S-S1..10, S-J1..11, S-X1..3) into
 * a 50-minute class and a self-study path, each step with its goal, what
 * to do, what to look for in devtools, a question and a checkpoint; the
 * checklist shows what the server ticked (the session: the truth) beside
 * what the `course` cookie claims (a mirror, editable, never believed).
 * No route here ticks anything: the handlers that saw the real actions
 * do (course_tick, src/lessons/course.h).
 *
 * /teach is the teacher's (admin role): the counts of the last hour
 * (polled from /teach/counts by www/static/js/course.js; the page works
 * without it), the demo clock and reset of /session/admin (the same
 * partial, templates/admin_classroom.html), the projector mode and the
 * printable handouts (/course/handout).
 */
#include <stdio.h>
#include <string.h>

#include "lessons/course.h"
#include "site/site.h"
#include "site/wire.h"

/*
 * The query field name, one of choices (NULL-terminated; the first is
 * also what an absent field means), as its index in *out; ERR_INVAL with
 * error_key for anything else.
 */
static enum err query_choice(struct ctx *c, const char *name,
			     const char *const choices[], const char *error_key,
			     int *out)
{
	const char *v = http_field(&c->req.query, name);
	int i;

	for (i = 0; choices[i]; i++)
		if (!v || !strcmp(v, choices[i])) {
			*out = i;
			return ERR_OK;
		}
	c->error_key = error_key;
	return ERR_INVAL;
}

/* ?path=: "class" (the default) or "self". */
static enum err path_of(struct ctx *c, unsigned *path)
{
	static const char *const paths[] = { "class", "self", NULL };
	int i = 0;
	enum err e = query_choice(c, "path", paths, "course.bad_path", &i);

	*path = i ? COURSE_SELF : COURSE_CLASS;
	return e;
}

/* ?projector=: absent or "0" off, "1" on. */
static enum err projector_of(struct ctx *c, int *on)
{
	static const char *const values[] = { "0", "1", NULL };

	return query_choice(c, "projector", values, "course.bad_projector",
			    on);
}

/* One text of a step: course.<id>.<part> in the page language, as HTML. */
static enum err step_text(struct ctx *c, struct tmpl_vars *row,
			  const struct course_step *s, const char *part)
{
	char key[64];

	snprintf(key, sizeof(key), "course.%s.%s", s->id, part);
	return tmpl_set_i18n(row, part, key, c->shown);
}

/*
 * The list "steps" of path: each step's number, ids, link, texts, and
 * whether the session ticked it (ticked, at), the cookie claims it
 * (claimed) and the cookie claims it without the session (forged). Sets
 * done_n, total_n and forged_any.
 */
static enum err set_steps(struct ctx *c, unsigned path)
{
	static const char *const parts[] = { "title", "goal", "do",
		"devtools", "question", "check", "facts" };
	const char *cookie = cookie_get(&c->req.cookies, COURSE_COOKIE);
	struct tmpl_vars *row;
	size_t i, k, n = 0, done = 0, forged = 0;
	long long at;
	int claimed;
	char when[48];
	enum err e;

	if ((e = tmpl_list(&c->vars, "steps")))
		return e;
	for (i = 0; i < course_steps_n; i++) {
		const struct course_step *s = &course_steps[i];

		if (!(s->paths & path))
			continue;
		at = course_ticked_at(c->sess.data, s->id);
		claimed = course_claimed(cookie, s->id);
		n++;
		done += at != 0;
		forged += claimed && !at;
		if ((e = tmpl_row_add(&c->vars, "steps", &row)) ||
		    (e = tmpl_setf(row, "n", "%zu", n)) ||
		    (e = tmpl_set(row, "id", s->id)) ||
		    (e = tmpl_set(row, "ids", s->ids)) ||
		    (e = tmpl_set(row, "href", s->href)) ||
		    (e = tmpl_set(row, "ticked", at ? "1" : "")) ||
		    (e = tmpl_set(row, "at", at ? wire_format_time(
				  at, when, sizeof(when)) : "")) ||
		    (e = tmpl_set(row, "claimed", claimed ? "1" : "")) ||
		    (e = tmpl_set(row, "forged", claimed && !at ? "1" : "")))
			return e;
		for (k = 0; k < sizeof(parts) / sizeof(parts[0]); k++)
			if ((e = step_text(c, row, s, parts[k])))
				return e;
	}
	if ((e = tmpl_setf(&c->vars, "done_n", "%zu", done)) ||
	    (e = tmpl_setf(&c->vars, "total_n", "%zu", n)) ||
	    (e = tmpl_set(&c->vars, "forged_any", forged ? "1" : "")))
		return e;
	return ERR_OK;
}

/* The variables every course page shares: which path, projector. */
static enum err path_vars(struct ctx *c, unsigned path, int projector)
{
	enum err e;

	if ((e = tmpl_set(&c->vars, "is_class",
			  path == COURSE_CLASS ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "path", path == COURSE_CLASS ? "class" :
			  "self")) ||
	    (e = tmpl_set(&c->vars, "projector", projector ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "cookie_value",
			  cookie_get(&c->req.cookies, COURSE_COOKIE) ?
			  cookie_get(&c->req.cookies, COURSE_COOKIE) : "")))
		return e;
	return set_steps(c, path);
}

/*
 * GET /course[?path=class|self][&projector=1]: the path and its
 * checklist. Opening it enrolls the visitor (a guest session is made
 * when there is none), so that the real actions are ticked; the mirror cookie is rewritten
 * from the session (an edited one is shown, then repaired).
 */
static enum err course_page(struct ctx *c)
{
	unsigned path;
	int projector;
	enum err e;

	if ((e = path_of(c, &path)) || (e = projector_of(c, &projector)) ||
	    (e = course_enroll(c)) ||
	    (e = path_vars(c, path, projector)))
		return e;
	if (c->has_session && (e = course_mirror_cookie(c)))
		return e;
	site_page(c, "course", path == COURSE_CLASS ? "course.title.class" :
		  "course.title.self");
	return ERR_OK;
}

/*
 * GET /course/state: {steps:[{id, ids, href, title, facts, class, self,
 * ticked, at, claimed}], ticked:[ids], forged:[ids], cookie (absent
 * without one), labels:{facts, off}}: the checklist as JSON, texts in
 * the page language, for the script and the tests. Changes nothing.
 */
static enum err course_state(struct ctx *c)
{
	const char *cookie = cookie_get(&c->req.cookies, COURSE_COOKIE);
	json_t *steps = json_array(), *ticked = json_array();
	json_t *forged = json_array();
	size_t i;
	enum err e = steps && ticked && forged ? ERR_OK : ERR_NOMEM;

	for (i = 0; !e && i < course_steps_n; i++) {
		const struct course_step *s = &course_steps[i];
		long long at = course_ticked_at(c->sess.data, s->id);
		int claimed = course_claimed(cookie, s->id);
		char key[64], fkey[64];

		snprintf(key, sizeof(key), "course.%s.title", s->id);
		snprintf(fkey, sizeof(fkey), "course.%s.facts", s->id);
		if (json_array_append_new(steps, json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:I, s:b}",
			"id", s->id, "ids", s->ids, "href", s->href,
			"title", i18n_get(key, c->shown),
			"facts", i18n_get(fkey, c->shown),
			"class", !!(s->paths & COURSE_CLASS),
			"self", !!(s->paths & COURSE_SELF),
			"ticked", at != 0, "at", (json_int_t)at,
			"claimed", claimed)) ||
		    (at && json_array_append_new(ticked,
						 json_string(s->id))) ||
		    (claimed && !at && json_array_append_new(
			forged, json_string(s->id))))
			e = ERR_NOMEM;
	}
	if (e) {
		json_decref(steps);
		json_decref(ticked);
		json_decref(forged);
		return e;
	}
	return site_json(c, json_pack("{s:o, s:o, s:o, s:s?, s:{s:s, s:s}}",
				      "steps", steps, "ticked", ticked,
				      "forged", forged, "cookie", cookie,
				      "labels", "facts",
				      i18n_get("course.facts", c->shown),
				      "off", i18n_get("course.projector.off",
						      c->shown)));
}

/*
 * GET /course/handout?path=class|self[&lang=ko|en]: the path on one
 * printable page (print CSS), in the page language or the one asked.
 */
static enum err handout(struct ctx *c)
{
	const char *lang = http_field(&c->req.query, "lang");
	unsigned path;
	enum err e;

	if (lang && !strcmp(lang, "ko"))
		c->lang = c->shown = LANG_KO;
	else if (lang && !strcmp(lang, "en"))
		c->lang = c->shown = LANG_EN;
	else if (lang) {
		c->error_key = "course.bad_lang";
		return ERR_INVAL;
	}
	if ((e = path_of(c, &path)) || (e = path_vars(c, path, 0)))
		return e;
	site_page(c, "course_handout", path == COURSE_CLASS ?
		  "course.handout.class" : "course.handout.self");
	return ERR_OK;
}

/* The teacher's pages: 401 without a login, 403 for a login that is not
 * the admin role (as /session/admin, whose error key it shares). */
static enum err need_teacher(struct ctx *c)
{
	if (!c->logged_in) {
		c->error_key = "teach.need_login";
		return ERR_AUTH;
	}
	if (strcmp(c->user.role, "admin")) {
		c->error_key = "admin.forbidden";
		return ERR_FORBIDDEN;
	}
	return ERR_OK;
}

/* The list "counts" ({id, title, ids, count}) for the teacher's table
 * without script, from course_counts' answer. */
static enum err set_counts(struct ctx *c, json_t *counts)
{
	json_t *one;
	struct tmpl_vars *row;
	size_t i;
	enum err e;

	if ((e = tmpl_list(&c->vars, "counts")) ||
	    (e = tmpl_setf(&c->vars, "visitors", "%lld", (long long)
			   json_integer_value(json_object_get(counts,
							      "visitors")))))
		return e;
	json_array_foreach(json_object_get(counts, "checkpoints"), i, one) {
		const struct course_step *s = course_step_find(
			json_string_value(json_object_get(one, "id")));
		char key[64];

		if (!s)
			return ERR_INTERNAL;
		snprintf(key, sizeof(key), "course.%s.title", s->id);
		if ((e = tmpl_row_add(&c->vars, "counts", &row)) ||
		    (e = tmpl_set(row, "id", s->id)) ||
		    (e = tmpl_set(row, "ids", s->ids)) ||
		    (e = tmpl_set(row, "in_class", s->paths & COURSE_CLASS ?
				  "1" : "")) ||
		    (e = tmpl_set_i18n(row, "title", key, c->shown)) ||
		    (e = tmpl_setf(row, "count", "%lld", (long long)
				   json_integer_value(json_object_get(
					   one, "count")))))
			return e;
	}
	return ERR_OK;
}

/* GET /teach[?projector=1]: counts, classroom controls, handouts. */
static enum err teach(struct ctx *c)
{
	json_t *counts = NULL;
	int projector;
	enum err e;

	if ((e = need_teacher(c)) || (e = projector_of(c, &projector)))
		return e;
	if ((e = course_counts(c->db, c->now, &counts)))
		return e;
	if (!(e = set_counts(c, counts)) &&
	    !(e = tmpl_set(&c->vars, "projector", projector ? "1" : "")) &&
	    !(e = tmpl_setf(&c->vars, "window_minutes", "%d",
			    COURSE_WINDOW / 60)) &&
	    !(e = tmpl_set(&c->vars, "back", "teach")) &&
	    !(e = course_clock_vars(c)))
		site_page(c, "teach", "teach.title");
	json_decref(counts);
	return e;
}

/* GET /teach/counts: course_counts as JSON, for the teacher's script. */
static enum err teach_counts(struct ctx *c)
{
	json_t *counts = NULL;
	enum err e;

	if ((e = need_teacher(c)) ||
	    (e = course_counts(c->db, c->now, &counts)))
		return e;
	return site_json(c, counts);
}

static const char *const course_fields[] = { "path", "projector", NULL };
static const char *const handout_fields[] = { "path", "lang", NULL };
static const char *const teach_fields[] = { "projector", NULL };

static const struct route routes[] = {
	{ HTTP_GET, "/course",         course_page,  0,          course_fields },
	{ HTTP_GET, "/course/state",   course_state, ROUTE_JSON, NULL },
	{ HTTP_GET, "/course/handout", handout,      0,          handout_fields },
	{ HTTP_GET, "/teach",          teach,        0,          teach_fields },
	{ HTTP_GET, "/teach/counts",   teach_counts, ROUTE_JSON, NULL },
};

int main(void)
{
	return site_run("course", routes, sizeof(routes) / sizeof(routes[0]));
}
