/*
 * i18n.h - Korean and English strings, and choosing between them.
 *
 * Strings live in templates/strings.tsv, one per line:
 * "key<TAB>Korean<TAB>English". Lines starting with '#' are comments.
 * The table is loaded once per process.
 */
#ifndef I18N_H
#define I18N_H

#include <stddef.h>

#include "err.h"

#define I18N_STRINGS_MAX 1024   /* keys in the table */
#define I18N_FILE_MAX   (512u * 1024u)

enum lang { LANG_KO = 0, LANG_EN = 1 };

/*
 * i18n_load: read the string table at path, replacing any loaded before.
 * ERR_INVAL for a malformed line (it names the line in the log),
 * ERR_NOTFOUND when the file is missing, ERR_TOOBIG past the limits.
 */
enum err i18n_load(const char *path);

/* i18n_free: drop the table. */
void i18n_free(void);

/*
 * i18n_get: the string for key in lang, or the key itself when it is
 * missing (so a gap shows on the page rather than crashing). The string
 * belongs to the table.
 */
const char *i18n_get(const char *key, enum lang lang);

/* i18n_has: 1 when key is in the table. */
int i18n_has(const char *key);

/*
 * i18n_choose: the language for a request: the "lang" cookie when it is
 * "ko" or "en", otherwise the best of ko/en in Accept-Language (RFC 9110
 * §12.5.4, q-values honoured), otherwise Korean. Either argument may be
 * NULL.
 */
enum lang i18n_choose(const char *lang_cookie, const char *accept_language);

/* i18n_code: "ko" or "en". */
const char *i18n_code(enum lang lang);

#endif
