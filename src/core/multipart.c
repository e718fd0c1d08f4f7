/*
 * Streaming multipart/form-data parser (REQ-SHARE-010). See multipart.h
 * for the grammar and the contract; acsl/PROOFS.md for what is proved.
 *
 * The delimiter CR LF "--" boundary holds one CR, its first byte (a
 * boundary has no CR or LF), so a failed partial match never hides the
 * start of another: when the byte after `match` matched bytes is not the
 * next one of the delimiter, all of them are data and the byte is looked
 * at afresh. Searching is a loop over the input for CR, then one byte at a
 * time while a candidate lasts. Framing outside the data (the delimiter
 * line, headers, epilogue) is read one byte at a time by a state machine
 * whose steps are functions of the phase, the counters and one byte.
 */
#include "core/multipart.h"

#include "core/utf8.h"

#define BIT(c) ((int)(c))

/* ---- character classes ---------------------------------------------------- */

/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_mp_bchar(c);
*/
static int bchar(uint8_t c)
{
    return BIT(c >= '0' && c <= '9') | BIT(c >= 'a' && c <= 'z') | BIT(c >= 'A' && c <= 'Z') |
           BIT(c == '\'') | BIT(c == '(') | BIT(c == ')') | BIT(c == '+') | BIT(c == '_') |
           BIT(c == ',') | BIT(c == '-') | BIT(c == '.') | BIT(c == '/') | BIT(c == ':') |
           BIT(c == '=') | BIT(c == '?') | BIT(c == ' ');
}

/* SP or HTAB. */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> (c == ' ' || c == 9);
*/
static int blank(uint8_t c)
{
    return BIT(c == ' ') | BIT(c == 9u);
}

/* A byte of a header name: VCHAR but ":". */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> (0x21 <= c <= 0x7E && c != ':');
*/
static int name_byte(uint8_t c)
{
    return BIT(c >= 0x21u) & BIT(c <= 0x7Eu) & BIT(c != ':');
}

/* A byte of a header value: HTAB, SP, VCHAR or >= 0x80. */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> (c == 9 || (0x20 <= c && c != 0x7F));
*/
static int text_byte(uint8_t c)
{
    return BIT(c == 9u) | (BIT(c >= 0x20u) & BIT(c != 0x7Fu));
}

/* ---- the state ------------------------------------------------------------ */

/* 1 when b[from .. n) are all bchars. */
/*@ requires \valid_read(b + (0 .. n - 1)) && from <= n;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> (\forall integer k; from <= k < n ==> dsg_mp_bchar(b[k]));
*/
static int all_bchars(const uint8_t *b, size_t from, size_t n)
{
    size_t k = from;
    /*@ loop invariant from <= k <= n;
        loop invariant \forall integer j; from <= j < k ==> dsg_mp_bchar(b[j]);
        loop assigns k;
        loop variant n - k;
    */
    while (k < n) {
        if (!bchar(b[k]))
            return 0;
        k++;
    }
    return 1;
}

/*@ requires \valid_read(mp);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_mp_pos_ok(mp);
*/
static int pos_is_valid(const dsg_mp *mp)
{
    const dsg_mp_pos *p = &mp->pos;
    int scanning = BIT(p->phase == DSG_MP_PH_PREAMBLE) | BIT(p->phase == DSG_MP_PH_BODY);
    return BIT(p->phase <= DSG_MP_PH_FAILED) & BIT(p->match < mp->delim_len) &
           (BIT(p->virt == 0u) | BIT(p->virt == 2u)) & BIT(p->virt <= p->match) &
           (scanning | (BIT(p->match == 0u) & BIT(p->virt == 0u))) &
           BIT(p->head_bytes <= DSG_MP_HEADER_MAX) &
           BIT(p->name_len <= p->value_end) & BIT(p->value_end <= p->used) &
           BIT(p->used <= mp->hdr_cap) &
           (BIT(p->phase != DSG_MP_PH_NAME) | BIT(p->used >= 1u)) &
           (BIT(p->phase < DSG_MP_PH_VALUE_WS) | BIT(p->phase > DSG_MP_PH_LINE_LF) |
            BIT(p->name_len >= 1u));
}

int dsg_mp_is_valid(const dsg_mp *mp)
{
    size_t n = mp->delim_len;
    if (n < 5u || n > DSG_MP_DELIM_MAX || mp->hdr_cap > DSG_MP_HEADER_MAX)
        return 0;
    if ((BIT(mp->delim[0] != '\r') | BIT(mp->delim[1] != '\n') | BIT(mp->delim[2] != '-') |
         BIT(mp->delim[3] != '-') | BIT(mp->delim[n - 1u] == ' ')) != 0)
        return 0;
    if (!all_bchars(mp->delim, 4, n))
        return 0;
    return pos_is_valid(mp);
}

/* Copies b[0 .. n) to d[0 .. n). */
/*@ requires \valid(d + (0 .. n - 1)) && \valid_read(b + (0 .. n - 1));
    requires \separated(d + (0 .. n - 1), b + (0 .. n - 1));
    assigns d[0 .. n - 1];
    ensures \forall integer k; 0 <= k < n ==> d[k] == b[k];
*/
static void copy(uint8_t *d, const uint8_t *b, size_t n)
{
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n;
        loop invariant \forall integer j; 0 <= j < k ==> d[j] == b[j];
        loop assigns k, d[0 .. n - 1];
        loop variant n - k;
    */
    while (k < n) {
        d[k] = b[k];
        k++;
    }
}

