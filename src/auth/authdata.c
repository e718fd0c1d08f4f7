/*
 * WebAuthn authenticatorData, attestation object and ES256 COSE key
 * parsers (src/auth/authdata.h): REQ-MFA-019, for REQ-MFA-003/-004.
 *
 * Every function works on absolute offsets into the caller's buffer, so
 * the authData inside an attestation object is parsed in place and its
 * spans are spans of the object. CBOR items are decoded by
 * dsg_cbor_decode into small token arrays on the stack; every token field
 * used to make a span is checked against the bounds here again, so a span
 * never leaves the input whatever the tokens hold.
 */
#include "auth/authdata.h"

/* ---- small readers ------------------------------------------------------------ */

/*@ requires \valid_read(b + (i .. i + 1)) && i <= SIZE_MAX - 2;
    assigns \nothing;
    ensures \result == dsg_ad_be16(b, i);
*/
static size_t be16_at(const uint8_t *b, size_t i)
{
    return (size_t)b[i] * 256u + b[i + 1];
}

/*@ requires \valid_read(b + (i .. i + 3)) && i <= SIZE_MAX - 4;
    assigns \nothing;
    ensures \result == dsg_ad_be32(b, i);
*/
static uint32_t be32_at(const uint8_t *b, size_t i)
{
    return (uint32_t)b[i] * 16777216u + (uint32_t)b[i + 1] * 65536u + (uint32_t)b[i + 2] * 256u +
           (uint32_t)b[i + 3];
}

/*@ requires \valid(s);
    assigns *s;
    ensures dsg_ad_span_is(*s, off, n);
*/
static void set_span(dsg_ad_span *s, size_t off, size_t n)
{
    s->off = off;
    s->len = n;
}

/* Whether flags has the bit set (bit a power of two): the test is
 * written arithmetically, as dsg_ad_has is, so that the provers need no
 * bitwise reasoning. */
/*@ requires bit == DSG_AD_FLAG_AT || bit == DSG_AD_FLAG_ED;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ad_has(flags, bit);
*/
static int flag_set(uint8_t flags, unsigned bit)
{
    return (flags / bit) % 2u == 1u;
}

/* The payload of the string token *t of an item decoded from buf[base ..
 * end): its span, when the token's fields lie within the item. */
/*@ requires \valid_read(t) && \valid(out) && base <= end;
    assigns *out;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> dsg_ad_span_in(*out, base, end);
*/
static int payload_span(const dsg_cbor_tok *t, size_t base, size_t end, dsg_ad_span *out)
{
    size_t room = end - base;
    if (t->start > room || t->len > room - t->start || t->head > t->len)
        return 0;
    set_span(out, base + t->start + t->head, t->len - t->head);
    return 1;
}

/* buf[s.off .. s.off + s.len) equals lit[0 .. n). */
/*@ requires \valid_read(buf + (s.off .. s.off + s.len - 1)) && \valid_read(lit + (0 .. n - 1));
    requires s.off + s.len <= SIZE_MAX;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> s.len == n;
*/
static int span_equals(const uint8_t *buf, dsg_ad_span s, const uint8_t *lit, size_t n)
{
    if (s.len != n)
        return 0;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        if (buf[s.off + i] != lit[i])
            return 0;
    return 1;
}

/* dsg_cbor_decode with only what this module uses of its result: the
 * item's length and the token count within the bounds (a small context
 * for the callers' proofs). */
/*@ requires \valid_read(buf + (0 .. len - 1));
    requires \valid(toks + (0 .. cap - 1)) && \valid(ntoks) && \valid(eaten);
    requires \separated(toks + (0 .. cap - 1), buf + (0 .. len - 1), ntoks, eaten);
    assigns toks[0 .. cap - 1], *ntoks, *eaten;
    ensures \result == DSG_CBOR_OK || dsg_cbor_decode_error(\result);
    ensures \result == DSG_CBOR_OK ==> 0 < *eaten <= len && 1 <= *ntoks <= cap;
*/
static int decode_item(const uint8_t *buf, size_t len, uint32_t max_depth, dsg_cbor_tok *toks,
                       size_t cap, size_t *ntoks, size_t *eaten)
{
    size_t at;
    return dsg_cbor_decode(buf, len, max_depth, toks, cap, ntoks, eaten, &at);
}

/* ---- authenticatorData ---------------------------------------------------------- */

