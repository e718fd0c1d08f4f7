/*
 * JSON tokenizer (REQ-RUN-044). See json_tok.h for the rules and the
 * contract, docs/json.md for the number policy and the limits,
 * acsl/PROOFS.md for what is proved.
 *
 * One loop reads the text from left to right in one of five states (what
 * may come next), and keeps no stack: the open containers are chained
 * through the tokens' parent indices, the innermost being `cur`. An open
 * container is a token of length 0 (every finished token is at least one
 * byte long); closing it sets its length, and the proof keeps track of
 * which tokens are open to show that a finished container encloses all of
 * its children.
 *
 * The scanners and the tokenizer's steps take and return small structs by
 * value rather than writing through pointers: the proof then never has to
 * show that a write to a position or a state leaves the tokens alone.
 */
#include "core/json_tok.h"

#include "core/utf8.h"

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* What may come next. */
#define ST_VALUE 0   /* a value: at the top, after ':', after ',' in an array */
#define ST_FIRST 1   /* after '[' or '{': an element, a name, or the closing bracket */
#define ST_NAME  2   /* after ',' in an object: a member's name */
#define ST_COLON 3   /* after a name */
#define ST_AFTER 4   /* after a value: ',' or the closing bracket; at the top, the end */

/* What a scanner found: the offset past the token, or an error at `at`. */
struct scan {
    size_t at;
    int err;
};

/* One character of a string's contents: its code point and the offset
 * past it, or an error at `pos`. */
struct ch {
    size_t pos;
    uint32_t cp;
    int err;
};

/*@ predicate string_error(integer e) =
      e == DSG_JSON_E_BAD_ESCAPE || e == DSG_JSON_E_TRUNCATED ||
      e == DSG_JSON_E_CONTROL_CHAR || e == DSG_JSON_E_BAD_UTF8;
*/

/* ---- bytes ------------------------------------------------------------------ */

/* The first byte at or after pos that is not JSON whitespace (RFC 8259 §2:
 * space, tab, LF, CR; no other byte), or len. */
