/*
 * Unit tests of the WebAuthn parsers (src/auth/authdata.h): REQ-MFA-019
 * (the parsers of authenticator bytes), REQ-MFA-003 (what enrolment reads
 * from them: flags, AAGUID, the ES256 P-256 key).
 *
 * Inputs are built here, byte by byte, with a tiny CBOR writer (canonical
 * heads, keys written in CTAP2 order by the tests themselves). Bad input
 * first: every truncation, trailing bytes, each length and type rule, the
 * COSE key's wrong parameters, unsorted and duplicate keys (refused by the
 * CBOR decoder); then the good layouts: "none", packed self attestation
 * and packed with an x5c chain, authenticatorData with extensions.
 *
 * Every successful parse goes through a check that each span lies inside
 * the input (what the proof states), and the contents of the spans are
 * compared with the bytes the test wrote.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "auth/authdata.h"
#include "cbor_writer.h"

Suite *suite_authdata(void);

/* ---- fixtures ----------------------------------------------------------------- */

/* An ES256 COSE key with the given parameters; coordinates of xlen and
 * ylen bytes (0xA1.., 0xB2..). Keys in CTAP2 order 1, 3, -1, -2, -3. */
static void cose_key(cw *w, int64_t kty, int64_t alg, int64_t crv, size_t xlen, size_t ylen)
{
    head(w, 5, 5);
    cint(w, 1);
    cint(w, kty);
    cint(w, 3);
    cint(w, alg);
    cint(w, -1);
    cint(w, crv);
    cint(w, -2);
    cbytes_fill(w, xlen, 0xA1);
    cint(w, -3);
    cbytes_fill(w, ylen, 0xB2);
}

static void good_key(cw *w)
{
    cose_key(w, 2, -7, 1, 32, 32);
}

/* rpIdHash (bytes 0..31 = 0..31), flags, signCount. */
static void ad_header(cw *w, unsigned flags, uint32_t count)
{
    for (unsigned i = 0; i < 32; i++)
        put_byte(w, i);
    put_byte(w, flags);
    for (int s = 24; s >= 0; s -= 8)
        put_byte(w, (count >> s) & 0xff);
}

/* AAGUID (0x40..0x4f), credentialIdLength id_field, then id_len bytes 0xC3. */
static void ad_cred(cw *w, unsigned id_field, size_t id_len)
{
    for (unsigned i = 0; i < 16; i++)
        put_byte(w, 0x40 + i);
    put_byte(w, id_field >> 8);
    put_byte(w, id_field & 0xff);
    for (size_t i = 0; i < id_len; i++)
        put_byte(w, 0xC3);
}

/* A registration's authenticatorData: UP UV AT, a 16-byte ID, the key. */
static void reg_authdata(cw *w, uint32_t count)
{
    ad_header(w, DSG_AD_FLAG_UP | DSG_AD_FLAG_UV | DSG_AD_FLAG_AT, count);
    ad_cred(w, 16, 16);
    good_key(w);
}

/* The attestation object map head and "fmt": fmt, then "attStmt" (the
 * caller writes the statement), in CTAP2 order. */
static void att_begin(cw *w, const char *fmt)
{
    head(w, 5, 3);
    ctext(w, "fmt");
    ctext(w, fmt);
    ctext(w, "attStmt");
}

/* "authData" and the registration authenticatorData as its bytes. */
static void att_end(cw *w)
{
    cw ad = {.n = 0};
    reg_authdata(&ad, 0);
    ctext(w, "authData");
    cbytes(w, ad.b, ad.n);
}

static void span_inside(dsg_ad_span s, size_t len)
{
    ck_assert_uint_le(s.off, len);
    ck_assert_uint_le(s.len, len - s.off);
}

static void authdata_spans_inside(const dsg_authdata *a, size_t lo, size_t hi)
{
    const dsg_ad_span *all[] = {&a->rp_id_hash, &a->aaguid, &a->cred_id, &a->cred_key,
                                &a->extensions};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        ck_assert_uint_ge(all[i]->off, lo);
        span_inside(*all[i], hi);
    }
    ck_assert_uint_eq(a->extensions.off + a->extensions.len, hi);
}

static int ad_parse(const cw *w, size_t len, int require_at, dsg_authdata *a)
{
    int rc = dsg_authdata_parse(w->b, len, require_at, a);
    if (rc == DSG_AD_OK)
        authdata_spans_inside(a, 0, len);
    return rc;
}

static int att_parse(const cw *w, size_t len, dsg_attobj *o)
{
    int rc = dsg_attobj_parse(w->b, len, o);
    if (rc == DSG_AD_OK) {
        span_inside(o->fmt, len);
        span_inside(o->att_stmt, len);
        span_inside(o->auth_data, len);
        authdata_spans_inside(&o->ad, o->auth_data.off, o->auth_data.off + o->auth_data.len);
        if (o->fmt_kind == DSG_AD_FMT_PACKED) {
            span_inside(o->packed.sig, len);
            ck_assert_uint_le(o->packed.x5c_count, DSG_AD_X5C_MAX);
            for (size_t k = 0; k < o->packed.x5c_count; k++)
                span_inside(o->packed.x5c[k], len);
        }
    }
    return rc;
}

