#!/usr/bin/env python3
"""Replays the login API examples of a document against a running dsgd.

usage: api_examples.py DOC ROUTES-SOURCE PORT CACERT WEBAUTHN-CLIENT KEY ORIGIN AAGUID
                       [NAME=VALUE ...]

DOC's ```http-example blocks are run in order, sharing their placeholders.
A block is the request, a blank line, then the answer:

    METHOD PATH
    Header: value            (any number, placeholders substituted)
    {"the": "JSON body"}     (optional, may span lines)

    STATUS
    Header: pattern          (any number: a header of that name must match)
    {"the": "JSON answer"}   (optional when the answer has no body)

The answer must have STATUS and a JSON object with exactly the documented
members, recursively (arrays element by element); a documented string is
a pattern: its text outside <placeholders> must match exactly and each
<name> matches any text, then names what it matched for later requests.
Numbers, booleans and null must be equal. In requests <name> is a value
given on the command line or bound by an earlier answer, or one computed
here: <totp-code> (RFC 6238, from <totp-secret>: each code a later time
step than the one before, since the server accepts a step once), and the
members of a WebAuthn response (<attestationObject>, <clientDataJSON>,
<credentialId>, <authenticatorData>, <signature>) that WEBAUTHN-CLIENT
makes from the previous answer's options. Every route of ROUTES-SOURCE
(its ROUTE("...") lines) must have an example. Exit 0 when all agree; 1
with the first disagreement, naming the block's line.
"""
import base64
import hmac
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

PLACEHOLDER = re.compile(r"<([A-Za-z][A-Za-z0-9_.-]*)>")
WEBAUTHN = ("attestationObject", "clientDataJSON", "credentialId", "authenticatorData",
            "signature")


class Mismatch(Exception):
    pass


def blocks(doc):
    """(line number, request lines, answer lines) of each http-example block."""
    out, lines, at = [], open(doc, encoding="utf-8").read().split("\n"), None
    for i, line in enumerate(lines):
        if at is None and line.strip() == "```http-example":
            at, body = i + 1, []
        elif at is not None and line.strip() == "```":
            text = "\n".join(body).strip("\n")
            if "\n\n" not in text:
                raise Mismatch("%s:%d: no blank line between request and answer" % (doc, at))
            req, ans = text.split("\n\n", 1)
            out.append((at, req.split("\n"), ans.strip("\n").split("\n")))
            at = None
        elif at is not None:
            body.append(line)
    if at is not None:
        raise Mismatch("%s:%d: the block is not closed" % (doc, at))
    return out


def split_head(lines):
    """The header lines (name, value) at the top of lines, then the rest as text."""
    heads, k = [], 0
    while k < len(lines) and re.match(r"^[A-Za-z][A-Za-z0-9-]*: ", lines[k]):
        name, value = lines[k].split(": ", 1)
        heads.append((name, value))
        k += 1
    return heads, "\n".join(lines[k:]).strip()


