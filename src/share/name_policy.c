/*
 * Upload file-name policy of 保護情報共有サービス (DSG spec 4.2.1).
 * See name_policy.h for the contract; acsl/PROOFS.md for what is proved.
 *
 * A name is judged as a Windows terminal sees it: decoded strictly as UTF-8,
 * every code point checked, letters folded to lowercase (including the
 * non-ASCII letters whose case mapping lands on ASCII), trailing dots and
 * spaces stripped, and the last extension(s) compared with the list.
 */
#include "share/name_policy.h"
#include "core/utf8.h"

#define EXT(s) { (uint8_t)(sizeof(s) - 1u), s }

/* 利用不可拡張子一覧 (DSG spec 4.2.1), column by column as printed. */
const dsg_ext dsg_ext_baseline[DSG_EXT_BASELINE_COUNT] = {
    EXT("ade"), EXT("adp"), EXT("asa"), EXT("ashx"),
    EXT("asmx"), EXT("asp"), EXT("bas"), EXT("bat"),
    EXT("cdx"), EXT("cer"), EXT("chm"), EXT("class"),
    EXT("cmd"), EXT("cnt"), EXT("com"), EXT("config"),
    EXT("cpl"), EXT("crt"), EXT("csh"), EXT("der"),
    EXT("dll"), EXT("eml"), EXT("exe"), EXT("fxp"),
    EXT("gadget"), EXT("grp"), EXT("hlp"), EXT("hpj"),
    EXT("hta"), EXT("htr"), EXT("htw"), EXT("ida"),
    EXT("idc"), EXT("idq"), EXT("ins"), EXT("isp"),
    EXT("its"), EXT("jse"), EXT("json"), EXT("ksh"),
    EXT("lnk"), EXT("mad"), EXT("maf"), EXT("mag"),
    EXT("mam"), EXT("maq"), EXT("mar"), EXT("mas"),
    EXT("mat"), EXT("mau"), EXT("mav"), EXT("maw"),
    EXT("mcf"), EXT("mda"), EXT("mdb"), EXT("mde"),
    EXT("mdt"), EXT("mdw"), EXT("mdz"), EXT("msc"),
    EXT("msg"), EXT("msh"), EXT("msh1"), EXT("msh1xml"),
    EXT("msh2"), EXT("msh2xml"), EXT("mshxml"), EXT("msi"),
    EXT("ms-one-stub"), EXT("msp"), EXT("mst"), EXT("ops"),
    EXT("pcd"), EXT("pif"), EXT("pl"), EXT("prf"),
    EXT("prg"), EXT("printer"), EXT("ps1"), EXT("ps1xml"),
    EXT("ps2"), EXT("ps2xml"), EXT("psc1"), EXT("psc2"),
    EXT("pst"), EXT("reg"), EXT("rem"), EXT("scf"),
    EXT("scr"), EXT("sct"), EXT("shb"), EXT("shs"),
    EXT("shtm"), EXT("shtml"), EXT("soap"), EXT("stm"),
    EXT("svc"), EXT("url"), EXT("vb"), EXT("vbe"),
    EXT("vbs"), EXT("vsix"), EXT("ws"), EXT("wsc"),
    EXT("wsf"), EXT("wsh"), EXT("xamlx"), EXT("7z"),
    EXT("7zip"), EXT("afz"), EXT("bz2"), EXT("bzip"),
    EXT("bzip2"), EXT("cab"), EXT("gz"), EXT("gzip"),
    EXT("hqx"), EXT("lzh"), EXT("rar"), EXT("sea"),
    EXT("sit"), EXT("sitx"), EXT("tar.bz2"), EXT("tar.gz"),
    EXT("tar.z"), EXT("tbz"), EXT("tgz"), EXT("uu"),
    EXT("z"), EXT("zip"),  
};

/* ---- extension entries and sets ------------------------------------- */

/*@ requires \valid_read(e);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ext_ok(e);
*/
static int ext_is_ok(const dsg_ext *e)
{
    return e->len >= 1u && e->len <= DSG_EXT_TEXT_MAX;
}

int dsg_ext_set_is_valid(const dsg_ext_set *set)
{
    if (set->count > DSG_EXT_EXTRA_MAX)
        return 0;
    /*@ loop invariant 0 <= i <= set->count;
        loop invariant \forall integer k; 0 <= k < i ==> dsg_ext_ok(&set->ext[k]);
        loop assigns i;
        loop variant set->count - i;
    */
    for (uint32_t i = 0; i < set->count; i++) {
        if (!ext_is_ok(&set->ext[i]))
            return 0;
    }
    return 1;
}

