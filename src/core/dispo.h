/*
 * The Content-Disposition value of a download (RFC 6266 §4.1, §4.3; RFC
 * 8187, which obsoletes RFC 5987), for REQ-SHARE-013: a stored file is
 * always sent as an attachment, never shown inline on the portal's origin,
 * under its own name, Japanese names included:
 *
 *   attachment; filename="<ASCII fallback>"; filename*=UTF-8''<name>
 *
 * - filename* carries every byte of the name: an RFC 8187 attr-char
 *   (ALPHA DIGIT ! # $ & + - . ^ _ ` | ~) as itself, every other byte as
 *   %XX in upper-case hex (設計書.pdf -> %E8%A8%AD%E8%A8%88%E6%9B%B8.pdf);
 * - filename, for the user agents that ignore filename* (RFC 6266 §4.3),
 *   keeps printable ASCII but '"', '\' and '%' and writes '_' for each of
 *   those, each control byte, each well-formed multi-byte UTF-8 sequence
 *   and each other byte >= 0x80 (設計書.pdf -> ___.pdf). '%' goes too:
 *   some user agents percent-decode filename (RFC 6266 Appendix D).
 *
 * The name is meant to have passed the file-name policy already
 * (src/share/name_policy.h), but nothing here relies on it: whatever the
 * bytes, the value is printable ASCII, so no name can inject CR LF or end
 * the header. Pure: no allocation, no I/O.
 */
#ifndef DSG_CORE_DISPO_H
#define DSG_CORE_DISPO_H

#include <stddef.h>
#include <stdint.h>

#include "acsl/dispo.acsl.h"

/* Writes the Content-Disposition value for a download of the file called
 * name[0 .. len) into out, NUL-terminated: returns 0 with *outlen the
 * length before the NUL, every byte of it printable ASCII, the value
 * starting with "attachment;". Returns -1 when
 * the value and its NUL do not fit in cap bytes: *outlen is untouched and
 * out holds the empty string (when cap > 0); nothing is written at or past
 * out[cap]. @relation(REQ-SHARE-013) */
/*@ requires \valid_read(name + (0 .. len - 1));
    requires \valid(out + (0 .. cap - 1)) && \valid(outlen);
    requires \separated(out + (0 .. cap - 1), outlen, name + (0 .. len - 1));
    requires \separated(outlen, name + (0 .. len - 1));
    assigns out[0 .. cap - 1], *outlen;
    behavior no_buffer:
      assumes cap == 0;
      assigns \nothing;
      ensures \result == -1;
    behavior buffer:
      assumes cap > 0;
      ensures \result == 0 || \result == -1;
      ensures \result == 0 ==> *outlen < cap && out[*outlen] == 0;
      ensures \result == 0 ==> dsg_dispo_text(out, *outlen);
      ensures \result == 0 ==> *outlen >= 42 + len;
      ensures \result == 0 ==> dsg_dispo_is_attachment(out);
      ensures \result == -1 ==> *outlen == \old(*outlen) && out[0] == 0;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
int dsg_dispo_attachment(const uint8_t *name, size_t len, char *out, size_t cap,
                         size_t *outlen);

#endif
