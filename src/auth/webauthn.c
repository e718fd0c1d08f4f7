/*
 * The WebAuthn registration and authentication ceremonies (REQ-MFA-003,
 * REQ-MFA-004). See webauthn.h.
 */
#include "auth/webauthn.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "auth/client_data.h"
#include "auth/es256.h"
#include "auth/sign_count.h"

#define HASH_LEN 32u
/* id-fido-gen-ce-aaguid (WebAuthn L2 §8.2.1) */
#define OID_FIDO_AAGUID "1.3.6.1.4.1.45724.1.1.4"
#define ATTESTATION_OU "Authenticator Attestation"

static dsg_webauthn_result result(dsg_webauthn_step step, int detail)
{
    dsg_webauthn_result r = { step, detail };
    return r;
}

static const dsg_webauthn_result OK = { DSG_WA_OK, 0 };

static int sha256(const void *data, size_t len, uint8_t out[HASH_LEN])
{
    unsigned int n = 0;
    return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 && n == HASH_LEN;
}

static int rp_usable(const dsg_webauthn_rp *rp)
{
    return rp != NULL && rp->rp_id != NULL && rp->origin != NULL && rp->rp_id[0] != '\0' &&
           rp->origin[0] != '\0';
}

/* clientDataJSON for the ceremony, then its SHA-256 into hash. */
static dsg_webauthn_result check_client_data(const dsg_webauthn_rp *rp, dsg_client_data_type type,
                                             const uint8_t *challenge, const uint8_t *cdj,
                                             size_t cdj_len, uint8_t hash[HASH_LEN])
{
    dsg_client_data_view view;
    int rc = dsg_client_data_check(cdj, cdj_len, type, challenge, DSG_WEBAUTHN_CHALLENGE_LEN,
                                   (const uint8_t *)rp->origin, strlen(rp->origin), &view);
    if (rc != DSG_CD_OK)
        return result(DSG_WA_CLIENT_DATA, rc);
    if (!sha256(cdj, cdj_len, hash))
        return result(DSG_WA_CRYPTO, 0);
    return OK;
}

/* rpIdHash (in buf, as the parser located it) and the UP/UV flags. */
static dsg_webauthn_result check_rp_and_flags(const dsg_webauthn_rp *rp, const uint8_t *buf,
                                              const dsg_authdata *ad, int uv_required)
{
    uint8_t expected[HASH_LEN];
    if (!sha256(rp->rp_id, strlen(rp->rp_id), expected))
        return result(DSG_WA_CRYPTO, 0);
    if (memcmp(buf + ad->rp_id_hash.off, expected, HASH_LEN) != 0)
        return result(DSG_WA_RP_ID, 0);
    dsg_sign_status st = dsg_sign_flags_check(ad->flags, uv_required);
    if (st != DSG_SIGN_OK)
        return result(DSG_WA_FLAGS, (int)st);
    return OK;
}

/* The credential's COSE key key[0 .. len): its coordinates into cred and
 * the checked public key into *pkey. */
static dsg_webauthn_result credential_key(const uint8_t *key, size_t len, dsg_webauthn_cred *cred,
                                          EVP_PKEY **pkey)
{
    dsg_ad_span x, y;
    int rc = dsg_cose_es256_parse(key, len, &x, &y);
    if (rc != DSG_AD_OK)
        return result(DSG_WA_ATTESTATION, rc);
    memcpy(cred->x, key + x.off, sizeof cred->x);
    memcpy(cred->y, key + y.off, sizeof cred->y);
    dsg_es256_status st = dsg_es256_key_from_xy(cred->x, cred->y, pkey);
    if (st != DSG_ES256_OK)
        return result(st == DSG_ES256_ERR_CRYPTO ? DSG_WA_CRYPTO : DSG_WA_KEY, (int)st);
    return OK;
}

/* ---- attestation certificates (WebAuthn L2 §8.2.1) ------------------------------ */

