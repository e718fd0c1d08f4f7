/*
 * JSON writer (REQ-RUN-038). See json_out.h for the rules and the contract;
 * acsl/PROOFS.md for what is proved.
 *
 * Every byte goes out through put(), which checks the room left and takes
 * only clean bytes (>= 0x20, not DEL); strings reach it one escape or one
 * UTF-8 sequence at a time. An error sets `failed`, and every public call
 * on a failed writer returns -1 at once, so nothing is ever appended after
 * an error.
 */
#include "core/json_out.h"

#include "core/utf8.h"

#define BIT(c) ((int)(c))

/*@ predicate ready{L}(dsg_json_out *w) =
      dsg_json_out_mem(w) && dsg_json_out_shape(w) && w->failed == 0;
*/

void dsg_json_out_init(dsg_json_out *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->depth = 0;
    w->need_comma = 0;
    w->after_key = 0;
    w->top_done = 0;
    w->failed = 0;
}

int dsg_json_out_is_valid(const dsg_json_out *w)
{
    return BIT(w->len <= w->cap) & BIT(w->depth <= DSG_JSON_DEPTH_MAX) &
           BIT(w->failed <= 1u) & BIT(w->need_comma <= 1u) &
           BIT(w->after_key <= 1u) & BIT(w->top_done <= 1u);
}

/* ---- bytes ------------------------------------------------------------------ */

/*@ requires ready(w);
    assigns w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result) && \result == -1;
*/
static int fail(dsg_json_out *w)
{
    w->failed = 1;
    return -1;
}

/* Appends one clean byte, or fails when the buffer is full. */
/*@ requires ready(w) && dsg_json_clean_byte(c);
    assigns w->buf[0 .. w->cap - 1], w->len, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
    ensures \result == 0 ==> w->failed == 0;
*/
static int put(dsg_json_out *w, uint8_t c)
{
    if (w->len >= w->cap)
        return fail(w);
    w->buf[w->len] = c;
    w->len++;
    return 0;
}

/*@ requires ready(w) && dsg_json_clean_byte(a) && dsg_json_clean_byte(b);
    assigns w->buf[0 .. w->cap - 1], w->len, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
    ensures \result == 0 ==> w->failed == 0;
*/
static int put2(dsg_json_out *w, uint8_t a, uint8_t b)
{
    if (put(w, a) != 0)
        return -1;
    return put(w, b);
}

/* A lowercase hex digit. */
/*@ requires d < 16;
    assigns \nothing;
    ensures '0' <= \result <= 'f';
*/
static uint8_t hex_digit(uint32_t d)
{
    return (uint8_t)(d < 10u ? '0' + d : 'a' + (d - 10u));
}

/* \u followed by four lowercase hex digits. */
/*@ requires ready(w) && cp <= 0xFFFF;
    assigns w->buf[0 .. w->cap - 1], w->len, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
    ensures \result == 0 ==> w->failed == 0;
*/
static int put_u_escape(dsg_json_out *w, uint32_t cp)
{
    if (put2(w, '\\', 'u') != 0 ||
        put2(w, hex_digit(cp >> 12), hex_digit((cp >> 8) & 15u)) != 0)
        return -1;
    return put2(w, hex_digit((cp >> 4) & 15u), hex_digit(cp & 15u));
}

/* The letter of a two-character escape (\" \\ \b \f \n \r \t), or 0. */
/*@ assigns \nothing;
    ensures \result == 0 || dsg_json_clean_byte(\result);
*/
static uint8_t short_escape(uint8_t c)
{
    switch (c) {
    case '"':  return '"';
    case '\\': return '\\';
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    default:   return 0;
    }
}

/* One ASCII character of a string, escaped as json_out.h says. */
/*@ requires ready(w) && c < 0x80;
    assigns w->buf[0 .. w->cap - 1], w->len, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
    ensures \result == 0 ==> w->failed == 0;
*/
static int put_ascii(dsg_json_out *w, uint8_t c)
{
    uint8_t letter = short_escape(c);
    if (letter != 0u)
        return put2(w, '\\', letter);
    if (c < 0x20u || c == 0x7Fu)
        return put_u_escape(w, c);
    return put(w, c);
}

/* One multi-byte UTF-8 sequence seq[0 .. k), as it is; U+2028 and U+2029
 * as escapes. */
/*@ requires ready(w) && \valid_read(seq + (0 .. k - 1)) && \separated(seq + (0 .. k - 1), w, w->buf + (0 .. w->cap - 1));
    requires 2 <= k <= 4;
    requires \forall integer j; 0 <= j < k ==> seq[j] >= 0x80;
    assigns w->buf[0 .. w->cap - 1], w->len, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
    ensures \result == 0 ==> w->failed == 0;
*/
static int put_sequence(dsg_json_out *w, const uint8_t *seq, size_t k, uint32_t cp)
{
    if (cp == 0x2028u || cp == 0x2029u)
        return put_u_escape(w, cp);
    /*@ loop invariant 0 <= j <= k;
        loop invariant ready(w);
        loop invariant dsg_json_out_step{Pre,Here}(w, 0);
        loop assigns j, w->buf[0 .. w->cap - 1], w->len, w->failed;
        loop variant k - j;
    */
    for (size_t j = 0; j < k; j++)
        if (put(w, seq[j]) != 0)
            return -1;
    return 0;
}

