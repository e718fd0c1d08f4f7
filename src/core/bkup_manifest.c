/*
 * The backup manifest (REQ-BKUP-017). See bkup_manifest.h for the grammar
 * and the contract, docs/backup.md for the format, acsl/PROOFS.md for what
 * is proved.
 *
 * The parser walks a cursor through the text, one function per kind of
 * line and per kind of field; each consumes at least one byte when it
 * succeeds and leaves the cursor on the offending byte when it fails. The
 * name scanner's loop invariant is the name rule over the bytes read so
 * far, so an accepted name keeps the rule by construction. The writer
 * checks the records with the same field readers before it writes a byte
 * of the text, so it only ever writes what the parser accepts.
 */
#include "core/bkup_manifest.h"

#define BIT(c) ((int)(c))
#define IS_DIGIT(c) (BIT((c) >= '0') & BIT((c) <= '9'))
#define IS_LOWER(c) (BIT((c) >= 'a') & BIT((c) <= 'z'))
#define IS_NAME_BYTE(c) (IS_LOWER(c) | (BIT((c) >= 'A') & BIT((c) <= 'Z')) | IS_DIGIT(c) | \
                         BIT((c) == '.') | BIT((c) == '_') | BIT((c) == '-') | BIT((c) == '/'))

/* ---- bytes ------------------------------------------------------------------ */

/* 1 when s[a .. a + n) holds exactly w[0 .. n). */
/*@ requires a <= len && \valid_read(s + (0 .. len - 1)) && \valid_read(w + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> n <= len - a;
*/
static int starts(const uint8_t *s, size_t len, size_t a, const char *w, size_t n)
{
    if (n > len - a)
        return 0;
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n;
        loop assigns k;
        loop variant n - k;
    */
    while (k < n) {
        if ((int)s[a + k] != (int)w[k])
            return 0;
        k++;
    }
    return 1;
}

/* -1, 0 or 1 as a[0 .. an) sorts before, equal to or after b[0 .. bn),
 * byte by byte, a proper prefix first. */
/*@ requires \valid_read(a + (0 .. an - 1)) && \valid_read(b + (0 .. bn - 1));
    assigns \nothing;
    ensures -1 <= \result <= 1;
    ensures \result == 0 <==> (an == bn && \forall integer k; 0 <= k < an ==> a[k] == b[k]);
*/
static int cmp_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n && n <= an && n <= bn;
        loop invariant \forall integer j; 0 <= j < k ==> a[j] == b[j];
        loop assigns k;
        loop variant n - k;
    */
    while (k < n) {
        if (a[k] != b[k])
            return a[k] < b[k] ? -1 : 1;
        k++;
    }
    if (an == bn)
        return 0;
    return an < bn ? -1 : 1;
}

/* d[0 .. n) = s[a .. a + n). */
/*@ requires n <= len - a && a <= len && \valid_read(s + (0 .. len - 1));
    requires \valid(d + (0 .. n - 1)) && \separated(d + (0 .. n - 1), s + (0 .. len - 1));
    assigns d[0 .. n - 1];
*/
static void copy(uint8_t *d, const uint8_t *s, size_t len, size_t a, size_t n)
{
    (void)len;   /* the contract's: the bytes lie inside s[0 .. len) */
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n;
        loop assigns k, d[0 .. n - 1];
        loop variant n - k;
    */
    while (k < n) {
        d[k] = s[a + k];
        k++;
    }
}

/* ---- roles ------------------------------------------------------------------ */

/* The name of role r (r < DSG_BKM_ROLES) and its length in *n. */
/*@ requires r < DSG_BKM_ROLES && \valid(n);
    assigns *n;
    ensures 3 <= *n <= 8 && \valid_read(\result + (0 .. *n - 1));
*/
static const char *role_name(uint32_t r, size_t *n)
{
    switch (r) {
    case DSG_BKM_ROLE_AUTH: *n = 4; return "auth";
    case DSG_BKM_ROLE_EDGE: *n = 4; return "edge";
    case DSG_BKM_ROLE_ENDPOINT: *n = 8; return "endpoint";
    case DSG_BKM_ROLE_LOGD: *n = 4; return "logd";
    case DSG_BKM_ROLE_MASTER: *n = 6; return "master";
    case DSG_BKM_ROLE_NOC: *n = 3; return "noc";
    case DSG_BKM_ROLE_PORTAL: *n = 6; return "portal";
    case DSG_BKM_ROLE_SHARE: *n = 5; return "share";
    default: *n = 3; return "soc";
    }
}

/* The role named s[a .. b), or DSG_BKM_ROLES when there is none. */
/*@ requires a <= b <= len && \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures \result <= DSG_BKM_ROLES;
*/
static uint32_t role_of(const uint8_t *s, size_t len, size_t a, size_t b)
{
    uint32_t r = 0;
    /*@ loop invariant 0 <= r <= DSG_BKM_ROLES;
        loop assigns r;
        loop variant DSG_BKM_ROLES - r;
    */
    while (r < DSG_BKM_ROLES) {
        size_t n = 0;
        const char *w = role_name(r, &n);
        if (n == b - a && starts(s, len, a, w, n))
            return r;
        r++;
    }
    return DSG_BKM_ROLES;
}

/* ---- fields ----------------------------------------------------------------- */

/*@ assigns \nothing;
    ensures \result <= 9;
*/
static uint32_t dv(uint8_t c)
{
    return IS_DIGIT(c) ? (uint32_t)(c - '0') : 0u;
}

/* The two-digit number at s[a]. */
/*@ requires a + 1 < len && \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures \result <= 99;
*/
static uint32_t d2(const uint8_t *s, size_t len, size_t a)
{
    (void)len;   /* the contract's: both digits lie inside s[0 .. len) */
    return dv(s[a]) * 10u + dv(s[a + 1]);
}

/* Days in month mo of year y (Gregorian), or 0 for a month not in 1..12. */
/*@ assigns \nothing;
    ensures 1 <= mo <= 12 ==> \result == dsg_rfc_mdays(y, mo);
    ensures !(1 <= mo <= 12) ==> \result == 0;
*/
static uint32_t mdays(uint32_t y, uint32_t mo)
{
    if (mo < 1u || mo > 12u)
        return 0;
    if (mo == 2u)
        return ((y % 4u == 0u && y % 100u != 0u) || y % 400u == 0u) ? 29u : 28u;
    if (mo == 4u || mo == 6u || mo == 9u || mo == 11u)
        return 30u;
    return 31u;
}

/* What goes at place k of a time (YYYY-MM-DDTHH:MM:SS.mmmZ) or, when
 * is_id, of a backup ID (YYYYMMDDTHHMMSSZ): its byte, or 0 for a digit. */
