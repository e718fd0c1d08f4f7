#!/bin/sh
# algorithm_register: every cipher, digest, MAC, KDF, signature, curve and TLS suite the programs name (string literals and EVP_name(), EVP_PKEY_NAME, NID_name in src/ and dist/, looked up among every alias OpenSSL knows) is in the algorithm register of docs/keys.md, every register row marked `by name` is named somewhere, and no program calls OpenSSL below its EVP interface (SHA256(), HMAC(), AES_*...); the list of uses is printed. The checker's self-test shows that an unregistered digest, TLS suite, curve or KDF, a call below EVP, and a register row nothing uses each make it fail.
# @relation(REQ-STOR-006)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
command -v openssl >/dev/null 2>&1 || fail "openssl (make deps-test) is needed"
root=$(cd "$(dirname "$CONFORMANCE_LIB")/.." && pwd)

python3 "$root/tests/check-algorithms.py" --self-test >"$t/self" 2>&1 ||
    fail "the checker's self-test: $(grep FAIL "$t/self")"
python3 "$root/tests/check-algorithms.py" "$root" >"$t/out" 2>&1 ||
    fail "$(grep FAIL "$t/out")"
# the uses it found, for the record
grep '^#' "$t/out"
# what the register is for: the programs name AES-256-GCM and no ChaCha20
grep -q '^# aes-256-gcm ' "$t/out" || fail "AES-256-GCM not found among the uses: the scan read nothing?"
! grep -qi 'chacha' "$t/out" || fail "ChaCha20 named by the programs: $(grep -i chacha "$t/out")"
exit 0