dsg_mp_status dsg_mp_init(dsg_mp *mp, const uint8_t *boundary, size_t blen, uint8_t *hdr,
                          size_t hdr_cap)
{
    int ok = 0;
    if (blen >= 1u && blen <= DSG_MP_BOUNDARY_MAX && boundary[blen - 1u] != ' ' &&
        all_bchars(boundary, 0, blen))
        ok = 1;
    if (ok) {
        /* the virtual CR LF: a boundary may open the body without one */
        mp->pos.phase = DSG_MP_PH_PREAMBLE;
        mp->pos.match = 2;
        mp->pos.virt = 2;
    } else {
        mp->pos.phase = DSG_MP_PH_FAILED;
        mp->pos.match = 0;
        mp->pos.virt = 0;
    }
    mp->pos.head_bytes = 0;
    mp->pos.used = 0;
    mp->pos.name_len = 0;
    mp->pos.value_end = 0;
    mp->hdr = hdr;
    mp->hdr_cap = (uint16_t)(hdr_cap < DSG_MP_HEADER_MAX ? hdr_cap : DSG_MP_HEADER_MAX);
    mp->delim[0] = '\r';
    mp->delim[1] = '\n';
    mp->delim[2] = '-';
    mp->delim[3] = '-';
    if (!ok) {
        mp->delim_len = 5;
        mp->delim[4] = '-';
        /*@ assert dsg_mp_pos_ok(mp); */
        /*@ assert \forall integer k; 4 <= k < 5 ==> dsg_mp_bchar(mp->delim[k]); */
        /*@ assert dsg_mp_delim_ok(mp); */
        return DSG_MP_ERR_BOUNDARY;
    }
    mp->delim_len = (uint8_t)(blen + 4u);
    copy(&mp->delim[4], boundary, blen);
    /*@ assert \forall integer k; 4 <= k < mp->delim_len ==> mp->delim[k] == boundary[k - 4]; */
    /*@ assert mp->pos.phase == DSG_MP_PH_PREAMBLE && mp->pos.match == 2 && mp->pos.virt == 2; */
    /*@ assert mp->pos.used == 0 && mp->pos.name_len == 0 && mp->pos.value_end == 0; */
    /*@ assert mp->pos.head_bytes == 0 && mp->delim_len == blen + 4; */
    /*@ assert dsg_mp_pos_ok(mp); */
    /*@ assert mp->delim[0] == '\r' && mp->delim[1] == '\n' &&
               mp->delim[2] == '-' && mp->delim[3] == '-'; */
    /*@ assert \forall integer k; 4 <= k < mp->delim_len ==> dsg_mp_bchar(mp->delim[k]); */
    /*@ assert mp->delim[mp->delim_len - 1] == boundary[blen - 1]; */
    /*@ assert dsg_mp_delim_ok(mp); */
    return DSG_MP_NEED_MORE;
}

/* ---- one byte of framing ---------------------------------------------------- */

/*
 * The steps below share one contract shape: from a well-formed state in a
 * framing phase, one byte moves to another well-formed state; NEED_MORE
 * means "go on", an event is reported, and an error leaves the parser
 * FAILED.
 */
/*@ predicate step_post{L1,L2}(dsg_mp *m, integer r) =
      dsg_mp_run_ok{L2}(m) &&
      (dsg_mp_event(r) || dsg_mp_parse_error(r)) &&
      (dsg_mp_parse_error(r) <==> \at(m->pos.phase, L2) == DSG_MP_PH_FAILED);
*/

/* Records an error: the parser stays FAILED from now on. */
/*@ requires \valid(mp) && dsg_mp_run_ok(mp) && !dsg_mp_scanning(mp->pos.phase);
    requires dsg_mp_parse_error(err);
    assigns mp->pos.phase;
    ensures mp->pos.phase == DSG_MP_PH_FAILED && dsg_mp_run_ok(mp);
    ensures \result == err;
*/
static dsg_mp_status fail(dsg_mp *mp, dsg_mp_status err)
{
    mp->pos.phase = DSG_MP_PH_FAILED;
    return err;
}

/* After a delimiter: "--" closes, padding then CR LF opens the next part. */
/*@ requires \valid(mp) && dsg_mp_run_ok(mp);
    requires DSG_MP_PH_DELIM <= mp->pos.phase <= DSG_MP_PH_CLOSE;
    assigns mp->pos;
    ensures step_post{Pre,Post}(mp, \result);
    ensures \result != DSG_MP_NEED_MORE && \result != DSG_MP_PART && \result != DSG_MP_END ==>
              dsg_mp_parse_error(\result);
    ensures \result == DSG_MP_END ==> mp->pos.phase == DSG_MP_PH_CLOSE_PAD;
*/
static dsg_mp_status delim_line(dsg_mp *mp, uint8_t c)
{
    switch (mp->pos.phase) {
    case DSG_MP_PH_DELIM:
    case DSG_MP_PH_DELIM_PAD:
        if (c == '-' && mp->pos.phase == DSG_MP_PH_DELIM)
            mp->pos.phase = DSG_MP_PH_CLOSE;
        else if (c == '\r')
            mp->pos.phase = DSG_MP_PH_DELIM_LF;
        else if (blank(c))
            mp->pos.phase = DSG_MP_PH_DELIM_PAD;
        else
            return fail(mp, DSG_MP_ERR_DELIMITER);
        return DSG_MP_NEED_MORE;
    case DSG_MP_PH_DELIM_LF:
        if (c != '\n')
            return fail(mp, DSG_MP_ERR_DELIMITER);
        mp->pos.phase = DSG_MP_PH_LINE;
        mp->pos.head_bytes = 0;
        mp->pos.used = 0;
        mp->pos.name_len = 0;
        mp->pos.value_end = 0;
        return DSG_MP_PART;
    default:                           /* CLOSE */
        if (c != '-')
            return fail(mp, DSG_MP_ERR_DELIMITER);
        mp->pos.phase = DSG_MP_PH_CLOSE_PAD;
        return DSG_MP_END;
    }
}

/* After the close delimiter: padding, then CR LF and anything. */
/*@ requires \valid(mp) && dsg_mp_run_ok(mp);
    requires mp->pos.phase == DSG_MP_PH_CLOSE_PAD || mp->pos.phase == DSG_MP_PH_EPI_LF;
    assigns mp->pos.phase;
    ensures step_post{Pre,Post}(mp, \result);
    ensures \result == DSG_MP_NEED_MORE || \result == DSG_MP_ERR_EPILOGUE;
*/
static dsg_mp_status after_close(dsg_mp *mp, uint8_t c)
{
    if (mp->pos.phase == DSG_MP_PH_EPI_LF) {
        if (c != '\n')
            return fail(mp, DSG_MP_ERR_EPILOGUE);
        mp->pos.phase = DSG_MP_PH_EPILOGUE;
    } else if (c == '\r') {
        mp->pos.phase = DSG_MP_PH_EPI_LF;
    } else if (!blank(c)) {
        return fail(mp, DSG_MP_ERR_EPILOGUE);
    }
    return DSG_MP_NEED_MORE;
}