/* The subject has C, O and CN, and OU "Authenticator Attestation". */
static int subject_ok(X509 *cert)
{
    X509_NAME *name = X509_get_subject_name(cert);
    char ou[64];
    int n = X509_NAME_get_text_by_NID(name, NID_organizationalUnitName, ou, sizeof ou);
    return n == (int)strlen(ATTESTATION_OU) && strcmp(ou, ATTESTATION_OU) == 0 &&
           X509_NAME_get_index_by_NID(name, NID_countryName, -1) >= 0 &&
           X509_NAME_get_index_by_NID(name, NID_organizationName, -1) >= 0 &&
           X509_NAME_get_index_by_NID(name, NID_commonName, -1) >= 0;
}

/* The id-fido-gen-ce-aaguid extension, when present, is not critical and
 * holds exactly OCTET STRING (16) aaguid. */
static int aaguid_extension_ok(X509 *cert, const uint8_t *aaguid)
{
    ASN1_OBJECT *oid = OBJ_txt2obj(OID_FIDO_AAGUID, 1);
    if (oid == NULL)
        return 0;
    int at = X509_get_ext_by_OBJ(cert, oid, -1);
    ASN1_OBJECT_free(oid);
    if (at < 0)
        return 1;
    X509_EXTENSION *ext = X509_get_ext(cert, at);
    if (X509_EXTENSION_get_critical(ext))
        return 0;
    const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(ext);
    const unsigned char *p = ASN1_STRING_get0_data(data);
    return ASN1_STRING_length(data) == 2 + DSG_WEBAUTHN_AAGUID_LEN && p[0] == 0x04 &&
           p[1] == DSG_WEBAUTHN_AAGUID_LEN && memcmp(p + 2, aaguid, DSG_WEBAUTHN_AAGUID_LEN) == 0;
}

/* The attestation certificate's own requirements: 0 or a DSG_WA_CERT_ reason. */
static int certificate_reason(X509 *cert, const uint8_t *aaguid)
{
    if (X509_get_version(cert) != X509_VERSION_3)
        return DSG_WA_CERT_VERSION;
    if (!subject_ok(cert))
        return DSG_WA_CERT_SUBJECT;
    if (X509_get_extension_flags(cert) & EXFLAG_CA)
        return DSG_WA_CERT_CA;
    if (!aaguid_extension_ok(cert, aaguid))
        return DSG_WA_CERT_AAGUID;
    return 0;
}

/* x5c[i] as one DER certificate, nothing after it; NULL when it is not. */
static X509 *certificate(const uint8_t *att, dsg_ad_span der)
{
    const unsigned char *p = att + der.off;
    X509 *cert = d2i_X509(NULL, &p, (long)der.len);
    if (cert != NULL && p != att + der.off + der.len) {
        X509_free(cert);
        return NULL;
    }
    return cert;
}

/* 1 when leaf chains through the certificates of `more` to a trust anchor. */
static int chains_to_root(X509_STORE *roots, X509 *leaf, STACK_OF(X509) *more)
{
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (ctx == NULL)
        return -1;
    int ok = -1;
    if (X509_STORE_CTX_init(ctx, roots, leaf, more) == 1)
        ok = X509_verify_cert(ctx) == 1;
    X509_STORE_CTX_free(ctx);
    return ok;
}

/* The certificates of o's x5c: leaf first into *leaf, the others into more. */
static dsg_webauthn_result load_chain(const uint8_t *att, const dsg_attobj *o, X509 **leaf,
                                      STACK_OF(X509) *more)
{
    for (size_t i = 0; i < o->packed.x5c_count; i++) {
        X509 *cert = certificate(att, o->packed.x5c[i]);
        if (cert == NULL)
            return result(DSG_WA_CERTIFICATE, DSG_WA_CERT_DER);
        if (i == 0)
            *leaf = cert;
        else if (!sk_X509_push(more, cert)) {
            X509_free(cert);
            return result(DSG_WA_CRYPTO, 0);
        }
    }
    return OK;
}

