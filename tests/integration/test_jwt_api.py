"""The issuer's login and JWKS, and the resource API's bearer check.

S-J2 bearer API, S-J3 claims, S-J7 HS256 vs RS256 (JWKS, kid), S-J8
forgeries. Interop: PyJWT (python3-jwt), an independent implementation,
verifies our tokens and forges the attack tokens the API must refuse.
"""
import base64
import hashlib
import hmac
import json
import subprocess
import time

import jwt as pyjwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import sitectl
from sitectl import HTTP_TIMEOUT, JSON_TYPE, SITE_ROOT

STORES = sitectl.STORES     # on SQLite and on Redis (issue 12)

ISS = "urn:web-state:auth"
AUD = "urn:web-state:api"
LEEWAY = 10


# ---- helpers -------------------------------------------------------------
def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_json(obj) -> str:
    return b64u(json.dumps(obj, separators=(",", ":")).encode())


def unb64u(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def login(site, username="alice", password=None, alg="RS256", bind=None,
          headers=None):
    body = {"username": username,
            "password": password or f"{username}-password", "alg": alg}
    if bind is not None:
        body["bind"] = bind
    return requests.post(site.url("/api/auth/login"), json=body,
                         headers=headers or {}, timeout=HTTP_TIMEOUT)


def access_token(site, username="alice", alg="RS256"):
    r = login(site, username, alg=alg)
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def me(site, token, path="/api/me"):
    return requests.get(site.url(path),
                        headers={"Authorization": f"Bearer {token}"},
                        timeout=HTTP_TIMEOUT)


def hs_secret(site) -> bytes:
    return (site.keys_dir / "jwt_hs256.key").read_bytes()


def jwks(site):
    r = requests.get(site.url("/api/auth/jwks.json"), timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    return r.json()


def header_of(token):
    return json.loads(unb64u(token.split(".")[0]))


def payload_of(token):
    return json.loads(unb64u(token.split(".")[1]))


def hs_kid(site):
    return header_of(access_token(site, "bob", "HS256"))["kid"]


def claims(site, **over):
    now = int(time.time())
    c = {"iss": ISS, "sub": "1", "aud": AUD, "exp": now + 300, "nbf": now,
         "iat": now, "jti": "test-" + str(time.monotonic_ns()),
         "token_use": "access", "name": "Alice", "role": "user"}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def hs_token(site, **over):
    """A token signed with the site's real HS256 secret (what a holder of
    the secret could mint): only the claims may be wrong."""
    return pyjwt.encode(claims(site, **over), hs_secret(site),
                        algorithm="HS256", headers={"kid": hs_kid(site)})


def assert_refused(r, reason):
    assert r.status_code == 401, r.text
    assert r.headers["WWW-Authenticate"] == (
        'Bearer error="invalid_token", '
        f'error_description="{reason}"')
    assert r.headers["Content-Type"] == JSON_TYPE
    assert r.json() == {"error": "invalid_token",
                        "error_description": reason}


# ---- S-J7: keys and JWKS ---------------------------------------------------
def test_s_j7_keys_created_0600_and_jwks_publishes_public_key_only(site):
    """S-J7: siteinit made the HS256 secret (32 bytes) and the RSA pair,
    all mode 0600; the JWKS has one RS256 signing key with an RFC 7638
    thumbprint kid, and no private member."""
    for name in ("jwt_hs256.key", "jwt_rs256.pem", "jwt_rs256.pub.pem"):
        st = (site.keys_dir / name).stat()
        assert st.st_mode & 0o777 == 0o600, name
    assert len(hs_secret(site)) == 32
    keys = jwks(site)["keys"]
    assert len(keys) == 1
    k = keys[0]
    assert set(k) == {"kty", "n", "e", "kid", "alg", "use"}
    assert (k["kty"], k["alg"], k["use"], k["e"]) == ("RSA", "RS256",
                                                      "sig", "AQAB")
    assert len(unb64u(k["n"])) == 256          # 2048 bits
    canon = json.dumps({"e": k["e"], "kty": "RSA", "n": k["n"]},
                       separators=(",", ":"), sort_keys=True).encode()
    assert k["kid"] == b64u(hashlib.sha256(canon).digest())


def test_s_j7_api_binary_cannot_read_the_private_key():
    """S-J7: the resource API links no signing code and does not contain
    the private key's file name; the issuer does."""
    api = (SITE_ROOT / "cgi-bin" / "api.fcgi").read_bytes()
    auth = (SITE_ROOT / "cgi-bin" / "auth.fcgi").read_bytes()
    assert b"jwt_rs256.pem\0" not in api
    assert b"jwt_rs256.pem\0" in auth
    syms = subprocess.run(["nm", str(SITE_ROOT / "cgi-bin" / "api.fcgi")],
                          capture_output=True, text=True).stdout
    assert "tokensign_" not in syms and "weakjwt_" not in syms
    assert "forge_" not in syms and "PrivateKey" not in syms
    assert "token_verify" in syms


# ---- S-J2 / S-J7: login and interop ---------------------------------------
@pytest.mark.parametrize("alg", ["RS256", "HS256"])
def test_s_j2_login_returns_bearer_token_with_every_claim(site, alg):
    """S-J2, S-J3: login answers {access_token, token_type, expires_in};
    the JWT has iss, sub, aud, exp, nbf, iat, jti, token_use, name, role,
    ver (the account's token version, issue 10) and a kid header, 15
    minutes by default."""
    r = login(site, "alice", alg=alg)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == JSON_TYPE
    body = r.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    tok = body["access_token"]
    assert tok.startswith("eyJ") and tok.count(".") == 2
    h, p = header_of(tok), payload_of(tok)
    assert h["alg"] == alg and h["typ"] == "JWT" and h["kid"]
    assert set(p) == {"iss", "sub", "aud", "exp", "nbf", "iat", "jti",
                      "token_use", "name", "role", "ver"}
    uid, ver = site.query("SELECT id, token_version FROM users "
                          "WHERE username='alice'")[0]
    assert p["ver"] == ver
    assert (p["iss"], p["aud"], p["sub"], p["token_use"], p["name"],
            p["role"]) == (ISS, AUD, str(uid), "access", "Alice", "user")
    assert p["exp"] - p["iat"] == 900 and p["nbf"] == p["iat"]
    assert abs(p["iat"] - time.time()) < 30


def test_s_j7_interop_rs256_verifies_with_the_jwks_key(site):
    """S-J7 interop: PyJWT verifies our RS256 token with the JWKS key."""
    tok = access_token(site, "alice", "RS256")
    k = jwks(site)["keys"][0]
    assert header_of(tok)["kid"] == k["kid"]
    key = pyjwt.PyJWK(k).key
    p = pyjwt.decode(tok, key, algorithms=["RS256"], audience=AUD,
                     issuer=ISS)
    assert p["token_use"] == "access"


def test_s_j7_interop_hs256_verifies_with_the_secret(site):
    """S-J7 interop: PyJWT verifies our HS256 token with the secret file;
    its kid differs from the RSA kid."""
    tok = access_token(site, "bob", "HS256")
    p = pyjwt.decode(tok, hs_secret(site), algorithms=["HS256"],
                     audience=AUD, issuer=ISS)
    assert p["name"] == "Bob"
    assert header_of(tok)["kid"] != jwks(site)["keys"][0]["kid"]
    assert header_of(tok)["kid"].startswith("hs-")


@pytest.mark.parametrize("alg", ["RS256", "HS256"])
def test_s_j2_api_me_answers_claims_without_session(site, alg):
    """S-J2: /api/me identifies the user from the token alone (no cookie
    sent at all)."""
    tok = access_token(site, "admin", alg)
    r = me(site, tok)
    assert r.status_code == 200 and r.headers["Content-Type"] == JSON_TYPE
    j = r.json()
    assert j["user"] == {"sub": payload_of(tok)["sub"], "name": "Admin",
                         "role": "admin"}
    assert j["header"] == {"alg": alg, "kid": header_of(tok)["kid"]}
    assert j["claims"] == payload_of(tok)
    assert j["blacklist_consulted"] is True
    r = me(site, tok, "/api/me/stateless")
    assert r.status_code == 200 and r.json()["blacklist_consulted"] is False


def test_s_j2_api_me_without_token_is_401_with_realm_only(site):
    """S-J2: no credentials: 401 and a challenge without an error code
    (RFC 6750 §3.1)."""
    r = requests.get(site.url("/api/me"), timeout=HTTP_TIMEOUT)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="web-state"'
    r = requests.get(site.url("/api/me"), headers={
        "Authorization": "Basic YWxpY2U6YWxpY2UtcGFzc3dvcmQ="},
        timeout=HTTP_TIMEOUT)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="web-state"'


def test_s_j2_scheme_is_case_insensitive(site):
    """S-J2: RFC 6750 §2.1: the scheme name ignores case."""
    tok = access_token(site)
    r = requests.get(site.url("/api/me"),
                     headers={"Authorization": f"bearer {tok}"},
                     timeout=HTTP_TIMEOUT)
    assert r.status_code == 200


# ---- S-J3: every claim check -------------------------------------------------
@pytest.mark.parametrize("over,reason", [
    ({"exp": int(time.time()) - LEEWAY - 5}, "expired"),
    ({"nbf": int(time.time()) + 3600}, "not yet valid"),
    ({"iat": int(time.time()) + 3600}, "not yet valid"),
    ({"iss": "urn:evil:issuer"}, "wrong iss"),
    ({"iss": None}, "wrong iss"),
    ({"aud": "urn:web-state:other-api"}, "wrong aud"),
    ({"aud": ["urn:a", "urn:b"]}, "wrong aud"),
    ({"aud": None}, "wrong aud"),
    ({"token_use": "refresh"}, "wrong token_use"),
    ({"token_use": None}, "wrong token_use"),
    ({"exp": None}, "malformed"),
    ({"exp": "tomorrow"}, "malformed"),
    ({"exp": 1.5e12}, "malformed"),
    ({"iat": None}, "malformed"),
    ({"jti": None}, "malformed"),
    ({"sub": None}, "malformed"),
    ({"sub": 1}, "malformed"),
])
def test_s_j3_claim_checks_with_genuine_signature(site, over, reason):
    """S-J3: a token signed with the real secret but with a bad claim is
    refused, and the WWW-Authenticate names the exact reason."""
    assert_refused(me(site, hs_token(site, **over)), reason)


def test_s_j3_leeway_accepts_small_skew_only(site):
    """S-J3: exp just passed (within the leeway) and nbf a few seconds
    ahead still pass; an array aud holding ours passes."""
    now = int(time.time())
    assert me(site, hs_token(site, exp=now - 2)).status_code == 200
    assert me(site, hs_token(site, nbf=now + 3)).status_code == 200
    assert me(site, hs_token(site, aud=["urn:x", AUD])).status_code == 200


# ---- S-J8: forgeries, made with PyJWT and by hand ------------------------------
def test_s_j8_tampered_payload_is_bad_signature(site):
    """S-J8: a real token whose payload was edited keeps a signature that
    no longer matches."""
    tok = access_token(site, "bob", "RS256")
    h, p, s = tok.split(".")
    body = payload_of(tok)
    body["role"] = "admin"
    assert_refused(me(site, f"{h}.{b64u_json(body)}.{s}"), "bad signature")
    tok = access_token(site, "bob", "HS256")
    h, p, s = tok.split(".")
    assert_refused(me(site, f"{h}.{b64u_json(body)}.{s}"), "bad signature")


@pytest.mark.parametrize("alg", ["none", "nOnE", "NONE"])
def test_s_j8_alg_none_refused(site, alg):
    """S-J8: alg none in any case, with or without a kid, is refused
    before any key is used."""
    c = claims(site, role="admin")
    tok = f"{b64u_json({'alg': alg, 'typ': 'JWT'})}.{b64u_json(c)}."
    assert_refused(me(site, tok), "alg not allowed for this key")
    for kid in (hs_kid(site), jwks(site)["keys"][0]["kid"]):
        tok = f"{b64u_json({'alg': alg, 'kid': kid})}.{b64u_json(c)}."
        assert_refused(me(site, tok), "alg not allowed for this key")


def test_s_j8_pyjwt_alg_none_refused(site):
    """S-J8 interop: PyJWT's own unsigned token."""
    tok = pyjwt.encode(claims(site), None, algorithm="none")
    assert_refused(me(site, tok), "alg not allowed for this key")


def test_s_j8_rs256_to_hs256_key_confusion_refused(site):
    """S-J8: HS256 signed with the RSA public key (PEM rebuilt from the
    JWKS, and the stored PEM file byte for byte) under the RSA kid."""
    k = jwks(site)["keys"][0]
    pub = pyjwt.PyJWK(k).key.public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo)
    assert pub == (site.keys_dir / "jwt_rs256.pub.pem").read_bytes()
    for key in (pub, pub.strip()):
        signing = (f"{b64u_json({'alg': 'HS256', 'typ': 'JWT', 'kid': k['kid']})}."
                   f"{b64u_json(claims(site, role='admin'))}")
        sig = hmac.new(key, signing.encode(), hashlib.sha256).digest()
        assert_refused(me(site, f"{signing}.{b64u(sig)}"),
                       "alg not allowed for this key")


def test_s_j8_hs512_refused(site):
    """S-J8: HS512, even with the real secret and the HS kid."""
    tok = pyjwt.encode(claims(site), hs_secret(site), algorithm="HS512",
                       headers={"kid": hs_kid(site)})
    assert_refused(me(site, tok), "alg not allowed for this key")


def test_s_j8_rs256_under_hs_kid_and_foreign_rsa_key(site):
    """S-J8: an RS256 token under the HS kid is the wrong alg for that
    key; one signed by another RSA key under our kid is a bad signature;
    an unknown or missing kid is refused."""
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(serialization.Encoding.PEM,
                              serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    c = claims(site)
    tok = pyjwt.encode(c, pem, algorithm="RS256",
                       headers={"kid": hs_kid(site)})
    assert_refused(me(site, tok), "alg not allowed for this key")
    tok = pyjwt.encode(c, pem, algorithm="RS256",
                       headers={"kid": jwks(site)["keys"][0]["kid"]})
    assert_refused(me(site, tok), "bad signature")
    tok = pyjwt.encode(c, pem, algorithm="RS256", headers={"kid": "nope"})
    assert_refused(me(site, tok), "unknown kid")
    tok = pyjwt.encode(c, hs_secret(site), algorithm="HS256")
    assert_refused(me(site, tok), "unknown kid")


def test_s_j8_wrong_hs_secret_is_bad_signature(site):
    """S-J8: HS256 under our kid, with a guessed secret."""
    tok = pyjwt.encode(claims(site), b"x" * 32, algorithm="HS256",
                       headers={"kid": hs_kid(site)})
    assert_refused(me(site, tok), "bad signature")


def test_s_j8_expired_and_wrong_aud_forged_with_pyjwt(site):
    """S-J8 interop: PyJWT-minted expired and wrong-aud tokens."""
    now = int(time.time())
    assert_refused(me(site, hs_token(site, exp=now - 3600, iat=now - 7200,
                                      nbf=now - 7200)), "expired")
    assert_refused(me(site, hs_token(site, aud="urn:web-state:other")),
                   "wrong aud")


def test_s_j8_oversized_token_refused_before_decoding(site):
    """S-J8: over 4096 bytes: "too large", even when otherwise valid."""
    tok = hs_token(site, pad="x" * 4000)
    assert len(tok) > 4096
    assert_refused(me(site, tok), "too large")
    assert_refused(me(site, "a" * 5000), "too large")


@pytest.mark.parametrize("tok", [
    "abc", "a.b", "a.b.c.d", "....", "eyJ.eyJ.", "%%%.%%%.%%%",
    b64u_json({"alg": "HS256"}) + ".bm90IGpzb24." + "AA",
    b64u_json([1, 2]) + "." + b64u_json({}) + ".",
    b64u(b'{"alg":"HS256","alg":"none"}') + "." + b64u_json({}) + ".",
    b64u(b'{"alg":"HS256"') + "." + b64u_json({}) + ".",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.=sig=",
    "\u00e9\u00e9.\u00e9.\u00e9",
])
def test_s_j8_garbage_is_malformed(site, tok):
    """S-J8: anything that is not three base64url parts with JSON object
    header and payload (duplicate keys included) is "malformed"."""
    r = requests.get(site.url("/api/me"),
                     headers={"Authorization": ("Bearer " + tok).encode()},
                     timeout=HTTP_TIMEOUT)
    assert r.status_code in (400, 401)
    if r.status_code == 401:
        assert 'error_description="malformed"' in r.headers[
            "WWW-Authenticate"]


# ---- S-J2: the protected resource -------------------------------------------------
def test_s_j2_notes_are_per_user(site):
    """S-J2: notes created with alice's token are listed for alice only."""
    a = access_token(site, "alice")
    b = access_token(site, "bob", "HS256")
    r = requests.post(site.url("/api/notes"), json={"text": "alice's <b>"},
                      headers={"Authorization": f"Bearer {a}"},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 201 and r.json()["text"] == "alice's <b>"
    r = requests.get(site.url("/api/notes"),
                     headers={"Authorization": f"Bearer {a}"},
                     timeout=HTTP_TIMEOUT)
    assert "alice's <b>" in [n["text"] for n in r.json()["notes"]]
    r = requests.get(site.url("/api/notes"),
                     headers={"Authorization": f"Bearer {b}"},
                     timeout=HTTP_TIMEOUT)
    assert "alice's <b>" not in [n["text"] for n in r.json()["notes"]]


@pytest.mark.parametrize("body", [
    {"text": ""}, {"text": "x" * 501}, {"text": "a\u0000b"},
    {"text": "bell\u0007"}, {"text": 5}, {"text": "ok", "user_id": 2}, {},
])
def test_s_j2_hostile_note_bodies_change_nothing(site, body):
    """S-J2: bad note bodies are 400 and store nothing."""
    a = access_token(site, "alice")
    before = site.query("SELECT count(*) FROM notes")
    r = requests.post(site.url("/api/notes"), json=body,
                      headers={"Authorization": f"Bearer {a}"},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 400, r.text
    assert site.query("SELECT count(*) FROM notes") == before


def test_s_j2_notes_need_a_valid_token(site):
    """S-J2: a forged token writes nothing."""
    before = site.query("SELECT count(*) FROM notes")
    tok = f"{b64u_json({'alg': 'none'})}.{b64u_json(claims(site))}."
    r = requests.post(site.url("/api/notes"), json={"text": "pwned"},
                      headers={"Authorization": f"Bearer {tok}"},
                      timeout=HTTP_TIMEOUT)
    assert_refused(r, "alg not allowed for this key")
    assert site.query("SELECT count(*) FROM notes") == before


def test_s_j2_api_refuses_cross_origin_request_with_cookies(site):
    """S-J2: the API checks Origin when the request carries cookies."""
    tok = access_token(site)
    r = requests.get(site.url("/api/me"), headers={
        "Authorization": f"Bearer {tok}", "Origin": "https://evil.example",
        "Cookie": "sid=x"}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 403
    r = requests.get(site.url("/api/me"), headers={
        "Authorization": f"Bearer {tok}", "Origin": "https://evil.example"},
        timeout=HTTP_TIMEOUT)
    assert r.status_code == 200


# ---- login input ------------------------------------------------------------------
@pytest.mark.parametrize("body,status", [
    ({"username": "alice", "password": "alice-password"}, 400),
    ({"username": "alice", "password": "alice-password", "alg": "HS512"},
     400),
    ({"username": "alice", "password": "alice-password", "alg": "none"},
     400),
    ({"username": "alice", "password": "alice-password", "alg": "RS256",
      "bind": "yes"}, 400),
    ({"username": "alice", "password": "alice-password", "alg": "RS256",
      "role": "admin"}, 400),
    ({"username": "Alice'--", "password": "x", "alg": "RS256"}, 400),
    ({"username": "alice", "password": ["x"], "alg": "RS256"}, 400),
])
def test_s_j4_login_refuses_malformed_json(site, body, status):
    """S-J4: unknown fields, a missing or unknown alg, wrong types: 400,
    no cookie, nothing stored."""
    before = len(site.families())
    r = requests.post(site.url("/api/auth/login"), json=body,
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == status, r.text
    assert "Set-Cookie" not in r.headers
    assert len(site.families()) == before


def test_s_j4_login_wrong_password_401_and_form_body_400(site):
    """S-J4: a wrong password is 401 without a cookie; a form-encoded body
    is 400 (JSON only, so no cross-site form can log anyone in)."""
    r = login(site, "bob", password="wrong")
    assert r.status_code == 401 and "Set-Cookie" not in r.headers
    r = requests.post(site.url("/api/auth/login"),
                      data={"username": "bob", "password": "bob-password",
                            "alg": "RS256"}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 400 and "Set-Cookie" not in r.headers
    r = requests.post(site.url("/api/auth/login"),
                      data='{"username":"bob","password":"bob-password",'
                      '"alg":"RS256"}', headers={"Content-Type": "text/plain"},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 400 and "Set-Cookie" not in r.headers


def test_s_j4_login_cross_origin_refused(site):
    """S-J4: an Origin that is not this site: 403, no cookie."""
    r = login(site, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and "Set-Cookie" not in r.headers
    r = login(site, headers={"Origin": site.origin})
    assert r.status_code == 200


@pytest.mark.parametrize("secret,why", [
    (b"0123456789abcdef", "short"), (b"\0" * 32, "all zero"),
    (None, "missing")])
def test_s_j7_programs_refuse_to_start_without_a_real_secret(tmp_path,
                                                            secret, why):
    """S-J7: auth and api exit with status 1 before serving anything when
    the HS256 secret is missing, shorter than 32 bytes or all zero."""
    keys = tmp_path / "keys"
    sitectl.copy_pristine(tmp_path / "db.sqlite", keys)    # as siteinit made
    f = keys / "jwt_hs256.key"
    f.unlink()
    if secret is not None:
        f.write_bytes(secret)
        f.chmod(0o600)
    for prog in ("auth.fcgi", "api.fcgi"):
        p = subprocess.run([str(SITE_ROOT / "cgi-bin" / prog)],
                           env={"KEYS": str(keys),
                                "DB": str(tmp_path / "db.sqlite"),
                                "SITE_ROOT": str(SITE_ROOT)},
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=30)
        assert p.returncode == 1, (prog, why, p.stderr)
        assert b"JWT keys" in p.stderr
