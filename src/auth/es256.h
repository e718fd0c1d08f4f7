/*
 * ES256 (ECDSA over P-256 with SHA-256, COSE alg -7) for WebAuthn, through
 * OpenSSL 3 (REQ-MFA-004 assertions, REQ-MFA-003 enrolment). Shell code:
 * tested (tests/check_es256.c), not proved.
 *
 * - dsg_es256_key_from_xy turns the x and y coordinates of a COSE EC2 key
 *   (RFC 9053 §7.1.1, parsed by src/auth/authdata.[ch]) into an EVP_PKEY:
 *   the uncompressed point 0x04 || x || y on group "prime256v1", built
 *   with EVP_PKEY_fromdata, then EVP_PKEY_public_check, so a point off
 *   the curve (or the point at infinity) never becomes a key.
 * - dsg_es256_verify checks an assertion's signature (WebAuthn §7.2 step
 *   20): ECDSA P-256 SHA-256 over authenticatorData || clientDataHash,
 *   the signature in ASN.1 DER (WebAuthn §6.5.6: "ECDSA-Sig-Value"). The
 *   signature must be strict DER: it is decoded and re-encoded and the
 *   two must be the same bytes, so no second spelling of one signature
 *   (long-form lengths, padded integers, trailing bytes) is accepted; a
 *   raw 64-byte r || s is refused. OpenSSL checks 0 < r, s < n.
 * - dsg_es256_verify_packed_self is the "packed" attestation without a
 *   certificate (self attestation, WebAuthn §8.2): the attestation
 *   statement's alg must be -7, and its sig is checked exactly as an
 *   assertion's signature, over authenticatorData || clientDataHash with
 *   the credential public key itself. It is dsg_es256_verify after the alg
 *   check.
 */
#ifndef DSG_AUTH_ES256_H
#define DSG_AUTH_ES256_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define DSG_ES256_COORD_LEN 32u         /* bytes of x, of y */
#define DSG_ES256_HASH_LEN 32u          /* clientDataHash: SHA-256 */
#define DSG_ES256_SIG_MAX 72u           /* longest DER ECDSA P-256 signature */
#define DSG_ES256_COSE_ALG (-7)         /* ES256 in the COSE registry */

typedef enum dsg_es256_status {
    DSG_ES256_OK = 0,             /* "ok" */
    DSG_ES256_BAD_SIGNATURE = 1,  /* "bad-signature": well-formed, does not verify */
    DSG_ES256_BAD_ENCODING = 2,   /* "bad-signature-encoding": empty, too long or not strict DER */
    DSG_ES256_BAD_KEY = 3,        /* "bad-key": off the curve, or not a P-256 key */
    DSG_ES256_BAD_ALG = 4,        /* "bad-alg": packed attestation alg other than -7 */
    DSG_ES256_ERR_ARGS = 5,       /* "bad-args": a NULL where data is needed */
    DSG_ES256_ERR_CRYPTO = 6      /* "crypto": OpenSSL failed (memory, provider) */
} dsg_es256_status;

/* The P-256 public key with coordinates x[0 .. 32) and y[0 .. 32)
 * (big-endian): OK and a new key in *key (the caller frees it with
 * EVP_PKEY_free), BAD_KEY for a point not on the curve, ERR_ARGS,
 * ERR_CRYPTO; *key is NULL on every error. @relation(REQ-MFA-022) */
__attribute__((warn_unused_result))
dsg_es256_status dsg_es256_key_from_xy(const uint8_t *x, const uint8_t *y, EVP_PKEY **key);

/* Verifies the DER signature sig[0 .. sig_len) by key over
 * auth_data[0 .. auth_data_len) || client_data_hash[0 .. 32): OK,
 * BAD_SIGNATURE, BAD_ENCODING (checked first), BAD_KEY (key not P-256),
 * ERR_ARGS, ERR_CRYPTO. @relation(REQ-MFA-023) */
__attribute__((warn_unused_result))
dsg_es256_status dsg_es256_verify(EVP_PKEY *key, const uint8_t *auth_data, size_t auth_data_len,
                                  const uint8_t *client_data_hash, const uint8_t *sig,
                                  size_t sig_len);

/* "packed" self attestation (WebAuthn §8.2, no x5c): BAD_ALG unless
 * alg == -7, then dsg_es256_verify with the credential key.
 * @relation(REQ-MFA-022) */
__attribute__((warn_unused_result))
dsg_es256_status dsg_es256_verify_packed_self(EVP_PKEY *credential_key, int64_t alg,
                                              const uint8_t *auth_data, size_t auth_data_len,
                                              const uint8_t *client_data_hash,
                                              const uint8_t *sig, size_t sig_len);

/* A stable, lowercase token for a status; "unknown" outside the list.
 * @relation(REQ-MFA-023) */
const char *dsg_es256_status_token(dsg_es256_status status);

#endif
