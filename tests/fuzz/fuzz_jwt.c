/*
 * fuzz_jwt.c - libFuzzer harness for the JWT verifier (token_verify), the
 * part splitter (token_parse), the decoder's checklist and the lab's weak
 * verifier, with a real key folder made once at start-up.
 *
 * Invariants: nothing crashes or leaks; a refused token yields no claims;
 * an accepted token (none can be, without the keys) would have to name
 * one of our kids with that key's algorithm; the checklist agrees with
 * token_verify.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "state/token.h"
#include "state/tokensign.h"
#include "unsafe/weakjwt.h"

#define ENSURE(c) do { if (!(c)) abort(); } while (0)
#define NOW 1800000000LL

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct token_keys keys;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* One folder for every run: keys are made once, then reused. */
	const char *dir = "/tmp/fuzz_jwt_keys";

	(void)argc;
	(void)argv;
	ENSURE(sodium_init() >= 0);
	ENSURE(tokensign_create_keys(dir) == ERR_OK);
	ENSURE(token_keys_load(dir, &keys) == ERR_OK);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct token_claims cl;
	struct token_parts p;
	json_t *list = NULL;
	enum token_reason r, r2;
	char *tok;

	if (size > TOKEN_MAX + 64)
		return 0;
	if (!(tok = malloc(size + 1)))
		return 0;
	memcpy(tok, data, size);
	tok[size] = '\0';
	if (token_parse(tok, size, &p) == ERR_OK)
		ENSURE(p.header && p.payload && p.sig_ok);
	token_parts_cleanup(&p);
	r = token_verify(&keys, tok, NOW, 0, &cl);
	ENSURE(r <= TOKEN_REVOKED);
	if (r == TOKEN_VALID)
		ENSURE(cl.payload && (!strcmp(cl.kid, keys.hs_kid) ||
				      !strcmp(cl.kid, keys.rs_kid)));
	else
		ENSURE(cl.payload == NULL);
	token_claims_cleanup(&cl);
	r2 = token_checklist(&keys, tok, NOW, &list);
	ENSURE(list != NULL);
	ENSURE(r2 == r || r2 == TOKEN_MALFORMED);
	json_decref(list);
	(void)weakjwt_accepts(&keys, tok);
	free(tok);
	return 0;
}