/* One CBOR map at buf[pos .. end): its encoded length in *eaten. bad is
 * the error for anything but a map or a cut-short item (truncated). */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(eaten) && pos < end;
    requires \separated(eaten, buf + (0 .. end - 1));
    requires bad != DSG_AD_OK && not_map != DSG_AD_OK;
    assigns *eaten;
    ensures \result == DSG_AD_OK || \result == DSG_AD_E_TRUNCATED || \result == bad ||
            \result == not_map;
    ensures \result == DSG_AD_OK ==> 0 < *eaten <= end - pos;
*/
static int cbor_map_at(const uint8_t *buf, size_t pos, size_t end, int bad, int not_map,
                       size_t *eaten)
{
    dsg_cbor_tok toks[DSG_AD_ITEM_TOKENS];
    size_t n, len;
    int rc = decode_item(buf + pos, end - pos, DSG_AD_ITEM_DEPTH, toks, DSG_AD_ITEM_TOKENS, &n,
                         &len);
    if (rc == DSG_CBOR_E_TRUNCATED)
        return DSG_AD_E_TRUNCATED;
    if (rc != DSG_CBOR_OK)
        return bad;
    if (toks[0].type != DSG_CBOR_MAP)
        return not_map;
    *eaten = len;
    return DSG_AD_OK;
}

/* The attested credential data at buf[base + 37 .. end), AT set: the
 * spans of a up to the key; the extensions' offset where the key ends. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(a);
    requires \separated(a, buf + (0 .. end - 1));
    requires base + DSG_AD_MIN_LEN <= end;
    assigns a->aaguid, a->cred_id, a->cred_key, a->extensions.off;
    ensures \result == DSG_AD_OK || dsg_ad_error(\result);
    ensures \result == DSG_AD_OK ==>
              dsg_ad_attested_ok(buf, base, a) && a->extensions.off <= end;
*/
static int parse_attested(const uint8_t *buf, size_t base, size_t end, dsg_authdata *a)
{
    size_t pos = base + DSG_AD_MIN_LEN;
    if (end - pos < 18u)
        return DSG_AD_E_TRUNCATED;
    size_t id_len = be16_at(buf, pos + 16u);
    if (id_len > DSG_AD_CRED_ID_MAX)
        return DSG_AD_E_CRED_ID_LENGTH;
    pos += 18u;
    if (end - pos <= id_len)
        return DSG_AD_E_TRUNCATED; /* the ID cut short, or no key after it */
    set_span(&a->aaguid, base + DSG_AD_MIN_LEN, 16u);
    set_span(&a->cred_id, pos, id_len);
    pos += id_len;
    size_t key_len;
    int rc = cbor_map_at(buf, pos, end, DSG_AD_E_KEY_CBOR, DSG_AD_E_KEY_NOT_MAP, &key_len);
    if (rc != DSG_AD_OK)
        return rc;
    set_span(&a->cred_key, pos, key_len);
    a->extensions.off = pos + key_len;
    return DSG_AD_OK;
}

/* The extensions from a->extensions.off to end: one map exactly when ED
 * is set, and nothing after. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(a);
    requires \separated(a, buf + (0 .. end - 1));
    requires a->extensions.off <= end;
    assigns a->extensions.len;
    ensures \result == DSG_AD_OK || dsg_ad_error(\result);
    ensures \result == DSG_AD_OK ==>
              a->extensions.off + a->extensions.len == end &&
              (dsg_ad_has(a->flags, DSG_AD_FLAG_ED) ==> 0 < a->extensions.len) &&
              (!dsg_ad_has(a->flags, DSG_AD_FLAG_ED) ==> a->extensions.len == 0);
*/
static int parse_extensions(const uint8_t *buf, size_t end, dsg_authdata *a)
{
    size_t pos = a->extensions.off;
    if (!flag_set(a->flags, DSG_AD_FLAG_ED)) {
        if (pos != end)
            return DSG_AD_E_TRAILING;
        a->extensions.len = 0;
        return DSG_AD_OK;
    }
    if (pos == end)
        return DSG_AD_E_TRUNCATED;
    size_t ext_len;
    int rc = cbor_map_at(buf, pos, end, DSG_AD_E_EXT_CBOR, DSG_AD_E_EXT_NOT_MAP, &ext_len);
    if (rc != DSG_AD_OK)
        return rc;
    if (ext_len != end - pos)
        return DSG_AD_E_TRAILING;
    a->extensions.len = ext_len;
    return DSG_AD_OK;
}

