/*
 * Cookie request header parser (REQ-RUN-051, the Cookie part of
 * REQ-RUN-012): the value of a Cookie field as a server receives it,
 * RFC 6265 §4.2.1 read strictly, split as §5.4 says.
 *
 *   cookie-string = cookie-pair *( ";" SP cookie-pair )
 *   cookie-pair   = cookie-name "=" cookie-value
 *   cookie-name   = token                       (RFC 9110 §5.6.2)
 *   cookie-value  = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
 *   cookie-octet  = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
 *
 * dsg_cookie_parse splits the value into name and value slices of the
 * caller's buffer (offset and length, the quotes of a quoted value left
 * out) in the caller's array. Anything outside the grammar is refused,
 * each rule with its own error and the offset of the first byte that breaks
 * it (the input's length when it ends too early):
 * - EMPTY: no cookie-pair at all;
 * - CONTROL: a C0 control byte (HTAB aside) or DEL;
 * - SPACE: SP or HTAB anywhere but the one SP after ";" (leading,
 *   trailing, around "=", inside a value, a second SP after ";");
 * - SEPARATOR: ";" not followed by SP (";" at the end, ";;", ";x");
 * - EMPTY_NAME: "=v", or "; " followed by "=", ";" or the end;
 * - BAD_NAME: a name byte that is not a tchar (a delimiter, bytes >= 0x80);
 * - NO_EQUALS: a name ended by ";" or the end of the input;
 * - BAD_VALUE: a value byte that is not a cookie-octet (DQUOTE, ",", "\",
 *   bytes >= 0x80);
 * - BAD_QUOTE: a quoted value without its closing DQUOTE, or anything
 *   but ";" after it;
 * - TOO_MANY: more pairs than the caller's array holds.
 * The first error in reading order is the one reported.
 *
 * dsg_cookie_find looks a name up, byte for byte (names are
 * case-sensitive), and refuses a name present twice: two session cookies
 * of the same name are how a cookie injected from a sibling domain or a
 * plain-HTTP page shadows the real one (cookie tossing), and which one a
 * back end would take differs from one framework to the next.
 *
 * Pure functions over caller-owned memory: no allocation, no I/O, no
 * globals other than constant tables.
 */
#ifndef DSG_HTTP_COOKIE_H
#define DSG_HTTP_COOKIE_H

#include <stddef.h>
#include <stdint.h>

/* One cookie-pair: s[name_off .. name_off + name_len) and
 * s[value_off .. value_off + value_len) (without the DQUOTEs). */
typedef struct dsg_cookie {
    size_t name_off;
    size_t name_len;
    size_t value_off;
    size_t value_len;
} dsg_cookie;

typedef enum dsg_cookie_status {
    DSG_COOKIE_OK = 0,              /* "ok" */
    DSG_COOKIE_ERR_EMPTY = 1,       /* "empty" */
    DSG_COOKIE_ERR_CONTROL = 2,     /* "control" */
    DSG_COOKIE_ERR_SPACE = 3,       /* "space" */
    DSG_COOKIE_ERR_SEPARATOR = 4,   /* "bad-separator" */
    DSG_COOKIE_ERR_EMPTY_NAME = 5,  /* "empty-name" */
    DSG_COOKIE_ERR_BAD_NAME = 6,    /* "bad-name" */
    DSG_COOKIE_ERR_NO_EQUALS = 7,   /* "no-equals" */
    DSG_COOKIE_ERR_BAD_VALUE = 8,   /* "bad-value" */
    DSG_COOKIE_ERR_BAD_QUOTE = 9,   /* "bad-quote" */
    DSG_COOKIE_ERR_TOO_MANY = 10,   /* "too-many" */
    /* dsg_cookie_find only */
    DSG_COOKIE_NOT_FOUND = 11,      /* "not-found" */
    DSG_COOKIE_DUPLICATE = 12,      /* "duplicate" */
    DSG_COOKIE_ERR_BAD_PAIR = 13    /* "bad-pair": a name slice outside the input */
} dsg_cookie_status;

#include "acsl/http_cookie.acsl.h"

/* Parses the Cookie field value s[0 .. len) into out[0 .. cap). OK:
 * *count pairs (at least one), each a non-empty token name followed by "="
 * and a value of cookie-octets, all inside the input. Any other result:
 * *count is 0, *err_at the offset of the error; out may have been written.
 * @relation(REQ-RUN-051) */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(out + (0 .. cap - 1)) && \valid(count) && \valid(err_at);
    requires \separated(out + (0 .. cap - 1), count, err_at, s + (0 .. len - 1));
    assigns out[0 .. cap - 1], *count, *err_at;
    ensures DSG_COOKIE_OK <= \result <= DSG_COOKIE_ERR_TOO_MANY;
    ensures *err_at <= len;
    ensures \result == DSG_COOKIE_OK ==>
              1 <= *count <= cap && dsg_cookie_pairs_ok(s, len, out, *count);
    ensures \result != DSG_COOKIE_OK ==> *count == 0;
*/
__attribute__((warn_unused_result))
dsg_cookie_status dsg_cookie_parse(const uint8_t *s, size_t len, dsg_cookie *out, size_t cap,
                                   size_t *count, size_t *err_at);

/* Looks up the pair named name[0 .. name_len) among pairs[0 .. n) of s:
 * OK and its index when exactly one pair has that name, NOT_FOUND when
 * none has, DUPLICATE when two or more have; BAD_PAIR (checked first) when
 * a name slice does not lie inside s[0 .. len). *index is written on OK
 * only. @relation(REQ-RUN-051) */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid_read(pairs + (0 .. n - 1));
    requires \valid_read(name + (0 .. name_len - 1));
    requires \valid(index);
    requires \separated(index, s + (0 .. len - 1));
    requires \separated(index, pairs + (0 .. n - 1));
    requires \separated(index, name + (0 .. name_len - 1));
    assigns *index;
    behavior bad_pair:
      assumes !dsg_cookie_names_in(pairs, n, len);
      ensures \result == DSG_COOKIE_ERR_BAD_PAIR;
      ensures *index == \old(*index);
    behavior judged:
      assumes dsg_cookie_names_in(pairs, n, len);
      ensures \result == DSG_COOKIE_OK || \result == DSG_COOKIE_NOT_FOUND ||
              \result == DSG_COOKIE_DUPLICATE;
      ensures \result == DSG_COOKIE_OK ==>
                *index < n && dsg_cookie_named(s, pairs[*index], name, name_len) &&
                (\forall integer k; 0 <= k < n && k != *index ==>
                   !dsg_cookie_named(s, pairs[k], name, name_len));
      ensures \result == DSG_COOKIE_NOT_FOUND ==>
                \forall integer k; 0 <= k < n ==> !dsg_cookie_named(s, pairs[k], name, name_len);
      ensures \result == DSG_COOKIE_DUPLICATE ==>
                \exists integer i, j; 0 <= i < j < n &&
                  dsg_cookie_named(s, pairs[i], name, name_len) &&
                  dsg_cookie_named(s, pairs[j], name, name_len);
      ensures \result != DSG_COOKIE_OK ==> *index == \old(*index);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_cookie_status dsg_cookie_find(const uint8_t *s, size_t len, const dsg_cookie *pairs,
                                  size_t n, const uint8_t *name, size_t name_len,
                                  size_t *index);

/* A stable, lowercase token for a status, e.g. "bad-separator".
 * @relation(REQ-RUN-051) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_cookie_status_token(dsg_cookie_status status);

#endif
