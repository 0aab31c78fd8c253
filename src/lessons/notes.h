/*
 * notes.h - a small per-user resource behind the bearer check (S-J2): the
 * resource API lists and creates notes for the user named by the access
 * token's sub.
 */
#ifndef NOTES_H
#define NOTES_H

#include <jansson.h>

#include "base/db.h"
#include "base/err.h"

#define NOTES_BODY_MAX  500    /* bytes of one note */
#define NOTES_PER_USER  50     /* notes kept per user */

/* notes_list: the user's notes, newest first, as a JSON array of
 * {id, text, created} (*out, caller decrefs). */
enum err notes_list(struct db *db, long long user_id, json_t **out);

/*
 * notes_add: store text (1..NOTES_BODY_MAX bytes of valid UTF-8 without
 * control characters other than newline and tab) for user_id. ERR_INVAL
 * for bad text, ERR_TOOBIG when the user already has NOTES_PER_USER notes,
 * ERR_NOTFOUND when the user does not exist. *id is the new note.
 */
enum err notes_add(struct db *db, long long user_id, const char *text,
		   long long now, long long *id);

#endif