/* The parts after the fixed header of authenticatorData at
 * buf[base .. end), flags the byte buf[base + 32]. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(a);
    requires \separated(a, buf + (0 .. end - 1));
    requires base + DSG_AD_MIN_LEN <= end && flags == buf[base + 32];
    assigns *a;
    ensures \result == DSG_AD_OK || dsg_ad_error(\result);
    ensures \result == DSG_AD_OK ==> dsg_authdata_ok(buf, base, end, a);
*/
static int parse_body(const uint8_t *buf, size_t base, size_t end, uint8_t flags,
                      dsg_authdata *a)
{
    /* The header fields last: they then need to outlive only
     * parse_extensions, which writes one field. */
    int at = flag_set(flags, DSG_AD_FLAG_AT);
    if (at) {
        int rc = parse_attested(buf, base, end, a);
        if (rc != DSG_AD_OK)
            return rc;
    } else {
        size_t pos = base + DSG_AD_MIN_LEN;
        set_span(&a->aaguid, pos, 0);
        set_span(&a->cred_id, pos, 0);
        set_span(&a->cred_key, pos, 0);
        a->extensions.off = pos;
    }
    a->flags = flags;
    a->sign_count = be32_at(buf, base + 33u);
    set_span(&a->rp_id_hash, base, 32u);
    /*@ assert at == 1 ==> dsg_ad_attested_ok(buf, base, a); */
    /*@ assert at != 1 ==> dsg_ad_unattested_ok(base, a); */
    int rc = parse_extensions(buf, end, a);
    /*@ assert at == 1 <==> dsg_ad_has(a->flags, DSG_AD_FLAG_AT); */
    /*@ assert dsg_ad_has(a->flags, DSG_AD_FLAG_AT) ==> dsg_ad_attested_ok(buf, base, a); */
    /*@ assert !dsg_ad_has(a->flags, DSG_AD_FLAG_AT) ==> dsg_ad_unattested_ok(base, a); */
    /*@ assert a->flags == buf[base + 32] && a->sign_count == dsg_ad_be32(buf, base + 33) &&
               dsg_ad_span_is(a->rp_id_hash, base, 32); */
    /*@ assert rc == DSG_AD_OK ==> a->extensions.off + a->extensions.len == end &&
               (dsg_ad_has(a->flags, DSG_AD_FLAG_ED) ==> 0 < a->extensions.len) &&
               (!dsg_ad_has(a->flags, DSG_AD_FLAG_ED) ==> a->extensions.len == 0); */
    /*@ assert base + 37 <= end; */
    /*@ assert rc == DSG_AD_OK ==> dsg_authdata_ok(buf, base, end, a); */
    return rc;
}

/* authenticatorData at buf[base .. end): the decisions on the fixed
 * header, then the body. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(a);
    requires \separated(a, buf + (0 .. end - 1));
    requires base <= end;
    assigns *a;
    ensures \result == DSG_AD_OK || dsg_ad_error(\result);
    ensures end - base < DSG_AD_MIN_LEN ==> \result == DSG_AD_E_TRUNCATED;
    ensures end - base >= DSG_AD_MIN_LEN && require_at != 0 &&
            !dsg_ad_has(\old(buf[base + 32]), DSG_AD_FLAG_AT) ==>
              \result == DSG_AD_E_NOT_ATTESTED;
    ensures end - base > DSG_AD_MIN_LEN && require_at == 0 &&
            !dsg_ad_has(\old(buf[base + 32]), DSG_AD_FLAG_AT) &&
            !dsg_ad_has(\old(buf[base + 32]), DSG_AD_FLAG_ED) ==> \result == DSG_AD_E_TRAILING;
    ensures \result == DSG_AD_OK ==> dsg_authdata_ok(buf, base, end, a);
    ensures \result == DSG_AD_OK && require_at != 0 ==> dsg_ad_has(a->flags, DSG_AD_FLAG_AT);
*/
static int parse_authdata_at(const uint8_t *buf, size_t base, size_t end, int require_at,
                             dsg_authdata *a)
{
    if (end - base < DSG_AD_MIN_LEN)
        return DSG_AD_E_TRUNCATED;
    uint8_t flags = buf[base + 32u];
    if (require_at != 0 && !flag_set(flags, DSG_AD_FLAG_AT))
        return DSG_AD_E_NOT_ATTESTED;
    /* neither AT nor ED: exactly the 37 header bytes */
    if (!flag_set(flags, DSG_AD_FLAG_AT) && !flag_set(flags, DSG_AD_FLAG_ED) &&
        end - base != DSG_AD_MIN_LEN)
        return DSG_AD_E_TRAILING;
    return parse_body(buf, base, end, flags, a);
}

int dsg_authdata_parse(const uint8_t *buf, size_t len, int require_at, dsg_authdata *out)
{
    return parse_authdata_at(buf, 0, len, require_at, out);
}

/* ---- attestation object --------------------------------------------------------- */

