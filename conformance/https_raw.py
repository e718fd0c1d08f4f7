#!/usr/bin/env python3
"""https_raw.py — send raw bytes to the portal over TLS and check every answer.

usage: https_raw.py PORT CAFILE [--expect N] [--head] [--pieces] [--wait S] < request

Connects to 127.0.0.1:PORT, verifies the certificate for "localhost"
against CAFILE, sends stdin (with --pieces: one byte at a time for the
first 64 bytes, then the rest), and reads answers until N have arrived
(--expect, default 1) and then, if the server closes, notes it; or until
the server closes; or --wait seconds (default 5) pass without a byte.

Every answer is checked as the portal promises (REQ-RUN-015): status line
"HTTP/1.1 NNN reason", CRLF line ends, Content-Length equal to the body,
Content-Type application/json, the security headers, and for 4xx/5xx a JSON
body of exactly {"error": <string>, "message": <string>}. With --head the
answers carry no body (answers to HEAD).

Prints one line per answer, "STATUS<TAB>CONNECTION<TAB>BODY" (CONNECTION
is the Connection header or "-"), then "closed" if the server closed the
connection. Exit 0; 3 when an answer breaks the rules (why on stderr);
2 on a usage or connection error.
"""
import json
import socket
import ssl
import sys
import time

SECURITY_HEADERS = {
    "strict-transport-security": lambda v: v.startswith("max-age="),
    "x-content-type-options": lambda v: v == "nosniff",
    "content-security-policy": lambda v: "frame-ancestors 'none'" in v,
    "content-type": lambda v: v == "application/json",
}


def die(code, msg):
    print(msg, file=sys.stderr)
    sys.exit(code)


def parse_one(buf, head_only):
    """One answer from the start of buf: (status, headers, body, rest), or None
    if it is not complete yet."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buf[:end].decode("latin-1")
    lines = head.split("\r\n")
    if any("\n" in line or "\r" in line for line in lines):
        die(3, "a header line does not end in CRLF: %r" % head)
    parts = lines[0].split(" ", 2)
    if len(parts) != 3 or parts[0] != "HTTP/1.1" or not parts[1].isdigit() or len(parts[1]) != 3:
        die(3, "bad status line: %r" % lines[0])
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep or name != name.strip():
            die(3, "bad header line: %r" % line)
        if name.lower() in headers:
            die(3, "duplicate header: %r" % name)
        headers[name.lower()] = value.strip()
    if "content-length" not in headers or not headers["content-length"].isdigit():
        die(3, "no Content-Length in %r" % head)
    length = 0 if head_only else int(headers["content-length"])
    if len(buf) < end + 4 + length:
        return None
    body = buf[end + 4:end + 4 + length]
    return int(parts[1]), headers, body, buf[end + 4 + length:]


def check(status, headers, body):
    for name, ok in SECURITY_HEADERS.items():
        if name not in headers or not ok(headers[name]):
            die(3, "%d: header %s missing or wrong: %r" % (status, name, headers.get(name)))
    if status >= 400 and body:
        try:
            doc = json.loads(body.decode("utf-8"))
        except ValueError as e:
            die(3, "%d: the body is not JSON (%s): %r" % (status, e, body))
        if (not isinstance(doc, dict) or sorted(doc) != ["error", "message"]
                or not all(isinstance(doc[k], str) and doc[k] for k in doc)):
            die(3, "%d: the body is not {error, message}: %r" % (status, body))


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        die(2, __doc__)
    port, cafile, rest = int(args[0]), args[1], args[2:]
    expect, head_only, pieces, wait = 1, False, False, 5.0
    while rest:
        opt = rest.pop(0)
        if opt == "--expect":
            expect = int(rest.pop(0))
        elif opt == "--head":
            head_only = True
        elif opt == "--pieces":
            pieces = True
        elif opt == "--wait":
            wait = float(rest.pop(0))
        else:
            die(2, "unknown option %s" % opt)
    request = sys.stdin.buffer.read()
    ctx = ssl.create_default_context(cafile=cafile)
    try:
        sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=wait),
                               server_hostname="localhost")
    except (OSError, ssl.SSLError) as e:
        die(2, "connect: %s" % e)
    if pieces:
        for i in range(min(64, len(request))):
            sock.sendall(request[i:i + 1])
            time.sleep(0.01)
        request = request[64:]
    if request:
        sock.sendall(request)
    buf, answers, closed = b"", 0, False
    while True:
        while True:
            one = parse_one(buf, head_only)
            if one is None:
                break
            status, headers, body, buf = one
            check(status, headers, body)
            print("%d\t%s\t%s" % (status, headers.get("connection", "-"),
                                  body.decode("utf-8", "replace")))
            answers += 1
        if closed:
            break
        # once the answers are in, only look for a close
        sock.settimeout(0.5 if answers >= expect else wait)
        try:
            data = sock.recv(65536)
        except socket.timeout:
            break
        except (OSError, ssl.SSLError):
            data = b""
        if not data:
            closed = True
            continue
        buf += data
    if buf:
        die(3, "%d bytes after the last answer: %r" % (len(buf), buf[:200]))
    if closed:
        print("closed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
