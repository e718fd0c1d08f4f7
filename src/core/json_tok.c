/*
 * JSON tokenizer (REQ-RUN-044). See json_tok.h for the rules and the
 * contract, docs/json.md for the number policy and the limits,
 * acsl/PROOFS.md for what is proved.
 *
 * One loop reads the text from left to right, in one of five states (what
 * may come next), and keeps no stack: the open containers are chained
 * through the tokens' parent indices, the innermost being `cur`. An open
 * container is a token of length 0 (every finished token is at least one
 * byte long); closing it sets its length, and the proof keeps track of
 * which tokens are open to show that a finished container encloses all of
 * its children.
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

/* A hex digit's value, or 16. */
/*@ assigns \nothing;
    ensures \result <= 16;
*/
static uint32_t hex_value(uint8_t c)
{
    if (IS_DIGIT(c))
        return (uint32_t)c - '0';
    if (c >= 'a' && c <= 'f')
        return (uint32_t)c - ('a' - 10);
    if (c >= 'A' && c <= 'F')
        return (uint32_t)c - ('A' - 10);
    return 16;
}

/* The four hex digits at s[pos .. pos + 4) as a number in *v; 0 if one of
 * them is not a hex digit. */
/*@ requires \valid_read(s + (pos .. pos + 3)) && \valid(v) && \separated(v, s + (pos .. pos + 3));
    assigns *v;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> *v <= 0xFFFF;
*/
static int hex4(const uint8_t *s, size_t pos, uint32_t *v)
{
    uint32_t a = hex_value(s[pos]), b = hex_value(s[pos + 1]);
    uint32_t c = hex_value(s[pos + 2]), d = hex_value(s[pos + 3]);
    if (a > 15u || b > 15u || c > 15u || d > 15u)
        return 0;
    *v = a * 4096u + b * 256u + c * 16u + d;
    return 1;
}

/* The character a two-character escape stands for (\" \\ \/ \b \f \n \r
 * \t, RFC 8259 §7), or 0x80 for any other letter. */
/*@ assigns \nothing;
    ensures \result <= 0x80;
*/
static uint32_t short_escape(uint8_t c)
{
    switch (c) {
    case '"':  return '"';
    case '\\': return '\\';
    case '/':  return '/';
    case 'b':  return '\b';
    case 'f':  return '\f';
    case 'n':  return '\n';
    case 'r':  return '\r';
    case 't':  return '\t';
    default:   return 0x80;
    }
}

/* The escape at *pos (a backslash): its code point in *cp and *pos moved
 * past it. A \u escape of a high surrogate must be followed by one of a
 * low surrogate, and the pair stands for one code point; a lone surrogate
 * is refused (RFC 8259 §8.2 leaves it to the parser; jansson refuses it).
 * On error *pos is the backslash, or len when the text ends first. */
/*@ requires \valid_read(s + (0 .. len - 1)) && \valid(pos) && \valid(cp);
    requires \separated(pos, cp, s + (0 .. len - 1));
    requires *pos < len;
    assigns *pos, *cp;
    ensures \result == DSG_JSON_OK || \result == DSG_JSON_E_BAD_ESCAPE ||
            \result == DSG_JSON_E_TRUNCATED;
    ensures \result == DSG_JSON_OK ==> \old(*pos) < *pos <= len && *cp <= 0x10FFFF;
    ensures \result != DSG_JSON_OK ==> \old(*pos) <= *pos <= len;
*/
static int escape(const uint8_t *s, size_t len, size_t *pos, uint32_t *cp)
{
    size_t i = *pos;
    uint32_t hi = 0, lo = 0;
    if (len - i < 2u) {
        *pos = len;
        return DSG_JSON_E_TRUNCATED;
    }
    if (s[i + 1] != 'u') {
        uint32_t c = short_escape(s[i + 1]);
        if (c > 0x7Fu)
            return DSG_JSON_E_BAD_ESCAPE;
        *cp = c;
        *pos = i + 2;
        return DSG_JSON_OK;
    }
    if (len - i < 6u) {
        *pos = len;
        return DSG_JSON_E_TRUNCATED;
    }
    if (!hex4(s, i + 2, &hi) || (hi >= 0xDC00u && hi <= 0xDFFFu))
        return DSG_JSON_E_BAD_ESCAPE;
    if (hi < 0xD800u || hi > 0xDBFFu) {
        *cp = hi;
        *pos = i + 6;
        return DSG_JSON_OK;
    }
    /* a high surrogate: a \u escape of a low one must follow */
    if (len - i < 12u || s[i + 6] != '\\' || s[i + 7] != 'u' || !hex4(s, i + 8, &lo) ||
        lo < 0xDC00u || lo > 0xDFFFu)
        return DSG_JSON_E_BAD_ESCAPE;
    *cp = 0x10000u + (hi - 0xD800u) * 0x400u + (lo - 0xDC00u);
    *pos = i + 12;
    return DSG_JSON_OK;
}