/* The literals below are local arrays, not globals: WP then knows they
 * are apart from the caller's buffers without a memory-model hypothesis. */

/* The value of the text key k[0 .. kl) in the map toks[map]: its index
 * in *v. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(k + (0 .. kl - 1));
    requires \valid_read(toks + (0 .. n - 1)) && \valid(v);
    requires \separated(toks + (0 .. n - 1), buf + (0 .. len - 1), k + (0 .. kl - 1));
    assigns *v;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> *v < n;
*/
static int find_value(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks, size_t n,
                      size_t map, const uint8_t *k, size_t kl, size_t *v)
{
    size_t at;
    if (dsg_cbor_map_find_text(buf, len, toks, n, map, k, kl, &at) != DSG_CBOR_OK)
        return 0;
    *v = at;
    return 1;
}

/* The value of the text key k[0 .. kl) in the map toks[map], when it is
 * of the given type: its index in *v. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(k + (0 .. kl - 1));
    requires \valid_read(toks + (0 .. n - 1)) && \valid(v);
    requires \separated(toks + (0 .. n - 1), buf + (0 .. len - 1), k + (0 .. kl - 1));
    requires \separated(v, toks + (0 .. n - 1));
    assigns *v;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> *v < n && toks[*v].type == type;
*/
static int typed_value(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks, size_t n,
                       size_t map, const uint8_t *k, size_t kl, uint8_t type, size_t *v)
{
    size_t at;
    if (!find_value(buf, len, toks, n, map, k, kl, &at) || toks[at].type != type)
        return 0;
    *v = at;
    return 1;
}

/* The byte or text string value of key k in the map toks[map] of
 * buf[0 .. len): its payload's span in *s. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(k + (0 .. kl - 1));
    requires \valid_read(toks + (0 .. n - 1)) && \valid(s);
    requires \separated(toks + (0 .. n - 1), buf + (0 .. len - 1), k + (0 .. kl - 1));
    requires \separated(s, toks + (0 .. n - 1));
    assigns *s;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> dsg_ad_span_in(*s, 0, len);
*/
static int string_value(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks, size_t n,
                        size_t map, const uint8_t *k, size_t kl, uint8_t type, dsg_ad_span *s)
{
    size_t v;
    return typed_value(buf, len, toks, n, map, k, kl, type, &v) &&
           payload_span(&toks[v], 0, len, s);
}

/* The x5c array toks[arr]: 1..DSG_AD_X5C_MAX byte strings, their
 * payloads' spans in certs[0 .. *count). Certificates are leaves, so the
 * k-th is token arr + 1 + k; its parent is checked all the same. */
/*@ requires \valid_read(toks + (0 .. n - 1)) && arr < n;
    requires \valid(certs + (0 .. DSG_AD_X5C_MAX - 1)) && \valid(count);
    requires \separated(certs + (0 .. DSG_AD_X5C_MAX - 1), count, toks + (0 .. n - 1));
    assigns certs[0 .. DSG_AD_X5C_MAX - 1], *count;
    ensures \result == DSG_AD_OK || \result == DSG_AD_E_PACKED_X5C;
    ensures \result == DSG_AD_OK ==>
              1 <= *count <= DSG_AD_X5C_MAX && dsg_ad_certs_in(certs, *count, len);
*/
static int parse_x5c(const dsg_cbor_tok *toks, size_t n, size_t arr, size_t len,
                     dsg_ad_span *certs, size_t *count)
{
    if (toks[arr].type != DSG_CBOR_ARRAY || toks[arr].arg < 1u || toks[arr].arg > DSG_AD_X5C_MAX)
        return DSG_AD_E_PACKED_X5C;
    size_t want = (size_t)toks[arr].arg;
    /*@ loop invariant 0 <= k <= want;
        loop invariant dsg_ad_certs_in(certs, k, len);
        loop assigns k, certs[0 .. DSG_AD_X5C_MAX - 1];
        loop variant want - k;
    */
    for (size_t k = 0; k < want; k++) {
        if (n - arr <= 1u + k)
            return DSG_AD_E_PACKED_X5C;
        const dsg_cbor_tok *t = &toks[arr + 1u + k];
        if (t->parent != arr || t->type != DSG_CBOR_BYTES || !payload_span(t, 0, len, &certs[k]))
            return DSG_AD_E_PACKED_X5C;
    }
    *count = want;
    return DSG_AD_OK;
}

