/*
 * Writes the seed corpus of fuzz/webauthn in the harness's framing (see
 * fuzz_webauthn.c): registrations and assertions made by the software
 * authenticator of tests/authenticator.h with the fixed keys, relying
 * party and challenge of fixture.h, and some tampered ones. Before a seed
 * is written it goes through its ceremony under the harness's policy and
 * must be accepted, or refused at the step the table names.
 *
 *   make build/tools/webauthn-corpus
 *   build/tools/webauthn-corpus fuzz/webauthn/corpus
 *
 * ECDSA signatures are randomised (OpenSSL 3.0 has no deterministic
 * nonces): a rerun writes the same seeds with other signature bytes.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "auth/authdata.h"
#include "auth/es256.h"
#include "auth/webauthn.h"
#include "core/b64url.h"
#include "fixture.h"
#include "tests/authenticator.h"
#include "tests/cbor_writer.h"

#define UP DSG_AD_FLAG_UP
#define UV DSG_AD_FLAG_UV
#define AT DSG_AD_FLAG_AT
#define ED DSG_AD_FLAG_ED
#define REG_FLAGS (UP | UV | AT)

/* One seed: what to make, how to spoil it, what the ceremony says. */
typedef struct seed {
    const char *name;
    unsigned sel;            /* the selector byte (FX_SEL_*) */
    unsigned flags;          /* authenticatorData flags */
    uint32_t count;
    const char *origin;      /* NULL: FX_ORIGIN */
    int extensions;          /* an extensions map in authenticatorData (with ED) */
    int flip_sig;            /* the last signature byte changed */
    /* registration only */
    const char *fmt;         /* NULL: "packed" */
    const uint8_t *aaguid;
    int chain;               /* 0: self attestation; 1: x5c under the root; 2: under the intermediate */
    int aaguid_ext;          /* the attestation certificate names the AAGUID */
    int spoil_cert_key;      /* the certificate's public point moved off the curve */
    int spoil_inter_key;     /* the intermediate's, likewise */
    dsg_webauthn_step want;
} seed;

static const uint8_t OTHER_AAGUID[16] = "0123456789abcdef";

static const seed SEEDS[] = {
    /* accepted */
    { .name = "reg-self", .sel = FX_SEL_FLAG, .flags = REG_FLAGS, .aaguid = FX_AAGUIDS[0] },
    { .name = "reg-self-extensions", .sel = FX_SEL_FLAG, .flags = REG_FLAGS | ED, .count = 1,
      .extensions = 1, .aaguid = FX_AAGUIDS[1] },
    { .name = "reg-x5c", .flags = REG_FLAGS, .count = 2, .aaguid = FX_AAGUIDS[0], .chain = 1,
      .aaguid_ext = 1 },
    { .name = "reg-x5c-no-aaguid-ext", .flags = REG_FLAGS, .aaguid = FX_AAGUIDS[1], .chain = 1 },
    { .name = "reg-x5c-intermediate", .sel = FX_SEL_FLAG, .flags = REG_FLAGS,
      .aaguid = FX_AAGUIDS[1], .chain = 2, .aaguid_ext = 1 },
    { .name = "assert-uv", .sel = FX_SEL_ASSERT | FX_SEL_FLAG, .flags = UP | UV, .count = 6 },
    { .name = "assert-up", .sel = FX_SEL_ASSERT, .flags = UP, .count = 100 },
    { .name = "assert-zero", .sel = FX_SEL_ASSERT | FX_SEL_FLAG | FX_SEL_ZERO, .flags = UP | UV },
    { .name = "assert-extensions", .sel = FX_SEL_ASSERT | FX_SEL_FLAG, .flags = UP | UV | ED,
      .count = 7, .extensions = 1 },
    /* refused */
    { .name = "reg-none", .sel = FX_SEL_FLAG, .flags = REG_FLAGS, .fmt = "none",
      .aaguid = FX_AAGUIDS[0], .want = DSG_WA_FORMAT },
    { .name = "reg-self-not-allowed", .flags = REG_FLAGS, .aaguid = FX_AAGUIDS[0],
      .want = DSG_WA_SELF_ATTESTATION },
    { .name = "reg-x5c-flipped-sig", .flags = REG_FLAGS, .aaguid = FX_AAGUIDS[0], .chain = 1,
      .aaguid_ext = 1, .flip_sig = 1, .want = DSG_WA_ATT_SIGNATURE },
    { .name = "reg-x5c-key-off-curve", .flags = REG_FLAGS, .aaguid = FX_AAGUIDS[0], .chain = 1,
      .aaguid_ext = 1, .spoil_cert_key = 1, .want = DSG_WA_ATT_SIGNATURE },
    { .name = "reg-x5c-intermediate-key-off-curve", .flags = REG_FLAGS, .aaguid = FX_AAGUIDS[1],
      .chain = 2, .spoil_inter_key = 1, .want = DSG_WA_CERTIFICATE },
    { .name = "reg-aaguid-not-allowed", .sel = FX_SEL_FLAG, .flags = REG_FLAGS,
      .aaguid = OTHER_AAGUID, .want = DSG_WA_AAGUID },
    { .name = "assert-replayed", .sel = FX_SEL_ASSERT, .flags = UP | UV, .count = FX_STORED_COUNT,
      .want = DSG_WA_COUNTER },
    { .name = "assert-no-uv", .sel = FX_SEL_ASSERT | FX_SEL_FLAG, .flags = UP, .count = 8,
      .want = DSG_WA_FLAGS },
    { .name = "assert-wrong-origin", .sel = FX_SEL_ASSERT, .flags = UP | UV, .count = 9,
      .origin = "https://dsg.example.jp.evil.test", .want = DSG_WA_CLIENT_DATA },
    { .name = "assert-flipped-sig", .sel = FX_SEL_ASSERT, .flags = UP | UV, .count = 10,
      .flip_sig = 1, .want = DSG_WA_SIGNATURE },
};
#define N_SEEDS ((int)(sizeof SEEDS / sizeof SEEDS[0]))

