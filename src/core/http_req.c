/*
 * HTTP/1.1 request head parser (REQ-RUN-029). See http_req.h for the rules
 * and the contract; acsl/PROOFS.md for what is proved.
 *
 * Two passes over the head. scan_head finds the empty line that ends it
 * and checks the byte-level rules that make lines lines (CR LF only, no
 * folding) before anything else is read, so every later step may take "a
 * CR is followed by LF" for granted. Then the request line and the field
 * lines are parsed with a cursor, each into slices of the buffer, and the
 * stored fields are read once more for what the contract says about them.
 *
 * The shape is chosen for the proof's cost (docs/toolchain.md). Every read
 * of a buffer byte and every call is a proof goal of its own, and every
 * branch a smoke test, so:
 * - words are matched by a loop (word_eq, pack), not a comparison per
 *   byte;
 * - BIT(a) & BIT(b) is a branch-free "and" of 0/1 bits;
 * - facts about the stored fields are established by check_request, a loop
 *   that only reads them, after the last write to the request: a fact
 *   over the whole array then never has to survive a later write;
 * - a step's rules are 0/1 flags made exclusive, the error their weighted
 *   sum, so a step has one "if" where it had one per rule; the steps of a
 *   parse all run, each on a position valid whatever the steps before
 *   answered, and the first error is the answer (first, FIRST);
 * - a call's result goes into a variable of its own type (a converted or
 *   nested result is a temporary, and a smoke test of its own).
 */
#include "core/http_req.h"
#include "core/utf8.h"

#define BIT(c) ((int)(c))
#define NOT(c) (!(c))                    /* of a 0/1 flag */

/* a if it is an error (not 0), else b: the first error of two statuses. */
#define FIRST(a, b) ((unsigned)(a) + (unsigned)BIT((a) == 0) * (unsigned)(b))

/* ---- character classes ---------------------------------------------------- */

/* Branch-free tests of one byte c, a local: macros, not functions, since a
 * call costs the proof more than the test. */

/* A tchar of RFC 9110 §5.6.2. */
#define IS_TCHAR(c)                                                                    \
    ((BIT((c) >= '0') & BIT((c) <= '9')) | (BIT((c) >= 'a') & BIT((c) <= 'z')) |       \
     (BIT((c) >= 'A') & BIT((c) <= 'Z')) | BIT((c) == '!') | BIT((c) == '#') |         \
     BIT((c) == '$') | BIT((c) == '%') | BIT((c) == '&') | BIT((c) == '\'') |         \
     BIT((c) == '*') | BIT((c) == '+') | BIT((c) == '-') | BIT((c) == '.') |           \
     BIT((c) == '^') | BIT((c) == '_') | BIT((c) == '`') | BIT((c) == '|') |           \
     BIT((c) == '~'))

/* A byte of a field value: HTAB, SP, VCHAR, obs-text (RFC 9110 §5.5). */
#define IS_TEXT(c) (BIT((c) == 9u) | (BIT((c) >= 0x20u) & BIT((c) != 0x7Fu)))

#define IS_OWS(c) (BIT((c) == ' ') | BIT((c) == '\t'))

/* A byte of an origin-form request-target: visible ASCII but "#". */
#define IS_TARGET(c) (BIT((c) >= 0x21u) & BIT((c) <= 0x7Eu) & BIT((c) != '#'))

#define IS_UPPER(c) (BIT((c) >= 'A') & BIT((c) <= 'Z'))

#define IS_DIGIT(c) (BIT((c) >= '0') & BIT((c) <= '9'))

/* ---- words ------------------------------------------------------------------- */

/* b[o .. o + n) is the word want[0 .. wn), ASCII letters in any case (want
 * is lowercase). */
/*@ requires \valid_read(b + (o .. o + n - 1)) && \valid_read(want + (0 .. wn - 1));
    requires o + n <= SIZE_MAX;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==>
              n == wn && (\forall integer k; 0 <= k < n ==> dsg_http_lower(b[o + k]) == want[k]);
*/
static int word_eq(const uint8_t *b, size_t o, size_t n, const uint8_t *want, size_t wn)
{
    if (n != wn)
        return 0;
    size_t k = 0;
    int eq = 1;
    /*@ loop invariant 0 <= k <= n && (eq == 0 || eq == 1);
        loop invariant eq == 1 <==>
          (\forall integer j; 0 <= j < k ==> dsg_http_lower(b[o + j]) == want[j]);
        loop assigns k, eq;
        loop variant n - k;
    */
    while (k < n) {
        unsigned c = b[o + k];
        c += 32u * (unsigned)IS_UPPER(c);
        eq &= BIT(c == want[k]);
        k++;
    }
    return eq;
}

/* p[0 .. n) as one number: a leading 1, then the bytes, first highest. Two
 * strings of at most 7 bytes are equal exactly when their keys are, so a
 * word is matched by one comparison with a KEYn constant. (The % never
 * cuts for n <= 7; it only bounds the sum for the overflow check.) */
#define KEY_ROOM 0x80000000000000ull /* 2^55 */
/*@ requires n <= 7 && \valid_read(p + (0 .. n - 1));
    assigns \nothing;
*/
static uint64_t pack(const uint8_t *p, size_t n)
{
    uint64_t key = 1;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i, key;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        key = (key % KEY_ROOM) * 256u + p[i];
    return key;
}

#define KEY1(a) (256ull + (uint64_t)(a))
#define KEY2(a, b) (KEY1(a) * 256u + (uint64_t)(b))
#define KEY3(a, b, c) (KEY2(a, b) * 256u + (uint64_t)(c))
#define KEY4(a, b, c, d) (KEY3(a, b, c) * 256u + (uint64_t)(d))
#define KEY5(a, b, c, d, e) (KEY4(a, b, c, d) * 256u + (uint64_t)(e))
#define KEY6(a, b, c, d, e, f) (KEY5(a, b, c, d, e) * 256u + (uint64_t)(f))
#define KEY7(a, b, c, d, e, f, g) (KEY6(a, b, c, d, e, f) * 256u + (uint64_t)(g))

/* ---- the head's lines -------------------------------------------------------- */

/*
 * Finds the empty line that ends the head within the first
 * min(len, max) bytes, refusing a bare CR or LF and a line that starts
 * with SP or HTAB on the way.
 */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid(end);
    requires \separated(end, buf + (0 .. len - 1));
    assigns *end;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_NEED_MORE ||
            \result == DSG_HTTP_ERR_HEAD_TOO_LARGE || \result == DSG_HTTP_ERR_BAD_LINE_ENDING ||
            \result == DSG_HTTP_ERR_OBS_FOLD;
    ensures \result == DSG_HTTP_NEED_MORE ==> len < max;
    ensures \result == DSG_HTTP_OK ==>
              2 <= *end <= len && *end <= max &&
              buf[*end - 2] == '\r' && buf[*end - 1] == '\n' &&
              dsg_http_crlf_only(buf, *end) && dsg_http_no_fold(buf, *end);
