/*
 * Strict UTF-8 decoding, shared by every parser that judges or shows text
 * (file names, later headers, logs). Pure: no allocation, no I/O.
 */
#ifndef DSG_CORE_UTF8_H
#define DSG_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (1..4) of the well-formed UTF-8 sequence at s[pos..len) and its
 * code point in *cp; 0 when the sequence is ill-formed (overlong, surrogate,
 * above U+10FFFF, stray continuation byte) or cut short, or pos >= len.
 * @relation(REQ-SHARE-003, REQ-SHARE-005) */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(cp);
    requires \separated(cp, s + (0 .. len - 1));
    assigns *cp;
    ensures 0 <= \result <= 4;
    ensures \result > 0 ==> pos < len && \result <= len - pos;
    ensures \result == 1 ==> s[pos] < 0x80 && *cp == s[pos];
    ensures \result >= 2 ==> 0x80 <= *cp <= 0x10FFFF;
    ensures \result >= 2 ==>
              \forall integer k; pos <= k < pos + \result ==> s[k] >= 0x80;
*/
__attribute__((warn_unused_result))
size_t dsg_utf8_decode(const uint8_t *s, size_t len, size_t pos, uint32_t *cp);

#endif
