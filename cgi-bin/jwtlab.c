/*
 * jwtlab - the JWT decoder and forgery lab, /lab/jwt.
 *
 * Scenarios: S-J1 the decoder (paste a token: its three parts, the
 * checklist of every claim with its times, and the real verifier's
 * verdict), S-J8 the forgery lab (alg "none", RS256 -> HS256 with the
 * public key, tampered, expired, wrong audience and not-yet-valid tokens,
 * each shown to the real verifier and to the labelled weak one).
 *
 * This program links src/unsafe/ (the forger and the weak verifier, both
 * insecure by design) and so is apart from the issuer, cgi-bin/auth.c,
 * which links none of it. It reads the site's keys: the decoder checks
 * real signatures, and the expired, wrong-audience and not-yet-valid
 * forgeries carry a genuine signature for the fictional subject "lab",
 * so that the claim checks, not the signature, must refuse them.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/config.h"
#include "base/log.h"
#include "lessons/jwtpage.h"
#include "lessons/course.h"
#include "site/site.h"
#include "site/wire.h"
#include "state/revoke.h"
#include "state/token.h"
#include "state/tokensign.h"
#include "unsafe/forge.h"
#include "unsafe/weakjwt.h"

#define PASTE_MAX (TOKEN_MAX * 2)   /* bytes shown of a paste */

static struct token_signer signer;

/*
 * Set row's claim time fields (claim_at "" when the detail is no time):
 * t, a time claim, as the site's local time and its distance from now
 * ("2026-12-02 09:05:31 KST (in 14m 59s)"); wire.js keeps the distance
 * ticking in the browser and marks it once passed, unless past_ok (iat
 * and nbf should be in the past).
 */
static enum err set_claim_time(struct tmpl_vars *row, long long t,
			       long long now, int past_ok, enum lang lang)
{
	enum err e;

	if ((e = tmpl_set(row, "past_ok", past_ok ? "1" : "")) ||
	    (e = tmpl_setf(row, "claim_at", "%lld", t)) ||
	    (e = tmpl_setf(row, "claim_now", "%lld", now)))
		return e;
	return wire_set_time(row, "claim_when", "claim_delta", t, now, lang);
}

/*
 * The list checks (lab_jwt_result.html), one row per entry of a
 * token_checklist array. The rows of exp, nbf and iat also show the claim
 * of payload (may be NULL) as a local time.
 */
static enum err set_checklist(struct tmpl_vars *vars, json_t *list,
			      json_t *payload, long long now, enum lang lang)
{
	struct tmpl_vars *r;
	json_t *row;
	size_t i;
	enum err e = ERR_OK;

	if ((e = tmpl_list(vars, "checks")))
		return e;
	json_array_foreach(list, i, row) {
		const char *check = json_string_value(json_object_get(row,
								       "check"));
		const char *detail = json_string_value(json_object_get(
							       row, "detail"));
		json_t *ok = json_object_get(row, "ok");
		json_t *t = json_object_get(payload, check);
		char key[48];
		int explained = detail[0] == '@';
		int timed = !explained && json_is_integer(t) &&
			(!strcmp(check, "exp") || !strcmp(check, "nbf") ||
			 !strcmp(check, "iat"));

		snprintf(key, sizeof(key), "labjwt.check.%s", check);
		if ((e = tmpl_row_add(vars, "checks", &r)) ||
		    (e = tmpl_set(r, "class", json_is_null(ok) ? "skip" :
				  json_is_true(ok) ? "pass" : "fail")) ||
		    (e = tmpl_set(r, "check", check)) ||
		    (e = tmpl_set_bilingual(r, "meaning", key, lang, "span")) ||
		    (e = tmpl_set(r, "mark", json_is_null(ok) ? "—" :
				  json_is_true(ok) ? "✓" : "✗")) ||
		    (e = tmpl_set_i18n(r, "result", json_is_null(ok) ?
				       "labjwt.result.skip" : json_is_true(ok) ?
				       "labjwt.result.pass" :
				       "labjwt.result.fail", lang)) ||
		    (e = tmpl_set(r, "detail", explained || timed ? "" :
				  detail)))
			break;
		/* "@word" names an explanation; anything else is token data. */
		if (explained)
			snprintf(key, sizeof(key), "labjwt.detail.%s", detail + 1);
		if ((e = explained ?
		     tmpl_set_bilingual(r, "explained", key, lang, "span") :
		     tmpl_set_html(r, "explained", "")) ||
		    (e = timed ? set_claim_time(r, json_integer_value(t), now,
						strcmp(check, "exp") != 0,
						i18n_primary(lang)) :
		     tmpl_set(r, "claim_at", "")))
			break;
	}
	return e;
}

