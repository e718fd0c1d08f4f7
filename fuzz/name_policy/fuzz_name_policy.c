/*
 * libFuzzer harness for the upload file-name policy (src/share/name_policy.h).
 *
 * The input is one file name. It is judged with an empty extra set and
 * with a set holding one operator extension, and every result is checked
 * against the contract and against independent models; any disagreement
 * calls abort():
 *  - shape: verdict and rule in range, INVALID <=> rule not NONE/EXTENSION,
 *    ext set exactly when FORBIDDEN, offsets inside the name;
 *  - FORBIDDEN: the entry is in the baseline or the set, the folded name ends
 *    in "." + its text, and no entry that matches is longer;
 *  - ALLOWED: no entry matches the folded name (a plain loop);
 *  - the folded name equals the one built by a reference decoder and folder
 *    written here with a different structure (lead-byte masks, a minimum
 *    code point per length, a table of ranges);
 *  - UTF-8 validity agrees with glibc iconv ("UTF-8" -> "UTF-32LE").
 *    glibc was checked to refuse overlongs (C0 AF, E0 80 AF, F0 80 80 AF),
 *    surrogates (ED A0 80), code points above U+10FFFF (F4 90 80 80, F5..),
 *    5/6-byte forms, lone continuations and truncated sequences, as Unicode
 *    table 3-7 does, so it is used as is; the reference decoder is checked
 *    against it too;
 *  - determinism (a second call gives the same result), and adding an
 *    extension never turns a forbidden or invalid name into an allowed one;
 *  - the input, read as operator text for dsg_ext_set_add, is accepted
 *    exactly when a reference check of the extension syntax accepts it.
 * No heap use survives a run (iconv is opened and closed per input); no
 * globals but constant tables.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "share/name_policy.h"

/* @relation(REQ-SHARE-001, REQ-SHARE-002, REQ-SHARE-003) */
/* @relation(REQ-SHARE-004) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

/* ---- reference model ----------------------------------------------------- */

/* Reference UTF-8 decoder: length of the sequence at s[0..n), or 0. */
static size_t ref_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    static const struct { uint8_t mask, lead; uint32_t min; } form[4] = {
        { 0x80u, 0x00u, 0x0u }, { 0xE0u, 0xC0u, 0x80u },
        { 0xF0u, 0xE0u, 0x800u }, { 0xF8u, 0xF0u, 0x10000u },
    };
    for (size_t len = 1; len <= 4u; len++) {
        if ((s[0] & form[len - 1u].mask) != form[len - 1u].lead)
            continue;
        if (len > n)
            return 0;
        uint32_t c = s[0] & (uint8_t)~form[len - 1u].mask;
        for (size_t k = 1; k < len; k++) {
            if ((s[k] & 0xC0u) != 0x80u)
                return 0;
            c = (c << 6) | (s[k] & 0x3Fu);
        }
        if (c < form[len - 1u].min || c > 0x10FFFFu || (c >= 0xD800u && c <= 0xDFFFu))
            return 0;
        *cp = c;
        return len;
    }
    return 0;
}

