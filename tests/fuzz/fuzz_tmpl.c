/*
 * fuzz_tmpl.c - libFuzzer harness for the template renderer: any source
 * text must render or fail cleanly, and a text value, in a list row or
 * not, must never reach the output unescaped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl_vars v, *row;
	struct buf out;

	tmpl_vars_init(&v);
	buf_init(&out);
	/* a, b text ({{a}}); h markup ({{{h}}}); r a list of two rows
	 * ({{*r}}{{a}}{{/r}}) whose text hides or adds to the outer names;
	 * e an empty list */
	if (tmpl_set(&v, "a", "<x>&'\"") || tmpl_set(&v, "b", "") ||
	    tmpl_set_html(&v, "h", "<i>ok</i>") || tmpl_list(&v, "e") ||
	    tmpl_row_add(&v, "r", &row) || tmpl_set(row, "a", "<x>") ||
	    tmpl_row_add(&v, "r", &row) || tmpl_set(row, "c", "<x>") ||
	    tmpl_set_html(row, "h", "<i>row</i>") || tmpl_list(row, "r"))
		abort();
	if (tmpl_render_string((const char *)data, size, &v, LANG_EN, &out) ==
	    ERR_OK && out.data && size < 4096 && !memchr(data, '<', size) &&
	    strstr(out.data, "<x>"))
		abort();   /* the escaped variable leaked raw */
	buf_cleanup(&out);
	tmpl_vars_cleanup(&v);
	return 0;
}