/*
 * The token's parts for lab_jwt_token_parts.html: coloured as jwt.io does
 * (header, payload, signature) when it has three, else shown plain.
 */
static enum err set_token_parts(struct tmpl_vars *vars, const char *token)
{
	const char *d1 = strchr(token, '.');
	const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	char *h = NULL, *p = NULL;
	enum err e;

	if (!d2 || strchr(d2 + 1, '.'))
		return tmpl_set(vars, "tok_parts", "");
	if (!(h = strndup(token, (size_t)(d1 - token))) ||
	    !(p = strndup(d1 + 1, (size_t)(d2 - d1 - 1))))
		e = ERR_NOMEM;
	else if (!(e = tmpl_set(vars, "tok_parts", "1")) &&
		 !(e = tmpl_set(vars, "tok_h", h)) &&
		 !(e = tmpl_set(vars, "tok_p", p)))
		e = tmpl_set(vars, "tok_s", d2 + 1);
	free(h);
	free(p);
	return e;
}

/*
 * The i18n key saying why the weak verifier (src/weakjwt.c) decided as it
 * did, from the key its header's kid hands libjwt: none for a kid that
 * names none of the site's keys, and then libjwt 1.10.2 checks no
 * signature at all; the RSA public key's PEM text under whatever alg the
 * header names; or the right key under the right alg, and then only the
 * claims went unchecked. accepted is weakjwt_accepts' answer.
 */
static const char *weak_cause(const struct token_parts *p, size_t len,
			      int accepted)
{
	const char *kid = json_string_value(json_object_get(p->header, "kid"));
	const char *alg = json_string_value(json_object_get(p->header, "alg"));
	int rs = kid && !strcmp(kid, signer.keys.rs_kid);
	int hs = kid && !strcmp(kid, signer.keys.hs_kid);

	if (len > TOKEN_MAX)
		return "labjwt.weak.why.too_large";
	if (!p->header || !p->payload)
		return "labjwt.weak.why.malformed";
	if (!accepted)
		return rs || hs ? "labjwt.weak.why.bad_signature" :
			"labjwt.weak.why.unreadable";
	if (!rs && !hs)
		return alg && !strcasecmp(alg, "none") ?
			"labjwt.weak.why.none" : "labjwt.weak.why.no_key";
	if (!alg || strcmp(alg, rs ? "RS256" : "HS256"))
		return "labjwt.weak.why.confused";
	return "labjwt.weak.why.no_claims";
}

/*
 * Fill the decoder's variables for token: the parts (coloured), the
 * checklist with its times, the real verdict (the API's verifier,
 * blacklist included) with what its reason means, and the weak
 * verifier's verdict with its cause.
 */
static enum err describe_token(struct ctx *c, const char *token)
{
	struct token_parts p;
	json_t *list = NULL;
	char *hdr = NULL, *pl = NULL;
	const char *d1, *d2;
	struct buf sig;
	struct token_claims cl;
	enum token_reason r;
	size_t len = strlen(token);
	int weak;
	enum err e;

