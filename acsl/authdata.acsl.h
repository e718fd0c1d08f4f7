/*
 * ACSL logic for the WebAuthn authenticatorData, attestation object and
 * COSE key parsers (src/auth/authdata.h). Included by that header after
 * the types it talks about; installed with it. No axioms and no lemmas:
 * every function and predicate is a plain definition.
 */
#ifndef DSG_ACSL_AUTHDATA_H
#define DSG_ACSL_AUTHDATA_H

/*@
  // Big-endian values of 2 and 4 bytes at b[i ..].
  logic integer dsg_ad_be16{L}(uint8_t *b, integer i) = b[i] * 256 + b[i + 1];

  logic integer dsg_ad_be32{L}(uint8_t *b, integer i) =
    b[i] * 16777216 + b[i + 1] * 65536 + b[i + 2] * 256 + b[i + 3];

  // The span s lies inside [lo, hi).
  predicate dsg_ad_span_in(dsg_ad_span s, integer lo, integer hi) =
    lo <= s.off && s.off + s.len <= hi;

  // A span of exactly n bytes starting at off.
  predicate dsg_ad_span_is(dsg_ad_span s, integer off, integer n) =
    s.off == off && s.len == n;

  // The flag bit (a power of two) is set in flags; stated arithmetically
  // (bit b of f is (f / 2^b) mod 2), which the provers handle without
  // bitwise reasoning.
  predicate dsg_ad_has(integer flags, integer bit) = (flags / bit) % 2 == 1;

  // The attested credential data of authenticatorData at b[base ..]
  // (WebAuthn L2 §6.5.1): AAGUID (16), credentialIdLength (2, big-endian,
  // at most 1023), the credential ID, then a non-empty key right after it;
  // the extensions start where the key ends.
  predicate dsg_ad_attested_ok{L}(uint8_t *b, integer base, dsg_authdata *a) =
    dsg_ad_span_is(a->aaguid, base + 37, 16) &&
    dsg_ad_span_is(a->cred_id, base + 55, dsg_ad_be16(b, base + 53)) &&
    a->cred_id.len <= DSG_AD_CRED_ID_MAX &&
    a->cred_key.off == base + 55 + a->cred_id.len && 0 < a->cred_key.len &&
    a->extensions.off == a->cred_key.off + a->cred_key.len;

  // No attested credential data: empty spans at base + 37, where the
  // extensions start.
  predicate dsg_ad_unattested_ok{L}(integer base, dsg_authdata *a) =
    dsg_ad_span_is(a->aaguid, base + 37, 0) && dsg_ad_span_is(a->cred_id, base + 37, 0) &&
    dsg_ad_span_is(a->cred_key, base + 37, 0) && a->extensions.off == base + 37;

  // authenticatorData b[base .. end) as parsed into a (WebAuthn L2 §6.1):
  // at least 37 bytes; rpIdHash the first 32; the flags byte 32; the sign
  // count the big-endian value of bytes 33..36; the attested credential
  // data exactly when AT is set; extensions (non-empty) exactly when ED is
  // set; and nothing after the last part: the extensions end at end.
  predicate dsg_authdata_ok{L}(uint8_t *b, integer base, integer end, dsg_authdata *a) =
    base + 37 <= end &&
    a->flags == b[base + 32] && a->sign_count == dsg_ad_be32(b, base + 33) &&
    dsg_ad_span_is(a->rp_id_hash, base, 32) &&
    (dsg_ad_has(a->flags, DSG_AD_FLAG_AT) ==> dsg_ad_attested_ok(b, base, a)) &&
    (!dsg_ad_has(a->flags, DSG_AD_FLAG_AT) ==> dsg_ad_unattested_ok(base, a)) &&
    (dsg_ad_has(a->flags, DSG_AD_FLAG_ED) ==> 0 < a->extensions.len) &&
    (!dsg_ad_has(a->flags, DSG_AD_FLAG_ED) ==> a->extensions.len == 0) &&
    a->extensions.off + a->extensions.len == end;

  // The x5c certificates of a packed statement: count spans inside [0, len).
  predicate dsg_ad_certs_in(dsg_ad_span *c, integer count, integer len) =
    \forall integer k; 0 <= k < count ==> dsg_ad_span_in(c[k], 0, len);

  // A packed statement's spans inside [0, len).
  predicate dsg_ad_packed_ok{L}(dsg_ad_packed *p, integer len) =
    dsg_ad_span_in(p->sig, 0, len) && p->x5c_count <= DSG_AD_X5C_MAX &&
    dsg_ad_certs_in(&p->x5c[0], p->x5c_count, len);

  // The parts of an attestation object b[0 .. len) read from its map into
  // o (dsg_attobj_parse also states its authData parsed, AT set): the three values' spans inside it, the format, and for "packed"
  // the signature and 0..DSG_AD_X5C_MAX certificates inside it too.
  predicate dsg_attobj_head_ok{L}(integer len, dsg_attobj *o) =
    dsg_ad_span_in(o->fmt, 0, len) && dsg_ad_span_in(o->att_stmt, 0, len) &&
    0 < o->att_stmt.len &&
    dsg_ad_span_in(o->auth_data, 0, len) &&
    (o->fmt_kind == DSG_AD_FMT_NONE || o->fmt_kind == DSG_AD_FMT_PACKED ||
     o->fmt_kind == DSG_AD_FMT_OTHER) &&
    (o->fmt_kind == DSG_AD_FMT_NONE ==> o->fmt.len == 4 && o->packed.x5c_count == 0) &&
    (o->fmt_kind == DSG_AD_FMT_PACKED ==> o->fmt.len == 6 && dsg_ad_packed_ok(&o->packed, len));

  predicate dsg_ad_error(integer e) = DSG_AD_E_TRUNCATED <= e <= DSG_AD_E_COSE_EXTRA_KEY;
*/

#endif
