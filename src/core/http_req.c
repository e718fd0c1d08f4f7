/*
 * HTTP/1.1 request head parser (REQ-RUN-029). See http_req.h for the rules
 * and the contract; acsl/PROOFS.md for what is proved.
 *
 * Two passes over the head. scan_head finds the empty line that ends it
 * and checks the byte-level rules that make lines lines (CR LF only, no
 * folding) before anything else is read, so every later step may take "a
 * CR is followed by LF" for granted. Then the request line and the field
 * lines are parsed with a cursor, each into slices of the buffer.
 *
 * BIT(a) & BIT(b) is a branch-free "and" of 0/1 bits: fewer paths for WP.
 */
#include "core/http_req.h"
#include "core/utf8.h"

#define BIT(c) ((int)(c))

/* ---- character classes ---------------------------------------------------- */

/*@ assigns \nothing;
    ensures \result == dsg_http_lower(c);
*/
static uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32u) : c;
}

/* A tchar of RFC 9110 §5.6.2. */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> 0x21 <= c <= 0x7E && c != ':';
*/
static int tchar(uint8_t c)
{
    return BIT(c >= '0' && c <= '9') | BIT(c >= 'a' && c <= 'z') |
           BIT(c >= 'A' && c <= 'Z') | BIT(c == '!') | BIT(c == '#') |
           BIT(c == '$') | BIT(c == '%') | BIT(c == '&') | BIT(c == '\'') |
           BIT(c == '*') | BIT(c == '+') | BIT(c == '-') | BIT(c == '.') |
           BIT(c == '^') | BIT(c == '_') | BIT(c == '`') | BIT(c == '|') |
           BIT(c == '~');
}

/* A byte of a field value: HTAB, SP, VCHAR, obs-text (RFC 9110 §5.5). */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> (c == 9 || (0x20 <= c && c != 0x7F));
*/
static int text_byte(uint8_t c)
{
    return BIT(c == 9u) | (BIT(c >= 0x20u) & BIT(c != 0x7Fu));
}

/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> (c == ' ' || c == '\t');
*/
static int ows(uint8_t c)
{
    return BIT(c == ' ') | BIT(c == '\t');
}

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
        if (at_start && i > 0 && ows(c))
            return DSG_HTTP_ERR_OBS_FOLD;
        at_start = 0;
        i++;
    }
    return len < max ? DSG_HTTP_NEED_MORE : DSG_HTTP_ERR_HEAD_TOO_LARGE;
}

/* ---- the request line ---------------------------------------------------------- */

/* The method buf[0 .. n) as a dsg_http_method, or -1. */
/*@ requires \valid_read(m + (0 .. n - 1));
    assigns \nothing;
    ensures -1 <= \result <= DSG_HTTP_PATCH;
*/
static int method_id(const uint8_t *m, size_t n)
{
    switch (n) {
    case 3:
        if (m[0] == 'G' && m[1] == 'E' && m[2] == 'T')
            return DSG_HTTP_GET;
        if (m[0] == 'P' && m[1] == 'U' && m[2] == 'T')
            return DSG_HTTP_PUT;
        return -1;
    case 4:
        if (m[0] == 'H' && m[1] == 'E' && m[2] == 'A' && m[3] == 'D')
            return DSG_HTTP_HEAD;
        if (m[0] == 'P' && m[1] == 'O' && m[2] == 'S' && m[3] == 'T')
            return DSG_HTTP_POST;
        return -1;
    case 5:
        if (m[0] == 'P' && m[1] == 'A' && m[2] == 'T' && m[3] == 'C' && m[4] == 'H')
            return DSG_HTTP_PATCH;
        return -1;
    case 6:
        if (m[0] == 'D' && m[1] == 'E' && m[2] == 'L' && m[3] == 'E' && m[4] == 'T' &&
            m[5] == 'E')
            return DSG_HTTP_DELETE;
        return -1;
    case 7:
        if (m[0] == 'O' && m[1] == 'P' && m[2] == 'T' && m[3] == 'I' && m[4] == 'O' &&
            m[5] == 'N' && m[6] == 'S')
            return DSG_HTTP_OPTIONS;
        return -1;
    default:
        return -1;
    }
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
    return BIT(b[0] == 'P') & BIT(b[1] == 'R') & BIT(b[2] == 'I') & BIT(b[3] == ' ') &
           BIT(b[4] == '*') & BIT(b[5] == ' ') & BIT(b[6] == 'H') & BIT(b[7] == 'T') &
           BIT(b[8] == 'T') & BIT(b[9] == 'P') & BIT(b[10] == '/') & BIT(b[11] == '2') &
           BIT(b[12] == '.') & BIT(b[13] == '0') & BIT(b[14] == '\r') & BIT(b[15] == '\n');
}

