/*
 * nodestore.c - S-X3 node-local sessions, in this process's memory. See
 * nodestore.h.
 */
#include "lessons/nodestore.h"

#include <sodium.h>
#include <string.h>

static struct node_session store[NODESTORE_MAX];

/* The slot of the session with this hash, or NULL. */
static struct node_session *slot_of(const unsigned char *h)
{
	size_t i;

	for (i = 0; i < NODESTORE_MAX; i++)
		if (store[i].used &&
		    sodium_memcmp(store[i].id_hash, h, SESSION_HASH_BYTES) == 0)
			return &store[i];
	return NULL;
}

/* A free slot, or the oldest one when none is free. */
static struct node_session *free_slot(void)
{
	struct node_session *oldest = &store[0];
	size_t i;

	for (i = 0; i < NODESTORE_MAX; i++) {
		if (!store[i].used)
			return &store[i];
		if (store[i].created < oldest->created)
			oldest = &store[i];
	}
	return oldest;
}

enum err nodestore_create(const char *user, long long now,
			  char id[SESSION_ID_LEN + 1])
{
	struct node_session *s;

	if (!user || !auth_username_valid(user))
		return ERR_INVAL;
	s = free_slot();
	memset(s, 0, sizeof(*s));
	session_id_new(id, s->id_hash);
	memcpy(s->user, user, strlen(user) + 1);
	s->created = now;
	s->used = 1;
	return ERR_OK;
}

int nodestore_find(const char *id, struct node_session *out)
{
	unsigned char h[SESSION_HASH_BYTES];
	struct node_session *s;

	memset(out, 0, sizeof(*out));
	if (!id || !session_id_valid(id))
		return 0;
	session_id_hash(id, h);
	if (!(s = slot_of(h)))
		return 0;
	*out = *s;
	return 1;
}

void nodestore_remove(const char *id)
{
	unsigned char h[SESSION_HASH_BYTES];
	struct node_session *s;

	if (!id || !session_id_valid(id))
		return;
	session_id_hash(id, h);
	if ((s = slot_of(h)))
		memset(s, 0, sizeof(*s));
}

size_t nodestore_count(void)
{
	size_t i, n = 0;

	for (i = 0; i < NODESTORE_MAX; i++)
		n += store[i].used != 0;
	return n;
}

void nodestore_clear(void)
{
	memset(store, 0, sizeof(store));
}