static int cose_parse(const cw *w, size_t len, dsg_ad_span *x, dsg_ad_span *y)
{
    int rc = dsg_cose_es256_parse(w->b, len, x, y);
    if (rc == DSG_AD_OK) {
        span_inside(*x, len);
        span_inside(*y, len);
        ck_assert_uint_eq(x->len, 32);
        ck_assert_uint_eq(y->len, 32);
    }
    return rc;
}

static int all_bytes(const uint8_t *p, size_t n, unsigned v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

/* ---- authenticatorData: bad input --------------------------------------------- */

/* @relation(REQ-MFA-019) */
START_TEST(test_authdata_shorter_than_header_is_truncated)
{
    cw w = {.n = 0};
    ad_header(&w, DSG_AD_FLAG_UP, 1);
    dsg_authdata a;
    for (size_t len = 0; len < DSG_AD_MIN_LEN; len++) {
        ck_assert_int_eq(ad_parse(&w, len, 0, &a), DSG_AD_E_TRUNCATED);
        ck_assert_int_eq(ad_parse(&w, len, 1, &a), DSG_AD_E_TRUNCATED);
    }
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_authdata_without_at_refuses_extra_bytes)
{
    cw w = {.n = 0};
    ad_header(&w, DSG_AD_FLAG_UP | DSG_AD_FLAG_UV, 7);
    put_byte(&w, 0xa0); /* even a valid CBOR map: ED is clear */
    dsg_authdata a;
    ck_assert_int_eq(ad_parse(&w, w.n, 0, &a), DSG_AD_E_TRAILING);
    ck_assert_int_eq(ad_parse(&w, DSG_AD_MIN_LEN, 0, &a), DSG_AD_OK);
}
END_TEST

/* @relation(REQ-MFA-019, REQ-MFA-003) */
START_TEST(test_authdata_at_required_but_clear)
{
    cw w = {.n = 0};
    ad_header(&w, DSG_AD_FLAG_UP | DSG_AD_FLAG_UV, 0);
    dsg_authdata a;
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_E_NOT_ATTESTED);
    ck_assert_int_eq(ad_parse(&w, w.n, 0, &a), DSG_AD_OK);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_authdata_truncated_at_every_length)
{
    cw w = {.n = 0};
    reg_authdata(&w, 5);
    dsg_authdata a;
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_OK);
    for (size_t len = 0; len < w.n; len++) {
        ck_assert_msg(ad_parse(&w, len, 1, &a) == DSG_AD_E_TRUNCATED, "prefix %zu", len);
        ck_assert_msg(ad_parse(&w, len, 0, &a) == DSG_AD_E_TRUNCATED, "prefix %zu", len);
    }
    /* with extensions too: every prefix that ends inside them */
    w.b[32] |= DSG_AD_FLAG_ED;
    size_t key_end = w.n;
    head(&w, 5, 1);
    ctext(&w, "credProtect");
    cint(&w, 2);
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_OK);
    for (size_t len = key_end; len < w.n; len++)
        ck_assert_msg(ad_parse(&w, len, 1, &a) == DSG_AD_E_TRUNCATED, "prefix %zu", len);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_authdata_trailing_byte_after_key)
{
    cw w = {.n = 0};
    reg_authdata(&w, 5);
    put_byte(&w, 0x00);
    dsg_authdata a;
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_E_TRAILING);
    /* and after the extensions */
    w.n--;
    w.b[32] |= DSG_AD_FLAG_ED;
    head(&w, 5, 0);
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_OK);
    put_byte(&w, 0xa0);
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_E_TRAILING);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_authdata_cred_id_length_limit)
{
    dsg_authdata a;
    /* 1023 is the most WebAuthn allows */
    cw w = {.n = 0};
    ad_header(&w, DSG_AD_FLAG_AT, 0);
    ad_cred(&w, 1023, 1023);
    good_key(&w);
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_OK);
    ck_assert_uint_eq(a.cred_id.off, 55);
    ck_assert_uint_eq(a.cred_id.len, 1023);
    /* 1024 and 0xffff are refused before any byte of the ID is read */
    w.n = 0;
    ad_header(&w, DSG_AD_FLAG_AT, 0);
    ad_cred(&w, 1024, 1024);
    good_key(&w);
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_E_CRED_ID_LENGTH);
    w.n = 0;
    ad_header(&w, DSG_AD_FLAG_AT, 0);
    ad_cred(&w, 0xffff, 0);
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_E_CRED_ID_LENGTH);
    /* a length past the end of the input */
    w.n = 0;
    ad_header(&w, DSG_AD_FLAG_AT, 0);
    ad_cred(&w, 200, 10);
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_E_TRUNCATED);
    /* a length that swallows the key leaves no key */
    w.n = 0;
    ad_header(&w, DSG_AD_FLAG_AT, 0);
    ad_cred(&w, 16 + 77, 16);
    good_key(&w);
    ck_assert_uint_eq(w.n, 55 + 16 + 77);
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_E_TRUNCATED);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_authdata_key_and_extensions_must_be_maps)
{
    dsg_authdata a;
    cw w = {.n = 0};
    ad_header(&w, DSG_AD_FLAG_AT, 0);
    ad_cred(&w, 4, 4);
    cint(&w, 2); /* an integer, not a COSE_Key */
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_E_KEY_NOT_MAP);
    w.n = 55 + 4;
    put_byte(&w, 0x1c); /* reserved additional information */
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_E_KEY_CBOR);
    w.n = 55 + 4;
    put_byte(&w, 0xbf); /* an indefinite-length map */
    put_byte(&w, 0xff);
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_E_KEY_CBOR);
    /* unsorted key parameters (3 before 1): the decoder refuses them */
    w.n = 55 + 4;
    head(&w, 5, 2);
    cint(&w, 3);
    cint(&w, -7);
    cint(&w, 1);
    cint(&w, 2);
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_E_KEY_CBOR);
    /* extensions: ED set, but an array, or nothing at all */
    w.n = 0;
    ad_header(&w, DSG_AD_FLAG_UP | DSG_AD_FLAG_ED, 0);
    ck_assert_int_eq(ad_parse(&w, w.n, 0, &a), DSG_AD_E_TRUNCATED);
    head(&w, 4, 0);
    ck_assert_int_eq(ad_parse(&w, w.n, 0, &a), DSG_AD_E_EXT_NOT_MAP);
    w.n = DSG_AD_MIN_LEN;
    put_byte(&w, 0xc0); /* a tag */
    ck_assert_int_eq(ad_parse(&w, w.n, 0, &a), DSG_AD_E_EXT_CBOR);
}
END_TEST

