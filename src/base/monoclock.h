/*
 * monoclock.h - the monotonic clock, for measuring how long something
 * took. Its own module, below db and kv, so that the Redis client can
 * time its round trips for the oplog (base/oplog.h) without depending on
 * the site clock (clock.h, which reads the demo offset from SQLite and
 * includes this header for its callers).
 */
#ifndef MONOCLOCK_H
#define MONOCLOCK_H

/* clock_mono_us: microseconds on the monotonic clock, for measuring how
 * long something took (never a deadline: that is clock_now's). */
double clock_mono_us(void);

#endif
