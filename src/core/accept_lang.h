/*
 * The Accept-Language request header (RFC 9110 §12.5.4) and the choice of
 * the portal's language from it (REQ-SHARE-023): Japanese or English, or
 * whatever list of supported tags the caller gives, with a default.
 *
 *   Accept-Language = #( language-range [ weight ] )
 *   language-range  = ( 1*8ALPHA *( "-" 1*8alphanum ) ) / "*"   (RFC 4647 §2.1)
 *   weight          = OWS ";" OWS "q=" qvalue                   (RFC 9110 §12.4.2)
 *   qvalue          = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
 *
 * dsg_al_parse splits the value at ',' (RFC 9110 §5.6.1: OWS around each
 * element, empty elements ignored) and keeps the well-formed elements as
 * ranges (offset and length in the caller's buffer) with q in thousandths,
 * 1000 without a weight ("q" in either case). A malformed element (a byte
 * outside the grammar, a subtag over 8 characters, a parameter other than
 * q, a q above 1 or with 4 decimals) is skipped and counted, not fatal:
 * browsers send well-formed values, and one bad element should not cost a
 * user the rest. The value as a whole is refused past DSG_AL_LEN_MAX
 * bytes (TOO_LONG) or DSG_AL_ELEMS_MAX non-empty elements, or more
 * well-formed ranges than the caller's array holds (TOO_MANY).
 *
 * dsg_al_choose picks the supported tag of the range with the highest q,
 * ties going to the range that comes first in the header:
 * - a range other than "*" offers the first supported tag it matches,
 *   ASCII case-insensitively, where one is the other or a prefix of it
 *   ending at a '-': "ja" offers "ja-JP" (RFC 4647 §3.3.1 basic
 *   filtering) and "ja-JP" offers "ja" (the truncation of §3.4 lookup;
 *   Safari sends "ja-JP" alone);
 * - "*" offers the default;
 * - q=0 means "not acceptable" (RFC 9110 §12.4.2): a range of q=0 other
 *   than "*" refuses every tag it covers by basic filtering alone ("en;q=0"
 *   refuses "en" and "en-GB", "en-US;q=0" leaves "en"), and no range
 *   offers a refused tag; "*;q=0" refuses nothing by itself;
 * - when no range offers a tag, the default is the choice (DEFAULT): the
 *   portal must show some language (RFC 9110 §12.5.4 lets it ignore the
 *   header rather than answer 406).
 * dsg_al_select does both, and answers the default for a refused value.
 *
 * Pure: no allocation, no I/O.
 */
#ifndef DSG_CORE_ACCEPT_LANG_H
#define DSG_CORE_ACCEPT_LANG_H

#include <stddef.h>
#include <stdint.h>

#define DSG_AL_LEN_MAX 1024u    /* bytes of the header value */
#define DSG_AL_ELEMS_MAX 32u    /* non-empty elements, malformed ones included */
#define DSG_AL_TAG_MAX 16u      /* bytes of a supported tag */
#define DSG_AL_LANGS_MAX 8u     /* supported tags */
#define DSG_AL_Q_ONE 1000u      /* q=1, in thousandths */

/* A well-formed element: the range h[off .. off + len) and its q. (The
 * field types differ from size_t, and from each other, so that WP's typed
 * memory model keeps them apart from the callers' counts.) */
typedef struct dsg_al_range {
    uint32_t off;
    uint32_t len;
    uint16_t q;
} dsg_al_range;

/* A supported language tag, tag[0 .. len), e.g. { "ja", 2 }. */
typedef struct dsg_al_lang {
    char tag[DSG_AL_TAG_MAX];
    uint8_t len;
} dsg_al_lang;

typedef enum dsg_al_status {
    DSG_AL_OK = 0,              /* "ok": parsed */
    DSG_AL_MATCHED = 1,         /* "matched": a range offers the choice */
    DSG_AL_DEFAULT = 2,         /* "default": none does, the default is the choice */
    DSG_AL_ERR_TOO_LONG = 3,    /* "too-long" */
    DSG_AL_ERR_TOO_MANY = 4,    /* "too-many" */
    DSG_AL_ERR_ARGS = 5         /* "bad-args": a malformed list, default or range */
} dsg_al_status;

#include "acsl/accept_lang.acsl.h"

/* Parses the Accept-Language value h[0 .. len) into out[0 .. cap): OK with
 * *count ranges, in header order, and *skipped malformed elements. TOO_LONG,
 * TOO_MANY: *count and *skipped are 0; out may have been written.
 * @relation(REQ-SHARE-023) */
