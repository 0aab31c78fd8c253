/*
 * log.h - one-line log records on stderr, which lighttpd puts in its error
 * log. Client input is never logged raw: callers pass lengths and names,
 * not the hostile bytes themselves.
 */
#ifndef LOG_H
#define LOG_H

/* log_set_program: name printed at the start of every line (kept, not copied). */
void log_set_program(const char *name);

/* log_msg: "program[pid] level: message\n" on stderr; level is "info",
 * "warn" or "error". */
void log_msg(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