/*@ assigns \nothing; */
static uint8_t shape_byte(int is_id, size_t k)
{
    if (is_id)
        return k == 8u ? 'T' : k == 15u ? 'Z' : 0;
    switch (k) {
    case 4: case 7: return '-';
    case 10: return 'T';
    case 13: case 16: return ':';
    case 19: return '.';
    case 23: return 'Z';
    default: return 0;
    }
}

/* The offset of the first byte of s[a .. a + n) out of shape, len when
 * the input ends before, a + n when none is. */
/*@ requires a <= len && \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures a <= \result <= len;
    ensures \result - a <= n;
    ensures \result - a == n ==> n <= len - a;
*/
static size_t shape_end(const uint8_t *s, size_t len, size_t a, size_t n, int is_id)
{
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n && k <= len - a;
        loop assigns k;
        loop variant n - k;
    */
    while (k < n) {
        if (k == len - a)
            return len;
        uint8_t want = shape_byte(is_id, k);
        uint8_t c = s[a + k];
        if (want == 0 ? IS_DIGIT(c) == 0 : c != want)
            return a + k;
        k++;
    }
    return a + k;
}

/* A date and a time of day from their digits at the offsets given (year
 * at a, month at a + mo, ...): the offset of the first field out of range,
 * or 0 when all are in range. */
/*@ requires a + 3 < len && a + mo + 1 < len && a + d + 1 < len;
    requires a + hh + 1 < len && a + mi + 1 < len && a + ss + 1 < len;
    requires 0 < mo && 0 < d && 0 < hh && 0 < mi && 0 < ss;
    requires \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures \result == 0 || \result == a + mo || \result == a + d || \result == a + hh ||
            \result == a + mi || \result == a + ss;
*/
static size_t clock_bad(const uint8_t *s, size_t len, size_t a, size_t mo, size_t d, size_t hh,
                        size_t mi, size_t ss)
{
    uint32_t y = d2(s, len, a) * 100u + d2(s, len, a + 2);
    uint32_t mon = d2(s, len, a + mo);
    uint32_t days = mdays(y, mon);
    if (days == 0)
        return a + mo;
    uint32_t day = d2(s, len, a + d);
    if (day < 1u || day > days)
        return a + d;
    if (d2(s, len, a + hh) > 23u)
        return a + hh;
    if (d2(s, len, a + mi) > 59u)
        return a + mi;
    if (d2(s, len, a + ss) > 59u)
        return a + ss;
    return 0;
}

/* A backup ID (is_id, 16 bytes) or a time (24 bytes) at s[a]: the offset
 * of the first byte that breaks it, or a + 16 (a + 24) when it is one. */
/*@ requires a <= len && \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures a <= \result <= len;
    ensures \result - a <= (is_id ? DSG_BKM_ID_LEN : DSG_BKM_TIME_LEN);
*/
static size_t stamp_end(const uint8_t *s, size_t len, size_t a, int is_id)
{
    size_t n = is_id ? DSG_BKM_ID_LEN : DSG_BKM_TIME_LEN;
    size_t e = shape_end(s, len, a, n, is_id);
    if (e - a != n)
        return e;
    size_t bad = is_id ? clock_bad(s, len, a, 4, 6, 9, 11, 13)
                       : clock_bad(s, len, a, 5, 8, 11, 14, 17);
    return bad != 0 ? bad : e;
}

/* The decimal number at s[*at], without a leading zero, up to max: its
 * value in *v, *at past it, 1. On an error 0, *at its offset. */
/*@ requires *at <= len && 9 <= max <= 9223372036854775807;
    requires \valid_read(s + (0 .. len - 1)) && \valid(at) && \valid(v);
    requires \separated(at, v, s + (0 .. len - 1));
    assigns *at, *v;
    ensures *at <= len;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> \old(*at) < *at && *v <= max;
*/
static int decimal(const uint8_t *s, size_t len, size_t *at, uint64_t max, uint64_t *v)
{
    size_t p = *at;
    if (p == len || IS_DIGIT(s[p]) == 0)
        return 0;
    uint64_t x = (uint64_t)(s[p] - '0');
    p++;
    if (x == 0 && p < len && IS_DIGIT(s[p])) {
        *at = p;
        return 0;
    }
    /*@ loop invariant \at(*at, Pre) < p <= len && x <= max;
        loop assigns p, x;
        loop variant len - p;
    */
    while (p < len && IS_DIGIT(s[p])) {
        uint64_t d = (uint64_t)(s[p] - '0');
        if (x > (max - d) / 10u) {
            *at = p;
            return 0;
        }
        x = x * 10u + d;
        p++;
    }
    *at = p;
    *v = x;
    return 1;
}