static const char *OUT_DIR;
static struct authn CRED, VENDOR, INTER, ROOT;
static X509 *ROOT_CERT, *INTER_CERT;
static X509_STORE *ROOTS;

static void setup(void)
{
    authn_of_key(&CRED, fx_key(FX_CRED_KEY));
    authn_of_key(&VENDOR, fx_key(FX_VENDOR_KEY));
    authn_of_key(&INTER, fx_key(FX_INTER_KEY));
    authn_of_key(&ROOT, fx_key(FX_ROOT_KEY));
    ROOT_CERT = fx_root_cert(ROOT.key);
    ck_assert_ptr_nonnull(ROOT_CERT);
    INTER_CERT = fx_cert(INTER.key, fx_name(NULL, "Fuzz Attestation CA"), ROOT_CERT, ROOT.key, 3,
                         1, NULL);
    ck_assert_ptr_nonnull(INTER_CERT);
    ROOTS = fx_roots(ROOT_CERT);
    ck_assert_ptr_nonnull(ROOTS);
}

static void teardown(void)
{
    X509_STORE_free(ROOTS);
    X509_free(INTER_CERT);
    X509_free(ROOT_CERT);
    EVP_PKEY_free(CRED.key);
    EVP_PKEY_free(VENDOR.key);
    EVP_PKEY_free(INTER.key);
    EVP_PKEY_free(ROOT.key);
}

/* ---- the authenticator's output --------------------------------------------------- */

static void sha256(const void *p, size_t n, uint8_t out[32])
{
    unsigned int len = 0;
    ck_assert_int_eq(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL), 1);
}

static void client_data(cw *w, const char *type, const char *origin)
{
    char ch[64];
    size_t ch_len = 0;
    ck_assert_int_eq(dsg_b64url_encode(FX_CHALLENGE, sizeof FX_CHALLENGE, ch, sizeof ch, &ch_len),
                     DSG_B64URL_OK);
    char text[512];
    int n = snprintf(text, sizeof text,
                     "{\"type\":\"%s\",\"challenge\":\"%.*s\",\"origin\":\"%s\",\"crossOrigin\":false}",
                     type, (int)ch_len, ch, origin);
    ck_assert(n > 0 && (size_t)n < sizeof text);
    w->n = 0;
    put(w, text, (size_t)n);
}

