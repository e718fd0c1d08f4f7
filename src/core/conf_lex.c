/*
 * The lexical core of dsgd.conf: line classification and typed values.
 * See conf_lex.h for the grammar and the contracts. Every helper has its
 * own contract; loops carry their invariants.
 */
#include "core/conf_lex.h"

/* 2^64 - 1 = 10 * U64_TENTH + 5: the last step of a decimal that fits. */
#define U64_TENTH 1844674407370955161u

/* ---- byte classes ---------------------------------------------------------- */

/* Style note (as in ipc_frame.c): a condition made of several comparisons
 * is one branch-free expression of 0/1 bits, BIT(a) & BIT(b), BIT(a) | BIT(b),
 * rather than && and ||, which the C front end of Frama-C turns into
 * branches; every branch costs a WP smoke test, and the bits say the same.
 * The byte classes are macros over such bits, equal to the predicates of
 * acsl/conf_lex.acsl.h. char is signed here: bytes >= 0x80 are negative. */
#define BIT(c) ((int)(c))
#define IS_BLANK(c) (BIT((c) == ' ') | BIT((c) == '\t'))
#define IS_CTL(c) ((BIT((c) >= 0) & BIT((c) < 0x20) & BIT((c) != '\t')) | BIT((c) == 0x7F))
#define IS_LOWER(c) (BIT((c) >= 'a') & BIT((c) <= 'z'))
#define IS_DIGIT(c) (BIT((c) >= '0') & BIT((c) <= '9'))
#define IS_KEYCH(c) (IS_LOWER(c) | IS_DIGIT(c) | BIT((c) == '_') | BIT((c) == '.'))
#define IS_BARE(c) (BIT((c) != ' ') & BIT((c) != '\t') & BIT((c) != '#') & \
                    BIT((c) != '"') & BIT((c) != '=') & BIT((c) != 0x7F) & \
                    (BIT((c) < 0) | BIT((c) >= 0x20)))
/* A continuation byte whose value (c + 256) is in [lo, hi], lo >= 0x80. */
#define IS_CONT(c, lo, hi) (BIT((c) < 0) & BIT((c) + 256 >= (lo)) & BIT((c) + 256 <= (hi)))

/* ---- UTF-8 and control bytes ------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at s[i..n) (Unicode 15.0 table
 * 3-7: no overlongs, no surrogates, nothing above U+10FFFF), 0 if none. */
/*@ requires i < n && \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures 0 <= \result <= 4 && \result <= n - i;
    ensures \result == 1 ==> s[i] >= 0;
    ensures \result >= 2 ==> \forall integer k; i <= k < i + \result ==> s[k] < 0; */
static size_t utf8_len(const char *s, size_t n, size_t i)
{
    int b = s[i] + 256 * BIT(s[i] < 0);   /* the byte's value 0..255 */
    if (b < 0x80)
        return 1;
    size_t need = 2u + (size_t)BIT(b >= 0xE0) + (size_t)BIT(b >= 0xF0);
    if ((BIT(b >= 0xC2) & BIT(b <= 0xF4) & BIT(need <= n - i)) == 0)
        return 0;
    int lo = 0x80 + 0x20 * BIT(b == 0xE0) + 0x10 * BIT(b == 0xF0);   /* no overlongs */
    int hi = 0xBF - 0x20 * BIT(b == 0xED) - 0x30 * BIT(b == 0xF4);   /* no surrogates, */
    int ok = IS_CONT(s[i + 1], lo, hi);                              /* nothing > U+10FFFF */
    if (need >= 3u)
        ok &= IS_CONT(s[i + 2], 0x80, 0xBF);
    if (need == 4u)
        ok &= IS_CONT(s[i + 3], 0x80, 0xBF);
    return (size_t)ok * need;
}

/* Well-formed UTF-8 without control bytes; else the error and its offset. */
/*@ requires \valid_read(s + (0 .. n - 1)) && \valid(pos);
    requires \separated(pos, s + (0 .. n - 1));
    assigns *pos;
    ensures \result == DSG_CONF_BLANK || \result == DSG_CONF_ERR_UTF8 ||
            \result == DSG_CONF_ERR_CONTROL;
    ensures \result == DSG_CONF_BLANK ==> dsg_conf_no_ctl(s, 0, n);
    ensures \result != DSG_CONF_BLANK ==> *pos < n;
    ensures \result == DSG_CONF_ERR_CONTROL ==> dsg_conf_ctl(s[*pos]); */
