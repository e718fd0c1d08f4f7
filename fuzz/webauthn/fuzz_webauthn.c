/*
 * libFuzzer harness for the WebAuthn ceremonies (src/auth/webauthn.h):
 * dsg_webauthn_register and dsg_webauthn_assert under the fixed relying
 * party, challenge, AAGUID allowlist, trust anchor and stored credential
 * of fuzz/webauthn/fixture.h (the anchor and the stored key are built
 * once, at the first input).
 * @relation(REQ-MFA-003, REQ-MFA-004, REQ-MFA-019, REQ-MFA-022, REQ-MFA-023)
 *
 * Input: byte 0 is the selector, then the fields, each but the last as a
 * 2-byte big-endian length (clipped to what is left) and its bytes, the
 * last field being the rest of the input:
 *   selector bit 0 clear: registration
 *     bit 1: self attestation allowed (else a chain to the root is needed)
 *     fields: attestationObject, clientDataJSON
 *   selector bit 0 set: assertion by the stored credential
 *     bit 1: UV required; bit 2: the stored counter is 0 (else 5)
 *     fields: authenticatorData, clientDataJSON, signature (DER)
 * Each field is copied into an allocation of exactly its length, so ASan
 * sees any read past it. fuzz/webauthn/gen_corpus.c writes the seeds but
 * corpus/found-*, which the fuzzer found.
 *
 * Checked, __builtin_trap() on any failure:
 * - every result: a step of this ceremony, never bad-args or crypto, nor a
 *   detail that blames the arguments (they are good, and OpenSSL has
 *   memory); a detail exactly where the step has one; dsg_webauthn_describe
 *   naming it: non-empty, "ok" for an acceptance only, no "unknown";
 * - a refused registration leaves the credential zeroed, a refused
 *   assertion leaves the counter output alone;
 * - OpenSSL's error queue is empty after the ceremony, as before it (an
 *   error left there is read by the next OpenSSL call of the thread, e.g.
 *   SSL_get_error);
 * - an accepted registration: clientDataJSON passes the create check; the
 *   attestation object parses as "packed" with UP, UV and AT set and
 *   rpIdHash = SHA-256(RP ID); the credential's id, AAGUID, counter, x and
 *   y are the input's bytes where the parser located them; its key passes
 *   dsg_es256_key_from_xy; the AAGUID is allowed; attested exactly when
 *   there is an x5c, self attestation only where allowed; the attestation
 *   signature verifies with OpenSSL's EVP_DigestVerify, independently;
 * - an assertion: accepted, the new counter is the authenticatorData's
 *   and obeys WebAuthn §6.1.1 (greater than the stored one, or both 0),
 *   UP is set and UV where required, and EVP_DigestVerify accepts the
 *   signature by the stored key; refused as a bad signature,
 *   EVP_DigestVerify refuses it too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "auth/authdata.h"
#include "auth/client_data.h"
#include "auth/es256.h"
#include "auth/webauthn.h"
#include "fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)               \
    do {                          \
        if (!(cond))              \
            __builtin_trap();     \
    } while (0)

/* Built once: the trust anchors and the stored credential's key. */
static X509_STORE *ROOTS;
static EVP_PKEY *CRED_KEY;
static uint8_t CRED_X[32], CRED_Y[32];

static void init_once(void)
{
    if (ROOTS != NULL)
        return;
    EVP_PKEY *root_key = fx_key(FX_ROOT_KEY);
    X509 *root = root_key != NULL ? fx_root_cert(root_key) : NULL;
    ROOTS = root != NULL ? fx_roots(root) : NULL;
    X509_free(root);   /* the store holds its own reference */
    EVP_PKEY_free(root_key);
    CRED_KEY = fx_key(FX_CRED_KEY);
    if (ROOTS == NULL || CRED_KEY == NULL || !fx_xy(CRED_KEY, CRED_X, CRED_Y)) {
        fprintf(stderr, "fuzz_webauthn: cannot build the fixture (OpenSSL)\n");
        abort();
    }
}

/* ---- input ------------------------------------------------------------------- */

typedef struct field {
    uint8_t *p;
    size_t len;
} field;

/* The next field of in[*at .. size): length-prefixed unless last. */
static field take(const uint8_t *in, size_t size, size_t *at, int last)
{
    size_t len = size - *at;
    if (!last) {
        size_t declared = 0;
        for (int i = 0; i < 2 && *at < size; i++, (*at)++)
            declared = declared << 8 | in[*at];
        len = size - *at < declared ? size - *at : declared;
    }
    field f = { malloc(len > 0 ? len : 1), len };
    CHECK(f.p != NULL);
    if (len > 0)
        memcpy(f.p, in + *at, len);
    *at += len;
    return f;
}

/* ---- independent checks ----------------------------------------------------------- */

static void sha256(const void *p, size_t n, uint8_t out[32])
{
    unsigned int len = 0;
    CHECK(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 && len == 32);
}

