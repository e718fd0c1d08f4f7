#!/usr/bin/env python3
"""Every algorithm the programs name is in the algorithm register (REQ-STOR-006).

OpenSSL itself is the dictionary: `openssl list` gives every cipher, digest,
MAC, KDF, signature, key type, key exchange and random generator it
provides, each with its aliases; `openssl ecparam -list_curves` the curves;
`openssl ciphers` the TLS suites; its headers the names its macros stand
for (SN_x, LN_x and so NID_x in obj_mac.h, OSSL_..._NAME_x in
core_names.h). The sources of the programs (src/, dist/) are read as C
tokens, comments skipped. A use is: a string literal that is a name, or a
list of names separated by `:`, `,` or white space (other literals with
spaces are messages or SQL); an identifier EVP_name (a getter such as
EVP_sha256, called or not), EVP_PKEY_NAME, NID_name, SN_name, LN_name or
OSSL_..._NAME_x; a function whose name is its algorithm (PKCS5_PBKDF2_HMAC,
EVP_PBE_scrypt, EVP_BytesToKey). The register is the table under
"## The algorithm register" in docs/keys.md: the first cell of each row
holds the names of one entry in backticks, the last cell says how the
programs reach it: `by name` (it must be found in the sources) or
`negotiated` (chosen at run time by a TLS peer or OpenSSL's defaults, never
by name in the code).

The check fails when the sources name an algorithm that no row registers,
when a `by name` row is named nowhere in the sources, when a row names
something OpenSSL does not know, or when the programs call one of
OpenSSL's interfaces below EVP (SHA256(), HMAC(), AES_*, RSA_*, EC_KEY_*,
EC_POINT_*, ChaCha20_* ...). It prints every use it found; --self-test
shows each of these forms failing it.

usage: check-algorithms.py [--self-test] [ROOT]
"""
import os
import re
import subprocess
import sys
import tempfile

LIST_KINDS = ["-digest-algorithms", "-random-generators", "-cipher-algorithms", "-mac-algorithms",
              "-kdf-algorithms", "-signature-algorithms", "-key-managers",
              "-key-exchange-algorithms", "-kem-algorithms", "-asymcipher-algorithms"]
# OpenSSL's NIST curve names (EC_curve_nist2nid), which ecparam does not list
NIST_CURVES = {"P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1",
               "secp256r1": "prime256v1"}
OID = re.compile(r"^[0-9]+(\.[0-9]+)+$")
# Literals that spell an algorithm's alias but name none where they stand,
# each in one file, with why: they are compared, never handed to OpenSSL.
NOT_ALGORITHMS = {
    ("src/run/page.c", "null"):
        "an opaque origin's Origin header (RFC 6454 §6.2), not the NULL cipher",
}
# OpenSSL's algorithm-specific interfaces below EVP: the programs call none
# (ECDSA_SIG_* is only the DER codec of a signature value: no cryptography)
LOW_LEVEL = re.compile(r"^(?!ECDSA_SIG_)(MD2|MD4|MD5|MDC2|SHA1|SHA224|SHA256|SHA384|SHA512|"
                       r"RIPEMD160|WHIRLPOOL|HMAC|CMAC|"
                       r"(AES|RSA|DSA|DH|EC_KEY|EC_POINT|EC_GROUP|ECDSA|ECDH|DES|RC2|RC4|RC5|BF|"
                       r"CAST|Camellia|IDEA|SEED|ChaCha20|Poly1305|CMAC|HMAC|MD[245]|MDC2|"
                       r"SHA(1|224|256|384|512)?|RIPEMD160|WHIRLPOOL|SM[234]|RAND_DRBG|"
                       r"CRYPTO_gcm128|CRYPTO_ccm128|CRYPTO_ocb128|CRYPTO_xts128)_[A-Za-z0-9_]+)$")
# Functions whose name is the algorithm they run
FUNCTION_ALGORITHMS = {"PKCS5_PBKDF2_HMAC": ["PBKDF2"], "PKCS5_PBKDF2_HMAC_SHA1": ["PBKDF2", "SHA1"],
                       "EVP_PBE_scrypt": ["SCRYPT"], "EVP_PBE_scrypt_ex": ["SCRYPT"],
                       "EVP_BytesToKey": ["MD5"], "PKCS12_key_gen_utf8": ["PKCS12KDF"]}
HEADERS = ["/usr/include/openssl/obj_mac.h", "/usr/include/openssl/core_names.h"]


def openssl(*args):
    env = dict(os.environ, OPENSSL_CONF="/dev/null")
    return subprocess.run(["openssl", *args], check=True, capture_output=True, text=True,
                          env=env).stdout


