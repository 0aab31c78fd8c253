/*
 * prefs.h - the allowlists of the preference cookies of S-C6 (theme,
 * lang, sort).
 *
 * Preference values are checked against fixed allowlists; anything else
 * (unknown, tampered, empty) reads as the default, so a cookie value is
 * never echoed into a page. Preferences are never used for authorisation.
 */
#ifndef PREFS_H
#define PREFS_H

#include "http/cookie.h"

#define PREFS_MAX_AGE 31536000L   /* one year, S-C6 */

/* Defaults: what a missing or unknown value reads as. */
#define PREFS_THEME_DEFAULT "light"
#define PREFS_SORT_DEFAULT  "name"

/*
 * prefs_theme / prefs_lang / prefs_sort: the allowlisted static string
 * equal to v ("light"/"dark"; "ko"/"en"/"both"; "name"/"price-asc"/
 * "price-desc"),
 * or NULL when v is NULL or not on the list.
 */
const char *prefs_theme(const char *v);
const char *prefs_lang(const char *v);
const char *prefs_sort(const char *v);

/*
 * prefs_sort_of: the sort order the visitor chose in the "sort" cookie of
 * jar, or PREFS_SORT_DEFAULT. Never NULL; a static string. (The cart reads
 * its product order through this.)
 */
const char *prefs_sort_of(const struct cookie_jar *jar);

#endif