/*@ requires \valid_read(h + (0 .. len - 1));
    requires \valid(out + (0 .. cap - 1)) && \valid(count) && \valid(skipped);
    requires \separated(out + (0 .. cap - 1), count, skipped, h + (0 .. len - 1));
    assigns out[0 .. cap - 1], *count, *skipped;
    ensures \result == DSG_AL_OK || \result == DSG_AL_ERR_TOO_LONG ||
            \result == DSG_AL_ERR_TOO_MANY;
    ensures \result == DSG_AL_ERR_TOO_LONG <==> len > DSG_AL_LEN_MAX;
    ensures \result == DSG_AL_OK ==>
              *count <= cap && *count + *skipped <= DSG_AL_ELEMS_MAX &&
              dsg_al_ranges_ok(h, len, out, *count);
    ensures \result != DSG_AL_OK ==> *count == 0 && *skipped == 0;
*/
__attribute__((warn_unused_result))
dsg_al_status dsg_al_parse(const char *h, size_t len, dsg_al_range *out, size_t cap,
                           size_t *count, size_t *skipped);

/* The C twin of dsg_al_langs_ok. @relation(REQ-SHARE-023) */
/*@ requires \valid_read(langs + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 1 <==> dsg_al_langs_ok(langs, n);
    ensures \result == 0 || \result == 1;
*/
int dsg_al_langs_is_valid(const dsg_al_lang *langs, size_t n);

/* Chooses among langs[0 .. n) for the ranges r[0 .. count) of h[0 .. len),
 * as the file comment says: MATCHED with *which the deciding range, or
 * DEFAULT with *choice == dflt. ARGS, nothing written: langs not
 * dsg_al_langs_ok, dflt >= n, or a range not dsg_al_range_ok.
 * @relation(REQ-SHARE-023) */
/*@ requires \valid_read(h + (0 .. len - 1));
    requires \valid_read(r + (0 .. count - 1));
    requires \valid_read(langs + (0 .. n - 1));
    requires \valid(choice) && \valid(which) && \separated(choice, which);
    requires \separated(choice, h + (0 .. len - 1), r + (0 .. count - 1), langs + (0 .. n - 1));
    requires \separated(which, h + (0 .. len - 1), r + (0 .. count - 1), langs + (0 .. n - 1));
    assigns *choice, *which;
    ensures \result == DSG_AL_MATCHED || \result == DSG_AL_DEFAULT ==> *choice < n;
    ensures \result == DSG_AL_DEFAULT ==> *choice == dflt;
    behavior bad_args:
      assumes !dsg_al_langs_ok(langs, n) || dflt >= n || !dsg_al_ranges_ok(h, len, r, count);
      assigns \nothing;
      ensures \result == DSG_AL_ERR_ARGS;
    behavior chosen:
      assumes dsg_al_langs_ok(langs, n) && dflt < n && dsg_al_ranges_ok(h, len, r, count);
      ensures \result == DSG_AL_MATCHED || \result == DSG_AL_DEFAULT;
      ensures \result == DSG_AL_DEFAULT ==>
                \forall integer j; 0 <= j < count ==>
                  !dsg_al_offers_any{Pre}(h, r, count, j, langs, n, dflt);
      ensures \result == DSG_AL_MATCHED ==>
                \let w = *which; \let c = *choice;
                w < count && dsg_al_offers{Pre}(h, r, count, w, langs, c, dflt) &&
                (\forall integer j; 0 <= j < count &&
                   (\at(r[j].q, Pre) > \at(r[w].q, Pre) ||
                    (j < w && \at(r[j].q, Pre) == \at(r[w].q, Pre))) ==>
                   !dsg_al_offers_any{Pre}(h, r, count, j, langs, n, dflt));
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_al_status dsg_al_choose(const char *h, size_t len, const dsg_al_range *r, size_t count,
                            const dsg_al_lang *langs, size_t n, size_t dflt, size_t *choice,
                            size_t *which);

/* Parses h[0 .. len) and chooses among langs[0 .. n): MATCHED or DEFAULT as
 * dsg_al_choose; TOO_LONG or TOO_MANY with *choice == dflt; ARGS (langs
 * not dsg_al_langs_ok or dflt >= n) with *choice untouched.
 * @relation(REQ-SHARE-023) */
/*@ requires \valid_read(h + (0 .. len - 1));
    requires \valid_read(langs + (0 .. n - 1));
    requires \valid(choice);
    requires \separated(choice, h + (0 .. len - 1), langs + (0 .. n - 1));
    assigns *choice;
    behavior bad_args:
      assumes !dsg_al_langs_ok(langs, n) || dflt >= n;
      assigns \nothing;
      ensures \result == DSG_AL_ERR_ARGS;
    behavior chosen:
      assumes dsg_al_langs_ok(langs, n) && dflt < n;
      ensures \result == DSG_AL_MATCHED || \result == DSG_AL_DEFAULT ||
              \result == DSG_AL_ERR_TOO_LONG || \result == DSG_AL_ERR_TOO_MANY;
      ensures *choice < n;
      ensures \result != DSG_AL_MATCHED ==> *choice == dflt;
      ensures \result == DSG_AL_ERR_TOO_LONG <==> len > DSG_AL_LEN_MAX;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_al_status dsg_al_select(const char *h, size_t len, const dsg_al_lang *langs, size_t n,
                            size_t dflt, size_t *choice);

/* A stable, lowercase token for a status, e.g. "too-many".
 * @relation(REQ-SHARE-023) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_al_status_token(dsg_al_status status);

#endif
