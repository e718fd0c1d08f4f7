/*
 * base64url without padding (RFC 4648 §5): the contract is in b64url.h,
 * the logic in acsl/b64url.acsl.h.
 *
 * Bits are taken with / and % by powers of two, as the logic states them
 * (the compiler turns them into shifts and masks on unsigned operands).
 */
#include "core/b64url.h"

/* The character of sextet x. */
/*@ requires x < 64;
    assigns \nothing;
    ensures \result == dsg_b64url_sym(x);
    ensures dsg_b64url_val(\result) == x;
*/
static char sym(unsigned x)
{
    if (x < 26)
        return (char)('A' + x);
    if (x < 52)
        return (char)('a' + (x - 26));
    if (x < 62)
        return (char)('0' + (x - 52));
    return x == 62 ? '-' : '_';
}

/* The sextet of character c, -1 outside the alphabet. */
/*@ assigns \nothing;
    ensures \result == dsg_b64url_val(c);
    ensures -1 <= \result < 64;
*/
static int val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

size_t dsg_b64url_encoded_len(size_t n)
{
    if (n > 3 * (SIZE_MAX / 4))
        return 0;
    size_t tail = n % 3;
    return 4 * (n / 3) + (tail == 0 ? 0 : tail + 1);
}

/* Encodes the three bytes in[3g .. 3g+2] as out[4g .. 4g+3]. */
/*@ requires 4 * g + 3 <= SIZE_MAX;
    requires \valid_read(in + (3 * g .. 3 * g + 2));
    requires \valid(out + (4 * g .. 4 * g + 3));
    requires \separated(in + (3 * g .. 3 * g + 2), out + (4 * g .. 4 * g + 3));
    assigns out[4 * g .. 4 * g + 3];
    ensures \forall integer k; 4 * g <= k < 4 * g + 4 ==> dsg_b64url_alpha(out[k]);
    ensures dsg_b64url_byte(out, g, 0) == in[3 * g];
    ensures dsg_b64url_byte(out, g, 1) == in[3 * g + 1];
    ensures dsg_b64url_byte(out, g, 2) == in[3 * g + 2];
*/
static void put_group(const uint8_t *in, char *out, size_t g)
{
    unsigned b0 = in[3 * g], b1 = in[3 * g + 1], b2 = in[3 * g + 2];
    unsigned s0 = b0 / 4, s1 = b0 % 4 * 16 + b1 / 16;
    unsigned s2 = b1 % 16 * 4 + b2 / 64, s3 = b2 % 64;
    /*@ assert s1 / 16 == b0 % 4 && s1 % 16 == b1 / 16; */
    /*@ assert s2 / 4 == b1 % 16 && s2 % 4 == b2 / 64; */
    /*@ assert 4 * s0 + s1 / 16 == b0; */
    /*@ assert 16 * (s1 % 16) + s2 / 4 == b1; */
    /*@ assert 64 * (s2 % 4) + s3 == b2; */
    out[4 * g] = sym(s0);
    out[4 * g + 1] = sym(s1);
    out[4 * g + 2] = sym(s2);
    out[4 * g + 3] = sym(s3);
    /*@ assert dsg_b64url_val(out[4 * g]) == s0 && dsg_b64url_val(out[4 * g + 1]) == s1; */
    /*@ assert dsg_b64url_val(out[4 * g + 2]) == s2 && dsg_b64url_val(out[4 * g + 3]) == s3; */
}

/* Encodes the last one or two bytes in[3g .. n) as out[4g .. 4g + n - 3g],
 * the unused low bits zero. */
/*@ requires n % 3 != 0 && g == n / 3 && 4 * g + 2 <= SIZE_MAX;
    requires \valid_read(in + (3 * g .. n - 1));
    requires \valid(out + (4 * g .. 4 * g + n % 3));
    requires \separated(in + (3 * g .. n - 1), out + (4 * g .. 4 * g + n % 3));
    assigns out[4 * g .. 4 * g + n % 3];
    ensures \forall integer k; 4 * g <= k <= 4 * g + n % 3 ==> dsg_b64url_alpha(out[k]);
    ensures dsg_b64url_byte(out, g, 0) == in[3 * g];
    ensures n % 3 == 2 ==> dsg_b64url_byte(out, g, 1) == in[3 * g + 1];
    ensures n % 3 == 1 ==> dsg_b64url_val(out[4 * g + 1]) % 16 == 0;
    ensures n % 3 == 2 ==> dsg_b64url_val(out[4 * g + 2]) % 4 == 0;
*/
static void put_tail(const uint8_t *in, size_t n, char *out, size_t g)
{
    unsigned b0 = in[3 * g];
    out[4 * g] = sym(b0 / 4);
    if (n % 3 == 1) {
        /*@ assert (b0 % 4 * 16) / 16 == b0 % 4 && (b0 % 4 * 16) % 16 == 0; */
        out[4 * g + 1] = sym(b0 % 4 * 16);
        return;
    }
    unsigned b1 = in[3 * g + 1];
    unsigned s1 = b0 % 4 * 16 + b1 / 16, s2 = b1 % 16 * 4;
    /*@ assert s1 / 16 == b0 % 4 && s1 % 16 == b1 / 16; */
    /*@ assert s2 / 4 == b1 % 16 && s2 % 4 == 0; */
    out[4 * g + 1] = sym(s1);
    out[4 * g + 2] = sym(s2);
}

