/*
 * localday.h - "today" in the server's time zone (the TZ environment
 * variable, default Asia/Seoul via the Makefile), for S-C7: a cookie that
 * lasts until the next local midnight.
 */
#ifndef LOCALDAY_H
#define LOCALDAY_H

#include "base/err.h"

/*
 * localday_next_midnight: the Unix time of the first 00:00:00 local time
 * strictly after now, in the process's TZ. Daylight-saving days are
 * handled by mktime (a day may be 23 or 25 hours). ERR_INVAL when now is
 * not representable as a local time. *out is 0 on failure.
 */
enum err localday_next_midnight(long long now, long long *out);

/*
 * localday_zone: the abbreviation of the local zone at t ("KST"), into
 * out (cap bytes, at least 8). Returns out ("" when unknown).
 */
char *localday_zone(long long t, char *out, unsigned cap);

#endif
