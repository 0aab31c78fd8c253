/*
 * visits.h - the visit counter of S-C8: one row per browser, found by the
 * random visitId cookie (128 bits, base64url). Only the ID's BLAKE2b-256
 * hash is stored, so the table cannot be used to impersonate a visitor.
 *
 * Each record is a read-modify-write in one BEGIN IMMEDIATE transaction,
 * so two tabs counting at once never lose a visit.
 */
#ifndef VISITS_H
#define VISITS_H

#include "base/db.h"
#include "base/err.h"

#define VISITS_ID_BYTES 16
#define VISITS_ID_LEN   22          /* base64url of 16 bytes, no padding */
#define VISITS_MAX_AGE  2592000L    /* 30 days: the cookie and the row */

struct visit {
	char      id[VISITS_ID_LEN + 1]; /* the ID to (re)send */
	long long count;
	long long first_seen;
	long long last_seen;
	long long previous;              /* last_seen before this visit, or 0 */
	int       is_new;                /* 1: a new ID was issued */
};

/* visits_id_valid: 1 when id is VISITS_ID_LEN base64url characters. */
int visits_id_valid(const char *id);

/*
 * visits_record: count one visit at now by the browser holding id (may be
 * NULL). A malformed, unknown or expired id is never adopted: a fresh
 * random ID and row are made (v->is_new = 1). Rows unseen for
 * VISITS_MAX_AGE are purged when a visitor is added. ERR_DB on storage
 * failure, ERR_UNAVAILABLE when the store cannot be written now (a full
 * disk); v is zeroed on failure.
 */
enum err visits_record(struct db *db, const char *id, long long now,
		       struct visit *v);

/*
 * visits_peek: what is stored for id, changing nothing (for a read served
 * while the store cannot be written). v is zeroed, with v->id = id, when
 * id is malformed or unknown; ERR_OK then too. ERR_DB, ERR_UNAVAILABLE.
 */
enum err visits_peek(struct db *db, const char *id, struct visit *v);

/*
 * visits_forget: delete the row of id. ERR_NOTFOUND when there is none
 * (or id is malformed); nothing changes then.
 */
enum err visits_forget(struct db *db, const char *id);

#endif
