#!/bin/sh
# The conformance cases worth a second pass with the ASan dsgctl: every
# case but the dsgd_* ones that never run dsgctl (their daemon is the
# release build in both passes, so they would only run twice).
for f in "$(dirname "$0")"/cases/*.sh; do
    b=$(basename "$f" .sh)
    case $b in
    dsgd_*) grep -q 'DSGCTL' "$f" || continue ;;
    esac
    echo "$b"
done