*/
static dsg_http_status scan_head(const uint8_t *buf, size_t len, uint32_t max, size_t *end)
{
    size_t lim = len < max ? len : (size_t)max;
    size_t i = 0;
    int at_start = 1;   /* buf[i] starts a line */
    /*@ loop invariant 0 <= i <= lim;
        loop invariant at_start == 0 || at_start == 1;
        loop invariant at_start == 1 ==>
          i == 0 || (2 <= i && buf[i - 2] == '\r' && buf[i - 1] == '\n');
        loop invariant at_start == 0 ==> 1 <= i && buf[i - 1] != '\n' && buf[i - 1] != '\r';
        loop invariant dsg_http_crlf_only(buf, i);
        loop invariant dsg_http_no_fold(buf, i);
        loop assigns i, at_start;
        loop variant lim - i;
    */
    while (i < lim) {
        uint8_t c = buf[i];
        if (c == '\r') {
            if (i + 1 >= lim)
                break;
            if (buf[i + 1] != '\n')
                return DSG_HTTP_ERR_BAD_LINE_ENDING;
            if (at_start) {
                *end = i + 2;
                return DSG_HTTP_OK;
            }
            i += 2;
            at_start = 1;
            continue;
        }
        if (c == '\n')
            return DSG_HTTP_ERR_BAD_LINE_ENDING;
        if ((at_start & BIT(i > 0) & IS_OWS(c)) != 0)
            return DSG_HTTP_ERR_OBS_FOLD;
        at_start = 0;
        i++;
    }
    return (dsg_http_status)(DSG_HTTP_NEED_MORE + BIT(len >= max));
}

/* ---- the request line ---------------------------------------------------------- */

/* The method m[0 .. n) as 1 + its dsg_http_method, or 0. */
/*@ requires n <= 7 && \valid_read(m + (0 .. n - 1));
    assigns \nothing;
    ensures 0 <= \result <= DSG_HTTP_PATCH + 1;
*/
static uint32_t method_code(const uint8_t *m, size_t n)
{
    uint64_t k = pack(m, n);
    return 1u * (uint32_t)BIT(k == KEY3('G', 'E', 'T')) +
           2u * (uint32_t)BIT(k == KEY4('H', 'E', 'A', 'D')) +
           3u * (uint32_t)BIT(k == KEY4('P', 'O', 'S', 'T')) +
           4u * (uint32_t)BIT(k == KEY3('P', 'U', 'T')) +
           5u * (uint32_t)BIT(k == KEY6('D', 'E', 'L', 'E', 'T', 'E')) +
           6u * (uint32_t)BIT(k == KEY7('O', 'P', 'T', 'I', 'O', 'N', 'S')) +
           7u * (uint32_t)BIT(k == KEY5('P', 'A', 'T', 'C', 'H'));
}

/* The HTTP/2 connection preface's first line (RFC 9113 §3.4). */
/*@ requires \valid_read(b + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int h2_preface(const uint8_t *b, size_t n)
{
    if (n < 16)
        return 0;
    uint64_t k1 = pack(b, 7), k2 = pack(b + 7, 7), k3 = pack(b + 14, 2);
    return BIT(k1 == KEY7('P', 'R', 'I', ' ', '*', ' ', 'H')) &
           BIT(k2 == KEY7('T', 'T', 'P', '/', '2', '.', '0')) & BIT(k3 == KEY2('\r', '\n'));
}

/* method SP: fills req->method and req->method_id, *pos = after the SP.
 * No method is longer than 7 bytes (OPTIONS), so the scan stops at 8. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(req) && \valid(pos);
    requires \separated(req, pos, buf + (0 .. end - 1));
    requires 1 <= end <= UINT32_MAX && buf[end - 1] == '\n' && *pos < end;
    assigns req->method, req->method_id, *pos;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_METHOD ||
            \result == DSG_HTTP_ERR_BAD_VERSION;
    ensures *pos < end;
*/
static dsg_http_status parse_method(const uint8_t *buf, size_t end, dsg_http_request *req,
                                    size_t *pos)
{
    size_t i = 0;
    /* the LF at buf[end - 1] is no letter: it ends the scan */
    /*@ loop invariant 0 <= i < end && i <= 8;
        loop assigns i;
        loop variant 8 - i;
    */
    for (;;) {
        uint8_t c = buf[i];
        if ((IS_UPPER(c) & BIT(i < 8)) == 0)
            break;
        i++;
    }
    /* i <= 8: the method is at most the first 7 bytes, and known only
     * when a SP follows it */
    uint32_t code = method_code(buf, i - (size_t)BIT(i == 8));
    code *= (uint32_t)(BIT(buf[i] == ' ') & BIT(i < 8));
    int h2 = h2_preface(buf, end);
    if (code == 0)   /* also "PRI", the start of the HTTP/2 preface */
        return (dsg_http_status)(DSG_HTTP_ERR_BAD_METHOD + 3 * h2);
    req->method.off = 0;
    req->method.len = (uint32_t)i;
    req->method_id = code - 1u;
    *pos = i + 1;
    return DSG_HTTP_OK;
}

/* request-target SP, origin-form only (RFC 9112 §3.2.1). */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(req) && \valid(pos);
    requires \separated(req, pos, buf + (0 .. end - 1));
    requires t < end <= UINT32_MAX && buf[end - 1] == '\n' && *pos < end;
    assigns req->target, *pos;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_TARGET ||
            \result == DSG_HTTP_ERR_TARGET_TOO_LONG || \result == DSG_HTTP_ERR_BAD_VERSION;
    ensures *pos < end;
*/
static dsg_http_status parse_target(const uint8_t *buf, size_t end, size_t t, uint32_t max,
                                    dsg_http_request *req, size_t *pos)
{
    (void)end;                            /* buf[end - 1], the scan's sentinel */
    int lead = BIT(buf[t] != '/');
    size_t i = t;
    /* the LF at buf[end - 1] is no target byte: it ends the scan */
    /*@ loop invariant t <= i < end && i - t <= max;
        loop assigns i;
        loop variant end - i;
    */
    for (;;) {
        uint8_t c = buf[i];
        if ((IS_TARGET(c) & BIT(i - t < max)) == 0)
            break;
        i++;
    }
    uint8_t stop = buf[i];
    /* a target not starting with "/"; "GET /" CR LF is HTTP/0.9, without a
     * version; a target byte at the limit; any other byte */
    int cr = NOT(lead) & BIT(stop == '\r');
    int long_ = NOT(lead) & NOT(cr) & IS_TARGET(stop);
    int err = BIT(stop != ' ') | lead;
    if (err != 0)
        return (dsg_http_status)(DSG_HTTP_ERR_BAD_VERSION * cr + DSG_HTTP_ERR_TARGET_TOO_LONG * long_ +
                                 DSG_HTTP_ERR_BAD_TARGET * (NOT(cr) & NOT(long_)));
    req->target.off = (uint32_t)t;
    req->target.len = (uint32_t)(i - t);
    *pos = i + 1;
    return DSG_HTTP_OK;
}