/* One character of a string's contents at *pos (not its closing quote):
 * an escape, or a UTF-8 sequence that is not a control byte. Its code
 * point in *cp and *pos moved past it; on error *pos is the offset. */
/*@ requires \valid_read(s + (0 .. len - 1)) && \valid(pos) && \valid(cp);
    requires \separated(pos, cp, s + (0 .. len - 1));
    requires *pos < len;
    assigns *pos, *cp;
    ensures \result == DSG_JSON_OK || \result == DSG_JSON_E_BAD_ESCAPE ||
            \result == DSG_JSON_E_TRUNCATED || \result == DSG_JSON_E_CONTROL_CHAR ||
            \result == DSG_JSON_E_BAD_UTF8;
    ensures \result == DSG_JSON_OK ==> \old(*pos) < *pos <= len && *cp <= 0x10FFFF;
    ensures \result != DSG_JSON_OK ==> \old(*pos) <= *pos <= len;
*/
static int string_char(const uint8_t *s, size_t len, size_t *pos, uint32_t *cp)
{
    size_t i = *pos;
    if (s[i] == '\\')
        return escape(s, len, pos, cp);
    if (s[i] < 0x20u)
        return DSG_JSON_E_CONTROL_CHAR;
    size_t k = dsg_utf8_decode(s, len, i, cp);
    if (k == 0u)
        return DSG_JSON_E_BAD_UTF8;
    *pos = i + k;
    return DSG_JSON_OK;
}

/* The string at pos (a quote): the offset past its closing quote in *at,
 * or an error and its offset. */
/*@ requires \valid_read(s + (0 .. len - 1)) && \valid(at) && \separated(at, s + (0 .. len - 1));
    requires pos < len;
    assigns *at;
    ensures \result == DSG_JSON_OK || \result == DSG_JSON_E_BAD_ESCAPE ||
            \result == DSG_JSON_E_TRUNCATED || \result == DSG_JSON_E_CONTROL_CHAR ||
            \result == DSG_JSON_E_BAD_UTF8;
    ensures \result == DSG_JSON_OK ==> pos + 2 <= *at <= len;
    ensures *at <= len;
*/
static int scan_string(const uint8_t *s, size_t len, size_t pos, size_t *at)
{
    size_t i = pos + 1;
    uint32_t cp = 0;
    /*@ loop invariant pos + 1 <= i <= len;
        loop assigns i, cp;
        loop variant len - i;
    */
    while (i < len && s[i] != '"') {
        int rc = string_char(s, len, &i, &cp);
        if (rc != DSG_JSON_OK) {
            *at = i;
            return rc;
        }
    }
    if (i >= len) {
        *at = len;
        return DSG_JSON_E_TRUNCATED;
    }
    *at = i + 1;
    return DSG_JSON_OK;
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

/* The exponent's digits s[a .. b) as a number, saturated at 10^9. */
/*@ requires a <= b && \valid_read(s + (a .. b - 1));
    assigns \nothing;
    ensures \result <= 1000000000;
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
        if (!IS_DIGIT(c))
            break;
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
 * when none) and exponent e round to infinity as a binary64. The value is
 * 0.d1d2d3... x 10^(x + 1) with d1 its first non-zero digit; it overflows
 * when x > 308, or x == 308 and d1d2d3... >= the digits of the limit. */
/*@ requires ia < ib <= fa <= fb;
    requires \valid_read(s + (ia .. ib - 1)) && \valid_read(s + (fa .. fb - 1));
    requires -1000000000 <= e <= 1000000000;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int real_overflows(const uint8_t *s, size_t ia, size_t ib, size_t fa, size_t fb, int64_t e)
{
    size_t first = ia;
    int64_t x;
    if (s[ia] != '0') {
        x = saturated(ib - ia) - 1 + e;
    } else {
        first = skip_zeros(s, fa, fb);
        if (first == fb)
            return 0;                   /* zero */
        x = e - saturated(first - fa) - 1;
        ib = fb;                        /* the digits run from first to fb */
        fa = fb;
    }
    if (x != 308)
        return x > 308;
    return cmp_digits(s, first, ib, fa, fb, real_limit, REAL_LIMIT_DIGITS) >= 0;
}