void dsg_ext_set_init(dsg_ext_set *set)
{
    set->count = 0;
}

/* A character an operator may use in an extension: printable ASCII that
 * Windows allows in a name (no space, none of / \ < > : " | ? *). */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int ext_char_ok(uint8_t c)
{
    if (c <= 0x20u || c >= 0x7Fu)
        return 0;
    switch (c) {
    case '/': case '\\': case '<': case '>': case ':':
    case '"': case '|': case '?': case '*':
        return 0;
    default:
        return 1;
    }
}

/*@ assigns \nothing;
    ensures \result == dsg_fold_ascii(c);
*/
static uint8_t ascii_lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32u) : c;
}

/* Parses operator text into *e: one optional leading dot, then 1..32
 * characters ext_char_ok accepts (folded), not starting or ending with a
 * dot, no "..". */
/*@ requires \valid_read(text + (0 .. len - 1));
    requires \valid(e);
    requires \separated(e, text + (0 .. len - 1));
    assigns *e;
    ensures \result == 0 || \result == -1;
    ensures \result == 0 ==> dsg_ext_ok(e);
*/
static int ext_parse(const uint8_t *text, size_t len, dsg_ext *e)
{
    size_t start = (len > 0u && text[0] == '.') ? 1u : 0u;
    size_t n = len - start;
    if (n < 1u || n > DSG_EXT_TEXT_MAX)
        return -1;
    /*@ loop invariant 0 <= k <= n;
        loop assigns k, e->text[0 .. DSG_EXT_TEXT_MAX - 1];
        loop variant n - k;
    */
    for (size_t k = 0; k < n; k++) {
        uint8_t c = ascii_lower(text[start + k]);
        if (!ext_char_ok(c))
            return -1;
        if (c == '.' && (k == 0u || k + 1u == n || e->text[k - 1u] == '.'))
            return -1;
        e->text[k] = c;
    }
    e->len = (uint8_t)n;
    return 0;
}

/*@ requires \valid_read(a) && \valid_read(b);
    requires dsg_ext_ok(a) && dsg_ext_ok(b);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int ext_equal(const dsg_ext *a, const dsg_ext *b)
{
    if (a->len != b->len)
        return 0;
    /*@ loop invariant 0 <= k <= a->len;
        loop assigns k;
        loop variant a->len - k;
    */
    for (size_t k = 0; k < a->len; k++) {
        if (a->text[k] != b->text[k])
            return 0;
    }
    return 1;
}

/*@ requires \valid_read(table + (0 .. count - 1));
    requires \valid_read(e) && dsg_ext_ok(e);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int ext_listed(const dsg_ext *table, size_t count, const dsg_ext *e)
{
    /*@ loop invariant 0 <= i <= count;
        loop assigns i;
        loop variant count - i;
    */
    for (size_t i = 0; i < count; i++) {
        if (ext_is_ok(&table[i]) && ext_equal(&table[i], e))
            return 1;
    }
    return 0;
}

int dsg_ext_set_add(dsg_ext_set *set, const uint8_t *text, size_t len)
{
    dsg_ext e;
    if (!dsg_ext_set_is_valid(set))
        return -2;
    if (ext_parse(text, len, &e) != 0)
        return -1;
    if (ext_listed(dsg_ext_baseline, DSG_EXT_BASELINE_COUNT, &e) ||
        ext_listed(set->ext, set->count, &e))
        return 0;
    if (set->count >= DSG_EXT_EXTRA_MAX)
        return -2;
    set->ext[set->count] = e;
    set->count++;
    return 0;
}

/* ---- judging a folded name ------------------------------------------- */

/*@ requires \valid_read(e);
    requires \valid_read(f + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ext_matches(f, n, e);
*/
static int ext_matches(const uint8_t *f, size_t n, const dsg_ext *e)
{
    if (!ext_is_ok(e) || (size_t)e->len + 1u > n)
        return 0;
    size_t base = n - e->len;
    if (f[base - 1u] != '.')
        return 0;
    /*@ loop invariant 0 <= k <= e->len;
        loop invariant \forall integer j; 0 <= j < k ==> f[base + j] == e->text[j];
        loop assigns k;
        loop variant e->len - k;
    */
    for (size_t k = 0; k < e->len; k++) {
        if (f[base + k] != e->text[k])
            return 0;
    }
    return 1;
}