/* "HTTP/1.0" or "HTTP/1.1", then CR LF. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(req) && \valid(pos);
    requires \separated(req, pos, buf + (0 .. end - 1));
    requires v <= end && *pos <= end;
    assigns req->version_minor, *pos;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_VERSION;
    ensures *pos <= end;
    ensures \result == DSG_HTTP_OK ==>
              *pos == v + 10 && *pos <= end &&
              (req->version_minor == 0 || req->version_minor == 1);
*/
static dsg_http_status parse_version(const uint8_t *buf, size_t end, size_t v,
                                     dsg_http_request *req, size_t *pos)
{
    if (end - v < 10)
        return DSG_HTTP_ERR_BAD_VERSION;
    uint64_t tail = pack(buf + v + 7, 3);
    int minor = BIT(tail == KEY3('1', '\r', '\n'));
    int ok = BIT(pack(buf + v, 7) == KEY7('H', 'T', 'T', 'P', '/', '1', '.')) &
             (minor | BIT(tail == KEY3('0', '\r', '\n')));
    req->version_minor = (uint32_t)minor;
    *pos = v + 10;
    return (dsg_http_status)(DSG_HTTP_ERR_BAD_VERSION * NOT(ok));
}

/* ---- field lines ------------------------------------------------------------------ */

/* Where a field line's name and value are (size_t, so that WP's typed
 * memory model keeps them apart from the uint32_t slices in the request). */
struct span {
    size_t no, nl;     /* name */
    size_t vo, vl;     /* value, OWS trimmed */
};

/* The cursor moved past OWS / a list member / to the next ",": each never
 * moves back and never passes n, which is what the callers' variants need. */
/*@ requires \valid_read(b + (0 .. n - 1)) && i <= n;
    assigns \nothing;
    ensures i <= \result <= n;
*/
static size_t skip_ows(const uint8_t *b, size_t n, size_t i)
{
    /*@ loop invariant \at(i, Pre) <= i <= n;
        loop assigns i;
        loop variant n - i;
    */
    while (i < n) {
        uint8_t c = b[i];
        if (!IS_OWS(c))
            break;
        i++;
    }
    return i;
}

/*@ requires \valid_read(b + (0 .. n - 1)) && i <= n;
    assigns \nothing;
    ensures i <= \result <= n;
*/
static size_t skip_member(const uint8_t *b, size_t n, size_t i)
{
    /*@ loop invariant \at(i, Pre) <= i <= n;
        loop assigns i;
        loop variant n - i;
    */
    while (i < n) {
        uint8_t c = b[i];
        if ((BIT(c == ',') | IS_OWS(c)) != 0)
            break;
        i++;
    }
    return i;
}

/*@ requires \valid_read(b + (0 .. n - 1)) && i <= n;
    assigns \nothing;
    ensures i <= \result <= n;
*/
static size_t skip_to_comma(const uint8_t *b, size_t n, size_t i)
{
    /*@ loop invariant \at(i, Pre) <= i <= n;
        loop assigns i;
        loop variant n - i;
    */
    while (i < n && b[i] != ',')
        i++;
    return i;
}

/* One field line at buf[p ..]: name ":" OWS value OWS CR LF. The LF at
 * buf[end - 1] is neither a tchar, nor OWS, nor a value byte: it ends each
 * scan below, so none needs a bound of its own. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(f) && \valid(next);
    requires \separated(f, next, buf + (0 .. end - 1));
    requires p < end <= UINT32_MAX && buf[end - 1] == '\n';
    assigns *f, *next;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_HEADER;
    ensures \result == DSG_HTTP_OK ==>
              p < *next <= end && f->no == p && f->vo < *next &&
              f->no + f->nl <= *next && f->vo + f->vl <= *next;
*/
static dsg_http_status field_line(const uint8_t *buf, size_t end, size_t p, struct span *f,
                                  size_t *next)
{
    (void)end;                            /* buf[end - 1], the scans' sentinel */
    size_t colon = p;
    /*@ loop invariant p <= colon < end;
        loop assigns colon;
        loop variant end - colon;
    */
    for (;;) {
        uint8_t c = buf[colon];
        if (!IS_TCHAR(c))
            break;
        colon++;
    }
    if ((BIT(colon == p) | BIT(buf[colon] != ':')) != 0)   /* also SP or HTAB before ":" */
        return DSG_HTTP_ERR_BAD_HEADER;
    size_t vs = colon + 1;
    /*@ loop invariant colon < vs < end;
        loop assigns vs;
        loop variant end - vs;
    */
    for (;;) {
        uint8_t c = buf[vs];
        if (!IS_OWS(c))
            break;
        vs++;
    }
    size_t ve = vs, i = vs;
    /*@ loop invariant vs <= ve <= i < end;
        loop assigns i, ve;
        loop variant end - i;
    */
    for (;;) {
        uint8_t c = buf[i];
        if (!IS_TEXT(c))
            break;
        if (!IS_OWS(c))
            ve = i + 1;
        i++;
    }
    /* a CR is never buf[end - 1]: buf[i + cr] is there */
    int cr = BIT(buf[i] == '\r');
    int lf = BIT(buf[i + (size_t)cr] == '\n');
    f->no = p;
    f->nl = colon - p;
    f->vo = vs;
    f->vl = ve - vs;
    *next = i + 2;
    return (dsg_http_status)(DSG_HTTP_ERR_BAD_HEADER * !(cr & lf));
}

/* The field name b[o .. o + n) is Content-Length / Transfer-Encoding. */
/*@ requires \valid_read(b + (o .. o + n - 1)) && o + n <= SIZE_MAX;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_http_is_cl(b, o, n);
*/
static int is_content_length(const uint8_t *b, size_t o, size_t n)
{
    const uint8_t word[14] = { 'c', 'o', 'n', 't', 'e', 'n', 't', '-', 'l', 'e', 'n', 'g', 't', 'h' };
    int r = word_eq(b, o, n, word, 14);
    return r;
}

/*@ requires \valid_read(b + (o .. o + n - 1)) && o + n <= SIZE_MAX;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_http_is_te(b, o, n);
*/
static int is_transfer_encoding(const uint8_t *b, size_t o, size_t n)
{
    const uint8_t word[17] = { 't', 'r', 'a', 'n', 's', 'f', 'e', 'r', '-',
                               'e', 'n', 'c', 'o', 'd', 'i', 'n', 'g' };
    int r = word_eq(b, o, n, word, 17);
    return r;
}