/* ---- authenticatorData: good input -------------------------------------------- */

/* @relation(REQ-MFA-019, REQ-MFA-003) */
START_TEST(test_authdata_header_only)
{
    cw w = {.n = 0};
    /* every flag but AT and ED, RFU bits 0x02 and 0x20 included */
    ad_header(&w, 0x3f, 0x01020304u);
    dsg_authdata a;
    ck_assert_int_eq(ad_parse(&w, w.n, 0, &a), DSG_AD_OK);
    ck_assert_uint_eq(a.flags, 0x3f);
    ck_assert_uint_eq(a.sign_count, 0x01020304u);
    ck_assert_uint_eq(a.rp_id_hash.off, 0);
    ck_assert_uint_eq(a.rp_id_hash.len, 32);
    ck_assert_uint_eq(a.aaguid.len + a.cred_id.len + a.cred_key.len + a.extensions.len, 0);
    /* the largest counter */
    w.n = 0;
    ad_header(&w, DSG_AD_FLAG_UP, 0xffffffffu);
    ck_assert_int_eq(ad_parse(&w, w.n, 0, &a), DSG_AD_OK);
    ck_assert_uint_eq(a.sign_count, 0xffffffffu);
}
END_TEST

/* @relation(REQ-MFA-019, REQ-MFA-003) */
START_TEST(test_authdata_attested_spans)
{
    cw w = {.n = 0};
    reg_authdata(&w, 0x00000102u);
    dsg_authdata a;
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_OK);
    ck_assert_uint_eq(a.flags, DSG_AD_FLAG_UP | DSG_AD_FLAG_UV | DSG_AD_FLAG_AT);
    ck_assert_uint_eq(a.sign_count, 0x102);
    ck_assert_uint_eq(a.aaguid.off, 37);
    ck_assert_uint_eq(a.aaguid.len, 16);
    ck_assert_uint_eq(w.b[a.aaguid.off], 0x40);
    ck_assert_uint_eq(w.b[a.aaguid.off + 15], 0x4f);
    ck_assert_uint_eq(a.cred_id.off, 55);
    ck_assert_uint_eq(a.cred_id.len, 16);
    ck_assert(all_bytes(w.b + a.cred_id.off, a.cred_id.len, 0xC3));
    ck_assert_uint_eq(a.cred_key.off, 71);
    ck_assert_uint_eq(a.cred_key.len, w.n - 71);
    ck_assert_uint_eq(a.extensions.len, 0);
    /* the key span parses as the ES256 key */
    dsg_ad_span x, y;
    ck_assert_int_eq(dsg_cose_es256_parse(w.b + a.cred_key.off, a.cred_key.len, &x, &y),
                     DSG_AD_OK);
    /* an empty credential ID is allowed */
    w.n = 0;
    ad_header(&w, DSG_AD_FLAG_AT, 0);
    ad_cred(&w, 0, 0);
    good_key(&w);
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_OK);
    ck_assert_uint_eq(a.cred_id.len, 0);
    ck_assert_uint_eq(a.cred_key.off, 55);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_authdata_extensions_spans)
{
    dsg_authdata a;
    /* an assertion's authenticatorData with extensions only */
    cw w = {.n = 0};
    ad_header(&w, DSG_AD_FLAG_UP | DSG_AD_FLAG_ED, 9);
    head(&w, 5, 1);
    ctext(&w, "hmac-secret");
    put_byte(&w, 0xf5);
    ck_assert_int_eq(ad_parse(&w, w.n, 0, &a), DSG_AD_OK);
    ck_assert_uint_eq(a.extensions.off, 37);
    ck_assert_uint_eq(a.extensions.len, w.n - 37);
    ck_assert_uint_eq(a.cred_key.len, 0);
    /* a registration with both */
    w.n = 0;
    reg_authdata(&w, 0);
    w.b[32] |= DSG_AD_FLAG_ED;
    size_t key_end = w.n;
    head(&w, 5, 1);
    ctext(&w, "credProtect");
    cint(&w, 2);
    ck_assert_int_eq(ad_parse(&w, w.n, 1, &a), DSG_AD_OK);
    ck_assert_uint_eq(a.cred_key.off + a.cred_key.len, key_end);
    ck_assert_uint_eq(a.extensions.off, key_end);
    ck_assert_uint_eq(a.extensions.len, w.n - key_end);
}
END_TEST