/* The checks of a loaded chain: the certificate, its signature, the path
 * to a trust anchor. */
static dsg_webauthn_result check_chain(const dsg_webauthn_policy *policy, const uint8_t *att,
                                       const dsg_attobj *o, const uint8_t hash[HASH_LEN],
                                       X509 *leaf, STACK_OF(X509) *more)
{
    int reason = certificate_reason(leaf, att + o->ad.aaguid.off);
    if (reason != 0)
        return result(DSG_WA_CERTIFICATE, reason);
    /* A key OpenSSL does not load (a point off the curve, say) is no key:
     * the certificate's fault, not the caller's (no "bad-args"). */
    EVP_PKEY *key = X509_get0_pubkey(leaf);
    if (key == NULL)
        return result(DSG_WA_ATT_SIGNATURE, DSG_ES256_BAD_KEY);
    dsg_es256_status st = dsg_es256_verify(key, att + o->auth_data.off, o->auth_data.len, hash,
                                           att + o->packed.sig.off, o->packed.sig.len);
    if (st != DSG_ES256_OK)
        return result(st == DSG_ES256_ERR_CRYPTO ? DSG_WA_CRYPTO : DSG_WA_ATT_SIGNATURE, (int)st);
    int chained = policy->roots == NULL ? 0 : chains_to_root(policy->roots, leaf, more);
    if (chained < 0)
        return result(DSG_WA_CRYPTO, 0);
    return chained ? OK : result(DSG_WA_CERTIFICATE, DSG_WA_CERT_CHAIN);
}

/* Packed attestation with an x5c chain. */
static dsg_webauthn_result check_x5c(const dsg_webauthn_policy *policy, const uint8_t *att,
                                     const dsg_attobj *o, const uint8_t hash[HASH_LEN])
{
    if (o->packed.alg != DSG_ES256_COSE_ALG)
        return result(DSG_WA_ATT_SIGNATURE, DSG_ES256_BAD_ALG);
    X509 *leaf = NULL;
    STACK_OF(X509) *more = sk_X509_new_null();
    if (more == NULL)
        return result(DSG_WA_CRYPTO, 0);
    dsg_webauthn_result r = load_chain(att, o, &leaf, more);
    if (r.step == DSG_WA_OK)
        r = check_chain(policy, att, o, hash, leaf, more);
    X509_free(leaf);
    sk_X509_pop_free(more, X509_free);
    /* d2i_X509, the extension cache (a value that does not decode), a key
     * that does not load and X509_verify_cert leave errors in OpenSSL's
     * queue: none may outlive the ceremony (webauthn.h). */
    ERR_clear_error();
    return r;
}

/* The "packed" statement: x5c, or self attestation where the policy allows. */
static dsg_webauthn_result check_packed(const dsg_webauthn_policy *policy, const uint8_t *att,
                                        const dsg_attobj *o, EVP_PKEY *cred_key,
                                        const uint8_t hash[HASH_LEN])
{
    if (o->packed.x5c_count > 0)
        return check_x5c(policy, att, o, hash);
    if (!policy->allow_self)
        return result(DSG_WA_SELF_ATTESTATION, 0);
    dsg_es256_status st = dsg_es256_verify_packed_self(cred_key, o->packed.alg,
                                                       att + o->auth_data.off, o->auth_data.len,
                                                       hash, att + o->packed.sig.off,
                                                       o->packed.sig.len);
    return st == DSG_ES256_OK ? OK : result(DSG_WA_ATT_SIGNATURE, (int)st);
}

static int aaguid_allowed(const dsg_webauthn_policy *policy, const uint8_t *aaguid)
{
    for (size_t i = 0; i < policy->n_aaguids; i++)
        if (memcmp(policy->aaguids[i], aaguid, DSG_WEBAUTHN_AAGUID_LEN) == 0)
            return 1;
    return 0;
}

