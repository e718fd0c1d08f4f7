#!/usr/bin/env python3
"""What an RFC 5425 collector received: octet-counted frames
("MSG-LEN SP SYSLOG-MSG", RFC 5425 section 4.3) read from a file.

  syslog_frames.py frames FILE           one message per line; exits 1 at the
                                         first byte that breaks the framing
  syslog_frames.py seqs FILE SOURCE      the seq of every record of SOURCE, in
                                         the order received (checkpoints left out)
  syslog_frames.py checkpoints FILE      "SOURCE SEQ" of every checkpoint received

A last frame cut short (the collector was killed while receiving it) is
left out and named on stderr; anything else that is not a frame fails.
Not a case: conformance/lib.sh calls it (collector_frames, collector_seqs).
"""
import re
import sys

SD = re.compile(r'^<110>1 \S+ - dsg-logd - (\S+) \[dsg@32473 source="([^"]*)" seq="([0-9]+)"')


def frames(path):
    data = open(path, "rb").read()
    at, out = 0, []
    while at < len(data):
        m = re.match(rb"([1-9][0-9]{0,7}) ", data[at:at + 10])
        if m is None:
            sys.exit("%s: byte %d: not a MSG-LEN: %r" % (path, at, data[at:at + 20]))
        n = int(m.group(1))
        start = at + len(m.group(0))
        if start + n > len(data):
            print("%s: the last frame is cut short (%d of %d bytes)"
                  % (path, len(data) - start, n), file=sys.stderr)
            break
        msg = data[start:start + n]
        if not msg.startswith(b"<") or b"\n" in msg:
            sys.exit("%s: byte %d: not one syslog message" % (path, start))
        out.append(msg.decode("utf-8"))
        at = start + n
    return out


def parsed(path):
    for msg in frames(path):
        m = SD.match(msg)
        if m is None:
            sys.exit("%s: not a dsg message: %s" % (path, msg[:200]))
        yield m.group(1), m.group(2), int(m.group(3)), msg


def main(argv):
    if len(argv) == 3 and argv[1] == "frames":
        for msg in frames(argv[2]):
            print(msg)
    elif len(argv) == 4 and argv[1] == "seqs":
        for kind, source, seq, _ in parsed(argv[2]):
            if kind != "checkpoint" and source == argv[3]:
                print(seq)
    elif len(argv) == 3 and argv[1] == "checkpoints":
        for kind, source, seq, _ in parsed(argv[2]):
            if kind == "checkpoint":
                print(source, seq)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
