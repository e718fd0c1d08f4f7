#!/usr/bin/env python3
"""A syslog sink for the conformance cases: binds an AF_UNIX datagram socket
at PATH (mode 0666), creates READY once bound, and appends every message it
receives, one per line, to OUT until killed."""
import os
import socket
import sys

path, out, ready = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
open(ready, "w").close()
with open(out, "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b"\n") + b"\n")