/* ---- COSE key ----------------------------------------------------------------- */

/* @relation(REQ-MFA-019, REQ-MFA-003) */
START_TEST(test_cose_wrong_parameters)
{
    dsg_ad_span x, y;
    cw w = {.n = 0};
    cose_key(&w, 3, -7, 1, 32, 32); /* kty RSA */
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_KTY);
    w.n = 0;
    cose_key(&w, 1, -7, 1, 32, 32); /* kty OKP */
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_KTY);
    w.n = 0;
    cose_key(&w, 2, -8, 1, 32, 32); /* EdDSA */
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_ALG);
    w.n = 0;
    cose_key(&w, 2, -257, 1, 32, 32); /* RS256 */
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_ALG);
    w.n = 0;
    cose_key(&w, 2, -7, 2, 32, 32); /* P-384 */
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_CRV);
    w.n = 0;
    cose_key(&w, 2, -7, 1, 31, 32);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_COORD);
    w.n = 0;
    cose_key(&w, 2, -7, 1, 33, 32);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_COORD);
    w.n = 0;
    cose_key(&w, 2, -7, 1, 32, 31);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_COORD);
    w.n = 0;
    cose_key(&w, 2, -7, 1, 32, 33);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_COORD);
    /* kty as text "EC2" */
    w.n = 0;
    head(&w, 5, 5);
    cint(&w, 1);
    ctext(&w, "EC2");
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_CBOR); /* truncated map */
    cint(&w, 3);
    cint(&w, -7);
    cint(&w, -1);
    cint(&w, 1);
    cint(&w, -2);
    cbytes_fill(&w, 32, 1);
    cint(&w, -3);
    cbytes_fill(&w, 32, 2);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_KTY);
    /* x as a text string of 32 characters */
    w.n = 0;
    head(&w, 5, 5);
    cint(&w, 1);
    cint(&w, 2);
    cint(&w, 3);
    cint(&w, -7);
    cint(&w, -1);
    cint(&w, 1);
    cint(&w, -2);
    ctext(&w, "0123456789abcdef0123456789abcdef");
    cint(&w, -3);
    cbytes_fill(&w, 32, 2);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_COORD);
}
END_TEST

/* @relation(REQ-MFA-019, REQ-MFA-003) */
START_TEST(test_cose_missing_and_extra_parameters)
{
    dsg_ad_span x, y;
    cw w = {.n = 0};
    /* no y */
    head(&w, 5, 4);
    cint(&w, 1);
    cint(&w, 2);
    cint(&w, 3);
    cint(&w, -7);
    cint(&w, -1);
    cint(&w, 1);
    cint(&w, -2);
    cbytes_fill(&w, 32, 1);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_MISSING);
    /* no kty */
    w.n = 0;
    head(&w, 5, 4);
    cint(&w, 3);
    cint(&w, -7);
    cint(&w, -1);
    cint(&w, 1);
    cint(&w, -2);
    cbytes_fill(&w, 32, 1);
    cint(&w, -3);
    cbytes_fill(&w, 32, 2);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_MISSING);
    /* a kid (2), in its canonical place between kty and alg */
    w.n = 0;
    head(&w, 5, 6);
    cint(&w, 1);
    cint(&w, 2);
    cint(&w, 2);
    cbytes_fill(&w, 4, 9);
    cint(&w, 3);
    cint(&w, -7);
    cint(&w, -1);
    cint(&w, 1);
    cint(&w, -2);
    cbytes_fill(&w, 32, 1);
    cint(&w, -3);
    cbytes_fill(&w, 32, 2);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_EXTRA_KEY);
    /* d (-4): a private key is refused too */
    w.n = 0;
    head(&w, 5, 6);
    cint(&w, 1);
    cint(&w, 2);
    cint(&w, 3);
    cint(&w, -7);
    cint(&w, -1);
    cint(&w, 1);
    cint(&w, -2);
    cbytes_fill(&w, 32, 1);
    cint(&w, -3);
    cbytes_fill(&w, 32, 2);
    cint(&w, -4);
    cbytes_fill(&w, 32, 3);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_EXTRA_KEY);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cose_malformed_cbor)
{
    dsg_ad_span x, y;
    cw w = {.n = 0};
    ck_assert_int_eq(cose_parse(&w, 0, &x, &y), DSG_AD_E_COSE_CBOR);
    good_key(&w);
    for (size_t len = 0; len < w.n; len++)
        ck_assert_msg(cose_parse(&w, len, &x, &y) == DSG_AD_E_COSE_CBOR, "prefix %zu", len);
    put_byte(&w, 0);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_TRAILING);
    /* alg before kty: unsorted */
    w.n = 0;
    head(&w, 5, 5);
    cint(&w, 3);
    cint(&w, -7);
    cint(&w, 1);
    cint(&w, 2);
    cint(&w, -1);
    cint(&w, 1);
    cint(&w, -2);
    cbytes_fill(&w, 32, 1);
    cint(&w, -3);
    cbytes_fill(&w, 32, 2);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_CBOR);
    /* kty twice */
    w.n = 0;
    head(&w, 5, 6);
    cint(&w, 1);
    cint(&w, 2);
    cint(&w, 1);
    cint(&w, 2);
    cint(&w, 3);
    cint(&w, -7);
    cint(&w, -1);
    cint(&w, 1);
    cint(&w, -2);
    cbytes_fill(&w, 32, 1);
    cint(&w, -3);
    cbytes_fill(&w, 32, 2);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_CBOR);
    /* an array, not a map */
    w.n = 0;
    head(&w, 4, 1);
    cint(&w, 2);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_E_COSE_NOT_MAP);
}
END_TEST

