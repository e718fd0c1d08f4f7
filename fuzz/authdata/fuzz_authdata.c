/*
 * libFuzzer harness for the WebAuthn parsers (src/auth/authdata.h).
 *
 * Input: one selector byte, then the bytes to parse:
 * - selector % 4 == 0: authenticatorData, require_at = 0;
 * - 1: authenticatorData, require_at = 1;
 * - 2: an attestation object;
 * - 3: a COSE key.
 * Every input is also fed to the other entry points, so each seed reaches
 * all of them.
 *
 * The contracts at run time: a result that is OK or a named error; on OK
 * every span inside the input, the flags and counter equal to the bytes,
 * the authenticatorData layout of WebAuthn L2 §6.1 recomputed here from
 * the bytes (spans contiguous, the extensions ending the input), the
 * attestation object's authData re-parsed on its own to the same result
 * (offsets shifted), and the COSE coordinates 32 bytes each; parsing the
 * same bytes twice gives the same answer. abort() on any disagreement.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/authdata.h"

/* @relation(REQ-MFA-019) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

static void check_code(int rc)
{
    CHECK(rc >= DSG_AD_OK && rc <= DSG_AD_E_COSE_EXTRA_KEY);
    CHECK(strcmp(dsg_authdata_error_token(rc), "unknown") != 0);
}

static void check_span(dsg_ad_span s, size_t lo, size_t hi)
{
    CHECK(s.off >= lo && s.off <= hi && s.len <= hi - s.off);
}

/* The layout of an accepted authenticatorData buf[base .. end). */
static void check_authdata(const uint8_t *buf, size_t base, size_t end, const dsg_authdata *a)
{
    CHECK(end - base >= DSG_AD_MIN_LEN);
    const uint8_t *p = buf + base;
    CHECK(a->flags == p[32]);
    uint32_t count = ((uint32_t)p[33] << 24) | ((uint32_t)p[34] << 16) |
                     ((uint32_t)p[35] << 8) | (uint32_t)p[36];
    CHECK(a->sign_count == count);
    CHECK(a->rp_id_hash.off == base && a->rp_id_hash.len == 32);
    check_span(a->aaguid, base, end);
    check_span(a->cred_id, base, end);
    check_span(a->cred_key, base, end);
    check_span(a->extensions, base, end);
    if (a->flags & DSG_AD_FLAG_AT) {
        CHECK(a->aaguid.off == base + 37 && a->aaguid.len == 16);
        size_t id_len = ((size_t)p[53] << 8) | p[54];
        CHECK(id_len <= DSG_AD_CRED_ID_MAX);
        CHECK(a->cred_id.off == base + 55 && a->cred_id.len == id_len);
        CHECK(a->cred_key.off == a->cred_id.off + id_len && a->cred_key.len > 0);
        CHECK(buf[a->cred_key.off] >> 5 == 5); /* a map */
        CHECK(a->extensions.off == a->cred_key.off + a->cred_key.len);
    } else {
        CHECK(a->aaguid.len == 0 && a->cred_id.len == 0 && a->cred_key.len == 0);
        CHECK(a->extensions.off == base + 37);
    }
    if (a->flags & DSG_AD_FLAG_ED) {
        CHECK(a->extensions.len > 0);
        CHECK(buf[a->extensions.off] >> 5 == 5);
    } else {
        CHECK(a->extensions.len == 0);
    }
    CHECK(a->extensions.off + a->extensions.len == end);
}

static void fuzz_authdata(const uint8_t *buf, size_t len, int require_at)
{
    dsg_authdata a, b;
    int rc = dsg_authdata_parse(buf, len, require_at, &a);
    check_code(rc);
    CHECK(dsg_authdata_parse(buf, len, require_at, &b) == rc);
    if (len < DSG_AD_MIN_LEN)
        CHECK(rc == DSG_AD_E_TRUNCATED);
    if (rc != DSG_AD_OK)
        return;
    check_authdata(buf, 0, len, &a);
    CHECK(!require_at || (a.flags & DSG_AD_FLAG_AT));
    /* the same answer twice (field by field: the struct has padding) */
    CHECK(a.flags == b.flags && a.sign_count == b.sign_count);
    CHECK(a.cred_key.off == b.cred_key.off && a.cred_key.len == b.cred_key.len);
    CHECK(a.extensions.off == b.extensions.off && a.extensions.len == b.extensions.len);
    if (a.cred_key.len > 0) {
        dsg_ad_span x, y;
        int k = dsg_cose_es256_parse(buf + a.cred_key.off, a.cred_key.len, &x, &y);
        check_code(k);
        CHECK(k != DSG_AD_E_TRAILING); /* the key span is exactly one item */
    }
}