/* Stores a byte of the header line, refused when the buffer is full. */
/*@ requires \valid(mp) && dsg_mp_run_ok(mp) && dsg_mp_heading(mp->pos.phase);
    requires \valid(mp->hdr + (0 .. mp->hdr_cap - 1));
    requires \separated(mp, mp->hdr + (0 .. mp->hdr_cap - 1));
    assigns mp->pos.used, mp->pos.phase, mp->hdr[0 .. mp->hdr_cap - 1];
    ensures dsg_mp_run_ok(mp);
    ensures \result == DSG_MP_NEED_MORE || \result == DSG_MP_ERR_HEADER_TOO_LONG;
    ensures \result == DSG_MP_NEED_MORE ==>
              mp->pos.used == \old(mp->pos.used) + 1 && mp->pos.phase == \old(mp->pos.phase);
    ensures \result != DSG_MP_NEED_MORE ==> mp->pos.phase == DSG_MP_PH_FAILED;
*/
static dsg_mp_status store(dsg_mp *mp, uint8_t c)
{
    if (mp->pos.used >= mp->hdr_cap)
        return fail(mp, DSG_MP_ERR_HEADER_TOO_LONG);
    mp->hdr[mp->pos.used] = c;
    mp->pos.used = (uint16_t)(mp->pos.used + 1u);
    return DSG_MP_NEED_MORE;
}

/* The start of a header line: a name byte, or CR of the empty line. */
/*@ requires \valid(mp) && dsg_mp_run_ok(mp) && mp->pos.phase == DSG_MP_PH_LINE;
    requires \valid(mp->hdr + (0 .. mp->hdr_cap - 1));
    requires \separated(mp, mp->hdr + (0 .. mp->hdr_cap - 1));
    assigns mp->pos, mp->hdr[0 .. mp->hdr_cap - 1];
    ensures step_post{Pre,Post}(mp, \result);
    ensures \result == DSG_MP_NEED_MORE || dsg_mp_parse_error(\result);
*/
static dsg_mp_status line_start(dsg_mp *mp, uint8_t c)
{
    if (c == '\r') {
        mp->pos.phase = DSG_MP_PH_HEAD_LF;
        return DSG_MP_NEED_MORE;
    }
    if (!name_byte(c))                 /* SP or HTAB here would be line folding */
        return fail(mp, DSG_MP_ERR_HEADER);
    mp->pos.used = 0;
    mp->pos.name_len = 0;
    mp->pos.value_end = 0;
    dsg_mp_status st = store(mp, c);
    if (st == DSG_MP_NEED_MORE)
        mp->pos.phase = DSG_MP_PH_NAME;
    return st;
}

/* A byte of a header name, or the ":" after it. */
/*@ requires \valid(mp) && dsg_mp_run_ok(mp) && mp->pos.phase == DSG_MP_PH_NAME;
    requires \valid(mp->hdr + (0 .. mp->hdr_cap - 1));
    requires \separated(mp, mp->hdr + (0 .. mp->hdr_cap - 1));
    assigns mp->pos, mp->hdr[0 .. mp->hdr_cap - 1];
    ensures step_post{Pre,Post}(mp, \result);
    ensures \result == DSG_MP_NEED_MORE || dsg_mp_parse_error(\result);
*/
static dsg_mp_status name(dsg_mp *mp, uint8_t c)
{
    if (c == ':') {
        mp->pos.name_len = mp->pos.used;
        mp->pos.value_end = mp->pos.used;
        mp->pos.phase = DSG_MP_PH_VALUE_WS;
        return DSG_MP_NEED_MORE;
    }
    if (!name_byte(c))
        return fail(mp, DSG_MP_ERR_HEADER);
    return store(mp, c);
}

/* A byte of a header value (blanks before it skipped, after it trimmed),
 * or the CR that ends the line. */
/*@ requires \valid(mp) && dsg_mp_run_ok(mp);
    requires mp->pos.phase == DSG_MP_PH_VALUE_WS || mp->pos.phase == DSG_MP_PH_VALUE;
    requires \valid(mp->hdr + (0 .. mp->hdr_cap - 1));
    requires \separated(mp, mp->hdr + (0 .. mp->hdr_cap - 1));
    assigns mp->pos, mp->hdr[0 .. mp->hdr_cap - 1];
    ensures step_post{Pre,Post}(mp, \result);
    ensures \result == DSG_MP_NEED_MORE || dsg_mp_parse_error(\result);
*/
static dsg_mp_status value(dsg_mp *mp, uint8_t c)
{
    if (c == '\r') {
        mp->pos.phase = DSG_MP_PH_LINE_LF;
        return DSG_MP_NEED_MORE;
    }
    if (!text_byte(c))
        return fail(mp, DSG_MP_ERR_HEADER);
    if (blank(c) && mp->pos.phase == DSG_MP_PH_VALUE_WS)
        return DSG_MP_NEED_MORE;
    mp->pos.phase = DSG_MP_PH_VALUE;
    dsg_mp_status st = store(mp, c);
    if (st == DSG_MP_NEED_MORE && !blank(c))
        mp->pos.value_end = mp->pos.used;
    return st;
}