static dsg_conf_kind check_bytes(const char *s, size_t n, size_t *pos)
{
    size_t i = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant dsg_conf_no_ctl(s, 0, i);
        loop assigns i;
        loop variant n - i; */
    while (i < n) {
        if (IS_CTL(s[i])) {
            *pos = i;
            return DSG_CONF_ERR_CONTROL;
        }
        size_t k = utf8_len(s, n, i);
        if (k == 0) {
            *pos = i;
            return DSG_CONF_ERR_UTF8;
        }
        i += k;
    }
    return DSG_CONF_BLANK;
}

/* ---- runs of one byte class ---------------------------------------------------- */

#define RUN_BLANK 0
#define RUN_KEY 1
#define RUN_BARE 2

/* The end of the run of bytes of class cls (blanks, key bytes, bare bytes)
 * starting at s[i]. */
/*@ requires i <= n && \valid_read(s + (0 .. n - 1));
    requires cls == RUN_BLANK || cls == RUN_KEY || cls == RUN_BARE;
    assigns \nothing;
    ensures i <= \result <= n;
    ensures cls == RUN_BLANK ==> dsg_conf_all_blank(s, i, \result);
    ensures cls == RUN_KEY ==> \forall integer k; i <= k < \result ==> dsg_conf_keych(s[k]);
    ensures cls == RUN_BARE ==> dsg_conf_all_bare(s, i, \result);
    ensures cls == RUN_BLANK && \result < n ==> !dsg_conf_blank(s[\result]);
    ensures cls == RUN_KEY && \result < n ==> !dsg_conf_keych(s[\result]);
    ensures cls == RUN_BARE && \result < n ==> !dsg_conf_barech(s[\result]); */
static size_t run_of(const char *s, size_t n, size_t i, int cls)
{
    size_t p = i;
    /*@ loop invariant i <= p <= n;
        loop invariant cls == RUN_BLANK ==> dsg_conf_all_blank(s, i, p);
        loop invariant cls == RUN_KEY ==>
                         \forall integer k; i <= k < p ==> dsg_conf_keych(s[k]);
        loop invariant cls == RUN_BARE ==> dsg_conf_all_bare(s, i, p);
        loop assigns p;
        loop variant n - p; */
    while (p < n) {
        char c = s[p];
        int in = (BIT(cls == RUN_BLANK) & IS_BLANK(c)) | (BIT(cls == RUN_KEY) & IS_KEYCH(c)) |
                 (BIT(cls == RUN_BARE) & IS_BARE(c));
        if (in == 0)
            break;
        p++;
    }
    return p;
}

/*@ requires \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures dsg_conf_digit_run(s, \result, n);
    ensures \result == dsg_conf_run(s, 0, n); */
static size_t digits_end(const char *s, size_t n)
{
    size_t p = 0;
    /*@ loop invariant 0 <= p <= n;
        loop invariant dsg_conf_all_digits(s, 0, p);
        loop invariant dsg_conf_run(s, p, n) == dsg_conf_run(s, 0, n);
        loop assigns p;
        loop variant n - p; */
    while (p < n) {
        if (IS_DIGIT(s[p]) == 0)
            break;
        p++;
    }
    return p;
}

/* ---- the key ------------------------------------------------------------------- */

/* Checks that the key bytes s[i..p) follow the segment rules: a letter after
 * every dot, no dot last; else the offset of the first offending byte. */
/*@ requires i < p && \valid_read(s + (0 .. p - 1)) && \valid(pos);
    requires \separated(pos, s + (0 .. p - 1));
    requires dsg_conf_lower(s[i]);
    assigns *pos;
    ensures \result == 0 || \result == 1;
    ensures \result == 0 ==> s[p - 1] != '.' &&
      \forall integer k; i <= k < p - 1 && s[k] == '.' ==> dsg_conf_lower(s[k + 1]);
    ensures \result == 1 ==> i <= *pos < p; */