/* The x5c entry of the packed statement toks[stmt], if any: the
 * certificates in certs[0 .. *count), and the statement's pair count
 * right for alg, sig and that (WebAuthn L2 §8.2: no other key). */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(toks + (0 .. n - 1)) && stmt < n;
    requires \valid(certs + (0 .. DSG_AD_X5C_MAX - 1)) && \valid(count);
    requires \separated(toks + (0 .. n - 1), buf + (0 .. len - 1));
    requires \separated(certs + (0 .. DSG_AD_X5C_MAX - 1), count, toks + (0 .. n - 1));
    assigns certs[0 .. DSG_AD_X5C_MAX - 1], *count;
    ensures \result == DSG_AD_OK || \result == DSG_AD_E_PACKED_X5C ||
            \result == DSG_AD_E_PACKED_KEYS;
    ensures \result == DSG_AD_OK ==>
              *count <= DSG_AD_X5C_MAX && dsg_ad_certs_in(certs, *count, len);
*/
static int packed_x5c(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks, size_t n,
                      size_t stmt, dsg_ad_span *certs, size_t *count)
{
    const uint8_t key_x5c[3] = {'x', '5', 'c'};
    uint64_t pairs = 2;
    size_t v;
    *count = 0;
    if (find_value(buf, len, toks, n, stmt, key_x5c, sizeof key_x5c, &v)) {
        if (parse_x5c(toks, n, v, len, certs, count) != DSG_AD_OK)
            return DSG_AD_E_PACKED_X5C;
        pairs = 3;
    }
    return toks[stmt].arg == pairs ? DSG_AD_OK : DSG_AD_E_PACKED_KEYS;
}

/* The "packed" statement, the map toks[stmt] (WebAuthn L2 §8.2): alg
 * (integer), sig (bytes) and optionally x5c, nothing else. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(toks + (0 .. n - 1));
    requires \valid(p) && stmt < n;
    requires \separated(toks + (0 .. n - 1), buf + (0 .. len - 1));
    requires \separated(p, toks + (0 .. n - 1), buf + (0 .. len - 1));
    assigns *p;
    ensures \result == DSG_AD_OK || dsg_ad_error(\result);
    ensures \result == DSG_AD_OK ==> dsg_ad_packed_ok(p, len);
*/
static int parse_packed(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks, size_t n,
                        size_t stmt, dsg_ad_packed *p)
{
    const uint8_t key_alg[3] = {'a', 'l', 'g'};
    const uint8_t key_sig[3] = {'s', 'i', 'g'};
    size_t v;
    if (!find_value(buf, len, toks, n, stmt, key_alg, sizeof key_alg, &v) ||
        dsg_cbor_int(&toks[v], &p->alg) != DSG_CBOR_OK)
        return DSG_AD_E_PACKED_ALG;
    if (!string_value(buf, len, toks, n, stmt, key_sig, sizeof key_sig, DSG_CBOR_BYTES, &p->sig))
        return DSG_AD_E_PACKED_SIG;
    return packed_x5c(buf, len, toks, n, stmt, &p->x5c[0], &p->x5c_count);
}

/* The statement toks[stmt] for the format fmt_kind. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(toks + (0 .. n - 1));
    requires \valid(p) && stmt < n;
    requires \separated(toks + (0 .. n - 1), buf + (0 .. len - 1));
    requires \separated(p, toks + (0 .. n - 1), buf + (0 .. len - 1));
    assigns *p;
    ensures \result == DSG_AD_OK || dsg_ad_error(\result);
    ensures \result == DSG_AD_OK && fmt_kind == DSG_AD_FMT_NONE ==> p->x5c_count == 0;
    ensures \result == DSG_AD_OK && fmt_kind == DSG_AD_FMT_PACKED ==> dsg_ad_packed_ok(p, len);
*/
static int parse_statement(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks, size_t n,
                           size_t stmt, int fmt_kind, dsg_ad_packed *p)
{
    p->x5c_count = 0;
    if (fmt_kind == DSG_AD_FMT_PACKED)
        return parse_packed(buf, len, toks, n, stmt, p);
    if (fmt_kind == DSG_AD_FMT_NONE && toks[stmt].arg != 0u)
        return DSG_AD_E_NONE_STMT;
    return DSG_AD_OK;
}

