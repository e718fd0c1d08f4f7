/*
 * WebAuthn parsers (REQ-MFA-019, for REQ-MFA-003 and REQ-MFA-004): the
 * authenticatorData (WebAuthn Level 2 §6.1), the attestation object
 * (§6.5, with the "packed" statement of §8.2 and "none" of §8.7) and the
 * credential public key as an ES256 COSE_Key (RFC 9052/9053, WebAuthn
 * §6.5.1.1). The bytes come from an unauthenticated client: every length
 * is checked against the input, and no allocation or I/O is done. The
 * CBOR parts go through the CTAP2 canonical decoder (src/core/cbor.h), so
 * unsorted or duplicate map keys, indefinite lengths, tags and floats are
 * refused there.
 *
 * Outputs are spans (offset, length) of the caller's input, never copies:
 *
 *   dsg_attobj o;
 *   int rc = dsg_attobj_parse(buf, len, &o);
 *   if (rc != DSG_AD_OK) ... refuse with dsg_authdata_error_token(rc)
 *   ... buf + o.ad.cred_key.off, o.ad.cred_key.len: the COSE key, for
 *   dsg_cose_es256_parse; o.auth_data: the signed authenticatorData
 *
 * On an error the outputs hold unspecified values (parts may be written),
 * and nothing outside them is written.
 *
 * authenticatorData: rpIdHash (32), flags (1), signCount (4, big-endian);
 * with AT (0x40) the attested credential data: AAGUID (16),
 * credentialIdLength (2, big-endian, at most 1023), the credential ID,
 * the credential public key as one CBOR map; with ED (0x80) the
 * extensions as one CBOR map; then nothing (trailing bytes are refused).
 * The RFU bits 0x02 and 0x20 are kept in flags and otherwise ignored.
 *
 * Limits (CBOR items are decoded into fixed arrays on the stack):
 * - the credential key and the extensions: DSG_AD_ITEM_TOKENS items each,
 *   DSG_AD_ITEM_DEPTH levels deep (an ES256 key has 11 items, depth 2);
 * - the attestation object: DSG_AD_ATT_TOKENS items, DSG_AD_ATT_DEPTH
 *   levels (a packed statement with x5c is 4 deep; authData is one byte
 *   string, its contents are parsed apart); at most DSG_AD_X5C_MAX
 *   certificates in x5c;
 * - the COSE key: DSG_AD_COSE_TOKENS items, DSG_AD_COSE_DEPTH levels.
 * More than that is refused as malformed CBOR (the decoder's
 * too-many-tokens or depth).
 */
#ifndef DSG_AUTHDATA_H
#define DSG_AUTHDATA_H

#include <stddef.h>
#include <stdint.h>

#include "core/cbor.h"

/* authenticatorData flags (WebAuthn L2 §6.1). */
#define DSG_AD_FLAG_UP 0x01u /* user present */
#define DSG_AD_FLAG_UV 0x04u /* user verified */
#define DSG_AD_FLAG_BE 0x08u /* backup eligible */
#define DSG_AD_FLAG_BS 0x10u /* backed up */
#define DSG_AD_FLAG_AT 0x40u /* attested credential data included */
#define DSG_AD_FLAG_ED 0x80u /* extension data included */

#define DSG_AD_MIN_LEN     37u   /* rpIdHash + flags + signCount */
#define DSG_AD_CRED_ID_MAX 1023u /* WebAuthn L2 §6.5.1: credentialIdLength */

#define DSG_AD_ITEM_TOKENS 32u
#define DSG_AD_ITEM_DEPTH  8u
#define DSG_AD_ATT_TOKENS  32u
#define DSG_AD_ATT_DEPTH   6u
#define DSG_AD_X5C_MAX     4u
#define DSG_AD_COSE_TOKENS 16u
#define DSG_AD_COSE_DEPTH  2u

/* COSE values (RFC 9053 §2.1, §7.1; IANA COSE registries). */
#define DSG_COSE_KTY_EC2   2
#define DSG_COSE_ALG_ES256 (-7)
#define DSG_COSE_CRV_P256  1
#define DSG_COSE_COORD_LEN 32u

/* Attestation statement formats. */
#define DSG_AD_FMT_NONE   0 /* "none": attStmt is an empty map */
#define DSG_AD_FMT_PACKED 1 /* "packed": alg, sig, optional x5c */
#define DSG_AD_FMT_OTHER  2 /* any other text: reported, not parsed */