/* @relation(REQ-MFA-019, REQ-MFA-003) */
START_TEST(test_cose_es256_key)
{
    dsg_ad_span x, y;
    cw w = {.n = 0};
    good_key(&w);
    ck_assert_int_eq(cose_parse(&w, w.n, &x, &y), DSG_AD_OK);
    ck_assert(all_bytes(w.b + x.off, 32, 0xA1));
    ck_assert(all_bytes(w.b + y.off, 32, 0xB2));
    ck_assert_uint_eq(y.off + 32, w.n);
}
END_TEST

/* ---- attestation object ------------------------------------------------------- */

/* @relation(REQ-MFA-019) */
START_TEST(test_attobj_truncated_at_every_length)
{
    dsg_attobj o;
    cw w = {.n = 0};
    att_begin(&w, "packed");
    head(&w, 5, 3);
    ctext(&w, "alg");
    cint(&w, -7);
    ctext(&w, "sig");
    cbytes_fill(&w, 71, 0x30);
    ctext(&w, "x5c");
    head(&w, 4, 1);
    cbytes_fill(&w, 300, 0x31);
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_OK);
    for (size_t len = 0; len < w.n; len++)
        ck_assert_msg(att_parse(&w, len, &o) == DSG_AD_E_ATT_CBOR, "prefix %zu", len);
    put_byte(&w, 0xa0);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_TRAILING);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_attobj_keys_exactly_three)
{
    dsg_attobj o;
    cw w = {.n = 0};
    /* a fourth key, in its canonical place */
    head(&w, 5, 4);
    ctext(&w, "fmt");
    ctext(&w, "none");
    ctext(&w, "epAtt");
    put_byte(&w, 0xf5);
    ctext(&w, "attStmt");
    head(&w, 5, 0);
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_ATT_KEYS);
    /* authData missing */
    w.n = 0;
    head(&w, 5, 2);
    ctext(&w, "fmt");
    ctext(&w, "none");
    ctext(&w, "attStmt");
    head(&w, 5, 0);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_ATT_KEYS);
    /* three keys, one of them misspelt */
    w.n = 0;
    att_begin(&w, "none");
    head(&w, 5, 0);
    cw ad = {.n = 0};
    reg_authdata(&ad, 0);
    ctext(&w, "authDatb");
    cbytes(&w, ad.b, ad.n);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_ATT_KEYS);
    /* not a map */
    w.n = 0;
    head(&w, 4, 0);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_ATT_NOT_MAP);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_attobj_unsorted_or_duplicate_keys)
{
    dsg_attobj o;
    cw ad = {.n = 0};
    reg_authdata(&ad, 0);
    cw w = {.n = 0};
    /* "attStmt" before "fmt": the order of the text, not CTAP2's */
    head(&w, 5, 3);
    ctext(&w, "attStmt");
    head(&w, 5, 0);
    ctext(&w, "fmt");
    ctext(&w, "none");
    ctext(&w, "authData");
    cbytes(&w, ad.b, ad.n);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_ATT_CBOR);
    /* "fmt" twice */
    w.n = 0;
    head(&w, 5, 3);
    ctext(&w, "fmt");
    ctext(&w, "none");
    ctext(&w, "fmt");
    ctext(&w, "none");
    ctext(&w, "authData");
    cbytes(&w, ad.b, ad.n);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_ATT_CBOR);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_attobj_value_types)
{
    dsg_attobj o;
    cw ad = {.n = 0};
    reg_authdata(&ad, 0);
    /* fmt as bytes */
    cw w = {.n = 0};
    head(&w, 5, 3);
    ctext(&w, "fmt");
    cbytes(&w, (const uint8_t *)"none", 4);
    ctext(&w, "attStmt");
    head(&w, 5, 0);
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_FMT_TYPE);
    /* attStmt as an array */
    w.n = 0;
    att_begin(&w, "none");
    head(&w, 4, 0);
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_STMT_TYPE);
    /* authData as text */
    w.n = 0;
    att_begin(&w, "none");
    head(&w, 5, 0);
    ctext(&w, "authData");
    ctext(&w, "not bytes");
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_AUTHDATA_TYPE);
    /* authData without attested credential data */
    w.n = 0;
    att_begin(&w, "none");
    head(&w, 5, 0);
    ctext(&w, "authData");
    cw bare = {.n = 0};
    ad_header(&bare, DSG_AD_FLAG_UP | DSG_AD_FLAG_UV, 0);
    cbytes(&w, bare.b, bare.n);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_NOT_ATTESTED);
    /* authData with a trailing byte inside the byte string */
    w.n = 0;
    att_begin(&w, "none");
    head(&w, 5, 0);
    ctext(&w, "authData");
    ad.b[ad.n++] = 0;
    cbytes(&w, ad.b, ad.n);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_TRAILING);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_attobj_none_statement_must_be_empty)
{
    dsg_attobj o;
    cw w = {.n = 0};
    att_begin(&w, "none");
    head(&w, 5, 1);
    ctext(&w, "alg");
    cint(&w, -7);
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_NONE_STMT);
}
END_TEST