dsg_b64url_status dsg_b64url_encode(const uint8_t *in, size_t n, char *out, size_t cap,
                                    size_t *out_len)
{
    size_t groups = n / 3;
    size_t tail = n % 3;
    if (groups > cap / 4)
        return DSG_B64URL_ERR_ROOM;
    size_t need = 4 * groups + (tail == 0 ? 0 : tail + 1);
    if (need > cap)
        return DSG_B64URL_ERR_ROOM;
    /*@ loop invariant 0 <= g <= groups;
        loop invariant \forall integer k; 0 <= k < 4 * g ==> dsg_b64url_alpha(out[k]);
        loop invariant dsg_b64url_groups(out, in, g);
        loop assigns g, out[0 .. 4 * groups - 1];
        loop variant groups - g;
    */
    for (size_t g = 0; g < groups; g++)
        put_group(in, out, g);
    if (tail != 0)
        put_tail(in, n, out, groups);
    /*@ assert \forall integer j; 0 <= j < 3 * groups ==>
          in[j] == dsg_b64url_byte(out, j / 3, j % 3); */
    /*@ assert \forall integer j; 3 * groups <= j < n ==> j / 3 == groups && j % 3 == j - 3 * groups; */
    *out_len = need;
    return DSG_B64URL_OK;
}

/* The offset of the first byte of in[0 .. len) outside the alphabet, or len. */
/*@ requires \valid_read(in + (0 .. len - 1));
    assigns \nothing;
    ensures \result <= len;
    ensures dsg_b64url_all_alpha(in, \result);
    ensures \result < len ==> !dsg_b64url_alpha(in[\result]);
*/
static size_t first_bad(const char *in, size_t len)
{
    /*@ loop invariant 0 <= i <= len;
        loop invariant dsg_b64url_all_alpha(in, i);
        loop assigns i;
        loop variant len - i;
    */
    for (size_t i = 0; i < len; i++)
        if (val(in[i]) < 0)
            return i;
    return len;
}

/* 1 when the unused bits of the last character are zero (len % 4 != 1,
 * every character in the alphabet). */
/*@ requires \valid_read(in + (0 .. len - 1));
    requires dsg_b64url_all_alpha(in, len) && len % 4 != 1;
    assigns \nothing;
    ensures \result == 1 <==> dsg_b64url_tail_zero(in, len);
    ensures \result == 0 || \result == 1;
*/
static int tail_zero(const char *in, size_t len)
{
    if (len % 4 == 2)
        return val(in[len - 1]) % 16 == 0;
    if (len % 4 == 3)
        return val(in[len - 1]) % 4 == 0;
    return 1;
}

/* Decodes the four characters in[4g .. 4g+3] into out[3g .. 3g+2]. */
/*@ requires 4 * g + 3 <= SIZE_MAX;
    requires \valid_read(in + (4 * g .. 4 * g + 3));
    requires \valid(out + (3 * g .. 3 * g + 2));
    requires \separated(in + (4 * g .. 4 * g + 3), out + (3 * g .. 3 * g + 2));
    requires \forall integer k; 4 * g <= k < 4 * g + 4 ==> dsg_b64url_alpha(in[k]);
    assigns out[3 * g .. 3 * g + 2];
    ensures out[3 * g] == dsg_b64url_byte(in, g, 0);
    ensures out[3 * g + 1] == dsg_b64url_byte(in, g, 1);
    ensures out[3 * g + 2] == dsg_b64url_byte(in, g, 2);
*/
static void take_group(const char *in, uint8_t *out, size_t g)
{
    unsigned s0 = (unsigned)val(in[4 * g]), s1 = (unsigned)val(in[4 * g + 1]);
    unsigned s2 = (unsigned)val(in[4 * g + 2]), s3 = (unsigned)val(in[4 * g + 3]);
    out[3 * g] = (uint8_t)(s0 * 4 + s1 / 16);
    out[3 * g + 1] = (uint8_t)(s1 % 16 * 16 + s2 / 4);
    out[3 * g + 2] = (uint8_t)(s2 % 4 * 64 + s3);
}