/* method SP: fills req->method and req->method_id, *pos = after the SP. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(req) && \valid(pos);
    requires \separated(req, pos, buf + (0 .. end - 1));
    requires end <= UINT32_MAX;
    assigns req->method, req->method_id, *pos;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_METHOD ||
            \result == DSG_HTTP_ERR_BAD_VERSION;
    ensures \result == DSG_HTTP_OK ==>
              2 <= *pos <= end && req->method.off == 0 && req->method.len + 1 == *pos;
*/
static dsg_http_status parse_method(const uint8_t *buf, size_t end, dsg_http_request *req,
                                    size_t *pos)
{
    if (h2_preface(buf, end))
        return DSG_HTTP_ERR_BAD_VERSION;
    size_t i = 0;
    /*@ loop invariant 0 <= i <= end && i <= DSG_HTTP_METHOD_MAX + 1;
        loop assigns i;
        loop variant end - i;
    */
    while (i < end && i <= DSG_HTTP_METHOD_MAX && buf[i] >= 'A' && buf[i] <= 'Z')
        i++;
    if (i == 0 || i > DSG_HTTP_METHOD_MAX || i >= end || buf[i] != ' ')
        return DSG_HTTP_ERR_BAD_METHOD;
    int id = method_id(buf, i);
    if (id < 0)
        return DSG_HTTP_ERR_BAD_METHOD;
    req->method.off = 0;
    req->method.len = (uint32_t)i;
    req->method_id = (uint32_t)id;
    *pos = i + 1;
    return DSG_HTTP_OK;
}

/* request-target SP, origin-form only (RFC 9112 §3.2.1). */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(req) && \valid(pos);
    requires \separated(req, pos, buf + (0 .. end - 1));
    requires end <= UINT32_MAX && \valid_read(lim) && \separated(lim, req, pos);
    requires t <= end;
    assigns req->target, *pos;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_TARGET ||
            \result == DSG_HTTP_ERR_TARGET_TOO_LONG || \result == DSG_HTTP_ERR_BAD_VERSION;
    ensures \result == DSG_HTTP_OK ==>
              req->target.off == t && req->target.off + req->target.len + 1 == *pos &&
              *pos <= end && req->target.len <= lim->target_max;
*/
static dsg_http_status parse_target(const uint8_t *buf, size_t end, size_t t,
                                    const dsg_http_limits *lim, dsg_http_request *req,
                                    size_t *pos)
{
    if (t >= end || buf[t] != '/')
        return DSG_HTTP_ERR_BAD_TARGET;
    size_t i = t;
    /*@ loop invariant t <= i <= end;
        loop invariant i - t <= lim->target_max;
        loop assigns i;
        loop variant end - i;
    */
    while (i < end && buf[i] != ' ') {
        uint8_t c = buf[i];
        if (c == '\r')                     /* "GET /" CR LF: HTTP/0.9 */
            return DSG_HTTP_ERR_BAD_VERSION;
        if (c < 0x21u || c > 0x7Eu || c == '#')
            return DSG_HTTP_ERR_BAD_TARGET;
        if (i - t >= lim->target_max)
            return DSG_HTTP_ERR_TARGET_TOO_LONG;
        i++;
    }
    if (i >= end)
        return DSG_HTTP_ERR_BAD_TARGET;
    req->target.off = (uint32_t)t;
    req->target.len = (uint32_t)(i - t);
    *pos = i + 1;
    return DSG_HTTP_OK;
}

/* "HTTP/1.0" or "HTTP/1.1", then CR LF. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(req) && \valid(pos);
    requires \separated(req, pos, buf + (0 .. end - 1));
    requires v <= end;
    assigns req->version_minor, *pos;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_VERSION;
    ensures \result == DSG_HTTP_OK ==>
              *pos == v + 10 && *pos <= end &&
              (req->version_minor == 0 || req->version_minor == 1);
*/
static dsg_http_status parse_version(const uint8_t *buf, size_t end, size_t v,
                                     dsg_http_request *req, size_t *pos)
{
    if (end - v < 10)
        return DSG_HTTP_ERR_BAD_VERSION;
    const uint8_t *p = buf + v;
    int ok = BIT(p[0] == 'H') & BIT(p[1] == 'T') & BIT(p[2] == 'T') & BIT(p[3] == 'P') &
             BIT(p[4] == '/') & BIT(p[5] == '1') & BIT(p[6] == '.') &
             (BIT(p[7] == '0') | BIT(p[7] == '1')) & BIT(p[8] == '\r') & BIT(p[9] == '\n');
    if (!ok)
        return DSG_HTTP_ERR_BAD_VERSION;
    req->version_minor = (uint32_t)(p[7] - '0');
    *pos = v + 10;
    return DSG_HTTP_OK;
}

