/*
 * unit.h - helpers shared by the table-driven cmocka tests. Include after
 * <cmocka.h>.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdlib.h>
#include <string.h>

/* CHECK: fail the test naming the table row, not just the line. */
#define CHECK(cond, row) do { \
	if (!(cond)) { \
		print_error("row %zu: check failed: %s\n", (size_t)(row), \
			    #cond); \
		fail(); \
	} \
} while (0)

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* repeat: a malloc'd string of n copies of c (the caller frees). */
static inline char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

#ifdef RESPONSE_H
/* unit_header: the value of the first header called name in res, or NULL.
 * For tests that include http/response.h (or a header that does) first. */
static inline const char *unit_header(const struct response *res,
				      const char *name)
{
	size_t i;

	for (i = 0; i < res->n_headers; i++)
		if (!strcmp(res->headers[i].name, name))
			return res->headers[i].value;
	return NULL;
}
#endif

#endif
