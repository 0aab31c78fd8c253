/*
 * log.c - stderr logging. See log.h.
 */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static const char *program = "site";

void log_set_program(const char *name)
{
	program = name;
}

void log_msg(const char *level, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s[%ld] %s: ", program, (long)getpid(), level);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