/* The LF that ends a header line (HEADER) or the header block (BODY). */
/*@ requires \valid(mp) && \valid(out) && \separated(mp, out) && dsg_mp_run_ok(mp);
    requires mp->pos.phase == DSG_MP_PH_LINE_LF || mp->pos.phase == DSG_MP_PH_HEAD_LF;
    assigns mp->pos, out->off, out->len, out->name_len;
    ensures step_post{Pre,Post}(mp, \result);
    ensures \result == DSG_MP_HEADER || \result == DSG_MP_BODY || \result == DSG_MP_ERR_HEADER;
    ensures \result == DSG_MP_HEADER ==>
              1 <= out->name_len && out->off == out->name_len &&
              out->off + out->len <= mp->hdr_cap;
    ensures \result == DSG_MP_BODY ==> mp->pos.phase == DSG_MP_PH_BODY;
*/
static dsg_mp_status line_end(dsg_mp *mp, uint8_t c, dsg_mp_out *out)
{
    if (c != '\n')
        return fail(mp, DSG_MP_ERR_HEADER);
    if (mp->pos.phase == DSG_MP_PH_HEAD_LF) {
        mp->pos.phase = DSG_MP_PH_BODY;
        mp->pos.match = 2;             /* the CR LF just read may open a delimiter */
        mp->pos.virt = 2;
        return DSG_MP_BODY;
    }
    out->name_len = mp->pos.name_len;
    out->off = mp->pos.name_len;
    out->len = mp->pos.value_end - mp->pos.name_len;
    mp->pos.phase = DSG_MP_PH_LINE;
    return DSG_MP_HEADER;
}

/* A byte of a part's header block, counted against DSG_MP_HEADER_MAX. */
/*@ requires \valid(mp) && \valid(out) && \separated(mp, out) && dsg_mp_run_ok(mp);
    requires dsg_mp_heading(mp->pos.phase);
    requires \valid(mp->hdr + (0 .. mp->hdr_cap - 1));
    requires \separated(mp, out, mp->hdr + (0 .. mp->hdr_cap - 1));
    assigns mp->pos, mp->hdr[0 .. mp->hdr_cap - 1], out->off, out->len, out->name_len;
    ensures step_post{Pre,Post}(mp, \result);
    ensures \result == DSG_MP_NEED_MORE || \result == DSG_MP_HEADER ||
            \result == DSG_MP_BODY || dsg_mp_parse_error(\result);
    ensures \result == DSG_MP_HEADER ==>
              1 <= out->name_len && out->off == out->name_len &&
              out->off + out->len <= mp->hdr_cap;
    ensures \result == DSG_MP_BODY ==> mp->pos.phase == DSG_MP_PH_BODY;
*/
static dsg_mp_status header(dsg_mp *mp, uint8_t c, dsg_mp_out *out)
{
    if (mp->pos.head_bytes >= DSG_MP_HEADER_MAX)
        return fail(mp, DSG_MP_ERR_HEADER_TOO_LONG);
    mp->pos.head_bytes = (uint16_t)(mp->pos.head_bytes + 1u);
    uint8_t ph = mp->pos.phase;
    dsg_mp_status st;
    if (ph == DSG_MP_PH_LINE)
        st = line_start(mp, c);
    else if (ph == DSG_MP_PH_NAME)
        st = name(mp, c);
    else if (ph <= DSG_MP_PH_VALUE)
        st = value(mp, c);
    else                               /* LINE_LF, HEAD_LF */
        st = line_end(mp, c, out);
    return st;
}

/* ---- scanning for the delimiter ----------------------------------------------- */

/* The first CR in in[i .. len), or len. */
/*@ requires i <= len && \valid_read(in + (0 .. len - 1));
    assigns \nothing;
    ensures i <= \result <= len;
    ensures \result < len ==> in[\result] == '\r';
*/
static size_t find_cr(const uint8_t *in, size_t len, size_t i)
{
    size_t p = i;
    /*@ loop invariant i <= p <= len;
        loop assigns p;
        loop variant len - p;
    */
    while (p < len && in[p] != '\r')
        p++;
    return p;
}

/* Reads the preamble or a part's data from in[*i ..]: stops at a DATA run
 * (the bytes up to the next CR), at HELD (a failed candidate's bytes, in
 * the delimiter), at PART_END (a delimiter after data), at the first
 * delimiter after the preamble (NEED_MORE, phase DELIM) or at the end of
 * the input (NEED_MORE). In the preamble nothing is reported but the
 * delimiter. */
/*@ requires \valid(mp) && \valid(out) && \valid(i) && \separated(mp, out, i);
    requires \valid_read(in + (0 .. len - 1));
    requires \separated(in + (0 .. len - 1), mp, out, i);
    requires dsg_mp_run_ok(mp) && dsg_mp_scanning(mp->pos.phase);
    requires *i < len;
    assigns mp->pos.phase, mp->pos.match, mp->pos.virt, *i, out->off, out->len;
    ensures dsg_mp_run_ok(mp);
    ensures dsg_mp_scanning(mp->pos.phase) || mp->pos.phase == DSG_MP_PH_DELIM;
    ensures \old(*i) <= *i <= len;
    ensures \result == DSG_MP_NEED_MORE || \result == DSG_MP_DATA ||
            \result == DSG_MP_HELD || \result == DSG_MP_PART_END;
    ensures \result == DSG_MP_NEED_MORE ==>
              \old(*i) < *i && (*i == len || mp->pos.phase == DSG_MP_PH_DELIM);
    ensures \result == DSG_MP_DATA ==> 1 <= out->len && out->off + out->len == *i;
    ensures \result == DSG_MP_HELD ==> 1 <= out->len && out->off + out->len <= mp->delim_len;
    ensures \result == DSG_MP_HELD ==> mp->pos.match == 0;
    ensures \result != DSG_MP_HELD ==> \old(*i) < *i;
    ensures \result == DSG_MP_PART_END ==> mp->pos.phase == DSG_MP_PH_DELIM;
*/
static dsg_mp_status scan(dsg_mp *mp, const uint8_t *in, size_t len, size_t *i,
                          dsg_mp_out *out)
{
    int body = BIT(mp->pos.phase == DSG_MP_PH_BODY);
    size_t j = *i;
    /*@ loop invariant \at(*i, Pre) <= j <= len;
        loop invariant dsg_mp_run_ok(mp) && dsg_mp_scanning(mp->pos.phase);
        loop invariant body == 1 <==> mp->pos.phase == DSG_MP_PH_BODY;
        loop invariant *i == \at(*i, Pre);
        loop assigns j, mp->pos.match, mp->pos.virt, *i, out->off, out->len;
        loop variant 2 * (len - j) + (mp->pos.match == 0 ? 0 : 1);
    */
    while (j < len) {
        size_t m = mp->pos.match;
        if (m == 0) {
            size_t k = find_cr(in, len, j);
            if (body && k > j) {
                out->off = j;
                out->len = k - j;
                *i = k;
                return DSG_MP_DATA;
            }
            if (k == len) {
                j = len;
                break;
            }
            mp->pos.match = 1;
            j = k + 1;
        } else if (in[j] == mp->delim[m]) {
            j++;
            if (m + 1u == mp->delim_len) {
                mp->pos.match = 0;
                mp->pos.virt = 0;
                mp->pos.phase = DSG_MP_PH_DELIM;
                *i = j;
                return body ? DSG_MP_PART_END : DSG_MP_NEED_MORE;
            }
            mp->pos.match = (uint8_t)(m + 1u);
        } else {
            size_t v = mp->pos.virt;
            mp->pos.match = 0;
            mp->pos.virt = 0;
            if (body && m > v) {
                out->off = v;
                out->len = m - v;
                *i = j;
                return DSG_MP_HELD;
            }
        }
    }
    *i = j;
    return DSG_MP_NEED_MORE;
}

