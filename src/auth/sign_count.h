/*
 * The two small decisions of a WebAuthn assertion that need no parsing
 * (REQ-MFA-004; the flags also at enrolment, REQ-MFA-003):
 *
 * - the signature counter (WebAuthn §6.1.1, §7.2 step 22): a counter that
 *   did not grow since the last accepted assertion means the credential's
 *   private key may exist twice (a cloned authenticator), and the
 *   assertion is refused. Authenticators without a counter always send 0:
 *   0 after a stored 0 is accepted. A counter that once was non-zero must
 *   then grow for ever, so a received 0 after a non-zero stored value is
 *   refused too. On OK the caller stores the received value.
 * - the flags byte of authenticatorData (WebAuthn §6.1, §7.1 steps 14-15,
 *   §7.2 steps 16-17): UP (bit 0, user present) always; UV (bit 2, user
 *   verified) when the login requires user verification (dsg's biometric
 *   factor always does, REQ-MFA-001). Other bits are not looked at here.
 *
 * Pure functions: no memory, no globals.
 */
#ifndef DSG_AUTH_SIGN_COUNT_H
#define DSG_AUTH_SIGN_COUNT_H

#include <stdint.h>

#include "auth/authdata.h"   /* the flag bits, DSG_AD_FLAG_UP and DSG_AD_FLAG_UV */

typedef enum dsg_sign_status {
    DSG_SIGN_OK = 0,                  /* "ok" */
    DSG_SIGN_ERR_COUNTER = 1,         /* "counter-not-increased": a possible cloned authenticator */
    DSG_SIGN_ERR_USER_PRESENT = 2,    /* "user-not-present": UP clear */
    DSG_SIGN_ERR_USER_VERIFIED = 3    /* "user-not-verified": UV clear where it is required */
} dsg_sign_status;

/*@
  // WebAuthn §6.1.1: the counter is acceptable when neither side uses one
  // (both 0) or when it grew.
  predicate dsg_sign_count_ok(integer stored, integer received) =
    (stored == 0 && received == 0) || received > stored;

  predicate dsg_sign_up(integer flags) = (flags & DSG_AD_FLAG_UP) != 0;
  predicate dsg_sign_uv(integer flags) = (flags & DSG_AD_FLAG_UV) != 0;
*/

/* The signature-counter rule: OK when both counters are 0 or received >
 * stored, else ERR_COUNTER. @relation(REQ-MFA-004) */
/*@ assigns \nothing;
    behavior increased:
      assumes dsg_sign_count_ok(stored, received);
      ensures \result == DSG_SIGN_OK;
    behavior not_increased:
      assumes !dsg_sign_count_ok(stored, received);
      ensures \result == DSG_SIGN_ERR_COUNTER;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_sign_status dsg_sign_count_check(uint32_t stored, uint32_t received);

/* The flags rule: ERR_USER_PRESENT when UP is clear (checked first), else
 * ERR_USER_VERIFIED when uv_required is non-zero and UV is clear, else OK.
 * @relation(REQ-MFA-004, REQ-MFA-003) */
/*@ assigns \nothing;
    behavior not_present:
      assumes !dsg_sign_up(flags);
      ensures \result == DSG_SIGN_ERR_USER_PRESENT;
    behavior not_verified:
      assumes dsg_sign_up(flags) && uv_required != 0 && !dsg_sign_uv(flags);
      ensures \result == DSG_SIGN_ERR_USER_VERIFIED;
    behavior accepted:
      assumes dsg_sign_up(flags) && (uv_required == 0 || dsg_sign_uv(flags));
      ensures \result == DSG_SIGN_OK;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_sign_status dsg_sign_flags_check(uint8_t flags, int uv_required);

/* A stable, lowercase token for a status, e.g. "counter-not-increased";
 * "unknown" outside the list. @relation(REQ-MFA-004) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_sign_status_token(dsg_sign_status status);

#endif