/* The format named by the span o->fmt of buf. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid(o);
    requires \separated(o, buf + (0 .. len - 1));
    requires dsg_ad_span_in(o->fmt, 0, len);
    assigns o->fmt_kind;
    ensures o->fmt_kind == DSG_AD_FMT_NONE || o->fmt_kind == DSG_AD_FMT_PACKED ||
            o->fmt_kind == DSG_AD_FMT_OTHER;
    ensures o->fmt_kind == DSG_AD_FMT_NONE ==> o->fmt.len == 4;
    ensures o->fmt_kind == DSG_AD_FMT_PACKED ==> o->fmt.len == 6;
*/
static void classify_fmt(const uint8_t *buf, size_t len, dsg_attobj *o)
{
    const uint8_t fmt_none[4] = {'n', 'o', 'n', 'e'};
    const uint8_t fmt_packed[6] = {'p', 'a', 'c', 'k', 'e', 'd'};
    (void)len; /* the bound of the contract */
    if (span_equals(buf, o->fmt, fmt_packed, sizeof fmt_packed))
        o->fmt_kind = DSG_AD_FMT_PACKED;
    else if (span_equals(buf, o->fmt, fmt_none, sizeof fmt_none))
        o->fmt_kind = DSG_AD_FMT_NONE;
    else
        o->fmt_kind = DSG_AD_FMT_OTHER;
}

/* The map toks[0] has exactly three pairs, keyed fmt, attStmt and
 * authData: three pairs and three distinct keys found. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(toks + (0 .. n - 1)) && 0 < n;
    requires \separated(toks + (0 .. n - 1), buf + (0 .. len - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int has_attestation_keys(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks,
                                 size_t n)
{
    const uint8_t key_fmt[3] = {'f', 'm', 't'};
    const uint8_t key_att_stmt[7] = {'a', 't', 't', 'S', 't', 'm', 't'};
    const uint8_t key_auth_data[8] = {'a', 'u', 't', 'h', 'D', 'a', 't', 'a'};
    size_t v;
    return toks[0].arg == 3u && find_value(buf, len, toks, n, 0, key_fmt, sizeof key_fmt, &v) &&
           find_value(buf, len, toks, n, 0, key_att_stmt, sizeof key_att_stmt, &v) &&
           find_value(buf, len, toks, n, 0, key_auth_data, sizeof key_auth_data, &v);
}

/* The attStmt value of the top map: a map, its whole encoding's span in
 * *s and its token in *stmt. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(toks + (0 .. n - 1)) && 0 < n;
    requires \valid(s) && \valid(stmt);
    requires \separated(toks + (0 .. n - 1), buf + (0 .. len - 1));
    requires \separated(s, stmt, toks + (0 .. n - 1), buf + (0 .. len - 1));
    assigns *s, *stmt;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> *stmt < n && dsg_ad_span_in(*s, 0, len) && 0 < s->len;
*/
static int statement_value(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks, size_t n,
                           dsg_ad_span *s, size_t *stmt)
{
    const uint8_t key_att_stmt[7] = {'a', 't', 't', 'S', 't', 'm', 't'};
    size_t v;
    if (!typed_value(buf, len, toks, n, 0, key_att_stmt, sizeof key_att_stmt, DSG_CBOR_MAP, &v))
        return 0;
    const dsg_cbor_tok *t = &toks[v];
    if (t->start > len || t->len > len - t->start || t->len == 0u)
        return 0;
    set_span(s, t->start, t->len);
    *stmt = v;
    return 1;
}

/* The top map toks[0] of buf[0 .. len): exactly fmt, attStmt, authData,
 * their spans in *o and the statement's token in *stmt. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(toks + (0 .. n - 1)) && 0 < n;
    requires \valid(o) && \valid(stmt);
    requires \separated(toks + (0 .. n - 1), buf + (0 .. len - 1));
    requires \separated(o, stmt, toks + (0 .. n - 1), buf + (0 .. len - 1));
    assigns o->fmt, o->att_stmt, o->auth_data, *stmt;
    ensures \result == DSG_AD_OK || dsg_ad_error(\result);
    ensures \result == DSG_AD_OK ==>
              *stmt < n && dsg_ad_span_in(o->fmt, 0, len) &&
              dsg_ad_span_in(o->att_stmt, 0, len) && 0 < o->att_stmt.len &&
              dsg_ad_span_in(o->auth_data, 0, len);
*/
static int top_fields(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks, size_t n,
                      dsg_attobj *o, size_t *stmt)
{
    const uint8_t key_fmt[3] = {'f', 'm', 't'};
    const uint8_t key_auth_data[8] = {'a', 'u', 't', 'h', 'D', 'a', 't', 'a'};
    if (toks[0].type != DSG_CBOR_MAP)
        return DSG_AD_E_ATT_NOT_MAP;
    if (!has_attestation_keys(buf, len, toks, n))
        return DSG_AD_E_ATT_KEYS;
    if (!string_value(buf, len, toks, n, 0, key_fmt, sizeof key_fmt, DSG_CBOR_TEXT, &o->fmt))
        return DSG_AD_E_FMT_TYPE;
    if (!statement_value(buf, len, toks, n, &o->att_stmt, stmt))
        return DSG_AD_E_STMT_TYPE;
    if (!string_value(buf, len, toks, n, 0, key_auth_data, sizeof key_auth_data, DSG_CBOR_BYTES,
                      &o->auth_data))
        return DSG_AD_E_AUTHDATA_TYPE;
    return DSG_AD_OK;
}

