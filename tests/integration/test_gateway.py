"""S-J11 (issue 13 §3): HAProxy as the API gateway. On the cluster's
round-robin front, /gw/api/me is verified by HAProxy itself before any
node sees it (tools/haproxy.cfg): the Bearer token's header alg must be
RS256, the signature must verify with the issuer's public key
(jwt_verify), and exp, nbf, iat, iss, aud and token_use are checked in
the configuration. A verified request goes on to a node route
(cgi-bin/gateway.c) that holds no JWT key and trusts the claims because
the gateway's secret header came with them; it still checks the
blacklist, so a logout reaches gateway traffic.

The forgery corpus (the /lab/jwt buttons' own tokens, and the same kinds
built here with PyJWT and the cluster's keys) must each get HAProxy's
401 with the reason in X-Gateway-Refused and no X-Node (no node saw
it).
"""
import base64
import html
import hashlib
import hmac
import json
import re
import time

import jwt as pyjwt
import pytest
import requests

import sitectl
from sitectl import HTTP_TIMEOUT, JSON_TYPE, SITE_ROOT

ISS = "urn:web-state:auth"
AUD = "urn:web-state:api"
ME = "/gw/api/me"


@pytest.fixture(scope="module")
def cluster():
    with sitectl.running_cluster("gateway") as cl:
        yield cl
        assert cl.abnormal_log_lines() == {"a": [], "b": []}


# ---- tokens ------------------------------------------------------------------
def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_json(obj) -> str:
    return b64u(json.dumps(obj, separators=(",", ":")).encode())


def payload_of(token):
    p = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))


def header_of(token):
    p = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))


