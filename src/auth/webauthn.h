/*
 * The two WebAuthn ceremonies (WebAuthn Level 2 §7.1 registration, §7.2
 * authentication) from the proved parsers and the OpenSSL checks:
 * src/auth/client_data (clientDataJSON), src/auth/authdata
 * (authenticatorData, attestation object, COSE key), src/auth/sign_count
 * (flags and counter rules) and src/auth/es256 (key, signatures).
 *
 * Registration (REQ-MFA-003) accepts a credential only when:
 * - clientDataJSON is for "webauthn.create" with the issued challenge and
 *   the portal's origin;
 * - the attestation object parses, with attested credential data;
 * - rpIdHash is SHA-256 of the RP ID; UP and UV are set (an enrolment is
 *   always user-verified, whatever the login will require);
 * - the COSE key is EC2 / ES256 / P-256 and its point passes
 *   EVP_PKEY_public_check;
 * - the format is "packed" and its signature verifies over authenticatorData
 *   || SHA-256(clientDataJSON):
 *   - with an x5c chain: the attestation certificate's key (ES256) signs;
 *     the certificate meets WebAuthn §8.2.1 (version 3, subject OU
 *     "Authenticator Attestation", not a CA, its id-fido-gen-ce-aaguid
 *     extension, when present, equal to the AAGUID) and chains to one of
 *     the policy's trust anchors (auth.webauthn_attestation_roots);
 *   - without one (self attestation): only when the policy allows it, since
 *     the AAGUID is then the authenticator's own, unverified claim;
 * - the AAGUID is in the policy's allowlist (auth.webauthn_aaguid_allowlist).
 * "none" and every other format are refused.
 *
 * What an attested AAGUID proves, and what it does not: that a
 * certificate issued under a configured root signed the credential, and
 * so (as far as that vendor's key handling goes) that the credential was
 * made by an authenticator of that model. It does not prove that the UV
 * flag came from a biometric rather than a PIN: that rests on the model
 * (an allowlist of biometric-only models) and on the authenticator.
 *
 * Authentication (REQ-MFA-004) accepts an assertion only when
 * clientDataJSON is for "webauthn.get" with the issued challenge and the
 * origin, authenticatorData parses (no attested data required), rpIdHash
 * matches, UP is set and UV too when the challenge record requires it, the
 * signature counter rule of §6.1.1 holds, and the ES256 signature by the
 * enrolled key verifies.
 *
 * Every refusal names the step that failed and, where a module below
 * decided, that module's own code (dsg_webauthn_describe writes both).
 * Nothing here keeps state: the caller stores the credential, keeps the
 * challenge record and makes a challenge usable once. No ceremony leaves
 * an error in OpenSSL's queue for the thread's next OpenSSL call.
 */
#ifndef DSG_AUTH_WEBAUTHN_H
#define DSG_AUTH_WEBAUTHN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "auth/authdata.h"

#define DSG_WEBAUTHN_CHALLENGE_LEN 32u
#define DSG_WEBAUTHN_AAGUID_LEN 16u

/* The step that refused, in the order they are checked. */
typedef enum dsg_webauthn_step {
    DSG_WA_OK = 0,                 /* "ok" */
    DSG_WA_ARGS = 1,               /* "bad-args": an unusable relying party or policy */
    DSG_WA_CLIENT_DATA = 2,        /* "client-data": detail is a DSG_CD_ code */
    DSG_WA_ATTESTATION = 3,        /* "attestation-object": detail is a DSG_AD_ code (the COSE key's included) */
    DSG_WA_AUTHENTICATOR_DATA = 4, /* "authenticator-data": detail is a DSG_AD_ code */
    DSG_WA_RP_ID = 5,              /* "rp-id": rpIdHash is not SHA-256 of the RP ID */
    DSG_WA_FLAGS = 6,              /* "flags": detail is a dsg_sign_status */
    DSG_WA_KEY = 7,                /* "credential-key": detail is a dsg_es256_status (off the curve) */
    DSG_WA_FORMAT = 8,             /* "attestation-format": not "packed" */
    DSG_WA_SELF_ATTESTATION = 9,   /* "self-attestation": no x5c and the policy wants one */
    DSG_WA_ATT_SIGNATURE = 10,     /* "attestation-signature": detail is a dsg_es256_status */
    DSG_WA_CERTIFICATE = 11,       /* "attestation-certificate": detail is a DSG_WA_CERT_ reason */
    DSG_WA_AAGUID = 12,            /* "aaguid-not-allowed" */
    DSG_WA_COUNTER = 13,           /* "counter": detail is a dsg_sign_status */
    DSG_WA_SIGNATURE = 14,         /* "signature": detail is a dsg_es256_status */
    DSG_WA_CRYPTO = 15             /* "crypto": OpenSSL failed (memory, provider) */
} dsg_webauthn_step;

