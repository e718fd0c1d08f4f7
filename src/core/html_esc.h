/*
 * The HTML escaper of the web portal (REQ-SHARE-023): every dynamic value
 * (a file or folder name, a user's name, a search string) goes through it
 * before it is placed in HTML text or in a quoted attribute value.
 *
 *   &  ->  &amp;     <  ->  &lt;     >  ->  &gt;
 *   "  ->  &quot;    '  ->  &#39;    any other byte: itself
 *
 * The same escape serves text and attributes: with none of < > " ' left
 * and every & the start of one of the five references, a value can neither
 * open a tag nor leave a double- or single-quoted attribute value (HTML
 * Living Standard, tokenization: the data, RCDATA and attribute value
 * (double-quoted) and (single-quoted) states end only at those bytes). It
 * does not make a value safe in an unquoted attribute, a URL, a script or
 * a style: the portal puts dynamic values in none of those.
 *
 * The value must be strict UTF-8 (Unicode 15.0 table 3-7, the decoder of
 * src/core/utf8.h) free of HTML's control code points other than TAB, LF
 * and CR: a C0 control, DEL or a C1 control (U+0080..U+009F) is refused,
 * and so is an ill-formed sequence, with the offset of the first offending
 * byte. Nothing is replaced: every value the portal shows has passed the
 * file-name policy or another check that refuses these already, so a
 * refusal means a bug to report, and a silent U+FFFD would show two
 * different names (a\xFE.pdf, a\xFF.pdf) as the same one. The escape of
 * an accepted value is exactly that value once the five references are
 * read back.
 *
 * The output is never cut short: when it does not fit, nothing is written
 * and the length it needs is given. Pure: no allocation, no I/O.
 */
#ifndef DSG_CORE_HTML_ESC_H
#define DSG_CORE_HTML_ESC_H

#include <stddef.h>
#include <stdint.h>

/* The longest value accepted, in bytes: its escape (at most 6 bytes a
 * byte, &quot;) stays far below SIZE_MAX. */
#define DSG_HTML_IN_MAX ((size_t)1 << 20)

typedef enum dsg_html_status {
    DSG_HTML_OK = 0,              /* "ok" */
    DSG_HTML_ERR_TOO_LONG = 1,    /* "too-long": more than DSG_HTML_IN_MAX bytes */
    DSG_HTML_ERR_UTF8 = 2,        /* "bad-utf8": an ill-formed or cut sequence */
    DSG_HTML_ERR_CONTROL = 3,     /* "control": C0 but TAB LF CR, DEL, C1 */
    DSG_HTML_ERR_ROOM = 4         /* "no-room": the escape does not fit */
} dsg_html_status;

#include "acsl/html_esc.acsl.h"

/* The length of the escape of s[0 .. len) in *outlen. TOO_LONG, BAD_UTF8,
 * CONTROL: *outlen untouched and *bad the offset of the first offending
 * byte (DSG_HTML_IN_MAX for TOO_LONG). @relation(REQ-SHARE-023) */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(outlen) && \valid(bad) && \separated(outlen, bad);
    requires \separated(outlen, s + (0 .. len - 1)) && \separated(bad, s + (0 .. len - 1));
    assigns *outlen, *bad;
    ensures \result == DSG_HTML_OK || \result == DSG_HTML_ERR_TOO_LONG ||
            \result == DSG_HTML_ERR_UTF8 || \result == DSG_HTML_ERR_CONTROL;
    ensures \result == DSG_HTML_OK ==>
              len <= DSG_HTML_IN_MAX && dsg_html_clean(s, len) &&
              *outlen == dsg_html_out_len(s, len) && len <= *outlen <= 6 * len &&
              *bad == \old(*bad);
    ensures \result == DSG_HTML_ERR_TOO_LONG ==>
              len > DSG_HTML_IN_MAX && *bad == DSG_HTML_IN_MAX;
    ensures (\result == DSG_HTML_ERR_UTF8 || \result == DSG_HTML_ERR_CONTROL) ==> *bad < len;
    ensures \result == DSG_HTML_ERR_CONTROL ==>
              !dsg_html_allowed(s[*bad]) || dsg_html_c1_at(s, len, *bad);
    ensures \result != DSG_HTML_OK ==> *outlen == \old(*outlen);
*/
__attribute__((warn_unused_result))
dsg_html_status dsg_html_escaped_len(const uint8_t *s, size_t len, size_t *outlen,
                                     size_t *bad);

/* Writes the escape of s[0 .. len) into out[0 .. cap), without a NUL, its
 * length in *outlen. The errors of dsg_html_escaped_len, and ROOM when the
 * escape is longer than cap: *outlen is then the length it needs. On any
 * error nothing is written to out. @relation(REQ-SHARE-023) */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(out + (0 .. cap - 1));
    requires \valid(outlen) && \valid(bad) && \separated(outlen, bad);
    requires \separated(outlen, s + (0 .. len - 1)) && \separated(bad, s + (0 .. len - 1));
    requires \separated(out + (0 .. cap - 1), outlen, bad);
    requires \separated(out + (0 .. cap - 1), s + (0 .. len - 1));
    assigns out[0 .. cap - 1], *outlen, *bad;
    ensures \result == DSG_HTML_OK || \result == DSG_HTML_ERR_TOO_LONG ||
            \result == DSG_HTML_ERR_UTF8 || \result == DSG_HTML_ERR_CONTROL ||
            \result == DSG_HTML_ERR_ROOM;
    ensures \result == DSG_HTML_OK ==>
              len <= DSG_HTML_IN_MAX && dsg_html_clean(s, len) &&
              *outlen == dsg_html_out_len(s, len) && len <= *outlen <= 6 * len &&
              *outlen <= cap && dsg_html_safe(out, *outlen) &&
              dsg_html_escapes(s, len, out) && *bad == \old(*bad);
    ensures \result == DSG_HTML_ERR_ROOM ==>
              *outlen == dsg_html_out_len(s, len) && *outlen > cap &&
              dsg_html_clean(s, len) && *bad == \old(*bad);
    ensures \result == DSG_HTML_ERR_TOO_LONG ==>
              len > DSG_HTML_IN_MAX && *bad == DSG_HTML_IN_MAX;
    ensures (\result == DSG_HTML_ERR_UTF8 || \result == DSG_HTML_ERR_CONTROL) ==> *bad < len;
    ensures \result == DSG_HTML_ERR_CONTROL ==>
              !dsg_html_allowed(s[*bad]) || dsg_html_c1_at(s, len, *bad);
    ensures \result != DSG_HTML_OK && \result != DSG_HTML_ERR_ROOM ==>
              *outlen == \old(*outlen);
    ensures \result != DSG_HTML_OK ==>
              \forall integer k; 0 <= k < cap ==> out[k] == \old(out[k]);
*/
__attribute__((warn_unused_result))
dsg_html_status dsg_html_escape(const uint8_t *s, size_t len, char *out, size_t cap,
                                size_t *outlen, size_t *bad);

/* A stable, lowercase token for a status, e.g. "bad-utf8".
 * @relation(REQ-SHARE-023) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_html_status_token(dsg_html_status status);

#endif
