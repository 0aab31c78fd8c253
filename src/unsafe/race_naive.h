/*
 * race_naive.h - INSECURE BY DESIGN: the naive session store of the race
 * lab (S-S5), beside the real one of lessons/race.h. Only /cart/race
 * (cgi-bin/cart.c) links it.
 */
#ifndef RACE_NAIVE_H
#define RACE_NAIVE_H

#include "base/db.h"
#include "base/err.h"
#include "state/session.h"

/*
 * race_naive_add: INSECURE BY DESIGN. Add 1 to race.naive of s by reading
 * the whole data, waiting RACE_WORK_MS, and writing the whole data back,
 * with no transaction and no check that it changed meanwhile. s->data is
 * what was written.
 */
enum err race_naive_add(struct db *db, struct session *s);

#endif