/*@ requires \valid_read(s + (0 .. len - 1)) && pos <= len;
    assigns \nothing;
    ensures pos <= \result <= len;
*/
static size_t skip_ws(const uint8_t *s, size_t len, size_t pos)
{
    /*@ loop invariant \at(pos, Pre) <= pos <= len;
        loop assigns pos;
        loop variant len - pos;
    */
    while (pos < len && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r'))
        pos++;
    return pos;
}

/* The end of the run of decimal digits at pos. */
/*@ requires \valid_read(s + (0 .. len - 1)) && pos <= len;
    assigns \nothing;
    ensures pos <= \result <= len;
*/
static size_t digits_end(const uint8_t *s, size_t len, size_t pos)
{
    /*@ loop invariant \at(pos, Pre) <= pos <= len;
        loop assigns pos;
        loop variant len - pos;
    */
    while (pos < len && IS_DIGIT(s[pos]))
        pos++;
    return pos;
}

/* ---- strings ---------------------------------------------------------------- */

/* One more than each hex digit's value, 0 for any other byte. */
static const uint8_t hex_plus_one[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
    ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* The four hex digits at h[0 .. 4) as a number, or 0x10000 if one of them
 * is not a hex digit. */
/*@ requires \valid_read(h + (0 .. 3));
    assigns \nothing;
    ensures \result <= 0x10000;
*/
static uint32_t hex4(const uint8_t *h)
{
    uint32_t a = hex_plus_one[h[0]], b = hex_plus_one[h[1]];
    uint32_t c = hex_plus_one[h[2]], d = hex_plus_one[h[3]];
    if (a == 0u || b == 0u || c == 0u || d == 0u)
        return 0x10000;
    return (((a - 1u) % 16u * 16u + (b - 1u) % 16u) * 16u + (c - 1u) % 16u) * 16u + (d - 1u) % 16u;
}

/* The character each two-character escape stands for (\" \\ \/ \b \f \n
 * \r \t, RFC 8259 §7), 0 for any other letter. */
static const uint8_t short_escapes[256] = {
    ['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
    ['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t',
};

/*@ assigns \nothing;
    ensures \result.pos == pos && \result.cp == cp && \result.err == err;
*/
static struct ch make_ch(size_t pos, uint32_t cp, int err)
{
    struct ch r = {pos, cp, err};
    return r;
}

/* The escape at pos (a backslash): the code point it stands for. A \u
 * escape of a high surrogate must be followed by one of a low surrogate,
 * and the pair stands for one code point; a lone surrogate is refused
 * (RFC 8259 §8.2 leaves that to the parser; jansson refuses it). On error
 * the offset is the backslash, or len when the text ends first. */
/*@ requires \valid_read(s + (0 .. len - 1)) && pos < len;
    assigns \nothing;
    ensures \result.err == DSG_JSON_E_BAD_ESCAPE || \result.err == DSG_JSON_E_TRUNCATED ||
            (\result.err == DSG_JSON_OK && pos < \result.pos && \result.cp <= 0x10FFFF);
    ensures pos <= \result.pos <= len;
*/
static struct ch escape(const uint8_t *s, size_t len, size_t pos)
{
    const uint8_t *e = s + pos;
    size_t left = len - pos;
    if (left < 2u)
        return make_ch(len, 0, DSG_JSON_E_TRUNCATED);
    if (e[1] != 'u') {
        uint8_t c = short_escapes[e[1]];
        if (c == 0u)
            return make_ch(pos, 0, DSG_JSON_E_BAD_ESCAPE);
        return make_ch(pos + 2, c, DSG_JSON_OK);
    }
    if (left < 6u)
        return make_ch(len, 0, DSG_JSON_E_TRUNCATED);
    uint32_t hi = hex4(e + 2);
    if (hi > 0xFFFFu || (hi >= 0xDC00u && hi <= 0xDFFFu))
        return make_ch(pos, 0, DSG_JSON_E_BAD_ESCAPE);
    if (hi < 0xD800u || hi > 0xDBFFu)
        return make_ch(pos + 6, hi, DSG_JSON_OK);
    /* a high surrogate: a \u escape of a low one must follow */
    if (left < 12u || e[6] != '\\' || e[7] != 'u')
        return make_ch(pos, 0, DSG_JSON_E_BAD_ESCAPE);
    uint32_t lo = hex4(e + 8);
    if (lo < 0xDC00u || lo > 0xDFFFu)
        return make_ch(pos, 0, DSG_JSON_E_BAD_ESCAPE);
    return make_ch(pos + 12, 0x10000u + (hi - 0xD800u) * 0x400u + (lo - 0xDC00u), DSG_JSON_OK);
}

/* One character of a string's contents at pos (not its closing quote):
 * an escape, or a UTF-8 sequence that is not a control byte. */
/*@ requires \valid_read(s + (0 .. len - 1)) && pos < len;
    assigns \nothing;
    ensures string_error(\result.err) ||
            (\result.err == DSG_JSON_OK && pos < \result.pos && \result.cp <= 0x10FFFF);
    ensures pos <= \result.pos <= len;
*/
static struct ch string_char(const uint8_t *s, size_t len, size_t pos)
{
    uint32_t cp = 0;
    if (s[pos] == '\\')
        return escape(s, len, pos);
    if (s[pos] < 0x20u)
        return make_ch(pos, 0, DSG_JSON_E_CONTROL_CHAR);
    size_t k = dsg_utf8_decode(s, len, pos, &cp);
    if (k == 0u)
        return make_ch(pos, 0, DSG_JSON_E_BAD_UTF8);
    return make_ch(pos + k, cp, DSG_JSON_OK);
}

/*@ assigns \nothing;
    ensures \result.at == at && \result.err == err;
*/
static struct scan make_scan(size_t at, int err)
{
    struct scan r = {at, err};
    return r;
}

/* The string at pos (a quote): the offset past its closing quote. */
/*@ requires \valid_read(s + (0 .. len - 1)) && pos < len;
    assigns \nothing;
    ensures string_error(\result.err) || (\result.err == DSG_JSON_OK && pos < \result.at);
    ensures pos <= \result.at <= len;
*/
static struct scan scan_string(const uint8_t *s, size_t len, size_t pos)
{
    size_t i = pos + 1;
    /*@ loop invariant pos + 1 <= i <= len;
        loop assigns i;
        loop variant len - i;
    */
    while (i < len && s[i] != '"') {
        struct ch c = string_char(s, len, i);
        if (c.err != DSG_JSON_OK)
            return make_scan(c.pos, c.err);
        i = c.pos;
    }
    if (i >= len)
        return make_scan(len, DSG_JSON_E_TRUNCATED);
    return make_scan(i + 1, DSG_JSON_OK);
}

/* ---- numbers ---------------------------------------------------------------- */

/* INT64_MAX without its last digit, and the digits of 2^1024 - 2^970, the
 * least magnitude a binary64 rounds to infinity (round to nearest, ties to
 * even: DBL_MAX's significand is odd). */
static const uint8_t int64_max_head[18] = {
    '9', '2', '2', '3', '3', '7', '2', '0', '3', '6', '8', '5', '4', '7', '7', '5', '8', '0',
};
#define REAL_LIMIT_DIGITS 309u
static const uint8_t real_limit[REAL_LIMIT_DIGITS + 1] =
    "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977"
    "587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845"
    "817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559"
    "699508093042880177904174497792";

/* Compares the digits s[a .. b) followed by s[c .. d) with limit[0 .. m),
 * up to m digits: -1 when they are smaller (or run out first), 0 when
 * the first m are equal, 1 when greater. */
/*@ requires a <= b <= c <= d;
    requires \valid_read(s + (a .. b - 1)) && \valid_read(s + (c .. d - 1));
    requires \valid_read(limit + (0 .. m - 1));
    assigns \nothing;
    ensures -1 <= \result <= 1;
*/
static int cmp_digits(const uint8_t *s, size_t a, size_t b, size_t c, size_t d,
                      const uint8_t *limit, size_t m)
{
    size_t i = a;
    /*@ loop invariant 0 <= j <= m;
        loop invariant (a <= i <= b) || (c <= i <= d);
        loop assigns i, j;
        loop variant m - j;
    */
    for (size_t j = 0; j < m; j++) {
        if (i == b)
            i = c;
        if (i >= d)
            return -1;
        if (s[i] != limit[j])
            return s[i] < limit[j] ? -1 : 1;
        i++;
    }
    return 0;
}

/* An integer's digits s[a .. b) (no leading zero) fit int64_t with the
 * sign given. */
/*@ requires a <= b && \valid_read(s + (a .. b - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int int64_fits(const uint8_t *s, size_t a, size_t b, int negative)
{
    if (b - a != 19u)
        return b - a < 19u;
    int head = cmp_digits(s, a, b - 1, b - 1, b - 1, int64_max_head, 18);
    if (head != 0)
        return head < 0;
    /* 922337203685477580 then at most 7, or 8 for INT64_MIN */
    return s[b - 1] <= (negative ? '8' : '7');
}

/* The digits in s[a .. b) (an exponent, after its letter and sign) as a
 * number, saturated at 10^9. */
/*@ requires a <= b && \valid_read(s + (a .. b - 1));
    assigns \nothing;
    ensures 0 <= \result <= 1000000000;
*/
static int64_t exponent_value(const uint8_t *s, size_t a, size_t b)
{
    int64_t e = 0;
    /*@ loop invariant a <= i <= b;
        loop invariant 0 <= e <= 1000000000;
        loop assigns i, e;
        loop variant b - i;
    */
    for (size_t i = a; i < b; i++) {
        uint8_t c = s[i];
        if (IS_DIGIT(c))
            e = e < 100000000 ? e * 10 + (c - '0') : 1000000000;
    }
    return e;
}

/* The first byte of s[a .. b) that is not '0', or b. */
/*@ requires a <= b && \valid_read(s + (a .. b - 1));
    assigns \nothing;
    ensures a <= \result <= b;
*/
static size_t skip_zeros(const uint8_t *s, size_t a, size_t b)
{
    size_t i = a;
    /*@ loop invariant a <= i <= b;
        loop assigns i;
        loop variant b - i;
    */
    while (i < b && s[i] == '0')
        i++;
    return i;
}

/* A count saturated at 10^9: exact for any text shorter than that. */
/*@ assigns \nothing;
    ensures 0 <= \result <= 1000000000;
*/
static int64_t saturated(size_t n)
{
    return n < 1000000000u ? (int64_t)n : 1000000000;
}

/* A real's integer digits s[ia .. ib), fraction digits s[fa .. fb) (empty
 * when none) and exponent e round to infinity as a binary64. With d1 its
 * first non-zero digit, the value is d1.d2d3... x 10^x; it overflows when
 * x > 308, or x == 308 and d1d2d3... >= the digits of the limit. */
/*@ requires ia < ib <= fa <= fb;
    requires \valid_read(s + (ia .. ib - 1)) && \valid_read(s + (fa .. fb - 1));
    requires -1000000000 <= e <= 1000000000;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int real_overflows(const uint8_t *s, size_t ia, size_t ib, size_t fa, size_t fb, int64_t e)
{
    if (s[ia] != '0') {
        int64_t x = saturated(ib - ia) - 1 + e;
        if (x != 308)
            return x > 308;
        return cmp_digits(s, ia, ib, fa, fb, real_limit, REAL_LIMIT_DIGITS) >= 0;
    }
    /* 0.000d1d2...: the digits run from the first non-zero one to fb */
    size_t first = skip_zeros(s, fa, fb);
    if (first == fb)
        return 0;                       /* zero */
    int64_t x = e - saturated(first - fa) - 1;
    if (x != 308)
        return x > 308;
    return cmp_digits(s, first, fb, fb, fb, real_limit, REAL_LIMIT_DIGITS) >= 0;
}

/* The number grammar of RFC 8259 §6,
 *   [ "-" ] ( "0" / 1-9 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "-" / "+" ] 1*DIGIT ]
 * as a table: the state after a byte of each class. States: 0 start, 1
 * after '-', 2 after a leading '0', 3 in the integer digits, 4 after '.',
 * 5 in the fraction, 6 after 'e', 7 after the exponent's sign, 8 in the
 * exponent; N_END: the number ended before this byte; N_BAD: the byte
 * cannot come here. The tables' contents are left to the tests (the
 * prover does not know them, so the code checks what it reads). */
#define N_END 9u
#define N_BAD 10u
#define N_CLASSES 7u
static const uint8_t number_class[256] = {      /* 0: any other byte */
    ['0'] = 1, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2, ['5'] = 2, ['6'] = 2, ['7'] = 2,
    ['8'] = 2, ['9'] = 2, ['-'] = 3, ['+'] = 4, ['.'] = 5, ['e'] = 6, ['E'] = 6,
};
static const uint8_t number_next[9][N_CLASSES] = {
    /*        other  '0'    1-9    '-'    '+'    '.'    'e'   */
    /* 0 */ {N_BAD, 2,     3,     1,     N_BAD, N_BAD, N_BAD},
    /* 1 */ {N_BAD, 2,     3,     N_BAD, N_BAD, N_BAD, N_BAD},
    /* 2 */ {N_END, N_BAD, N_BAD, N_END, N_END, 4,     6},
    /* 3 */ {N_END, 3,     3,     N_END, N_END, 4,     6},
    /* 4 */ {N_BAD, 5,     5,     N_BAD, N_BAD, N_BAD, N_BAD},
    /* 5 */ {N_END, 5,     5,     N_END, N_END, N_END, 6},
    /* 6 */ {N_BAD, 8,     8,     7,     7,     N_BAD, N_BAD},
    /* 7 */ {N_BAD, 8,     8,     N_BAD, N_BAD, N_BAD, N_BAD},
    /* 8 */ {N_END, 8,     8,     N_END, N_END, N_END, N_END},
};

/* The number policy of json_tok.h for the number s[pos .. end), which
 * follows the grammar: 1 when it is in range. */
/*@ requires \valid_read(s + (0 .. end - 1)) && pos < end;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int number_in_range(const uint8_t *s, size_t pos, size_t end)
{
    int negative = s[pos] == '-';
    size_t ia = negative ? pos + 1 : pos;
    size_t ib = digits_end(s, end, ia);
    if (ib == ia)
        return 0;                       /* no digit: not reached after the grammar */
    if (ib == end)
        return int64_fits(s, ia, ib, negative);
    size_t fb = s[ib] == '.' ? digits_end(s, end, ib + 1) : ib;
    int64_t e = exponent_value(s, fb, end);         /* skips the letter and the sign */
    if (end - fb > 1u && s[fb + 1] == '-')
        e = -e;
    return !real_overflows(s, ia, ib, fb > ib ? ib + 1 : ib, fb, e);
}

/* The number at pos (a minus or a digit): the grammar, then the number
 * policy (a range error is reported at the number's start). */
/*@ requires \valid_read(s + (0 .. len - 1)) && pos < len;
    assigns \nothing;
    ensures \result.err == DSG_JSON_E_BAD_NUMBER || \result.err == DSG_JSON_E_NUMBER_RANGE ||
            (\result.err == DSG_JSON_OK && pos < \result.at);
    ensures pos <= \result.at <= len;
*/
static struct scan scan_number(const uint8_t *s, size_t len, size_t pos)
{
    unsigned st = 0;
    size_t i = pos;
    /*@ loop invariant pos <= i <= len && st <= 8;
        loop invariant i == pos ==> st == 0;
        loop assigns i, st;
        loop variant len - i;
    */
    while (i < len) {
        unsigned next = number_next[st][number_class[s[i]] % N_CLASSES];
        if (next == N_END)
            break;
        if (next > 8u)
            return make_scan(i, DSG_JSON_E_BAD_NUMBER);
        st = next;
        i++;
    }
    if (st != 2u && st != 3u && st != 5u && st != 8u)
        return make_scan(i, DSG_JSON_E_BAD_NUMBER);   /* the text ended inside it */
    if (!number_in_range(s, pos, i))
        return make_scan(pos, DSG_JSON_E_NUMBER_RANGE);
    return make_scan(i, DSG_JSON_OK);
}

/* ---- values ----------------------------------------------------------------- */

/* true/false/null at pos, whose first letter was checked: the letters
 * after it are b c d (and e unless 0). */
/*@ requires \valid_read(s + (0 .. len - 1)) && pos < len;
    assigns \nothing;
    ensures \result.err == DSG_JSON_E_UNEXPECTED || (\result.err == DSG_JSON_OK && pos < \result.at);
    ensures pos <= \result.at <= len;
*/
static struct scan scan_word(const uint8_t *s, size_t len, size_t pos, uint8_t b, uint8_t c,
                             uint8_t d, uint8_t e)
{
    size_t n = e != 0u ? 5u : 4u;
    if (len - pos < n || s[pos + 1] != b || s[pos + 2] != c || s[pos + 3] != d ||
        (e != 0u && s[pos + 4] != e))
        return make_scan(pos, DSG_JSON_E_UNEXPECTED);
    return make_scan(pos + n, DSG_JSON_OK);
}

/* The type of the value each byte starts, 0 for none. */
static const uint8_t value_types[256] = {
    ['{'] = DSG_JSON_OBJECT, ['['] = DSG_JSON_ARRAY, ['"'] = DSG_JSON_STRING,
    ['-'] = DSG_JSON_NUMBER, ['0'] = DSG_JSON_NUMBER, ['1'] = DSG_JSON_NUMBER,
    ['2'] = DSG_JSON_NUMBER, ['3'] = DSG_JSON_NUMBER, ['4'] = DSG_JSON_NUMBER,
    ['5'] = DSG_JSON_NUMBER, ['6'] = DSG_JSON_NUMBER, ['7'] = DSG_JSON_NUMBER,
    ['8'] = DSG_JSON_NUMBER, ['9'] = DSG_JSON_NUMBER, ['t'] = DSG_JSON_TRUE,
    ['f'] = DSG_JSON_FALSE, ['n'] = DSG_JSON_NULL,
};

/* The scalar of the given type at pos. */
/*@ requires \valid_read(s + (0 .. len - 1)) && pos < len;
    requires DSG_JSON_STRING <= type <= DSG_JSON_NULL;
    assigns \nothing;
    ensures dsg_json_error(\result.err) || (\result.err == DSG_JSON_OK && pos < \result.at);
    ensures pos <= \result.at <= len;
*/
static struct scan scan_scalar(const uint8_t *s, size_t len, size_t pos, int type)
{
    if (type == DSG_JSON_STRING)
        return scan_string(s, len, pos);
    if (type == DSG_JSON_NUMBER)
        return scan_number(s, len, pos);
    if (type == DSG_JSON_TRUE)
        return scan_word(s, len, pos, 'r', 'u', 'e', 0);
    if (type == DSG_JSON_FALSE)
        return scan_word(s, len, pos, 'a', 'l', 's', 'e');
    return scan_word(s, len, pos, 'u', 'l', 'l', 0);
}

/* ---- the tokenizer ------------------------------------------------------------ */

/* The tokenizer's state. `mark` is where the last token began or ended: a
 * new token starts at or after it. */
struct tk {
    size_t pos;       /* the next byte to read; on error, the error's offset */
    size_t mark;
    size_t n;         /* tokens so far */
    size_t cur;       /* the innermost open container, or DSG_JSON_NONE */
    uint32_t depth;   /* open containers: cur's depth, 0 when none */
    int state;
    int err;
};

/* What holds of the tokens while the text is read, m being the mark. In
 * six parts, so that each step proves six small goals rather than one
 * large one:
 * - every token began before m, at a depth within the limit;
 * - a finished token (length > 0) ended by m and its next index is set;
 * - a token of length 0 is an open container, at most the innermost open
 *   one (cur);
 * - token 0 is the top; any other follows its parent, a container one
 *   level up that began before it;
 * - the children of a finished container are finished and end within it;
 * - an open container's parent is open, and no token between the two is
 *   still open (so the open ones form the chain from cur to the top). */
/*@ predicate b_basic{L}(dsg_json_tok *t, integer n, integer m, integer max) =
      \forall integer i; 0 <= i < n ==>
        t[i].start < m && 1 <= t[i].depth <= max && dsg_json_type_ok(t[i].type);

    predicate b_closed{L}(dsg_json_tok *t, integer n, integer m) =
      \forall integer i; 0 <= i < n ==> t[i].len > 0 ==>
        t[i].start + t[i].len <= m && i < t[i].next <= n;

    predicate b_open{L}(dsg_json_tok *t, integer n, integer cur) =
      \forall integer i; 0 <= i < n ==> t[i].len == 0 ==>
        dsg_json_container(t[i].type) && cur != DSG_JSON_NONE && i <= cur;

    predicate b_tree{L}(dsg_json_tok *t, integer n) =
      (n > 0 ==> t[0].parent == DSG_JSON_NONE && t[0].depth == 1) &&
      \forall integer i; 0 < i < n ==>
        t[i].parent < i && dsg_json_container(t[t[i].parent].type) &&
        t[t[i].parent].start < t[i].start && t[i].depth == t[t[i].parent].depth + 1;

    predicate b_nest{L}(dsg_json_tok *t, integer n) =
      \forall integer i; 0 < i < n ==> t[t[i].parent].len > 0 ==>
        t[i].len > 0 && t[i].start + t[i].len <= t[t[i].parent].start + t[t[i].parent].len;

    predicate b_chain{L}(dsg_json_tok *t, integer n) =
      \forall integer i; 0 < i < n ==> t[i].len == 0 ==>
        t[t[i].parent].len == 0 && \forall integer j; t[i].parent < j < i ==> t[j].len > 0;

    predicate building{L}(dsg_json_tok *t, integer n, integer cur, integer m, integer max) =
      b_basic(t, n, m, max) && b_closed(t, n, m) && b_open(t, n, cur) && b_tree(t, n) &&
      b_nest(t, n) && b_chain(t, n);

    // When nothing is open, the tokens are those of a finished text.
    lemma building_done{L}:
      \forall dsg_json_tok *t, integer n, m, len, max;
        n >= 1 && m <= len && building(t, n, DSG_JSON_NONE, m, max) ==>
        dsg_json_toks_ok(t, n, len, max);

    // The state: positions, counts, and what may come next.
    predicate tk_scalars(integer cap, integer max, integer len, struct tk k) =
      k.mark <= k.pos <= len && k.n <= cap && k.depth <= max &&
      ST_VALUE <= k.state <= ST_AFTER &&
      (k.cur == DSG_JSON_NONE ==> k.depth == 0) &&
      (k.cur != DSG_JSON_NONE ==> k.cur < k.n) &&
      (k.cur == DSG_JSON_NONE && k.state != ST_AFTER ==> k.n == 0 && k.state == ST_VALUE) &&
      (k.state == ST_AFTER ==> k.n >= 1) &&
      (ST_FIRST <= k.state <= ST_COLON ==> k.cur != DSG_JSON_NONE);

    // The innermost open container, at the depth the state says.
    predicate tk_cur{L}(dsg_json_tok *t, struct tk k) =
      k.cur != DSG_JSON_NONE ==>
        t[k.cur].len == 0 && k.depth == t[k.cur].depth && dsg_json_container(t[k.cur].type);

    predicate tk_ok{L}(dsg_json_tok *t, integer cap, integer max, integer len, struct tk k) =
      tk_scalars(cap, max, len, k) && tk_cur(t, k) && building(t, k.n, k.cur, k.mark, max);
*/

/* Writes token n. A call, rather than seven stores in add_token: the
 * proof of add_token then sees one write to toks[n], whose frame (tokens
 * 0 .. n - 1 unchanged) is cheap, instead of a chain of updates. */
/*@ requires \valid(toks + n) && n < SIZE_MAX;
    assigns toks[n];
    ensures toks[n].start == start && toks[n].len == l && toks[n].parent == parent &&
            toks[n].size == 0 && toks[n].next == n + 1 && toks[n].depth == depth &&
            toks[n].type == type;
*/
static void put_token(dsg_json_tok *toks, size_t n, size_t start, size_t l, size_t parent,
                      uint32_t depth, uint8_t type)
{
    dsg_json_tok *t = &toks[n];
    t->start = start;
    t->len = l;
    t->parent = parent;
    t->size = 0;
    t->next = n + 1;
    t->depth = depth;
    t->type = type;
}

/* One more member or element in the container at cur (below SIZE_MAX: a
 * size counts tokens). */
/*@ requires \valid(toks + cur);
    assigns toks[cur].size;
*/
static void count_child(dsg_json_tok *toks, size_t cur)
{
    if (toks[cur].size < SIZE_MAX)
        toks[cur].size++;
}

/* Appends the value (or member name) of the given type that starts at pos
 * and ends at end; a container is opened and becomes the innermost. */
/*@ requires \valid(toks + (0 .. cap - 1)) && tk_ok(toks, cap, max, len, k);
    requires k.n < cap && k.depth < max && dsg_json_type_ok(type);
    requires k.state == ST_VALUE || k.state == ST_FIRST || k.state == ST_NAME;
    requires name == 0 || (name == 1 && k.cur != DSG_JSON_NONE);
    requires dsg_json_container(type) ==> end == k.pos + 1;
    requires k.pos < end <= len;
    assigns toks[0 .. cap - 1];
    ensures tk_scalars(cap, max, len, \result) && \result.pos == end &&
            \result.err == DSG_JSON_OK;
    ensures tk_cur(toks, \result);
    ensures b_basic(toks, \result.n, \result.mark, max);
    ensures b_closed(toks, \result.n, \result.mark);
    ensures b_open(toks, \result.n, \result.cur);
    ensures b_tree(toks, \result.n);
    ensures b_nest(toks, \result.n);
    ensures b_chain(toks, \result.n);
*/
static struct tk add_token(dsg_json_tok *toks, size_t cap, uint32_t max, size_t len, struct tk k,
                           int type, size_t end, int name)
{
    (void)cap, (void)max, (void)len;    /* for the contract */
    int container = type == DSG_JSON_OBJECT || type == DSG_JSON_ARRAY;
    if (k.cur != DSG_JSON_NONE && (name || toks[k.cur].type == DSG_JSON_ARRAY))
        count_child(toks, k.cur);
    put_token(toks, k.n, k.pos, container ? 0 : end - k.pos, k.cur, k.depth + 1, (uint8_t)type);
    if (container) {
        k.cur = k.n;
        k.depth++;
        k.state = ST_FIRST;
    } else {
        k.state = name ? ST_COLON : ST_AFTER;
    }
    /* For the proof, in this order (each assertion is cheapest with few
     * before it): the old tokens keep their invariant, then the new
     * token's place in the tree and in the chain of open containers. */
    /*@ assert \forall integer i; 0 <= i < \at(k.n, Pre) ==>
          toks[i].len == \at(toks[i].len, Pre) && toks[i].parent == \at(toks[i].parent, Pre); */
    //@ assert b_chain(toks, \at(k.n, Pre));
    //@ assert b_tree(toks, \at(k.n, Pre));
    /*@ assert container && \at(k.cur, Pre) != DSG_JSON_NONE ==>
          \forall integer j; \at(k.cur, Pre) < j < \at(k.n, Pre) ==> toks[j].len > 0; */
    /*@ assert \at(k.n, Pre) == 0 ==>
          toks[0].parent == DSG_JSON_NONE && toks[0].depth == 1; */
    /*@ assert \at(k.n, Pre) > 0 ==>
          toks[\at(k.n, Pre)].parent < \at(k.n, Pre) &&
          dsg_json_container(toks[toks[\at(k.n, Pre)].parent].type) &&
          toks[toks[\at(k.n, Pre)].parent].start < toks[\at(k.n, Pre)].start &&
          toks[\at(k.n, Pre)].depth == toks[toks[\at(k.n, Pre)].parent].depth + 1; */
    /*@ assert \at(k.n, Pre) > 0 && toks[\at(k.n, Pre)].len == 0 ==>
          toks[toks[\at(k.n, Pre)].parent].len == 0 &&
          \forall integer j; toks[\at(k.n, Pre)].parent < j < \at(k.n, Pre) ==> toks[j].len > 0; */
    k.n++;
    k.pos = end;
    k.mark = end;
    k.err = DSG_JSON_OK;
    return k;
}

/* The innermost container ends at pos (its closing bracket): every child
 * is finished, so it is too; its parent becomes the innermost. */
/*@ requires \valid(toks + (0 .. cap - 1)) && tk_ok(toks, cap, max, len, k);
    requires k.cur != DSG_JSON_NONE && k.pos < len;
    assigns toks[k.cur].len, toks[k.cur].next;
    ensures tk_scalars(cap, max, len, \result) && \result.pos == k.pos + 1 &&
            \result.err == DSG_JSON_OK;
    ensures tk_cur(toks, \result);
    ensures b_basic(toks, \result.n, \result.mark, max);
    ensures b_closed(toks, \result.n, \result.mark);
    ensures b_open(toks, \result.n, \result.cur);
    ensures b_tree(toks, \result.n);
    ensures b_nest(toks, \result.n);
    ensures b_chain(toks, \result.n);
*/
static struct tk close_container(dsg_json_tok *toks, size_t cap, uint32_t max, size_t len,
                                 struct tk k)
{
    (void)cap, (void)max, (void)len;    /* for the contract */
    toks[k.cur].len = k.pos + 1 - toks[k.cur].start;
    toks[k.cur].next = k.n;
    k.depth--;
    k.pos++;
    k.mark = k.pos;
    k.state = ST_AFTER;
    k.err = DSG_JSON_OK;
    k.cur = toks[k.cur].parent;
    return k;
}

/* The state with an error found at `at`. */
/*@ assigns \nothing;
    ensures \result.pos == at && \result.err == err && \result.mark == k.mark &&
            \result.n == k.n && \result.cur == k.cur && \result.depth == k.depth &&
            \result.state == k.state;
*/
static struct tk fail_at(struct tk k, size_t at, int err)
{
    k.pos = at;
    k.err = err;
    return k;
}

/* The state one byte further on, with what may come next. */
/*@ requires k.pos < SIZE_MAX;
    assigns \nothing;
    ensures \result.pos == k.pos + 1 && \result.state == state && \result.err == DSG_JSON_OK &&
            \result.mark == k.mark && \result.n == k.n && \result.cur == k.cur &&
            \result.depth == k.depth;
*/
static struct tk advance(struct tk k, int state)
{
    k.pos++;
    k.state = state;
    k.err = DSG_JSON_OK;
    return k;
}

/* Why a value of the given type (a member's name when name is 1) cannot
 * start here, or DSG_JSON_OK. */
/*@ requires name == 0 || name == 1;
    requires ST_VALUE <= k.state <= ST_AFTER;
    assigns \nothing;
    ensures \result == DSG_JSON_OK || dsg_json_error(\result);
    ensures \result == DSG_JSON_OK ==>
              (k.state == ST_VALUE || k.state == ST_FIRST || k.state == ST_NAME) &&
              dsg_json_type_ok(type) && (name == 1 ==> type == DSG_JSON_STRING) &&
              k.depth < max && k.n < cap;
*/
static int value_error(struct tk k, int type, int name, uint32_t max, size_t cap)
{
    if (k.state == ST_AFTER)
        return k.cur == DSG_JSON_NONE ? DSG_JSON_E_TRAILING : DSG_JSON_E_UNEXPECTED;
    if (k.state == ST_COLON || type < DSG_JSON_OBJECT || type > DSG_JSON_NULL ||
        (name && type != DSG_JSON_STRING))
        return DSG_JSON_E_UNEXPECTED;
    if (k.depth >= max)
        return DSG_JSON_E_DEPTH;
    return k.n >= cap ? DSG_JSON_E_TOO_MANY_TOKENS : DSG_JSON_OK;
}

/* A value, or a member's name when one must come, at pos. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid(toks + (0 .. cap - 1));
    requires \separated(toks + (0 .. cap - 1), buf + (0 .. len - 1));
    requires tk_ok(toks, cap, max, len, k) && k.pos < len;
    requires object == 1 ==> k.cur != DSG_JSON_NONE;
    assigns toks[0 .. cap - 1];
    ensures tk_ok(toks, cap, max, len, \result);
    ensures \result.err == DSG_JSON_OK || dsg_json_error(\result.err);
    ensures \result.err == DSG_JSON_OK ==> \result.pos > k.pos;
*/
static struct tk value(const uint8_t *buf, size_t len, dsg_json_tok *toks, size_t cap,
                       uint32_t max, struct tk k, int object)
{
    int type = value_types[buf[k.pos]];
    int name = (k.state == ST_FIRST || k.state == ST_NAME) && object;
    int err = value_error(k, type, name, max, cap);
    if (err != DSG_JSON_OK)
        return fail_at(k, k.pos, err);
    if (type == DSG_JSON_OBJECT || type == DSG_JSON_ARRAY)
        return add_token(toks, cap, max, len, k, type, k.pos + 1, 0);
    struct scan r = scan_scalar(buf, len, k.pos, type);
    if (r.err != DSG_JSON_OK)
        return fail_at(k, r.at, r.err);
    return add_token(toks, cap, max, len, k, type, r.at, name);
}

/* One step at pos (not whitespace): punctuation, a closing bracket, or a
 * value; pos moves on, or err is set with the error's offset in pos. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid(toks + (0 .. cap - 1));
    requires \separated(toks + (0 .. cap - 1), buf + (0 .. len - 1));
    requires tk_ok(toks, cap, max, len, k) && k.pos < len;
    assigns toks[0 .. cap - 1];
    ensures tk_ok(toks, cap, max, len, \result);
    ensures \result.err == DSG_JSON_OK || dsg_json_error(\result.err);
    ensures \result.err == DSG_JSON_OK ==> \result.pos > k.pos;
*/
static struct tk step(const uint8_t *buf, size_t len, dsg_json_tok *toks, size_t cap,
                      uint32_t max, struct tk k)
{
    uint8_t c = buf[k.pos];
    int object = k.cur != DSG_JSON_NONE && toks[k.cur].type == DSG_JSON_OBJECT;
    if (k.state == ST_COLON && c == ':')
        return advance(k, ST_VALUE);
    if (k.state == ST_AFTER && k.cur != DSG_JSON_NONE && c == ',')
        return advance(k, object ? ST_NAME : ST_VALUE);
    if ((k.state == ST_AFTER || k.state == ST_FIRST) && k.cur != DSG_JSON_NONE &&
        c == (object ? '}' : ']'))
        return close_container(toks, cap, max, len, k);
    return value(buf, len, toks, cap, max, k, object);
}

int dsg_json_tokenize(const uint8_t *buf, size_t len, uint32_t max_depth,
                      dsg_json_tok *toks, size_t cap, size_t *ntoks, size_t *err_at)
{
    struct tk k = {0, 0, 0, DSG_JSON_NONE, 0, ST_VALUE, DSG_JSON_OK};
    /*@ loop invariant tk_ok(toks, cap, max_depth, len, k) && k.err == DSG_JSON_OK;
        loop assigns k, toks[0 .. cap - 1];
        loop variant len - k.pos;
    */
    for (;;) {
        k.pos = skip_ws(buf, len, k.pos);
        if (k.pos == len)
            break;
        k = step(buf, len, toks, cap, max_depth, k);
        if (k.err != DSG_JSON_OK)
            break;
    }
    if (k.err == DSG_JSON_OK && (k.state != ST_AFTER || k.cur != DSG_JSON_NONE))
        k.err = DSG_JSON_E_TRUNCATED;   /* the text ended early: pos == len */
    if (k.err != DSG_JSON_OK) {
        *err_at = k.pos;
        return k.err;
    }
    *ntoks = k.n;
    return DSG_JSON_OK;
}

/* ---- string values and member names ----------------------------------------- */

/* *t is a string token lying in a text of len bytes. */
/*@ requires \valid_read(t);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==>
              t->type == DSG_JSON_STRING && 2 <= t->len && t->start + t->len <= len;
*/
static int string_in(const dsg_json_tok *t, size_t len)
{
    return t->type == DSG_JSON_STRING && t->len >= 2u && t->start <= len &&
           t->len <= len - t->start;
}

/* The UTF-8 encoding of cp (1 to 4 bytes) at out[o ..]; the offset past
 * it, or 0 when it does not fit. */
/*@ requires \valid(out + (0 .. cap - 1)) && o <= cap && cp <= 0x10FFFF;
    assigns out[0 .. cap - 1];
    ensures \result == 0 || o < \result <= cap;
*/
static size_t put_utf8(uint8_t *out, size_t cap, size_t o, uint32_t cp)
{
    size_t k = cp < 0x80u ? 1u : cp < 0x800u ? 2u : cp < 0x10000u ? 3u : 4u;
    if (cap - o < k)
        return 0;
    uint8_t *p = out + o;
    if (k == 1u) {
        p[0] = (uint8_t)cp;
    } else if (k == 2u) {
        p[0] = (uint8_t)(0xC0u + cp / 64u);
        p[1] = (uint8_t)(0x80u + cp % 64u);
    } else if (k == 3u) {
        p[0] = (uint8_t)(0xE0u + cp / 4096u);
        p[1] = (uint8_t)(0x80u + cp / 64u % 64u);
        p[2] = (uint8_t)(0x80u + cp % 64u);
    } else {
        p[0] = (uint8_t)(0xF0u + cp / 262144u);
        p[1] = (uint8_t)(0x80u + cp / 4096u % 64u);
        p[2] = (uint8_t)(0x80u + cp / 64u % 64u);
        p[3] = (uint8_t)(0x80u + cp % 64u);
    }
    return o + k;
}

int dsg_json_string_value(const uint8_t *buf, size_t len, const dsg_json_tok *tok,
                          uint8_t *out, size_t cap, size_t *out_len)
{
    if (!string_in(tok, len))
        return DSG_JSON_E_BAD_TOKEN;
    size_t p = tok->start + 1, end = tok->start + tok->len - 1, o = 0;
    /*@ loop invariant tok->start + 1 <= p <= end && o <= cap;
        loop assigns p, o, out[0 .. cap - 1];
        loop variant end - p;
    */
    while (p < end) {
        struct ch c = string_char(buf, end, p);
        if (c.err != DSG_JSON_OK)
            return c.err;
        size_t next = put_utf8(out, cap, o, c.cp);
        if (next == 0u)
            return DSG_JSON_E_NO_ROOM;
        o = next;
        p = c.pos;
    }
    *out_len = o;
    return DSG_JSON_OK;
}

/* A member name (string token) decodes to a string holding U+0000. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(t);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> t->start < len;
*/
static int name_has_nul(const uint8_t *buf, size_t len, const dsg_json_tok *t)
{
    if (!string_in(t, len))
        return 0;
    size_t p = t->start + 1, end = t->start + t->len - 1;
    /*@ loop invariant t->start + 1 <= p <= end;
        loop assigns p;
        loop variant end - p;
    */
    while (p < end) {
        struct ch c = string_char(buf, end, p);
        if (c.err != DSG_JSON_OK)
            return 0;
        if (c.cp == 0u)
            return 1;
        p = c.pos;
    }
    return 0;
}

/* Two member names decode to the same string. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(a) && \valid_read(b);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> b->start < len;
*/
static int names_equal(const uint8_t *buf, size_t len, const dsg_json_tok *a,
                       const dsg_json_tok *b)
{
    if (!string_in(a, len) || !string_in(b, len))
        return 0;
    size_t pa = a->start + 1, ea = a->start + a->len - 1;
    size_t pb = b->start + 1, eb = b->start + b->len - 1;
    /*@ loop invariant a->start + 1 <= pa <= ea && b->start + 1 <= pb <= eb;
        loop assigns pa, pb;
        loop variant (ea - pa) + (eb - pb);
    */
    while (pa < ea && pb < eb) {
        struct ch ca = string_char(buf, ea, pa);
        struct ch cb = string_char(buf, eb, pb);
        if (ca.err != DSG_JSON_OK || cb.err != DSG_JSON_OK || ca.cp != cb.cp)
            return 0;
        pa = ca.pos;
        pb = cb.pos;
    }
    return pa == ea && pb == eb;
}

/* The index of the member name after the one at j: past j's value and its
 * subtree; n when there is none or the tokens do not say. */
/*@ requires \valid_read(toks + (0 .. n - 1)) && j < n;
    assigns \nothing;
    ensures j < \result <= n;
*/
static size_t next_name(const dsg_json_tok *toks, size_t n, size_t j)
{
    if (n - j < 2u)
        return n;
    size_t after = toks[j + 1].next;
    return after > j + 1u && after <= n ? after : n;
}

/* The members of the object at i: no name holds U+0000, no two are equal.
 * DSG_JSON_OK, or an error at the offending name. */
/*@ requires \valid_read(buf + (0 .. len - 1));
    requires \valid_read(toks + (0 .. n - 1)) && i < n;
    assigns \nothing;
    ensures \result.err == DSG_JSON_OK ||
            ((\result.err == DSG_JSON_E_DUPLICATE_KEY || \result.err == DSG_JSON_E_NUL_IN_KEY) &&
             \result.at < len);
*/
static struct scan check_object(const uint8_t *buf, size_t len, const dsg_json_tok *toks,
                                size_t n, size_t i)
{
    size_t end = toks[i].next <= n ? toks[i].next : n;
    /*@ loop invariant i + 1 <= a <= n;
        loop assigns a;
        loop variant n - a;
    */
    for (size_t a = i + 1; a < end; a = next_name(toks, n, a)) {
        if (name_has_nul(buf, len, &toks[a]))
            return make_scan(toks[a].start, DSG_JSON_E_NUL_IN_KEY);
        /*@ loop invariant a < b <= n;
            loop assigns b;
            loop variant n - b;
        */
        for (size_t b = next_name(toks, n, a); b < end; b = next_name(toks, n, b))
            if (names_equal(buf, len, &toks[a], &toks[b]))
                return make_scan(toks[b].start, DSG_JSON_E_DUPLICATE_KEY);
    }
    return make_scan(0, DSG_JSON_OK);
}

int dsg_json_check_keys(const uint8_t *buf, size_t len, const dsg_json_tok *toks, size_t n,
                        size_t *err_at)
{
    /*@ loop invariant 0 <= i <= n;
        loop assigns i;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        if (toks[i].type != DSG_JSON_OBJECT)
            continue;
        struct scan r = check_object(buf, len, toks, n, i);
        if (r.err != DSG_JSON_OK) {
            *err_at = r.at;
            return r.err;
        }
    }
    return DSG_JSON_OK;
}

/* Index = result; the last row answers any other value. */
static const char error_tokens[DSG_JSON_E_BAD_TOKEN + 2][16] = {
    "ok", "depth", "too-many-tokens", "bad-utf8", "bad-escape", "control-char",
    "bad-number", "number-range", "trailing", "unexpected", "truncated",
    "duplicate-key", "nul-in-key", "no-room", "bad-token", "unknown",
};

const char *dsg_json_error_token(int code)
{
    if (code < 0 || code > DSG_JSON_E_BAD_TOKEN)
        code = DSG_JSON_E_BAD_TOKEN + 1;
    return error_tokens[code];
}