/* The attestation object's map, decoded into toks[0 .. n): its parts in
 * *o, the authData parsed in place, the statement checked for the format.
 * The authData is parsed before the statement so that the proof carries
 * no quantified fact (the certificates) across a call. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(toks + (0 .. n - 1)) && 0 < n;
    requires \valid(o);
    requires \separated(toks + (0 .. n - 1), buf + (0 .. len - 1));
    requires \separated(o, toks + (0 .. n - 1), buf + (0 .. len - 1));
    assigns *o;
    ensures \result == DSG_AD_OK || dsg_ad_error(\result);
    ensures \result == DSG_AD_OK ==> dsg_attobj_head_ok(len, o);
    ensures \result == DSG_AD_OK ==>
              dsg_authdata_ok(buf, o->auth_data.off, o->auth_data.off + o->auth_data.len, &o->ad);
    ensures \result == DSG_AD_OK ==> dsg_ad_has(o->ad.flags, DSG_AD_FLAG_AT);
*/
static int parse_object(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks, size_t n,
                        dsg_attobj *o)
{
    size_t stmt;
    int rc = top_fields(buf, len, toks, n, o, &stmt);
    if (rc != DSG_AD_OK)
        return rc;
    size_t base = o->auth_data.off;
    size_t end = base + o->auth_data.len;
    rc = parse_authdata_at(buf, base, end, 1, &o->ad);
    if (rc != DSG_AD_OK)
        return rc;
    /*@ assert dsg_authdata_ok(buf, o->auth_data.off, o->auth_data.off + o->auth_data.len, &o->ad); */
    classify_fmt(buf, len, o);
    /*@ assert dsg_authdata_ok(buf, o->auth_data.off, o->auth_data.off + o->auth_data.len, &o->ad); */
    rc = parse_statement(buf, len, toks, n, stmt, o->fmt_kind, &o->packed);
    /*@ assert dsg_authdata_ok(buf, o->auth_data.off, o->auth_data.off + o->auth_data.len, &o->ad); */
    /*@ assert dsg_ad_span_in(o->fmt, 0, len) && dsg_ad_span_in(o->att_stmt, 0, len) &&
               0 < o->att_stmt.len && dsg_ad_span_in(o->auth_data, 0, len); */
    /*@ assert rc == DSG_AD_OK ==> dsg_attobj_head_ok(len, o); */
    /*@ assert dsg_ad_has(o->ad.flags, DSG_AD_FLAG_AT); */
    return rc;
}

int dsg_attobj_parse(const uint8_t *buf, size_t len, dsg_attobj *out)
{
    dsg_cbor_tok toks[DSG_AD_ATT_TOKENS];
    size_t n, eaten;
    if (decode_item(buf, len, DSG_AD_ATT_DEPTH, toks, DSG_AD_ATT_TOKENS, &n, &eaten) !=
        DSG_CBOR_OK)
        return DSG_AD_E_ATT_CBOR;
    if (eaten != len)
        return DSG_AD_E_TRAILING;
    return parse_object(buf, len, toks, n, out);
}

/* ---- COSE key ------------------------------------------------------------------- */

/* The integer parameter key of the COSE map toks[0] equals want. */
/*@ requires \valid_read(toks + (0 .. n - 1)) && 0 < n;
    assigns \nothing;
    ensures \result == DSG_AD_OK || \result == DSG_AD_E_COSE_MISSING || \result == wrong;
*/
static int cose_int_is(const dsg_cbor_tok *toks, size_t n, int64_t key, int64_t want, int wrong)
{
    size_t v;
    int64_t value;
    if (dsg_cbor_map_find_int(toks, n, 0, key, &v) != DSG_CBOR_OK)
        return DSG_AD_E_COSE_MISSING;
    if (dsg_cbor_int(&toks[v], &value) != DSG_CBOR_OK || value != want)
        return wrong;
    return DSG_AD_OK;
}

