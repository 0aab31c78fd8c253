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

#endif