/* Results: DSG_AD_OK or one error; dsg_authdata_error_token names each. */
#define DSG_AD_OK                   0
#define DSG_AD_E_TRUNCATED          1  /* "truncated": ends before a part that must be there */
#define DSG_AD_E_TRAILING           2  /* "trailing-bytes": bytes after the last part */
#define DSG_AD_E_CRED_ID_LENGTH     3  /* "cred-id-length": credentialIdLength over 1023 */
#define DSG_AD_E_NOT_ATTESTED       4  /* "not-attested": AT clear where it is required */
#define DSG_AD_E_KEY_CBOR           5  /* "key-cbor": the key is not one valid CBOR item */
#define DSG_AD_E_KEY_NOT_MAP        6  /* "key-not-map" */
#define DSG_AD_E_EXT_CBOR           7  /* "extensions-cbor" */
#define DSG_AD_E_EXT_NOT_MAP        8  /* "extensions-not-map" */
#define DSG_AD_E_ATT_CBOR           9  /* "attestation-cbor": not one valid CBOR item */
#define DSG_AD_E_ATT_NOT_MAP        10 /* "attestation-not-map" */
#define DSG_AD_E_ATT_KEYS           11 /* "attestation-keys": not exactly fmt, attStmt, authData */
#define DSG_AD_E_FMT_TYPE           12 /* "fmt-not-text" */
#define DSG_AD_E_STMT_TYPE          13 /* "attstmt-not-map" */
#define DSG_AD_E_AUTHDATA_TYPE      14 /* "authdata-not-bytes" */
#define DSG_AD_E_NONE_STMT          15 /* "none-attstmt-not-empty" */
#define DSG_AD_E_PACKED_KEYS        16 /* "packed-keys": a key but alg, sig, x5c */
#define DSG_AD_E_PACKED_ALG         17 /* "packed-alg": missing or not an int64 integer */
#define DSG_AD_E_PACKED_SIG         18 /* "packed-sig": missing or not a byte string */
#define DSG_AD_E_PACKED_X5C         19 /* "packed-x5c": not an array of 1..4 byte strings */
#define DSG_AD_E_COSE_CBOR          20 /* "cose-cbor": not one valid CBOR item */
#define DSG_AD_E_COSE_NOT_MAP       21 /* "cose-not-map" */
#define DSG_AD_E_COSE_MISSING       22 /* "cose-missing": kty, alg, crv, x or y absent */
#define DSG_AD_E_COSE_KTY           23 /* "cose-kty": kty not 2 (EC2) */
#define DSG_AD_E_COSE_ALG           24 /* "cose-alg": alg not -7 (ES256) */
#define DSG_AD_E_COSE_CRV           25 /* "cose-crv": crv not 1 (P-256) */
#define DSG_AD_E_COSE_COORD         26 /* "cose-coordinate": x or y not 32 bytes */
#define DSG_AD_E_COSE_EXTRA_KEY     27 /* "cose-extra-key": a parameter beyond the five */

/* A part of the input: buf[off .. off + len). */
typedef struct dsg_ad_span {
    size_t off;
    size_t len;
} dsg_ad_span;

/* A parsed authenticatorData. Spans absent from the input (no AT, no ED)
 * have length 0. */
typedef struct dsg_authdata {
    uint8_t flags;         /* byte 32 as sent, RFU bits included */
    uint32_t sign_count;   /* bytes 33..36, big-endian */
    dsg_ad_span rp_id_hash; /* 32 bytes */
    dsg_ad_span aaguid;     /* 16 bytes with AT */
    dsg_ad_span cred_id;    /* credentialIdLength bytes with AT */
    dsg_ad_span cred_key;   /* the COSE key's whole CBOR encoding with AT */
    dsg_ad_span extensions; /* the extensions map's whole encoding with ED */
} dsg_authdata;

/* A "packed" attestation statement (WebAuthn L2 §8.2). */
typedef struct dsg_ad_packed {
    int64_t alg;            /* the COSE algorithm */
    dsg_ad_span sig;        /* the signature's bytes */
    size_t x5c_count;       /* 0 (self attestation) or 1..DSG_AD_X5C_MAX */
    dsg_ad_span x5c[DSG_AD_X5C_MAX]; /* DER certificates, attestation cert first */
} dsg_ad_packed;

/* A parsed attestation object; every span is of the object's buffer. */
typedef struct dsg_attobj {
    int fmt_kind;           /* DSG_AD_FMT_NONE, _PACKED or _OTHER */
    dsg_ad_span fmt;        /* the fmt text's bytes */
    dsg_ad_span att_stmt;   /* the attStmt map's whole encoding */
    dsg_ad_span auth_data;  /* the authData byte string's contents */
    dsg_authdata ad;        /* authData parsed, AT required */
    dsg_ad_packed packed;   /* with DSG_AD_FMT_PACKED (x5c_count 0 otherwise) */
} dsg_attobj;