/* 1 when OpenSSL accepts sig by key over ad || SHA-256(cdj). */
static int openssl_verifies(EVP_PKEY *key, const uint8_t *ad, size_t ad_len, const uint8_t *cdj,
                            size_t cdj_len, const uint8_t *sig, size_t sig_len)
{
    uint8_t *msg = malloc(ad_len + 32);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    CHECK(msg != NULL && md != NULL);
    memcpy(msg, ad, ad_len);
    sha256(cdj, cdj_len, msg + ad_len);
    CHECK(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1);
    int ok = EVP_DigestVerify(md, sig, sig_len, msg, ad_len + 32) == 1;
    EVP_MD_CTX_free(md);
    free(msg);
    return ok;
}

/* The steps with no detail. */
static int detail_free(dsg_webauthn_step step)
{
    return step == DSG_WA_OK || step == DSG_WA_RP_ID || step == DSG_WA_FORMAT ||
           step == DSG_WA_SELF_ATTESTATION || step == DSG_WA_AAGUID;
}

/* The arguments are good: no refusal blames them. */
static void check_detail(dsg_webauthn_result r)
{
    switch (r.step) {
    case DSG_WA_CLIENT_DATA:
        CHECK(r.detail != DSG_CD_ERR_ARGS);
        break;
    case DSG_WA_KEY:
        CHECK(r.detail == DSG_ES256_BAD_KEY);
        break;
    case DSG_WA_ATT_SIGNATURE:
    case DSG_WA_SIGNATURE:
        CHECK(r.detail != DSG_ES256_ERR_ARGS && r.detail != DSG_ES256_ERR_CRYPTO);
        break;
    default:
        break;
    }
}

static void check_description(dsg_webauthn_result r)
{
    char text[128];
    memset(text, 0, sizeof text);
    dsg_webauthn_describe(r, text, sizeof text);
    CHECK(text[0] != '\0' && strlen(text) < sizeof text);
    CHECK((strcmp(text, "ok") == 0) == (r.step == DSG_WA_OK));
    CHECK(strstr(text, "unknown") == NULL);
    CHECK(detail_free(r.step) == (r.detail == 0));
    check_detail(r);
}

/* rpIdHash, then the flags: UP always, UV when uv. */
static void check_head(const uint8_t *ad, size_t ad_len, int uv)
{
    uint8_t h[32];
    CHECK(ad_len >= DSG_AD_MIN_LEN);
    sha256(FX_RP_ID, strlen(FX_RP_ID), h);
    CHECK(memcmp(ad, h, 32) == 0);
    CHECK(ad[32] & DSG_AD_FLAG_UP);
    CHECK(!uv || (ad[32] & DSG_AD_FLAG_UV));
}

static uint32_t counter_of(const uint8_t *ad)
{
    return (uint32_t)ad[33] << 24 | (uint32_t)ad[34] << 16 | (uint32_t)ad[35] << 8 | ad[36];
}

static int aaguid_allowed(const uint8_t *aaguid)
{
    return memcmp(aaguid, FX_AAGUIDS[0], 16) == 0 || memcmp(aaguid, FX_AAGUIDS[1], 16) == 0;
}

static void check_client_data(const field *cdj, dsg_client_data_type type)
{
    dsg_client_data_view view;
    CHECK(dsg_client_data_check(cdj->p, cdj->len, type, FX_CHALLENGE, sizeof FX_CHALLENGE,
                                (const uint8_t *)FX_ORIGIN, strlen(FX_ORIGIN), &view) == DSG_CD_OK);
}

/* ---- registration --------------------------------------------------------------- */

/* The attestation signature of an accepted registration, by the x5c leaf's
 * key or (self attestation) the credential's own. */
static void check_attestation_signature(const field *att, const dsg_attobj *o,
                                        const dsg_webauthn_cred *cred, const field *cdj)
{
    EVP_PKEY *key = NULL;
    X509 *leaf = NULL;
    if (o->packed.x5c_count > 0) {
        const unsigned char *p = att->p + o->packed.x5c[0].off;
        leaf = d2i_X509(NULL, &p, (long)o->packed.x5c[0].len);
        CHECK(leaf != NULL);
        key = X509_get0_pubkey(leaf);
        CHECK(key != NULL);
    } else {
        CHECK(dsg_es256_key_from_xy(cred->x, cred->y, &key) == DSG_ES256_OK);
    }
    CHECK(openssl_verifies(key, att->p + o->auth_data.off, o->auth_data.len, cdj->p, cdj->len,
                           att->p + o->packed.sig.off, o->packed.sig.len));
    if (leaf != NULL)
        X509_free(leaf);
    else
        EVP_PKEY_free(key);
}