/* The longest entry of table[0..count) matching f, or best if none is
 * longer than best. */
/*@ requires \valid_read(table + (0 .. count - 1));
    requires \valid_read(f + (0 .. n - 1));
    requires best == \null || \valid_read(best);
    assigns \nothing;
    ensures \result == best ||
            (\exists integer i; 0 <= i < count && \result == &table[i] &&
                                dsg_ext_matches(f, n, &table[i]));
    ensures best != \null ==> \result != \null && best->len <= \result->len;
    ensures \forall integer i; 0 <= i < count && dsg_ext_matches(f, n, &table[i]) ==>
              \result != \null && table[i].len <= \result->len;
*/
static const dsg_ext *longest_match(const dsg_ext *table, size_t count,
                                    const uint8_t *f, size_t n,
                                    const dsg_ext *best)
{
    const dsg_ext *found = best;
    /*@ loop invariant 0 <= i <= count;
        loop invariant found == best ||
            (\exists integer k; 0 <= k < i && found == &table[k] &&
                                dsg_ext_matches(f, n, &table[k]));
        loop invariant best != \null ==> found != \null && best->len <= found->len;
        loop invariant \forall integer k; 0 <= k < i && dsg_ext_matches(f, n, &table[k]) ==>
            found != \null && table[k].len <= found->len;
        loop assigns i, found;
        loop variant count - i;
    */
    for (size_t i = 0; i < count; i++) {
        if (ext_matches(f, n, &table[i]) &&
            (found == NULL || table[i].len > found->len))
            found = &table[i];
    }
    return found;
}

dsg_name_verdict dsg_name_judge(const uint8_t *folded, size_t n,
                                const dsg_ext_set *extra,
                                const dsg_ext **match)
{
    *match = NULL;
    if (!dsg_ext_set_is_valid(extra))
        return DSG_NAME_INVALID;
    const dsg_ext *in_baseline =
        longest_match(dsg_ext_baseline, DSG_EXT_BASELINE_COUNT, folded, n, NULL);
    const dsg_ext *found =
        longest_match(extra->ext, extra->count, folded, n, in_baseline);
    if (found == NULL)
        return DSG_NAME_ALLOWED;
    *match = found;
    return DSG_NAME_FORBIDDEN;
}

/* ---- decoding and checking a raw name -------------------------------- */

/* The rule a single code point breaks, or NONE. */
/*@ assigns \nothing;
    ensures \result == DSG_NAME_RULE_NONE || \result == DSG_NAME_RULE_CONTROL ||
            \result == DSG_NAME_RULE_RESERVED_CHAR || \result == DSG_NAME_RULE_BIDI;
    ensures cp < 0x80 && dsg_forbidden_ascii(cp) ==> \result != DSG_NAME_RULE_NONE;
*/
static dsg_name_rule code_point_rule(uint32_t cp)
{
    if (cp < 0x20u || cp == 0x7Fu || (cp >= 0x80u && cp <= 0x9Fu))
        return DSG_NAME_RULE_CONTROL;
    switch (cp) {
    case '/': case '\\': case '<': case '>': case ':':
    case '"': case '|': case '?': case '*':
        return DSG_NAME_RULE_RESERVED_CHAR;
    case 0x061Cu:                     /* ARABIC LETTER MARK */
    case 0x200Eu: case 0x200Fu:       /* LRM, RLM */
    case 0x202Au: case 0x202Bu: case 0x202Cu: case 0x202Du: case 0x202Eu:
    case 0x2066u: case 0x2067u: case 0x2068u: case 0x2069u:
        return DSG_NAME_RULE_BIDI;
    default:
        return DSG_NAME_RULE_NONE;
    }
}

/* One byte standing for a code point in the folded name (see the header). */
/*@ assigns \nothing;
    ensures cp < 0x80 ==> \result == dsg_fold_ascii(cp);
*/
static uint8_t code_point_fold(uint32_t cp)
{
    if (cp < 0x80u)
        return ascii_lower((uint8_t)cp);
    switch (cp) {
    case 0x017Fu: return 's';   /* LATIN SMALL LETTER LONG S */
    case 0x0131u: return 'i';   /* LATIN SMALL LETTER DOTLESS I */
    case 0x0130u: return 'i';   /* LATIN CAPITAL LETTER I WITH DOT ABOVE */
    case 0x212Au: return 'k';   /* KELVIN SIGN */
    case 0x00B9u: case 0x00B2u: case 0x00B3u:
        return (uint8_t)cp;     /* superscript 1 2 3: COM¹ is a device name */
    default:
        return 0x80u;
    }
}