/* ---- the feed ----------------------------------------------------------------- */

/* One step from in[*i] (*i < len) in any phase but FAILED. */
/*@ requires \valid(mp) && \valid(out) && \valid(i) && \separated(mp, out, i);
    requires \valid_read(in + (0 .. len - 1));
    requires \valid(mp->hdr + (0 .. mp->hdr_cap - 1));
    requires \separated(mp, out, i, mp->hdr + (0 .. mp->hdr_cap - 1));
    requires \separated(in + (0 .. len - 1), mp, out, i, mp->hdr + (0 .. mp->hdr_cap - 1));
    requires dsg_mp_run_ok(mp) && mp->pos.phase != DSG_MP_PH_FAILED;
    requires *i < len;
    assigns mp->pos, mp->hdr[0 .. mp->hdr_cap - 1], *i, out->off, out->len, out->name_len;
    ensures step_post{Pre,Post}(mp, \result);
    ensures \old(*i) <= *i <= len;
    ensures \result != DSG_MP_HELD ==> \old(*i) < *i;
    ensures \result == DSG_MP_DATA ==> 1 <= out->len && out->off + out->len == *i;
    ensures \result == DSG_MP_HELD ==> 1 <= out->len && out->off + out->len <= mp->delim_len;
    ensures \result == DSG_MP_HELD ==> mp->pos.match == 0;
    ensures \result == DSG_MP_HEADER ==>
              1 <= out->name_len && out->off == out->name_len &&
              out->off + out->len <= mp->hdr_cap;
    ensures \result == DSG_MP_BODY ==> mp->pos.phase == DSG_MP_PH_BODY;
    ensures \result == DSG_MP_END ==> mp->pos.phase == DSG_MP_PH_CLOSE_PAD;
*/
static dsg_mp_status step(dsg_mp *mp, const uint8_t *in, size_t len, size_t *i,
                          dsg_mp_out *out)
{
    uint8_t ph = mp->pos.phase;
    if (ph <= DSG_MP_PH_BODY)
        return scan(mp, in, len, i, out);
    if (ph == DSG_MP_PH_EPILOGUE) {
        *i = len;
        return DSG_MP_NEED_MORE;
    }
    uint8_t c = in[*i];
    *i += 1;
    if (ph <= DSG_MP_PH_CLOSE)
        return delim_line(mp, c);
    if (ph <= DSG_MP_PH_HEAD_LF)
        return header(mp, c, out);
    return after_close(mp, c);
}

dsg_mp_status dsg_mp_feed(dsg_mp *mp, const uint8_t *in, size_t len, dsg_mp_out *out)
{
    int ok = dsg_mp_is_valid(mp);
    out->consumed = 0;
    out->off = 0;
    out->len = 0;
    out->name_len = 0;
    if (!ok)
        return DSG_MP_ERR_STATE;
    if (mp->pos.phase == DSG_MP_PH_FAILED)
        return DSG_MP_ERR_FAILED;
    dsg_mp_out ev = { 0, 0, 0, 0 };   /* what the steps found; copied to *out at the end */
    dsg_mp_status st = DSG_MP_NEED_MORE;
    size_t i = 0;
    /*@ loop invariant 0 <= i <= len && st == DSG_MP_NEED_MORE;
        loop invariant dsg_mp_run_ok(mp) && dsg_mp_delim_ok(mp);
        loop invariant mp->pos.phase != DSG_MP_PH_FAILED;
        loop assigns i, st, mp->pos, mp->hdr[0 .. mp->hdr_cap - 1], ev;
        loop variant len - i;
    */
    while (i < len) {
        st = step(mp, in, len, &i, &ev);
        if (st != DSG_MP_NEED_MORE)
            break;
    }
    /*@ assert dsg_mp_ok(mp); */
    out->consumed = i;
    if ((BIT(st == DSG_MP_DATA) | BIT(st == DSG_MP_HELD) | BIT(st == DSG_MP_HEADER)) != 0) {
        out->off = ev.off;
        out->len = ev.len;
        out->name_len = ev.name_len;
    }
    return st;
}

dsg_mp_status dsg_mp_finish(dsg_mp *mp)
{
    if (!dsg_mp_is_valid(mp))
        return DSG_MP_ERR_STATE;
    uint8_t ph = mp->pos.phase;
    if (ph == DSG_MP_PH_FAILED)
        return DSG_MP_ERR_FAILED;
    if ((BIT(ph == DSG_MP_PH_CLOSE_PAD) | BIT(ph == DSG_MP_PH_EPILOGUE)) != 0)
        return DSG_MP_END;
    mp->pos.phase = DSG_MP_PH_FAILED;
    mp->pos.match = 0;
    mp->pos.virt = 0;
    return DSG_MP_ERR_TRUNCATED;
}