/* A quoted string: s[0 .. n) must be valid UTF-8. */
/*@ requires ready(w) && \valid_read(s + (0 .. n - 1)) && \separated(s + (0 .. n - 1), w, w->buf + (0 .. w->cap - 1));
    assigns w->buf[0 .. w->cap - 1], w->len, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
    ensures \result == 0 ==> w->failed == 0;
*/
static int put_string(dsg_json_out *w, const uint8_t *s, size_t n)
{
    size_t i = 0;
    if (put(w, '"') != 0)
        return -1;
    /*@ loop invariant 0 <= i <= n;
        loop invariant ready(w);
        loop invariant dsg_json_out_step{Pre,Here}(w, 0);
        loop assigns i, w->buf[0 .. w->cap - 1], w->len, w->failed;
        loop variant n - i;
    */
    while (i < n) {
        if (s[i] < 0x80u) {
            if (put_ascii(w, s[i]) != 0)
                return -1;
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t k = dsg_utf8_decode(s, n, i, &cp);
        if (k < 2u)
            return fail(w);             /* not UTF-8 */
        if (put_sequence(w, s + i, k, cp) != 0)
            return -1;
        i += k;
    }
    return put(w, '"');
}

/* The decimal digits of v, without leading zeros ("0" for zero). */
/*@ requires ready(w);
    assigns w->buf[0 .. w->cap - 1], w->len, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
    ensures \result == 0 ==> w->failed == 0;
*/
static int put_digits(dsg_json_out *w, uint64_t v)
{
    uint8_t digits[20];                 /* UINT64_MAX has 20 */
    unsigned first = 19;
    /*@ loop invariant 0 <= d <= 20;
        loop invariant first <= 19;
        loop invariant \forall integer j; 20 - d <= j < 20 ==> '0' <= digits[j] <= '9';
        loop assigns d, v, first, digits[0 .. 19];
        loop variant 20 - d;
    */
    for (unsigned d = 0; d < 20u; d++) {
        digits[19u - d] = (uint8_t)('0' + v % 10u);
        if (v % 10u != 0u)
            first = 19u - d;
        v /= 10u;
    }
    /*@ loop invariant first <= j <= 20;
        loop invariant ready(w);
        loop invariant dsg_json_out_step{Pre,Here}(w, 0);
        loop assigns j, w->buf[0 .. w->cap - 1], w->len, w->failed;
        loop variant 20 - j;
    */
    for (unsigned j = first; j < 20u; j++)
        if (put(w, digits[j]) != 0)
            return -1;
    return 0;
}

/* An integer: a minus sign when negative, then the digits of magnitude. */
/*@ requires ready(w);
    assigns w->buf[0 .. w->cap - 1], w->len, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
    ensures \result == 0 ==> w->failed == 0;
*/
static int put_integer(dsg_json_out *w, int negative, uint64_t magnitude)
{
    if (negative && put(w, '-') != 0)
        return -1;
    return put_digits(w, magnitude);
}

/* ---- grammar ----------------------------------------------------------------- */

/*@ requires \valid_read(w) && w->depth <= DSG_JSON_DEPTH_MAX;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int in_object(const dsg_json_out *w)
{
    if (w->depth == 0u)
        return 0;
    return w->object[w->depth - 1u] != 0u;
}

/* A value may start here (at the top once, in an array, after a key);
 * writes the comma before an array's next element. */
/*@ requires ready(w);
    assigns w->buf[0 .. w->cap - 1], w->len, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
    ensures \result == 0 ==> w->failed == 0;
*/
static int value_start(dsg_json_out *w)
{
    int object = in_object(w);
    if (w->depth == 0u)
        return w->top_done ? fail(w) : 0;
    if (object)
        return w->after_key ? 0 : fail(w);
    return w->need_comma ? put(w, ',') : 0;
}

/* A value is complete: the container holds one more element. */
/*@ requires ready(w);
    assigns w->need_comma, w->after_key, w->top_done;
    ensures dsg_json_out_step{Pre,Post}(w, 0) && w->failed == 0;
*/
static void value_end(dsg_json_out *w)
{
    w->need_comma = 1;
    w->after_key = 0;
    if (w->depth == 0u)
        w->top_done = 1;
}

/*@ requires ready(w) && dsg_json_clean_byte(bracket) && (object == 0 || object == 1);
    assigns w->buf[0 .. w->cap - 1], w->len, w->object[0 .. DSG_JSON_DEPTH_MAX - 1], w->depth,
            w->need_comma, w->after_key, w->top_done, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
*/
static int open_container(dsg_json_out *w, uint8_t bracket, int object)
{
    if (value_start(w) != 0)
        return -1;
    if (w->depth >= DSG_JSON_DEPTH_MAX)
        return fail(w);
    if (put(w, bracket) != 0)
        return -1;
    w->object[w->depth] = (uint8_t)object;
    w->depth++;
    w->need_comma = 0;
    w->after_key = 0;
    return 0;
}

/*@ requires ready(w) && dsg_json_clean_byte(bracket);
    assigns w->buf[0 .. w->cap - 1], w->len, w->object[0 .. DSG_JSON_DEPTH_MAX - 1], w->depth,
            w->need_comma, w->after_key, w->top_done, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
*/
static int close_container(dsg_json_out *w, uint8_t bracket, int object)
{
    if (w->depth == 0u || in_object(w) != object || w->after_key)
        return fail(w);
    if (put(w, bracket) != 0)
        return -1;
    w->depth--;
    value_end(w);
    return 0;
}

/* ---- the public calls ------------------------------------------------------- */

/* Every public call starts here: an inconsistent writer is left alone, a
 * failed one takes nothing more. */
/*@ requires dsg_json_out_mem(w);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_json_out_shape(w) && w->failed == 0;
*/
static int usable(const dsg_json_out *w)
{
    return dsg_json_out_is_valid(w) && w->failed == 0u;
}

int dsg_json_out_object_begin(dsg_json_out *w)
{
    return usable(w) ? open_container(w, '{', 1) : -1;
}

int dsg_json_out_object_end(dsg_json_out *w)
{
    return usable(w) ? close_container(w, '}', 1) : -1;
}

int dsg_json_out_array_begin(dsg_json_out *w)
{
    return usable(w) ? open_container(w, '[', 0) : -1;
}

int dsg_json_out_array_end(dsg_json_out *w)
{
    return usable(w) ? close_container(w, ']', 0) : -1;
}

int dsg_json_out_key(dsg_json_out *w, const uint8_t *s, size_t n)
{
    if (!usable(w))
        return -1;
    if (in_object(w) == 0 || w->after_key)
        return fail(w);
    if ((w->need_comma && put(w, ',') != 0) ||
        put_string(w, s, n) != 0 || put(w, ':') != 0)
        return -1;
    w->after_key = 1;
    return 0;
}

int dsg_json_out_string(dsg_json_out *w, const uint8_t *s, size_t n)
{
    if (!usable(w) || value_start(w) != 0 || put_string(w, s, n) != 0)
        return -1;
    value_end(w);
    return 0;
}

int dsg_json_out_uint(dsg_json_out *w, uint64_t v)
{
    if (!usable(w) || value_start(w) != 0 || put_integer(w, 0, v) != 0)
        return -1;
    value_end(w);
    return 0;
}

int dsg_json_out_int(dsg_json_out *w, int64_t v)
{
    /* the magnitude without overflow, INT64_MIN included */
    uint64_t magnitude = v < 0 ? (uint64_t)(-(v + 1)) + 1u : (uint64_t)v;
    if (!usable(w) || value_start(w) != 0 || put_integer(w, v < 0, magnitude) != 0)
        return -1;
    value_end(w);
    return 0;
}

/* true, false or null: four letters, and a fifth unless it is 0. */
/*@ requires ready(w);
    requires 'a' <= a <= 'z' && 'a' <= b <= 'z' && 'a' <= c <= 'z' && 'a' <= d <= 'z';
    requires e == 0 || 'a' <= e <= 'z';
    assigns w->buf[0 .. w->cap - 1], w->len, w->failed, w->need_comma, w->after_key,
            w->top_done;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
*/
static int put_word(dsg_json_out *w, uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t e)
{
    if (value_start(w) != 0 || put2(w, a, b) != 0 || put2(w, c, d) != 0 ||
        (e != 0u && put(w, e) != 0))
        return -1;
    value_end(w);
    return 0;
}

int dsg_json_out_bool(dsg_json_out *w, int v)
{
    if (!usable(w))
        return -1;
    return v ? put_word(w, 't', 'r', 'u', 'e', 0) : put_word(w, 'f', 'a', 'l', 's', 'e');
}

int dsg_json_out_null(dsg_json_out *w)
{
    return usable(w) ? put_word(w, 'n', 'u', 'l', 'l', 0) : -1;
}

int dsg_json_out_finish(const dsg_json_out *w, size_t *len)
{
    if (!dsg_json_out_is_valid(w) || w->failed || w->depth != 0u || !w->top_done)
        return -1;
    *len = w->len;
    return 0;
}