/* ---- field lines ------------------------------------------------------------------ */

/* Where a field line's name and value are (size_t, so that WP's typed
 * memory model keeps them apart from the uint32_t slices in the request). */
struct span {
    size_t no, nl;     /* name */
    size_t vo, vl;     /* value, OWS trimmed */
};

/* One field line at buf[p ..]: name ":" OWS value OWS CR LF. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(f) && \valid(next);
    requires \separated(f, next, buf + (0 .. end - 1));
    requires p < end <= UINT32_MAX;
    assigns *f, *next;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_HEADER;
    ensures \result == DSG_HTTP_OK ==>
              p < *next <= end && f->no == p && f->vo < *next &&
              f->no + f->nl <= *next && f->vo + f->vl <= *next;
*/
static dsg_http_status field_line(const uint8_t *buf, size_t end, size_t p, struct span *f,
                                  size_t *next)
{
    size_t i = p;
    /*@ loop invariant p <= i <= end;
        loop assigns i;
        loop variant end - i;
    */
    while (i < end && tchar(buf[i]))
        i++;
    if (i == p || i >= end || buf[i] != ':')   /* also SP or HTAB before ":" */
        return DSG_HTTP_ERR_BAD_HEADER;
    size_t colon = i;
    i++;
    /*@ loop invariant colon < i <= end;
        loop assigns i;
        loop variant end - i;
    */
    while (i < end && ows(buf[i]))
        i++;
    size_t vs = i, ve = i;
    /*@ loop invariant vs <= ve <= i <= end;
        loop assigns i, ve;
        loop variant end - i;
    */
    while (i < end && text_byte(buf[i])) {
        if (!ows(buf[i]))
            ve = i + 1;
        i++;
    }
    if (end - i < 2 || buf[i] != '\r' || buf[i + 1] != '\n')
        return DSG_HTTP_ERR_BAD_HEADER;
    f->no = p;
    f->nl = colon - p;
    f->vo = vs;
    f->vl = ve - vs;
    *next = i + 2;
    return DSG_HTTP_OK;
}

/*@ requires \valid_read(b + (o .. o + n - 1)) && o + n <= UINT32_MAX;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_http_is_cl(b, o, n);
*/
static int is_content_length(const uint8_t *b, size_t o, size_t n)
{
    if (n != 14)
        return 0;
    return BIT(lower(b[o]) == 'c') & BIT(lower(b[o + 1]) == 'o') &
           BIT(lower(b[o + 2]) == 'n') & BIT(lower(b[o + 3]) == 't') &
           BIT(lower(b[o + 4]) == 'e') & BIT(lower(b[o + 5]) == 'n') &
           BIT(lower(b[o + 6]) == 't') & BIT(b[o + 7] == '-') &
           BIT(lower(b[o + 8]) == 'l') & BIT(lower(b[o + 9]) == 'e') &
           BIT(lower(b[o + 10]) == 'n') & BIT(lower(b[o + 11]) == 'g') &
           BIT(lower(b[o + 12]) == 't') & BIT(lower(b[o + 13]) == 'h');
}

/*@ requires \valid_read(b + (o .. o + n - 1)) && o + n <= UINT32_MAX;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_http_is_te(b, o, n);
*/
static int is_transfer_encoding(const uint8_t *b, size_t o, size_t n)
{
    if (n != 17)
        return 0;
    return BIT(lower(b[o]) == 't') & BIT(lower(b[o + 1]) == 'r') &
           BIT(lower(b[o + 2]) == 'a') & BIT(lower(b[o + 3]) == 'n') &
           BIT(lower(b[o + 4]) == 's') & BIT(lower(b[o + 5]) == 'f') &
           BIT(lower(b[o + 6]) == 'e') & BIT(lower(b[o + 7]) == 'r') &
           BIT(b[o + 8] == '-') &
           BIT(lower(b[o + 9]) == 'e') & BIT(lower(b[o + 10]) == 'n') &
           BIT(lower(b[o + 11]) == 'c') & BIT(lower(b[o + 12]) == 'o') &
           BIT(lower(b[o + 13]) == 'd') & BIT(lower(b[o + 14]) == 'i') &
           BIT(lower(b[o + 15]) == 'n') & BIT(lower(b[o + 16]) == 'g');
}

