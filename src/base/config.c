/*
 * config.c - bounded settings from the environment. See config.h.
 */
#include "base/config.h"

#include <errno.h>
#include <stdlib.h>

#include "base/log.h"

long long config_long(const char *name, long long def, long long min,
		      long long max)
{
	const char *s = getenv(name);
	char *end;
	long long v;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max) {
		log_msg("warn", "%s=%s is not a number in [%lld, %lld]; "
			"using %lld", name, s, min, max, def);
		return def;
	}
	return v;
}

const char *config_str(const char *name, const char *def)
{
	const char *s = getenv(name);

	return s && *s ? s : def;
}
