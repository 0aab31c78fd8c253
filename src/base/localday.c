/*
 * localday.c - the next local midnight. See localday.h.
 */
#include "base/localday.h"

#include <time.h>

enum err localday_next_midnight(long long now, long long *out)
{
	time_t t = (time_t)now, m;
	struct tm tm;

	*out = 0;
	if (!localtime_r(&t, &tm))
		return ERR_INVAL;
	/* Tomorrow at 00:00:00; mktime normalises day 32 and finds the
	 * offset in force at that moment (tm_isdst = -1). */
	tm.tm_mday += 1;
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	m = mktime(&tm);
	if (m == (time_t)-1 || (long long)m <= now)
		return ERR_INVAL;
	*out = (long long)m;
	return ERR_OK;
}

char *localday_zone(long long t, char *out, unsigned cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!cap)
		return out;
	out[0] = '\0';
	if (localtime_r(&tt, &tm) && !strftime(out, cap, "%Z", &tm))
		out[0] = '\0';
	return out;
}