/* "close" and "keep-alive" among the tokens of a Connection value, when on
 * is 1 (the value is a Connection field's): the flags are only ever set. */
/*@ requires \valid_read(b + (0 .. n - 1)) && \valid(close) && \valid(keep);
    requires on == 0 || on == 1;
    requires \separated(close, keep, b + (0 .. n - 1));
    assigns *close, *keep;
*/
static void connection_tokens(const uint8_t *b, size_t n, size_t on, size_t *close, size_t *keep)
{
    const uint8_t close_word[5] = { 'c', 'l', 'o', 's', 'e' };
    const uint8_t keep_word[10] = { 'k', 'e', 'e', 'p', '-', 'a', 'l', 'i', 'v', 'e' };
    size_t i = 0;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i, *close, *keep;
        loop variant n - i;
    */
    while (i < n) {
        size_t s = skip_ows(b, n, i);
        size_t e = skip_member(b, n, s);
        int is_close = word_eq(b, s, e - s, close_word, 5);
        int is_keep = word_eq(b, s, e - s, keep_word, 10);
        *close |= on & (size_t)is_close;
        *keep |= on & (size_t)is_keep;
        i = skip_to_comma(b, n, e);
        if (i < n)
            i++;                          /* the "," */
    }
}

/* One decimal value of a Content-Length list at b[*i ..]: 1*DIGIT, no sign,
 * at most 2^63-1. */
/*@ requires \valid_read(b + (0 .. n - 1)) && \valid(i) && \valid(v);
    requires \separated(i, v, b + (0 .. n - 1));
    requires *i <= n;
    assigns *i, *v;
    ensures \old(*i) <= *i <= n;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> \old(*i) < *i && *v <= DSG_HTTP_CL_MAX;
*/
static int cl_digits(const uint8_t *b, size_t n, size_t *i, uint64_t *v)
{
    size_t k = *i;
    uint64_t acc = 0;
    /*@ loop invariant \at(*i, Pre) <= k <= n;
        loop invariant acc <= DSG_HTTP_CL_MAX;
        loop assigns k, acc;
        loop variant n - k;
    */
    while (k < n) {
        uint8_t c = b[k];
        if (!IS_DIGIT(c))
            break;
        uint64_t d = (uint64_t)(c - '0');
        if (acc > (DSG_HTTP_CL_MAX - d) / 10u)
            return 0;
        acc = acc * 10u + d;
        k++;
    }
    if (k == *i)                          /* not one digit */
        return 0;
    *i = k;
    *v = acc;
    return 1;
}

/* A Content-Length value: a comma list of equal decimal values (RFC 9110
 * §8.6); *v the value. */
/*@ requires \valid_read(b + (0 .. n - 1)) && \valid(v);
    requires \separated(v, b + (0 .. n - 1));
    assigns *v;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_CONTENT_LENGTH ||
            \result == DSG_HTTP_ERR_AMBIGUOUS_FRAMING;
    ensures \result == DSG_HTTP_OK ==> *v <= DSG_HTTP_CL_MAX;
*/
static dsg_http_status cl_value(const uint8_t *b, size_t n, uint64_t *v)
{
    size_t i = 0;
    uint64_t first = 0, cur = 0;
    int seen = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant seen == 0 || seen == 1;
        loop invariant first <= DSG_HTTP_CL_MAX;
        loop assigns i, first, cur, seen;
        loop variant n - i;
    */
    for (;;) {
        i = skip_ows(b, n, i);
        int ok = cl_digits(b, n, &i, &cur);
        i = skip_ows(b, n, i);
        size_t comma = skip_to_comma(b, n, i);
        /* no digits, or more than OWS before the next ",": malformed; else
         * well formed, but different from the first */
        int bad = NOT(ok) | (BIT(i < n) & BIT(comma != i));
        int amb = NOT(bad) & seen & BIT(cur != first);
        if ((bad | amb) != 0)
            return (dsg_http_status)(DSG_HTTP_ERR_BAD_CONTENT_LENGTH * bad +
                                     DSG_HTTP_ERR_AMBIGUOUS_FRAMING * amb);
        first = cur;
        seen = 1;
        if (i == n)
            break;
        i++;                               /* the "," */
    }
    *v = first;
    return DSG_HTTP_OK;
}

/* ---- the framing fields ---------------------------------------------------------- */

/* What the field lines so far said about framing, Host and Connection. */
struct seen {
    size_t cl;              /* a Content-Length field */
    size_t te;              /* a Transfer-Encoding field */
    size_t host;
    size_t close;           /* Connection: close */
    size_t keep;            /* Connection: keep-alive */
    uint64_t length;        /* the Content-Length value, 0 without one */
    size_t host_off, host_len;   /* 0, 0 without a Host */
};

/* What finish needs to convert *st into the request's 32-bit fields. */
/*@ predicate seen_ok{L}(struct seen *st, integer end) =
      (st->cl == 0 || st->cl == 1) && (st->te == 0 || st->te == 1) &&
      (st->host == 0 || st->host == 1) && st->host_off + st->host_len <= end;
*/

/* Content-Length: never with Transfer-Encoding, and equal to any earlier
 * one (RFC 9110 §8.6). */
/*@ requires \valid_read(val + (0 .. n - 1)) && \valid(st);
    requires \separated(st, val + (0 .. n - 1));
    assigns st->cl, st->length;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_AMBIGUOUS_FRAMING ||
            \result == DSG_HTTP_ERR_BAD_CONTENT_LENGTH;
    ensures \result == DSG_HTTP_OK ==> st->cl == 1;
    ensures \result != DSG_HTTP_OK ==> st->cl == \old(st->cl);
*/
static dsg_http_status on_content_length(const uint8_t *val, size_t n, struct seen *st)
{
    uint64_t v = 0;
    dsg_http_status r = cl_value(val, n, &v);
    /* in this order: Transfer-Encoding before, a malformed value, a value
     * that differs from an earlier one */
    unsigned te = (unsigned)BIT(st->te != 0);
    unsigned diff = (unsigned)(BIT(st->cl != 0) & BIT(v != st->length));
    unsigned e = DSG_HTTP_ERR_AMBIGUOUS_FRAMING * te +
                 (1u - te) * FIRST(r, DSG_HTTP_ERR_AMBIGUOUS_FRAMING * diff);
    if (e != 0)
        return (dsg_http_status)e;
    st->cl = 1;
    st->length = v;
    return DSG_HTTP_OK;
}

/* Transfer-Encoding: exactly one "chunked", in HTTP/1.1 only (RFC 9112
 * §6.1), never with Content-Length. */