/* A packed statement with the given pieces (alg, sig, x5c of ncerts). */
static void packed(cw *w, int with_alg, int with_sig, int ncerts)
{
    att_begin(w, "packed");
    head(w, 5, (uint64_t)(!!with_alg + !!with_sig + (ncerts >= 0)));
    if (with_alg) {
        ctext(w, "alg");
        cint(w, -7);
    }
    if (with_sig) {
        ctext(w, "sig");
        cbytes_fill(w, 70, 0x30);
    }
    if (ncerts >= 0) {
        ctext(w, "x5c");
        head(w, 4, (uint64_t)ncerts);
        for (int k = 0; k < ncerts; k++)
            cbytes_fill(w, 100 + (size_t)k, 0x50 + (unsigned)k);
    }
    att_end(w);
}

/* @relation(REQ-MFA-019, REQ-MFA-003) */
START_TEST(test_attobj_packed_statement_errors)
{
    dsg_attobj o;
    cw w = {.n = 0};
    packed(&w, 0, 1, -1);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_PACKED_ALG);
    w.n = 0;
    packed(&w, 1, 0, -1);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_PACKED_SIG);
    w.n = 0;
    packed(&w, 1, 1, 0);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_PACKED_X5C);
    w.n = 0;
    packed(&w, 1, 1, (int)DSG_AD_X5C_MAX + 1);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_PACKED_X5C);
    /* alg as text, sig as text, x5c a byte string, a text certificate */
    w.n = 0;
    att_begin(&w, "packed");
    head(&w, 5, 2);
    ctext(&w, "alg");
    ctext(&w, "ES256");
    ctext(&w, "sig");
    cbytes_fill(&w, 8, 1);
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_PACKED_ALG);
    w.n = 0;
    att_begin(&w, "packed");
    head(&w, 5, 2);
    ctext(&w, "alg");
    cint(&w, -7);
    ctext(&w, "sig");
    ctext(&w, "signature");
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_PACKED_SIG);
    w.n = 0;
    att_begin(&w, "packed");
    head(&w, 5, 3);
    ctext(&w, "alg");
    cint(&w, -7);
    ctext(&w, "sig");
    cbytes_fill(&w, 8, 1);
    ctext(&w, "x5c");
    cbytes_fill(&w, 8, 2);
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_PACKED_X5C);
    w.n = 0;
    att_begin(&w, "packed");
    head(&w, 5, 3);
    ctext(&w, "alg");
    cint(&w, -7);
    ctext(&w, "sig");
    cbytes_fill(&w, 8, 1);
    ctext(&w, "x5c");
    head(&w, 4, 2);
    cbytes_fill(&w, 8, 2);
    ctext(&w, "cert");
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_PACKED_X5C);
    /* an extra key: ECDAA's ecdaaKeyId, dropped from WebAuthn Level 2 */
    w.n = 0;
    att_begin(&w, "packed");
    head(&w, 5, 3);
    ctext(&w, "alg");
    cint(&w, -7);
    ctext(&w, "sig");
    cbytes_fill(&w, 8, 1);
    ctext(&w, "ecdaaKeyId");
    cbytes_fill(&w, 8, 2);
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_E_PACKED_KEYS);
}
END_TEST

