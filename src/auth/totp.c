/*
 * TOTP, the proved part: time steps, RFC 4226 dynamic truncation and the
 * verification decision. The contract is in totp.h, the logic in
 * acsl/totp.acsl.h.
 */
#include "auth/totp.h"

dsg_totp_status dsg_totp_step(int64_t unix_sec, uint64_t *step)
{
    if (unix_sec < 0)
        return DSG_TOTP_ERR_TIME;
    *step = (uint64_t)unix_sec / DSG_TOTP_PERIOD;
    return DSG_TOTP_OK;
}

/* 10^digits for digits 6..8. */
/*@ requires dsg_totp_digits_ok(digits);
    assigns \nothing;
    ensures \result == dsg_totp_pow10(digits);
*/
static uint32_t modulus(unsigned digits)
{
    if (digits == 6)
        return 1000000u;
    if (digits == 7)
        return 10000000u;
    return 100000000u;
}

dsg_totp_status dsg_totp_truncate(const uint8_t *mac, size_t mac_len, unsigned digits,
                                  uint32_t *code)
{
    if (digits < DSG_TOTP_DIGITS_MIN || digits > DSG_TOTP_DIGITS_MAX)
        return DSG_TOTP_ERR_DIGITS;
    if (mac_len < DSG_TOTP_MAC_MIN || mac_len > DSG_TOTP_MAC_MAX)
        return DSG_TOTP_ERR_MAC;
    /* RFC 4226 §5.3: offset = low nibble of the last byte (0..15, so the
     * four bytes read lie in mac[0 .. 18]); the top bit of the first is
     * cleared so that the number reads the same signed or unsigned. */
    size_t off = mac[mac_len - 1] % 16u;
    uint32_t bin = (uint32_t)(mac[off] % 128u) * 16777216u + (uint32_t)mac[off + 1] * 65536u +
                   (uint32_t)mac[off + 2] * 256u + (uint32_t)mac[off + 3];
    *code = bin % modulus(digits);
    return DSG_TOTP_OK;
}

/* Reads the candidate: 1 and its value when cand[0 .. len) are all ASCII
 * digits, else 0 (len <= 8, so the value fits). */
/*@ requires len <= DSG_TOTP_DIGITS_MAX;
    requires \valid_read(cand + (0 .. len - 1));
    requires \valid(value);
    requires \separated(value, cand + (0 .. len - 1));
    assigns *value;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_totp_all_digits(cand, len);
    ensures \result == 1 ==> *value == dsg_totp_decimal(cand, len);
*/
static int read_code(const char *cand, size_t len, uint32_t *value)
{
    uint32_t v = 0;
    /*@ loop invariant 0 <= i <= len;
        loop invariant dsg_totp_all_digits(cand, i);
        loop invariant v == dsg_totp_decimal(cand, i);
        loop invariant v < dsg_totp_pow10(i);
        loop assigns i, v;
        loop variant len - i;
    */
    for (size_t i = 0; i < len; i++) {
        if (cand[i] < '0' || cand[i] > '9')
            return 0;
        v = 10 * v + (uint32_t)(cand[i] - '0');
    }
    *value = v;
    return 1;
}

/* The window is well-formed (dsg_totp_window_ok). */
/*@ assigns \nothing;
    ensures \result == 1 <==> dsg_totp_window_ok(now_step, skew, ncodes);
    ensures \result == 0 || \result == 1;
*/
static int window_ok(uint64_t now_step, uint32_t skew, size_t ncodes)
{
    if (skew > DSG_TOTP_SKEW_MAX)
        return 0;
    if (ncodes != 2 * (size_t)skew + 1)
        return 0;
    return now_step >= skew && now_step <= UINT64_MAX - skew;
}

/* Scans the whole window for the candidate's value: *best the latest
 * step later than last_step whose code matches (1 returned), else 2 when
 * a code of an earlier step matches, else 0. No exit before the end. */