/* The rule one code point breaks, from a table of ranges. */
static dsg_name_rule ref_class(uint32_t cp)
{
    static const struct { uint32_t lo, hi; dsg_name_rule rule; } bad[] = {
        { 0x00u, 0x1Fu, DSG_NAME_RULE_CONTROL },    { 0x7Fu, 0x9Fu, DSG_NAME_RULE_CONTROL },
        { '"', '"', DSG_NAME_RULE_RESERVED_CHAR },  { '*', '*', DSG_NAME_RULE_RESERVED_CHAR },
        { '/', '/', DSG_NAME_RULE_RESERVED_CHAR },  { ':', ':', DSG_NAME_RULE_RESERVED_CHAR },
        { '<', '<', DSG_NAME_RULE_RESERVED_CHAR },  { '>', '?', DSG_NAME_RULE_RESERVED_CHAR },
        { '\\', '\\', DSG_NAME_RULE_RESERVED_CHAR }, { '|', '|', DSG_NAME_RULE_RESERVED_CHAR },
        { 0x061Cu, 0x061Cu, DSG_NAME_RULE_BIDI },   { 0x200Eu, 0x200Fu, DSG_NAME_RULE_BIDI },
        { 0x202Au, 0x202Eu, DSG_NAME_RULE_BIDI },   { 0x2066u, 0x2069u, DSG_NAME_RULE_BIDI },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (cp >= bad[i].lo && cp <= bad[i].hi)
            return bad[i].rule;
    return DSG_NAME_RULE_NONE;
}

static uint8_t ref_fold(uint32_t cp)
{
    static const struct { uint32_t cp; uint8_t to; } letters[] = {
        { 0x017Fu, 's' }, { 0x0131u, 'i' }, { 0x0130u, 'i' }, { 0x212Au, 'k' },
        { 0x00B9u, 0xB9u }, { 0x00B2u, 0xB2u }, { 0x00B3u, 0xB3u },
    };
    if (cp >= 'A' && cp <= 'Z')
        return (uint8_t)(cp - 'A' + 'a');
    if (cp < 0x80u)
        return (uint8_t)cp;
    for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
        if (letters[i].cp == cp)
            return letters[i].to;
    return 0x80u;
}

/* What the reference model makes of a name of 1..765 bytes. */
typedef struct ref_scan {
    dsg_name_rule rule;   /* first bad character, or TOO_LONG, or NONE */
    size_t offset;
    size_t n;             /* folded, before stripping */
    size_t units;
    uint8_t folded[DSG_NAME_MAX_BYTES];
} ref_scan;

static void ref_scan_name(const uint8_t *s, size_t len, ref_scan *r)
{
    r->rule = DSG_NAME_RULE_NONE;
    r->offset = 0;
    r->n = 0;
    r->units = 0;
    for (size_t pos = 0; pos < len;) {
        uint32_t cp = 0;
        size_t step = ref_decode(s + pos, len - pos, &cp);
        dsg_name_rule rule = step == 0 ? DSG_NAME_RULE_UTF8 : ref_class(cp);
        if (rule != DSG_NAME_RULE_NONE) {
            r->rule = rule;
            r->offset = pos;
            return;
        }
        r->folded[r->n++] = ref_fold(cp);
        r->units += cp > 0xFFFFu ? 2u : 1u;
        pos += step;
    }
    if (r->units > DSG_NAME_MAX_UTF16)
        r->rule = DSG_NAME_RULE_TOO_LONG;
}

static size_t ref_strip(const uint8_t *f, size_t n)
{
    while (n > 0 && (f[n - 1u] == ' ' || f[n - 1u] == '.'))
        n--;
    return n;
}

static int ref_device(const uint8_t *f, size_t n)
{
    static const char *const names[] = {
        "con", "prn", "aux", "nul",
        "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
        "conin$", "conout$",
        "com\xB9", "com\xB2", "com\xB3", "lpt\xB9", "lpt\xB2", "lpt\xB3",
    };
    const uint8_t *dot = memchr(f, '.', n);
    size_t stem = dot != NULL ? (size_t)(dot - f) : n;
    while (stem > 0 && f[stem - 1u] == ' ')
        stem--;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == stem && memcmp(names[i], f, stem) == 0)
            return 1;
    return 0;
}

/* f[0..n) ends with "." followed by text[0..len). */
static int ends_with_ext(const uint8_t *f, size_t n, const uint8_t *text, size_t len)
{
    return len >= 1 && n >= len + 1u && f[n - len - 1u] == '.' &&
           memcmp(f + n - len, text, len) == 0;
}

/* The longest matching length over the baseline and the set (0: none). */
static size_t ref_longest(const uint8_t *f, size_t n, const dsg_ext_set *set)
{
    size_t best = 0;
    for (size_t i = 0; i < DSG_EXT_BASELINE_COUNT; i++) {
        const dsg_ext *e = &dsg_ext_baseline[i];
        if (ends_with_ext(f, n, e->text, e->len) && e->len > best)
            best = e->len;
    }
    for (size_t i = 0; i < set->count; i++) {
        const dsg_ext *e = &set->ext[i];
        if (ends_with_ext(f, n, e->text, e->len) && e->len > best)
            best = e->len;
    }
    return best;
}

static int in_policy(const dsg_ext *e, const dsg_ext_set *set)
{
    for (size_t i = 0; i < DSG_EXT_BASELINE_COUNT; i++)
        if (e == &dsg_ext_baseline[i])
            return 1;
    for (size_t i = 0; i < set->count; i++)
        if (e == &set->ext[i])
            return 1;
    return 0;
}

/* Operator extension syntax: optional dot, 1..32 printable ASCII characters
 * other than space and / \ < > : " | ? *, with inner single dots. */
static int ref_ext_text_ok(const uint8_t *t, size_t len)
{
    if (len > 0 && t[0] == '.') {
        t++;
        len--;
    }
    if (len < 1 || len > DSG_EXT_TEXT_MAX || t[0] == '.' || t[len - 1u] == '.')
        return 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = t[i];
        int word = c > 0x20u && c < 0x7Fu && c != '.' && !strchr("/\\<>:\"|?*", c);
        if (!word && !(c == '.' && t[i - 1u] != '.'))
            return 0;
    }
    return 1;
}

