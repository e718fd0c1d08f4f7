/*
 * ACSL logic for the proved part of TOTP (src/auth/totp.h): RFC 4226
 * dynamic truncation and the verification decision of RFC 6238 with
 * replay refusal. Included by that header; installed with it. Plain
 * definitions only; nothing assumed.
 */
#ifndef DSG_ACSL_TOTP_H
#define DSG_ACSL_TOTP_H

/*@
  // 10^k for k = 0 .. 8, written out so that no proof has to unfold a
  // recursion.
  logic integer dsg_totp_pow10(integer k) =
    k == 0 ? 1 : k == 1 ? 10 : k == 2 ? 100 : k == 3 ? 1000 : k == 4 ? 10000 :
    k == 5 ? 100000 : k == 6 ? 1000000 : k == 7 ? 10000000 : 100000000;

  predicate dsg_totp_digits_ok(integer digits) = 6 <= digits <= 8;

  // RFC 4226 §5.3: the offset is the low 4 bits of the last byte of the
  // HMAC; the 31-bit number is the 4 bytes there, big-endian, the top bit
  // cleared.
  logic integer dsg_totp_offset{L}(uint8_t *mac, integer len) = mac[len - 1] % 16;

  logic integer dsg_totp_dbc{L}(uint8_t *mac, integer len) =
    16777216 * (mac[dsg_totp_offset(mac, len)] % 128) +
    65536 * mac[dsg_totp_offset(mac, len) + 1] +
    256 * mac[dsg_totp_offset(mac, len) + 2] +
    mac[dsg_totp_offset(mac, len) + 3];

  // s[0 .. n) are ASCII digits.
  predicate dsg_totp_all_digits{L}(char *s, integer n) =
    \forall integer k; 0 <= k < n ==> '0' <= s[k] <= '9';

  // The decimal value of the digits s[0 .. n).
  logic integer dsg_totp_decimal{L}(char *s, integer n) =
    n <= 0 ? 0 : 10 * dsg_totp_decimal(s, n - 1) + (s[n - 1] - '0');

  // The candidate is exactly `digits` ASCII digits.
  predicate dsg_totp_text_ok{L}(char *s, integer len, integer digits) =
    len == digits && dsg_totp_all_digits(s, len);

  // The window: at most DSG_TOTP_SKEW_MAX steps either side, one code per
  // step from now - skew to now + skew, no step below 0 or above 2^64 - 1.
  predicate dsg_totp_window_ok(integer now, integer skew, integer ncodes) =
    skew <= DSG_TOTP_SKEW_MAX && ncodes == 2 * skew + 1 &&
    skew <= now && now + skew <= 18446744073709551615;

  // The step of codes[i]: now - skew + i.
  logic integer dsg_totp_step_at(integer now, integer skew, integer i) = now - skew + i;

  // codes[i] is the candidate's value and its step is later than the
  // last step accepted: a code that may be accepted.
  predicate dsg_totp_fresh_match{L}(uint32_t *codes, integer i, integer value,
                                    integer now, integer skew, integer last) =
    codes[i] == value && dsg_totp_step_at(now, skew, i) > last;

  predicate dsg_totp_any_fresh{L}(uint32_t *codes, integer n, integer value,
                                  integer now, integer skew, integer last) =
    \exists integer i; 0 <= i < n && dsg_totp_fresh_match(codes, i, value, now, skew, last);

  predicate dsg_totp_any_match{L}(uint32_t *codes, integer n, integer value) =
    \exists integer i; 0 <= i < n && codes[i] == value;
*/

#endif