/* Decodes the last two or three characters in[4g .. len) into one or two
 * bytes out[3g ..]. */
/*@ requires len % 4 == 2 || len % 4 == 3;
    requires g == len / 4;
    requires \valid_read(in + (4 * g .. len - 1));
    requires \valid(out + (3 * g .. 3 * g + len % 4 - 2));
    requires \separated(in + (4 * g .. len - 1), out + (3 * g .. 3 * g + len % 4 - 2));
    requires \forall integer k; 4 * g <= k < len ==> dsg_b64url_alpha(in[k]);
    assigns out[3 * g .. 3 * g + len % 4 - 2];
    ensures out[3 * g] == dsg_b64url_byte(in, g, 0);
    ensures len % 4 == 3 ==> out[3 * g + 1] == dsg_b64url_byte(in, g, 1);
*/
static void take_tail(const char *in, size_t len, uint8_t *out, size_t g)
{
    unsigned s0 = (unsigned)val(in[4 * g]), s1 = (unsigned)val(in[4 * g + 1]);
    out[3 * g] = (uint8_t)(s0 * 4 + s1 / 16);
    if (len % 4 == 3) {
        unsigned s2 = (unsigned)val(in[4 * g + 2]);
        out[3 * g + 1] = (uint8_t)(s1 % 16 * 16 + s2 / 4);
    }
}

/* Writes dsg_b64url_dec_len(len) bytes: the input is known canonical. */
/*@ requires \valid_read(in + (0 .. len - 1));
    requires dsg_b64url_ok(in, len);
    requires \valid(out + (0 .. dsg_b64url_dec_len(len) - 1));
    requires \separated(in + (0 .. len - 1), out + (0 .. dsg_b64url_dec_len(len) - 1));
    assigns out[0 .. dsg_b64url_dec_len(len) - 1];
    ensures dsg_b64url_decodes(in, out, dsg_b64url_dec_len(len));
*/
static void decode_all(const char *in, size_t len, uint8_t *out)
{
    size_t groups = len / 4;
    /*@ loop invariant 0 <= g <= groups;
        loop invariant dsg_b64url_groups(in, out, g);
        loop assigns g, out[0 .. 3 * groups - 1];
        loop variant groups - g;
    */
    for (size_t g = 0; g < groups; g++)
        take_group(in, out, g);
    if (len % 4 != 0)
        take_tail(in, len, out, groups);
    /*@ assert \forall integer j; 0 <= j < 3 * groups ==>
          out[j] == dsg_b64url_byte(in, j / 3, j % 3); */
    /*@ assert \forall integer j; 3 * groups <= j < dsg_b64url_dec_len(len) ==>
          j / 3 == groups && j % 3 == j - 3 * groups; */
}

dsg_b64url_status dsg_b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap,
                                    size_t *out_len, size_t *err_at)
{
    *out_len = 0;
    size_t bad = first_bad(in, len);
    if (bad < len) {
        *err_at = bad;
        return DSG_B64URL_ERR_BYTE;
    }
    if (len % 4 == 1) {
        *err_at = len;
        return DSG_B64URL_ERR_LENGTH;
    }
    if (!tail_zero(in, len)) {
        *err_at = len - 1;
        return DSG_B64URL_ERR_TRAILING_BITS;
    }
    /* no overflow: at most 3 bytes for 4 characters */
    size_t need = 3 * (len / 4) + (len % 4 == 0 ? 0 : len % 4 - 1);
    if (need > cap) {
        *err_at = 0;
        return DSG_B64URL_ERR_ROOM;
    }
    decode_all(in, len, out);
    *out_len = need;
    return DSG_B64URL_OK;
}

int dsg_b64url_is_valid(const char *in, size_t len)
{
    if (first_bad(in, len) < len || len % 4 == 1)
        return 0;
    return tail_zero(in, len);
}

const char *dsg_b64url_status_token(dsg_b64url_status status)
{
    switch (status) {
    case DSG_B64URL_OK:
        return "ok";
    case DSG_B64URL_ERR_BYTE:
        return "bad-byte";
    case DSG_B64URL_ERR_LENGTH:
        return "bad-length";
    case DSG_B64URL_ERR_TRAILING_BITS:
        return "trailing-bits";
    case DSG_B64URL_ERR_ROOM:
        return "no-room";
    default:
        return "unknown";
    }
}