/* Index = status; the last row answers any value outside the enum. */
static const char mp_tokens[DSG_MP_ERR_TRUNCATED + 2][16] = {
    "need-more", "part", "header", "body", "data", "held", "part-end", "end",
    "bad-state", "failed", "bad-boundary", "bad-delimiter", "bad-header",
    "header-too-long", "bad-epilogue", "truncated", "unknown",
};

const char *dsg_mp_status_token(dsg_mp_status status)
{
    unsigned i = (unsigned)status;
    if (i > (unsigned)DSG_MP_ERR_TRUNCATED)
        i = (unsigned)DSG_MP_ERR_TRUNCATED + 1u;
    return mp_tokens[i];
}

/* ---- Content-Disposition ------------------------------------------------------ */

/* A tchar of RFC 9110 §5.6.2. */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> 0x21 <= c <= 0x7E && c != '"' && c != ';' && c != '=';
*/
static int token_byte(uint8_t c)
{
    return BIT(c >= '0' && c <= '9') | BIT(c >= 'a' && c <= 'z') | BIT(c >= 'A' && c <= 'Z') |
           BIT(c == '!') | BIT(c == '#') | BIT(c == '$') | BIT(c == '%') | BIT(c == '&') |
           BIT(c == '\'') | BIT(c == '*') | BIT(c == '+') | BIT(c == '-') | BIT(c == '.') |
           BIT(c == '^') | BIT(c == '_') | BIT(c == '`') | BIT(c == '|') | BIT(c == '~');
}

/* An attr-char of RFC 8187 §3.2.1: ALPHA DIGIT ! # $ & + - . ^ _ ` | ~ */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> c != 0;
*/
static int attr_byte(uint8_t c)
{
    return BIT(c >= '0' && c <= '9') | BIT(c >= 'a' && c <= 'z') | BIT(c >= 'A' && c <= 'Z') |
           BIT(c == '!') | BIT(c == '#') | BIT(c == '$') | BIT(c == '&') | BIT(c == '+') |
           BIT(c == '-') | BIT(c == '.') | BIT(c == '^') | BIT(c == '_') | BIT(c == '`') |
           BIT(c == '|') | BIT(c == '~');
}

/* The value of a hex digit, or 16 for any other byte. */
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

/* The end of the run of bytes at v[i ..) that `token` (1) or blank (0). */
/*@ requires i <= n && \valid_read(v + (0 .. n - 1));
    assigns \nothing;
    ensures i <= \result <= n;
*/
static size_t run_end(const uint8_t *v, size_t n, size_t i, int token)
{
    size_t p = i;
    /*@ loop invariant i <= p <= n;
        loop assigns p;
        loop variant n - p;
    */
    while (p < n && (token ? token_byte(v[p]) : blank(v[p])))
        p++;
    return p;
}

/* 1 when v[i .. j) is the word w[0 .. wn) (lowercase), ASCII case aside. */
/*@ requires i <= j && \valid_read(v + (i .. j - 1));
    requires \valid_read(w + (0 .. wn - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int word_is(const uint8_t *v, size_t i, size_t j, const uint8_t *w, size_t wn)
{
    if (j - i != wn)
        return 0;
    size_t k = 0;
    /*@ loop invariant 0 <= k <= wn;
        loop assigns k;
        loop variant wn - k;
    */
    while (k < wn) {
        uint8_t c = v[i + k];
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c + ('a' - 'A'));
        if (c != w[k])
            return 0;
        k++;
    }
    return 1;
}

/* A quoted string at v[i] (a DQUOTE): its content is v[i + 1 .. *end - 1),
 * HTAB, SP, VCHAR but DQUOTE and "\", and bytes >= 0x80. */
/*@ requires i < n && \valid_read(v + (0 .. n - 1));
    requires \valid(end) && \separated(end, v + (0 .. n - 1));
    assigns *end;
    ensures \result == DSG_MP_DISP_OK || \result == DSG_MP_DISP_ERR_SYNTAX;
    ensures \result == DSG_MP_DISP_OK ==> i + 2 <= *end <= n;
*/
static dsg_mp_disp_status quoted(const uint8_t *v, size_t n, size_t i, size_t *end)
{
    size_t p = i + 1;
    /*@ loop invariant i + 1 <= p <= n;
        loop assigns p;
        loop variant n - p;
    */
    while (p < n && v[p] != '"') {
        uint8_t c = v[p];
        if (!text_byte(c) || c == '\\')
            return DSG_MP_DISP_ERR_SYNTAX;
        p++;
    }
    if (p >= n)
        return DSG_MP_DISP_ERR_SYNTAX;
    *end = p + 1;
    return DSG_MP_DISP_OK;
}

/* A parameter value at v[i ..): a token or a quoted string; its content
 * is v[*off .. *off + *len), and the value ends at *end. */
/*@ requires i <= n && \valid_read(v + (0 .. n - 1));
    requires \valid(off) && \valid(len) && \valid(end);
    requires \separated(off, len, end, v + (0 .. n - 1));
    assigns *off, *len, *end;
    ensures \result == DSG_MP_DISP_OK || \result == DSG_MP_DISP_ERR_SYNTAX;
    ensures \result == DSG_MP_DISP_OK ==>
              i < *end <= n && i <= *off && *off + *len <= *end;
*/
static dsg_mp_disp_status param_value(const uint8_t *v, size_t n, size_t i, size_t *off,
                                      size_t *len, size_t *end)
{
    if (i >= n)
        return DSG_MP_DISP_ERR_SYNTAX;
    if (v[i] == '"') {
        size_t e = 0;
        if (quoted(v, n, i, &e) != DSG_MP_DISP_OK)
            return DSG_MP_DISP_ERR_SYNTAX;
        *off = i + 1;
        *len = e - i - 2;
        *end = e;
        return DSG_MP_DISP_OK;
    }
    size_t e = run_end(v, n, i, 1);
    if (e == i)
        return DSG_MP_DISP_ERR_SYNTAX;
    *off = i;
    *len = e - i;
    *end = e;
    return DSG_MP_DISP_OK;
}