/* "host" */
/*@ requires \valid_read(b + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int is_host(const uint8_t *b, size_t n)
{
    if (n != 4)
        return 0;
    return BIT(lower(b[0]) == 'h') & BIT(lower(b[1]) == 'o') & BIT(lower(b[2]) == 's') &
           BIT(lower(b[3]) == 't');
}

/* "connection" */
/*@ requires \valid_read(b + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int is_connection(const uint8_t *b, size_t n)
{
    if (n != 10)
        return 0;
    return BIT(lower(b[0]) == 'c') & BIT(lower(b[1]) == 'o') & BIT(lower(b[2]) == 'n') &
           BIT(lower(b[3]) == 'n') & BIT(lower(b[4]) == 'e') & BIT(lower(b[5]) == 'c') &
           BIT(lower(b[6]) == 't') & BIT(lower(b[7]) == 'i') & BIT(lower(b[8]) == 'o') &
           BIT(lower(b[9]) == 'n');
}

/* "chunked", the value of Transfer-Encoding (OWS already trimmed). */
/*@ requires \valid_read(b + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int is_chunked(const uint8_t *b, size_t n)
{
    if (n != 7)
        return 0;
    return BIT(lower(b[0]) == 'c') & BIT(lower(b[1]) == 'h') & BIT(lower(b[2]) == 'u') &
           BIT(lower(b[3]) == 'n') & BIT(lower(b[4]) == 'k') & BIT(lower(b[5]) == 'e') &
           BIT(lower(b[6]) == 'd');
}

/* The cursor moved past OWS / a list member / to the next ",": each never
 * moves back and never passes n, which is what the list loops' variants
 * need. */
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
    while (i < n && ows(b[i]))
        i++;
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
    while (i < n && b[i] != ',' && !ows(b[i]))
        i++;
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

