/*
 * keys.h - secret key files in the keys directory (beside the database,
 * mode 0700, files 0600, git-ignored). siteinit creates them; programs
 * only read them and refuse to start when one is missing or short.
 */
#ifndef KEYS_H
#define KEYS_H

#include <stddef.h>

#include "base/err.h"

#define KEYS_SECRET_BYTES 32   /* every symmetric key: 256 random bits */

/*
 * keys_write_new: write len bytes of p to dir/name, creating dir (0700) and
 * the file (0600, O_EXCL). An existing file is left alone (ERR_OK). A
 * failed write unlinks the file. ERR_INTERNAL on an I/O error (logged).
 */
enum err keys_write_new(const char *dir, const char *name, const void *p,
			size_t len);

/*
 * keys_create: when dir/name does not exist, create dir (0700) and the file
 * (0600, O_EXCL) holding len bytes from randombytes_buf. An existing file
 * is left alone. ERR_INTERNAL on an I/O error (logged).
 */
enum err keys_create(const char *dir, const char *name, size_t len);

/*
 * keys_load: read exactly len bytes from dir/name into out. ERR_NOTFOUND
 * when missing, ERR_INVAL when the size differs or the file is readable by
 * group or others. out is zeroed on failure.
 */
enum err keys_load(const char *dir, const char *name, unsigned char *out,
		   size_t len);

/*
 * keys_read: read all of dir/name (1 to max bytes) into *out (malloc'd,
 * NUL-terminated, caller frees; *len without the NUL), for a key whose size
 * varies (a PEM file). ERR_NOTFOUND when missing, ERR_INVAL when empty,
 * over max or readable by group or others, ERR_NOMEM; *out is NULL and
 * *len 0 on failure.
 */
enum err keys_read(const char *dir, const char *name, size_t max, char **out,
		   size_t *len);

#endif