/* rpIdHash, flags, counter. */
static void ad_head(cw *w, unsigned flags, uint32_t count)
{
    uint8_t h[32];
    sha256(FX_RP_ID, strlen(FX_RP_ID), h);
    put(w, h, sizeof h);
    put_byte(w, flags);
    for (int s = 24; s >= 0; s -= 8)
        put_byte(w, (count >> s) & 0xff);
}

/* {"credProtect": 2} */
static void extensions(cw *w)
{
    head(w, 5, 1);
    ctext(w, "credProtect");
    cint(w, 2);
}

/* The credential's COSE key (CTAP2 order 1, 3, -1, -2, -3). */
static void cose_key(cw *w)
{
    head(w, 5, 5);
    cint(w, 1);
    cint(w, 2);
    cint(w, 3);
    cint(w, DSG_ES256_COSE_ALG);
    cint(w, -1);
    cint(w, 1);
    cint(w, -2);
    cbytes(w, CRED.x, 32);
    cint(w, -3);
    cbytes(w, CRED.y, 32);
}

/* Moves key's public point in der[0 .. n) off the curve (the last byte
 * of y changed): OpenSSL then loads no key from the certificate. */
static void spoil_key(uint8_t *der, size_t n, const struct authn *key)
{
    for (size_t i = 0; i + 64 <= n; i++) {
        if (memcmp(der + i, key->x, 32) == 0 && memcmp(der + i + 32, key->y, 32) == 0) {
            der[i + 63] ^= 0x01;
            return;
        }
    }
    ck_abort_msg("the key is not in the certificate");
}

static void cert_bytes(cw *w, X509 *cert, const struct authn *spoiled)
{
    uint8_t der[2048];
    int n = i2d_X509(cert, NULL);
    ck_assert(n > 0 && (size_t)n <= sizeof der);
    unsigned char *p = der;
    ck_assert_int_eq(i2d_X509(cert, &p), n);
    if (spoiled != NULL)
        spoil_key(der, (size_t)n, spoiled);
    cbytes(w, der, (size_t)n);
}

/* The attestation statement of s: "none", packed self or packed with x5c. */
static void att_stmt(cw *w, const seed *s, const cw *ad, const uint8_t hash[32])
{
    if (s->fmt != NULL && strcmp(s->fmt, "none") == 0) {
        head(w, 5, 0);
        return;
    }
    X509 *leaf = NULL;
    if (s->chain > 0) {
        X509 *issuer = s->chain == 1 ? ROOT_CERT : INTER_CERT;
        EVP_PKEY *signer = s->chain == 1 ? ROOT.key : INTER.key;
        leaf = fx_cert(VENDOR.key, fx_name(FX_ATTESTATION_OU, "Fuzz Authenticator"), issuer,
                       signer, 2, 0, s->aaguid_ext ? s->aaguid : NULL);
        ck_assert_ptr_nonnull(leaf);
    }
    uint8_t sig[DSG_ES256_SIG_MAX];
    size_t sig_len = sign(leaf != NULL ? &VENDOR : &CRED, ad->b, ad->n, hash, sig);
    if (s->flip_sig)
        sig[sig_len - 1] ^= 0x01;
    head(w, 5, leaf != NULL ? 3 : 2);
    ctext(w, "alg");
    cint(w, DSG_ES256_COSE_ALG);
    ctext(w, "sig");
    cbytes(w, sig, sig_len);
    if (leaf != NULL) {
        ctext(w, "x5c");
        head(w, 4, (uint64_t)s->chain);
        cert_bytes(w, leaf, s->spoil_cert_key ? &VENDOR : NULL);
        if (s->chain == 2)
            cert_bytes(w, INTER_CERT, s->spoil_inter_key ? &INTER : NULL);
        X509_free(leaf);
    }
}

