/*
 * base32 without padding (RFC 4648 §6): the contract is in b32.h.
 * Five bytes make eight 5-bit groups; a final 1..4 bytes are zero-extended
 * to five and give the first 2, 4, 5 or 7 characters of their group.
 */
#include "core/b32.h"

/* The character of quintet x. */
/*@ requires x < 32;
    assigns \nothing;
    ensures dsg_b32_alpha(\result);
*/
static char sym(unsigned x)
{
    return x < 26 ? (char)('A' + x) : (char)('2' + (x - 26));
}

/* Writes the first `count` (1..8) characters of the encoding of the five
 * bytes b0..b4 at out[at ..]. */
/*@ requires 1 <= count <= 8;
    requires at + count <= SIZE_MAX;
    requires \valid_read(b + (0 .. 4));
    requires \valid(out + (at .. at + count - 1));
    requires \separated(b + (0 .. 4), out + (at .. at + count - 1));
    assigns out[at .. at + count - 1];
    ensures \forall integer k; at <= k < at + count ==> dsg_b32_alpha(out[k]);
*/
static void put_group(const uint8_t b[5], char *out, size_t at, unsigned count)
{
    unsigned q[8];
    q[0] = b[0] / 8u;
    q[1] = b[0] % 8u * 4u + b[1] / 64u;
    q[2] = b[1] / 2u % 32u;
    q[3] = b[1] % 2u * 16u + b[2] / 16u;
    q[4] = b[2] % 16u * 2u + b[3] / 128u;
    q[5] = b[3] / 4u % 32u;
    q[6] = b[3] % 4u * 8u + b[4] / 32u;
    q[7] = b[4] % 32u;
    /*@ loop invariant 0 <= k <= count;
        loop invariant \forall integer j; at <= j < at + k ==> dsg_b32_alpha(out[j]);
        loop assigns k, out[at .. at + count - 1];
        loop variant count - k;
    */
    for (unsigned k = 0; k < count; k++)
        out[at + k] = sym(q[k]);
}

int dsg_b32_encode(const uint8_t *in, size_t n, char *out, size_t cap, size_t *out_len)
{
    size_t groups = n / 5, tail = n % 5;
    if (groups > cap / 8)
        return -1;
    /* characters for a final 1, 2, 3 or 4 bytes */
    size_t extra = tail == 0 ? 0 : tail == 1 ? 2 : tail == 2 ? 4 : tail == 3 ? 5 : 7;
    size_t need = 8 * groups + extra;
    if (need > cap)
        return -1;
    /*@ loop invariant 0 <= g <= groups;
        loop invariant \forall integer k; 0 <= k < 8 * g ==> dsg_b32_alpha(out[k]);
        loop assigns g, out[0 .. 8 * groups - 1];
        loop variant groups - g;
    */
    for (size_t g = 0; g < groups; g++) {
        uint8_t b[5] = { in[5 * g], in[5 * g + 1], in[5 * g + 2], in[5 * g + 3], in[5 * g + 4] };
        put_group(b, out, 8 * g, 8);
    }
    if (extra != 0) {
        uint8_t b[5] = { 0, 0, 0, 0, 0 };
        /*@ loop invariant 0 <= k <= tail;
            loop assigns k, b[0 .. 4];
            loop variant tail - k;
        */
        for (size_t k = 0; k < tail; k++)
            b[k] = in[5 * groups + k];
        put_group(b, out, 8 * groups, (unsigned)extra);
    }
    *out_len = need;
    return 0;
}
