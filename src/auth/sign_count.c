/*
 * The signature-counter and flags rules of a WebAuthn assertion
 * (REQ-MFA-004, REQ-MFA-003). See sign_count.h; proved with WP
 * (acsl/PROOFS.md, sign_count).
 */
#include "auth/sign_count.h"

dsg_sign_status dsg_sign_count_check(uint32_t stored, uint32_t received)
{
    if (stored == 0 && received == 0)
        return DSG_SIGN_OK;   /* an authenticator without a counter */
    if (received > stored)
        return DSG_SIGN_OK;
    /* equal or smaller: another copy of the key may have signed since */
    return DSG_SIGN_ERR_COUNTER;
}

dsg_sign_status dsg_sign_flags_check(uint8_t flags, int uv_required)
{
    if ((flags & DSG_AD_FLAG_UP) == 0)
        return DSG_SIGN_ERR_USER_PRESENT;
    if (uv_required != 0 && (flags & DSG_AD_FLAG_UV) == 0)
        return DSG_SIGN_ERR_USER_VERIFIED;
    return DSG_SIGN_OK;
}

const char *dsg_sign_status_token(dsg_sign_status status)
{
    switch (status) {
    case DSG_SIGN_OK:
        return "ok";
    case DSG_SIGN_ERR_COUNTER:
        return "counter-not-increased";
    case DSG_SIGN_ERR_USER_PRESENT:
        return "user-not-present";
    case DSG_SIGN_ERR_USER_VERIFIED:
        return "user-not-verified";
    default:
        return "unknown";
    }
}
