/*
 * The Accept-Language parser and chooser: the grammar, the choice and the
 * contract are in accept_lang.h, the logic in acsl/accept_lang.acsl.h.
 *
 * Parsing reads one element at a time, from one ',' to the next: trim the
 * OWS around it, read a range, then nothing or a weight. Each reader
 * returns where the well-formed text it read ends; an element that is not
 * all read is malformed.
 */
#include "core/accept_lang.h"

/*@ assigns \nothing;
    ensures \result == 1 <==> (c == ' ' || c == '\t');
    ensures \result == 0 || \result == 1;
*/
static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/*@ assigns \nothing;
    ensures \result == 1 <==> dsg_al_alpha(c);
    ensures \result == 0 || \result == 1;
*/
static int is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/*@ assigns \nothing;
    ensures \result == 1 <==> dsg_al_alnum(c);
    ensures \result == 0 || \result == 1;
*/
static int is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* The end of the element that starts at h[i]: the next ',' or len. */
/*@ requires i <= len && \valid_read(h + (0 .. len - 1));
    assigns \nothing;
    ensures i <= \result <= len;
    ensures \result < len ==> h[\result] == ',';
*/
static size_t elem_end(const char *h, size_t len, size_t i)
{
    size_t p = i;
    /*@ loop invariant i <= p <= len;
        loop assigns p;
        loop variant len - p;
    */
    while (p < len && h[p] != ',')
        p++;
    return p;
}

/* The end of the run of at most 8 letters (alnum == 0) or letters and
 * digits (alnum == 1) at h[p .. e): p when it is empty or longer than 8. */
/*@ requires p <= e && \valid_read(h + (p .. e - 1));
    assigns \nothing;
    ensures \result == p || (p < \result <= e && \result - p <= 8);
    ensures \forall integer k; p <= k < \result ==> dsg_al_alnum(h[k]);
    ensures \result > p && alnum == 0 ==> dsg_al_alpha(h[p]);
*/
static size_t subtag_end(const char *h, size_t p, size_t e, int alnum)
{
    size_t x = p;
    /*@ loop invariant p <= x <= e && x - p <= 9;
        loop invariant \forall integer k; p <= k < x ==> dsg_al_alnum(h[k]);
        loop invariant x > p && alnum == 0 ==> dsg_al_alpha(h[p]);
        loop assigns x;
        loop variant e - x;
    */
    while (x < e && x - p < 9 && (alnum ? is_alnum(h[x]) : is_alpha(h[x])))
        x++;
    if (x - p > 8 || (x < e && is_alnum(h[x])))
        return p;
    return x;
}

/* The end of the language-range at h[p .. e), p when there is none:
 * "*", or subtags of 1 to 8 characters joined by '-', the first of letters.
 * A '-' not followed by a subtag is left unread. */
/*@ requires p < e && \valid_read(h + (p .. e - 1));
    assigns \nothing;
    ensures p <= \result <= e;
    ensures \result > p ==>
              (\result == p + 1 && h[p] == '*') ||
              (dsg_al_alpha(h[p]) &&
               \forall integer k; p <= k < \result ==> dsg_al_alnum(h[k]) || h[k] == '-');
*/
static size_t range_end(const char *h, size_t p, size_t e)
{
    if (h[p] == '*')
        return p + 1;
    size_t x = subtag_end(h, p, e, 0);
    if (x == p)
        return p;
    /*@ loop invariant p < x <= e && dsg_al_alpha(h[p]);
        loop invariant \forall integer k; p <= k < x ==> dsg_al_alnum(h[k]) || h[k] == '-';
        loop assigns x;
        loop variant e - x;
    */
    while (x < e && h[x] == '-') {
        size_t y = subtag_end(h, x + 1, e, 1);
        if (y == x + 1)
            break;
        x = y;
    }
    return x;
}

/* Reads a qvalue that is exactly h[p .. e) (RFC 9110 §12.4.2): 1 and its
 * value in thousandths in *q, or 0. */
/*@ requires p <= e && \valid_read(h + (p .. e - 1)) && \valid(q);
    requires \separated(q, h + (p .. e - 1));
    assigns *q;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> *q <= DSG_AL_Q_ONE;
*/
static int qvalue(const char *h, size_t p, size_t e, unsigned *q)
{
    if (p == e || (h[p] != '0' && h[p] != '1'))
        return 0;
    unsigned v = 0, scale = 100;
    int one = h[p] == '1';
    size_t x = p + 1;
    if (x < e) {
        if (h[x] != '.' || e - x > 4)
            return 0;
        /*@ loop invariant x + 1 <= i <= e && i - x <= 4;
            loop invariant scale == (i == x + 1 ? 100 : i == x + 2 ? 10 : i == x + 3 ? 1 : 0);
            loop invariant (i == x + 1 ==> v == 0) && (i == x + 2 ==> v <= 900) &&
                           (i == x + 3 ==> v <= 990) && v <= 999;
            loop invariant one ==> v == 0;
            loop assigns i, v, scale;
            loop variant e - i;
        */
        for (size_t i = x + 1; i < e; i++) {
            if (h[i] < '0' || h[i] > '9' || (one && h[i] != '0'))
                return 0;
            v += (unsigned)(h[i] - '0') * scale;
            scale /= 10;
        }
    }
    *q = one ? DSG_AL_Q_ONE : v;
    return 1;
}

