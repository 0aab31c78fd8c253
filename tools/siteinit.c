/*
 * siteinit - create or upgrade the database and the key files.
 *
 *   siteinit DB KEYS_DIR
 *
 * Migrates DB to the newest schema, seeds the demo accounts (Argon2id
 * hashes) when the users table is empty, and creates each missing secret
 * key (32 random bytes, mode 0600) in KEYS_DIR. Running it again changes
 * nothing that exists, except modes that are too open (below). `make run`
 * and `make test` call it.
 *
 * The database holds password and session hashes, so only its owner may
 * read it (issue 10 §6): DB is created 0600 (umask 077), and SQLite gives
 * DB-wal and DB-shm the mode of DB. An existing DB, DB-wal and DB-shm
 * (from a checkout made before this rule) lose their group and other
 * bits. DB's folder is created 0700 when missing, and an existing one is
 * tightened the same way when it is the site's own: the folder KEYS_DIR
 * is in too (db/ in a checkout, the temporary folder in the tests) and
 * not a sticky shared folder such as /tmp. Any other folder is left as it
 * is, with a warning when others can read it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/db.h"
#include "lessons/demo.h"
#include "base/keys.h"
#include "base/log.h"
#include "state/tokensign.h"

/* Every symmetric secret the programs load. */
static const char *const key_files[] = {
	"csrf.key",          /* CSRF token HMAC */
	"cookie-sign.key",   /* signed cookie values (S-C5, src/signed.h) */
};

/* S_ISVTX, the sticky bit of shared folders such as /tmp: an XSI name,
 * not declared at the POSIX level the build asks for. */
#define MODE_STICKY 01000

/* The files SQLite keeps beside DB in WAL mode. */
static const char *const db_suffixes[] = { "", "-wal", "-shm" };

/*
 * parent_dir: the folder part of path into out ("db/site.sqlite" -> "db",
 * "site.sqlite" -> ".", "/x" -> "/"), trailing slashes ignored. out is
 * reset first; ERR_NOMEM or ERR_TOOBIG from the buf.
 */
static enum err parent_dir(const char *path, struct buf *out)
{
	size_t n = strlen(path);

	buf_reset(out);
	while (n > 1 && path[n - 1] == '/')
		n--;
	while (n > 0 && path[n - 1] != '/')
		n--;
	if (n == 0)
		return buf_puts(out, ".");
	while (n > 1 && path[n - 1] == '/')
		n--;
	return buf_append(out, path, n);
}

/*
 * tighten: clear the group and other bits of path, which must be a regular
 * file (dir 0) or a folder (dir 1), through a descriptor so that the file
 * checked is the file changed. A missing path is ERR_OK when may_be_missing,
 * else ERR_NOTFOUND. ERR_INTERNAL on any other failure, logged.
 */
static enum err tighten(const char *path, int dir, int may_be_missing)
{
	struct stat st;
	mode_t mode;
	int fd;
	enum err e = ERR_INTERNAL;

	/* O_NONBLOCK: a FIFO planted under the name must not block us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
		  (dir ? O_DIRECTORY : O_NONBLOCK));
	if (fd < 0) {
		if (errno == ENOENT && may_be_missing)
			return ERR_OK;
		log_msg("error", "open %s: %s", path, strerror(errno));
		return errno == ENOENT ? ERR_NOTFOUND : ERR_INTERNAL;
	}
	if (fstat(fd, &st) != 0) {
		log_msg("error", "stat %s: %s", path, strerror(errno));
		goto out;
	}
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		log_msg("error", "%s: not a %s", path, dir ? "folder" : "file");
		goto out;
	}
	mode = st.st_mode & 07777;
	if (mode & 077) {
		if (fchmod(fd, mode & 0700) != 0) {
			log_msg("error", "chmod %s: %s", path,
				strerror(errno));
			goto out;
		}
		log_msg("info", "%s: mode %04o -> %04o (owner only)", path,
			(unsigned)mode, (unsigned)(mode & 0700));
	}
	e = ERR_OK;
out:
	close(fd);
	return e;
}

/*
 * db_dir_prepare: create DB's folder (0700) when it is missing; its parent
 * must exist (`make initdb` runs mkdir -p -m 0700 first). ERR_INTERNAL,
 * logged, when it cannot be made.
 */
static enum err db_dir_prepare(const char *db_dir)
{
	if (mkdir(db_dir, 0700) == 0) {
		log_msg("info", "created folder %s", db_dir);
		return ERR_OK;
	}
	if (errno == EEXIST)
		return ERR_OK;
	log_msg("error", "mkdir %s: %s", db_dir, strerror(errno));
	return ERR_INTERNAL;
}

/*
 * db_dir_tighten: make DB's folder owner-only when it is the site's own
 * (it also holds KEYS_DIR, and is not sticky); otherwise leave it and warn
 * if group or others may read it. Call after the keys exist.
 */
static enum err db_dir_tighten(const char *db_dir, const char *keys_dir)
{
	struct buf keys_parent;
	struct stat st_db, st_keys;
	enum err e;