static int key_segments(const char *s, size_t i, size_t p, size_t *pos)
{
    size_t j = i;
    /*@ loop invariant i <= j <= p;
        loop invariant \forall integer k; i <= k < j && s[k] == '.' ==>
                         k + 1 < p && dsg_conf_lower(s[k + 1]);
        loop assigns j;
        loop variant p - j; */
    while (j < p) {
        if (s[j] == '.') {
            if (j + 1 >= p) {
                *pos = j;
                return 1;
            }
            if (IS_LOWER(s[j + 1]) == 0) {
                *pos = j + 1;
                return 1;
            }
        }
        j++;
    }
    return 0;
}

/* The key starting at s[i] (i < n, not a blank, not '#'): its end in *end,
 * or the error and its offset. */
/*@ requires i < n && \valid_read(s + (0 .. n - 1)) && \valid(end) && \valid(pos);
    requires \separated(end, pos, s + (0 .. n - 1));
    assigns *end, *pos;
    ensures \result == DSG_CONF_SETTING || \result == DSG_CONF_ERR_KEY ||
            \result == DSG_CONF_ERR_KEY_LONG;
    ensures \result == DSG_CONF_SETTING ==> i < *end <= n;
    ensures \result == DSG_CONF_SETTING ==> dsg_conf_key_ok(s, i, *end);
    ensures \result == DSG_CONF_SETTING ==>
              (*end == n || dsg_conf_blank(s[*end]) || s[*end] == '=');
    ensures \result != DSG_CONF_SETTING ==> *pos < n; */
static dsg_conf_kind scan_key(const char *s, size_t n, size_t i, size_t *end, size_t *pos)
{
    if (IS_LOWER(s[i]) == 0) {
        *pos = i;
        return DSG_CONF_ERR_KEY;
    }
    size_t p = run_of(s, n, i, RUN_KEY);
    if (p < n && (IS_BLANK(s[p]) | BIT(s[p] == '=')) == 0) {
        *pos = p;
        return DSG_CONF_ERR_KEY;
    }
    if (key_segments(s, i, p, pos) != 0)
        return DSG_CONF_ERR_KEY;
    if (p - i > DSG_CONF_KEY_MAX) {
        *pos = i + DSG_CONF_KEY_MAX;
        return DSG_CONF_ERR_KEY_LONG;
    }
    *end = p;
    return DSG_CONF_SETTING;
}

/* ---- the value ----------------------------------------------------------------- */

/* The quoted value opening at s[q]: the offset of its closing quote in *end
 * and whether it holds escapes in *esc, or the error and its offset. */
/*@ requires q < n && \valid_read(s + (0 .. n - 1));
    requires \valid(end) && \valid(esc) && \valid(pos);
    requires \separated(end, esc, pos, s + (0 .. n - 1));
    requires s[q] == '"';
    assigns *end, *esc, *pos;
    ensures \result == DSG_CONF_SETTING || \result == DSG_CONF_ERR_ESCAPE ||
            \result == DSG_CONF_ERR_UNTERMINATED;
    ensures \result == DSG_CONF_SETTING ==> q < *end < n && s[*end] == '"';
    ensures \result == DSG_CONF_SETTING ==> *esc == 0 || *esc == 1;
    ensures \result == DSG_CONF_SETTING && *esc == 0 ==>
              dsg_conf_no_backslash(s, q + 1, *end);
    ensures \result != DSG_CONF_SETTING ==> *pos < n; */
static dsg_conf_kind scan_quoted(const char *s, size_t n, size_t q, size_t *end,
                                 uint8_t *esc, size_t *pos)
{
    size_t p = q + 1;
    uint8_t e = 0;
    /*@ loop invariant q + 1 <= p <= n + 1;
        loop invariant p <= n || e == 1;
        loop invariant e == 0 || e == 1;
        loop invariant e == 0 ==> p <= n && dsg_conf_no_backslash(s, q + 1, p);
        loop assigns p, e;
        loop variant n + 1 - p; */
    while (p < n) {
        if (s[p] == '"') {
            *end = p;
            *esc = e;
            return DSG_CONF_SETTING;
        }
        if (s[p] == '\\') {
            if (p + 1 >= n) {
                *pos = q;
                return DSG_CONF_ERR_UNTERMINATED;
            }
            if (s[p + 1] != '"' && s[p + 1] != '\\') {
                *pos = p;
                return DSG_CONF_ERR_ESCAPE;
            }
            e = 1;
            p += 2;
        } else {
            p++;
        }
    }
    *pos = q;
    return DSG_CONF_ERR_UNTERMINATED;
}