#include "acsl/authdata.acsl.h"

/* Parses buf[0 .. len) as authenticatorData into *out; with require_at
 * nonzero, AT must be set (a registration). @relation(REQ-MFA-019, REQ-MFA-003) */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid(out);
    requires \separated(out, buf + (0 .. len - 1));
    assigns *out;
    ensures \result == DSG_AD_OK || dsg_ad_error(\result);
    behavior too_short:
      assumes len < DSG_AD_MIN_LEN;
      ensures \result == DSG_AD_E_TRUNCATED;
    behavior attestation_missing:
      assumes len >= DSG_AD_MIN_LEN && require_at != 0 && !dsg_ad_has(buf[32], DSG_AD_FLAG_AT);
      ensures \result == DSG_AD_E_NOT_ATTESTED;
    behavior bare_with_trailing:
      assumes len > DSG_AD_MIN_LEN && require_at == 0 &&
              !dsg_ad_has(buf[32], DSG_AD_FLAG_AT) && !dsg_ad_has(buf[32], DSG_AD_FLAG_ED);
      ensures \result == DSG_AD_E_TRAILING;
    behavior judged:
      assumes len >= DSG_AD_MIN_LEN;
      assumes require_at == 0 || dsg_ad_has(buf[32], DSG_AD_FLAG_AT);
      assumes !(len > DSG_AD_MIN_LEN && require_at == 0 &&
                !dsg_ad_has(buf[32], DSG_AD_FLAG_AT) && !dsg_ad_has(buf[32], DSG_AD_FLAG_ED));
      ensures \result == DSG_AD_OK ==> dsg_authdata_ok(buf, 0, len, out);
      ensures \result == DSG_AD_OK && require_at != 0 ==> dsg_ad_has(out->flags, DSG_AD_FLAG_AT);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
int dsg_authdata_parse(const uint8_t *buf, size_t len, int require_at, dsg_authdata *out);

/* Parses buf[0 .. len) as one attestation object into *out: exactly the
 * keys "fmt" (text), "attStmt" (map), "authData" (bytes, parsed with AT
 * required); the statement checked for "none" (empty) and "packed" (alg,
 * sig, x5c), other formats reported as DSG_AD_FMT_OTHER.
 * @relation(REQ-MFA-019, REQ-MFA-003) */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid(out);
    requires \separated(out, buf + (0 .. len - 1));
    assigns *out;
    ensures \result == DSG_AD_OK || dsg_ad_error(\result);
    ensures \result == DSG_AD_OK ==> dsg_attobj_head_ok(len, out);
    ensures \result == DSG_AD_OK ==>
              dsg_authdata_ok(buf, out->auth_data.off, out->auth_data.off + out->auth_data.len,
                              &out->ad);
    ensures \result == DSG_AD_OK ==> dsg_ad_has(out->ad.flags, DSG_AD_FLAG_AT);
*/
__attribute__((warn_unused_result))
int dsg_attobj_parse(const uint8_t *buf, size_t len, dsg_attobj *out);

/* Parses buf[0 .. len) as one COSE_Key that must be exactly an ES256
 * P-256 EC2 key {1: 2, 3: -7, -1: 1, -2: x, -3: y}: *x and *y the spans
 * of the 32-byte coordinates. Whether (x, y) is on the curve is not
 * checked here. @relation(REQ-MFA-019, REQ-MFA-003) */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid(x) && \valid(y);
    requires \separated(x, y, buf + (0 .. len - 1));
    assigns *x, *y;
    ensures \result == DSG_AD_OK || dsg_ad_error(\result);
    ensures \result == DSG_AD_OK ==>
              dsg_ad_span_in(*x, 0, len) && x->len == DSG_COSE_COORD_LEN &&
              dsg_ad_span_in(*y, 0, len) && y->len == DSG_COSE_COORD_LEN;
*/
__attribute__((warn_unused_result))
int dsg_cose_es256_parse(const uint8_t *buf, size_t len, dsg_ad_span *x, dsg_ad_span *y);

/* A stable, lowercase token for a result, e.g. "cose-crv"; "ok" for
 * DSG_AD_OK, "unknown" outside the list. @relation(REQ-MFA-019) */
/*@ assigns \result \from code;
    ensures \valid_read(\result);
*/
const char *dsg_authdata_error_token(int code);

#endif