/* @relation(REQ-MFA-019, REQ-MFA-003) */
START_TEST(test_attobj_none)
{
    dsg_attobj o;
    cw w = {.n = 0};
    att_begin(&w, "none");
    size_t stmt_at = w.n;
    head(&w, 5, 0);
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_OK);
    ck_assert_int_eq(o.fmt_kind, DSG_AD_FMT_NONE);
    ck_assert_uint_eq(o.fmt.len, 4);
    ck_assert_mem_eq(w.b + o.fmt.off, "none", 4);
    ck_assert_uint_eq(o.att_stmt.off, stmt_at);
    ck_assert_uint_eq(o.att_stmt.len, 1);
    ck_assert_uint_eq(o.packed.x5c_count, 0);
    /* authData: the byte string's contents, its spans absolute */
    ck_assert_uint_eq(o.auth_data.off + o.auth_data.len, w.n);
    ck_assert_uint_eq(o.ad.rp_id_hash.off, o.auth_data.off);
    ck_assert_uint_eq(o.ad.aaguid.off, o.auth_data.off + 37);
    ck_assert_uint_eq(w.b[o.ad.aaguid.off], 0x40);
    ck_assert_uint_eq(o.ad.flags, DSG_AD_FLAG_UP | DSG_AD_FLAG_UV | DSG_AD_FLAG_AT);
    dsg_ad_span x, y;
    ck_assert_int_eq(dsg_cose_es256_parse(w.b + o.ad.cred_key.off, o.ad.cred_key.len, &x, &y),
                     DSG_AD_OK);
    ck_assert(all_bytes(w.b + o.ad.cred_key.off + x.off, 32, 0xA1));
}
END_TEST

/* A packed self attestation laid out as a platform authenticator sends
 * it: {"fmt": "packed", "attStmt": {"alg": -7, "sig": <DER ECDSA
 * signature>}, "authData": <rpIdHash, UP|UV|AT, counter 0, AAGUID,
 * a 32-byte credential ID, the ES256 key>}, written out in hex. */
/* @relation(REQ-MFA-019, REQ-MFA-003) */
START_TEST(test_attobj_packed_self_attestation_bytes)
{
    static const char hex[] =
        "a3" "63666d74" "667061636b6564"                       /* "fmt": "packed" */
        "67617474 53746d74" "a2"                                /* "attStmt": {2} */
        "63616c67" "26"                                         /* "alg": -7 */
        "63736967" "5846"                                       /* "sig": bytes(70) */
        "3044022079c5b6b8d3c3e5c1f2a09e5b6d3b1f4c7e2a8d9f0b1c3e5d7f9a0b2c4d6e8f0a"
        "022041f1c5e3d2b4a6978899aabbccddeeff00112233445566778899aabbccddeeff"
        "68617574 6844617461" "58a4"                            /* "authData": bytes(164) */
        "49960de5880e8c687434170f6476605b8fe4aeb9a28632c7995cf3ba831d9763" /* rpIdHash */
        "45" "00000000"                                         /* UP UV AT, counter 0 */
        "adce000235bcc60a648b0b25f1f05503"                      /* AAGUID */
        "0020"                                                  /* credentialIdLength 32 */
        "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
        "a5 01 02 03 26 20 01 21 5820"
        "1c5f1a7b6e0b2d3f4e5d6c7b8a9f0e1d2c3b4a5968778695a4b3c2d1e0f1a2b3"
        "22 5820"
        "a0b1c2d3e4f5061728394a5b6c7d8e9fa0b1c2d3e4f5061728394a5b6c7d8e9f";
    cw w = {.n = 0};
    for (const char *p = hex; *p != '\0';) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        ck_assert_int_eq(sscanf(p, "%2x", &v), 1);
        put_byte(&w, v);
        p += 2;
    }
    dsg_attobj o;
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_OK);
    ck_assert_int_eq(o.fmt_kind, DSG_AD_FMT_PACKED);
    ck_assert_int_eq(o.packed.alg, -7);
    ck_assert_uint_eq(o.packed.sig.len, 70);
    ck_assert_uint_eq(w.b[o.packed.sig.off], 0x30);
    ck_assert_uint_eq(o.packed.x5c_count, 0);
    ck_assert_uint_eq(o.auth_data.len, 164);
    ck_assert_uint_eq(o.ad.sign_count, 0);
    ck_assert_uint_eq(o.ad.aaguid.len, 16);
    ck_assert_uint_eq(w.b[o.ad.aaguid.off], 0xad);
    ck_assert_uint_eq(o.ad.cred_id.len, 32);
    ck_assert_uint_eq(w.b[o.ad.cred_id.off + 31], 0x20);
    ck_assert_uint_eq(o.ad.cred_key.off + o.ad.cred_key.len, w.n);
    dsg_ad_span x, y;
    ck_assert_int_eq(dsg_cose_es256_parse(w.b + o.ad.cred_key.off, o.ad.cred_key.len, &x, &y),
                     DSG_AD_OK);
    ck_assert_uint_eq(w.b[o.ad.cred_key.off + x.off], 0x1c);
    ck_assert_uint_eq(w.b[o.ad.cred_key.off + y.off + 31], 0x9f);
}
END_TEST

