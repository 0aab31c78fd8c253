/*
 * fuzz_lab.c - libFuzzer harness for the cookie lab's form (S-C1/S-C2):
 * an application/x-www-form-urlencoded body goes through
 * http_parse_fields and lab_from_form. A form the lab accepts must build
 * (the lab never hands the builder a cookie it refuses) and stay within
 * the lab's Paths; a refused one always names a reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lessons/lab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_fields f;
	struct lab_cookie lc;
	const char *why = NULL, *bw = NULL;
	struct buf out;
	long long v;

	if (http_parse_fields((const char *)data, size, &f) != ERR_OK)
		return 0;
	(void)http_parse_num(http_field(&f, "seconds"), LAB_SECONDS_MIN,
			     LAB_SECONDS_MAX, HTTP_NUM_ZEROS, &v);
	if (lab_from_form(&f, 1700000000LL, &lc, &why, &bw) == ERR_OK) {
		buf_init(&out);
		if (why || cookie_build(&lc.spec, &out, NULL) != ERR_OK ||
		    !lc.spec.path || strncmp(lc.spec.path, "/", 1) ||
		    lab_reserved(lc.spec.name))
			abort();
		buf_cleanup(&out);
	} else if (!why) {
		abort();
	}
	http_fields_free(&f);
	return 0;
}
