/*
 * clock.c - wall time plus the shared demo offset. See clock.h.
 */
#include "base/clock.h"

#include <time.h>

#include "base/log.h"

static long long cached_offset;
static time_t    cached_at = (time_t)-1;   /* wall second of the read */

enum err clock_offset(struct db *db, long long *out)
{
	return db_int(db, "SELECT offset_seconds FROM demo_clock WHERE id = 1",
		      out, "");
}

long long clock_now(struct db *db)
{
	time_t wall = time(NULL);
	long long off;

	if (wall != cached_at) {
		if (clock_offset(db, &off) == ERR_OK)
			cached_offset = off;
		else
			log_msg("warn", "demo clock unreadable; keeping %lld s",
				cached_offset);
		cached_at = wall;
	}
	return (long long)wall + cached_offset;
}

enum err clock_advance(struct db *db, long long seconds)
{
	long long off;
	enum err e;

	if (seconds < 1 || seconds > CLOCK_OFFSET_MAX)
		return ERR_INVAL;
	if ((e = db_begin(db)))
		return e;
	if ((e = clock_offset(db, &off)))
		goto fail;
	if (off + seconds > CLOCK_OFFSET_MAX) {
		e = ERR_INVAL;
		goto fail;
	}
	if ((e = db_exec(db, "UPDATE demo_clock SET offset_seconds = ? "
			 "WHERE id = 1", "i", off + seconds)) ||
	    (e = db_commit(db)))
		goto fail;
	cached_offset = off + seconds;
	cached_at = time(NULL);
	return ERR_OK;
fail:
	db_rollback(db);
	return e;
}

enum err clock_reset(struct db *db)
{
	enum err e = db_exec(db, "UPDATE demo_clock SET offset_seconds = 0 "
			     "WHERE id = 1", "");

	if (!e) {
		cached_offset = 0;
		cached_at = time(NULL);
	}
	return e;
}