/* @relation(REQ-MFA-019, REQ-MFA-003) */
START_TEST(test_attobj_packed_with_x5c)
{
    dsg_attobj o;
    for (int n = 1; n <= (int)DSG_AD_X5C_MAX; n++) {
        cw w = {.n = 0};
        packed(&w, 1, 1, n);
        ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_OK);
        ck_assert_int_eq(o.fmt_kind, DSG_AD_FMT_PACKED);
        ck_assert_int_eq(o.packed.alg, -7);
        ck_assert_uint_eq(o.packed.sig.len, 70);
        ck_assert(all_bytes(w.b + o.packed.sig.off, 70, 0x30));
        ck_assert_uint_eq(o.packed.x5c_count, (size_t)n);
        for (int k = 0; k < n; k++) {
            ck_assert_uint_eq(o.packed.x5c[k].len, 100 + (size_t)k);
            ck_assert(all_bytes(w.b + o.packed.x5c[k].off, o.packed.x5c[k].len, 0x50 + (unsigned)k));
        }
    }
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_attobj_other_format_is_reported)
{
    dsg_attobj o;
    cw w = {.n = 0};
    att_begin(&w, "tpm");
    head(&w, 5, 2);
    ctext(&w, "alg");
    cint(&w, -257);
    ctext(&w, "ver");
    ctext(&w, "2.0");
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_OK);
    ck_assert_int_eq(o.fmt_kind, DSG_AD_FMT_OTHER);
    ck_assert_mem_eq(w.b + o.fmt.off, "tpm", 3);
    /* "packe" and "packed2" are other formats, not packed */
    w.n = 0;
    att_begin(&w, "packe");
    head(&w, 5, 0);
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_OK);
    ck_assert_int_eq(o.fmt_kind, DSG_AD_FMT_OTHER);
    w.n = 0;
    att_begin(&w, "nonf");
    head(&w, 5, 0);
    att_end(&w);
    ck_assert_int_eq(att_parse(&w, w.n, &o), DSG_AD_OK);
    ck_assert_int_eq(o.fmt_kind, DSG_AD_FMT_OTHER);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_authdata_error_tokens)
{
    ck_assert_str_eq(dsg_authdata_error_token(DSG_AD_OK), "ok");
    ck_assert_str_eq(dsg_authdata_error_token(DSG_AD_E_COSE_CRV), "cose-crv");
    ck_assert_str_eq(dsg_authdata_error_token(DSG_AD_E_TRAILING), "trailing-bytes");
    ck_assert_str_eq(dsg_authdata_error_token(-1), "unknown");
    ck_assert_str_eq(dsg_authdata_error_token(DSG_AD_E_COSE_EXTRA_KEY + 1), "unknown");
    for (int a = DSG_AD_OK; a <= DSG_AD_E_COSE_EXTRA_KEY; a++) {
        ck_assert_str_ne(dsg_authdata_error_token(a), "unknown");
        for (int b = a + 1; b <= DSG_AD_E_COSE_EXTRA_KEY; b++)
            ck_assert_str_ne(dsg_authdata_error_token(a), dsg_authdata_error_token(b));
    }
}
END_TEST

Suite *suite_authdata(void)
{
    Suite *s = suite_create("authdata");
    TCase *bad = tcase_create("bad");
    tcase_add_test(bad, test_authdata_shorter_than_header_is_truncated);
    tcase_add_test(bad, test_authdata_without_at_refuses_extra_bytes);
    tcase_add_test(bad, test_authdata_at_required_but_clear);
    tcase_add_test(bad, test_authdata_truncated_at_every_length);
    tcase_add_test(bad, test_authdata_trailing_byte_after_key);
    tcase_add_test(bad, test_authdata_cred_id_length_limit);
    tcase_add_test(bad, test_authdata_key_and_extensions_must_be_maps);
    tcase_add_test(bad, test_cose_wrong_parameters);
    tcase_add_test(bad, test_cose_missing_and_extra_parameters);
    tcase_add_test(bad, test_cose_malformed_cbor);
    tcase_add_test(bad, test_attobj_truncated_at_every_length);
    tcase_add_test(bad, test_attobj_keys_exactly_three);
    tcase_add_test(bad, test_attobj_unsorted_or_duplicate_keys);
    tcase_add_test(bad, test_attobj_value_types);
    tcase_add_test(bad, test_attobj_none_statement_must_be_empty);
    tcase_add_test(bad, test_attobj_packed_statement_errors);
    suite_add_tcase(s, bad);
    TCase *good = tcase_create("good");
    tcase_add_test(good, test_authdata_header_only);
    tcase_add_test(good, test_authdata_attested_spans);
    tcase_add_test(good, test_authdata_extensions_spans);
    tcase_add_test(good, test_cose_es256_key);
    tcase_add_test(good, test_attobj_none);
    tcase_add_test(good, test_attobj_packed_self_attestation_bytes);
    tcase_add_test(good, test_attobj_packed_with_x5c);
    tcase_add_test(good, test_attobj_other_format_is_reported);
    tcase_add_test(good, test_authdata_error_tokens);
    suite_add_tcase(s, good);
    return s;
}