/* The number at pos (a minus or a digit), RFC 8259 §6:
 *   [ "-" ] ( "0" / 1-9 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "-" / "+" ] 1*DIGIT ]
 * then the number policy of json_tok.h. The offset past it in *at, or an
 * error and its offset (the number's start for a range error). */
/*@ requires \valid_read(s + (0 .. len - 1)) && \valid(at) && \separated(at, s + (0 .. len - 1));
    requires pos < len;
    assigns *at;
    ensures \result == DSG_JSON_OK || \result == DSG_JSON_E_BAD_NUMBER ||
            \result == DSG_JSON_E_NUMBER_RANGE;
    ensures \result == DSG_JSON_OK ==> pos < *at <= len;
    ensures *at <= len;
*/
static int scan_number(const uint8_t *s, size_t len, size_t pos, size_t *at)
{
    int negative = s[pos] == '-';
    size_t ia = negative ? pos + 1 : pos;
    if (ia >= len || !IS_DIGIT(s[ia])) {
        *at = ia;
        return DSG_JSON_E_BAD_NUMBER;
    }
    size_t ib = s[ia] == '0' ? ia + 1 : digits_end(s, len, ia);
    size_t i = ib, fa = ib, fb = ib, ea = ib, eb = ib;
    int exp_negative = 0;
    if (i < len && s[i] == '.') {
        fa = i + 1;
        fb = digits_end(s, len, fa);
        i = fb;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        ea = i + 1;
        if (ea < len && (s[ea] == '+' || s[ea] == '-')) {
            exp_negative = s[ea] == '-';
            ea++;
        }
        eb = digits_end(s, len, ea);
        i = eb;
    }
    /* a leading zero, or a point or an exponent without digits */
    if ((ib < len && IS_DIGIT(s[ib])) || (fa > ib && fb == fa) || (ea > ib && eb == ea)) {
        *at = ib < len && IS_DIGIT(s[ib]) ? ib : fa > ib && fb == fa ? fb : eb;
        return DSG_JSON_E_BAD_NUMBER;
    }
    *at = i;
    if (i == ib) {
        if (int64_fits(s, ia, ib, negative))
            return DSG_JSON_OK;
    } else {
        int64_t e = exponent_value(s, ea, eb);
        if (!real_overflows(s, ia, ib, fa, fb, exp_negative ? -e : e))
            return DSG_JSON_OK;
    }
    *at = pos;
    return DSG_JSON_E_NUMBER_RANGE;
}

/* ---- values ----------------------------------------------------------------- */

/* The length of true/false/null at pos, whose first letter was checked:
 * the letters after it are b c d (and e unless 0). 0 if they differ. */
/*@ requires \valid_read(s + (0 .. len - 1)) && pos < len;
    assigns \nothing;
    ensures \result == 0 || (4 <= \result <= 5 && pos + \result <= len);
*/
static size_t word_len(const uint8_t *s, size_t len, size_t pos, uint8_t b, uint8_t c, uint8_t d,
                       uint8_t e)
{
    size_t n = e != 0u ? 5u : 4u;
    if (len - pos < n || s[pos + 1] != b || s[pos + 2] != c || s[pos + 3] != d ||
        (e != 0u && s[pos + 4] != e))
        return 0;
    return n;
}

/* The type of the value a byte starts, or 0. */
/*@ assigns \nothing;
    ensures \result == 0 || dsg_json_type_ok(\result);
*/
static int value_type(uint8_t c)
{
    if (c == '{')
        return DSG_JSON_OBJECT;
    if (c == '[')
        return DSG_JSON_ARRAY;
    if (c == '"')
        return DSG_JSON_STRING;
    if (c == '-' || IS_DIGIT(c))
        return DSG_JSON_NUMBER;
    if (c == 't')
        return DSG_JSON_TRUE;
    if (c == 'f')
        return DSG_JSON_FALSE;
    return c == 'n' ? DSG_JSON_NULL : 0;
}