/* 1 when out[0 .. n) is strict UTF-8 without NUL. */
/*@ requires \valid_read(out + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> \forall integer k; 0 <= k < n ==> out[k] != 0;
*/
static int utf8_no_nul(const uint8_t *out, size_t n)
{
    size_t p = 0;
    uint32_t cp = 0;
    /*@ loop invariant 0 <= p <= n;
        loop invariant \forall integer k; 0 <= k < p ==> out[k] != 0;
        loop assigns p, cp;
        loop variant n - p;
    */
    while (p < n) {
        size_t l = dsg_utf8_decode(out, n, p, &cp);
        if (l == 0 || (l == 1u && cp == 0u))
            return 0;
        p += l;
    }
    return 1;
}

static const uint8_t w_utf8[5] = { 'u', 't', 'f', '-', '8' };

/* filename*'s ext-value v[i .. j): charset "'" language "'" value-chars,
 * the value decoded into out[0 .. *olen). */
/*@ requires i <= j && \valid_read(v + (i .. j - 1));
    requires \valid(out + (0 .. cap - 1)) && \valid(olen);
    requires \separated(olen, out + (0 .. cap - 1), v + (i .. j - 1));
    requires \separated(out + (0 .. cap - 1), v + (i .. j - 1));
    assigns out[0 .. cap - 1], *olen;
    ensures \result == DSG_MP_DISP_OK || \result == DSG_MP_DISP_ERR_SYNTAX ||
            \result == DSG_MP_DISP_ERR_CHARSET || \result == DSG_MP_DISP_ERR_ENCODING ||
            \result == DSG_MP_DISP_ERR_TOO_LONG;
    ensures \result == DSG_MP_DISP_OK ==>
              *olen <= cap && \forall integer k; 0 <= k < *olen ==> out[k] != 0;
*/
static dsg_mp_disp_status ext_value(const uint8_t *v, size_t i, size_t j, uint8_t *out,
                                    size_t cap, size_t *olen)
{
    size_t q = i;
    /*@ loop invariant i <= q <= j;
        loop assigns q;
        loop variant j - q;
    */
    while (q < j && v[q] != '\'')
        q++;
    if (q >= j)
        return DSG_MP_DISP_ERR_SYNTAX;
    if (!word_is(v, i, q, w_utf8, sizeof w_utf8))
        return DSG_MP_DISP_ERR_CHARSET;
    size_t p = q + 1;                  /* the language: ALPHA DIGIT "-" */
    /*@ loop invariant q + 1 <= p <= j;
        loop assigns p;
        loop variant j - p;
    */
    while (p < j && v[p] != '\'') {
        uint8_t c = v[p];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return DSG_MP_DISP_ERR_SYNTAX;
        p++;
    }
    if (p >= j)
        return DSG_MP_DISP_ERR_SYNTAX;
    p++;
    size_t w = 0;
    /*@ loop invariant q + 1 <= p <= j && 0 <= w <= cap;
        loop assigns p, w, out[0 .. cap - 1];
        loop variant j - p;
    */
    while (p < j) {
        uint8_t c = v[p];
        if (c == '%') {
            if (j - p < 3u)
                return DSG_MP_DISP_ERR_ENCODING;
            unsigned hi = hex_value(v[p + 1]), lo = hex_value(v[p + 2]);
            if (hi > 15u || lo > 15u)
                return DSG_MP_DISP_ERR_ENCODING;
            c = (uint8_t)(hi * 16u + lo);
            p += 3;
        } else if (attr_byte(c)) {
            p++;
        } else {
            return DSG_MP_DISP_ERR_ENCODING;
        }
        if (w >= cap)
            return DSG_MP_DISP_ERR_TOO_LONG;
        out[w] = c;
        w++;
    }
    if (!utf8_no_nul(out, w))
        return DSG_MP_DISP_ERR_ENCODING;
    *olen = w;
    return DSG_MP_DISP_OK;
}

static const uint8_t w_form_data[9] = { 'f', 'o', 'r', 'm', '-', 'd', 'a', 't', 'a' };
static const uint8_t w_name[4] = { 'n', 'a', 'm', 'e' };
static const uint8_t w_filename[8] = { 'f', 'i', 'l', 'e', 'n', 'a', 'm', 'e' };
static const uint8_t w_filename_ext[9] = { 'f', 'i', 'l', 'e', 'n', 'a', 'm', 'e', '*' };

/* Which parameter v[i .. j) names: 1 name, 2 filename, 3 filename*, 0 another. */
/*@ requires i <= j && \valid_read(v + (i .. j - 1));
    assigns \nothing;
    ensures 0 <= \result <= 3;
*/
static int param_kind(const uint8_t *v, size_t i, size_t j)
{
    if (word_is(v, i, j, w_name, sizeof w_name))
        return 1;
    if (word_is(v, i, j, w_filename, sizeof w_filename))
        return 2;
    if (word_is(v, i, j, w_filename_ext, sizeof w_filename_ext))
        return 3;
    return 0;
}

/*@ predicate disp_ok{L}(dsg_mp_disp *d, integer has_name, integer n, uint8_t *out,
                          integer cap) =
      (has_name == 0 || has_name == 1) &&
      (d->has_file == 0 || d->has_file == 1) && (d->has_ext == 0 || d->has_ext == 1) &&
      (has_name == 1 ==> d->name_off + d->name_len <= n) &&
      (d->has_file == 1 ==> d->file_off + d->file_len <= n) &&
      (d->has_ext == 1 ==> d->ext_len <= cap &&
         (\forall integer k; 0 <= k < d->ext_len ==> out[k] != 0)) &&
      (d->has_ext == 0 ==> d->ext_len == 0);
*/