/*@ requires \valid_read(val + (0 .. n - 1)) && \valid(st);
    requires \separated(st, val + (0 .. n - 1));
    assigns st->te;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_AMBIGUOUS_FRAMING ||
            \result == DSG_HTTP_ERR_BAD_TRANSFER_ENCODING;
    ensures st->te == \old(st->te) || st->te == 1;
*/
static dsg_http_status on_transfer_encoding(const uint8_t *val, size_t n, uint32_t minor,
                                            struct seen *st)
{
    const uint8_t chunked[7] = { 'c', 'h', 'u', 'n', 'k', 'e', 'd' };
    int is_chunked = word_eq(val, 0, n, chunked, 7);
    /* in this order: HTTP/1.0, Content-Length before, not one "chunked" */
    int old = BIT(minor == 0);
    int amb = NOT(old) & BIT(st->cl != 0);
    int bad = old | (NOT(amb) & (BIT(st->te != 0) | NOT(is_chunked)));
    st->te = 1;                           /* only read again on success */
    return (dsg_http_status)(DSG_HTTP_ERR_BAD_TRANSFER_ENCODING * bad +
                             DSG_HTTP_ERR_AMBIGUOUS_FRAMING * amb);
}

/* Applies one field line to *st: Content-Length, Transfer-Encoding, Host
 * and Connection are read, every other field is only kept. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(st);
    requires \separated(st, buf + (0 .. end - 1));
    requires f.no < end && f.vo < end && f.no + f.nl <= end && f.vo + f.vl <= end;
    requires seen_ok(st, end);
    assigns *st;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_AMBIGUOUS_FRAMING ||
            \result == DSG_HTTP_ERR_BAD_CONTENT_LENGTH ||
            \result == DSG_HTTP_ERR_BAD_TRANSFER_ENCODING ||
            \result == DSG_HTTP_ERR_DUPLICATE_HOST;
    ensures seen_ok(st, end);
*/
static dsg_http_status on_field(const uint8_t *buf, size_t end, struct span f, uint32_t minor,
                                struct seen *st)
{
    (void)end;                            /* bounds f in the contract */
    const uint8_t host[4] = { 'h', 'o', 's', 't' };
    const uint8_t connection[10] = { 'c', 'o', 'n', 'n', 'e', 'c', 't', 'i', 'o', 'n' };
    const uint8_t *val = buf + f.vo;
    int is_cl = is_content_length(buf, f.no, f.nl);
    int is_te = is_transfer_encoding(buf, f.no, f.nl);
    int is_host = word_eq(buf, f.no, f.nl, host, 4);
    int is_conn = word_eq(buf, f.no, f.nl, connection, 10);
    dsg_http_status r = DSG_HTTP_OK;
    if (is_cl)
        r = on_content_length(val, f.vl, st);
    else if (is_te)
        r = on_transfer_encoding(val, f.vl, minor, st);
    else if (is_host) {
        r = (dsg_http_status)(DSG_HTTP_ERR_DUPLICATE_HOST * st->host);
        st->host = 1;
        st->host_off = f.vo;
        st->host_len = f.vl;
    }
    /* a name is at most one of the four words */
    connection_tokens(val, f.vl, (size_t)is_conn, &st->close, &st->keep);
    return r;
}

/* The field lines from buf[pos] to the empty line at the end of the head,
 * stored in req->fields[0 .. *count) and applied to *st. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(req);
    requires \valid(st) && \valid(count);
    requires \separated(req, st, count, buf + (0 .. end - 1));
    requires pos <= end <= UINT32_MAX && buf[end - 1] == '\n';
    requires seen_ok(st, end);
    assigns req->fields[0 .. DSG_HTTP_FIELDS_MAX - 1], *st, *count;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_HEADER ||
            \result == DSG_HTTP_ERR_TOO_MANY_HEADERS ||
            \result == DSG_HTTP_ERR_DUPLICATE_HOST || \result == DSG_HTTP_ERR_AMBIGUOUS_FRAMING ||
            \result == DSG_HTTP_ERR_BAD_TRANSFER_ENCODING ||
            \result == DSG_HTTP_ERR_BAD_CONTENT_LENGTH;
    ensures seen_ok(st, end);
*/
static dsg_http_status read_fields(const uint8_t *buf, size_t end, size_t pos, uint32_t cap,
                                   uint32_t minor, dsg_http_request *req, struct seen *st,
                                   uint32_t *count)
{
    uint32_t n = 0;
    struct span f = { 0, 0, 0, 0 };
    size_t next = 0;
    /*@ loop invariant pos <= end && n <= cap && n <= DSG_HTTP_FIELDS_MAX;
        loop invariant seen_ok(st, end);
        loop assigns pos, n, f, next, *st, req->fields[0 .. DSG_HTTP_FIELDS_MAX - 1];
        loop variant end - pos;
    */
    while (end - pos > 2) {
        dsg_http_status r = field_line(buf, end, pos, &f, &next);
        if (r != DSG_HTTP_OK)
            return r;
        dsg_http_status r2 = on_field(buf, end, f, minor, st);
        /* the limit before anything the field says */
        int full = BIT(n >= cap) | BIT(n >= DSG_HTTP_FIELDS_MAX);
        unsigned e = DSG_HTTP_ERR_TOO_MANY_HEADERS * (unsigned)full + (unsigned)NOT(full) * r2;
        if (e != 0)
            return (dsg_http_status)e;
        req->fields[n].name.off = (uint32_t)f.no;
        req->fields[n].name.len = (uint32_t)f.nl;
        req->fields[n].value.off = (uint32_t)f.vo;
        req->fields[n].value.len = (uint32_t)f.vl;
        n++;
        pos = next;
    }
    *count = n;
    return DSG_HTTP_OK;
}

/* Writes what the fields said: count, host, framing, length, keep-alive. */
/*@ requires \valid(req) && \valid_read(st) && \separated(req, st);
    requires seen_ok(st, end) && end <= UINT32_MAX;
    assigns req->field_count, req->has_host, req->host, req->framing,
            req->content_length, req->keep_alive;
*/
static void finish(dsg_http_request *req, const struct seen *st, uint32_t n, size_t end)
{
    (void)end;                            /* bounds the host slice in seen_ok */
    req->field_count = n;
    req->has_host = (uint32_t)st->host;
    req->host.off = (uint32_t)st->host_off;
    req->host.len = (uint32_t)st->host_len;
    /* never both: on_content_length and on_transfer_encoding refuse that */
    req->framing = (uint32_t)(DSG_HTTP_FRAMING_CHUNKED * st->te + DSG_HTTP_FRAMING_LENGTH * st->cl);
    req->content_length = st->length;
    /* RFC 9112 §9.3: 1.1 persists unless "close"; 1.0 only on "keep-alive" */
    req->keep_alive = (uint32_t)(BIT(st->close == 0) &
                                 (BIT(req->version_minor == 1) | BIT(st->keep == 1)));
}

