/*
 * clock.h - the site clock: wall time plus the demo offset a teacher sets
 * (issue 6, classroom mode). Every deadline in the site is computed from
 * clock_now, so moving the clock forward expires sessions, tokens and
 * codes exactly as waiting would.
 *
 * The offset lives in SQLite (table demo_clock) so that every program and
 * process shares it. Each process re-reads it at most once per wall-clock
 * second, so a change reaches every request within a second.
 */
#ifndef CLOCK_H
#define CLOCK_H

#include "base/db.h"
#include "base/err.h"
#include "base/monoclock.h"   /* clock_mono_us */

#define CLOCK_OFFSET_MAX 31536000   /* one year forward at the most */

/*
 * clock_now: Unix seconds on the site clock. A storage error is logged
 * and the last known offset is used, so the clock never stops.
 */
long long clock_now(struct db *db);

/* clock_offset: the current offset in seconds into *out. */
enum err clock_offset(struct db *db, long long *out);

/*
 * clock_advance: move the site clock forward by seconds (1 to
 * CLOCK_OFFSET_MAX in total; ERR_INVAL beyond). Takes effect at once in
 * this process and within a second in the others.
 */
enum err clock_advance(struct db *db, long long seconds);

/* clock_reset: back to wall time (offset 0). */
enum err clock_reset(struct db *db);

#endif