/* The credential of an accepted registration against the input's bytes. */
static void check_credential(const field *att, const dsg_webauthn_cred *cred, int allow_self,
                             const field *cdj)
{
    dsg_attobj o;
    CHECK(dsg_attobj_parse(att->p, att->len, &o) == DSG_AD_OK);
    CHECK(o.fmt_kind == DSG_AD_FMT_PACKED);
    const uint8_t *ad = att->p + o.auth_data.off;
    check_head(ad, o.auth_data.len, 1);
    CHECK(ad[32] & DSG_AD_FLAG_AT);
    CHECK(cred->id_len == o.ad.cred_id.len && cred->id_len <= DSG_AD_CRED_ID_MAX);
    CHECK(memcmp(cred->id, att->p + o.ad.cred_id.off, cred->id_len) == 0);
    CHECK(memcmp(cred->aaguid, att->p + o.ad.aaguid.off, 16) == 0);
    CHECK(aaguid_allowed(cred->aaguid));
    CHECK(cred->sign_count == counter_of(ad));
    dsg_ad_span x, y;
    CHECK(dsg_cose_es256_parse(att->p + o.ad.cred_key.off, o.ad.cred_key.len, &x, &y) ==
          DSG_AD_OK);
    CHECK(memcmp(cred->x, att->p + o.ad.cred_key.off + x.off, 32) == 0);
    CHECK(memcmp(cred->y, att->p + o.ad.cred_key.off + y.off, 32) == 0);
    EVP_PKEY *key = NULL;
    CHECK(dsg_es256_key_from_xy(cred->x, cred->y, &key) == DSG_ES256_OK);
    EVP_PKEY_free(key);
    CHECK(cred->attested == (o.packed.x5c_count > 0));
    CHECK(cred->attested || allow_self);
    check_attestation_signature(att, &o, cred, cdj);
}

static void fuzz_register(unsigned sel, const uint8_t *in, size_t size, size_t at)
{
    field att = take(in, size, &at, 0);
    field cdj = take(in, size, &at, 1);
    dsg_webauthn_policy policy = fx_policy(sel, ROOTS);
    dsg_webauthn_cred cred;
    memset(&cred, 0xa5, sizeof cred);
    dsg_webauthn_result r = dsg_webauthn_register(&FX_RP, &policy, FX_CHALLENGE, att.p, att.len,
                                                  cdj.p, cdj.len, &cred);
    CHECK(ERR_peek_error() == 0);
    check_description(r);
    switch (r.step) {
    case DSG_WA_OK:
        check_client_data(&cdj, DSG_CD_CREATE);
        check_credential(&att, &cred, policy.allow_self, &cdj);
        break;
    case DSG_WA_SELF_ATTESTATION:
        CHECK(!policy.allow_self);
        /* fall through */
    case DSG_WA_CLIENT_DATA:
    case DSG_WA_ATTESTATION:
    case DSG_WA_RP_ID:
    case DSG_WA_FLAGS:
    case DSG_WA_KEY:
    case DSG_WA_FORMAT:
    case DSG_WA_ATT_SIGNATURE:
    case DSG_WA_CERTIFICATE:
    case DSG_WA_AAGUID: {
        static const dsg_webauthn_cred zero;
        CHECK(memcmp(&cred, &zero, sizeof cred) == 0);
        break;
    }
    default:
        __builtin_trap();
    }
    free(att.p);
    free(cdj.p);
}

/* ---- assertion -------------------------------------------------------------------- */

static void fuzz_assert(unsigned sel, const uint8_t *in, size_t size, size_t at)
{
    field ad = take(in, size, &at, 0);
    field cdj = take(in, size, &at, 0);
    field sig = take(in, size, &at, 1);
    int uv = (sel & FX_SEL_FLAG) != 0;
    dsg_webauthn_cred stored = fx_stored(sel, CRED_X, CRED_Y);
    const uint32_t untouched = 0xdeadbeefu;
    uint32_t count = untouched;
    dsg_webauthn_result r = dsg_webauthn_assert(&FX_RP, &stored, FX_CHALLENGE, uv, ad.p, ad.len,
                                                cdj.p, cdj.len, sig.p, sig.len, &count);
    CHECK(ERR_peek_error() == 0);
    check_description(r);
    switch (r.step) {
    case DSG_WA_OK:
        check_client_data(&cdj, DSG_CD_GET);
        check_head(ad.p, ad.len, uv);
        CHECK(count == counter_of(ad.p));
        CHECK(count > stored.sign_count || (count == 0 && stored.sign_count == 0));
        CHECK(openssl_verifies(CRED_KEY, ad.p, ad.len, cdj.p, cdj.len, sig.p, sig.len));
        break;
    case DSG_WA_SIGNATURE:
        if (r.detail == DSG_ES256_BAD_SIGNATURE)
            CHECK(!openssl_verifies(CRED_KEY, ad.p, ad.len, cdj.p, cdj.len, sig.p, sig.len));
        /* fall through */
    case DSG_WA_CLIENT_DATA:
    case DSG_WA_AUTHENTICATOR_DATA:
    case DSG_WA_RP_ID:
    case DSG_WA_FLAGS:
    case DSG_WA_COUNTER:
        CHECK(count == untouched);
        break;
    default:
        __builtin_trap();
    }
    free(ad.p);
    free(cdj.p);
    free(sig.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    init_once();
    ERR_clear_error();
    unsigned sel = data[0];
    if (sel & FX_SEL_ASSERT)
        fuzz_assert(sel, data, size, 1);
    else
        fuzz_register(sel, data, size, 1);
    ERR_clear_error();   /* what the independent checks left */
    return 0;
}