/* "close" and "keep-alive" among the tokens of a Connection value. */
/*@ requires \valid_read(b + (0 .. n - 1)) && \valid(close) && \valid(keep);
    requires \separated(close, keep, b + (0 .. n - 1));
    requires *close == 0 || *close == 1;
    requires *keep == 0 || *keep == 1;
    assigns *close, *keep;
    ensures *close == 0 || *close == 1;
    ensures *keep == 0 || *keep == 1;
*/
static void connection_tokens(const uint8_t *b, size_t n, size_t *close, size_t *keep)
{
    size_t i = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant *close == 0 || *close == 1;
        loop invariant *keep == 0 || *keep == 1;
        loop assigns i, *close, *keep;
        loop variant n - i;
    */
    while (i < n) {
        i = skip_ows(b, n, i);
        size_t s = i;
        i = skip_member(b, n, i);
        size_t e = i;
        i = skip_to_comma(b, n, i);
        if (e - s == 5 &&
            (BIT(lower(b[s]) == 'c') & BIT(lower(b[s + 1]) == 'l') &
             BIT(lower(b[s + 2]) == 'o') & BIT(lower(b[s + 3]) == 's') &
             BIT(lower(b[s + 4]) == 'e')))
            *close = 1;
        if (e - s == 10 &&
            (BIT(lower(b[s]) == 'k') & BIT(lower(b[s + 1]) == 'e') &
             BIT(lower(b[s + 2]) == 'e') & BIT(lower(b[s + 3]) == 'p') &
             BIT(b[s + 4] == '-') & BIT(lower(b[s + 5]) == 'a') &
             BIT(lower(b[s + 6]) == 'l') & BIT(lower(b[s + 7]) == 'i') &
             BIT(lower(b[s + 8]) == 'v') & BIT(lower(b[s + 9]) == 'e')))
            *keep = 1;
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
    if (k >= n || b[k] < '0' || b[k] > '9')
        return 0;
    /*@ loop invariant \at(*i, Pre) <= k <= n;
        loop invariant acc <= DSG_HTTP_CL_MAX;
        loop assigns k, acc;
        loop variant n - k;
    */
    while (k < n && b[k] >= '0' && b[k] <= '9') {
        uint64_t d = (uint64_t)(b[k] - '0');
        if (acc > (DSG_HTTP_CL_MAX - d) / 10u)
            return 0;
        acc = acc * 10u + d;
        k++;
    }
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
        if (!cl_digits(b, n, &i, &cur))
            return DSG_HTTP_ERR_BAD_CONTENT_LENGTH;
        i = skip_ows(b, n, i);
        if (i < n && b[i] != ',')          /* the member is malformed */
            return DSG_HTTP_ERR_BAD_CONTENT_LENGTH;
        if (seen && cur != first)          /* well formed, but different */
            return DSG_HTTP_ERR_AMBIGUOUS_FRAMING;
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
    uint64_t length;        /* the Content-Length value */
    size_t host_off, host_len;
};

/*@ predicate seen_ok{L}(struct seen *st, integer end) =
      (st->cl == 0 || st->cl == 1) && (st->te == 0 || st->te == 1) &&
      (st->host == 0 || st->host == 1) && (st->close == 0 || st->close == 1) &&
      (st->keep == 0 || st->keep == 1) &&
      !(st->cl == 1 && st->te == 1) &&
      st->length <= DSG_HTTP_CL_MAX &&
      (st->host == 1 ==> st->host_off + st->host_len <= end);
*/

/* Applies one field line to *st: Content-Length, Transfer-Encoding, Host
 * and Connection are read, every other field is only kept. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(st);
    requires \separated(st, buf + (0 .. end - 1));
    requires f.no + f.nl <= end && f.vo + f.vl <= end && f.no < end && f.vo < end;
    requires end <= UINT32_MAX && seen_ok(st, end);
    assigns *st;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_AMBIGUOUS_FRAMING ||
            \result == DSG_HTTP_ERR_BAD_CONTENT_LENGTH ||
            \result == DSG_HTTP_ERR_BAD_TRANSFER_ENCODING ||
            \result == DSG_HTTP_ERR_DUPLICATE_HOST;
    ensures \result == DSG_HTTP_OK ==> seen_ok(st, end);
    ensures \result == DSG_HTTP_OK && dsg_http_is_cl(buf, f.no, f.nl) ==> st->cl == 1;
    ensures \result == DSG_HTTP_OK && dsg_http_is_te(buf, f.no, f.nl) ==> st->te == 1;
    ensures \result == DSG_HTTP_OK && \old(st->cl) == 1 ==> st->cl == 1;
    ensures \result == DSG_HTTP_OK && \old(st->te) == 1 ==> st->te == 1;
*/
static dsg_http_status on_field(const uint8_t *buf, size_t end, struct span f, int minor,
                                struct seen *st)
{
    (void)end;                            /* bounds f in the contract */
    const uint8_t *name = buf + f.no;
    const uint8_t *val = buf + f.vo;
    if (is_content_length(buf, f.no, f.nl)) {
        uint64_t v = 0;
        if (st->te)
            return DSG_HTTP_ERR_AMBIGUOUS_FRAMING;
        dsg_http_status r = cl_value(val, f.vl, &v);
        if (r != DSG_HTTP_OK)
            return r;
        if (st->cl && v != st->length)    /* RFC 9110 §8.6 */
            return DSG_HTTP_ERR_AMBIGUOUS_FRAMING;
        st->cl = 1;
        st->length = v;
        return DSG_HTTP_OK;
    }
    if (is_transfer_encoding(buf, f.no, f.nl)) {
        if (minor == 0)                   /* RFC 9112 §6.1: not in HTTP/1.0 */
            return DSG_HTTP_ERR_BAD_TRANSFER_ENCODING;
        if (st->cl)
            return DSG_HTTP_ERR_AMBIGUOUS_FRAMING;
        if (st->te || !is_chunked(val, f.vl))
            return DSG_HTTP_ERR_BAD_TRANSFER_ENCODING;
        st->te = 1;
        return DSG_HTTP_OK;
    }
    if (is_host(name, f.nl)) {
        if (st->host)
            return DSG_HTTP_ERR_DUPLICATE_HOST;
        st->host = 1;
        st->host_off = f.vo;
        st->host_len = f.vl;
        return DSG_HTTP_OK;
    }
    if (is_connection(name, f.nl))
        connection_tokens(val, f.vl, &st->close, &st->keep);
    return DSG_HTTP_OK;
}

/* Stores field n; what held for fields 0 .. n-1 holds for 0 .. n. */
/*@ requires \valid(req) && n < DSG_HTTP_FIELDS_MAX && end <= UINT32_MAX;
    requires \valid_read(buf + (0 .. end - 1)) && \separated(req, buf + (0 .. end - 1));
    requires f.no + f.nl <= end && f.vo + f.vl <= end;
    requires dsg_http_fields_in(req, n, end);
    assigns req->fields[n];
    ensures dsg_http_fields_in(req, n + 1, end);
    ensures req->fields[n].name.off == f.no && req->fields[n].name.len == f.nl;
    ensures dsg_http_no_cl{Pre}(buf, req, n) && !dsg_http_is_cl(buf, f.no, f.nl) ==>
              dsg_http_no_cl(buf, req, n + 1);
    ensures dsg_http_no_te{Pre}(buf, req, n) && !dsg_http_is_te(buf, f.no, f.nl) ==>
              dsg_http_no_te(buf, req, n + 1);
*/
static void store(dsg_http_request *req, uint32_t n, struct span f, const uint8_t *buf,
                  size_t end)
{
    (void)buf;                            /* names the bytes in the contract */
    (void)end;
    req->fields[n].name.off = (uint32_t)f.no;
    req->fields[n].name.len = (uint32_t)f.nl;
    req->fields[n].value.off = (uint32_t)f.vo;
    req->fields[n].value.len = (uint32_t)f.vl;
}

/* The field lines from buf[pos] to the empty line at the end of the head,
 * stored in req->fields[0 .. *count) and applied to *st. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(req) && \valid_read(lim);
    requires \valid(st) && \valid(count);
    requires \separated(req, lim, st, count, buf + (0 .. end - 1));
    requires pos <= end <= UINT32_MAX;
    requires st->cl == 0 && st->te == 0 && st->host == 0 && st->close == 0 &&
             st->keep == 0 && st->length == 0;
    assigns req->fields[0 .. DSG_HTTP_FIELDS_MAX - 1], *st, *count;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_HEADER ||
            \result == DSG_HTTP_ERR_TOO_MANY_HEADERS ||
            \result == DSG_HTTP_ERR_DUPLICATE_HOST || \result == DSG_HTTP_ERR_AMBIGUOUS_FRAMING ||
            \result == DSG_HTTP_ERR_BAD_TRANSFER_ENCODING ||
            \result == DSG_HTTP_ERR_BAD_CONTENT_LENGTH;
    ensures \result == DSG_HTTP_OK ==>
              *count <= DSG_HTTP_FIELDS_MAX && *count <= lim->headers_max;
    ensures \result == DSG_HTTP_OK ==> seen_ok(st, end);
    ensures \result == DSG_HTTP_OK ==> dsg_http_fields_in(req, *count, end);
    ensures \result == DSG_HTTP_OK && st->cl == 0 ==> dsg_http_no_cl(buf, req, *count);
    ensures \result == DSG_HTTP_OK && st->te == 0 ==> dsg_http_no_te(buf, req, *count);
*/
static dsg_http_status read_fields(const uint8_t *buf, size_t end, size_t pos,
                                   const dsg_http_limits *lim, dsg_http_request *req,
                                   struct seen *st, uint32_t *count)
{
    uint32_t cap = lim->headers_max < DSG_HTTP_FIELDS_MAX ? lim->headers_max
                                                         : DSG_HTTP_FIELDS_MAX;
    uint32_t n = 0;
    struct span f = { 0, 0, 0, 0 };
    size_t next = 0;
    /*@ loop invariant pos <= end;
        loop invariant n <= cap && cap <= DSG_HTTP_FIELDS_MAX && cap <= lim->headers_max;
        loop invariant seen_ok(st, end);
        loop invariant dsg_http_fields_in(req, n, end);
        loop invariant st->cl == 0 ==> dsg_http_no_cl(buf, req, n);
        loop invariant st->te == 0 ==> dsg_http_no_te(buf, req, n);
        loop assigns pos, n, f, next, *st, req->fields[0 .. DSG_HTTP_FIELDS_MAX - 1];
        loop variant end - pos;
    */
    while (end - pos > 2) {
        dsg_http_status r = field_line(buf, end, pos, &f, &next);
        if (r != DSG_HTTP_OK)
            return r;
        if (n >= cap)
            return DSG_HTTP_ERR_TOO_MANY_HEADERS;
        r = on_field(buf, end, f, (int)req->version_minor, st);
        if (r != DSG_HTTP_OK)
            return r;
        store(req, n, f, buf, end);
        n++;
        pos = next;
    }
    *count = n;
    return DSG_HTTP_OK;
}

/* Writes what the fields said: count, host, framing, length, keep-alive. */
/*@ requires \valid(req) && \valid_read(st) && \separated(req, st);
    requires seen_ok(st, end) && n <= DSG_HTTP_FIELDS_MAX && end <= UINT32_MAX;
    requires req->version_minor == 0 || req->version_minor == 1;
    assigns req->field_count, req->has_host, req->host, req->framing,
            req->content_length, req->keep_alive;
    ensures req->field_count == n;
    ensures dsg_http_slice_in(req->host, end);
    ensures req->has_host == st->host;
    ensures req->framing == DSG_HTTP_FRAMING_NONE || req->framing == DSG_HTTP_FRAMING_LENGTH ||
            req->framing == DSG_HTTP_FRAMING_CHUNKED;
    ensures req->framing == DSG_HTTP_FRAMING_CHUNKED ==> st->te == 1;
    ensures req->framing == DSG_HTTP_FRAMING_LENGTH ==>
              st->te == 0 && req->content_length <= DSG_HTTP_CL_MAX;
    ensures req->keep_alive == 0 || req->keep_alive == 1;
*/
static void finish(dsg_http_request *req, const struct seen *st, uint32_t n, size_t end)
{
    (void)end;                            /* bounds the host slice in the contract */
    req->field_count = n;
    req->has_host = (uint32_t)st->host;
    req->host.off = st->host ? (uint32_t)st->host_off : 0u;
    req->host.len = st->host ? (uint32_t)st->host_len : 0u;
    req->framing = st->te ? DSG_HTTP_FRAMING_CHUNKED
                          : st->cl ? DSG_HTTP_FRAMING_LENGTH : DSG_HTTP_FRAMING_NONE;
    req->content_length = st->cl ? st->length : 0u;
    /* RFC 9112 §9.3: 1.1 persists unless "close"; 1.0 only on "keep-alive" */
    req->keep_alive = req->version_minor == 1 ? (uint32_t)(st->close == 0)
                                              : (uint32_t)(st->keep == 1 && st->close == 0);
}

/* The field lines, then the request's framing, host and keep-alive. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(req) && \valid_read(lim);
    requires \separated(req, lim, buf + (0 .. end - 1));
    requires pos <= end <= UINT32_MAX;
    requires req->version_minor == 0 || req->version_minor == 1;
    assigns req->fields[0 .. DSG_HTTP_FIELDS_MAX - 1], req->field_count, req->host,
            req->has_host, req->framing, req->keep_alive, req->content_length;
    ensures \result == DSG_HTTP_OK || \result == DSG_HTTP_ERR_BAD_HEADER ||
            \result == DSG_HTTP_ERR_TOO_MANY_HEADERS || \result == DSG_HTTP_ERR_MISSING_HOST ||
            \result == DSG_HTTP_ERR_DUPLICATE_HOST || \result == DSG_HTTP_ERR_AMBIGUOUS_FRAMING ||
            \result == DSG_HTTP_ERR_BAD_TRANSFER_ENCODING ||
            \result == DSG_HTTP_ERR_BAD_CONTENT_LENGTH;
    ensures \result == DSG_HTTP_OK ==>
              req->field_count <= DSG_HTTP_FIELDS_MAX && req->field_count <= lim->headers_max;
    ensures \result == DSG_HTTP_OK ==> dsg_http_fields_in(req, req->field_count, end);
    ensures \result == DSG_HTTP_OK ==> dsg_http_slice_in(req->host, end);
    ensures \result == DSG_HTTP_OK ==>
              (req->framing == DSG_HTTP_FRAMING_NONE || req->framing == DSG_HTTP_FRAMING_LENGTH ||
               req->framing == DSG_HTTP_FRAMING_CHUNKED) &&
              (req->keep_alive == 0 || req->keep_alive == 1) &&
              (req->has_host == 0 || req->has_host == 1);
    ensures \result == DSG_HTTP_OK && req->version_minor == 1 ==> req->has_host == 1;
    ensures \result == DSG_HTTP_OK ==> dsg_http_unambiguous(buf, req);
    ensures \result == DSG_HTTP_OK && req->framing == DSG_HTTP_FRAMING_CHUNKED ==>
              dsg_http_no_cl(buf, req, req->field_count);
    ensures \result == DSG_HTTP_OK && req->framing == DSG_HTTP_FRAMING_LENGTH ==>
              dsg_http_no_te(buf, req, req->field_count) &&
              req->content_length <= DSG_HTTP_CL_MAX;
*/
static dsg_http_status parse_fields(const uint8_t *buf, size_t end, size_t pos,
                                    const dsg_http_limits *lim, dsg_http_request *req)
{
    struct seen st = { 0, 0, 0, 0, 0, 0, 0, 0 };
    uint32_t n = 0;
    dsg_http_status r = read_fields(buf, end, pos, lim, req, &st, &n);
    if (r != DSG_HTTP_OK)
        return r;
    if (req->version_minor == 1 && !st.host)   /* RFC 9112 §3.2 */
        return DSG_HTTP_ERR_MISSING_HOST;
    /*@ assert st.cl == 0 ==> dsg_http_no_cl(buf, req, n); */
    /*@ assert st.te == 0 ==> dsg_http_no_te(buf, req, n); */
    finish(req, &st, n, end);
    return DSG_HTTP_OK;
}

/* The whole head buf[0 .. end), known to be made of CR LF lines. */
/*@ requires \valid_read(buf + (0 .. end - 1)) && \valid(req) && \valid_read(lim);
    requires \separated(req, lim, buf + (0 .. end - 1));
    requires 2 <= end <= UINT32_MAX;
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
    size_t pos = 0;
    dsg_http_status r = parse_method(buf, end, req, &pos);
    if (r != DSG_HTTP_OK)
        return r;
    r = parse_target(buf, end, pos, lim, req, &pos);
    if (r != DSG_HTTP_OK)
        return r;
    r = parse_version(buf, end, pos, req, &pos);
    if (r != DSG_HTTP_OK)
        return r;
    return parse_fields(buf, end, pos, lim, req);
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

/*@ assigns \nothing;
    ensures 0 <= \result <= 16;
*/
static unsigned hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a') + 10u;
    if (c >= 'A' && c <= 'F')
        return (unsigned)(c - 'A') + 10u;
    return 16u;
}

