/*
 * race.h - the race lab of the cart lesson (S-S5): one counter in the
 * session data ("race": {"safe": n, "naive": n}) incremented two ways.
 *
 * race_safe_add is the real store: one session_update, a BEGIN IMMEDIATE
 * read-modify-write, so every increment counts. race_naive_add (in
 * unsafe/race_naive.h, insecure by design) reads the whole session data, works,
 * and writes it all back without a transaction: two requests that overlap
 * both read the same old value, and the later write erases the earlier one
 * (a lost update) - together with anything else changed meanwhile.
 *
 * Both pretend to work for RACE_WORK_MS between the read and the write,
 * so the overlap is easy to hit with a handful of concurrent requests.
 */
#ifndef RACE_H
#define RACE_H

#include "base/db.h"
#include "base/err.h"
#include "state/session.h"

#define RACE_WORK_MS 20     /* simulated work between read and write */

/* race_safe_add: add 1 to race.safe of s inside one transaction. */
enum err race_safe_add(struct db *db, struct session *s);

/* race_reset: set both counters to 0 (transactionally). */
enum err race_reset(struct db *db, struct session *s);

/* race_counts: the two counters in session data (0 when absent). */
void race_counts(const json_t *data, long long *safe, long long *naive);

/* race_work: the simulated work, RACE_WORK_MS long (both modes). */
void race_work(void);

/* race_object: data's "race" object, created when absent; NULL when out of
 * memory. Owned by data. */
json_t *race_object(json_t *data);

#endif
