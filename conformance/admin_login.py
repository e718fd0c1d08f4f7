#!/usr/bin/env python3
"""dsgctl login for the conformance cases, with a TOTP authenticator kept in a file.

  admin_login.py first DSGCTL SOCKET USER ISSUED NEW CODE STATE
      the first login: the issued password, changed to NEW, the TOTP factor
      enrolled with the enrolment code CODE; its secret goes to STATE
  admin_login.py again DSGCTL SOCKET USER PASSWORD STATE
      a login with the password and a code of the secret in STATE

dsgctl reads the secrets line by line from standard input (not a terminal)
and prints the otpauth:// URI of an enrolment on standard output. A code is
accepted once: STATE also keeps the last time step used, and a later login
takes the next step (within the server's skew, $ADMIN_TOTP_SKEW steps,
default 1) or waits for it.
Exits with dsgctl's status; its output and errors pass through.
"""
import base64, hmac, json, os, struct, subprocess, sys, time, urllib.parse


def code(secret, step):
    mac = hmac.digest(secret, struct.pack(">Q", step), "sha1")
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 10**6)


def next_step(state):
    skew = int(os.environ.get("ADMIN_TOTP_SKEW", "1"))   # auth.totp_skew_steps
    now = int(time.time()) // 30
    step = max(now, state.get("last", -1) + 1)
    while step > now + skew:        # beyond the skew: wait for the clock
        time.sleep(1)
        now = int(time.time()) // 30
    state["last"] = step
    return step


def secret_of(uri):
    s = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
    return base64.b32decode(s + "=" * (-len(s) % 8))


def main(argv):
    mode, dsgctl, sock, user = argv[1:5]
    cmd = [dsgctl, "login", "--user", user, "--socket", sock]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if mode == "first":
        issued, new, enrol, path = argv[5:9]
        p.stdin.write("%s\n%s\n%s\n%s\n" % (issued, new, new, enrol))
        p.stdin.flush()
        uri = ""
        while not uri.startswith("otpauth://"):
            line = p.stdout.readline()
            if line == "":
                return p.wait()
            sys.stdout.write(line)
            uri = line.strip()
        state = {"uri": uri}
    else:
        password, path = argv[5:7]
        state = json.load(open(path))
        p.stdin.write(password + "\n")
    p.stdin.write(code(secret_of(state["uri"]), next_step(state)) + "\n")
    p.stdin.close()
    sys.stdout.write(p.stdout.read())
    json.dump(state, open(path, "w"))
    return p.wait()


sys.exit(main(sys.argv))
