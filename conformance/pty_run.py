"""pty_run.py OUT ERR CMD...: runs CMD with its standard output to the file
OUT and its standard error on a pseudo-terminal, whose bytes go to the
file ERR; exits with CMD's status. For the cases that check what a
command shows on a terminal (REQ-BKUP-015)."""
import os
import pty
import subprocess
import sys

out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
m, s = pty.openpty()
with open(out, "wb") as o:
    rc = subprocess.run(cmd, stdout=o, stderr=s).returncode
os.close(s)
data = b""
while True:
    try:
        d = os.read(m, 65536)
    except OSError:
        break
    if not d:
        break
    data += d
open(err, "wb").write(data)
sys.exit(rc)