/* Reads the weight that is exactly h[p .. e), from its ';': 1 and q, or 0. */
/*@ requires p < e && \valid_read(h + (p .. e - 1)) && \valid(q);
    requires \separated(q, h + (p .. e - 1));
    assigns *q;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> *q <= DSG_AL_Q_ONE;
*/
static int weight(const char *h, size_t p, size_t e, unsigned *q)
{
    if (h[p] != ';')
        return 0;
    size_t x = p + 1;
    /*@ loop invariant p + 1 <= x <= e;
        loop assigns x;
        loop variant e - x;
    */
    while (x < e && is_ows(h[x]))
        x++;
    if (e - x < 2 || (h[x] != 'q' && h[x] != 'Q') || h[x + 1] != '=')
        return 0;
    return qvalue(h, x + 2, e, q);
}

enum { ELEM_EMPTY, ELEM_RANGE, ELEM_BAD };

/* Reads the element h[a .. b) (no ',' in it): EMPTY when it is only OWS,
 * RANGE with the range in *r, or BAD. */
/*@ requires a <= b && b <= DSG_AL_LEN_MAX && \valid_read(h + (0 .. b - 1)) && \valid(r);
    requires \separated(r, h + (0 .. b - 1));
    assigns *r;
    ensures \result == ELEM_EMPTY || \result == ELEM_RANGE || \result == ELEM_BAD;
    ensures \result == ELEM_RANGE ==> a <= r->off && dsg_al_range_ok(h, b, *r);
*/
static int parse_elem(const char *h, size_t a, size_t b, dsg_al_range *r)
{
    size_t p = a, e = b;
    /*@ loop invariant a <= p <= b;
        loop assigns p;
        loop variant b - p;
    */
    while (p < b && is_ows(h[p]))
        p++;
    /*@ loop invariant p <= e <= b;
        loop assigns e;
        loop variant e - p;
    */
    while (e > p && is_ows(h[e - 1]))
        e--;
    if (p == e)
        return ELEM_EMPTY;
    size_t x = range_end(h, p, e);
    if (x == p)
        return ELEM_BAD;
    size_t y = x;
    /*@ loop invariant x <= y <= e;
        loop assigns y;
        loop variant e - y;
    */
    while (y < e && is_ows(h[y]))
        y++;
    unsigned q = DSG_AL_Q_ONE;
    if (y < e && weight(h, y, e, &q) == 0)
        return ELEM_BAD;
    r->off = (uint32_t)p;
    r->len = (uint32_t)(x - p);
    r->q = (uint16_t)q;
    return ELEM_RANGE;
}

/* Appends the range r at out[n], after n well-formed ones. */
/*@ requires \valid(out + (0 .. n)) && \valid_read(h + (0 .. len - 1));
    requires \separated(out + (0 .. n), h + (0 .. len - 1));
    requires dsg_al_ranges_ok(h, len, out, n) && dsg_al_range_ok(h, len, r);
    assigns out[n];
    ensures dsg_al_ranges_ok(h, len, out, n + 1);
*/
static void append(const char *h, size_t len, dsg_al_range *out, size_t n, dsg_al_range r)
{
    (void)h, (void)len;   /* the contract's: the ranges lie inside h[0 .. len) */
    out[n].off = r.off;
    out[n].len = r.len;
    out[n].q = r.q;
    /*@ assert \forall integer j; 0 <= j < n ==>
          out[j].off == \at(out[j].off, Pre) && out[j].len == \at(out[j].len, Pre) &&
          out[j].q == \at(out[j].q, Pre); */
    /*@ assert \forall integer j; 0 <= j < n ==> dsg_al_range_ok(h, len, out[j]); */
    /*@ assert dsg_al_range_ok(h, len, out[n]); */
}

/* A refused value: no range, none skipped. */
/*@ requires \valid(count) && \valid(skipped) && \separated(count, skipped);
    assigns *count, *skipped;
    ensures *count == 0 && *skipped == 0 && \result == st;
*/
static dsg_al_status refuse(size_t *count, size_t *skipped, dsg_al_status st)
{
    *count = 0;
    *skipped = 0;
    return st;
}

