/*
 * fuzz_lang.c - libFuzzer harness for language negotiation: the first line
 * is the lang cookie, the rest the Accept-Language header.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *nl;
	enum lang l;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	nl = strchr(s, '\n');
	if (nl)
		*nl = '\0';
	l = i18n_choose(s, nl ? nl + 1 : NULL);
	if (l != LANG_KO && l != LANG_EN)
		abort();
	free(s);
	return 0;
}
