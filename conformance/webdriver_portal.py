#!/usr/bin/env python3
"""The web portal in a real browser (conformance/cases/dsgd_portal_browser.sh).

A small W3C WebDriver client over plain HTTP and JSON (urllib only): it
drives a headless Chromium through chromedriver, ignoring the test
certificate (acceptInsecureCerts), and

  1. logs in through /login with the user's password, then the TOTP form
     with the code of the next time step of the otpauth URI;
  2. opens the first area's root folder from /areas;
  3. uploads FILE with the file input of the folder page's upload form
     and finds its name listed on the page the form returns to;
  4. reads the browser's console log and fails on any Content Security
     Policy violation (or any other SEVERE message) on any page.

With "webauthn" first, the user logs in with the password, then a
security key instead: WebDriver's virtual authenticator (WebAuthn Level 2
§11) given the credential the software authenticator registered (its
P-256 key KEY.pem, its ID the first 16 bytes of SHA-256 of the key's x,
the user handle of the registration's options CREATE.json), which the
WebAuthn page's script (/static/webauthn.js) asks through
navigator.credentials.get; the areas page must follow, again with no CSP
violation.

usage: webdriver_portal.py CHROMEDRIVER-PORT BASE-URL USER PASSWORD OTPAUTH FILE
       webdriver_portal.py webauthn CHROMEDRIVER-PORT BASE-URL USER PASSWORD KEY.pem CREATE.json
Prints what it saw, one line a step; exits 1 with the reason on a failure.
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class Driver:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port
        self.sid = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.load(r).get("value")
        except urllib.error.HTTPError as e:
            raise SystemExit("webdriver %s %s: %s" % (method, path, e.read().decode()[:500]))

    def start(self):
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "acceptInsecureCerts": True,
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--no-first-run"],
            },
        }}}
        self.sid = self.call("POST", "/session", caps)["sessionId"]

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.sid, path), body)

    def go(self, url):
        self.s("POST", "/url", {"url": url})

    def url(self):
        return self.s("GET", "/url")

    def source(self):
        return self.s("GET", "/source")

    def find(self, css):
        el = self.s("POST", "/element", {"using": "css selector", "value": css})
        return list(el.values())[0]

    def type(self, css, text):
        self.s("POST", "/element/%s/value" % self.find(css), {"text": text})

    def click(self, css):
        self.s("POST", "/element/%s/click" % self.find(css), {})

    def console(self):
        return self.s("POST", "/se/log", {"type": "browser"}) or []

    def quit(self):
        if self.sid is not None:
            self.call("DELETE", "/session/%s" % self.sid)


def totp(uri, offset):
    q = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)
    secret = base64.b32decode(q["secret"][0] + "=" * (-len(q["secret"][0]) % 8))
    mac = hmac.digest(secret, struct.pack(">Q", int(time.time()) // 30 + offset), "sha1")
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 10**6)


def wait_for(d, what, test, secs=15):
    end = time.time() + secs
    while time.time() < end:
        if test():
            return
        time.sleep(0.2)
    raise SystemExit("%s: not seen within %d s; at %s: %s"
                     % (what, secs, d.url(), d.source()[:800]))


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def key_credential(pem, create_json):
    """The virtual authenticator's credential for the key registered."""
    pkcs8 = subprocess.run(["openssl", "pkcs8", "-topk8", "-nocrypt", "-in", pem,
                            "-outform", "DER"], check=True, capture_output=True).stdout
    spki = subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-outform", "DER"],
                          check=True, capture_output=True).stdout
    x = spki[-64:-32]
    handle = json.load(open(create_json))["publicKey"]["user"]["id"]
    return {"credentialId": b64url(hashlib.sha256(x).digest()[:16]), "isResidentCredential": False,
            "rpId": "localhost", "privateKey": b64url(pkcs8), "userHandle": handle,
            "signCount": 10}


def severe(log):
    bad = [e for e in log if e.get("level") == "SEVERE" or
           "Content Security Policy" in e.get("message", "")]
    for e in log:
        print("console: %s %s" % (e.get("level"), e.get("message", "")[:200]))
    if bad:
        raise SystemExit("the browser reported: %s" % "; ".join(e["message"][:300] for e in bad))
    print("console: no CSP violation, no error")


def webauthn(port, base, user, password, pem, create_json):
    d = Driver(int(port))
    d.start()
    log = []
    try:
        auth = d.s("POST", "/webauthn/authenticator", {
            "protocol": "ctap2", "transport": "usb", "hasResidentKey": False,
            "hasUserVerification": True, "isUserConsenting": True, "isUserVerified": True})
        d.s("POST", "/webauthn/authenticator/%s/credential" % auth,
            key_credential(pem, create_json))
        d.go(base + "/login")
        d.type("#user_id", user)
        d.type("#password", password)
        d.click("button[type=submit]")
        wait_for(d, "the WebAuthn page", lambda: 'id="webauthn"' in d.source())
        print("password step: the WebAuthn page")
        log += d.console()
        d.click("#webauthn-start")
        wait_for(d, "the areas page", lambda: d.url().endswith("/areas"))
        print("WebAuthn step: %s" % urllib.parse.urlparse(d.url()).path)
        log += d.console()
    finally:
        d.quit()
    severe(log)


def main():
    if sys.argv[1] == "webauthn":
        webauthn(*sys.argv[2:8])
        return
    port, base, user, password, otpauth, path = sys.argv[1:7]
    d = Driver(int(port))
    d.start()
    log = []
    try:
        d.go(base + "/login")
        d.type("#user_id", user)
        d.type("#password", password)
        d.click("button[type=submit]")
        wait_for(d, "the TOTP form", lambda: 'action="/login/totp"' in d.source())
        print("password step: the TOTP form")
        log += d.console()
        d.type("#code", totp(otpauth, 1))
        d.click("button[type=submit]")
        wait_for(d, "the areas page", lambda: d.url().endswith("/areas"))
        print("TOTP step: %s" % urllib.parse.urlparse(d.url()).path)
        log += d.console()
        d.click('a[href^="/folder?id="]')
        wait_for(d, "the folder page", lambda: "/folder?id=" in d.url())
        print("folder page: %s" % urllib.parse.urlparse(d.url()).path)
        log += d.console()
        name = os.path.basename(path)
        d.type("#file", os.path.abspath(path))
        d.click("#upload")
        wait_for(d, "the uploaded file listed",
                 lambda: "/folder?id=" in d.url() and name in d.source())
        print("upload: %s listed" % name)
        log += d.console()
        d.go(base + "/logout")
        wait_for(d, "the logout form", lambda: 'action="/logout"' in d.source())
        log += d.console()
    finally:
        d.quit()
    severe(log)


if __name__ == "__main__":
    main()