/* Why an attestation certificate was refused (detail of DSG_WA_CERTIFICATE). */
enum {
    DSG_WA_CERT_DER = 1,         /* "not-der": x5c[i] is not one DER certificate */
    DSG_WA_CERT_VERSION = 2,     /* "not-v3" */
    DSG_WA_CERT_SUBJECT = 3,     /* "subject-ou": OU is not "Authenticator Attestation" */
    DSG_WA_CERT_CA = 4,          /* "is-ca": basic constraints say CA */
    DSG_WA_CERT_AAGUID = 5,      /* "aaguid-extension": present and not the AAGUID */
    DSG_WA_CERT_CHAIN = 6        /* "untrusted": no path to a trust anchor */
};

typedef struct dsg_webauthn_result {
    dsg_webauthn_step step;
    int detail;   /* the deciding module's code; 0 when the step has none */
} dsg_webauthn_result;

/* The relying party: the RP ID (auth.rp_id, a host name) and the origin
 * the browser reports (portal.origin, "https://host[:port]"). */
typedef struct dsg_webauthn_rp {
    const char *rp_id;
    const char *origin;
} dsg_webauthn_rp;

/* What enrolment accepts. */
typedef struct dsg_webauthn_policy {
    const uint8_t (*aaguids)[DSG_WEBAUTHN_AAGUID_LEN];   /* the allowlist */
    size_t n_aaguids;
    X509_STORE *roots;       /* attestation trust anchors; NULL: none */
    int allow_self;          /* 1: packed self attestation accepted too */
} dsg_webauthn_policy;

/* An enrolled credential: what the auth store keeps (no secret: the
 * private key never leaves the authenticator). */
typedef struct dsg_webauthn_cred {
    uint8_t id[DSG_AD_CRED_ID_MAX];
    size_t id_len;
    uint8_t x[32], y[32];
    uint8_t aaguid[DSG_WEBAUTHN_AAGUID_LEN];
    uint32_t sign_count;
    int attested;            /* 1: x5c chained to a trust anchor; 0: self attestation */
} dsg_webauthn_cred;

/* Verifies a registration: the attestation object att[0 .. att_len) and
 * clientDataJSON cdj[0 .. cdj_len) against the challenge the server issued.
 * DSG_WA_OK fills *cred; any refusal leaves it zeroed. @relation(REQ-MFA-022) */
__attribute__((warn_unused_result))
dsg_webauthn_result dsg_webauthn_register(const dsg_webauthn_rp *rp,
                                          const dsg_webauthn_policy *policy,
                                          const uint8_t challenge[DSG_WEBAUTHN_CHALLENGE_LEN],
                                          const uint8_t *att, size_t att_len,
                                          const uint8_t *cdj, size_t cdj_len,
                                          dsg_webauthn_cred *cred);

/* Verifies an assertion (authenticatorData ad[0 .. ad_len), clientDataJSON,
 * DER signature) by the enrolled credential *cred; uv_required comes from
 * the server's challenge record, never from the request. DSG_WA_OK gives
 * the counter to store in *new_count. @relation(REQ-MFA-023) */
__attribute__((warn_unused_result))
dsg_webauthn_result dsg_webauthn_assert(const dsg_webauthn_rp *rp, const dsg_webauthn_cred *cred,
                                        const uint8_t challenge[DSG_WEBAUTHN_CHALLENGE_LEN],
                                        int uv_required, const uint8_t *ad, size_t ad_len,
                                        const uint8_t *cdj, size_t cdj_len, const uint8_t *sig,
                                        size_t sig_len, uint32_t *new_count);

/* "step" or "step: detail", e.g. "client-data: wrong-origin", into
 * out[0 .. size) (NUL-terminated, truncated to fit). @relation(REQ-MFA-017) */
void dsg_webauthn_describe(dsg_webauthn_result r, char *out, size_t size);

#endif