/* A lowercase hex digit's value, or -1. */
/*@ assigns \nothing;
    ensures -1 <= \result <= 15;
*/
static int hexval(uint8_t c)
{
    if (IS_DIGIT(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The end of the run of lowercase hex digits from s[a], at most 64 of
 * them. */
/*@ requires a <= len && \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures a <= \result <= len && \result - a <= DSG_BKM_DIGEST_HEX;
*/
static size_t hex_end(const uint8_t *s, size_t len, size_t a)
{
    size_t p = a;
    /*@ loop invariant a <= p <= len && p - a <= DSG_BKM_DIGEST_HEX;
        loop assigns p;
        loop variant len - p;
    */
    while (p < len && p - a < DSG_BKM_DIGEST_HEX && hexval(s[p]) >= 0)
        p++;
    return p;
}

/* The end of the longest run from s[a] that starts a name (at most
 * DSG_BKM_NAME_MAX bytes). */
/*@ requires a <= len && \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures a <= \result <= len && \result - a <= DSG_BKM_NAME_MAX;
    ensures dsg_bkm_name_run(s, a, \result);
*/
static size_t name_scan(const uint8_t *s, size_t len, size_t a)
{
    size_t p = a;
    /*@ loop invariant a <= p <= len && p - a <= DSG_BKM_NAME_MAX;
        loop invariant dsg_bkm_name_run(s, a, p);
        loop assigns p;
        loop variant len - p;
    */
    while (p < len && p - a < DSG_BKM_NAME_MAX) {
        uint8_t c = s[p];
        if (IS_NAME_BYTE(c) == 0)
            break;
        if (p == a ? (c == '/' || c == '.')
                   : ((s[p - 1] == '/' && (c == '/' || c == '.')) || (s[p - 1] == '.' && c == '.')))
            break;
        p++;
    }
    return p;
}

/* s[*at] is the byte c: *at past it, 1; else 0. */
/*@ requires *at <= len && \valid_read(s + (0 .. len - 1)) && \valid(at);
    requires \separated(at, s + (0 .. len - 1));
    assigns *at;
    ensures *at <= len;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> *at == \old(*at) + 1;
    ensures \result == 0 ==> *at == \old(*at);
*/
static int byte(const uint8_t *s, size_t len, size_t *at, uint8_t c)
{
    if (*at == len || s[*at] != c)
        return 0;
    (*at)++;
    return 1;
}

/* The keyword w[0 .. n) at s[*at]: *at past it, 1; else 0. */
/*@ requires *at <= len && \valid_read(s + (0 .. len - 1)) && \valid(at);
    requires \valid_read(w + (0 .. n - 1)) && 1 <= n;
    requires \separated(at, s + (0 .. len - 1));
    assigns *at;
    ensures *at <= len;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> *at == \old(*at) + n;
    ensures \result == 0 ==> *at == \old(*at);
*/
static int keyword(const uint8_t *s, size_t len, size_t *at, const char *w, size_t n)
{
    if (!starts(s, len, *at, w, n))
        return 0;
    *at += n;
    return 1;
}

/* A backup ID or a time at s[*at] copied into d: *at past it, 1. On an
 * error 0, *at its offset. */
/*@ requires *at <= len && \valid_read(s + (0 .. len - 1)) && \valid(at);
    requires \valid(d + (0 .. (is_id ? DSG_BKM_ID_LEN : DSG_BKM_TIME_LEN) - 1));
    requires \separated(at, s + (0 .. len - 1),
                        d + (0 .. (is_id ? DSG_BKM_ID_LEN : DSG_BKM_TIME_LEN) - 1));
    assigns *at, d[0 .. (is_id ? DSG_BKM_ID_LEN : DSG_BKM_TIME_LEN) - 1];
    ensures *at <= len;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> \old(*at) < *at;
*/
static int stamp(const uint8_t *s, size_t len, size_t *at, uint8_t *d, int is_id)
{
    size_t n = is_id ? DSG_BKM_ID_LEN : DSG_BKM_TIME_LEN;
    size_t e = stamp_end(s, len, *at, is_id);
    if (e - *at != n) {
        *at = e;
        return 0;
    }
    copy(d, s, len, *at, n);
    *at = e;
    return 1;
}

/* ---- lines ------------------------------------------------------------------ */

/* "id " ID LF, "created " TIME LF, "dsg " N "." N "." N LF. */
/*@ requires *at <= len && \valid_read(s + (0 .. len - 1)) && \valid(at) && \valid(h);
    requires \separated(at, h, s + (0 .. len - 1)) && \separated(h, s + (0 .. len - 1));
    assigns *at, h->id[0 .. DSG_BKM_ID_LEN - 1], h->created[0 .. DSG_BKM_TIME_LEN - 1],
            h->dsg_major, h->dsg_minor, h->dsg_patch;
    ensures *at <= len;
    ensures \result == DSG_BKM_OK || \result == DSG_BKM_ERR_LINE ||
            \result == DSG_BKM_ERR_SYNTAX || \result == DSG_BKM_ERR_ID ||
            \result == DSG_BKM_ERR_TIME || \result == DSG_BKM_ERR_NUMBER;
*/
static dsg_bkm_status stamps(const uint8_t *s, size_t len, size_t *at, dsg_bkm_head *h)
{
    if (!keyword(s, len, at, "id ", 3))
        return DSG_BKM_ERR_LINE;
    if (!stamp(s, len, at, h->id, 1))
        return DSG_BKM_ERR_ID;
    if (!byte(s, len, at, '\n'))
        return DSG_BKM_ERR_SYNTAX;
    if (!keyword(s, len, at, "created ", 8))
        return DSG_BKM_ERR_LINE;
    if (!stamp(s, len, at, h->created, 0))
        return DSG_BKM_ERR_TIME;
    if (!byte(s, len, at, '\n'))
        return DSG_BKM_ERR_SYNTAX;
    if (!keyword(s, len, at, "dsg ", 4))
        return DSG_BKM_ERR_LINE;
    uint64_t v[3] = { 0, 0, 0 };
    if (!decimal(s, len, at, DSG_BKM_NUM_MAX, &v[0]))
        return DSG_BKM_ERR_NUMBER;
    if (!byte(s, len, at, '.'))
        return DSG_BKM_ERR_SYNTAX;
    if (!decimal(s, len, at, DSG_BKM_NUM_MAX, &v[1]))
        return DSG_BKM_ERR_NUMBER;
    if (!byte(s, len, at, '.'))
        return DSG_BKM_ERR_SYNTAX;
    if (!decimal(s, len, at, DSG_BKM_NUM_MAX, &v[2]))
        return DSG_BKM_ERR_NUMBER;
    if (!byte(s, len, at, '\n'))
        return DSG_BKM_ERR_SYNTAX;
    h->dsg_major = (uint32_t)v[0];
    h->dsg_minor = (uint32_t)v[1];
    h->dsg_patch = (uint32_t)v[2];
    return DSG_BKM_OK;
}

/* "depends " ID LF, after the line of `line`: an ID later than the one
 * before it and earlier than the backup's own. */
/*@ requires *at <= len && \valid_read(s + (0 .. len - 1)) && \valid(at) && \valid(h);
    requires \separated(at, h, s + (0 .. len - 1)) && \separated(h, s + (0 .. len - 1));
    requires h->ndepends <= DSG_BKM_DEPENDS_MAX && 8 <= len - *at;
    assigns *at, h->ndepends, h->depends[0 .. DSG_BKM_DEPENDS_MAX - 1][0 .. DSG_BKM_ID_LEN - 1];
    ensures *at <= len && h->ndepends <= DSG_BKM_DEPENDS_MAX;
    ensures \result == DSG_BKM_OK || \result == DSG_BKM_ERR_SYNTAX ||
            \result == DSG_BKM_ERR_ID || \result == DSG_BKM_ERR_ORDER ||
            \result == DSG_BKM_ERR_TOO_MANY;
    ensures \result == DSG_BKM_OK ==> \old(*at) < *at;
*/
static dsg_bkm_status depends_line(const uint8_t *s, size_t len, size_t *at, dsg_bkm_head *h)
{
    size_t line = *at;
    size_t n = h->ndepends;
    if (n == DSG_BKM_DEPENDS_MAX)
        return DSG_BKM_ERR_TOO_MANY;
    *at += 8;   /* "depends ", checked by the caller */
    if (!stamp(s, len, at, h->depends[n], 1))
        return DSG_BKM_ERR_ID;
    if (!byte(s, len, at, '\n'))
        return DSG_BKM_ERR_SYNTAX;
    if ((n > 0 && cmp_bytes(h->depends[n - 1], DSG_BKM_ID_LEN, h->depends[n], DSG_BKM_ID_LEN) >= 0) ||
        cmp_bytes(h->depends[n], DSG_BKM_ID_LEN, h->id, DSG_BKM_ID_LEN) >= 0) {
        *at = line;
        return DSG_BKM_ERR_ORDER;
    }
    h->ndepends = n + 1;
    return DSG_BKM_OK;
}

/* The end of the run of lowercase letters from s[a], at most 8 of them. */
/*@ requires a <= len && \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures a <= \result <= len;
*/
static size_t word_end(const uint8_t *s, size_t len, size_t a)
{
    size_t p = a;
    /*@ loop invariant a <= p <= len && p - a <= 9;
        loop assigns p;
        loop variant len - p;
    */
    while (p < len && p - a < 9u && IS_LOWER(s[p]))
        p++;
    return p;
}

/* A role name then SP at s[*at]: the role, *at past the SP. On an error
 * DSG_BKM_ROLES (*at at the name) or DSG_BKM_ROLES + 1 (no SP, *at there). */
/*@ requires *at <= len && \valid_read(s + (0 .. len - 1)) && \valid(at);
    requires \separated(at, s + (0 .. len - 1));
    assigns *at;
    ensures *at <= len;
    ensures \result <= DSG_BKM_ROLES + 1;
    ensures \result < DSG_BKM_ROLES ==> \old(*at) < *at;
*/
static uint32_t role_field(const uint8_t *s, size_t len, size_t *at)
{
    size_t e = word_end(s, len, *at);
    uint32_t r = role_of(s, len, *at, e);
    if (r == DSG_BKM_ROLES)
        return r;
    *at = e;
    if (!byte(s, len, at, ' '))
        return DSG_BKM_ROLES + 1;
    return r;
}

/* "role " ROLE SP TIME " schema " N LF: a role after every role before it
 * (*next is the first role still allowed). */
/*@ requires *at <= len && \valid_read(s + (0 .. len - 1)) && \valid(at) && \valid(h);
    requires \valid(next) && *next <= DSG_BKM_ROLES && 5 <= len - *at;
    requires \separated(at, h, next, s + (0 .. len - 1));
    requires \forall integer r; 0 <= r < DSG_BKM_ROLES ==> h->role_seen[r] <= 1;
    assigns *at, *next, h->role_seen[0 .. DSG_BKM_ROLES - 1],
            h->role_time[0 .. DSG_BKM_ROLES - 1][0 .. DSG_BKM_TIME_LEN - 1],
            h->role_schema[0 .. DSG_BKM_ROLES - 1];
    ensures *at <= len && *next <= DSG_BKM_ROLES;
    ensures \forall integer r; 0 <= r < DSG_BKM_ROLES ==> h->role_seen[r] <= 1;
    ensures \result == DSG_BKM_OK || \result == DSG_BKM_ERR_SYNTAX ||
            \result == DSG_BKM_ERR_ROLE || \result == DSG_BKM_ERR_TIME ||
            \result == DSG_BKM_ERR_LINE || \result == DSG_BKM_ERR_NUMBER ||
            \result == DSG_BKM_ERR_ORDER || \result == DSG_BKM_ERR_DUPLICATE;
    ensures \result == DSG_BKM_OK ==> \old(*at) < *at;
*/
static dsg_bkm_status role_line(const uint8_t *s, size_t len, size_t *at, dsg_bkm_head *h,
                                uint32_t *next)
{
    size_t line = *at;
    *at += 5;   /* "role ", checked by the caller */
    uint32_t r = role_field(s, len, at);
    if (r == DSG_BKM_ROLES)
        return DSG_BKM_ERR_ROLE;
    if (r > DSG_BKM_ROLES)
        return DSG_BKM_ERR_SYNTAX;
    if (r < *next) {
        *at = line;
        return h->role_seen[r] != 0 ? DSG_BKM_ERR_DUPLICATE : DSG_BKM_ERR_ORDER;
    }
    if (!stamp(s, len, at, h->role_time[r], 0))
        return DSG_BKM_ERR_TIME;
    if (!keyword(s, len, at, " schema ", 8))
        return DSG_BKM_ERR_LINE;
    uint64_t v = 0;
    if (!decimal(s, len, at, DSG_BKM_NUM_MAX, &v))
        return DSG_BKM_ERR_NUMBER;
    if (!byte(s, len, at, '\n'))
        return DSG_BKM_ERR_SYNTAX;
    h->role_schema[r] = (uint32_t)v;
    h->role_seen[r] = 1;
    *next = r + 1;
    return DSG_BKM_OK;
}

/* A member name then SP at s[*at]: its slice in *x, *at past the SP. */
/*@ requires *at <= len <= DSG_BKM_TEXT_MAX;
    requires \valid_read(s + (0 .. len - 1)) && \valid(at) && \valid(x);
    requires \separated(at, x, s + (0 .. len - 1));
    assigns *at, x->name_off, x->name_len;
    ensures *at <= len;
    ensures \result == DSG_BKM_OK || \result == DSG_BKM_ERR_NAME;
    ensures \result == DSG_BKM_OK ==>
              \old(*at) < *at && x->name_off + x->name_len < len &&
              dsg_bkm_name_ok(s, x->name_off, x->name_len);
*/
static dsg_bkm_status name_field(const uint8_t *s, size_t len, size_t *at, dsg_bkm_member *x)
{
    size_t a = *at;
    size_t e = name_scan(s, len, a);
    if (e == a || e == len || s[e] != ' ') {
        *at = e;
        return DSG_BKM_ERR_NAME;
    }
    if (s[e - 1] == '/') {
        *at = e - 1;
        return DSG_BKM_ERR_NAME;
    }
    size_t n = e - a;
    /*@ assert n == e - a && a + n < len; */
    /*@ assert dsg_bkm_name_ok(s, a, n); */
    *at = e + 1;
    x->name_off = (uint32_t)a;
    x->name_len = (uint32_t)n;
    return DSG_BKM_OK;
}

/* "member " ROLE SP NAME SP SIZE SP DIGEST LF: a member of a role with its
 * role line. */
/*@ requires *at <= len <= DSG_BKM_TEXT_MAX;
    requires \valid_read(s + (0 .. len - 1)) && \valid(at) && \valid(x);
    requires \valid_read(h) && 7 <= len - *at;
    requires \separated(at, x, h, s + (0 .. len - 1));
    assigns *at, *x;
    ensures *at <= len;
    ensures \result == DSG_BKM_OK || \result == DSG_BKM_ERR_SYNTAX ||
            \result == DSG_BKM_ERR_ROLE || \result == DSG_BKM_ERR_UNDECLARED ||
            \result == DSG_BKM_ERR_NAME || \result == DSG_BKM_ERR_NUMBER ||
            \result == DSG_BKM_ERR_DIGEST;
    ensures \result == DSG_BKM_OK ==> \old(*at) < *at && dsg_bkm_member_ok(s, len, h, *x);
*/
static dsg_bkm_status member_line(const uint8_t *s, size_t len, size_t *at,
                                  const dsg_bkm_head *h, dsg_bkm_member *x)
{
    *at += 7;   /* "member ", checked by the caller */
    size_t role_at = *at;
    uint32_t r = role_field(s, len, at);
    if (r == DSG_BKM_ROLES)
        return DSG_BKM_ERR_ROLE;
    if (r > DSG_BKM_ROLES)
        return DSG_BKM_ERR_SYNTAX;
    if (h->role_seen[r] != 1) {
        *at = role_at;
        return DSG_BKM_ERR_UNDECLARED;
    }
    x->role = r;
    dsg_bkm_status st = name_field(s, len, at, x);
    if (st != DSG_BKM_OK)
        return st;
    uint64_t v = 0;
    if (!decimal(s, len, at, DSG_BKM_SIZE_MAX, &v))
        return DSG_BKM_ERR_NUMBER;
    if (!byte(s, len, at, ' '))
        return DSG_BKM_ERR_SYNTAX;
    size_t d = *at;
    size_t e = hex_end(s, len, d);
    *at = e;
    if (e - d != DSG_BKM_DIGEST_HEX)
        return DSG_BKM_ERR_DIGEST;
    if (!byte(s, len, at, '\n'))
        return DSG_BKM_ERR_SYNTAX;
    x->size = (int64_t)v;
    x->digest_off = (uint32_t)d;
    return DSG_BKM_OK;
}

/* Everything before the members: the magic line, the stamps, the depends
 * and role lines (one role at least). */
/*@ requires \valid_read(s + (0 .. len - 1)) && \valid(at) && \valid(h);
    requires \separated(at, h, s + (0 .. len - 1));
    assigns *at, *h;
    ensures *at <= len;
    ensures DSG_BKM_OK <= \result <= DSG_BKM_ERR_TRAILING;
    ensures \result == DSG_BKM_OK ==> dsg_bkm_head_ok(h);
*/
static dsg_bkm_status head(const uint8_t *s, size_t len, size_t *at, dsg_bkm_head *h)
{
    *at = 0;
    if (!keyword(s, len, at, "dsg-backup-manifest 1\n", 22))
        return DSG_BKM_ERR_HEADER;
    dsg_bkm_status st = stamps(s, len, at, h);
    if (st != DSG_BKM_OK)
        return st;
    h->ndepends = 0;
    /*@ loop invariant *at <= len && h->ndepends <= DSG_BKM_DEPENDS_MAX;
        loop assigns *at, *h, st;
        loop variant len - *at;
    */
    while (starts(s, len, *at, "depends ", 8)) {
        st = depends_line(s, len, at, h);
        if (st != DSG_BKM_OK)
            return st;
    }
    uint32_t r = 0;
    /*@ loop invariant 0 <= r <= DSG_BKM_ROLES;
        loop invariant \forall integer j; 0 <= j < r ==> h->role_seen[j] == 0;
        loop assigns r, h->role_seen[0 .. DSG_BKM_ROLES - 1];
        loop variant DSG_BKM_ROLES - r;
    */
    while (r < DSG_BKM_ROLES) {
        h->role_seen[r] = 0;
        r++;
    }
    uint32_t next = 0;
    /*@ loop invariant *at <= len && next <= DSG_BKM_ROLES;
        loop invariant h->ndepends <= DSG_BKM_DEPENDS_MAX;
        loop invariant \forall integer j; 0 <= j < DSG_BKM_ROLES ==> h->role_seen[j] <= 1;
        loop assigns *at, next, *h, st;
        loop variant len - *at;
    */
    while (starts(s, len, *at, "role ", 5)) {
        st = role_line(s, len, at, h, &next);
        if (st != DSG_BKM_OK)
            return st;
    }
    if (next == 0)
        return DSG_BKM_ERR_LINE;
    return DSG_BKM_OK;
}

/* -1, 0 or 1 as the member of role r1 and name s[o1 .. o1 + n1) sorts
 * before, is the same as or sorts after that of role r2 and name
 * s[o2 .. o2 + n2): by role, then by name bytes. */
/*@ requires 1 <= len && \valid_read(s + (0 .. len - 1));
    requires o1 + n1 <= len && o2 + n2 <= len;
    assigns \nothing;
    ensures -1 <= \result <= 1;
*/
static int member_cmp(const uint8_t *s, size_t len, uint32_t r1, size_t o1, size_t n1,
                      uint32_t r2, size_t o2, size_t n2)
{
    (void)len;   /* the contract's: both names lie inside s[0 .. len) */
    if (r1 != r2)
        return r1 < r2 ? -1 : 1;
    return cmp_bytes(s + o1, n1, s + o2, n2);
}

/* The member lines from s[*at] into m[0 .. *n). On an error *at is its
 * offset (the start of the line for TOO_MANY, ORDER and DUPLICATE). */
/*@ requires *at <= len <= DSG_BKM_TEXT_MAX;
    requires \valid_read(s + (0 .. len - 1)) && \valid_read(h);
    requires \valid(at) && \valid(n) && \valid(m + (0 .. cap - 1));
    requires \separated(at, n, h, m + (0 .. cap - 1), s + (0 .. len - 1));
    assigns *at, *n, m[0 .. cap - 1];
    ensures *at <= len && *n <= cap && *n <= DSG_BKM_MEMBERS_MAX;
    ensures \result == DSG_BKM_OK ||
            (DSG_BKM_ERR_SYNTAX <= \result <= DSG_BKM_ERR_TOO_MANY);
    ensures \result == DSG_BKM_OK ==> dsg_bkm_members_ok(s, len, h, m, *n);
*/
static dsg_bkm_status read_members(const uint8_t *s, size_t len, size_t *at,
                                   const dsg_bkm_head *h, dsg_bkm_member *m, size_t cap,
                                   size_t *n)
{
    size_t k = 0;
    uint32_t prev_role = 0;
    size_t prev_off = 0, prev_len = 0;   /* the member before, for the order */
    *n = 0;
    /*@ loop invariant *at <= len && k <= cap && k <= DSG_BKM_MEMBERS_MAX;
        loop invariant dsg_bkm_members_ok(s, len, h, m, k);
        loop invariant k > 0 ==> prev_off + prev_len < len;
        loop assigns *at, k, m[0 .. cap - 1], prev_role, prev_off, prev_len;
        loop variant len - *at;
    */
    while (starts(s, len, *at, "member ", 7)) {
        size_t line = *at;
        if (k == cap || k == DSG_BKM_MEMBERS_MAX)
            return DSG_BKM_ERR_TOO_MANY;
        dsg_bkm_status st = member_line(s, len, at, h, &m[k]);
        if (st != DSG_BKM_OK)
            return st;
        /*@ assert \forall integer j; 0 <= j < k ==>
              m[j].role == \at(m[j].role, LoopCurrent) &&
              m[j].name_off == \at(m[j].name_off, LoopCurrent) &&
              m[j].name_len == \at(m[j].name_len, LoopCurrent) &&
              m[j].size == \at(m[j].size, LoopCurrent) &&
              m[j].digest_off == \at(m[j].digest_off, LoopCurrent); */
        /*@ assert dsg_bkm_members_ok(s, len, h, m, k); */
        uint32_t role = m[k].role;
        size_t off = m[k].name_off, nl = m[k].name_len;
        if (k > 0) {
            int c = member_cmp(s, len, prev_role, prev_off, prev_len, role, off, nl);
            if (c >= 0) {
                *at = line;
                return c == 0 ? DSG_BKM_ERR_DUPLICATE : DSG_BKM_ERR_ORDER;
            }
        }
        prev_role = role;
        prev_off = off;
        prev_len = nl;
        k++;
    }
    *n = k;
    return DSG_BKM_OK;
}

dsg_bkm_status dsg_bkm_parse(const uint8_t *s, size_t len, dsg_bkm_head *h, dsg_bkm_member *m,
                             size_t cap, size_t *count, size_t *err_at)
{
    *count = 0;
    if (len > DSG_BKM_TEXT_MAX) {
        *err_at = DSG_BKM_TEXT_MAX;
        return DSG_BKM_ERR_TOO_LONG;
    }
    size_t at = 0;
    dsg_bkm_status st = head(s, len, &at, h);
    if (st != DSG_BKM_OK) {
        *err_at = at;
        return st;
    }
    size_t n = 0;
    st = read_members(s, len, &at, h, m, cap, &n);
    if (st != DSG_BKM_OK) {
        *err_at = at;
        return st;
    }
    if (!keyword(s, len, &at, "end\n", 4)) {
        *err_at = at;
        return DSG_BKM_ERR_LINE;
    }
    if (at != len) {
        *err_at = at;
        return DSG_BKM_ERR_TRAILING;
    }
    *count = n;
    *err_at = len;
    return DSG_BKM_OK;
}

/* ---- writing ---------------------------------------------------------------- */

/* Appends w[0 .. n) at out[*pos] when it fits: 1; else 0. */
/*@ requires *pos <= cap && \valid(out + (0 .. cap - 1)) && \valid(pos);
    requires \valid_read(w + (0 .. n - 1)) && \separated(pos, out + (0 .. cap - 1));
    assigns *pos, out[0 .. cap - 1];
    ensures *pos <= cap;
    ensures \result == 0 || \result == 1;
*/
static int put(uint8_t *out, size_t cap, size_t *pos, const uint8_t *w, size_t n)
{
    size_t p = *pos;
    if (n > cap - p)
        return 0;
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n && p + n <= cap;
        loop assigns k, out[0 .. cap - 1];
        loop variant n - k;
    */
    while (k < n) {
        out[p + k] = w[k];
        k++;
    }
    *pos = p + n;
    return 1;
}

/* put() for text. */
/*@ requires *pos <= cap && \valid(out + (0 .. cap - 1)) && \valid(pos);
    requires \valid_read(w + (0 .. n - 1)) && \separated(pos, out + (0 .. cap - 1));
    assigns *pos, out[0 .. cap - 1];
    ensures *pos <= cap;
    ensures \result == 0 || \result == 1;
*/
static int put_str(uint8_t *out, size_t cap, size_t *pos, const char *w, size_t n)
{
    size_t p = *pos;
    if (n > cap - p)
        return 0;
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n && p + n <= cap;
        loop assigns k, out[0 .. cap - 1];
        loop variant n - k;
    */
    while (k < n) {
        char c = w[k];
        out[p + k] = (uint8_t)(c < 0 ? '?' : c);   /* the texts put are ASCII */
        k++;
    }
    *pos = p + n;
    return 1;
}

/* v in decimal, without leading zeros. */
/*@ requires *pos <= cap && \valid(out + (0 .. cap - 1)) && \valid(pos);
    requires \separated(pos, out + (0 .. cap - 1));
    assigns *pos, out[0 .. cap - 1];
    ensures *pos <= cap;
    ensures \result == 0 || \result == 1;
*/
static int put_dec(uint8_t *out, size_t cap, size_t *pos, uint64_t v)
{
    uint8_t buf[20];
    size_t k = 20;
    /*@ loop invariant 0 <= k <= 20;
        loop assigns k, v, buf[0 .. 19];
        loop variant k;
    */
    while (k > 0) {
        k--;
        buf[k] = (uint8_t)('0' + (int)(v % 10u));
        v /= 10u;
    }
    size_t i = 0;
    /*@ loop invariant 0 <= i <= 19;
        loop assigns i;
        loop variant 19 - i;
    */
    while (i < 19u && buf[i] == '0')
        i++;
    return put(out, cap, pos, buf + i, 20u - i);
}

/* 1 when s[0 .. n) is exactly a backup ID (is_id, n == 16) or a time
 * (n == 24). */
/*@ requires \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int stamp_ok(const uint8_t *s, size_t n, int is_id)
{
    return stamp_end(s, n, 0, is_id) == n;
}

/* 1 when the depends of *h are at most 32 IDs, ascending, before the
 * backup's own. */
/*@ requires \valid_read(h);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> h->ndepends <= DSG_BKM_DEPENDS_MAX;
*/
static int depends_valid(const dsg_bkm_head *h)
{
    if (h->ndepends > DSG_BKM_DEPENDS_MAX)
        return 0;
    size_t k = 0;
    /*@ loop invariant 0 <= k <= h->ndepends <= DSG_BKM_DEPENDS_MAX;
        loop assigns k;
        loop variant h->ndepends - k;
    */
    while (k < h->ndepends) {
        if (!stamp_ok(h->depends[k], DSG_BKM_ID_LEN, 1) ||
            (k > 0 && cmp_bytes(h->depends[k - 1], DSG_BKM_ID_LEN, h->depends[k], DSG_BKM_ID_LEN) >= 0) ||
            cmp_bytes(h->depends[k], DSG_BKM_ID_LEN, h->id, DSG_BKM_ID_LEN) >= 0)
            return 0;
        k++;
    }
    return 1;
}

/* 1 when the role lines of *h are well-formed: one role at least, each
 * seen flag 0 or 1, each seen role with a time and a schema in range. */
/*@ requires \valid_read(h);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> \forall integer j; 0 <= j < DSG_BKM_ROLES ==> h->role_seen[j] <= 1;
*/
static int roles_valid(const dsg_bkm_head *h)
{
    int any = 0;
    uint32_t r = 0;
    /*@ loop invariant 0 <= r <= DSG_BKM_ROLES;
        loop invariant \forall integer j; 0 <= j < r ==> h->role_seen[j] <= 1;
        loop invariant any == 0 || any == 1;
        loop assigns r, any;
        loop variant DSG_BKM_ROLES - r;
    */
    while (r < DSG_BKM_ROLES) {
        if (h->role_seen[r] > 1)
            return 0;
        if (h->role_seen[r] == 1) {
            if (!stamp_ok(h->role_time[r], DSG_BKM_TIME_LEN, 0) ||
                h->role_schema[r] > DSG_BKM_NUM_MAX)
                return 0;
            any = 1;
        }
        r++;
    }
    /*@ assert r == DSG_BKM_ROLES; */
    return any;
}

/* 1 when the head makes the lines before the members of a manifest. */
/*@ requires \valid_read(h);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> dsg_bkm_head_ok(h);
*/
static int head_valid(const dsg_bkm_head *h)
{
    if (!stamp_ok(h->id, DSG_BKM_ID_LEN, 1) || !stamp_ok(h->created, DSG_BKM_TIME_LEN, 0))
        return 0;
    if (h->dsg_major > DSG_BKM_NUM_MAX || h->dsg_minor > DSG_BKM_NUM_MAX ||
        h->dsg_patch > DSG_BKM_NUM_MAX)
        return 0;
    return depends_valid(h) && roles_valid(h);
}

/* 1 when *x makes a member line: a role with its line, a name inside
 * text[0 .. text_len) that keeps the name rule, a size >= 0, a digest of
 * 64 lowercase hex digits inside text. */
/*@ requires \valid_read(h) && \valid_read(x) && \valid_read(text + (0 .. text_len - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==>
              x->name_off + x->name_len <= text_len && 1 <= x->name_len &&
              x->digest_off + DSG_BKM_DIGEST_HEX <= text_len &&
              x->role < DSG_BKM_ROLES && 0 <= x->size;
*/
static int member_valid(const dsg_bkm_head *h, const dsg_bkm_member *x, const uint8_t *text,
                        size_t text_len)
{
    if (x->role >= DSG_BKM_ROLES || h->role_seen[x->role] != 1 || x->size < 0)
        return 0;
    size_t d = x->digest_off;
    if (d > text_len || DSG_BKM_DIGEST_HEX > text_len - d ||
        hex_end(text, d + DSG_BKM_DIGEST_HEX, d) != d + DSG_BKM_DIGEST_HEX)
        return 0;
    size_t off = x->name_off;
    size_t n = x->name_len;
    if (off > text_len || n > text_len - off || n == 0)
        return 0;
    if (name_scan(text, off + n, off) != off + n)
        return 0;
    return text[off + n - 1] != '/';
}

/* 1 when m[0 .. n) make the member lines: each valid, each after the one
 * before it. */
/*@ requires \valid_read(h) && \valid_read(m + (0 .. n - 1));
    requires \valid_read(text + (0 .. text_len - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==>
              \forall integer j; 0 <= j < n ==>
                m[j].name_off + m[j].name_len <= text_len && 1 <= m[j].name_len &&
          m[j].digest_off + DSG_BKM_DIGEST_HEX <= text_len &&
                m[j].role < DSG_BKM_ROLES && 0 <= m[j].size;
*/
static int members_valid(const dsg_bkm_head *h, const dsg_bkm_member *m, size_t n,
                         const uint8_t *text, size_t text_len)
{
    if (n > DSG_BKM_MEMBERS_MAX)
        return 0;
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n;
        loop invariant \forall integer j; 0 <= j < k ==>
          m[j].name_off + m[j].name_len <= text_len && 1 <= m[j].name_len &&
          m[j].digest_off + DSG_BKM_DIGEST_HEX <= text_len &&
          m[j].role < DSG_BKM_ROLES && 0 <= m[j].size;
        loop assigns k;
        loop variant n - k;
    */
    while (k < n) {
        if (!member_valid(h, &m[k], text, text_len))
            return 0;
        if (k > 0 && member_cmp(text, text_len, m[k - 1].role, m[k - 1].name_off,
                                m[k - 1].name_len, m[k].role, m[k].name_off,
                                m[k].name_len) >= 0)
            return 0;
        k++;
    }
    return 1;
}

/* The magic line, id, created and dsg lines. */
/*@ requires \valid_read(h);
    requires *pos <= cap && \valid(out + (0 .. cap - 1)) && \valid(pos);
    requires \separated(pos, out + (0 .. cap - 1), h);
    requires \separated(out + (0 .. cap - 1), h);
    assigns *pos, out[0 .. cap - 1];
    ensures *pos <= cap;
    ensures \result == 0 || \result == 1;
*/
static int put_stamps(const dsg_bkm_head *h, uint8_t *out, size_t cap, size_t *pos)
{
    uint32_t major = h->dsg_major, minor = h->dsg_minor, patch = h->dsg_patch;
    if (!put_str(out, cap, pos, "dsg-backup-manifest 1\nid ", 25) ||
        !put(out, cap, pos, h->id, DSG_BKM_ID_LEN) ||
        !put_str(out, cap, pos, "\ncreated ", 9) ||
        !put(out, cap, pos, h->created, DSG_BKM_TIME_LEN))
        return 0;
    return put_str(out, cap, pos, "\ndsg ", 5) && put_dec(out, cap, pos, major) &&
           put_str(out, cap, pos, ".", 1) && put_dec(out, cap, pos, minor) &&
           put_str(out, cap, pos, ".", 1) && put_dec(out, cap, pos, patch) &&
           put_str(out, cap, pos, "\n", 1);
}

/* The depends lines. */
/*@ requires \valid_read(h) && h->ndepends <= DSG_BKM_DEPENDS_MAX;
    requires *pos <= cap && \valid(out + (0 .. cap - 1)) && \valid(pos);
    requires \separated(pos, out + (0 .. cap - 1), h);
    requires \separated(out + (0 .. cap - 1), h);
    assigns *pos, out[0 .. cap - 1];
    ensures *pos <= cap;
    ensures \result == 0 || \result == 1;
*/
static int put_depends(const dsg_bkm_head *h, uint8_t *out, size_t cap, size_t *pos)
{
    size_t nd = h->ndepends;
    size_t k = 0;
    /*@ loop invariant 0 <= k <= nd <= DSG_BKM_DEPENDS_MAX && *pos <= cap;
        loop assigns k, *pos, out[0 .. cap - 1];
        loop variant nd - k;
    */
    while (k < nd) {
        if (!put_str(out, cap, pos, "depends ", 8) ||
            !put(out, cap, pos, h->depends[k], DSG_BKM_ID_LEN) ||
            !put_str(out, cap, pos, "\n", 1))
            return 0;
        k++;
    }
    return 1;
}

/* The role line of role r. */
/*@ requires \valid_read(h) && r < DSG_BKM_ROLES;
    requires *pos <= cap && \valid(out + (0 .. cap - 1)) && \valid(pos);
    requires \separated(pos, out + (0 .. cap - 1), h);
    requires \separated(out + (0 .. cap - 1), h);
    assigns *pos, out[0 .. cap - 1];
    ensures *pos <= cap;
    ensures \result == 0 || \result == 1;
*/
static int put_role(const dsg_bkm_head *h, uint32_t r, uint8_t *out, size_t cap, size_t *pos)
{
    uint32_t schema = h->role_schema[r];
    size_t n = 0;
    const char *w = role_name(r, &n);
    if (!put_str(out, cap, pos, "role ", 5) || !put_str(out, cap, pos, w, n) ||
        !put_str(out, cap, pos, " ", 1) ||
        !put(out, cap, pos, h->role_time[r], DSG_BKM_TIME_LEN))
        return 0;
    return put_str(out, cap, pos, " schema ", 8) && put_dec(out, cap, pos, schema) &&
           put_str(out, cap, pos, "\n", 1);
}

/* The lines before the members. */
/*@ requires \valid_read(h) && dsg_bkm_head_ok(h);
    requires *pos <= cap && \valid(out + (0 .. cap - 1)) && \valid(pos);
    requires \separated(pos, out + (0 .. cap - 1), h);
    requires \separated(out + (0 .. cap - 1), h);
    assigns *pos, out[0 .. cap - 1];
    ensures *pos <= cap;
    ensures \result == 0 || \result == 1;
*/
static int put_head(const dsg_bkm_head *h, uint8_t *out, size_t cap, size_t *pos)
{
    if (!put_stamps(h, out, cap, pos) || !put_depends(h, out, cap, pos))
        return 0;
    uint32_t r = 0;
    /*@ loop invariant 0 <= r <= DSG_BKM_ROLES && *pos <= cap;
        loop assigns r, *pos, out[0 .. cap - 1];
        loop variant DSG_BKM_ROLES - r;
    */
    while (r < DSG_BKM_ROLES) {
        if (h->role_seen[r] == 1 && !put_role(h, r, out, cap, pos))
            return 0;
        r++;
    }
    return 1;
}

/* One member line. */
/*@ requires \valid_read(x) && \valid_read(text + (0 .. text_len - 1));
    requires x->name_off + x->name_len <= text_len && 1 <= x->name_len;
    requires x->digest_off + DSG_BKM_DIGEST_HEX <= text_len;
    requires x->role < DSG_BKM_ROLES && 0 <= x->size;
    requires *pos <= cap && \valid(out + (0 .. cap - 1)) && \valid(pos);
    requires \separated(pos, out + (0 .. cap - 1), x);
    requires \separated(out + (0 .. cap - 1), x, text + (0 .. text_len - 1));
    assigns *pos, out[0 .. cap - 1];
    ensures *pos <= cap;
    ensures \result == 0 || \result == 1;
*/
static int put_member(const dsg_bkm_member *x, const uint8_t *text, size_t text_len,
                      uint8_t *out, size_t cap, size_t *pos)
{
    (void)text_len;   /* the contract's: the name and digest lie inside text */
    size_t off = x->name_off, n = x->name_len, d = x->digest_off;
    uint64_t size = (uint64_t)x->size;
    size_t rn = 0;
    const char *w = role_name(x->role, &rn);
    if (!put_str(out, cap, pos, "member ", 7) || !put_str(out, cap, pos, w, rn) ||
        !put_str(out, cap, pos, " ", 1) || !put(out, cap, pos, text + off, n))
        return 0;
    return put_str(out, cap, pos, " ", 1) && put_dec(out, cap, pos, size) &&
           put_str(out, cap, pos, " ", 1) &&
           put(out, cap, pos, text + d, DSG_BKM_DIGEST_HEX) && put_str(out, cap, pos, "\n", 1);
}

/* The member lines. */
/*@ requires \valid_read(m + (0 .. n - 1)) && \valid_read(text + (0 .. text_len - 1));
    requires \forall integer j; 0 <= j < n ==>
               m[j].name_off + m[j].name_len <= text_len && 1 <= m[j].name_len &&
               m[j].digest_off + DSG_BKM_DIGEST_HEX <= text_len &&
               m[j].role < DSG_BKM_ROLES && 0 <= m[j].size;
    requires *pos <= cap && \valid(out + (0 .. cap - 1)) && \valid(pos);
    requires \separated(pos, out + (0 .. cap - 1), m + (0 .. n - 1));
    requires \separated(out + (0 .. cap - 1), m + (0 .. n - 1), text + (0 .. text_len - 1));
    assigns *pos, out[0 .. cap - 1];
    ensures *pos <= cap;
    ensures \result == 0 || \result == 1;
*/
static int put_members(const dsg_bkm_member *m, size_t n, const uint8_t *text,
                       size_t text_len, uint8_t *out, size_t cap, size_t *pos)
{
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n && *pos <= cap;
        loop assigns k, *pos, out[0 .. cap - 1];
        loop variant n - k;
    */
    while (k < n) {
        if (!put_member(&m[k], text, text_len, out, cap, pos))
            return 0;
        k++;
    }
    return 1;
}

dsg_bkm_status dsg_bkm_write(const dsg_bkm_head *h, const dsg_bkm_member *m, size_t n,
                             const uint8_t *text, size_t text_len, uint8_t *out, size_t cap,
                             size_t *out_len)
{
    *out_len = 0;
    if (!head_valid(h) || !members_valid(h, m, n, text, text_len))
        return DSG_BKM_ERR_RECORD;
    size_t pos = 0;
    if (!put_head(h, out, cap, &pos) || !put_members(m, n, text, text_len, out, cap, &pos) ||
        !put_str(out, cap, &pos, "end\n", 4))
        return DSG_BKM_ERR_SPACE;
    *out_len = pos;
    return DSG_BKM_OK;
}

/* Index = status; the last row answers any value outside the enum. */
static const char status_tokens[DSG_BKM_ERR_SPACE + 2][16] = {
    "ok", "header", "line", "syntax", "id", "time", "number", "role", "order", "duplicate",
    "undeclared", "name", "digest", "too-many", "trailing", "too-long", "record", "space",
    "unknown",
};

const char *dsg_bkm_status_token(dsg_bkm_status status)
{
    unsigned i = (unsigned)status;
    if (i > (unsigned)DSG_BKM_ERR_SPACE)
        i = (unsigned)DSG_BKM_ERR_SPACE + 1u;
    return status_tokens[i];
}