/* The value and what follows it, from the first non-blank byte after '='. */
/*@ requires j <= n && \valid_read(s + (0 .. n - 1)) && \valid(out);
    requires \separated(out, s + (0 .. n - 1));
    requires dsg_conf_no_ctl(s, 0, n);
    requires 1 <= j && (j == n || !dsg_conf_blank(s[j]));
    assigns out->val_off, out->val_len, out->quoted, out->escaped, out->err_col;
    ensures \result == DSG_CONF_SETTING || \result == DSG_CONF_ERR_NO_VALUE ||
            \result == DSG_CONF_ERR_ESCAPE || \result == DSG_CONF_ERR_UNTERMINATED ||
            \result == DSG_CONF_ERR_TRAILING;
    ensures \result == DSG_CONF_SETTING ==>
              j <= out->val_off && out->val_off + out->val_len <= n;
    ensures \result == DSG_CONF_SETTING ==> out->err_col == \old(out->err_col);
    ensures \result == DSG_CONF_SETTING ==>
              (out->quoted == 0 || out->quoted == 1) &&
              (out->escaped == 0 || out->escaped == 1);
    ensures \result == DSG_CONF_SETTING && out->quoted == 1 && out->escaped == 0 ==>
              dsg_conf_no_backslash(s, out->val_off, out->val_off + out->val_len);
    ensures \result == DSG_CONF_SETTING && out->quoted == 0 ==>
              out->escaped == 0 && out->val_len >= 1 &&
              dsg_conf_all_bare(s, out->val_off, out->val_off + out->val_len);
    ensures \result == DSG_CONF_SETTING && out->quoted == 1 ==>
              out->val_off >= 1 && s[out->val_off - 1] == '"' &&
              out->val_off + out->val_len < n && s[out->val_off + out->val_len] == '"';
    ensures \result != DSG_CONF_SETTING ==>
              out->err_col <= n &&
              out->val_off == \old(out->val_off) && out->val_len == \old(out->val_len) &&
              out->quoted == \old(out->quoted) && out->escaped == \old(out->escaped); */
static dsg_conf_kind scan_value(const char *s, size_t n, size_t j, dsg_conf_entry *out)
{
    size_t off, vlen, after, pos = 0;
    uint8_t quoted = 0, esc = 0;
    if (j == n || s[j] == '#') {
        out->err_col = j;
        return DSG_CONF_ERR_NO_VALUE;
    }
    if (s[j] == '"') {
        size_t close = 0;
        dsg_conf_kind r = scan_quoted(s, n, j, &close, &esc, &pos);
        if (r != DSG_CONF_SETTING) {
            out->err_col = pos;
            return r;
        }
        quoted = 1;
        off = j + 1;
        vlen = close - off;
        after = close + 1;
    } else {
        size_t e = run_of(s, n, j, RUN_BARE);
        if (e == j) {
            out->err_col = j;
            return DSG_CONF_ERR_NO_VALUE;
        }
        off = j;
        vlen = e - j;
        after = e;
    }
    size_t t = run_of(s, n, after, RUN_BLANK);
    if (t < n && s[t] != '#') {
        out->err_col = t;
        return DSG_CONF_ERR_TRAILING;
    }
    out->val_off = off;
    out->val_len = vlen;
    out->quoted = quoted;
    out->escaped = esc;
    return DSG_CONF_SETTING;
}

