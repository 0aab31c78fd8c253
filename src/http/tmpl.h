/*
 * tmpl.h - HTML templates that escape by default.
 *
 * Templates are the *.html files of one directory (templates/), loaded
 * once per process. The syntax is a small subset of Mustache:
 *
 *   {{name}}              the variable, HTML-escaped, always
 *   {{{name}}}            the variable as it is: markup this code built,
 *                         set with tmpl_set_html
 *   {{#name}}...{{/name}} the block when name is set and non-empty
 *   {{^name}}...{{/name}} the block when name is unset or empty
 *   {{*rows}}...{{/rows}} the block once per row of the list rows (made
 *                         with tmpl_list / tmpl_row_add), in order; inside,
 *                         a name is looked up in the row first, then
 *                         outside. {{#rows}} / {{^rows}} test whether the
 *                         list has rows. Blocks nest, also blocks of the
 *                         same name ({{#rows}}<ul>{{*rows}}..{{/rows}}</ul>
 *                         {{/rows}}), up to TMPL_DEPTH_MAX.
 *   {{@key}}              the i18n string in the page language, escaped;
 *                         `text` in backticks becomes <code>text</code>;
 *                         with LANG_BOTH "Korean / English" (a label)
 *   {{%key}}              the i18n string as a paragraph, <p lang=..>, in
 *                         the page language; with LANG_BOTH the two side by
 *                         side (tmpl_put_bilingual)
 *   {{>name}}             another template, with the same variables
 *
 * A variable the template names but the caller did not set is a bug: the
 * render fails with ERR_INTERNAL and logs the template and the name. So is
 * a variable set with tmpl_set_html but printed {{name}}, or set with
 * tmpl_set / tmpl_setf but printed {{{name}}}: which values are raw is
 * written in the template and checked against the C code on every render.
 */
#ifndef TMPL_H
#define TMPL_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "http/i18n.h"

#define TMPL_VARS_MAX   64           /* variables in one render */
#define TMPL_FILES_MAX  256          /* templates in the directory */
#define TMPL_FILE_MAX   (256u * 1024u)
#define TMPL_DEPTH_MAX  8            /* nesting of blocks and partials */
#define TMPL_ROWS_MAX   4096         /* rows in one list */

enum tmpl_kind {
	TMPL_TEXT,   /* escaped when printed: {{name}} */
	TMPL_HTML,   /* trusted markup, printed as is: {{{name}}} */
	TMPL_LIST,   /* rows for {{*name}}...{{/name}} */
};

struct tmpl_vars;

struct tmpl_var {
	char              *name;     /* owned */
	size_t             name_len; /* strlen(name) */
	char              *value;    /* owned; NULL for a list */
	enum tmpl_kind     kind;
	struct tmpl_vars **rows;     /* owned, each row too; lists only */
	size_t             n_rows;
};

struct tmpl_vars {
	struct tmpl_var v[TMPL_VARS_MAX];
	size_t          n;
};

/* tmpl_vars_init: an empty set. */
void tmpl_vars_init(struct tmpl_vars *vars);

/* tmpl_vars_cleanup: free every variable; the set is empty after. */
void tmpl_vars_cleanup(struct tmpl_vars *vars);

/*
 * tmpl_set: set name to text (copied), replacing an earlier value. The text
 * is escaped when rendered. ERR_TOOBIG past TMPL_VARS_MAX.
 */
enum err tmpl_set(struct tmpl_vars *vars, const char *name, const char *text);

/* tmpl_setf: tmpl_set with printf-style formatting. */
enum err tmpl_setf(struct tmpl_vars *vars, const char *name,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * tmpl_set_html: set name to markup that is already safe (copied). Only
 * for HTML this program built through tmpl_render or buf_put_html.
 */
enum err tmpl_set_html(struct tmpl_vars *vars, const char *name,
		       const char *html);

/*
 * tmpl_list: make name an empty list (replacing an earlier value), for a
 * {{*name}} section that may have no rows. ERR_TOOBIG past TMPL_VARS_MAX.
 */
enum err tmpl_list(struct tmpl_vars *vars, const char *name);

/*
 * tmpl_row_add: append a row to the list name, making the list when name
 * is unset, and point *row at the row's variables, empty, for tmpl_set,
 * tmpl_set_html, or tmpl_row_add for a list inside the row. The row is
 * owned by vars and lives until tmpl_vars_cleanup(vars) or until name is
 * set again. ERR_INVAL when name is set as a value, ERR_TOOBIG past
 * TMPL_ROWS_MAX rows or TMPL_VARS_MAX variables, ERR_NOMEM; *row is NULL
 * on failure.
 */
enum err tmpl_row_add(struct tmpl_vars *vars, const char *name,
		      struct tmpl_vars **row);

/*
 * tmpl_set_i18n: set name to the i18n string key in lang as HTML (as
 * {{@key}} prints it), for a key the C code chooses; print it {{{name}}}.
 */
enum err tmpl_set_i18n(struct tmpl_vars *vars, const char *name,
		       const char *key, enum lang lang);

/*
 * tmpl_set_bilingual: set name to the i18n string key as
 * tmpl_put_bilingual makes it with tag ("p" or "span") in lang (one
 * language, or LANG_BOTH side by side), for a key the C code chooses;
 * print it {{{name}}}.
 */
enum err tmpl_set_bilingual(struct tmpl_vars *vars, const char *name,
			    const char *key, enum lang lang, const char *tag);

/* tmpl_get: the value of name, or NULL when unset or a list. Owned by
 * vars. */
const char *tmpl_get(const struct tmpl_vars *vars, const char *name);

/*
 * tmpl_load_dir: load every *.html file of dir (the name without ".html"
 * is the template name), replacing any loaded before.
 */
enum err tmpl_load_dir(const char *dir);

/* tmpl_free_all: drop the loaded templates. */
void tmpl_free_all(void);

/*
 * tmpl_render: render template name with vars in lang (one language, or
 * LANG_BOTH for both side by side), appending to out.
 * ERR_NOTFOUND for an unknown template, ERR_INTERNAL for a syntax error or
 * an unset variable or one printed as the other kind (text raw, HTML
 * escaped), ERR_TOOBIG from the buffer.
 */
enum err tmpl_render(const char *name, const struct tmpl_vars *vars,
		     enum lang lang, struct buf *out);

/*
 * tmpl_render_string: as tmpl_render, over src[0..n) (used by tests and
 * fuzzers).
 */
enum err tmpl_render_string(const char *src, size_t n,
			    const struct tmpl_vars *vars, enum lang lang,
			    struct buf *out);

/*
 * tmpl_put_bilingual: the i18n string key as the page shows it, tag "p"
 * (a paragraph) or "span". For one language, one <tag lang="ko|en">
 * element: a page never shows the other language. For LANG_BOTH, the two
 * side by side, Korean first: <div class="both"><p lang="ko">..</p><p
 * lang="en">..</p></div> (two columns, see site.css), or for "span"
 * <span class="both"><span lang="ko">..</span> / <span lang="en">..</span>
 * </span>. The text is HTML as i18n_put_html makes it.
 */
enum err tmpl_put_bilingual(struct buf *out, const char *key, enum lang lang,
			    const char *tag);

#endif
