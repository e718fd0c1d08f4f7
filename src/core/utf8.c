/*
 * Strict UTF-8 decoding (Unicode 15.0, section 3.9, table 3-7), one code
 * point at a time. See utf8.h for the contract.
 */
#include "core/utf8.h"

/*@ assigns \nothing;
    ensures \result == 1 <==> lo <= b <= hi;
    ensures \result == 0 || \result == 1;
*/
static int in_range(uint8_t b, uint8_t lo, uint8_t hi)
{
    return b >= lo && b <= hi;
}

/* The multi-byte forms of Unicode 15.0, table 3-7 (no overlong forms, no
 * surrogates, nothing above U+10FFFF): the lead byte p[0] is already in
 * range, each helper checks the rest and returns the length, or 0. */

/*@ requires \valid_read(p + (0 .. 1)) && \valid(cp) && \separated(cp, p + (0 .. 1));
    requires 0xC2 <= p[0] <= 0xDF;
    assigns *cp;
    ensures \result == 0 || \result == 2;
    ensures \result == 2 ==> p[1] >= 0x80 && 0x80 <= *cp <= 0x10FFFF;
*/
static size_t utf8_decode2(const uint8_t *p, uint32_t *cp)
{
    if (!in_range(p[1], 0x80u, 0xBFu))
        return 0;
    *cp = ((uint32_t)p[0] - 0xC0u) * 64u + ((uint32_t)p[1] - 0x80u);
    return 2;
}

/*@ requires \valid_read(p + (0 .. 2)) && \valid(cp) && \separated(cp, p + (0 .. 2));
    requires 0xE0 <= p[0] <= 0xEF;
    assigns *cp;
    ensures \result == 0 || \result == 3;
    ensures \result == 3 ==> p[1] >= 0x80 && p[2] >= 0x80 && 0x80 <= *cp <= 0x10FFFF;
*/
static size_t utf8_decode3(const uint8_t *p, uint32_t *cp)
{
    uint8_t lo = p[0] == 0xE0u ? 0xA0u : 0x80u;   /* no overlong forms */
    uint8_t hi = p[0] == 0xEDu ? 0x9Fu : 0xBFu;   /* no surrogates */
    if (!in_range(p[1], lo, hi) || !in_range(p[2], 0x80u, 0xBFu))
        return 0;
    *cp = ((uint32_t)p[0] - 0xE0u) * 4096u + ((uint32_t)p[1] - 0x80u) * 64u +
          ((uint32_t)p[2] - 0x80u);
    return 3;
}

/*@ requires \valid_read(p + (0 .. 3)) && \valid(cp) && \separated(cp, p + (0 .. 3));
    requires 0xF0 <= p[0] <= 0xF4;
    assigns *cp;
    ensures \result == 0 || \result == 4;
    ensures \result == 4 ==> p[1] >= 0x80 && p[2] >= 0x80 && p[3] >= 0x80 &&
                              0x80 <= *cp <= 0x10FFFF;
*/
static size_t utf8_decode4(const uint8_t *p, uint32_t *cp)
{
    uint8_t lo = p[0] == 0xF0u ? 0x90u : 0x80u;   /* no overlong forms */
    uint8_t hi = p[0] == 0xF4u ? 0x8Fu : 0xBFu;   /* nothing above U+10FFFF */
    if (!in_range(p[1], lo, hi) || !in_range(p[2], 0x80u, 0xBFu) ||
        !in_range(p[3], 0x80u, 0xBFu))
        return 0;
    *cp = ((uint32_t)p[0] - 0xF0u) * 262144u + ((uint32_t)p[1] - 0x80u) * 4096u +
          ((uint32_t)p[2] - 0x80u) * 64u + ((uint32_t)p[3] - 0x80u);
    return 4;
}

size_t dsg_utf8_decode(const uint8_t *s, size_t len, size_t pos, uint32_t *cp)
{
    if (pos >= len)
        return 0;
    const uint8_t *p = s + pos;
    size_t avail = len - pos;
    if (p[0] < 0x80u) {
        *cp = p[0];
        return 1;
    }
    if (p[0] >= 0xC2u && p[0] <= 0xDFu && avail >= 2u)
        return utf8_decode2(p, cp);
    if (p[0] >= 0xE0u && p[0] <= 0xEFu && avail >= 3u)
        return utf8_decode3(p, cp);
    if (p[0] >= 0xF0u && p[0] <= 0xF4u && avail >= 4u)
        return utf8_decode4(p, cp);
    return 0;
}