/* The field lines, then the request's framing, host and keep-alive. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(req) && \valid_read(lim);
    requires \separated(req, lim, buf + (0 .. end - 1));
    requires pos <= end <= UINT32_MAX && 1 <= end && buf[end - 1] == '\n';
    assigns req->fields[0 .. DSG_HTTP_FIELDS_MAX - 1], req->field_count, req->host,
            req->has_host, req->framing, req->keep_alive, req->content_length;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_HEADER ||
            \result == DSG_HTTP_ERR_TOO_MANY_HEADERS || \result == DSG_HTTP_ERR_MISSING_HOST ||
            \result == DSG_HTTP_ERR_DUPLICATE_HOST || \result == DSG_HTTP_ERR_AMBIGUOUS_FRAMING ||
            \result == DSG_HTTP_ERR_BAD_TRANSFER_ENCODING ||
            \result == DSG_HTTP_ERR_BAD_CONTENT_LENGTH;
*/
static dsg_http_status parse_fields(const uint8_t *buf, size_t end, size_t pos,
                                    const dsg_http_limits *lim, dsg_http_request *req)
{
    struct seen st = { 0, 0, 0, 0, 0, 0, 0, 0 };
    uint32_t n = 0;
    uint32_t cap = lim->headers_max;      /* and DSG_HTTP_FIELDS_MAX */
    dsg_http_status r = read_fields(buf, end, pos, cap, req->version_minor, req, &st, &n);
    int missing = BIT(req->version_minor == 1) & BIT(st.host == 0);   /* RFC 9112 §3.2 */
    finish(req, &st, n, end);             /* of use only on success */
    return (dsg_http_status)FIRST(r, DSG_HTTP_ERR_MISSING_HOST * (unsigned)missing);
}

/* ---- the result, as the contract states it --------------------------------------- */

/*
 * The parse above writes *req piece by piece, and a fact about one piece
 * (a slice inside the head, a field that is not Content-Length) would have
 * to be carried past every later write to the same struct: WP cannot tell
 * quickly that a write to req->framing leaves req->fields[i] alone. So the
 * finished request is read once more, by check_request, and the contract's
 * claims about it are proved there, where nothing is written. The parse
 * never produces a request this refuses (the unit tests and the fuzzer's
 * differential check would see the refusal); this pass is where the
 * claims are stated and proved, not a second parser.
 */

/* The request's slices and flags, but the fields. */
/*@ requires \valid_read(req) && \valid_read(lim);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==>
              req->field_count <= DSG_HTTP_FIELDS_MAX && req->field_count <= lim->headers_max &&
              dsg_http_slice_in(req->method, end) && dsg_http_slice_in(req->target, end) &&
              dsg_http_slice_in(req->host, end) &&
              (req->version_minor == 0 || req->version_minor == 1) &&
              (req->framing == DSG_HTTP_FRAMING_NONE || req->framing == DSG_HTTP_FRAMING_LENGTH ||
               req->framing == DSG_HTTP_FRAMING_CHUNKED) &&
              (req->keep_alive == 0 || req->keep_alive == 1) &&
              (req->has_host == 0 || req->has_host == 1) &&
              (req->version_minor == 1 ==> req->has_host == 1) &&
              (req->framing == DSG_HTTP_FRAMING_LENGTH ==> req->content_length <= DSG_HTTP_CL_MAX);
*/
static int request_ok(const dsg_http_request *req, const dsg_http_limits *lim, size_t end)
{
    return BIT(req->field_count <= DSG_HTTP_FIELDS_MAX) &
           BIT(req->field_count <= lim->headers_max) &
           BIT((uint64_t)req->method.off + req->method.len <= end) &
           BIT((uint64_t)req->target.off + req->target.len <= end) &
           BIT((uint64_t)req->host.off + req->host.len <= end) &
           BIT(req->version_minor <= 1u) & BIT(req->framing <= DSG_HTTP_FRAMING_CHUNKED) &
           BIT(req->keep_alive <= 1u) & BIT(req->has_host <= 1u) &
           BIT(req->has_host >= req->version_minor) &
           (BIT(req->framing != DSG_HTTP_FRAMING_LENGTH) |
            BIT(req->content_length <= DSG_HTTP_CL_MAX));
}

/* The request as the contract states it: its slices and flags
 * (request_ok), then every field inside the head, and Content-Length and
 * Transfer-Encoding neither together nor against the framing. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid_read(req) && \valid_read(lim);
    assigns \nothing;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_HEADER ||
            \result == DSG_HTTP_ERR_AMBIGUOUS_FRAMING;
    ensures \result == DSG_HTTP_OK ==> dsg_http_request_in(req, end);
    ensures \result == DSG_HTTP_OK ==> req->field_count <= lim->headers_max;
    ensures \result == DSG_HTTP_OK ==> dsg_http_unambiguous(buf, req);
    ensures \result == DSG_HTTP_OK && req->version_minor == 1 ==> req->has_host == 1;
    ensures \result == DSG_HTTP_OK && req->framing == DSG_HTTP_FRAMING_CHUNKED ==>
              dsg_http_no_cl(buf, req, req->field_count);
    ensures \result == DSG_HTTP_OK && req->framing == DSG_HTTP_FRAMING_LENGTH ==>
              dsg_http_no_te(buf, req, req->field_count) &&
              req->content_length <= DSG_HTTP_CL_MAX;
*/
static dsg_http_status check_request(const uint8_t *buf, size_t end, const dsg_http_limits *lim,
                                     const dsg_http_request *req)
{
    int ok = request_ok(req, lim, end);
    if (!ok)
        return DSG_HTTP_ERR_BAD_HEADER;
    uint32_t n = req->field_count;
    int cl = 0, te = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant (cl == 0 || cl == 1) && (te == 0 || te == 1);
        loop invariant dsg_http_fields_in(req, i, end);
        loop invariant cl == 0 ==> dsg_http_no_cl(buf, req, i);
        loop invariant te == 0 ==> dsg_http_no_te(buf, req, i);
        loop assigns i, cl, te;
        loop variant n - i;
    */
    for (uint32_t i = 0; i < n; i++) {
        dsg_http_slice name = req->fields[i].name, value = req->fields[i].value;
        if ((BIT((uint64_t)name.off + name.len > end) |
             BIT((uint64_t)value.off + value.len > end)) != 0)
            return DSG_HTTP_ERR_BAD_HEADER;
        int is_cl = is_content_length(buf, name.off, name.len);
        int is_te = is_transfer_encoding(buf, name.off, name.len);
        cl |= is_cl;
        te |= is_te;
    }
    int amb = (cl & (te | BIT(req->framing == DSG_HTTP_FRAMING_CHUNKED))) |
              (te & BIT(req->framing == DSG_HTTP_FRAMING_LENGTH));
    return (dsg_http_status)(DSG_HTTP_ERR_AMBIGUOUS_FRAMING * amb);
}

/* ---- the head ---------------------------------------------------------------------- */

/* FIRST as a function: its contract, an if-then-else, spares the callers'
 * proofs the product FIRST computes it with. */