/* The checks of a parsed attestation object, in WebAuthn §7.1's order. */
static dsg_webauthn_result check_registration(const dsg_webauthn_rp *rp,
                                              const dsg_webauthn_policy *policy,
                                              const uint8_t *att, const dsg_attobj *o,
                                              const uint8_t hash[HASH_LEN],
                                              dsg_webauthn_cred *cred)
{
    dsg_webauthn_result r = check_rp_and_flags(rp, att, &o->ad, 1);
    if (r.step != DSG_WA_OK)
        return r;
    EVP_PKEY *key = NULL;
    r = credential_key(att + o->ad.cred_key.off, o->ad.cred_key.len, cred, &key);
    if (r.step == DSG_WA_OK && o->fmt_kind != DSG_AD_FMT_PACKED)
        r = result(DSG_WA_FORMAT, 0);
    if (r.step == DSG_WA_OK)
        r = check_packed(policy, att, o, key, hash);
    EVP_PKEY_free(key);
    if (r.step == DSG_WA_OK && !aaguid_allowed(policy, att + o->ad.aaguid.off))
        r = result(DSG_WA_AAGUID, 0);
    return r;
}

dsg_webauthn_result dsg_webauthn_register(const dsg_webauthn_rp *rp,
                                          const dsg_webauthn_policy *policy,
                                          const uint8_t challenge[DSG_WEBAUTHN_CHALLENGE_LEN],
                                          const uint8_t *att, size_t att_len,
                                          const uint8_t *cdj, size_t cdj_len,
                                          dsg_webauthn_cred *cred)
{
    if (cred == NULL)
        return result(DSG_WA_ARGS, 0);
    memset(cred, 0, sizeof *cred);
    if (!rp_usable(rp) || policy == NULL || (policy->n_aaguids > 0 && policy->aaguids == NULL) ||
        challenge == NULL || att == NULL || cdj == NULL)
        return result(DSG_WA_ARGS, 0);
    uint8_t hash[HASH_LEN];
    dsg_webauthn_result r = check_client_data(rp, DSG_CD_CREATE, challenge, cdj, cdj_len, hash);
    if (r.step != DSG_WA_OK)
        return r;
    dsg_attobj o;
    int rc = dsg_attobj_parse(att, att_len, &o);
    if (rc != DSG_AD_OK)
        return result(DSG_WA_ATTESTATION, rc);
    r = check_registration(rp, policy, att, &o, hash, cred);
    if (r.step != DSG_WA_OK) {
        memset(cred, 0, sizeof *cred);
        return r;
    }
    memcpy(cred->id, att + o.ad.cred_id.off, o.ad.cred_id.len);
    cred->id_len = o.ad.cred_id.len;
    memcpy(cred->aaguid, att + o.ad.aaguid.off, DSG_WEBAUTHN_AAGUID_LEN);
    cred->sign_count = o.ad.sign_count;
    cred->attested = o.packed.x5c_count > 0;
    return OK;
}

/* The enrolled key's signature over ad || hash, then the counter rule
 * (§7.2 steps 20 and 21: a counter is judged only on a signed assertion). */
static dsg_webauthn_result check_signature_and_counter(const dsg_webauthn_cred *cred,
                                                       const uint8_t *ad, size_t ad_len,
                                                       uint32_t count, const uint8_t *hash,
                                                       const uint8_t *sig, size_t sig_len)
{
    EVP_PKEY *key = NULL;
    dsg_es256_status st = dsg_es256_key_from_xy(cred->x, cred->y, &key);
    if (st != DSG_ES256_OK)
        return result(st == DSG_ES256_ERR_CRYPTO ? DSG_WA_CRYPTO : DSG_WA_KEY, (int)st);
    st = dsg_es256_verify(key, ad, ad_len, hash, sig, sig_len);
    EVP_PKEY_free(key);
    if (st != DSG_ES256_OK)
        return result(st == DSG_ES256_ERR_CRYPTO ? DSG_WA_CRYPTO : DSG_WA_SIGNATURE, (int)st);
    dsg_sign_status sc = dsg_sign_count_check(cred->sign_count, count);
    return sc == DSG_SIGN_OK ? OK : result(DSG_WA_COUNTER, (int)sc);
}

