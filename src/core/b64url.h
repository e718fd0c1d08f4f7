/*
 * base64url without padding (RFC 4648 §5), the encoding of WebAuthn's
 * challenges, credential IDs and clientDataJSON (REQ-MFA-019).
 *
 * The decoder is strict: it accepts exactly the canonical encodings that
 * dsg_b64url_encode produces, so that one byte string has one spelling
 * and a second spelling of the same challenge or credential ID cannot
 * pass a comparison made on the text. Refused, each with its error and
 * the offset of the first byte that breaks the rule:
 * - BYTE: a byte outside A-Z a-z 0-9 - _ ('=' padding, '+' '/' of the
 *   standard alphabet, white space, NUL, bytes >= 0x80);
 * - LENGTH: a length of 4k + 1 characters, which no byte string encodes
 *   (offset: the length);
 * - TRAILING_BITS: a last character whose bits no byte uses are not zero
 *   ("QR" beside the canonical "QQ" for 0x41; offset: the last character);
 * - ROOM: the output would not fit the caller's buffer (offset 0).
 * The first three are checked in that order: a byte outside the alphabet
 * anywhere wins over a bad length.
 *
 * Pure functions over caller-owned memory: no allocation, no I/O, no
 * table (the alphabet is computed, so the proof sees it).
 */
#ifndef DSG_CORE_B64URL_H
#define DSG_CORE_B64URL_H

#include <stddef.h>
#include <stdint.h>

typedef enum dsg_b64url_status {
    DSG_B64URL_OK = 0,
    DSG_B64URL_ERR_BYTE = 1,          /* "bad-byte" */
    DSG_B64URL_ERR_LENGTH = 2,        /* "bad-length" */
    DSG_B64URL_ERR_TRAILING_BITS = 3, /* "trailing-bits" */
    DSG_B64URL_ERR_ROOM = 4           /* "no-room" */
} dsg_b64url_status;

#include "acsl/b64url.acsl.h"

/* The length of the encoding of n bytes, or 0 when it would not fit a
 * size_t (n > 3 * (SIZE_MAX / 4)). @relation(REQ-MFA-019) */
/*@ assigns \nothing;
    ensures n <= 3 * (SIZE_MAX / 4) ==> \result == dsg_b64url_enc_len(n);
    ensures n > 3 * (SIZE_MAX / 4) ==> \result == 0;
*/
size_t dsg_b64url_encoded_len(size_t n);

/* Encodes in[0 .. n) into out[0 .. *out_len), without padding and without
 * a NUL. ROOM (and nothing written, *out_len untouched) when cap is below
 * the encoded length. On OK the output is canonical and decodes back to
 * the input: dsg_b64url_decode(out, *out_len) gives in[0 .. n) again.
 * @relation(REQ-MFA-019) */
/*@ requires \valid_read(in + (0 .. n - 1));
    requires \valid(out + (0 .. cap - 1)) && \valid(out_len);
    requires \separated(out + (0 .. cap - 1), out_len, in + (0 .. n - 1));
    requires \separated(out_len, in + (0 .. n - 1));
    assigns out[0 .. cap - 1], *out_len;
    behavior no_room:
      assumes cap < dsg_b64url_enc_len(n);
      assigns \nothing;
      ensures \result == DSG_B64URL_ERR_ROOM;
    behavior encoded:
      assumes cap >= dsg_b64url_enc_len(n);
      assigns out[0 .. dsg_b64url_enc_len(n) - 1], *out_len;
      ensures \result == DSG_B64URL_OK;
      ensures *out_len == dsg_b64url_enc_len(n);
      ensures dsg_b64url_ok(out, *out_len);
      ensures dsg_b64url_dec_len(*out_len) == n;
      ensures dsg_b64url_decodes(out, in, n);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_b64url_status dsg_b64url_encode(const uint8_t *in, size_t n, char *out, size_t cap,
                                    size_t *out_len);

/* Decodes in[0 .. len) into out[0 .. *out_len). Accepts exactly the
 * canonical unpadded encodings (dsg_b64url_ok); the output is then
 * dsg_b64url_dec_len(len) bytes. Any other result: *out_len is 0,
 * *err_at the offset of the error, and out is not written.
 * @relation(REQ-MFA-019) */
/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid(out + (0 .. cap - 1)) && \valid(out_len) && \valid(err_at);
    requires \separated(out + (0 .. cap - 1), out_len, err_at, in + (0 .. len - 1));
    requires \separated(out_len, err_at, in + (0 .. len - 1));
    assigns out[0 .. cap - 1], *out_len, *err_at;
    behavior bad_byte:
      assumes !dsg_b64url_all_alpha(in, len);
      assigns *out_len, *err_at;
      ensures \result == DSG_B64URL_ERR_BYTE;
      ensures *out_len == 0;
      ensures *err_at < len && !dsg_b64url_alpha(in[*err_at]);
      ensures dsg_b64url_all_alpha(in, *err_at);
    behavior bad_length:
      assumes dsg_b64url_all_alpha(in, len) && len % 4 == 1;
      assigns *out_len, *err_at;
      ensures \result == DSG_B64URL_ERR_LENGTH;
      ensures *out_len == 0 && *err_at == len;
    behavior trailing_bits:
      assumes dsg_b64url_all_alpha(in, len) && len % 4 != 1 && !dsg_b64url_tail_zero(in, len);
      assigns *out_len, *err_at;
      ensures \result == DSG_B64URL_ERR_TRAILING_BITS;
      ensures *out_len == 0 && *err_at == len - 1;
    behavior no_room:
      assumes dsg_b64url_ok(in, len) && cap < dsg_b64url_dec_len(len);
      assigns *out_len, *err_at;
      ensures \result == DSG_B64URL_ERR_ROOM;
      ensures *out_len == 0 && *err_at == 0;
    behavior decoded:
      assumes dsg_b64url_ok(in, len) && cap >= dsg_b64url_dec_len(len);
      assigns out[0 .. dsg_b64url_dec_len(len) - 1], *out_len;
      ensures \result == DSG_B64URL_OK;
      ensures *out_len == dsg_b64url_dec_len(len);
      ensures dsg_b64url_decodes(in, out, *out_len);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_b64url_status dsg_b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap,
                                    size_t *out_len, size_t *err_at);

/* 1 when in[0 .. len) is a canonical unpadded base64url text, else 0: the
 * C twin of dsg_b64url_ok. @relation(REQ-MFA-019) */
/*@ requires \valid_read(in + (0 .. len - 1));
    assigns \nothing;
    ensures \result == 1 <==> dsg_b64url_ok(in, len);
    ensures \result == 0 || \result == 1;
*/
int dsg_b64url_is_valid(const char *in, size_t len);

/* A stable, lowercase token for a status, e.g. "trailing-bits".
 * @relation(REQ-MFA-019) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_b64url_status_token(dsg_b64url_status status);

#endif
