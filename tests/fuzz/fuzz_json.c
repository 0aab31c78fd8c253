/*
 * fuzz_json.c - libFuzzer harness for http_parse_json (RFC 8259 via
 * jansson, with the nesting prescan).
 *
 * An accepted input must be an object no deeper than HTTP_JSON_DEPTH_MAX
 * whose compact dump parses back to an equal value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

#define ENSURE(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* depth: nesting of containers in v (a scalar is 0). */
static size_t depth(json_t *v)
{
	const char *key;
	json_t *child;
	size_t i, d, max = 0;

	if (json_is_object(v)) {
		json_object_foreach(v, key, child)
			if ((d = depth(child)) > max)
				max = d;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			if ((d = depth(child)) > max)
				max = d;
	} else {
		return 0;
	}
	return max + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = NULL, *again = NULL;
	char *dump;
	enum err e = http_parse_json((const char *)data, size, &v);

	if (e != ERR_OK) {
		ENSURE(e == ERR_INVAL || e == ERR_TOOBIG || e == ERR_NOMEM);
		ENSURE(v == NULL);
		return 0;
	}
	ENSURE(json_is_object(v));
	ENSURE(depth(v) >= 1 && depth(v) <= HTTP_JSON_DEPTH_MAX);
	dump = json_dumps(v, JSON_COMPACT);
	ENSURE(dump != NULL);
	if (strlen(dump) <= HTTP_BODY_MAX) {
		ENSURE(http_parse_json(dump, strlen(dump), &again) == ERR_OK);
		ENSURE(json_equal(v, again));
		json_decref(again);
	}
	free(dump);
	json_decref(v);
	return 0;
}