/*@ requires dsg_totp_window_ok(now_step, skew, ncodes);
    requires \valid_read(codes + (0 .. ncodes - 1));
    requires \valid(best);
    requires \separated(best, codes + (0 .. ncodes - 1));
    assigns *best;
    ensures 0 <= \result <= 2;
    ensures \result == 1 <==> dsg_totp_any_fresh(codes, ncodes, value, now_step, skew, last_step);
    ensures \result == 2 <==> !dsg_totp_any_fresh(codes, ncodes, value, now_step, skew, last_step) &&
                              dsg_totp_any_match(codes, ncodes, value);
    ensures \result == 1 ==>
              \exists integer i; 0 <= i < ncodes && *best == dsg_totp_step_at(now_step, skew, i) &&
                dsg_totp_fresh_match(codes, i, value, now_step, skew, last_step);
    ensures \result == 1 ==>
              \forall integer i; 0 <= i < ncodes &&
                dsg_totp_fresh_match(codes, i, value, now_step, skew, last_step) ==>
                dsg_totp_step_at(now_step, skew, i) <= *best;
*/
static int scan_window(const uint32_t *codes, size_t ncodes, uint32_t value, uint64_t now_step,
                       uint32_t skew, uint64_t last_step, uint64_t *best)
{
    uint64_t base = now_step - skew;
    uint64_t latest = 0;
    int fresh = 0, seen = 0;
    /*@ loop invariant 0 <= i <= ncodes;
        loop invariant fresh == 0 || fresh == 1;
        loop invariant seen == 0 || seen == 1;
        loop invariant fresh == 1 <==> dsg_totp_any_fresh(codes, i, value, now_step, skew, last_step);
        loop invariant seen == 1 <==> dsg_totp_any_match(codes, i, value);
        loop invariant fresh == 1 ==>
          \exists integer k; 0 <= k < i && latest == dsg_totp_step_at(now_step, skew, k) &&
            dsg_totp_fresh_match(codes, k, value, now_step, skew, last_step);
        loop invariant fresh == 1 ==>
          \forall integer k; 0 <= k < i &&
            dsg_totp_fresh_match(codes, k, value, now_step, skew, last_step) ==>
            dsg_totp_step_at(now_step, skew, k) <= latest;
        loop assigns i, latest, fresh, seen;
        loop variant ncodes - i;
    */
    for (size_t i = 0; i < ncodes; i++) {
        /* one comparison of the whole 32-bit code, for every code of
         * the window: no early exit, nothing that depends on the digits */
        int equal = codes[i] == value;
        uint64_t step = base + i;
        /*@ assert step == dsg_totp_step_at(now_step, skew, i); */
        /*@ assert equal == 1 && step > last_step <==>
              dsg_totp_fresh_match(codes, i, value, now_step, skew, last_step); */
        if (equal)
            seen = 1;
        if (equal && step > last_step) {
            latest = step;
            fresh = 1;
        }
    }
    if (fresh) {
        *best = latest;
        return 1;
    }
    return seen ? 2 : 0;
}

dsg_totp_status dsg_totp_verify(const char *cand, size_t cand_len, unsigned digits,
                                uint64_t now_step, uint32_t skew, uint64_t last_step,
                                const uint32_t *codes, size_t ncodes, uint64_t *matched)
{
    if (digits < DSG_TOTP_DIGITS_MIN || digits > DSG_TOTP_DIGITS_MAX)
        return DSG_TOTP_ERR_DIGITS;
    if (!window_ok(now_step, skew, ncodes))
        return DSG_TOTP_ERR_WINDOW;
    uint32_t value = 0;
    if (cand_len != digits || !read_code(cand, cand_len, &value))
        return DSG_TOTP_ERR_FORMAT;
    uint64_t best = 0;
    int found = scan_window(codes, ncodes, value, now_step, skew, last_step, &best);
    if (found == 1) {
        *matched = best;
        return DSG_TOTP_OK;
    }
    return found == 2 ? DSG_TOTP_REPLAY : DSG_TOTP_MISMATCH;
}

const char *dsg_totp_status_token(dsg_totp_status status)
{
    switch (status) {
    case DSG_TOTP_OK:
        return "ok";
    case DSG_TOTP_ERR_DIGITS:
        return "bad-digits";
    case DSG_TOTP_ERR_MAC:
        return "bad-mac";
    case DSG_TOTP_ERR_WINDOW:
        return "bad-window";
    case DSG_TOTP_ERR_FORMAT:
        return "bad-format";
    case DSG_TOTP_ERR_TIME:
        return "bad-time";
    case DSG_TOTP_MISMATCH:
        return "mismatch";
    case DSG_TOTP_REPLAY:
        return "replay";
    case DSG_TOTP_ERR_ALG:
        return "bad-alg";
    case DSG_TOTP_ERR_SECRET:
        return "bad-secret";
    case DSG_TOTP_ERR_CRYPTO:
        return "crypto";
    case DSG_TOTP_ERR_ROOM:
        return "no-room";
    case DSG_TOTP_ERR_LABEL:
        return "bad-label";
    default:
        return "unknown";
    }
}
