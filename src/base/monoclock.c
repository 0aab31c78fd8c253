/*
 * monoclock.c - the monotonic clock. See monoclock.h.
 */
#include "base/monoclock.h"

#include <time.h>

double clock_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}
