/*
 * nodestore.h - S-X3: a session store that lives in one process's memory,
 * as a single app node's would. Two nodes (two processes) each have their
 * own: a login made on one is unknown to the other. The site's real
 * sessions are in SQLite, the store every process shares.
 *
 * The store keeps the hash of each 256-bit ID, never the ID itself, and
 * holds at most NODESTORE_MAX sessions (the oldest is dropped first). It
 * is for one process's single thread.
 */
#ifndef NODESTORE_H
#define NODESTORE_H

#include <stddef.h>

#include "state/auth.h"
#include "state/session.h"

#define NODESTORE_MAX 256

struct node_session {
	unsigned char id_hash[SESSION_HASH_BYTES];
	char          user[AUTH_USERNAME_MAX + 1];
	long long     created;
	int           used;
};

/*
 * nodestore_create: a new session for user (auth_username_valid), made at
 * now; its ID into id. ERR_INVAL for a bad user. When the store is full
 * the oldest session is dropped.
 */
enum err nodestore_create(const char *user, long long now,
			  char id[SESSION_ID_LEN + 1]);

/*
 * nodestore_find: the session of ID id (may be NULL) into *out; 1 when
 * there is one, 0 otherwise (*out zeroed). The hashes are compared in
 * constant time.
 */
int nodestore_find(const char *id, struct node_session *out);

/* nodestore_remove: forget the session of ID id (may be NULL). */
void nodestore_remove(const char *id);

/* nodestore_count: the sessions held. */
size_t nodestore_count(void);

/* nodestore_clear: forget every session (tests). */
void nodestore_clear(void);

#endif