/* ---- glibc iconv as the UTF-8 oracle ------------------------------------- */

static int iconv_valid(const uint8_t *s, size_t len)
{
    uint8_t out[4u * DSG_NAME_MAX_BYTES + 16u];
    iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
    CHECK(cd != (iconv_t)-1);
    char *in = (char *)(uintptr_t)s;
    char *o = (char *)out;
    size_t inleft = len, outleft = sizeof out;
    size_t rc = iconv(cd, &in, &inleft, &o, &outleft);
    int err = rc == (size_t)-1 ? errno : 0;
    iconv_close(cd);
    CHECK(err != E2BIG);
    return rc != (size_t)-1 && inleft == 0;
}

/* ---- the checks ------------------------------------------------------------ */

static int char_rule(dsg_name_rule r)
{
    return r == DSG_NAME_RULE_UTF8 || r == DSG_NAME_RULE_CONTROL ||
           r == DSG_NAME_RULE_RESERVED_CHAR || r == DSG_NAME_RULE_BIDI;
}

static void check_shape(const dsg_name_result *r, dsg_name_verdict v, size_t size)
{
    CHECK(v == r->verdict);
    CHECK(v == DSG_NAME_ALLOWED || v == DSG_NAME_FORBIDDEN || v == DSG_NAME_INVALID);
    CHECK(r->rule <= DSG_NAME_RULE_POLICY);
    CHECK((v == DSG_NAME_INVALID) ==
          (r->rule != DSG_NAME_RULE_NONE && r->rule != DSG_NAME_RULE_EXTENSION));
    CHECK((v == DSG_NAME_ALLOWED) == (r->rule == DSG_NAME_RULE_NONE));
    CHECK((v == DSG_NAME_FORBIDDEN) == (r->ext != NULL));
    CHECK(r->folded_len <= size && r->folded_len <= DSG_NAME_MAX_BYTES);
    if (v == DSG_NAME_INVALID)
        CHECK(char_rule(r->rule) ? r->offset < size : r->offset == 0);
    CHECK((size == 0) == (r->rule == DSG_NAME_RULE_EMPTY));
    if (size > DSG_NAME_MAX_BYTES)
        CHECK(r->rule == DSG_NAME_RULE_TOO_LONG);
}

static void check_judged(const dsg_name_result *r, const dsg_ext_set *set)
{
    const uint8_t *f = r->folded;
    size_t n = r->folded_len;
    if (r->verdict == DSG_NAME_INVALID)
        return;
    CHECK(n >= 1 && f[n - 1u] != '.' && f[n - 1u] != ' ');
    size_t longest = ref_longest(f, n, set);
    if (r->verdict == DSG_NAME_ALLOWED) {
        CHECK(longest == 0);
        return;
    }
    CHECK(in_policy(r->ext, set));
    CHECK(ends_with_ext(f, n, r->ext->text, r->ext->len));
    CHECK(r->ext->len == longest);
}

/* The module against the reference scan and glibc. */
static void check_model(const uint8_t *data, size_t size, const dsg_name_result *r,
                        const dsg_ext_set *set)
{
    ref_scan ref;
    if (size == 0 || size > DSG_NAME_MAX_BYTES)
        return;
    ref_scan_name(data, size, &ref);
    int whole_ok = iconv_valid(data, size);
    /* the reference decoder and glibc agree on the whole input */
    if (ref.rule == DSG_NAME_RULE_NONE || ref.rule == DSG_NAME_RULE_TOO_LONG)
        CHECK(whole_ok);
    if (ref.rule == DSG_NAME_RULE_UTF8)
        CHECK(!whole_ok);
    if (char_rule(ref.rule))
        CHECK(iconv_valid(data, ref.offset));
    /* the module against glibc */
    if (!whole_ok)
        CHECK(r->verdict == DSG_NAME_INVALID);
    if (r->rule == DSG_NAME_RULE_UTF8)
        CHECK(!whole_ok && iconv_valid(data, r->offset));
    if (char_rule(r->rule))
        CHECK(iconv_valid(data, r->offset));
    if (!char_rule(r->rule))
        CHECK(whole_ok);
    /* the module against the reference scan */
    if (char_rule(ref.rule) || ref.rule == DSG_NAME_RULE_TOO_LONG) {
        CHECK(r->rule == ref.rule && r->offset == ref.offset);
        return;
    }
    CHECK(!char_rule(r->rule) && r->rule != DSG_NAME_RULE_TOO_LONG);
    int dot = (size == 1 && data[0] == '.') || (size == 2 && data[0] == '.' && data[1] == '.');
    CHECK((r->rule == DSG_NAME_RULE_DOT) == dot);
    if (dot)
        return;
    size_t m = ref_strip(ref.folded, ref.n);
    CHECK((r->rule == DSG_NAME_RULE_BLANK) == (m == 0));
    if (m == 0)
        return;
    CHECK((r->rule == DSG_NAME_RULE_DEVICE) == ref_device(ref.folded, m));
    if (r->rule == DSG_NAME_RULE_DEVICE)
        return;
    CHECK((r->rule == DSG_NAME_RULE_POLICY) == !dsg_ext_set_is_valid(set));
    if (r->rule == DSG_NAME_RULE_POLICY)
        return;
    CHECK(r->folded_len == m && memcmp(r->folded, ref.folded, m) == 0);
}