dsg_webauthn_result dsg_webauthn_assert(const dsg_webauthn_rp *rp, const dsg_webauthn_cred *cred,
                                        const uint8_t challenge[DSG_WEBAUTHN_CHALLENGE_LEN],
                                        int uv_required, const uint8_t *ad, size_t ad_len,
                                        const uint8_t *cdj, size_t cdj_len, const uint8_t *sig,
                                        size_t sig_len, uint32_t *new_count)
{
    if (!rp_usable(rp) || cred == NULL || challenge == NULL || ad == NULL || cdj == NULL ||
        sig == NULL || new_count == NULL)
        return result(DSG_WA_ARGS, 0);
    uint8_t hash[HASH_LEN];
    dsg_webauthn_result r = check_client_data(rp, DSG_CD_GET, challenge, cdj, cdj_len, hash);
    if (r.step != DSG_WA_OK)
        return r;
    dsg_authdata a;
    int rc = dsg_authdata_parse(ad, ad_len, 0, &a);
    if (rc != DSG_AD_OK)
        return result(DSG_WA_AUTHENTICATOR_DATA, rc);
    r = check_rp_and_flags(rp, ad, &a, uv_required != 0);
    if (r.step == DSG_WA_OK)
        r = check_signature_and_counter(cred, ad, ad_len, a.sign_count, hash, sig, sig_len);
    if (r.step == DSG_WA_OK)
        *new_count = a.sign_count;
    return r;
}

/* ---- descriptions --------------------------------------------------------------- */

static const char *step_token(dsg_webauthn_step step)
{
    static const char *const names[] = {
        "ok", "bad-args", "client-data", "attestation-object", "authenticator-data", "rp-id",
        "flags", "credential-key", "attestation-format", "self-attestation",
        "attestation-signature", "attestation-certificate", "aaguid-not-allowed", "counter",
        "signature", "crypto",
    };
    return (unsigned)step < sizeof names / sizeof names[0] ? names[step] : "unknown";
}

static const char *certificate_token(int reason)
{
    static const char *const names[] = {
        "unknown", "not-der", "not-v3", "subject-ou", "is-ca", "aaguid-extension", "untrusted",
    };
    return reason > 0 && (unsigned)reason < sizeof names / sizeof names[0] ? names[reason]
                                                                            : "unknown";
}

/* The deciding module's token for r's detail; NULL when the step has none. */
static const char *detail_token(dsg_webauthn_result r)
{
    switch (r.step) {
    case DSG_WA_CLIENT_DATA:
        return dsg_client_data_error_token(r.detail);
    case DSG_WA_ATTESTATION:
    case DSG_WA_AUTHENTICATOR_DATA:
        return dsg_authdata_error_token(r.detail);
    case DSG_WA_FLAGS:
    case DSG_WA_COUNTER:
        return dsg_sign_status_token((dsg_sign_status)r.detail);
    case DSG_WA_KEY:
    case DSG_WA_ATT_SIGNATURE:
    case DSG_WA_SIGNATURE:
        return dsg_es256_status_token((dsg_es256_status)r.detail);
    case DSG_WA_CERTIFICATE:
        return certificate_token(r.detail);
    default:
        return NULL;
    }
}

void dsg_webauthn_describe(dsg_webauthn_result r, char *out, size_t size)
{
    if (out == NULL || size == 0)
        return;
    const char *detail = detail_token(r);
    if (detail != NULL)
        snprintf(out, size, "%s: %s", step_token(r.step), detail);
    else
        snprintf(out, size, "%s", step_token(r.step));
}