/* The scalar of the given type at pos: the offset past it in *at, or an
 * error and its offset. */
/*@ requires \valid_read(s + (0 .. len - 1)) && \valid(at) && \separated(at, s + (0 .. len - 1));
    requires pos < len && DSG_JSON_STRING <= type <= DSG_JSON_NULL;
    assigns *at;
    ensures \result == DSG_JSON_OK || dsg_json_error(\result);
    ensures \result == DSG_JSON_OK ==> pos < *at <= len;
    ensures *at <= len;
*/
static int scan_scalar(const uint8_t *s, size_t len, size_t pos, int type, size_t *at)
{
    size_t n;
    switch (type) {
    case DSG_JSON_STRING:
        return scan_string(s, len, pos, at);
    case DSG_JSON_NUMBER:
        return scan_number(s, len, pos, at);
    case DSG_JSON_TRUE:
        n = word_len(s, len, pos, 'r', 'u', 'e', 0);
        break;
    case DSG_JSON_FALSE:
        n = word_len(s, len, pos, 'a', 'l', 's', 'e');
        break;
    default:
        n = word_len(s, len, pos, 'u', 'l', 'l', 0);
        break;
    }
    *at = pos + n;
    return n == 0u ? DSG_JSON_E_UNEXPECTED : DSG_JSON_OK;
}

/*@ requires \valid(t);
    assigns *t;
    ensures t->type == type && t->start == start && t->len == len && t->parent == parent &&
            t->size == 0 && t->next == next && t->depth == depth;
*/
static void put_token(dsg_json_tok *t, uint8_t type, size_t start, size_t len, size_t parent,
                      size_t next, uint32_t depth)
{
    t->type = type;
    t->start = start;
    t->len = len;
    t->parent = parent;
    t->size = 0;
    t->next = next;
    t->depth = depth;
}

/* ---- the tokenizer ------------------------------------------------------------ */

/* What holds at the head of the tokenizer's loop, pos being where it reads:
 * every token started before pos, at a depth within the limit; a token of
 * length 0 is an open container, at most the innermost open one (cur); a
 * finished token ended by pos and its next index is set; token 0 is the
 * top; any other follows its parent, an open or finished container one
 * level up that started before it; the children of a finished container
 * are finished and end within it; an open container's parent is open, and
 * no token between the two is still open. */
/*@ predicate building{L}(dsg_json_tok *t, integer n, integer cur, integer pos, integer max) =
      \forall integer i; 0 <= i < n ==>
        t[i].start < pos && 1 <= t[i].depth <= max && dsg_json_type_ok(t[i].type) &&
        t[i].size <= n &&
        (t[i].len > 0 ==> t[i].start + t[i].len <= pos && i < t[i].next <= n) &&
        (t[i].len == 0 ==> dsg_json_container(t[i].type) && cur != DSG_JSON_NONE && i <= cur) &&
        (i == 0 ==> t[i].parent == DSG_JSON_NONE && t[i].depth == 1) &&
        (i > 0 ==>
           t[i].parent < i && dsg_json_container(t[t[i].parent].type) &&
           t[t[i].parent].start < t[i].start && t[i].depth == t[t[i].parent].depth + 1 &&
           (t[t[i].parent].len > 0 ==>
              t[i].len > 0 && t[i].start + t[i].len <= t[t[i].parent].start + t[t[i].parent].len) &&
           (t[i].len == 0 ==>
              t[t[i].parent].len == 0 &&
              \forall integer j; t[i].parent < j < i ==> t[j].len > 0));
*/

