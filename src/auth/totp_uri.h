/*
 * TOTP provisioning: the otpauth:// URI an authenticator app reads from a
 * QR code (REQ-MFA-005), in the Key Uri Format of Google Authenticator
 * that the other apps follow:
 *
 *   otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>
 *     &algorithm=SHA1|SHA256&digits=<6..8>&period=30
 *
 * Issuer and account are percent-encoded (every byte but RFC 3986's
 * unreserved A-Z a-z 0-9 - . _ ~, so a ':' in either cannot move the
 * separator); the secret is base32 without padding (RFC 4648 §6).
 * Pure: no allocation, no I/O.
 */
#ifndef DSG_AUTH_TOTP_URI_H
#define DSG_AUTH_TOTP_URI_H

#include <stddef.h>
#include <stdint.h>

#include "auth/totp.h"

/* Writes the URI and a NUL into out[0 .. cap); *out_len is its length
 * without the NUL. ERR_LABEL (issuer or account empty), ERR_ALG,
 * ERR_DIGITS, ERR_SECRET (length outside 16..64) or ERR_ROOM; on an error
 * out holds the empty string when cap > 0. @relation(REQ-MFA-005) */
__attribute__((warn_unused_result))
dsg_totp_status dsg_totp_uri(const char *issuer, const char *account, dsg_totp_alg alg,
                             unsigned digits, const uint8_t *secret, size_t secret_len,
                             char *out, size_t cap, size_t *out_len);

#endif
