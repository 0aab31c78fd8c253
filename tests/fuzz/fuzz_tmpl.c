/*
 * fuzz_tmpl.c - libFuzzer harness for the template renderer: any source
 * text must render or fail cleanly, and a variable's value must never
 * reach the output unescaped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl_vars v;
	struct buf out;

	tmpl_vars_init(&v);
	buf_init(&out);
	if (tmpl_set(&v, "a", "<x>&'\"") || tmpl_set(&v, "b", "") ||
	    tmpl_set_html(&v, "h", "<i>ok</i>"))
		abort();
	if (tmpl_render_string((const char *)data, size, &v, LANG_EN, &out) ==
	    ERR_OK && out.data && size < 4096 && !memchr(data, '<', size) &&
	    strstr(out.data, "<x>"))
		abort();   /* the escaped variable leaked raw */
	buf_cleanup(&out);
	tmpl_vars_cleanup(&v);
	return 0;
}