	buf_init(&sig);
	token_parse(token, len, &p);
	r = token_checklist(&signer.keys, token, c->now, &list);
	if (r == TOKEN_VALID &&
	    token_verify(&signer.keys, token, c->now, 0, &cl) ==
	    TOKEN_VALID) {
		r = revoke_access_check(c->db, &cl, &e);
		token_claims_cleanup(&cl);
		if (e)
			goto out;
	}
	weak = weakjwt_accepts(&signer.keys, token);
	d1 = len <= TOKEN_MAX ? strchr(token, '.') : NULL;
	d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (d2 && (e = buf_puts(&sig, d2 + 1)))
		goto out;
	if (p.header)
		hdr = json_dumps(p.header, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (p.payload)
		pl = json_dumps(p.payload, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if ((e = set_checklist(&c->vars, list, p.payload, c->now, c->shown)) ||
	    (e = set_token_parts(&c->vars, token)))
		goto out;
	if ((e = tmpl_set(&c->vars, "token", len > PASTE_MAX ? "" : token)) ||
	    (e = tmpl_set(&c->vars, "tok_shown", len > PASTE_MAX ? "" : "1")) ||
	    (e = tmpl_setf(&c->vars, "token_bytes", "%zu", len)) ||
	    (e = tmpl_set(&c->vars, "eyj", !strncmp(token, "eyJ", 3) ?
			  "1" : "")) ||
	    (e = tmpl_set(&c->vars, "header_json", hdr ? hdr : "")) ||
	    (e = tmpl_set(&c->vars, "payload_json", pl ? pl : "")) ||
	    (e = tmpl_set(&c->vars, "signature", sig.data ? sig.data : "")) ||
	    (e = tmpl_setf(&c->vars, "sig_bytes", "%zu", p.sig_len)) ||
	    (e = tmpl_set(&c->vars, "valid", r == TOKEN_VALID ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "reason", token_reason_text(r))) ||
	    (e = jwtpage_set_word(&c->vars, c->shown, "reason_text",
					  "jwt.reason.",
			  token_reason_text(r))) ||
	    (e = tmpl_set(&c->vars, "weak_accepts", weak ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "weak_fooled",
			  weak && r != TOKEN_VALID ? "1" : "")) ||
	    (e = tmpl_set_i18n(&c->vars, "weak_cause",
			       weak_cause(&p, len, weak), c->shown)))
		goto out;
out:
	free(hdr);
	free(pl);
	json_decref(list);
	token_parts_cleanup(&p);
	buf_cleanup(&sig);
	return e;
}

/* GET /lab/jwt: the decoder form and the forgery buttons (S-J1, S-J8). */
static enum err lab_page(struct ctx *c)
{
	enum err e;

	if ((e = jwtpage_vars(c, &signer.keys)) ||
	    (e = tmpl_set(&c->vars, "decoded", "")) ||
	    (e = tmpl_set(&c->vars, "token", "")))
		return e;
	site_page(c, "lab_jwt", "labjwt.title");
	return ERR_OK;
}

static const char *const decode_fields[] = { "token", NULL };

/* POST /lab/jwt token=...: decode and check a pasted token (S-J1). */
static enum err lab_decode(struct ctx *c)
{
	struct buf tok;
	enum err e;

	buf_init(&tok);
	if ((e = jwtpage_vars(c, &signer.keys)))
		goto out;
	if (jwtpage_pasted(http_field(&c->req.form, "token"), &tok) || !tok.len) {
		c->error_key = "labjwt.empty";
		e = ERR_INVAL;
		goto out;
	}
	if ((e = describe_token(c, tok.data)) ||
	    (e = tmpl_set(&c->vars, "decoded", "1")))
		goto out;
	course_tick(c, "forge");
	site_page(c, "lab_jwt", "labjwt.title");
out:
	buf_cleanup(&tok);
	return e;
}

static const char *const forge_fields[] = { "kind", NULL };

/* POST /lab/jwt/forge kind=...: one forged token, both verdicts (S-J8). */
static enum err lab_forge(struct ctx *c)
{
	int kind = forge_kind_parse(http_field(&c->req.form, "kind"));
	char *tok = NULL;
	char key[48];
	enum err e;

	if (kind < 0) {
		c->error_key = "labjwt.kind";
		return ERR_INVAL;
	}
	snprintf(key, sizeof(key), "labjwt.forge.%s.text",
		 forge_kind_name((enum forge_kind)kind));
	if ((e = jwtpage_vars(c, &signer.keys)) ||
	    (e = forge_token(&signer, (enum forge_kind)kind, c->now, &tok)) ||
	    (e = describe_token(c, tok)) ||
	    (e = tmpl_set(&c->vars, "kind",
			  forge_kind_name((enum forge_kind)kind))) ||
	    (e = tmpl_set_bilingual(&c->vars, "kind_text", key, c->shown,
				    "p")) ||
	    (e = jwtpage_words(c)))
		goto out;
	site_page(c, "lab_jwt_forge", "labjwt.forge.title");
out:
	free(tok);
	return e;
}

static const struct route routes[] = {
	{ HTTP_GET,  "/lab/jwt",             lab_page,   0,          NULL },
	{ HTTP_POST, "/lab/jwt",             lab_decode, ROUTE_CSRF,
	  decode_fields },
	{ HTTP_POST, "/lab/jwt/forge",       lab_forge,  ROUTE_CSRF,
	  forge_fields },
};

int main(void)
{
	int rc;

	log_set_program("jwtlab");
	if (sodium_init() < 0 ||
	    tokensign_load(config_str("KEYS", "db/keys"), &signer)) {
		log_msg("error", "no JWT keys: run `make initdb` first");
		return 1;
	}
	rc = site_run("jwtlab", routes, sizeof(routes) / sizeof(routes[0]));
	tokensign_cleanup(&signer);
	return rc;
}