/*@ assigns \nothing;
    ensures \result == (a != DSG_HTTP_OK ? a : b);
*/
static dsg_http_status first(dsg_http_status a, dsg_http_status b)
{
    return (dsg_http_status)FIRST(a, b);
}

/* The whole head buf[0 .. end), known to be made of CR LF lines. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(req) && \valid_read(lim);
    requires \separated(req, lim, buf + (0 .. end - 1));
    requires 2 <= end <= UINT32_MAX && buf[end - 1] == '\n';
    assigns *req;
    ensures DSG_HTTP_OK <= \result <= DSG_HTTP_ERR_BAD_CONTENT_LENGTH;
    ensures \result != DSG_HTTP_NEED_MORE && \result != DSG_HTTP_ERR_HEAD_TOO_LARGE;
    ensures \result == DSG_HTTP_OK ==> dsg_http_request_in(req, end);
    ensures \result == DSG_HTTP_OK ==> req->field_count <= lim->headers_max;
    ensures \result == DSG_HTTP_OK ==> dsg_http_unambiguous(buf, req);
    ensures \result == DSG_HTTP_OK && req->version_minor == 1 ==> req->has_host == 1;
    ensures \result == DSG_HTTP_OK && req->framing == DSG_HTTP_FRAMING_CHUNKED ==>
              dsg_http_no_cl(buf, req, req->field_count);
    ensures \result == DSG_HTTP_OK && req->framing == DSG_HTTP_FRAMING_LENGTH ==>
              dsg_http_no_te(buf, req, req->field_count) &&
              req->content_length <= DSG_HTTP_CL_MAX;
*/
static dsg_http_status parse_request(const uint8_t *buf, size_t end, const dsg_http_limits *lim,
                                     dsg_http_request *req)
{
    /* every step runs, each on a position inside the head whatever the
     * steps before it answered; the first error is the answer */
    size_t pos = 0;
    uint32_t max = lim->target_max;
    dsg_http_status r1 = parse_method(buf, end, req, &pos);
    dsg_http_status r2 = parse_target(buf, end, pos, max, req, &pos);
    dsg_http_status r3 = parse_version(buf, end, pos, req, &pos);
    dsg_http_status r4 = parse_fields(buf, end, pos, lim, req);
    dsg_http_status r5 = check_request(buf, end, lim, req);
    dsg_http_status r45 = first(r4, r5);
    dsg_http_status r35 = first(r3, r45);
    dsg_http_status r25 = first(r2, r35);
    dsg_http_status r15 = first(r1, r25);
    return r15;
}

dsg_http_status dsg_http_parse_head(const uint8_t *buf, size_t len, const dsg_http_limits *lim,
                                    dsg_http_request *req, size_t *eaten)
{
    size_t end = 0;
    dsg_http_status r = scan_head(buf, len, lim->head_bytes_max, &end);
    if (r == DSG_HTTP_OK)
        r = parse_request(buf, end, lim, req);
    if (r != DSG_HTTP_OK) {
        req->field_count = 0;     /* nothing half-parsed looks like fields */
        return r;
    }
    *eaten = end;
    return DSG_HTTP_OK;
}

/* ---- the target's path ------------------------------------------------------------ */

/* The value of a hex digit, or 16 for any other byte. */
/*@ assigns \nothing;
    ensures 0 <= \result <= 16;
*/
static int hex_value(uint8_t c)
{
    int digit = IS_DIGIT(c);
    int lower = BIT(c >= 'a') & BIT(c <= 'f');
    int upper = BIT(c >= 'A') & BIT(c <= 'F');
    return digit * (c - '0') + lower * (c - 'a' + 10) + upper * (c - 'A' + 10) +
           16 * (1 - digit - lower - upper);
}

/* Percent-decodes t[0 .. n) into out (t[0] is "/"), refusing what cannot be
 * told apart from a separator or a string end once decoded. Each byte is
 * judged by one expression: the first rule it breaks, in the order
 * BAD_TARGET (t[0] is not "/"), TOO_LONG, BAD_ESCAPE, NUL, BAD_TARGET,
 * ENCODED_SEPARATOR, is the one answered (the flags are made exclusive, so
 * the error is their sum). An empty t is a BAD_TARGET. */
/*@ requires \valid_read(t + (0 .. n - 1));
    requires \valid(out + (0 .. cap - 1)) && \valid(w);
    requires \separated(out + (0 .. cap - 1), t + (0 .. n - 1), w);
    requires \separated(w, t + (0 .. n - 1));
    requires *w == 0;
    assigns out[0 .. cap - 1], *w;
    ensures \result == DSG_HTTP_PATH_OK || \result == DSG_HTTP_PATH_BAD_TARGET ||
            \result == DSG_HTTP_PATH_BAD_ESCAPE || \result == DSG_HTTP_PATH_NUL ||
            \result == DSG_HTTP_PATH_ENCODED_SEPARATOR || \result == DSG_HTTP_PATH_TOO_LONG;
    ensures *w <= n && *w <= cap;
    ensures \result == DSG_HTTP_PATH_OK ==> 1 <= *w && out[0] == '/';
*/
static dsg_http_path_status percent_decode(const uint8_t *t, size_t n, uint8_t *out, size_t cap,
                                           size_t *w)
{
    size_t i = 0, k = 0;
    /*@ loop invariant 0 <= k <= i <= n && k <= cap;
        loop invariant i == 0 <==> k == 0;
        loop invariant k >= 1 ==> out[0] == '/';
        loop assigns i, k, out[0 .. cap - 1];
        loop variant n - i;
    */
    while (i < n) {
        uint8_t c = t[i];
        int esc = BIT(c == '%');
        int room = BIT(n - i >= 3);
        size_t two = (size_t)(esc & room);  /* t[i + 1], t[i + 2] are there */
        int hi = hex_value(t[i + two]), lo = hex_value(t[i + 2u * two]);
        int d = esc * (16 * hi + lo) + NOT(esc) * c;
        int lead = BIT(i == 0) & BIT(c != '/');
        int full = NOT(lead) & BIT(k >= cap);
        int bad_esc = NOT(lead) & NOT(full) & esc & (NOT(room) | BIT(hi > 15) | BIT(lo > 15));
        int nul = NOT(lead) & NOT(full) & NOT(bad_esc) & BIT(d == 0);
        int bad_t = lead | (NOT(full) & NOT(nul) & NOT(esc) & NOT(IS_TARGET(c)));
        int sep = NOT(full) & NOT(bad_esc) & NOT(nul) & NOT(bad_t) & (BIT(d == '\\') | (esc & BIT(d == '/')));
        int err = DSG_HTTP_PATH_TOO_LONG * full + DSG_HTTP_PATH_BAD_ESCAPE * bad_esc +
                  DSG_HTTP_PATH_NUL * nul + DSG_HTTP_PATH_BAD_TARGET * bad_t +
                  DSG_HTTP_PATH_ENCODED_SEPARATOR * sep;
        if (err != 0)
            return (dsg_http_path_status)err;
        out[k] = (uint8_t)d;
        k++;
        i += 1u + 2u * (size_t)esc;
    }
    *w = k;
    return (dsg_http_path_status)(DSG_HTTP_PATH_BAD_TARGET * BIT(k == 0));
}

