/*
 * application/x-www-form-urlencoded parser (REQ-RUN-052, the form part of
 * REQ-RUN-012): the WHATWG URL Standard's §5.1 parsing, made strict for a
 * gateway.
 *
 * As the standard reads it: the input is split on "&", empty sequences are
 * skipped, each sequence is split at its first "=" into name and value (no
 * "=": the whole sequence is the name, the value is empty), and each is
 * decoded with "+" as SP and "%XY" (two hex digits, any case) as the byte
 * 0xXY.
 *
 * Where the standard is lenient, this parser refuses, each with its own
 * error and the offset of the code point that breaks the rule:
 * - BAD_ESCAPE: a "%" not followed by two hex digits (the standard keeps it
 *   as it is, so two readers could decode the field differently);
 * - NUL: a byte 0, raw or "%00" (C back ends would cut the string there);
 * - BAD_UTF8: decoded bytes that are not strict UTF-8 (Unicode table 3-7:
 *   no overlongs, surrogates or code points above U+10FFFF; the standard
 *   replaces them with U+FFFD, so distinct inputs would decode the same);
 * - TOO_MANY: more fields than the caller's array holds.
 * Name and value are each checked on their own (a sequence may not run
 * from one into the other), code point by code point: a code point whose
 * bytes are cut short by a bad escape or the end is BAD_UTF8, a bad escape
 * where a code point starts is BAD_ESCAPE.
 *
 * dsg_form_parse checks the whole body and hands out raw slices;
 * dsg_form_decode decodes one slice into a caller's buffer (the output is
 * never longer than the input); dsg_form_find looks a decoded name up and
 * refuses a name present twice, however each is encoded ("a" and "%61"
 * are the same name): a gateway that reads the first of two values while
 * the back end reads the last is how parameter pollution gets past it.
 *
 * Pure functions over caller-owned memory: no allocation, no I/O, no
 * globals other than constant tables.
 */
#ifndef DSG_HTTP_FORM_H
#define DSG_HTTP_FORM_H

#include <stddef.h>
#include <stdint.h>

/* One field, still encoded: s[name_off .. name_off + name_len) and
 * s[value_off .. value_off + value_len). */
typedef struct dsg_form_field {
    size_t name_off;
    size_t name_len;
    size_t value_off;
    size_t value_len;
} dsg_form_field;

typedef enum dsg_form_status {
    DSG_FORM_OK = 0,             /* "ok" */
    DSG_FORM_ERR_BAD_ESCAPE = 1, /* "bad-escape" */
    DSG_FORM_ERR_NUL = 2,        /* "nul" */
    DSG_FORM_ERR_BAD_UTF8 = 3,   /* "bad-utf8" */
    DSG_FORM_ERR_TOO_MANY = 4,   /* "too-many" */
    DSG_FORM_ERR_TOO_LONG = 5,   /* "too-long": dsg_form_decode, output over cap */
    DSG_FORM_NOT_FOUND = 6,      /* "not-found" (dsg_form_find) */
    DSG_FORM_DUPLICATE = 7,      /* "duplicate" (dsg_form_find) */
    DSG_FORM_ERR_BAD_FIELD = 8   /* "bad-field": a name slice outside the input */
} dsg_form_status;

#include "acsl/http_form.acsl.h"

/* Splits and checks the form s[0 .. len) into out[0 .. cap). OK: *count
 * fields (0 for an empty form), each inside the input, neither name nor
 * value holding "&", the name no "=", and each decoding without error. Any
 * other result: *count is 0, *err_at the offset of the error; out may have
 * been written. @relation(REQ-RUN-052) */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(out + (0 .. cap - 1)) && \valid(count) && \valid(err_at);
    requires \separated(out + (0 .. cap - 1), count, err_at, s + (0 .. len - 1));
    assigns out[0 .. cap - 1], *count, *err_at;
    ensures \result == DSG_FORM_OK || \result == DSG_FORM_ERR_BAD_ESCAPE ||
            \result == DSG_FORM_ERR_NUL || \result == DSG_FORM_ERR_BAD_UTF8 ||
            \result == DSG_FORM_ERR_TOO_MANY;
    ensures *err_at <= len;
    ensures \result == DSG_FORM_OK ==>
              *count <= cap && dsg_form_fields_ok(s, len, out, *count);
    ensures \result != DSG_FORM_OK ==> *count == 0;
*/
__attribute__((warn_unused_result))
dsg_form_status dsg_form_parse(const uint8_t *s, size_t len, dsg_form_field *out, size_t cap,
                               size_t *count, size_t *err_at);

/* Decodes the name or value in[0 .. n) into out[0 .. cap): "+" is SP,
 * "%XY" the byte 0xXY; refuses a bad escape, NUL, bytes that are not strict
 * UTF-8 and an output over cap bytes. OK: *out_len <= n, <= cap, and no
 * byte of the output is 0. Any other result: *out_len is not written; out
 * may have been. @relation(REQ-RUN-052) */
/*@ requires \valid_read(in + (0 .. n - 1));
    requires \valid(out + (0 .. cap - 1)) && \valid(out_len);
    requires \separated(out + (0 .. cap - 1), in + (0 .. n - 1), out_len);
    requires \separated(out_len, in + (0 .. n - 1));
    assigns out[0 .. cap - 1], *out_len;
    ensures \result == DSG_FORM_OK || \result == DSG_FORM_ERR_BAD_ESCAPE ||
            \result == DSG_FORM_ERR_NUL || \result == DSG_FORM_ERR_BAD_UTF8 ||
            \result == DSG_FORM_ERR_TOO_LONG;
    ensures \result != DSG_FORM_OK ==> *out_len == \old(*out_len);
    ensures \result == DSG_FORM_OK ==>
              *out_len <= n && *out_len <= cap &&
              (\forall integer k; 0 <= k < *out_len ==> out[k] != 0);
*/
__attribute__((warn_unused_result))
dsg_form_status dsg_form_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
                                size_t *out_len);

/* Looks up the field whose name decodes to name[0 .. name_len) among
 * fields[0 .. n) of s: OK and its index when exactly one does, NOT_FOUND
 * when none does, DUPLICATE when two or more do; BAD_FIELD (checked first)
 * when a name slice does not lie inside s[0 .. len). A name with a bad
 * escape matches nothing (dsg_form_parse never hands one out). *index is
 * written on OK only.
 * @relation(REQ-RUN-052) */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid_read(fields + (0 .. n - 1));
    requires \valid_read(name + (0 .. name_len - 1));
    requires \valid(index);
    requires \separated(index, s + (0 .. len - 1));
    requires \separated(index, fields + (0 .. n - 1));
    requires \separated(index, name + (0 .. name_len - 1));
    assigns *index;
    behavior bad_field:
      assumes !dsg_form_names_in(fields, n, len);
      ensures \result == DSG_FORM_ERR_BAD_FIELD;
      ensures *index == \old(*index);
    behavior judged:
      assumes dsg_form_names_in(fields, n, len);
      ensures \result == DSG_FORM_OK || \result == DSG_FORM_NOT_FOUND ||
              \result == DSG_FORM_DUPLICATE;
      ensures \result == DSG_FORM_OK ==> *index < n;
      ensures \result != DSG_FORM_OK ==> *index == \old(*index);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_form_status dsg_form_find(const uint8_t *s, size_t len, const dsg_form_field *fields,
                              size_t n, const uint8_t *name, size_t name_len, size_t *index);

/* A stable, lowercase token for a status, e.g. "bad-escape".
 * @relation(REQ-RUN-052) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_form_status_token(dsg_form_status status);

#endif