int dsg_json_tokenize(const uint8_t *buf, size_t len, uint32_t max_depth,
                      dsg_json_tok *toks, size_t cap, size_t *ntoks, size_t *err_at)
{
    size_t pos = 0, n = 0, cur = DSG_JSON_NONE;
    uint32_t depth = 0;                 /* open containers: cur's depth */
    int state = ST_VALUE;
    int rc = DSG_JSON_OK;
    /*@ loop invariant pos <= len && n <= cap && depth <= max_depth;
        loop invariant ST_VALUE <= state <= ST_AFTER && rc == DSG_JSON_OK;
        loop invariant cur == DSG_JSON_NONE ==> depth == 0;
        loop invariant cur != DSG_JSON_NONE ==>
                         cur < n && toks[cur].len == 0 && depth == toks[cur].depth &&
                         dsg_json_container(toks[cur].type);
        loop invariant cur == DSG_JSON_NONE && state != ST_AFTER ==> n == 0 && state == ST_VALUE;
        loop invariant state == ST_AFTER ==> n >= 1;
        loop invariant ST_FIRST <= state <= ST_COLON ==> cur != DSG_JSON_NONE;
        loop invariant building(toks, n, cur, pos, max_depth);
        loop assigns pos, n, cur, depth, state, rc, toks[0 .. cap - 1];
        loop variant len - pos;
    */
    for (;;) {
        pos = skip_ws(buf, len, pos);
        if (pos == len)
            break;
        uint8_t c = buf[pos];
        if (state == ST_COLON) {
            if (c != ':') {
                rc = DSG_JSON_E_UNEXPECTED;
                break;
            }
            pos++;
            state = ST_VALUE;
            continue;
        }
        if (state == ST_AFTER && cur == DSG_JSON_NONE) {
            rc = DSG_JSON_E_TRAILING;
            break;
        }
        if (state == ST_AFTER && c == ',') {
            pos++;
            state = toks[cur].type == DSG_JSON_OBJECT ? ST_NAME : ST_VALUE;
            continue;
        }
        if ((state == ST_AFTER || state == ST_FIRST) &&
            c == (toks[cur].type == DSG_JSON_OBJECT ? '}' : ']')) {
            /* the innermost container ends here: its children are done */
            toks[cur].len = pos + 1 - toks[cur].start;
            toks[cur].next = n;
            cur = toks[cur].parent;
            depth--;
            pos++;
            state = ST_AFTER;
            continue;
        }
        /* a value, or a member's name */
        int type = value_type(c);
        int name = (state == ST_FIRST || state == ST_NAME) && toks[cur].type == DSG_JSON_OBJECT;
        if (state == ST_AFTER || type == 0 || (name && type != DSG_JSON_STRING)) {
            rc = DSG_JSON_E_UNEXPECTED;
            break;
        }
        if (depth >= max_depth) {
            rc = DSG_JSON_E_DEPTH;
            break;
        }
        if (n >= cap) {
            rc = DSG_JSON_E_TOO_MANY_TOKENS;
            break;
        }
        size_t end = pos + 1;
        int container = type == DSG_JSON_OBJECT || type == DSG_JSON_ARRAY;
        if (!container) {
            rc = scan_scalar(buf, len, pos, type, &end);
            if (rc != DSG_JSON_OK) {
                pos = end;
                break;
            }
        }
        put_token(&toks[n], (uint8_t)type, pos, container ? 0 : end - pos, cur, n + 1, depth + 1);
        if (cur != DSG_JSON_NONE && (name || toks[cur].type == DSG_JSON_ARRAY))
            toks[cur].size++;
        if (container) {
            cur = n;
            depth++;
            state = ST_FIRST;
        } else {
            state = name ? ST_COLON : ST_AFTER;
        }
        n++;
        pos = end;
    }
    if (rc == DSG_JSON_OK && (state != ST_AFTER || cur != DSG_JSON_NONE))
        rc = DSG_JSON_E_TRUNCATED;      /* pos == len: the text ended early */
    if (rc != DSG_JSON_OK) {
        *err_at = pos;
        return rc;
    }
    *ntoks = n;
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

/* The UTF-8 encoding of cp at out[*o ..], *o moved past it; 0 when it
 * does not fit. */
/*@ requires \valid(out + (0 .. cap - 1)) && \valid(o) && \separated(o, out + (0 .. cap - 1));
    requires *o <= cap && cp <= 0x10FFFF;
    assigns out[0 .. cap - 1], *o;
    ensures \result == 0 || \result == 1;
    ensures \old(*o) <= *o <= cap;
*/
static int put_utf8(uint8_t *out, size_t cap, size_t *o, uint32_t cp)
{
    size_t i = *o;
    size_t k = cp < 0x80u ? 1u : cp < 0x800u ? 2u : cp < 0x10000u ? 3u : 4u;
    if (cap - i < k)
        return 0;
    if (k == 1u) {
        out[i] = (uint8_t)cp;
    } else if (k == 2u) {
        out[i] = (uint8_t)(0xC0u + cp / 64u);
        out[i + 1] = (uint8_t)(0x80u + cp % 64u);
    } else if (k == 3u) {
        out[i] = (uint8_t)(0xE0u + cp / 4096u);
        out[i + 1] = (uint8_t)(0x80u + cp / 64u % 64u);
        out[i + 2] = (uint8_t)(0x80u + cp % 64u);
    } else {
        out[i] = (uint8_t)(0xF0u + cp / 262144u);
        out[i + 1] = (uint8_t)(0x80u + cp / 4096u % 64u);
        out[i + 2] = (uint8_t)(0x80u + cp / 64u % 64u);
        out[i + 3] = (uint8_t)(0x80u + cp % 64u);
    }
    *o = i + k;
    return 1;
}

int dsg_json_string_value(const uint8_t *buf, size_t len, const dsg_json_tok *tok,
                          uint8_t *out, size_t cap, size_t *out_len)
{
    if (!string_in(tok, len))
        return DSG_JSON_E_BAD_TOKEN;
    size_t p = tok->start + 1, end = tok->start + tok->len - 1, o = 0;
    uint32_t cp = 0;
    /*@ loop invariant tok->start + 1 <= p <= end && o <= cap;
        loop assigns p, o, cp, out[0 .. cap - 1];
        loop variant end - p;
    */
    while (p < end) {
        int rc = string_char(buf, end, &p, &cp);
        if (rc != DSG_JSON_OK)
            return rc;
        if (!put_utf8(out, cap, &o, cp))
            return DSG_JSON_E_NO_ROOM;
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
    uint32_t cp = 1;
    /*@ loop invariant t->start + 1 <= p <= end;
        loop assigns p, cp;
        loop variant end - p;
    */
    while (p < end) {
        if (string_char(buf, end, &p, &cp) != DSG_JSON_OK)
            return 0;
        if (cp == 0u)
            return 1;
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
    uint32_t ca = 0, cb = 0;
    /*@ loop invariant a->start + 1 <= pa <= ea && b->start + 1 <= pb <= eb;
        loop assigns pa, pb, ca, cb;
        loop variant (ea - pa) + (eb - pb);
    */
    while (pa < ea && pb < eb) {
        if (string_char(buf, ea, &pa, &ca) != DSG_JSON_OK ||
            string_char(buf, eb, &pb, &cb) != DSG_JSON_OK || ca != cb)
            return 0;
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

/* The members of the object at i: no name holds U+0000, no two are equal. */
/*@ requires \valid_read(buf + (0 .. len - 1));
    requires \valid_read(toks + (0 .. n - 1)) && \valid(err_at) && i < n;
    requires \separated(err_at, buf + (0 .. len - 1), toks + (0 .. n - 1));
    assigns *err_at;
    ensures \result == DSG_JSON_OK || \result == DSG_JSON_E_DUPLICATE_KEY ||
            \result == DSG_JSON_E_NUL_IN_KEY;
    ensures \result != DSG_JSON_OK ==> *err_at < len;
*/
static int check_object(const uint8_t *buf, size_t len, const dsg_json_tok *toks, size_t n,
                        size_t i, size_t *err_at)
{
    size_t end = toks[i].next <= n ? toks[i].next : n;
    /*@ loop invariant i + 1 <= a <= n;
        loop assigns a;
        loop variant n - a;
    */
    for (size_t a = i + 1; a < end; a = next_name(toks, n, a)) {
        if (name_has_nul(buf, len, &toks[a])) {
            *err_at = toks[a].start;
            return DSG_JSON_E_NUL_IN_KEY;
        }
        /*@ loop invariant a < b <= n;
            loop assigns b;
            loop variant n - b;
        */
        for (size_t b = next_name(toks, n, a); b < end; b = next_name(toks, n, b)) {
            if (names_equal(buf, len, &toks[a], &toks[b])) {
                *err_at = toks[b].start;
                return DSG_JSON_E_DUPLICATE_KEY;
            }
        }
    }
    return DSG_JSON_OK;
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
        int rc = check_object(buf, len, toks, n, i, err_at);
        if (rc != DSG_JSON_OK)
            return rc;
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