dsg_al_status dsg_al_parse(const char *h, size_t len, dsg_al_range *out, size_t cap,
                           size_t *count, size_t *skipped)
{
    if (len > DSG_AL_LEN_MAX)
        return refuse(count, skipped, DSG_AL_ERR_TOO_LONG);
    size_t n = 0, bad = 0, i = 0;
    /*@ loop invariant 0 <= i <= len;
        loop invariant n <= cap && n + bad <= DSG_AL_ELEMS_MAX;
        loop invariant dsg_al_ranges_ok(h, len, out, n);
        loop assigns i, n, bad, out[0 .. cap - 1];
        loop variant len - i;
    */
    while (1) {
        size_t e = elem_end(h, len, i);
        dsg_al_range r;
        int kind = parse_elem(h, i, e, &r);
        if (kind != ELEM_EMPTY && n + bad == DSG_AL_ELEMS_MAX)
            return refuse(count, skipped, DSG_AL_ERR_TOO_MANY);
        if (kind == ELEM_RANGE) {
            if (n == cap)
                return refuse(count, skipped, DSG_AL_ERR_TOO_MANY);
            append(h, len, out, n, r);
            n++;
        } else if (kind == ELEM_BAD) {
            bad++;
        }
        if (e == len)
            break;
        i = e + 1;
    }
    *count = n;
    *skipped = bad;
    return DSG_AL_OK;
}

int dsg_al_langs_is_valid(const dsg_al_lang *langs, size_t n)
{
    if (n < 1 || n > DSG_AL_LANGS_MAX)
        return 0;
    /*@ loop invariant 0 <= k <= n;
        loop invariant \forall integer j; 0 <= j < k ==> dsg_al_lang_ok(langs + j);
        loop assigns k;
        loop variant n - k;
    */
    for (size_t k = 0; k < n; k++)
        if (langs[k].len < 1 || langs[k].len > DSG_AL_TAG_MAX)
            return 0;
    return 1;
}

/* The twin of dsg_al_ranges_ok. */
/*@ requires \valid_read(h + (0 .. len - 1)) && \valid_read(r + (0 .. count - 1));
    assigns \nothing;
    ensures \result == 1 <==> dsg_al_ranges_ok(h, len, r, count);
    ensures \result == 0 || \result == 1;
*/
static int ranges_valid(const char *h, size_t len, const dsg_al_range *r, size_t count)
{
    /*@ loop invariant 0 <= i <= count;
        loop invariant dsg_al_ranges_ok(h, len, r, i);
        loop assigns i;
        loop variant count - i;
    */
    for (size_t i = 0; i < count; i++) {
        size_t off = r[i].off, n = r[i].len;
        if (n < 1 || off > len || n > len - off || r[i].q > DSG_AL_Q_ONE)
            return 0;
        if (n == 1 && h[off] == '*')
            continue;
        if (!is_alpha(h[off]))
            return 0;
        /*@ loop invariant off <= k <= off + n;
            loop invariant \forall integer j; off <= j < k ==> dsg_al_alnum(h[j]) || h[j] == '-';
            loop assigns k;
            loop variant off + n - k;
        */
        for (size_t k = off; k < off + n; k++)
            if (!is_alnum(h[k]) && h[k] != '-')
                return 0;
    }
    return 1;
}

/*@ assigns \nothing;
    ensures \result == dsg_al_lower(c);
*/
static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* The range h[off .. off + n) (not "*") matches tag l. */
/*@ requires n >= 1 && \valid_read(h + (off .. off + n - 1));
    requires \valid_read(l) && dsg_al_lang_ok(l);
    assigns \nothing;
    ensures \result == 1 <==> dsg_al_matches_at(h, off, n, l);
    ensures \result == 0 || \result == 1;
*/
static int match(const char *h, size_t off, size_t n, const dsg_al_lang *l)
{
    const char *p = h + off;
    size_t m = n <= l->len ? n : l->len;
    /*@ loop invariant 0 <= k <= m;
        loop invariant dsg_al_eq_ci(h, off, l, k);
        loop assigns k;
        loop variant m - k;
    */
    for (size_t k = 0; k < m; k++)
        if (lower(p[k]) != lower(l->tag[k]))
            return 0;
    if (n == l->len)
        return 1;
    if (n < l->len)
        return l->tag[n] == '-';
    return p[l->len] == '-';
}

/* Tag l is refused by a range of q=0 among r[0 .. count). */
/*@ requires \valid_read(h + (0 .. len - 1)) && \valid_read(r + (0 .. count - 1));
    requires \valid_read(l) && dsg_al_lang_ok(l) && dsg_al_ranges_ok(h, len, r, count);
    assigns \nothing;
    ensures \result == 1 <==> dsg_al_refused(h, r, count, l);
    ensures \result == 0 || \result == 1;
*/
static int refused(const char *h, size_t len, const dsg_al_range *r, size_t count,
                   const dsg_al_lang *l)
{
    (void)len;   /* the contract's: every range lies inside h[0 .. len) */
    /*@ loop invariant 0 <= j <= count;
        loop invariant \forall integer i; 0 <= i < j ==>
          !(r[i].q == 0 && !dsg_al_is_star(h, r[i]) && dsg_al_covers(h, r[i], l));
        loop assigns j;
        loop variant count - j;
    */
    for (size_t j = 0; j < count; j++) {
        if (r[j].q != 0 || (r[j].len == 1 && h[r[j].off] == '*') || r[j].len > l->len)
            continue;
        if (match(h, r[j].off, r[j].len, l))
            return 1;
    }
    return 0;
}