class Replay:
    def __init__(self, port, cacert, client, key, origin, aaguid, values):
        self.port, self.cacert, self.client = port, cacert, client
        self.key, self.origin, self.aaguid = key, origin, aaguid
        self.values = dict(values)
        self.last_answer = None
        self.last_step = None      # the TOTP time step of the last code sent
        self.counter = 0           # the authenticator's signature counter
        self.tmp = tempfile.mkdtemp(prefix="api-examples.")

    # ---- requests --------------------------------------------------------------
    def totp_code(self):
        secret = self.values.get("totp-secret")
        if secret is None:
            raise Mismatch("<totp-code> before any <totp-secret>")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        while True:
            if time.time() % 30 > 29:   # a step of now - 1 could be too old on arrival
                time.sleep(1.5)
            now = int(time.time()) // 30
            step = now - 1 if self.last_step is None else max(self.last_step + 1, now - 1)
            if step <= now + 1:
                break
            time.sleep(30 - time.time() % 30 + 0.5)   # every step allowed is spent
        self.last_step = step
        mac = hmac.digest(key, struct.pack(">Q", step), "sha1")
        o = mac[-1] & 15
        return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 10**6)

    def webauthn(self, names):
        """The WebAuthn members of a response to the last answer's options."""
        if self.last_answer is None or "publicKey" not in self.last_answer:
            raise Mismatch("WebAuthn members asked with no options in the answer before")
        opts = os.path.join(self.tmp, "options.json")
        with open(opts, "w", encoding="utf-8") as f:
            json.dump(self.last_answer, f)
        login = self.last_answer.get("login", "")
        if "attestationObject" in names:
            args = ["create", self.key, opts, self.origin, login, self.aaguid]
        else:
            self.counter += 1
            args = ["get", self.key, opts, self.origin, login, str(self.counter)]
        r = subprocess.run([self.client] + args, capture_output=True, text=True, check=False)
        if r.returncode != 0:
            raise Mismatch("webauthn-client %s: %s" % (args[0], r.stderr.strip()))
        made = json.loads(r.stdout)
        for n in WEBAUTHN:
            if n in made:
                self.values[n] = made[n]

    def fill(self, text, where):
        names = PLACEHOLDER.findall(text)
        if any(n in WEBAUTHN for n in names):
            self.webauthn(names)
        def one(m):
            n = m.group(1)
            if n == "totp-code":
                return self.totp_code()
            if n not in self.values:
                raise Mismatch("%s: <%s> is not known here" % (where, n))
            return self.values[n]
        return PLACEHOLDER.sub(one, text)

    def send(self, method, path, heads, body, where):
        out_h, out_b = os.path.join(self.tmp, "h"), os.path.join(self.tmp, "b")
        cmd = ["curl", "-sS", "--cacert", self.cacert,
               "--resolve", "localhost:%s:127.0.0.1" % self.port, "-X", method,
               "-D", out_h, "-o", out_b, "-w", "%{http_code}"]
        for name, value in heads:
            cmd += ["-H", "%s: %s" % (name, self.fill(value, where))]
        if body:
            cmd += ["-H", "Content-Type: application/json", "--data-binary",
                    self.fill(body, where)]
        elif method == "POST":
            cmd += ["--data-binary", ""]
        cmd.append("https://localhost:%s%s" % (self.port, path))
        r = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if r.returncode != 0:
            raise Mismatch("%s: curl: %s" % (where, r.stderr.strip()))
        headers = []
        for line in open(out_h, encoding="latin-1").read().splitlines():
            if ": " in line:
                name, value = line.split(": ", 1)
                headers.append((name.lower(), value))
        return int(r.stdout), headers, open(out_b, encoding="utf-8").read()

    # ---- answers ---------------------------------------------------------------
    def pattern(self, want, got, where):
        """want's text, its <names> any text each, is got: the names bound."""
        parts = PLACEHOLDER.split(want)
        rx = "".join(re.escape(p) if i % 2 == 0 else "(.+?)" for i, p in enumerate(parts))
        m = re.fullmatch(rx, got, re.S)
        if m is None:
            raise Mismatch("%s: %r, documented %r" % (where, got, want))
        for name, value in zip(parts[1::2], m.groups()):
            self.values[name] = value

    def same(self, want, got, where):
        if isinstance(want, dict):
            if not isinstance(got, dict) or set(want) != set(got):
                raise Mismatch("%s: members %s, documented %s" % (
                    where, sorted(got) if isinstance(got, dict) else type(got).__name__,
                    sorted(want)))
            for k in want:
                self.same(want[k], got[k], "%s.%s" % (where, k))
        elif isinstance(want, list):
            if not isinstance(got, list) or len(want) != len(got):
                raise Mismatch("%s: %s, documented %s" % (where, json.dumps(got),
                                                          json.dumps(want)))
            for i, (w, g) in enumerate(zip(want, got)):
                self.same(w, g, "%s[%d]" % (where, i))
        elif isinstance(want, str):
            if not isinstance(got, str):
                raise Mismatch("%s: %s, documented a string" % (where, json.dumps(got)))
            self.pattern(want, got, where)
        elif want != got or type(want) is not type(got):
            raise Mismatch("%s: %s, documented %s" % (where, json.dumps(got), json.dumps(want)))

    def run(self, doc, line, req, ans):
        where = "%s:%d" % (doc, line)
        method, path = req[0].split(" ", 1)
        heads, body = split_head(req[1:])
        if body:
            try:
                json.loads(PLACEHOLDER.sub("x", body))
            except ValueError as e:
                raise Mismatch("%s: the request body is not JSON: %s" % (where, e))
        status, headers, text = self.send(method, path.strip(), heads, body, where)
        want_heads, want_text = split_head(ans[1:])
        if status != int(ans[0]):
            raise Mismatch("%s: status %d, documented %s: %s" % (where, status, ans[0], text))
        for name, value in want_heads:
            got = [v for n, v in headers if n == name.lower()]
            if not got:
                raise Mismatch("%s: no %s header" % (where, name))
            self.pattern(value, got[0], "%s: %s" % (where, name))
        if not want_text:
            if text:
                raise Mismatch("%s: a body %r, documented none" % (where, text))
            return
        try:
            want, got = json.loads(want_text), json.loads(text)
        except ValueError as e:
            raise Mismatch("%s: not JSON (%s): %r" % (where, e, text))
        self.same(want, got, where + " answer")
        self.last_answer = got


def main(argv):
    if len(argv) < 9:
        sys.stderr.write(__doc__)
        return 64
    doc, source = argv[1], argv[2]
    values = dict(a.split("=", 1) for a in argv[9:])
    replay = Replay(argv[3], argv[4], argv[5], argv[6], argv[7], argv[8], values)
    routes = set(re.findall(r'ROUTE\("(/api/v1/auth/[^"]*)"', open(source).read()))
    try:
        examples = blocks(doc)
        if not examples:
            raise Mismatch("%s: no http-example block" % doc)
        covered = {r[0].split(" ", 1)[1].strip() for _, r, _ in examples}
        if not routes or routes - covered:
            raise Mismatch("routes without an example: %s" % sorted(routes - covered))
        for line, req, ans in examples:
            replay.run(doc, line, req, ans)
    except Mismatch as e:
        print("api_examples: %s" % e)
        return 1
    print("api_examples: %d examples agree, %d routes covered" % (len(examples), len(routes)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
