/*
 * TOTP, the shell (REQ-MFA-005): the HMAC (OpenSSL EVP_MAC, HMAC-SHA-1 or
 * HMAC-SHA-256), the codes of a verification window, the whole check for
 * a typed code, and new secrets from RAND_bytes. The decisions are the
 * proved functions of src/auth/totp.h; this file only feeds them.
 *
 * The caller owns the per-account state: it passes the secret and the
 * last step accepted, and on DSG_TOTP_OK stores *matched as the new last
 * step before it answers the user.
 */
#ifndef DSG_AUTH_TOTP_HMAC_H
#define DSG_AUTH_TOTP_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include "auth/totp.h"

#define DSG_TOTP_SECRET_MIN 16u   /* RFC 4226 §4 R6: at least 128 bits */
#define DSG_TOTP_SECRET_MAX 64u

/* The length of a new secret for alg: 20 bytes for HMAC-SHA-1, 32 for
 * HMAC-SHA-256 (the hash's output, RFC 4226 §4 R6 and RFC 6238 Appendix
 * A's seeds); 0 for an unknown algorithm. @relation(REQ-MFA-005) */
size_t dsg_totp_secret_len(dsg_totp_alg alg);

/* Fills out with a new secret of dsg_totp_secret_len(alg) bytes from
 * RAND_bytes; *len is its length. ERR_ALG, ERR_ROOM (cap too small) or
 * ERR_CRYPTO (nothing usable written). @relation(REQ-MFA-005) */
__attribute__((warn_unused_result))
dsg_totp_status dsg_totp_secret_new(dsg_totp_alg alg, uint8_t *out, size_t cap, size_t *len);

/* HOTP(secret, counter) (RFC 4226 §5.3) with `digits` digits: the HMAC of
 * the counter as 8 big-endian bytes, truncated by dsg_totp_truncate.
 * ERR_ALG, ERR_SECRET (length outside 16..64), ERR_DIGITS, ERR_CRYPTO.
 * @relation(REQ-MFA-005) */
__attribute__((warn_unused_result))
dsg_totp_status dsg_totp_hotp(dsg_totp_alg alg, const uint8_t *secret, size_t secret_len,
                              unsigned digits, uint64_t counter, uint32_t *code);

/* The codes of steps now_step - skew .. now_step + skew into
 * codes[0 .. 2 skew + 1), as dsg_totp_verify takes them; *ncodes is their
 * number. ERR_WINDOW for a window dsg_totp_verify would refuse, ERR_ROOM
 * when cap < 2 skew + 1, else as dsg_totp_hotp. @relation(REQ-MFA-005) */
__attribute__((warn_unused_result))
dsg_totp_status dsg_totp_window_codes(dsg_totp_alg alg, const uint8_t *secret,
                                      size_t secret_len, unsigned digits, uint64_t now_step,
                                      uint32_t skew, uint32_t *codes, size_t cap,
                                      size_t *ncodes);

/* Checks the typed code cand[0 .. cand_len) at unix_sec against the
 * secret: the step of unix_sec, the window of ±skew steps, then
 * dsg_totp_verify with last_step. OK: *matched is the step to store as
 * the account's new last step. The window's codes are wiped before it
 * returns. @relation(REQ-MFA-005) */
__attribute__((warn_unused_result))
dsg_totp_status dsg_totp_check(dsg_totp_alg alg, const uint8_t *secret, size_t secret_len,
                               unsigned digits, int64_t unix_sec, uint32_t skew,
                               uint64_t last_step, const char *cand, size_t cand_len,
                               uint64_t *matched);

#endif