/*@ requires \valid(out);
    assigns out->verdict, out->rule, out->offset, out->ext;
    ensures \result == DSG_NAME_INVALID && out->verdict == DSG_NAME_INVALID;
    ensures out->rule == rule && out->offset == offset && out->ext == \null;
*/
static dsg_name_verdict reject(dsg_name_result *out, dsg_name_rule rule, size_t offset)
{
    out->verdict = DSG_NAME_INVALID;
    out->rule = rule;
    out->offset = offset;
    out->ext = NULL;
    return DSG_NAME_INVALID;
}

/* Decodes name, checks every code point and writes the folded name. */
/*@ requires 0 < len <= DSG_NAME_MAX_BYTES;
    requires \valid_read(name + (0 .. len - 1));
    requires \valid(out);
    requires \separated(out, name + (0 .. len - 1));
    assigns out->folded[0 .. DSG_NAME_MAX_BYTES - 1], out->folded_len, out->offset;
    ensures out->folded_len <= len;
    ensures \result == DSG_NAME_RULE_NONE || \result == DSG_NAME_RULE_UTF8 ||
            \result == DSG_NAME_RULE_CONTROL || \result == DSG_NAME_RULE_RESERVED_CHAR ||
            \result == DSG_NAME_RULE_BIDI || \result == DSG_NAME_RULE_TOO_LONG;
    ensures \result == DSG_NAME_RULE_NONE ==>
              \forall integer k; 0 <= k < len ==> !dsg_forbidden_ascii(name[k]);
    ensures \result == DSG_NAME_RULE_NONE && dsg_ascii_name(name, len) ==>
              out->folded_len == len &&
              \forall integer k; 0 <= k < len ==> out->folded[k] == dsg_fold_ascii(name[k]);
*/
static dsg_name_rule scan_name(const uint8_t *name, size_t len, dsg_name_result *out)
{
    size_t pos = 0, n = 0, units = 0;
    out->folded_len = 0;
    out->offset = 0;
    /*@ loop invariant 0 <= n <= pos <= len;
        loop invariant units <= 2 * n;
        loop invariant \forall integer k; 0 <= k < pos ==> !dsg_forbidden_ascii(name[k]);
        loop invariant dsg_ascii_name(name, pos) ==>
            n == pos && \forall integer k; 0 <= k < n ==> out->folded[k] == dsg_fold_ascii(name[k]);
        loop assigns pos, n, units, out->folded[0 .. DSG_NAME_MAX_BYTES - 1], out->offset;
        loop variant len - pos;
    */
    while (pos < len) {
        uint32_t cp = 0;
        size_t step = dsg_utf8_decode(name, len, pos, &cp);
        if (step == 0u) {
            out->offset = pos;
            return DSG_NAME_RULE_UTF8;
        }
        dsg_name_rule rule = code_point_rule(cp);
        if (rule != DSG_NAME_RULE_NONE) {
            out->offset = pos;
            return rule;
        }
        out->folded[n] = code_point_fold(cp);
        n++;
        units += cp >= 0x10000u ? 2u : 1u;
        pos += step;
    }
    out->folded_len = n;
    if (units > DSG_NAME_MAX_UTF16)
        return DSG_NAME_RULE_TOO_LONG;
    return DSG_NAME_RULE_NONE;
}

/*@ requires \valid_read(name + (0 .. len - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int is_dot_name(const uint8_t *name, size_t len)
{
    return (len == 1u && name[0] == '.') ||
           (len == 2u && name[0] == '.' && name[1] == '.');
}

/* Length of f once trailing dots and spaces are stripped, as Windows does. */
/*@ requires \valid_read(f + (0 .. n - 1));
    assigns \nothing;
    ensures 0 <= \result <= n;
    ensures \result > 0 ==> dsg_name_trimmed(f, \result);
    ensures \forall integer k; \result <= k < n ==> f[k] == '.' || f[k] == ' ';
*/
static size_t stripped_len(const uint8_t *f, size_t n)
{
    size_t m = n;
    /*@ loop invariant 0 <= m <= n;
        loop invariant \forall integer k; m <= k < n ==> f[k] == '.' || f[k] == ' ';
        loop assigns m;
        loop variant m;
    */
    while (m > 0u && (f[m - 1u] == '.' || f[m - 1u] == ' '))
        m--;
    return m;
}