class Dictionary:
    """Names OpenSSL knows, each mapped to its group: the aliases of one
    algorithm share a group, shown by its first name."""

    def __init__(self):
        self.group = {}   # lower-case alias -> group id
        self.shown = {}   # group id -> name shown
        for kind in LIST_KINDS:
            self._provided(openssl("list", kind))
        for line in openssl("ecparam", "-list_curves").splitlines():
            name = line.split(":")[0].strip()
            if name:
                self._add([name])
        for nist, curve in NIST_CURVES.items():
            self.group[nist.lower()] = self.group[curve.lower()]
        suites = openssl("ciphers", "-s", "ALL:COMPLEMENTOFALL").strip().split(":")
        suites += openssl("ciphers", "-s", "-tls1_3", "ALL").strip().split(":")
        for s in suites:
            self._add([s])

    def _add(self, names):
        names = [n for n in names if n and not OID.match(n)]
        known = [self.group[n.lower()] for n in names if n.lower() in self.group]
        gid = known[0] if known else len(self.shown)
        self.shown.setdefault(gid, names[0])
        for n in names:
            self.group.setdefault(n.lower(), gid)

    def _provided(self, text):
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("IDs:"):
                line = line[4:].strip()
            m = re.match(r"^\{ (.*) \} @ \S+$", line) or re.match(r"^(\S+) @ \S+$", line)
            if m:
                self._add([a.strip() for a in m.group(1).split(",")])

    def lookup(self, name):
        return self.group.get(name.lower())


def header_names():
    """The string each OpenSSL macro SN_x, LN_x and OSSL_..._NAME_x stands
    for, and the SN string of each NID_x: identifier -> [names]."""
    macros = {}
    for h in HEADERS:
        with open(h, encoding="utf-8", errors="replace") as fh:
            for m in re.finditer(r'^#\s*define\s+((?:SN|LN|OSSL)_\w+)\s+"([^"]*)"', fh.read(), re.M):
                macros[m.group(1)] = m.group(2)
    names = {k: [v] for k, v in macros.items()}
    for k, v in macros.items():
        if k.startswith(("SN_", "LN_")):
            names.setdefault("NID_" + k[3:], []).append(v)
    return names


def c_tokens(text):
    """(kind, value, line) for the string literals and identifiers of C
    source text, comments skipped."""
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            if c == '"':
                yield "str", text[i + 1:j], line
            i = j + 1
        elif c.isalpha() or c == "_":
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(text, i)
            yield "id", m.group(0), line
            if re.match(r"\s*\(", text[m.end():m.end() + 256]):
                yield "call", m.group(0), line
            i = m.end()
        else:
            line += c == "\n"
            i += 1


def names_in(kind, value, dic, macros):
    if kind == "str":
        value = value.replace('\\"', "")   # a quoted value inside the literal
        parts = [p for p in re.split(r"[\s:,]+", value) if p]
        # prose (messages, SQL) has spaces; a list of names may have them too,
        # when every word of it is a name
        if re.search(r"\s", value) and not (len(parts) > 1 and
                                            all(dic.lookup(p) is not None for p in parts)):
            return
        yield value
        if len(parts) > 1:
            yield from parts
        return
    if value in macros:
        yield from macros[value]
    yield from FUNCTION_ALGORITHMS.get(value, [])
    m = re.match(r"^EVP_([a-z0-9_]+)$", value)   # EVP_sha256, called or not
    if m:
        yield m.group(1).replace("_", "-")
    m = re.match(r"^(?:EVP_PKEY|NID)_([A-Za-z0-9_]+)$", value)
    if m:
        yield m.group(1)
        yield m.group(1).replace("_", "-")