/* The coordinate parameter key of the COSE map toks[0]: 32 bytes. */
/*@ requires \valid_read(toks + (0 .. n - 1)) && 0 < n && \valid(s);
    requires \separated(s, toks + (0 .. n - 1));
    assigns *s;
    ensures \result == DSG_AD_OK || \result == DSG_AD_E_COSE_MISSING ||
            \result == DSG_AD_E_COSE_COORD;
    ensures \result == DSG_AD_OK ==> dsg_ad_span_in(*s, 0, len) && s->len == DSG_COSE_COORD_LEN;
*/
static int cose_coord(const dsg_cbor_tok *toks, size_t n, size_t len, int64_t key, dsg_ad_span *s)
{
    size_t v;
    if (dsg_cbor_map_find_int(toks, n, 0, key, &v) != DSG_CBOR_OK)
        return DSG_AD_E_COSE_MISSING;
    if (toks[v].type != DSG_CBOR_BYTES || !payload_span(&toks[v], 0, len, s) ||
        s->len != DSG_COSE_COORD_LEN)
        return DSG_AD_E_COSE_COORD;
    return DSG_AD_OK;
}

/* The five parameters of an ES256 key, checked in the order kty, alg,
 * crv, x, y, then no other parameter (WebAuthn L2 §6.5.1.1: no optional
 * parameter but alg). */
/*@ requires \valid_read(toks + (0 .. n - 1)) && 0 < n && \valid(x) && \valid(y);
    requires \separated(x, y, toks + (0 .. n - 1));
    assigns *x, *y;
    ensures \result == DSG_AD_OK || dsg_ad_error(\result);
    ensures \result == DSG_AD_OK ==>
              dsg_ad_span_in(*x, 0, len) && x->len == DSG_COSE_COORD_LEN &&
              dsg_ad_span_in(*y, 0, len) && y->len == DSG_COSE_COORD_LEN;
*/
static int cose_params(const dsg_cbor_tok *toks, size_t n, size_t len, dsg_ad_span *x,
                       dsg_ad_span *y)
{
    int rc = cose_int_is(toks, n, 1, DSG_COSE_KTY_EC2, DSG_AD_E_COSE_KTY);
    if (rc == DSG_AD_OK)
        rc = cose_int_is(toks, n, 3, DSG_COSE_ALG_ES256, DSG_AD_E_COSE_ALG);
    if (rc == DSG_AD_OK)
        rc = cose_int_is(toks, n, -1, DSG_COSE_CRV_P256, DSG_AD_E_COSE_CRV);
    if (rc == DSG_AD_OK)
        rc = cose_coord(toks, n, len, -2, x);
    if (rc == DSG_AD_OK)
        rc = cose_coord(toks, n, len, -3, y);
    if (rc == DSG_AD_OK && toks[0].arg != 5u)
        rc = DSG_AD_E_COSE_EXTRA_KEY;
    return rc;
}

int dsg_cose_es256_parse(const uint8_t *buf, size_t len, dsg_ad_span *x, dsg_ad_span *y)
{
    dsg_cbor_tok toks[DSG_AD_COSE_TOKENS];
    size_t n, eaten;
    if (decode_item(buf, len, DSG_AD_COSE_DEPTH, toks, DSG_AD_COSE_TOKENS, &n, &eaten) !=
        DSG_CBOR_OK)
        return DSG_AD_E_COSE_CBOR;
    if (eaten != len)
        return DSG_AD_E_TRAILING;
    if (toks[0].type != DSG_CBOR_MAP)
        return DSG_AD_E_COSE_NOT_MAP;
    return cose_params(toks, n, len, x, y);
}

/* ---- error tokens --------------------------------------------------------------- */

/* Index = result; the last row answers any other value. */
static const char error_tokens[DSG_AD_E_COSE_EXTRA_KEY + 2][24] = {
    "ok",
    "truncated",
    "trailing-bytes",
    "cred-id-length",
    "not-attested",
    "key-cbor",
    "key-not-map",
    "extensions-cbor",
    "extensions-not-map",
    "attestation-cbor",
    "attestation-not-map",
    "attestation-keys",
    "fmt-not-text",
    "attstmt-not-map",
    "authdata-not-bytes",
    "none-attstmt-not-empty",
    "packed-keys",
    "packed-alg",
    "packed-sig",
    "packed-x5c",
    "cose-cbor",
    "cose-not-map",
    "cose-missing",
    "cose-kty",
    "cose-alg",
    "cose-crv",
    "cose-coordinate",
    "cose-extra-key",
    "unknown",
};

const char *dsg_authdata_error_token(int code)
{
    if (code < 0 || code > DSG_AD_E_COSE_EXTRA_KEY)
        code = DSG_AD_E_COSE_EXTRA_KEY + 1;
    return error_tokens[code];
}
