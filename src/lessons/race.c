/*
 * race.c - the transactional half of the race lab. See race.h; the naive
 * half is in race_naive.c.
 */
#include "lessons/race.h"

#include <time.h>

#define KEY_RACE "race"

void race_counts(const json_t *data, long long *safe, long long *naive)
{
	const json_t *r = json_object_get(data, KEY_RACE);

	*safe = json_integer_value(json_object_get(r, "safe"));
	*naive = json_integer_value(json_object_get(r, "naive"));
}

void race_work(void)
{
	struct timespec ts = { 0, RACE_WORK_MS * 1000000L };

	nanosleep(&ts, NULL);
}

json_t *race_object(json_t *data)
{
	json_t *r = json_object_get(data, KEY_RACE);

	if (json_is_object(r))
		return r;
	r = json_object();
	if (!r || json_object_set_new(data, KEY_RACE, r))
		return NULL;
	return r;
}

/* session_update callback: +1 on race.safe, after the same work. */
static enum err safe_apply(json_t *data, void *arg)
{
	json_t *r = race_object(data);
	json_int_t n;

	(void)arg;
	if (!r)
		return ERR_NOMEM;
	n = json_integer_value(json_object_get(r, "safe"));
	race_work();
	return json_object_set_new(r, "safe", json_integer(n + 1)) ?
		ERR_NOMEM : ERR_OK;
}

enum err race_safe_add(struct db *db, struct session *s)
{
	return session_update(db, s, safe_apply, NULL);
}

/* session_update callback: both counters to 0. */
static enum err reset_apply(json_t *data, void *arg)
{
	(void)arg;
	json_object_del(data, KEY_RACE);   /* absent is fine */
	return ERR_OK;
}

enum err race_reset(struct db *db, struct session *s)
{
	return session_update(db, s, reset_apply, NULL);
}