/* Percent-decodes t[0 .. n) into out (t[0] is "/"), refusing what cannot be
 * told apart from a separator or a string end once decoded. */
/*@ requires 1 <= n && \valid_read(t + (0 .. n - 1)) && t[0] == '/';
    requires \valid(out + (0 .. cap - 1)) && \valid(w);
    requires \separated(out + (0 .. cap - 1), t + (0 .. n - 1), w);
    requires \separated(w, t + (0 .. n - 1));
    assigns out[0 .. cap - 1], *w;
    ensures \result == DSG_HTTP_PATH_OK || \result == DSG_HTTP_PATH_BAD_TARGET ||
            \result == DSG_HTTP_PATH_BAD_ESCAPE || \result == DSG_HTTP_PATH_NUL ||
            \result == DSG_HTTP_PATH_ENCODED_SEPARATOR || \result == DSG_HTTP_PATH_TOO_LONG;
    ensures \result == DSG_HTTP_PATH_OK ==> 1 <= *w <= n && *w <= cap && out[0] == '/';
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
        if (k >= cap)
            return DSG_HTTP_PATH_TOO_LONG;
        if (c == '%') {
            if (n - i < 3)
                return DSG_HTTP_PATH_BAD_ESCAPE;
            unsigned hi = hex_value(t[i + 1]), lo = hex_value(t[i + 2]);
            if (hi > 15u || lo > 15u)
                return DSG_HTTP_PATH_BAD_ESCAPE;
            c = (uint8_t)(hi * 16u + lo);
            if (c == 0)
                return DSG_HTTP_PATH_NUL;
            if (c == '/' || c == '\\')
                return DSG_HTTP_PATH_ENCODED_SEPARATOR;
            i += 3;
        } else {
            if (c == 0)
                return DSG_HTTP_PATH_NUL;
            if (c < 0x21u || c > 0x7Eu || c == '#')
                return DSG_HTTP_PATH_BAD_TARGET;
            if (c == '\\')                 /* not a URI byte; a separator to some */
                return DSG_HTTP_PATH_ENCODED_SEPARATOR;
            i++;
        }
        out[k] = c;
        k++;
    }
    *w = k;
    return DSG_HTTP_PATH_OK;
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
        if (k == 1 && cp == 0)
            return DSG_HTTP_PATH_NUL;
        if (k == 1 && (cp < 0x20u || cp == 0x7Fu))
            return DSG_HTTP_PATH_CONTROL;
        i += k;
    }
    return DSG_HTTP_PATH_OK;
}

/* Every segment of o[0 .. n) (o[0] is "/"): neither "." nor "..", and not
 * empty unless it is the last. */
/*@ requires 1 <= n && \valid_read(o + (0 .. n - 1));
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
        if (o[i] != '/')
            continue;
        size_t s = i + 1;
        if (s < n && o[s] == '/')
            return DSG_HTTP_PATH_EMPTY_SEGMENT;
        if (s < n && o[s] == '.' && (s + 1 == n || o[s + 1] == '/'))
            return DSG_HTTP_PATH_TRAVERSAL;
        if (n - s >= 2 && o[s] == '.' && o[s + 1] == '.' && (s + 2 == n || o[s + 2] == '/'))
            return DSG_HTTP_PATH_TRAVERSAL;
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
    if (q == 0 || target[0] != '/')
        return DSG_HTTP_PATH_BAD_TARGET;
    size_t w = 0;
    dsg_http_path_status r = percent_decode(target, q, out, cap, &w);
    if (r != DSG_HTTP_PATH_OK)
        return r;
    r = check_bytes(out, w);
    if (r != DSG_HTTP_PATH_OK)
        return r;
    r = check_segments(out, w);
    if (r != DSG_HTTP_PATH_OK)
        return r;
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
