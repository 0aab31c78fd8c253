/*
 * fuzz_origin.c - libFuzzer harness for the Origin, Referer and Host
 * handling of S-C6 and S-C9: prefs_same_origin, prefs_back_path,
 * cors_relation and cors_apply. Input: "host\norigin\nreferer". A back
 * path is always a local path; an echoed Origin never carries CR or LF.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/origin.h"
#include "lessons/cors.h"
#include "site/prefs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const allowed[] = { "http://localhost:8081", NULL };
	char *s = malloc(size + 1), *origin, *referer;
	struct http_request r;
	struct response res;
	const char *back;
	int granted, m;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	origin = strchr(s, '\n');
	if (origin)
		*origin++ = '\0';
	else
		origin = s + size;
	referer = strchr(origin, '\n');
	if (referer)
		*referer++ = '\0';
	else
		referer = s + size;
	memset(&r, 0, sizeof(r));
	r.host = s;
	r.origin = origin;
	r.referer = referer;
	r.https = size & 1;
	(void)origin_sent_by_us(&r);
	back = origin_back_path(&r);
	if (back && (back[0] != '/' || back[1] == '/'))
		abort();
	(void)cors_relation(origin, r.https, s);
	for (m = CORS_NONE; m <= CORS_CREDENTIALS; m++) {
		response_init(&res);
		(void)cors_apply(&res, (enum cors_mode)m, origin, allowed,
				 &granted);
		for (size_t i = 0; i < res.n_headers; i++)
			if (strpbrk(res.headers[i].value, "\r\n"))
				abort();
		response_cleanup(&res);
	}
	free(s);
	return 0;
}