static void same_result(const dsg_name_result *a, const dsg_name_result *b)
{
    CHECK(a->verdict == b->verdict && a->rule == b->rule && a->offset == b->offset);
    CHECK(a->ext == b->ext && a->folded_len == b->folded_len);
    CHECK(memcmp(a->folded, b->folded, a->folded_len) == 0);
}

static void run_one(const uint8_t *data, size_t size, const dsg_ext_set *set,
                    dsg_name_result *r)
{
    dsg_name_result again;
    dsg_name_verdict v = dsg_name_check(data, size, set, r);
    check_shape(r, v, size);
    check_judged(r, set);
    check_model(data, size, r, set);
    dsg_name_verdict v2 = dsg_name_check(data, size, set, &again);
    CHECK(v2 == v);
    same_result(r, &again);
}

/* Adding one extension only ever makes the verdict stricter. */
static void check_monotone(const dsg_name_result *r0, const dsg_name_result *r1,
                           const dsg_ext_set *one)
{
    if (r0->verdict == DSG_NAME_INVALID) {
        CHECK(r1->verdict == DSG_NAME_INVALID && r1->rule == r0->rule &&
              r1->offset == r0->offset);
        return;
    }
    CHECK(r1->folded_len == r0->folded_len &&
          memcmp(r1->folded, r0->folded, r0->folded_len) == 0);
    if (r0->verdict == DSG_NAME_FORBIDDEN)
        CHECK(r1->verdict == DSG_NAME_FORBIDDEN && r1->ext->len >= r0->ext->len);
    else
        CHECK(r1->verdict == DSG_NAME_ALLOWED ||
              (r1->verdict == DSG_NAME_FORBIDDEN && r1->ext == &one->ext[0]));
}

/* The input as operator text for dsg_ext_set_add. */
static void check_ext_text(const uint8_t *data, size_t size)
{
    dsg_ext_set set;
    dsg_name_result r;
    uint8_t name[2u + DSG_EXT_TEXT_MAX];
    if (size > 2u * DSG_EXT_TEXT_MAX)
        return;
    dsg_ext_set_init(&set);
    int rc = dsg_ext_set_add(&set, data, size);
    CHECK(rc == (ref_ext_text_ok(data, size) ? 0 : -1));
    if (rc != 0) {
        CHECK(set.count == 0);
        return;
    }
    CHECK(set.count <= 1u && dsg_ext_set_is_valid(&set));
    size_t skip = data[0] == '.' ? 1u : 0u;
    size_t len = size - skip;
    name[0] = 'x';
    name[1] = '.';
    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[skip + i];
        name[2u + i] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32u) : c;
    }
    if (set.count == 1u) {
        CHECK(set.ext[0].len == len && memcmp(set.ext[0].text, name + 2, len) == 0);
    }
    CHECK(dsg_name_check(name, 2u + len, &set, &r) == DSG_NAME_FORBIDDEN);
    CHECK(r.ext->len == len && memcmp(r.ext->text, name + 2, len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t added[] = ".Tar.XZ";
    dsg_ext_set none, one;
    dsg_name_result r0, r1;
    dsg_ext_set_init(&none);
    dsg_ext_set_init(&one);
    CHECK(dsg_ext_set_add(&one, added, sizeof added - 1u) == 0 && one.count == 1u);
    run_one(data, size, &none, &r0);
    run_one(data, size, &one, &r1);
    check_monotone(&r0, &r1, &one);
    check_ext_text(data, size);
    return 0;
}