def login(cl, username="alice", alg="RS256"):
    """POST /api/auth/login through the front: (access token, refresh
    token)."""
    r = requests.post(cl.front.url("/api/auth/login"), json={
        "username": username, "password": f"{username}-password",
        "alg": alg}, headers={"Origin": cl.front.origin},
        timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text
    m = re.search(r"refresh_token=([A-Za-z0-9_-]{43});",
                  r.headers["Set-Cookie"])
    return r.json()["access_token"], m.group(1)


def claims(**over):
    now = int(time.time())
    c = {"iss": ISS, "sub": "1", "aud": AUD, "exp": now + 300, "nbf": now,
         "iat": now, "jti": f"gw{time.monotonic_ns()}",
         "token_use": "access", "ver": 0, "name": "Alice", "role": "user"}
    c.update(over)
    return c


def rs_token(cl, kid, **over):
    """An RS256 token signed with the issuer's real private key: only its
    claims can be wrong."""
    key = (cl.keys_dir / "jwt_rs256.pem").read_bytes()
    return pyjwt.encode(claims(**over), key, algorithm="RS256",
                        headers={"kid": kid})


def gw(cl, token=None, endpoint=None, headers=None):
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = f"Bearer {token}"
    return requests.get((endpoint or cl.front).url(ME), headers=h,
                        timeout=HTTP_TIMEOUT)


def assert_gateway_refused(r, reason, description):
    """HAProxy's own 401: the reason header, RFC 6750's challenge, its
    JSON, and no node in sight."""
    assert r.status_code == 401, (r.status_code, r.text)
    assert r.headers["X-Gateway-Refused"] == reason
    assert "X-Node" not in r.headers
    assert r.headers["Content-Type"] == "application/json"
    assert r.json() == {"error": "invalid_token",
                        "error_description": description,
                        "refused_by": "gateway"}
    assert r.headers["WWW-Authenticate"] == (
        f'Bearer error="invalid_token", error_description="{description}"')


# ---- the valid path -------------------------------------------------------------
def test_s_j11_valid_rs256_token_passes_the_gateway(cluster):
    """S-J11: an RS256 access token from the issuer (through the front)
    gets 200 from /gw/api/me: the node says it came via the gateway,
    holds no key, checked the blacklist, and repeats the verified claims;
    consecutive requests are spread over both nodes."""
    access, _refresh = login(cluster)
    p = payload_of(access)
    seen = set()
    for _ in range(2):
        r = gw(cluster, access)
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"] == JSON_TYPE
        assert "X-Gateway-Refused" not in r.headers
        j = r.json()
        assert j["via"] == "gateway"
        assert j["node"] == r.headers["X-Node"]
        assert (j["sub"], j["name"], j["role"]) == ("1", "Alice", "user")
        assert (j["jti"], j["exp"], j["ver"]) == (p["jti"], p["exp"],
                                                  p["ver"])
        assert j["key_loaded"] is False
        assert j["blacklist_checked"] is True
        assert j["token_version_checked"] is True
        seen.add(j["node"])
    assert seen == {"a", "b"}


def test_s_j11_client_sent_gateway_headers_are_dropped(cluster):
    """S-J11: X-Gateway-* headers a client sends are removed by HAProxy
    before it adds its own: a valid token for alice with X-Gateway-Sub: 3
    and X-Gateway-Role: admin is still alice; without a token the same
    headers (a made-up secret included) get the gateway's no_token."""
    access, _ = login(cluster)
    fake = {"X-Gateway-Sub": "3", "X-Gateway-Role": "admin",
            "X-Gateway-Name": "Admin", "X-Gateway-Secret": "00" * 32}
    r = gw(cluster, access, headers=fake)
    assert r.status_code == 200
    assert (r.json()["sub"], r.json()["role"]) == ("1", "user")
    r = gw(cluster, headers=fake)
    assert r.status_code == 401
    assert r.headers["X-Gateway-Refused"] == "no_token"
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="web-state"'
    assert r.json()["refused_by"] == "gateway"
    assert "X-Node" not in r.headers


def test_s_j11_a_node_asked_directly_trusts_only_the_secret(cluster):
    """S-J11: the node route asked directly (or through the sticky
    front, which has no gateway) with a valid token is a 403 that
    explains itself; forged X-Gateway-* headers with a wrong secret are
    403 too. The right secret is the only thing it trusts (the test knows
    it: tools/cluster.sh keeps it in an owner-only file)."""
    access, _ = login(cluster)
    node = cluster.node["a"].endpoint
    for endpoint in (node, cluster.sticky):
        r = gw(cluster, access, endpoint=endpoint)
        assert r.status_code == 403
        j = r.json()
        assert j["error"] == "not_from_gateway"
        assert "make cluster" in j["message"]
        assert j["gateway_configured"] is True
    forged = {"X-Gateway-Sub": "3", "X-Gateway-Name": "Admin",
              "X-Gateway-Role": "admin", "X-Gateway-Jti": "x",
              "X-Gateway-Exp": str(int(time.time()) + 300),
              "X-Gateway-Ver": "0"}
    for secret in ("", "00" * 32, cluster.secret[:-1],
                   cluster.secret[:-2] + "zz", cluster.secret + "00"):
        h = dict(forged, **({"X-Gateway-Secret": secret} if secret else {}))
        r = gw(cluster, endpoint=node, headers=h)
        assert r.status_code == 403, secret
        assert r.json()["error"] == "not_from_gateway"
    r = gw(cluster, endpoint=node,
           headers=dict(forged, **{"X-Gateway-Secret":
                                   cluster.secret.upper()}))
    assert r.status_code == 200
    assert r.json()["sub"] == "3" and r.headers["X-Node"] == "a"


def test_s_j11_make_run_explains_the_route(site):
    """S-J11: under `make run` (no gateway, no GATEWAY_SECRET) the route
    answers 403 and says it only works behind `make cluster`."""
    r = requests.get(site.url(ME), headers={"Authorization": "Bearer x"},
                     timeout=HTTP_TIMEOUT)
    assert r.status_code == 403
    assert r.headers["Content-Type"] == JSON_TYPE
    j = r.json()
    assert j["error"] == "not_from_gateway"
    assert j["gateway_configured"] is False
    assert "make cluster" in j["message"] and "make cluster" in j["message_ko"]
    assert j["node"] is None


# ---- the forgery corpus ---------------------------------------------------------
def test_s_j11_alg_none_in_any_case_is_refused(cluster):
    """S-J11/S-J8: alg none and nOnE (no signature, or a made-up one)
    stop at the pinned alg."""
    body = b64u_json(claims(role="admin"))
    for alg in ("none", "nOnE", "NONE"):
        for sig in ("", "c2ln"):
            tok = f"{b64u_json({'alg': alg, 'typ': 'JWT'})}.{body}.{sig}"
            assert_gateway_refused(gw(cluster, tok), "alg",
                                   "alg not allowed")
    tok = pyjwt.encode(claims(), None, algorithm="none")
    assert_gateway_refused(gw(cluster, tok), "alg", "alg not allowed")


def test_s_j11_hs256_signed_with_the_public_key_is_refused(cluster):
    """S-J11/S-J8: the key-confusion forgery (HS256 with the RSA public
    key's PEM bytes as the HMAC secret, under the RSA kid) stops at the
    pinned alg; the gateway never treats the public key as a secret."""
    kid = header_of(login(cluster)[0])["kid"]
    pub = (cluster.keys_dir / "jwt_rs256.pub.pem").read_bytes()
    for key in (pub, pub.strip()):
        signing = (f"{b64u_json({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}"
                   f".{b64u_json(claims(role='admin'))}")
        sig = hmac.new(key, signing.encode(), hashlib.sha256).digest()
        assert_gateway_refused(gw(cluster, f"{signing}.{b64u(sig)}"),
                               "alg", "alg not allowed")


def test_s_j11_tampered_payload_and_foreign_key_are_bad_signature(cluster):
    """S-J11/S-J8: a genuine token with its payload edited (role admin,
    another sub), a token signed with another RSA key, and a token that is
    not three parts all fail jwt_verify."""
    access, _ = login(cluster)
    h, _p, s = access.split(".")
    edited = dict(payload_of(access), role="admin", sub="3")
    assert_gateway_refused(gw(cluster, f"{h}.{b64u_json(edited)}.{s}"),
                           "signature", "bad signature")
    from cryptography.hazmat.primitives.asymmetric import rsa
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tok = pyjwt.encode(claims(), other, algorithm="RS256",
                       headers={"kid": header_of(access)["kid"]})
    assert_gateway_refused(gw(cluster, tok), "signature", "bad signature")
    assert_gateway_refused(gw(cluster, f"{h}.{s}"), "signature",
                           "bad signature")


def test_s_j11_claims_checked_by_the_gateway(cluster):
    """S-J11: tokens with a genuine RS256 signature but an exp in the
    past (or none), an nbf or iat ahead, another iss, another aud or no
    aud, or token_use "refresh" are each refused by HAProxy with their own
    reason."""
    kid = header_of(login(cluster)[0])["kid"]
    now = int(time.time())
    rows = [
        ({"exp": now - 60}, "expired", "expired"),
        ({"exp": now}, "expired", "expired"),
        ({"exp": None}, "expired", "expired"),
        ({"nbf": now + 3600}, "not_yet_valid", "not yet valid"),
        ({"iat": now + 60}, "not_yet_valid", "not yet valid"),
        ({"iss": "urn:evil"}, "issuer", "wrong iss"),
        ({"aud": "urn:web-state:lab"}, "audience", "wrong aud"),
        ({"aud": None}, "audience", "wrong aud"),
        ({"token_use": "refresh"}, "token_use", "not an access token"),
    ]
    for over, reason, description in rows:
        c = {k: v for k, v in claims(**over).items() if v is not None}
        key = (cluster.keys_dir / "jwt_rs256.pem").read_bytes()
        tok = pyjwt.encode(c, key, algorithm="RS256", headers={"kid": kid})
        assert_gateway_refused(gw(cluster, tok), reason, description)
    # The same key and claims, in date: accepted, so only the claim
    # made the difference above.
    r = gw(cluster, rs_token(cluster, kid))
    assert r.status_code == 200 and r.json()["via"] == "gateway"


LAB_CORPUS = [                 # /lab/jwt's buttons (src/unsafe/forge.h)
    ("tampered", "signature", "bad signature"),
    ("none", "alg", "alg not allowed"),
    ("none_mixed", "alg", "alg not allowed"),
    ("hs256_pubkey", "alg", "alg not allowed"),
    ("hs512", "alg", "alg not allowed"),
    ("expired", "expired", "expired"),
    ("wrong_aud", "audience", "wrong aud"),
    ("not_yet_valid", "not_yet_valid", "not yet valid"),
]


def test_s_j11_the_lab_forgeries_are_refused_by_the_gateway(cluster):
    """S-J11/S-J8: every forgery button of /lab/jwt (pressed through the
    front, so the lab runs on the nodes) makes a token HAProxy refuses
    with its reason, before any node sees it."""
    c = sitectl.Client(cluster.front)
    for kind, reason, description in LAB_CORPUS:
        token = sitectl.csrf_from(c.get("/lab/jwt").text)
        r = c.post("/lab/jwt/forge", data={"csrf": token, "kind": kind})
        assert r.status_code == 200, r.text[:300]
        forged = html.unescape(re.search(r'data-token="([^"]*)"',
                                         r.text).group(1))
        assert_gateway_refused(gw(cluster, forged), reason, description)


def test_s_j11_oversized_token_is_refused(cluster):
    """S-J11: a token over 4 KB (the site's TOKEN_MAX) is refused before
    anything is decoded."""
    tok = "a" * 4097
    assert_gateway_refused(gw(cluster, tok), "too_large", "token too large")


# ---- what the gateway cannot see --------------------------------------------------
def test_s_j11_logout_reaches_tokens_through_the_gateway(cluster):
    """S-J11/S-J6: the gateway sees no store, so it would pass a
    logged-out token until its exp; the node checks the forwarded jti
    against the blacklist and answers the API's own 401 "revoked" (with
    X-Node, and no X-Gateway-Refused: HAProxy let it through)."""
    access, refresh = login(cluster, "bob")
    assert gw(cluster, access).status_code == 200
    r = requests.post(cluster.front.url("/api/auth/logout"), json={},
                      headers={"Origin": cluster.front.origin,
                               "Cookie": f"refresh_token={refresh}",
                               "Authorization": f"Bearer {access}"},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    assert r.json()["access_token_blacklisted"] is True
    for _ in range(2):                      # both nodes
        r = gw(cluster, access)
        assert r.status_code == 401
        assert "X-Gateway-Refused" not in r.headers
        assert r.headers["X-Node"] in ("a", "b")
        assert r.headers["WWW-Authenticate"] == (
            'Bearer error="invalid_token", error_description="revoked"')
        assert r.json() == {"error": "invalid_token",
                            "error_description": "revoked"}


def test_s_j11_configuration_pins_the_issuers_values():
    """S-J11: tools/haproxy.cfg compares iss, aud and token_use with the
    values src/state/token.h has the issuer write, pins RS256 and reads
    the public key only (no private key, no HS256 secret)."""
    cfg = (SITE_ROOT / "tools" / "haproxy.cfg").read_text()
    h = (SITE_ROOT / "src" / "state" / "token.h").read_text()

    def define(name):
        return re.search(rf'#define {name}\s+"([^"]*)"', h).group(1)
    assert f"jwt_payload_query('$.iss') -m str {define('TOKEN_ISSUER')} }}" \
        in cfg
    assert f"jwt_payload_query('$.aud') -m str {define('TOKEN_AUDIENCE')} }}" \
        in cfg
    assert (f"jwt_payload_query('$.token_use') -m str "
            f"{define('TOKEN_USE_ACCESS')} }}") in cfg
    assert "!{ var(txn.alg) -m str RS256 }" in cfg
    assert 'jwt_verify("RS256","${GW_PUBKEY}")' in cfg
    rules = [ln for ln in cfg.splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    assert [ln for ln in rules if "jwt_verify" in ln] == [
        ln for ln in rules if 'jwt_verify("RS256","${GW_PUBKEY}")' in ln]
    assert not [ln for ln in rules if "HS256" in ln.upper()
                or "jwt_rs256.pem" in ln or "KEYS" in ln]