/* A setting from its first byte s[i] (not blank, not '#'). */
/*@ requires i < n && \valid_read(s + (0 .. n - 1)) && \valid(out);
    requires \separated(out, s + (0 .. n - 1));
    requires dsg_conf_no_ctl(s, 0, n);
    assigns *out;
    ensures DSG_CONF_SETTING <= \result <= DSG_CONF_ERR_TRAILING;
    ensures \result != DSG_CONF_ERR_UTF8 && \result != DSG_CONF_ERR_CONTROL &&
            \result != DSG_CONF_ERR_TOO_LONG;
    ensures \result != DSG_CONF_SETTING ==>
              out->key_off == \old(out->key_off) && out->key_len == \old(out->key_len) &&
              out->val_off == \old(out->val_off) && out->val_len == \old(out->val_len) &&
              out->quoted == \old(out->quoted) && out->escaped == \old(out->escaped) &&
              out->err_col <= n;
    ensures \result == DSG_CONF_SETTING ==> out->err_col == \old(out->err_col);
    ensures \result == DSG_CONF_SETTING ==> out->key_off == i;
    ensures \result == DSG_CONF_SETTING ==>
              dsg_conf_key_ok(s, out->key_off, out->key_off + out->key_len);
    ensures \result == DSG_CONF_SETTING ==>
              out->key_off + out->key_len < out->val_off &&
              out->val_off + out->val_len <= n;
    ensures \result == DSG_CONF_SETTING ==>
              (out->quoted == 0 || out->quoted == 1) &&
              (out->escaped == 0 || out->escaped == 1);
    ensures \result == DSG_CONF_SETTING && out->quoted == 1 && out->escaped == 0 ==>
              dsg_conf_no_backslash(s, out->val_off, out->val_off + out->val_len);
    ensures \result == DSG_CONF_SETTING && out->quoted == 0 ==>
              out->escaped == 0 && out->val_len >= 1 &&
              dsg_conf_all_bare(s, out->val_off, out->val_off + out->val_len);
    ensures \result == DSG_CONF_SETTING && out->quoted == 1 ==>
              s[out->val_off - 1] == '"' &&
              out->val_off + out->val_len < n && s[out->val_off + out->val_len] == '"'; */
static dsg_conf_kind scan_setting(const char *s, size_t n, size_t i, dsg_conf_entry *out)
{
    size_t kend = 0, pos = 0;
    dsg_conf_kind r = scan_key(s, n, i, &kend, &pos);
    if (r != DSG_CONF_SETTING) {
        out->err_col = pos;
        return r;
    }
    size_t j = run_of(s, n, kend, RUN_BLANK);
    if (j == n || s[j] != '=') {
        out->err_col = j;
        return DSG_CONF_ERR_NO_EQUALS;
    }
    j = run_of(s, n, j + 1, RUN_BLANK);
    r = scan_value(s, n, j, out);
    if (r != DSG_CONF_SETTING)
        return r;
    out->key_off = i;
    out->key_len = kend - i;
    return DSG_CONF_SETTING;
}

dsg_conf_kind dsg_conf_line(const char *line, size_t len, dsg_conf_entry *out)
{
    if (len > DSG_CONF_LINE_MAX) {
        out->err_col = DSG_CONF_LINE_MAX;
        return DSG_CONF_ERR_TOO_LONG;
    }
    size_t n = len;
    if (n >= 1u && line[n - 1u] == '\r')
        n--;   /* the CR of a CRLF line end */
    /*@ assert n == dsg_conf_content(line, len); */
    size_t pos = 0;
    dsg_conf_kind r = check_bytes(line, n, &pos);
    if (r != DSG_CONF_BLANK) {
        out->err_col = pos;
        return r;
    }
    size_t i = run_of(line, n, 0, RUN_BLANK);
    if (i == n || line[i] == '#')
        return DSG_CONF_BLANK;
    return scan_setting(line, n, i, out);
}

/* ---- quoted strings ---------------------------------------------------------- */

/* The unquoted length of raw[0..len), or SYNTAX for a stray backslash. */
/*@ requires \valid_read(raw + (0 .. len - 1)) && \valid(n_out);
    requires \separated(n_out, raw + (0 .. len - 1));
    assigns *n_out;
    ensures \result == DSG_CONF_VAL_OK || \result == DSG_CONF_VAL_SYNTAX;
    ensures \result == DSG_CONF_VAL_OK ==> *n_out <= len;
    ensures dsg_conf_no_backslash(raw, 0, len) ==>
              \result == DSG_CONF_VAL_OK && *n_out == len; */
static dsg_conf_val unquoted_len(const char *raw, size_t len, size_t *n_out)
{
    size_t i = 0, o = 0;
    /*@ loop invariant 0 <= o <= i <= len;
        loop invariant dsg_conf_no_backslash(raw, 0, len) ==> o == i;
        loop assigns i, o;
        loop variant len - i; */
    while (i < len) {
        if (raw[i] == '\\') {
            if (i + 1u >= len || (raw[i + 1u] != '"' && raw[i + 1u] != '\\'))
                return DSG_CONF_VAL_SYNTAX;
            i += 2u;
        } else {
            i++;
        }
        o++;
    }
    *n_out = o;
    return DSG_CONF_VAL_OK;
}