/* A registration: the attestation object into att, clientDataJSON into cdj. */
static void make_registration(const seed *s, cw *att, cw *cdj)
{
    cw ad = { .n = 0 };
    ad_head(&ad, s->flags, s->count);
    put(&ad, s->aaguid, 16);
    put_byte(&ad, 0);
    put_byte(&ad, 16);
    for (unsigned i = 0; i < 16; i++)
        put_byte(&ad, 0xC0 + i);
    cose_key(&ad);
    if (s->extensions)
        extensions(&ad);
    client_data(cdj, "webauthn.create", s->origin != NULL ? s->origin : FX_ORIGIN);
    uint8_t hash[32];
    sha256(cdj->b, cdj->n, hash);
    att->n = 0;
    head(att, 5, 3);
    ctext(att, "fmt");
    ctext(att, s->fmt != NULL ? s->fmt : "packed");
    ctext(att, "attStmt");
    att_stmt(att, s, &ad, hash);
    ctext(att, "authData");
    cbytes(att, ad.b, ad.n);
}

/* An assertion: authenticatorData, clientDataJSON, the signature. */
static void make_assertion(const seed *s, cw *ad, cw *cdj, cw *sig)
{
    ad->n = 0;
    ad_head(ad, s->flags, s->count);
    if (s->extensions)
        extensions(ad);
    client_data(cdj, "webauthn.get", s->origin != NULL ? s->origin : FX_ORIGIN);
    uint8_t hash[32];
    sha256(cdj->b, cdj->n, hash);
    uint8_t der[DSG_ES256_SIG_MAX];
    size_t n = sign(&CRED, ad->b, ad->n, hash, der);
    if (s->flip_sig)
        der[n - 1] ^= 0x01;
    sig->n = 0;
    put(sig, der, n);
}

/* ---- framing and the check -------------------------------------------------------- */

static void field(cw *frame, const cw *f, int last)
{
    if (!last) {
        ck_assert_uint_le(f->n, 0xffff);
        put_byte(frame, (unsigned)(f->n >> 8));
        put_byte(frame, (unsigned)(f->n & 0xff));
    }
    put(frame, f->b, f->n);
}

static dsg_webauthn_result registration(const seed *s, cw *frame)
{
    static cw att, cdj;
    make_registration(s, &att, &cdj);
    field(frame, &att, 0);
    field(frame, &cdj, 1);
    dsg_webauthn_policy policy = fx_policy(s->sel, ROOTS);
    dsg_webauthn_cred cred;
    return dsg_webauthn_register(&FX_RP, &policy, FX_CHALLENGE, att.b, att.n, cdj.b, cdj.n,
                                 &cred);
}

static dsg_webauthn_result assertion(const seed *s, cw *frame)
{
    static cw ad, cdj, sig;
    make_assertion(s, &ad, &cdj, &sig);
    field(frame, &ad, 0);
    field(frame, &cdj, 0);
    field(frame, &sig, 1);
    dsg_webauthn_cred stored = fx_stored(s->sel, CRED.x, CRED.y);
    uint32_t count = 0;
    return dsg_webauthn_assert(&FX_RP, &stored, FX_CHALLENGE, (s->sel & FX_SEL_FLAG) != 0, ad.b,
                               ad.n, cdj.b, cdj.n, sig.b, sig.n, &count);
}

static void write_file(const char *name, const cw *frame)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", OUT_DIR, name);
    ck_assert(n > 0 && (size_t)n < sizeof path);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    size_t w = fwrite(frame->b, 1, frame->n, f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_uint_eq(w, frame->n);
}

START_TEST(test_seed)
{
    const seed *s = &SEEDS[_i];
    static cw frame;
    frame.n = 0;
    put_byte(&frame, s->sel);
    dsg_webauthn_result r = (s->sel & FX_SEL_ASSERT) ? assertion(s, &frame)
                                                     : registration(s, &frame);
    char text[96];
    dsg_webauthn_describe(r, text, sizeof text);
    ck_assert_msg(r.step == s->want, "%s: %s, want step %d", s->name, text, (int)s->want);
    write_file(s->name, &frame);
}
END_TEST

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR (the seed corpus, e.g. fuzz/webauthn/corpus)\n", argv[0]);
        return 2;
    }
    OUT_DIR = argv[1];
    Suite *suite = suite_create("webauthn-corpus");
    TCase *tc = tcase_create("seeds");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_seed, 0, N_SEEDS);
    suite_add_tcase(suite, tc);
    SRunner *sr = srunner_create(suite);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (failed == 0)
        printf("wrote %d seeds to %s\n", N_SEEDS, OUT_DIR);
    return failed == 0 ? 0 : 1;
}
