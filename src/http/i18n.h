/*
 * i18n.h - Korean and English strings, and choosing between them.
 *
 * Strings live in the .tsv files of templates/strings/ (one per part of the
 * site), one per line: "key<TAB>Korean<TAB>English". Lines starting with
 * '#' are comments. A key may appear only once across all files. The
 * table is loaded once per process.
 */
#ifndef I18N_H
#define I18N_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define I18N_STRINGS_MAX 2048   /* keys in the table */
#define I18N_FILE_MAX   (512u * 1024u)  /* bytes of all files together */
#define I18N_FILES_MAX  32             /* files in the strings folder */

/*
 * A language, or what a page shows. LANG_KO and LANG_EN are languages.
 * LANG_BOTH is a display mode, never a language: the page shows Korean
 * and English side by side, for a mixed class. Wherever one language is
 * needed (i18n_get, i18n_code, dates, plurals) LANG_BOTH reads as its
 * primary language, Korean (i18n_primary). Code that indexes by language
 * must take i18n_primary first.
 */
enum lang { LANG_KO = 0, LANG_EN = 1, LANG_BOTH = 2 };

/*
 * i18n_load: read one string file at path, replacing any table loaded
 * before. ERR_INVAL for a malformed line or a repeated key (logged; the
 * old table stays), ERR_NOTFOUND when the file is missing, ERR_TOOBIG past
 * the limits.
 */
enum err i18n_load(const char *path);

/*
 * i18n_load_dir: load every *.tsv file of dir, in name order, as one
 * table, replacing any loaded before. A malformed line or a repeated key
 * anywhere is ERR_INVAL (logged) and the old table stays.
 */
enum err i18n_load_dir(const char *dir);

/* i18n_free: drop the table. */
void i18n_free(void);

/*
 * i18n_get: the string for key in lang (LANG_BOTH: in Korean, its primary
 * language), or the key itself when it is missing (so a gap shows on the
 * page rather than crashing). The string belongs to the table.
 */
const char *i18n_get(const char *key, enum lang lang);

/*
 * i18n_put_html: append the string for key in lang as HTML: escaped, with
 * `backticks` made <code> elements (see i18n_format_html). The HTML is
 * made once when the table loads. A missing key appends the key, escaped.
 * LANG_BOTH appends "Korean / English" with no element around either (a
 * short label may sit in an attribute, a <title> or an <option>), or the
 * string once when both languages say the same.
 */
enum err i18n_put_html(struct buf *out, const char *key, enum lang lang);

/*
 * i18n_put_text: as i18n_put_html, but the plain text (not escaped, no
 * <code>): for a value that is escaped later, such as a page title set
 * with tmpl_set. A missing key appends the key.
 */
enum err i18n_put_text(struct buf *out, const char *key, enum lang lang);

/*
 * i18n_format_html: append text s as HTML: every byte escaped as by
 * buf_put_html, and each `quoted` run turned into <code>run</code>. The
 * markup the string files may use; also for text built at run time.
 */
enum err i18n_format_html(struct buf *out, const char *s);

/* i18n_has: 1 when key is in the table. */
int i18n_has(const char *key);

/* i18n_key_at: the i-th key of the loaded table (in key order), or NULL
 * past the end: for checks that walk every string. */
const char *i18n_key_at(size_t i);

/*
 * i18n_choose: what a request's pages show: the "lang" cookie when it is
 * "ko", "en" or "both" (LANG_BOTH), otherwise the best of ko/en in
 * Accept-Language (RFC 9110 §12.5.4, q-values honoured), otherwise
 * Korean. Any other cookie value is ignored. Either argument may be NULL.
 */
enum lang i18n_choose(const char *lang_cookie, const char *accept_language);

/* i18n_primary: the one language of lang: LANG_EN for LANG_EN, else
 * LANG_KO (LANG_BOTH's primary is Korean). */
enum lang i18n_primary(enum lang lang);

/* i18n_code: the language tag of lang's primary language, "ko" or "en"
 * (for <html lang>, which must name one language). */
const char *i18n_code(enum lang lang);

/* i18n_shown_code: "ko", "en" or "both": what the page shows, for the
 * data-lang attribute that CSS and script read. */
const char *i18n_shown_code(enum lang lang);

#endif