/* filename*=: decoded into out, refused when given twice. */
/*@ requires i < j <= n && \valid_read(v + (0 .. n - 1));
    requires \valid(d) && \valid(out + (0 .. cap - 1));
    requires \separated(d, out + (0 .. cap - 1), v + (0 .. n - 1));
    requires \separated(out + (0 .. cap - 1), v + (0 .. n - 1));
    requires disp_ok(d, has_name, n, out, cap);
    assigns d->ext_len, d->has_ext, out[0 .. cap - 1];
    ensures \result == DSG_MP_DISP_OK || \result == DSG_MP_DISP_ERR_SYNTAX ||
            \result == DSG_MP_DISP_ERR_DUPLICATE || \result == DSG_MP_DISP_ERR_CHARSET ||
            \result == DSG_MP_DISP_ERR_ENCODING || \result == DSG_MP_DISP_ERR_TOO_LONG;
    ensures \result == DSG_MP_DISP_OK ==> disp_ok(d, has_name, n, out, cap);
*/
static dsg_mp_disp_status ext_param(const uint8_t *v, size_t n, size_t i, size_t j,
                                    dsg_mp_disp *d, int has_name, uint8_t *out, size_t cap)
{
    (void)n;
    (void)has_name;   /* the contract's */
    if (d->has_ext != 0)
        return DSG_MP_DISP_ERR_DUPLICATE;
    size_t olen = 0;
    dsg_mp_disp_status st = ext_value(v, i, j, out, cap, &olen);
    if (st != DSG_MP_DISP_OK)
        return st;
    d->ext_len = olen;
    d->has_ext = 1;
    return DSG_MP_DISP_OK;
}

/* One parameter at v[i ..) (after ";" and blanks), up to *end: name and
 * filename recorded in *d, filename* decoded into out. */
/*@ requires i <= n && \valid_read(v + (0 .. n - 1));
    requires \valid(d) && \valid(has_name) && \valid(end) && \valid(out + (0 .. cap - 1));
    requires \separated(d, has_name, end, out + (0 .. cap - 1), v + (0 .. n - 1));
    requires \separated(out + (0 .. cap - 1), v + (0 .. n - 1));
    requires disp_ok(d, *has_name, n, out, cap);
    assigns *d, *has_name, *end, out[0 .. cap - 1];
    ensures \result == DSG_MP_DISP_OK || \result == DSG_MP_DISP_ERR_SYNTAX ||
            \result == DSG_MP_DISP_ERR_DUPLICATE || \result == DSG_MP_DISP_ERR_CHARSET ||
            \result == DSG_MP_DISP_ERR_ENCODING || \result == DSG_MP_DISP_ERR_TOO_LONG;
    ensures \result == DSG_MP_DISP_OK ==> i < *end <= n;
    ensures \result == DSG_MP_DISP_OK ==> disp_ok(d, *has_name, n, out, cap);
*/
static dsg_mp_disp_status param(const uint8_t *v, size_t n, size_t i, dsg_mp_disp *d,
                                int *has_name, size_t *end, uint8_t *out, size_t cap)
{
    size_t ne = run_end(v, n, i, 1);
    if (ne == i || ne >= n || v[ne] != '=')
        return DSG_MP_DISP_ERR_SYNTAX;
    int kind = param_kind(v, i, ne);
    size_t vs = ne + 1;
    if (kind == 3) {
        size_t ve = run_end(v, n, vs, 1);
        if (ve == vs)
            return DSG_MP_DISP_ERR_SYNTAX;
        dsg_mp_disp_status st = ext_param(v, n, vs, ve, d, *has_name, out, cap);
        if (st == DSG_MP_DISP_OK)
            *end = ve;
        return st;
    }
    size_t off = 0, len = 0, ve = 0;
    if (param_value(v, n, vs, &off, &len, &ve) != DSG_MP_DISP_OK)
        return DSG_MP_DISP_ERR_SYNTAX;
    if (kind == 1) {
        if (*has_name != 0)
            return DSG_MP_DISP_ERR_DUPLICATE;
        *has_name = 1;
        d->name_off = off;
        d->name_len = len;
    } else if (kind == 2) {
        if (d->has_file != 0)
            return DSG_MP_DISP_ERR_DUPLICATE;
        d->has_file = 1;
        d->file_off = off;
        d->file_len = len;
    }
    *end = ve;
    return DSG_MP_DISP_OK;
}

dsg_mp_disp_status dsg_mp_disposition(const uint8_t *v, size_t n, dsg_mp_disp *d,
                                      uint8_t *out, size_t cap)
{
    d->name_off = 0;
    d->name_len = 0;
    d->file_off = 0;
    d->file_len = 0;
    d->ext_len = 0;
    d->has_file = 0;
    d->has_ext = 0;
    size_t i = run_end(v, n, 0, 1);
    if (i == 0)
        return DSG_MP_DISP_ERR_SYNTAX;
    if (!word_is(v, 0, i, w_form_data, sizeof w_form_data))
        return DSG_MP_DISP_ERR_TYPE;
    int has_name = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant disp_ok(d, has_name, n, out, cap);
        loop assigns i, has_name, *d, out[0 .. cap - 1];
        loop variant n - i;
    */
    while (i < n) {
        size_t p = run_end(v, n, i, 0);
        if (p >= n)
            break;                     /* trailing blanks */
        if (v[p] != ';')
            return DSG_MP_DISP_ERR_SYNTAX;
        p = run_end(v, n, p + 1, 0);
        size_t e = 0;
        dsg_mp_disp_status st = param(v, n, p, d, &has_name, &e, out, cap);
        if (st != DSG_MP_DISP_OK)
            return st;
        i = e;
    }
    if (has_name == 0)
        return DSG_MP_DISP_ERR_NO_NAME;
    return DSG_MP_DISP_OK;
}

/* Index = status; the last row answers any value outside the enum. */
static const char disp_tokens[DSG_MP_DISP_ERR_TOO_LONG + 2][16] = {
    "ok", "not-form-data", "bad-syntax", "no-name", "duplicate", "bad-charset",
    "bad-encoding", "too-long", "unknown",
};

const char *dsg_mp_disp_status_token(dsg_mp_disp_status status)
{
    unsigned i = (unsigned)status;
    if (i > (unsigned)DSG_MP_DISP_ERR_TOO_LONG)
        i = (unsigned)DSG_MP_DISP_ERR_TOO_LONG + 1u;
    return disp_tokens[i];
}