	buf_init(&keys_parent);
	if ((e = parent_dir(keys_dir, &keys_parent)))
		goto out;
	e = ERR_INTERNAL;
	if (stat(db_dir, &st_db) != 0 ||
	    stat(keys_parent.data, &st_keys) != 0) {
		log_msg("error", "stat %s or %s: %s", db_dir,
			keys_parent.data, strerror(errno));
		goto out;
	}
	if (st_db.st_dev == st_keys.st_dev && st_db.st_ino == st_keys.st_ino &&
	    !(st_db.st_mode & MODE_STICKY)) {
		e = tighten(db_dir, 1, 0);
		goto out;
	}
	if (st_db.st_mode & 077)
		log_msg("warn", "%s: mode %04o; not the site's own folder, "
			"left as it is (the database itself is 0600)", db_dir,
			(unsigned)(st_db.st_mode & 07777));
	e = ERR_OK;
out:
	buf_cleanup(&keys_parent);
	return e;
}

/*
 * db_files_tighten: clear group and other bits on DB, DB-wal and DB-shm,
 * those that exist.
 */
static enum err db_files_tighten(const char *db)
{
	struct buf path;
	size_t i;
	enum err e = ERR_OK;

	buf_init(&path);
	for (i = 0; i < sizeof(db_suffixes) / sizeof(db_suffixes[0]); i++) {
		buf_reset(&path);
		if ((e = buf_printf(&path, "%s%s", db, db_suffixes[i])) ||
		    (e = tighten(path.data, 0, 1)))
			break;
	}
	buf_cleanup(&path);
	return e;
}

int main(int argc, char **argv)
{
	struct db *db = NULL;
	struct buf db_dir;
	size_t i, seeded;
	int rc = 1;

	log_set_program("siteinit");
	if (argc != 3) {
		fprintf(stderr, "usage: siteinit DB KEYS_DIR\n");
		return 2;
	}
	/* Whatever siteinit or SQLite creates is owner-only (issue 10 §6). */
	umask(077);
	buf_init(&db_dir);
	if (sodium_init() < 0)
		goto out;
	if (parent_dir(argv[1], &db_dir) || db_dir_prepare(db_dir.data))
		goto out;
	for (i = 0; i < sizeof(key_files) / sizeof(key_files[0]); i++)
		if (keys_create(argv[2], key_files[i], KEYS_SECRET_BYTES))
			goto out;
	/* JWT: the HS256 secret and the RS256 key pair (S-J7). */
	if (tokensign_create_keys(argv[2]))
		goto out;
	/* Before db_open: new -wal/-shm files copy DB's mode. */
	if (db_dir_tighten(db_dir.data, argv[2]) ||
	    db_files_tighten(argv[1]))
		goto out;
	if (db_open(argv[1], &db))
		goto out;
	if (demo_seed_users(db, (long long)time(NULL), &seeded))
		goto out;
	if (seeded)
		log_msg("info", "seeded %zu demo accounts", seeded);
	rc = 0;
out:
	db_close(db);
	buf_cleanup(&db_dir);
	return rc;
}
