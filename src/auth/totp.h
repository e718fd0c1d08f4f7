/*
 * TOTP (RFC 6238) over HOTP (RFC 4226): the pure, proved part
 * (REQ-MFA-005). The HMAC itself is computed by the shell
 * (src/auth/totp_hmac.h, OpenSSL); this module turns an HMAC into a code
 * and decides whether a candidate code is accepted.
 *
 * The decision is replay-proof: a code is accepted only for a time step
 * strictly later than the last step accepted for the account, and the
 * step it matched is returned for the caller to store as the new last
 * step. So one code is accepted once, and after a code of step s no code
 * of a step <= s is accepted any more.
 *
 * Pure functions over caller-owned memory: no allocation, no I/O, no
 * globals.
 */
#ifndef DSG_AUTH_TOTP_H
#define DSG_AUTH_TOTP_H

#include <stddef.h>
#include <stdint.h>

#define DSG_TOTP_DIGITS_MIN 6u
#define DSG_TOTP_DIGITS_MAX 8u
#define DSG_TOTP_PERIOD 30u     /* seconds per step, RFC 6238 §5.2 */
#define DSG_TOTP_SKEW_MAX 10u   /* the largest auth.totp_skew_steps accepted */
#define DSG_TOTP_WINDOW_MAX (2u * DSG_TOTP_SKEW_MAX + 1u)
#define DSG_TOTP_MAC_MIN 20u    /* HMAC-SHA-1; dynamic truncation reads mac[0 .. 18] */
#define DSG_TOTP_MAC_MAX 64u    /* HMAC-SHA-512 */

/* The HMAC of a TOTP secret (RFC 6238 §1.2). */
typedef enum dsg_totp_alg {
    DSG_TOTP_SHA1 = 1,
    DSG_TOTP_SHA256 = 2
} dsg_totp_alg;

typedef enum dsg_totp_status {
    DSG_TOTP_OK = 0,          /* "ok" */
    DSG_TOTP_ERR_DIGITS = 1,  /* "bad-digits": digits outside 6..8 */
    DSG_TOTP_ERR_MAC = 2,     /* "bad-mac": an HMAC shorter than 20 or longer than 64 bytes */
    DSG_TOTP_ERR_WINDOW = 3,  /* "bad-window": skew above the maximum, codes not 2 skew + 1,
                                 or a step of the window outside 0 .. 2^64 - 1 */
    DSG_TOTP_ERR_FORMAT = 4,  /* "bad-format": the candidate is not exactly `digits` ASCII digits */
    DSG_TOTP_ERR_TIME = 5,    /* "bad-time": a time before 1970 */
    DSG_TOTP_MISMATCH = 6,    /* "mismatch": no code of the window matches */
    DSG_TOTP_REPLAY = 7,      /* "replay": only codes of steps <= the last accepted match */
    /* shell only (src/auth/totp_hmac.h, src/auth/totp_uri.h) */
    DSG_TOTP_ERR_ALG = 8,     /* "bad-alg" */
    DSG_TOTP_ERR_SECRET = 9,  /* "bad-secret": empty or too long */
    DSG_TOTP_ERR_CRYPTO = 10, /* "crypto": OpenSSL failed */
    DSG_TOTP_ERR_ROOM = 11,   /* "no-room": the output does not fit */
    DSG_TOTP_ERR_LABEL = 12   /* "bad-label": empty issuer or account name */
} dsg_totp_status;

#include "acsl/totp.acsl.h"

/* The time step of unix_sec seconds since 1970-01-01T00:00:00Z:
 * floor(unix_sec / 30) (RFC 6238 §4.2, T0 = 0, X = 30). ERR_TIME for a
 * negative time, *step untouched. @relation(REQ-MFA-005) */
/*@ requires \valid(step);
    assigns *step;
    behavior before_epoch:
      assumes unix_sec < 0;
      assigns \nothing;
      ensures \result == DSG_TOTP_ERR_TIME;
    behavior stepped:
      assumes unix_sec >= 0;
      ensures \result == DSG_TOTP_OK;
      ensures *step == unix_sec / DSG_TOTP_PERIOD;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_totp_status dsg_totp_step(int64_t unix_sec, uint64_t *step);

/* RFC 4226 §5.3 dynamic truncation of the HMAC mac[0 .. mac_len) and the
 * code of `digits` digits: the 31-bit number at the offset named by the
 * low nibble of the last byte, modulo 10^digits. ERR_DIGITS for digits
 * outside 6..8, ERR_MAC for a length outside 20..64 (checked in that
 * order); *code untouched on an error. @relation(REQ-MFA-005) */