dsg_conf_val dsg_conf_unquote(const char *raw, size_t len, char *buf, size_t cap,
                              size_t *out_len)
{
    size_t need = 0;
    if (unquoted_len(raw, len, &need) != DSG_CONF_VAL_OK)
        return DSG_CONF_VAL_SYNTAX;
    if (need > cap)
        return DSG_CONF_VAL_TOO_LONG;
    size_t i = 0, o = 0;
    /*@ loop invariant 0 <= o <= i <= len;
        loop invariant o <= cap;
        loop invariant dsg_conf_no_backslash(raw, 0, len) ==>
                         o == i && \forall integer k; 0 <= k < o ==> buf[k] == raw[k];
        loop assigns i, o, buf[0 .. cap - 1];
        loop variant len - i; */
    while (i < len && o < cap) {
        char c = raw[i];
        if (c == '\\' && i + 1u < len) {
            c = raw[i + 1u];   /* \" or \\: the escaped byte */
            i += 2u;
        } else {
            i++;
        }
        buf[o] = c;
        o++;
    }
    *out_len = o;
    return DSG_CONF_VAL_OK;
}

/* ---- numbers ------------------------------------------------------------------- */

dsg_conf_val dsg_conf_parse_uint(const char *s, size_t len, uint64_t min, uint64_t max,
                                 uint64_t *out)
{
    if (len == 0u)
        return DSG_CONF_VAL_EMPTY;
    if (digits_end(s, len) != len)
        return DSG_CONF_VAL_SYNTAX;
    if ((BIT(s[0] == '0') & BIT(len > 1u)) != 0)
        return DSG_CONF_VAL_LEADING_ZERO;
    uint64_t v = 0;
    int over = 0;
    size_t i;
    /*@ loop invariant 0 <= i <= len;
        loop invariant over == 0 || over == 1;
        loop invariant over == 0 ==> v == dsg_conf_dec(s, 0, i);
        loop invariant over == 1 ==> dsg_conf_dec(s, 0, i) > UINT64_MAX;
        loop assigns i, v, over;
        loop variant len - i; */
    for (i = 0; i < len; i++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        /* 10 * v + d > 2^64 - 1 exactly when v > U64_TENTH, or v == U64_TENTH and d > 5 */
        over = over | BIT(v > U64_TENTH) | (BIT(v == U64_TENTH) & BIT(d > 5u));
        if (over == 0)
            v = v * 10u + d;
    }
    if (over != 0)
        return DSG_CONF_VAL_OVERFLOW;
    if ((BIT(v < min) | BIT(v > max)) != 0)
        return DSG_CONF_VAL_RANGE;
    *out = v;
    return DSG_CONF_VAL_OK;
}

dsg_conf_val dsg_conf_parse_bool(const char *s, size_t len, int *out)
{
    if (len == 4u) {
        if ((BIT(s[0] == 't') & BIT(s[1] == 'r') & BIT(s[2] == 'u') & BIT(s[3] == 'e')) == 0)
            return DSG_CONF_VAL_SYNTAX;
        *out = 1;
        return DSG_CONF_VAL_OK;
    }
    if (len == 5u) {
        if ((BIT(s[0] == 'f') & BIT(s[1] == 'a') & BIT(s[2] == 'l') & BIT(s[3] == 's') &
             BIT(s[4] == 'e')) == 0)
            return DSG_CONF_VAL_SYNTAX;
        *out = 0;
        return DSG_CONF_VAL_OK;
    }
    return DSG_CONF_VAL_SYNTAX;
}

/* The second ensures names the factors: scaled() requires one of them, and
   CVC4 does not find that by unfolding dsg_conf_ms_unit at the call. */
/*@ requires k <= n && \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures \result == dsg_conf_ms_unit(s, k, n);
    ensures \result == 0 || \result == 1 || \result == 1000 || \result == 60000 ||
            \result == 3600000 || \result == 86400000; */
static uint64_t ms_unit(const char *s, size_t k, size_t n)
{
    if ((BIT(n == k) | BIT(n - k > 2u)) != 0)
        return 0u;
    char c = s[k];
    if (n - k == 2u)
        return (uint64_t)(BIT(c == 'm') & BIT(s[k + 1u] == 's'));
    return 1000u * (uint64_t)BIT(c == 's') + 60000u * (uint64_t)BIT(c == 'm') +
           3600000u * (uint64_t)BIT(c == 'h') + 86400000u * (uint64_t)BIT(c == 'd');
}

