"""HTTPS for a classroom LAN (issue 6): HTTPS=1 serves the main port over
TLS with a self-signed certificate made on first start, and the session
cookie becomes `__Host-sid` with Secure (S-S1 over HTTPS). HSTS stays off:
this is a demo host."""
import os
import stat

import sitectl
from sitectl import Client


def test_s_s1_https_session_cookie_is_host_prefixed_and_secure(tls_site):
    c = Client(tls_site)
    r = c.get("/session/login")
    assert r.status_code == 200
    lines = sitectl.set_cookie_headers(r)
    assert len(lines) == 1
    name_value, *attrs = lines[0].split("; ")
    assert name_value.startswith("__Host-sid=")
    assert attrs == ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"]
    assert "Strict-Transport-Security" not in r.headers
    # The whole login works over TLS, with the prefixed name.
    token = sitectl.csrf_from(r.text)
    r = c.post("/session/login", data={"username": "alice",
                                       "password": "alice-password",
                                       "csrf": token})
    assert r.status_code == 303
    st = c.get("/session/state").json()
    assert st["authenticated"] is True
    c.close()


def test_s_s1_plain_sid_is_ignored_over_https(tls_site):
    """Over HTTPS only `__Host-sid` names the session: a plain `sid` cookie
    (which any HTTP page of the same host could have planted) is not
    looked up."""
    plain = Client(tls_site)
    r = plain.get("/session/state", headers={"Cookie": "sid=" + "A" * 43})
    assert r.json()["authenticated"] is False
    plain.close()


def test_https_certificate_is_private_and_reused(tls_site):
    pem = tls_site.cert_path
    mode = stat.S_IMODE(os.stat(pem).st_mode)
    assert mode & 0o077 == 0, oct(mode)
    before = pem.read_bytes()
    tls_site.restart()
    assert pem.read_bytes() == before
    assert b"BEGIN CERTIFICATE" in before and b"PRIVATE KEY" in before
