/*
 * config.h - reading settings from the environment (lighttpd.conf hands
 * them to each program), with bounds.
 */
#ifndef CONFIG_H
#define CONFIG_H

/*
 * config_long: the integer in environment variable name, or def when it is
 * unset. A value that is not a whole decimal number within [min, max] is
 * logged and def is used.
 */
long long config_long(const char *name, long long def, long long min,
		      long long max);

/* config_str: the variable's value, or def when unset or empty. */
const char *config_str(const char *name, const char *def);

#endif