/*@ requires k <= n && \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures \result == dsg_conf_size_unit(s, k, n); */
static uint64_t size_unit(const char *s, size_t k, size_t n)
{
    if (n == k)
        return 1u;
    char c = s[k];
    if (n - k == 1u)
        return (uint64_t)BIT(c == 'B');
    if (n - k != 3u)
        return 0u;
    uint64_t kib = (uint64_t)(BIT(s[k + 1u] == 'i') & BIT(s[k + 2u] == 'B'));
    return kib * (1024u * (uint64_t)BIT(c == 'K') + 1048576u * (uint64_t)BIT(c == 'M') +
                  1073741824u * (uint64_t)BIT(c == 'G'));
}

/* v * f, for the factors of the units, unless it exceeds 2^64 - 1. */
/*@ requires f == 1 || f == 1000 || f == 60000 || f == 3600000 || f == 86400000 ||
             f == 1024 || f == 1048576 || f == 1073741824;
    requires \valid(out);
    assigns *out;
    ensures \result == 0 || \result == 1;
    ensures \result == 0 ==> *out == v * f;
    ensures \result == 1 ==> v * f > UINT64_MAX && *out == \old(*out); */
static int scale(uint64_t v, uint64_t f, uint64_t *out)
{
    if (v > UINT64_MAX / f)
        return 1;
    *out = v * f;
    return 0;
}

/* A number with a unit factor f != 0 after its k >= 1 digits. */
/*@ requires 1 <= k && \valid_read(s + (0 .. k - 1)) && \valid(out);
    requires \separated(out, s + (0 .. k - 1));
    requires f == 1 || f == 1000 || f == 60000 || f == 3600000 || f == 86400000 ||
             f == 1024 || f == 1048576 || f == 1073741824;
    assigns *out;
    ensures \result == DSG_CONF_VAL_OK || \result == DSG_CONF_VAL_SYNTAX ||
            \result == DSG_CONF_VAL_LEADING_ZERO ||
            \result == DSG_CONF_VAL_OVERFLOW || \result == DSG_CONF_VAL_RANGE;
    ensures \result != DSG_CONF_VAL_OK ==> *out == \old(*out);
    ensures \result == DSG_CONF_VAL_OK ==>
              min <= *out <= max && *out == dsg_conf_dec(s, 0, k) * f; */
static dsg_conf_val scaled(const char *s, size_t k, uint64_t f,
                           uint64_t min, uint64_t max, uint64_t *out)
{
    uint64_t v = 0, r = 0;
    dsg_conf_val e = dsg_conf_parse_uint(s, k, 0u, UINT64_MAX, &v);
    if (e != DSG_CONF_VAL_OK)
        return e;
    if (scale(v, f, &r) != 0)
        return DSG_CONF_VAL_OVERFLOW;
    if (r < min || r > max)
        return DSG_CONF_VAL_RANGE;
    *out = r;
    return DSG_CONF_VAL_OK;
}

dsg_conf_val dsg_conf_parse_duration(const char *s, size_t len, uint64_t min_ms,
                                     uint64_t max_ms, uint64_t *out)
{
    if (len == 0u)
        return DSG_CONF_VAL_EMPTY;
    size_t k = digits_end(s, len);
    if (k == 0u)
        return DSG_CONF_VAL_SYNTAX;
    uint64_t f = ms_unit(s, k, len);
    if (f == 0u)
        return DSG_CONF_VAL_UNIT;
    return scaled(s, k, f, min_ms, max_ms, out);
}

dsg_conf_val dsg_conf_parse_size(const char *s, size_t len, uint64_t min, uint64_t max,
                                 uint64_t *out)
{
    if (len == 0u)
        return DSG_CONF_VAL_EMPTY;
    size_t k = digits_end(s, len);
    if (k == 0u)
        return DSG_CONF_VAL_SYNTAX;
    uint64_t f = size_unit(s, k, len);
    if (f == 0u)
        return DSG_CONF_VAL_UNIT;
    return scaled(s, k, f, min, max, out);
}
