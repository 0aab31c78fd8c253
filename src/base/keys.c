/*
 * keys.c - secret key files. See keys.h.
 */
#include "base/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"

enum err keys_create(const char *dir, const char *name, size_t len)
{
	unsigned char key[256];
	struct buf path;
	int fd = -1;
	enum err e = ERR_OK;

	buf_init(&path);
	if (len > sizeof(key))
		return ERR_INVAL;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		log_msg("error", "mkdir %s: %s", dir, strerror(errno));
		return ERR_INTERNAL;
	}
	if ((e = buf_printf(&path, "%s/%s", dir, name)))
		goto out;
	fd = open(path.data, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		if (errno != EEXIST) {
			log_msg("error", "create %s: %s", path.data,
				strerror(errno));
			e = ERR_INTERNAL;
		}
		goto out;
	}
	randombytes_buf(key, len);
	if (write(fd, key, len) != (ssize_t)len || fsync(fd) != 0) {
		log_msg("error", "write %s: %s", path.data, strerror(errno));
		unlink(path.data);
		e = ERR_INTERNAL;
		goto out;
	}
	log_msg("info", "created key %s", path.data);
out:
	sodium_memzero(key, sizeof(key));
	if (fd >= 0)
		close(fd);
	buf_cleanup(&path);
	return e;
}

enum err keys_load(const char *dir, const char *name, unsigned char *out,
		   size_t len)
{
	struct buf path;
	struct stat st;
	int fd = -1;
	enum err e = ERR_OK;

	buf_init(&path);
	sodium_memzero(out, len);
	if ((e = buf_printf(&path, "%s/%s", dir, name)))
		goto out;
	if ((fd = open(path.data, O_RDONLY)) < 0) {
		log_msg("error", "key %s: %s", path.data, strerror(errno));
		e = ERR_NOTFOUND;
		goto out;
	}
	if (fstat(fd, &st) != 0 || (size_t)st.st_size != len ||
	    (st.st_mode & 077)) {
		log_msg("error", "key %s: want %zu bytes, mode 0600", path.data,
			len);
		e = ERR_INVAL;
		goto out;
	}
	if (read(fd, out, len) != (ssize_t)len) {
		sodium_memzero(out, len);
		e = ERR_INVAL;
	}
out:
	if (fd >= 0)
		close(fd);
	buf_cleanup(&path);
	return e;
}