/*@ requires \valid_read(mac + (0 .. mac_len - 1));
    requires \valid(code);
    requires \separated(code, mac + (0 .. mac_len - 1));
    assigns *code;
    behavior bad_digits:
      assumes !dsg_totp_digits_ok(digits);
      assigns \nothing;
      ensures \result == DSG_TOTP_ERR_DIGITS;
    behavior bad_mac:
      assumes dsg_totp_digits_ok(digits);
      assumes mac_len < DSG_TOTP_MAC_MIN || mac_len > DSG_TOTP_MAC_MAX;
      assigns \nothing;
      ensures \result == DSG_TOTP_ERR_MAC;
    behavior truncated:
      assumes dsg_totp_digits_ok(digits);
      assumes DSG_TOTP_MAC_MIN <= mac_len <= DSG_TOTP_MAC_MAX;
      ensures \result == DSG_TOTP_OK;
      ensures *code == dsg_totp_dbc(mac, mac_len) % dsg_totp_pow10(digits);
      ensures *code < dsg_totp_pow10(digits);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_totp_status dsg_totp_truncate(const uint8_t *mac, size_t mac_len, unsigned digits,
                                  uint32_t *code);

/* The verification decision (RFC 6238 §5.2 with replay refusal).
 * cand[0 .. cand_len) is the code the user typed; codes[i] is the code of
 * step now_step - skew + i, for i in 0 .. ncodes, computed by the caller
 * with the account's secret; last_step is the last step accepted for the
 * account (0 when none: step 0 is 1970-01-01T00:00:00..29Z, never now).
 *
 * Checked in this order: digits 6..8 (ERR_DIGITS); the window (ERR_WINDOW:
 * skew <= DSG_TOTP_SKEW_MAX, ncodes == 2 skew + 1, now_step >= skew and
 * now_step + skew <= 2^64 - 1); the candidate is exactly `digits` ASCII
 * digits (ERR_FORMAT). Then OK when some code of a step later than
 * last_step equals the candidate's value, *matched being the latest such
 * step (for the caller to store as the new last step); REPLAY when only
 * codes of steps <= last_step do; MISMATCH when none does. *matched is
 * written on OK only.
 *
 * Constant time in the codes: every code of the window is compared, each
 * in one 32-bit comparison, with no exit on a match or a mismatch; the
 * candidate's bytes are all read before any comparison.
 * @relation(REQ-MFA-005) */
/*@ requires \valid_read(cand + (0 .. cand_len - 1));
    requires \valid_read(codes + (0 .. ncodes - 1));
    requires \valid(matched);
    requires \separated(matched, cand + (0 .. cand_len - 1), codes + (0 .. ncodes - 1));
    assigns *matched;
    behavior bad_digits:
      assumes !dsg_totp_digits_ok(digits);
      assigns \nothing;
      ensures \result == DSG_TOTP_ERR_DIGITS;
    behavior bad_window:
      assumes dsg_totp_digits_ok(digits);
      assumes !dsg_totp_window_ok(now_step, skew, ncodes);
      assigns \nothing;
      ensures \result == DSG_TOTP_ERR_WINDOW;
    behavior bad_format:
      assumes dsg_totp_digits_ok(digits) && dsg_totp_window_ok(now_step, skew, ncodes);
      assumes !dsg_totp_text_ok(cand, cand_len, digits);
      assigns \nothing;
      ensures \result == DSG_TOTP_ERR_FORMAT;
    behavior accepted:
      assumes dsg_totp_digits_ok(digits) && dsg_totp_window_ok(now_step, skew, ncodes);
      assumes dsg_totp_text_ok(cand, cand_len, digits);
      assumes dsg_totp_any_fresh(codes, ncodes, dsg_totp_decimal(cand, cand_len),
                                 now_step, skew, last_step);
      ensures \result == DSG_TOTP_OK;
      ensures *matched > last_step;
      ensures now_step - skew <= *matched <= now_step + skew;
      ensures codes[*matched - (now_step - skew)] == dsg_totp_decimal(cand, cand_len);
      ensures \forall integer i; 0 <= i < ncodes &&
                dsg_totp_fresh_match(codes, i, dsg_totp_decimal(cand, cand_len),
                                     now_step, skew, last_step) ==>
                dsg_totp_step_at(now_step, skew, i) <= *matched;
    behavior replay:
      assumes dsg_totp_digits_ok(digits) && dsg_totp_window_ok(now_step, skew, ncodes);
      assumes dsg_totp_text_ok(cand, cand_len, digits);
      assumes !dsg_totp_any_fresh(codes, ncodes, dsg_totp_decimal(cand, cand_len),
                                  now_step, skew, last_step);
      assumes dsg_totp_any_match(codes, ncodes, dsg_totp_decimal(cand, cand_len));
      assigns \nothing;
      ensures \result == DSG_TOTP_REPLAY;
    behavior mismatch:
      assumes dsg_totp_digits_ok(digits) && dsg_totp_window_ok(now_step, skew, ncodes);
      assumes dsg_totp_text_ok(cand, cand_len, digits);
      assumes !dsg_totp_any_match(codes, ncodes, dsg_totp_decimal(cand, cand_len));
      assigns \nothing;
      ensures \result == DSG_TOTP_MISMATCH;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_totp_status dsg_totp_verify(const char *cand, size_t cand_len, unsigned digits,
                                uint64_t now_step, uint32_t skew, uint64_t last_step,
                                const uint32_t *codes, size_t ncodes, uint64_t *matched);

/* A stable, lowercase token for a status, e.g. "replay".
 * @relation(REQ-MFA-005) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_totp_status_token(dsg_totp_status status);

#endif
