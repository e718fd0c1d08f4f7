/*
 * The fixed world of fuzz/webauthn, shared by the harness (fuzz_webauthn.c)
 * and the seed generator (gen_corpus.c): the relying party, the challenge,
 * the AAGUID allowlist, the stored credential and counter, the
 * attestation trust anchor, and the input framing. Seeds made by the
 * generator are valid for the harness only because both read this file.
 *
 * The four P-256 private keys are test keys made for this fixture alone
 * (openssl genpkey): the credential's (the software authenticator's), the
 * attestation certificate's, an intermediate CA's and the root CA's.
 * Certificates are valid from FX_NOT_BEFORE to FX_NOT_AFTER and chains
 * are checked at FX_CHECK_TIME, so the committed seeds never expire and
 * a run does not depend on the clock.
 */
#ifndef DSG_FUZZ_WEBAUTHN_FIXTURE_H
#define DSG_FUZZ_WEBAUTHN_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "auth/webauthn.h"

/* Input framing: byte 0 is the selector, then the fields. */
#define FX_SEL_ASSERT 0x01u   /* set: an assertion; clear: a registration */
#define FX_SEL_FLAG 0x02u     /* registration: self attestation allowed; assertion: UV required */
#define FX_SEL_ZERO 0x04u     /* assertion: the stored counter is 0 instead of FX_STORED_COUNT */

#define FX_RP_ID "dsg.example.jp"
#define FX_ORIGIN "https://dsg.example.jp"
#define FX_STORED_COUNT 5u
#define FX_NOT_BEFORE "20260101000000Z"
#define FX_NOT_AFTER "20360101000000Z"
#define FX_CHECK_TIME ((time_t)1780272000)   /* 2026-06-01T00:00:00Z */
#define FX_ATTESTATION_OU "Authenticator Attestation"

static const uint8_t FX_CHALLENGE[DSG_WEBAUTHN_CHALLENGE_LEN] = {
    0x5a, 0x11, 0x0c, 0x93, 0xe4, 0x27, 0x68, 0xb1, 0x02, 0xfd, 0x3e, 0x41, 0x9a, 0x7c, 0x55, 0xd0,
    0x18, 0x6b, 0xc2, 0x0f, 0x73, 0xa8, 0x4d, 0xe9, 0x30, 0x96, 0x1f, 0xb7, 0x62, 0x0a, 0xcd, 0x84,
};

/* The allowlist: two authenticator models. */
static const uint8_t FX_AAGUIDS[2][DSG_WEBAUTHN_AAGUID_LEN] = {
    { 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f },
    { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 },
};

static const char FX_CRED_KEY[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8QqKELug/AR53bF+\n"
    "FRV9e7cO13cGgwmJ0YjtGkjWsDmhRANCAATz5HiKPxIkk2L3G63VhyoPL1L3n15G\n"
    "2+d5fr+wDwQd9BgfA9mFcr0W/Kwj9orE7SLX6QPbbHXR2M3bnMj9N299\n"
    "-----END PRIVATE KEY-----\n";

static const char FX_VENDOR_KEY[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgx+i5AzZHFURsouVE\n"
    "0opCKVYw7g/xNFC+Y2JalVvsdtahRANCAARggZMWWe9D+qlJbabHu6s2P/hwI9u7\n"
    "GDq/SimSBtmRTtWT3mVP9XMws85QOCiy8y9syRcI/3TfWOqhdYnxzrWR\n"
    "-----END PRIVATE KEY-----\n";

static const char FX_INTER_KEY[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIQPtZs7QA/rgF+RB\n"
    "h1Br7im3EqnB1IJcpOXaYyKLzDahRANCAATfJdSNjo/JIFdZHfsStrLjbaUBIoha\n"
    "jnAu+zqw6dq48ylPZrJ8+Hpwd+LGlc+0LGCZ6reGwQ2/CHhKt40Gf/BX\n"
    "-----END PRIVATE KEY-----\n";

static const char FX_ROOT_KEY[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgt9HiV8ivsprpmCKy\n"
    "mgK0Cyu0/sN3wYymPDCjYT+c8y6hRANCAASHFeoW1URE1/S7M4xeS2G41F6DThaU\n"
    "I+19QXE/5jDkqDYRdSvGR3x2DcwNHRx/LpR+mv+DlvcTscCBnpLKtEk1\n"
    "-----END PRIVATE KEY-----\n";

static const dsg_webauthn_rp FX_RP = { FX_RP_ID, FX_ORIGIN };

/* One of the keys above; NULL if OpenSSL cannot read it. */
static inline EVP_PKEY *fx_key(const char *pem)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    if (bio == NULL)
        return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return key;
}

/* The uncompressed point of key: x into x[0 .. 32), y into y[0 .. 32); 1 on success. */
static inline int fx_xy(EVP_PKEY *key, uint8_t x[32], uint8_t y[32])
{
    uint8_t pub[65];
    size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, "pub", pub, sizeof pub, &len) != 1 ||
        len != sizeof pub || pub[0] != 0x04)
        return 0;
    memcpy(x, pub + 1, 32);
    memcpy(y, pub + 33, 32);
    return 1;
}

/* C=JP, O=Test Vendor[, OU=ou], CN=cn; NULL on failure. */
static inline X509_NAME *fx_name(const char *ou, const char *cn)
{
    X509_NAME *n = X509_NAME_new();
    if (n == NULL)
        return NULL;
    int ok = X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)"JP", -1, -1, 0) &&
             X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"Test Vendor", -1, -1, 0) &&
             (ou == NULL ||
              X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_ASC, (const unsigned char *)ou, -1, -1, 0)) &&
             X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    if (!ok) {
        X509_NAME_free(n);
        return NULL;
    }
    return n;
}