def uses(dic, root, dirs, low_level):
    found = {}
    macros = header_names()
    for d in dirs:
        for top, _, files in os.walk(os.path.join(root, d)):
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.join(top, f)
                with open(path, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
                for kind, value, line in c_tokens(text):
                    where = "%s:%d" % (os.path.relpath(path, root), line)
                    if kind == "call":
                        if LOW_LEVEL.match(value):
                            low_level.append((value, where))
                        continue
                    for name in names_in(kind, value, dic, macros):
                        why = NOT_ALGORITHMS.get((os.path.relpath(path, root), name.lower()))
                        if why is not None:
                            print("# %s at %s: %s" % (name, where, why))
                            continue
                        gid = dic.lookup(name)
                        if gid is not None:
                            found.setdefault(gid, []).append((name, where))
    return found


def register(dic, path):
    """[(row names, how, {group ids})] from the register table; errors listed."""
    rows, errors, inside = [], [], False
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("## "):
                inside = line.strip() == "## The algorithm register"
                continue
            if not inside or not line.startswith("| `"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            how = cells[-1]
            if how not in ("by name", "negotiated"):
                errors.append("register row %s: last cell '%s', want 'by name' or "
                              "'negotiated'" % (cells[0], how))
            gids = set()
            for name in re.findall(r"`([^`]+)`", cells[0]):
                gid = dic.lookup(name)
                if gid is None:
                    errors.append("register names %s, which OpenSSL does not know" % name)
                gids.add(gid)
            rows.append((cells[0], how, gids - {None}))
    if not rows:
        errors.append("%s: no '## The algorithm register' table" % path)
    return rows, errors


def check(root, dirs=("src", "dist"), keys="docs/keys.md"):
    dic = Dictionary()
    rows, errors = register(dic, os.path.join(root, keys))
    registered = set().union(*(gids for _, _, gids in rows))
    low_level = []
    found = uses(dic, root, dirs, low_level)
    for name, where in low_level:
        errors.append("%s calls %s(), below OpenSSL's EVP interface" % (where, name))
    for gid, where in sorted(found.items(), key=lambda kv: dic.shown[kv[0]].lower()):
        names = sorted({n for n, _ in where})
        print("# %s (%s): %s" % (dic.shown[gid], ", ".join(names),
                                 " ".join(w for _, w in where[:6]) +
                                 (" ..." if len(where) > 6 else "")))
        if gid not in registered:
            errors.append("%s is used (%s) but not in the algorithm register" %
                          (", ".join(names), where[0][1]))
    for cell, how, gids in rows:
        if how == "by name" and not gids & found.keys():
            errors.append("register row %s is 'by name' but no program names it" % cell)
    for e in errors:
        print("FAIL: " + e)
    print("# %d algorithms named by the programs, %d register entries" % (len(found), len(rows)))
    return 1 if errors else 0


def self_test(root):
    """The check must fail on an unregistered algorithm and a stale row."""
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "src"))
        os.makedirs(os.path.join(tmp, "docs"))
        with open(os.path.join(tmp, "docs", "keys.md"), "w") as fh:
            fh.write("## The algorithm register\n\n| names | how |\n|---|---|\n"
                     "| `SHA256` | by name |\n| `ED25519` | by name |\n")
        src = os.path.join(tmp, "src", "a.c")
        with open(src, "w") as fh:
            fh.write('/* "MD5" in a comment is no use */\nx = EVP_sha256();\n'
                     'y = EVP_PKEY_ED25519;\n')
        if check(tmp) != 0:
            return "a clean tree failed"
        for bad in ['z = EVP_md5();\n', 'HMAC(EVP_sha256(), k, 32, m, n, o, &l);\n',
                    'f = EVP_md5;\n', 'd = OSSL_DIGEST_NAME_MD5;\n', 'n = SN_md5;\n',
                    'k = NID_ED448;\n', 't = EVP_PKEY_RSA_PSS;\n', 'c = NID_X9_62_prime239v1;\n',
                    'l = "ECDHE-RSA-CHACHA20-POLY1305 ECDHE-RSA-AES128-GCM-SHA256";\n',
                    'PKCS5_PBKDF2_HMAC(p, n, s, sl, 1000, EVP_sha256(), 32, out);\n',
                    'EC_POINT_mul(g, r, k, NULL, NULL, x);\n', 'SHA256   (m, n, md);\n',
                    'ChaCha20_ctr32(o, i, n, k, c);\n', 'c = "ECDHE-ECDSA-CHACHA20-POLY1305";\n',
                    'q = "X25519:P-256";\n', 'k = EVP_KDF_fetch(NULL, "PBKDF2", NULL);\n',
                    'n = EVP_CIPHER_fetch(NULL, "null", NULL);\n']:   # not page.c's
            with open(src, "a") as fh:
                fh.write(bad)
            if check(tmp) == 0:
                return "an unregistered algorithm passed: " + bad.strip()
            with open(src, "w") as fh:
                fh.write('x = EVP_sha256();\ny = EVP_PKEY_ED25519;\n')
        with open(src, "w") as fh:
            fh.write('x = EVP_sha256();\n')
        if check(tmp) == 0:
            return "a 'by name' row no program names passed"
    return None


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if argv and argv[0] == "--self-test":
        problem = self_test(root)
        print("FAIL: self-test: " + problem if problem else "# self-test passed")
        return 1 if problem else 0
    return check(argv[0] if argv else root)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
