/*
 * ACSL logic for the clientDataJSON check (src/auth/client_data.h).
 * Included by that header after its types; installed with it. Plain
 * definitions only; nothing assumed.
 */
#ifndef DSG_ACSL_CLIENT_DATA_H
#define DSG_ACSL_CLIENT_DATA_H

/*@
  predicate dsg_cd_kind_ok(integer t) = t == DSG_CD_CREATE || t == DSG_CD_GET;

  // The expectations the caller passes are usable: a known type, a
  // challenge of 1 .. DSG_CD_CHALLENGE_MAX bytes, an origin of
  // 1 .. DSG_CD_ORIGIN_MAX bytes.
  predicate dsg_cd_args_ok(integer t, integer challenge_len, integer origin_len) =
    dsg_cd_kind_ok(t) &&
    1 <= challenge_len <= DSG_CD_CHALLENGE_MAX &&
    1 <= origin_len <= DSG_CD_ORIGIN_MAX;

  // a[0 .. n) and b[0 .. n) hold the same bytes.
  predicate dsg_cd_same{L}(uint8_t *a, uint8_t *b, integer n) =
    \forall integer k; 0 <= k < n ==> a[k] == b[k];

  // s[0 .. 9) is "webauthn.".
  predicate dsg_cd_webauthn_dot{L}(uint8_t *s) =
    s[0] == 'w' && s[1] == 'e' && s[2] == 'b' && s[3] == 'a' && s[4] == 'u' &&
    s[5] == 't' && s[6] == 'h' && s[7] == 'n' && s[8] == '.';

  // s[0 .. n) is the type string of t: "webauthn.create" (WebAuthn §7.1
  // step 7) or "webauthn.get" (§7.2 step 11).
  predicate dsg_cd_type_text{L}(uint8_t *s, integer n, integer t) =
    (t == DSG_CD_CREATE && n == 15 && dsg_cd_webauthn_dot(s) &&
       s[9] == 'c' && s[10] == 'r' && s[11] == 'e' && s[12] == 'a' &&
       s[13] == 't' && s[14] == 'e') ||
    (t == DSG_CD_GET && n == 12 && dsg_cd_webauthn_dot(s) &&
       s[9] == 'g' && s[10] == 'e' && s[11] == 't');

  predicate dsg_cd_status_ok(integer r) = DSG_CD_OK <= r <= DSG_CD_ERR_TOP_ORIGIN;
*/

#endif
