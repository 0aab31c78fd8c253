/*
 * course.h - the class path of issue 14: the steps of the 50-minute class
 * and of the self-study path, and the checkpoints the server ticks.
 *
 * A checkpoint is ticked only by course_tick, called by the handler that
 * really saw the action (a login, a refused forged cookie, a replayed
 * refresh token...), never by a "done" URL and never from what the
 * client wrote, and only for a visitor who opened /course
 * (course_enroll), so the lessons answer everyone else as before. A tick
 * is kept twice:
 *   - in the visitor's session data, {"course":{"v":<32 hex>,
 *     "t":{<id>:<site time>,...}}}: the truth (the session API hides
 *     whether that is SQLite or Redis);
 *   - in the SQLite table course_ticks (db/migrations/007_course.sql),
 *     one row per visitor and checkpoint, keyed by a BLAKE2b hash of the
 *     random "v" (never a session ID), for the teacher's counts; rows
 *     older than COURSE_KEEP_SECONDS are pruned and at most
 *     COURSE_ROWS_MAX are kept.
 * The cookie COURSE_COOKIE mirrors the ticks for display: readable by
 * script, Path=/, SameSite=Lax, and never believed.
 */
#ifndef COURSE_H
#define COURSE_H

#include <stddef.h>

#include <jansson.h>

#include "base/db.h"
#include "base/err.h"
#include "site/ctx.h"

#define COURSE_COOKIE        "course"
#define COURSE_ID_MAX        16        /* bytes of a checkpoint ID */
#define COURSE_COOKIE_MAX    256       /* bytes of the mirror cookie read */
#define COURSE_WINDOW        3600      /* seconds the teacher's counts span */
#define COURSE_KEEP_SECONDS  86400     /* rows older than this are pruned */
#define COURSE_ROWS_MAX      20000     /* rows course_ticks keeps at most */

/* Which path a step belongs to. */
#define COURSE_CLASS 0x1   /* the 50-minute class */
#define COURSE_SELF  0x2   /* the self-study path (every scenario) */

/*
 * One step. Its texts are the i18n keys course.<id>.title, .goal, .do,
 * .devtools, .question, .check and .facts (templates/strings/course.tsv).
 */
struct course_step {
	const char *id;      /* the checkpoint ID, [a-z]{1,16} */
	const char *ids;     /* the scenarios it covers: "S-C1 · S-C2" */
	const char *href;    /* the page where the action is done */
	unsigned    paths;   /* COURSE_CLASS | COURSE_SELF */
};

/* Every step, in the self-study order (the class keeps the same order). */
extern const struct course_step course_steps[];
extern const size_t course_steps_n;

/* course_step_find: the step whose checkpoint is id, or NULL. */
const struct course_step *course_step_find(const char *id);

/*
 * course_enroll: give the visitor a session (site_session_ensure) and
 * data.course with a fresh random key, unless it has one: the visitor
 * has opened /course and their checkpoints are ticked from now on. On a
 * read the store cannot take, nothing is enrolled (ERR_OK).
 */
enum err course_enroll(struct ctx *c);

/*
 * course_tick: the visitor has really done step id's action. For an
 * enrolled visitor (course_enroll), records the tick in the session
 * data and in course_ticks (only the first time: a tick already in the
 * session changes nothing) and sends the mirror cookie; for anyone else
 * it does nothing, so that the lessons answer as they always did. Never fails the request: a store that cannot take the tick is
 * logged and noted in the wire view (site_store_failed). An unknown id
 * is a bug, logged and ignored.
 */
void course_tick(struct ctx *c, const char *id);

/*
 * course_ticked_at: the site time at which data (a session's data
 * object, may be NULL) says step id was ticked, 0 when it was not.
 */
long long course_ticked_at(const json_t *data, const char *id);

/*
 * course_claimed: 1 when the mirror cookie value (may be NULL) lists id,
 * as the dot-separated IDs course_mirror_cookie writes. Only the first
 * COURSE_COOKIE_MAX bytes are read.
 */
int course_claimed(const char *cookie, const char *id);

/*
 * course_mirror_cookie: send Set-Cookie course=<ticked IDs joined by ".">
 * (Path=/, SameSite=Lax, no HttpOnly, a session cookie) from c's session
 * data; an expired cookie when nothing is ticked and the browser sent
 * one, nothing when it sent none.
 */
enum err course_mirror_cookie(struct ctx *c);

/*
 * course_counts: the teacher's counts at now: a new object (*out,
 * json_decref) {window_seconds, visitors, checkpoints:[{id, count}]},
 * every step in course_steps order, count = visitors who ticked it in
 * the COURSE_WINDOW seconds up to now (or later: a tick made while the
 * demo clock was ahead still counts once it is set back), visitors = distinct visitors who
 * ticked anything in that window. ERR_DB, ERR_NOMEM; *out NULL then.
 */
enum err course_counts(struct db *db, long long now, json_t **out);

/*
 * course_clock_vars: the page variables of the classroom controls
 * (templates/admin_classroom.html) shared by /session/admin and /teach:
 * clock_minutes, clock_ahead and site_time; clock_moved,
 * clock_was_reset and back (the forms' back=, "teach" on /teach) are
 * set to "" when the caller has not set them.
 */
enum err course_clock_vars(struct ctx *c);

#endif