/* The first supported tag range i offers, n when it offers none. */
/*@ requires \valid_read(h + (0 .. len - 1)) && \valid_read(r + (0 .. count - 1));
    requires \valid_read(langs + (0 .. n - 1));
    requires dsg_al_langs_ok(langs, n) && dflt < n && dsg_al_ranges_ok(h, len, r, count);
    requires i < count;
    assigns \nothing;
    ensures \result <= n;
    ensures \result < n ==> dsg_al_offers(h, r, count, i, langs, \result, dflt);
    ensures \result == n ==> !dsg_al_offers_any(h, r, count, i, langs, n, dflt);
*/
static size_t offer(const char *h, size_t len, const dsg_al_range *r, size_t count, size_t i,
                    const dsg_al_lang *langs, size_t n, size_t dflt)
{
    if (r[i].q == 0)
        return n;
    if (r[i].len == 1 && h[r[i].off] == '*')
        return refused(h, len, r, count, &langs[dflt]) ? n : dflt;
    /*@ loop invariant 0 <= t <= n;
        loop invariant \forall integer u; 0 <= u < t ==>
          !dsg_al_offers(h, r, count, i, langs, u, dflt);
        loop assigns t;
        loop variant n - t;
    */
    for (size_t t = 0; t < n; t++)
        if (match(h, r[i].off, r[i].len, &langs[t]) && !refused(h, len, r, count, &langs[t]))
            return t;
    return n;
}

dsg_al_status dsg_al_choose(const char *h, size_t len, const dsg_al_range *r, size_t count,
                            const dsg_al_lang *langs, size_t n, size_t dflt, size_t *choice,
                            size_t *which)
{
    if (!dsg_al_langs_is_valid(langs, n) || dflt >= n || !ranges_valid(h, len, r, count))
        return DSG_AL_ERR_ARGS;
    int found = 0;
    size_t best = 0, best_k = dflt;
    /*@ loop invariant 0 <= j <= count;
        loop invariant best_k < n;
        loop invariant found == 0 || found == 1;
        loop invariant found == 0 ==> best_k == dflt &&
          \forall integer u; 0 <= u < j ==> !dsg_al_offers_any(h, r, count, u, langs, n, dflt);
        loop invariant found == 1 ==> best < j &&
          dsg_al_offers(h, r, count, best, langs, best_k, dflt) &&
          \forall integer u; 0 <= u < j &&
            (r[u].q > r[best].q || (u < best && r[u].q == r[best].q)) ==>
            !dsg_al_offers_any(h, r, count, u, langs, n, dflt);
        loop assigns j, found, best, best_k;
        loop variant count - j;
    */
    for (size_t j = 0; j < count; j++) {
        size_t k = offer(h, len, r, count, j, langs, n, dflt);
        if (k == n)
            continue;
        if (found == 0 || r[j].q > r[best].q) {
            found = 1;
            best = j;
            best_k = k;
        }
    }
    *choice = best_k;
    *which = best;
    return found ? DSG_AL_MATCHED : DSG_AL_DEFAULT;
}

dsg_al_status dsg_al_select(const char *h, size_t len, const dsg_al_lang *langs, size_t n,
                            size_t dflt, size_t *choice)
{
    if (!dsg_al_langs_is_valid(langs, n) || dflt >= n)
        return DSG_AL_ERR_ARGS;
    dsg_al_range r[DSG_AL_ELEMS_MAX];
    size_t count = 0, skipped = 0, which = 0;
    dsg_al_status st = dsg_al_parse(h, len, r, DSG_AL_ELEMS_MAX, &count, &skipped);
    if (st != DSG_AL_OK) {
        *choice = dflt;
        return st;
    }
    return dsg_al_choose(h, len, r, count, langs, n, dflt, choice, &which);
}

static const char status_tokens[DSG_AL_ERR_ARGS + 2][10] = {
    "ok", "matched", "default", "too-long", "too-many", "bad-args", "unknown",
};

const char *dsg_al_status_token(dsg_al_status status)
{
    unsigned i = (unsigned)status;
    if (i > (unsigned)DSG_AL_ERR_ARGS)
        i = (unsigned)DSG_AL_ERR_ARGS + 1u;
    return status_tokens[i];
}