/* Every decoded byte: well-formed UTF-8, no NUL, no C0 control, no DEL. */
/*@ requires \valid_read(o + (0 .. n - 1));
    assigns \nothing;
    ensures \result == DSG_HTTP_PATH_OK || \result == DSG_HTTP_PATH_NUL ||
            \result == DSG_HTTP_PATH_CONTROL || \result == DSG_HTTP_PATH_BAD_UTF8;
    ensures \result == DSG_HTTP_PATH_OK ==> \forall integer k; 0 <= k < n ==> o[k] != 0;
*/
static dsg_http_path_status check_bytes(const uint8_t *o, size_t n)
{
    size_t i = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==> o[k] != 0;
        loop assigns i;
        loop variant n - i;
    */
    while (i < n) {
        uint32_t cp = 0;
        size_t k = dsg_utf8_decode(o, n, i, &cp);
        if (k == 0)
            return DSG_HTTP_PATH_BAD_UTF8;
        if ((BIT(k == 1) & (BIT(cp < 0x20u) | BIT(cp == 0x7Fu))) != 0)
            return (dsg_http_path_status)(DSG_HTTP_PATH_CONTROL - 4 * BIT(cp == 0));
        i += k;
    }
    return DSG_HTTP_PATH_OK;
}

/* Every segment of o[0 .. n) (o[0] is "/"): neither "." nor "..", and not
 * empty unless it is the last. */
/*@ requires \valid_read(o + (0 .. n - 1));
    assigns \nothing;
    ensures \result == DSG_HTTP_PATH_OK || \result == DSG_HTTP_PATH_TRAVERSAL ||
            \result == DSG_HTTP_PATH_EMPTY_SEGMENT;
    ensures \result == DSG_HTTP_PATH_OK ==>
      (\forall integer k; 0 <= k < n && o[k] == '/' ==> !dsg_http_dot_seg(o, k + 1, n)) &&
      (\forall integer k; 0 <= k < n - 1 && o[k] == '/' ==> o[k + 1] != '/');
*/
static dsg_http_path_status check_segments(const uint8_t *o, size_t n)
{
    size_t i = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i && o[k] == '/' ==>
                         !dsg_http_dot_seg(o, k + 1, n);
        loop invariant \forall integer k; 0 <= k < i && k < n - 1 && o[k] == '/' ==>
                         o[k + 1] != '/';
        loop assigns i;
        loop variant n - i;
    */
    for (; i < n; i++) {
        /* the segment after a "/" at i: its bytes a, b, c where they
         * exist (h1, h2, h3), each read at i otherwise */
        int h1 = BIT(n - i > 1), h2 = BIT(n - i > 2), h3 = BIT(n - i > 3);
        uint8_t a = o[i + (size_t)h1], b = o[i + 2u * (size_t)h2], c = o[i + 3u * (size_t)h3];
        int slash = BIT(o[i] == '/');
        int empty = slash & h1 & BIT(a == '/');
        int dot = slash & h1 & BIT(a == '.') & (NOT(h2) | BIT(b == '/'));
        int dotdot = slash & h2 & BIT(a == '.') & BIT(b == '.') & (NOT(h3) | BIT(c == '/'));
        int err = DSG_HTTP_PATH_EMPTY_SEGMENT * empty + DSG_HTTP_PATH_TRAVERSAL * (dot | dotdot);
        if (err != 0)
            return (dsg_http_path_status)err;
    }
    return DSG_HTTP_PATH_OK;
}

/* The end of the path: the first "?", or n. */
/*@ requires \valid_read(t + (0 .. n - 1));
    assigns \nothing;
    ensures 0 <= \result <= n;
    ensures \result < n ==> t[\result] == '?';
    ensures \forall integer k; 0 <= k < \result ==> t[k] != '?';
*/
static size_t path_end(const uint8_t *t, size_t n)
{
    size_t i = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==> t[k] != '?';
        loop assigns i;
        loop variant n - i;
    */
    while (i < n && t[i] != '?')
        i++;
    return i;
}

dsg_http_path_status dsg_http_path_decode(const uint8_t *target, size_t len, uint8_t *out,
                                          size_t cap, size_t *out_len)
{
    size_t q = path_end(target, len);
    size_t w = 0;
    /* each check runs; the first error is the answer (a failed decode
     * leaves w == 0, which the later checks accept) */
    dsg_http_path_status r1 = percent_decode(target, q, out, cap, &w);
    dsg_http_path_status r2 = check_bytes(out, w);
    dsg_http_path_status r3 = check_segments(out, w);
    unsigned r = FIRST(r1, FIRST(r2, r3));
    if (r != 0)
        return (dsg_http_path_status)r;
    *out_len = w;
    return DSG_HTTP_PATH_OK;
}

int dsg_http_query(const uint8_t *target, size_t len, size_t *off, size_t *qlen)
{
    size_t q = path_end(target, len);
    if (q == len) {
        *off = len;
        *qlen = 0;
        return 0;
    }
    *off = q + 1;
    *qlen = len - q - 1;
    return 1;
}

/* Index = status; the last row answers any value outside the enum. */
static const char status_tokens[DSG_HTTP_ERR_BAD_CONTENT_LENGTH + 2][24] = {
    "ok", "need-more", "head-too-large", "bad-line-ending", "obs-fold", "bad-method",
    "bad-target", "target-too-long", "bad-version", "bad-header", "too-many-headers",
    "missing-host", "duplicate-host", "ambiguous-framing", "bad-transfer-encoding",
    "bad-content-length", "unknown",
};

const char *dsg_http_status_token(dsg_http_status status)
{
    unsigned i = (unsigned)status;
    if (i > (unsigned)DSG_HTTP_ERR_BAD_CONTENT_LENGTH)
        i = (unsigned)DSG_HTTP_ERR_BAD_CONTENT_LENGTH + 1u;
    return status_tokens[i];
}

static const char path_tokens[DSG_HTTP_PATH_TOO_LONG + 2][20] = {
    "ok", "bad-target", "bad-escape", "nul", "encoded-separator", "traversal",
    "empty-segment", "control", "bad-utf8", "too-long", "unknown",
};

const char *dsg_http_path_status_token(dsg_http_path_status status)
{
    unsigned i = (unsigned)status;
    if (i > (unsigned)DSG_HTTP_PATH_TOO_LONG)
        i = (unsigned)DSG_HTTP_PATH_TOO_LONG + 1u;
    return path_tokens[i];
}