/*@ requires \valid_read(f + (0 .. 2));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int starts3(const uint8_t *f, uint8_t a, uint8_t b, uint8_t c)
{
    return f[0] == a && f[1] == b && f[2] == c;
}

/* CON PRN AUX NUL COM0-9 LPT0-9 (and COM¹²³ LPT¹²³), CONIN$ and CONOUT$,
 * alone or before an extension, trailing spaces of the stem ignored:
 * Windows opens the device or the console (Microsoft, "Naming Files, Paths,
 * and Namespaces"; CreateFile for the console names). */
/*@ requires \valid_read(f + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int is_device_name(const uint8_t *f, size_t n)
{
    size_t stem = 0;
    /*@ loop invariant 0 <= stem <= n;
        loop assigns stem;
        loop variant n - stem;
    */
    while (stem < n && f[stem] != '.')
        stem++;
    /*@ loop invariant 0 <= stem <= n;
        loop assigns stem;
        loop variant stem;
    */
    while (stem > 0u && f[stem - 1u] == ' ')
        stem--;
    if (stem == 3u)
        return starts3(f, 'c', 'o', 'n') || starts3(f, 'p', 'r', 'n') ||
               starts3(f, 'a', 'u', 'x') || starts3(f, 'n', 'u', 'l');
    if (stem == 4u && (starts3(f, 'c', 'o', 'm') || starts3(f, 'l', 'p', 't')))
        return (f[3] >= '0' && f[3] <= '9') ||
               f[3] == 0xB9u || f[3] == 0xB2u || f[3] == 0xB3u;
    if (stem == 6u)
        return starts3(f, 'c', 'o', 'n') && starts3(f + 3, 'i', 'n', '$');
    if (stem == 7u)
        return starts3(f, 'c', 'o', 'n') && starts3(f + 3, 'o', 'u', 't') && f[6] == '$';
    return 0;
}

dsg_name_verdict dsg_name_check(const uint8_t *name, size_t len,
                                const dsg_ext_set *extra,
                                dsg_name_result *out)
{
    out->folded_len = 0;
    if (len == 0u)
        return reject(out, DSG_NAME_RULE_EMPTY, 0);
    if (len > DSG_NAME_MAX_BYTES)
        return reject(out, DSG_NAME_RULE_TOO_LONG, 0);
    dsg_name_rule rule = scan_name(name, len, out);
    if (rule != DSG_NAME_RULE_NONE)
        return reject(out, rule, out->offset);
    if (is_dot_name(name, len))
        return reject(out, DSG_NAME_RULE_DOT, 0);
    out->folded_len = stripped_len(out->folded, out->folded_len);
    if (out->folded_len == 0u)
        return reject(out, DSG_NAME_RULE_BLANK, 0);
    if (is_device_name(out->folded, out->folded_len))
        return reject(out, DSG_NAME_RULE_DEVICE, 0);
    const dsg_ext *match = NULL;
    dsg_name_verdict verdict = dsg_name_judge(out->folded, out->folded_len, extra, &match);
    if (verdict == DSG_NAME_INVALID)
        return reject(out, DSG_NAME_RULE_POLICY, 0);
    out->verdict = verdict;
    out->rule = verdict == DSG_NAME_FORBIDDEN ? DSG_NAME_RULE_EXTENSION : DSG_NAME_RULE_NONE;
    out->offset = 0;
    out->ext = match;
    return verdict;
}

const char *dsg_name_rule_token(dsg_name_rule rule)
{
    switch (rule) {
    case DSG_NAME_RULE_NONE:          return "ok";
    case DSG_NAME_RULE_EXTENSION:     return "extension";
    case DSG_NAME_RULE_EMPTY:         return "empty";
    case DSG_NAME_RULE_TOO_LONG:      return "too-long";
    case DSG_NAME_RULE_UTF8:          return "bad-utf8";
    case DSG_NAME_RULE_CONTROL:       return "control-char";
    case DSG_NAME_RULE_RESERVED_CHAR: return "reserved-char";
    case DSG_NAME_RULE_BIDI:          return "bidi-control";
    case DSG_NAME_RULE_DOT:           return "dot-name";
    case DSG_NAME_RULE_BLANK:         return "blank";
    case DSG_NAME_RULE_DEVICE:        return "device-name";
    case DSG_NAME_RULE_POLICY:        return "bad-policy";
    default:                          return "unknown";
    }
}