static void fuzz_attobj(const uint8_t *buf, size_t len)
{
    dsg_attobj o;
    int rc = dsg_attobj_parse(buf, len, &o);
    check_code(rc);
    if (rc != DSG_AD_OK)
        return;
    check_span(o.fmt, 0, len);
    check_span(o.att_stmt, 0, len);
    CHECK(o.att_stmt.len > 0 && buf[o.att_stmt.off] >> 5 == 5);
    check_span(o.auth_data, 0, len);
    check_authdata(buf, o.auth_data.off, o.auth_data.off + o.auth_data.len, &o.ad);
    CHECK(o.ad.flags & DSG_AD_FLAG_AT);
    switch (o.fmt_kind) {
    case DSG_AD_FMT_NONE:
        CHECK(o.fmt.len == 4 && memcmp(buf + o.fmt.off, "none", 4) == 0);
        CHECK(o.att_stmt.len == 1);
        break;
    case DSG_AD_FMT_PACKED:
        CHECK(o.fmt.len == 6 && memcmp(buf + o.fmt.off, "packed", 6) == 0);
        check_span(o.packed.sig, 0, len);
        CHECK(o.packed.x5c_count <= DSG_AD_X5C_MAX);
        for (size_t k = 0; k < o.packed.x5c_count; k++)
            check_span(o.packed.x5c[k], o.att_stmt.off, o.att_stmt.off + o.att_stmt.len);
        check_span(o.packed.sig, o.att_stmt.off, o.att_stmt.off + o.att_stmt.len);
        break;
    case DSG_AD_FMT_OTHER:
        CHECK(!(o.fmt.len == 4 && memcmp(buf + o.fmt.off, "none", 4) == 0));
        CHECK(!(o.fmt.len == 6 && memcmp(buf + o.fmt.off, "packed", 6) == 0));
        break;
    default:
        abort();
    }
    /* the authData alone parses to the same layout, shifted */
    dsg_authdata alone;
    CHECK(dsg_authdata_parse(buf + o.auth_data.off, o.auth_data.len, 1, &alone) == DSG_AD_OK);
    size_t d = o.auth_data.off;
    CHECK(alone.flags == o.ad.flags && alone.sign_count == o.ad.sign_count);
    CHECK(alone.cred_id.off + d == o.ad.cred_id.off && alone.cred_id.len == o.ad.cred_id.len);
    CHECK(alone.cred_key.off + d == o.ad.cred_key.off && alone.cred_key.len == o.ad.cred_key.len);
    CHECK(alone.extensions.off + d == o.ad.extensions.off &&
          alone.extensions.len == o.ad.extensions.len);
}

static void fuzz_cose(const uint8_t *buf, size_t len)
{
    dsg_ad_span x, y;
    int rc = dsg_cose_es256_parse(buf, len, &x, &y);
    check_code(rc);
    if (rc != DSG_AD_OK)
        return;
    check_span(x, 0, len);
    check_span(y, 0, len);
    CHECK(x.len == DSG_COSE_COORD_LEN && y.len == DSG_COSE_COORD_LEN);
    CHECK(x.off + x.len <= y.off); /* x (-2) sorts before y (-3) */
    CHECK(buf[0] == 0xa5);         /* exactly five parameters */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0] % 4u;
    const uint8_t *buf = data + 1;
    size_t len = size - 1;
    /* a copy of exactly len bytes, so that ASan sees any read past it */
    uint8_t *copy = malloc(len > 0 ? len : 1);
    CHECK(copy != NULL);
    if (len > 0)
        memcpy(copy, buf, len);
    switch (sel) {
    case 0:
    case 1:
        fuzz_authdata(copy, len, (int)sel);
        fuzz_attobj(copy, len);
        break;
    case 2:
        fuzz_attobj(copy, len);
        fuzz_cose(copy, len);
        break;
    default:
        fuzz_cose(copy, len);
        fuzz_authdata(copy, len, 0);
        break;
    }
    free(copy);
    return 0;
}