static inline int fx_add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    int ok = ext != NULL && X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

/* id-fido-gen-ce-aaguid (WebAuthn L2 §8.2.1), not critical, holding
 * OCTET STRING (16) aaguid. */
static inline int fx_add_aaguid_ext(X509 *cert, const uint8_t *aaguid)
{
    uint8_t der[2 + DSG_WEBAUTHN_AAGUID_LEN] = { 0x04, DSG_WEBAUTHN_AAGUID_LEN };
    memcpy(der + 2, aaguid, DSG_WEBAUTHN_AAGUID_LEN);
    ASN1_OBJECT *oid = OBJ_txt2obj("1.3.6.1.4.1.45724.1.1.4", 1);
    ASN1_OCTET_STRING *data = ASN1_OCTET_STRING_new();
    X509_EXTENSION *ext = NULL;
    int ok = oid != NULL && data != NULL && ASN1_OCTET_STRING_set(data, der, sizeof der) == 1 &&
             (ext = X509_EXTENSION_create_by_OBJ(NULL, oid, 0, data)) != NULL &&
             X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(data);
    ASN1_OBJECT_free(oid);
    return ok;
}

/* A version 3 certificate for key, named subject (taken over), issued by
 * issuer (NULL: self-issued) and signed with signer; a CA or not; with the
 * AAGUID extension when aaguid is not NULL. NULL on failure. */
static inline X509 *fx_cert(EVP_PKEY *key, X509_NAME *subject, X509 *issuer, EVP_PKEY *signer,
                            long serial, int ca, const uint8_t *aaguid)
{
    X509 *c = X509_new();
    int ok = c != NULL && subject != NULL && X509_set_version(c, X509_VERSION_3) == 1 &&
             ASN1_INTEGER_set(X509_get_serialNumber(c), serial) == 1 &&
             ASN1_TIME_set_string(X509_getm_notBefore(c), FX_NOT_BEFORE) == 1 &&
             ASN1_TIME_set_string(X509_getm_notAfter(c), FX_NOT_AFTER) == 1 &&
             X509_set_subject_name(c, subject) == 1 &&
             X509_set_issuer_name(c, issuer != NULL ? X509_get_subject_name(issuer) : subject) == 1 &&
             X509_set_pubkey(c, key) == 1 &&
             fx_add_ext(c, issuer != NULL ? issuer : c, NID_basic_constraints,
                        ca ? "critical,CA:TRUE" : "CA:FALSE") &&
             (!ca || fx_add_ext(c, c, NID_key_usage, "critical,keyCertSign")) &&
             (aaguid == NULL || fx_add_aaguid_ext(c, aaguid)) &&
             X509_sign(c, signer, EVP_sha256()) > 0;
    X509_NAME_free(subject);
    if (!ok) {
        X509_free(c);
        return NULL;
    }
    return c;
}

/* The root CA, self-signed by root_key. */
static inline X509 *fx_root_cert(EVP_PKEY *root_key)
{
    return fx_cert(root_key, fx_name(NULL, "Fuzz Attestation Root"), NULL, root_key, 1, 1, NULL);
}

/* The trust anchors: root alone, paths checked at FX_CHECK_TIME. */
static inline X509_STORE *fx_roots(X509 *root)
{
    X509_STORE *store = X509_STORE_new();
    if (store == NULL)
        return NULL;
    if (X509_STORE_add_cert(store, root) != 1) {
        X509_STORE_free(store);
        return NULL;
    }
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), FX_CHECK_TIME);
    return store;
}

/* The enrolment policy for a selector byte. */
static inline dsg_webauthn_policy fx_policy(unsigned sel, X509_STORE *roots)
{
    dsg_webauthn_policy p = { FX_AAGUIDS, 2, roots, (sel & FX_SEL_FLAG) != 0 };
    return p;
}

/* The enrolled credential an assertion is checked against, for a selector byte. */
static inline dsg_webauthn_cred fx_stored(unsigned sel, const uint8_t x[32], const uint8_t y[32])
{
    dsg_webauthn_cred c;
    memset(&c, 0, sizeof c);
    memcpy(c.x, x, 32);
    memcpy(c.y, y, 32);
    c.sign_count = (sel & FX_SEL_ZERO) ? 0 : FX_STORED_COUNT;
    memcpy(c.aaguid, FX_AAGUIDS[0], DSG_WEBAUTHN_AAGUID_LEN);
    return c;
}

#endif
