/*
 * Upload file-name policy of 保護情報共有サービス (DSG spec 4.2.1,
 * 利用不可拡張子一覧): judges a file name the way a Windows terminal would see
 * it, and says whether it is allowed, forbidden (by which extension) or
 * invalid (by which rule).
 *
 * Pure functions over caller-owned memory: no allocation, no I/O, no globals
 * other than the constant baseline table.
 */
#ifndef DSG_NAME_POLICY_H
#define DSG_NAME_POLICY_H

#include <stddef.h>
#include <stdint.h>

/* 255 UTF-16 code units of at most 3 UTF-8 bytes each (a 4-byte sequence is
 * 2 units): no longer name can be within the NTFS limit. */
#define DSG_NAME_MAX_BYTES 765u
#define DSG_NAME_MAX_UTF16 255u
#define DSG_EXT_TEXT_MAX 32u        /* longest extension text, without its dot */
#define DSG_EXT_BASELINE_COUNT 130u /* rows of 利用不可拡張子一覧 */
#define DSG_EXT_EXTRA_MAX 64u       /* extensions an operator may add */

typedef enum dsg_name_verdict {
    DSG_NAME_ALLOWED = 0,
    DSG_NAME_FORBIDDEN = 1,
    DSG_NAME_INVALID = 2
} dsg_name_verdict;

/* Why a name is forbidden or invalid; NONE for an allowed name. */
typedef enum dsg_name_rule {
    DSG_NAME_RULE_NONE = 0,
    DSG_NAME_RULE_EXTENSION,     /* forbidden: ends in a listed extension */
    DSG_NAME_RULE_EMPTY,         /* zero bytes */
    DSG_NAME_RULE_TOO_LONG,      /* over 255 UTF-16 code units */
    DSG_NAME_RULE_UTF8,          /* not well-formed UTF-8 */
    DSG_NAME_RULE_CONTROL,       /* C0/C1 control character or DEL */
    DSG_NAME_RULE_RESERVED_CHAR, /* one of / \ < > : " | ? * */
    DSG_NAME_RULE_BIDI,          /* Unicode bidirectional control */
    DSG_NAME_RULE_DOT,           /* "." or ".." */
    DSG_NAME_RULE_BLANK,         /* nothing left once trailing dots and spaces go */
    DSG_NAME_RULE_DEVICE,        /* CON PRN AUX NUL COM1-9 LPT1-9 */
    DSG_NAME_RULE_POLICY         /* the extra-extension set is malformed */
} dsg_name_rule;

/* One extension: lowercase ASCII text without its leading dot. */
typedef struct dsg_ext {
    uint8_t len;
    uint8_t text[DSG_EXT_TEXT_MAX];
} dsg_ext;

/* Extensions an operator adds to the baseline (it can never remove any). */
typedef struct dsg_ext_set {
    uint32_t count;
    dsg_ext ext[DSG_EXT_EXTRA_MAX];
} dsg_ext_set;

typedef struct dsg_name_result {
    dsg_name_verdict verdict;
    dsg_name_rule rule;
    size_t offset;        /* invalid character: its byte offset in the name */
    const dsg_ext *ext;   /* forbidden: the matched (longest) extension */
    size_t folded_len;    /* code points judged, after stripping */
    /* One byte per code point: ASCII lowercased; ſ ı İ K folded to s i i k;
     * ¹ ² ³ kept as 0xB9 0xB2 0xB3; every other non-ASCII code point 0x80. */
    uint8_t folded[DSG_NAME_MAX_BYTES];
} dsg_name_result;

/* The 130 extensions of 利用不可拡張子一覧, in the spec's order, folded. */
extern const dsg_ext dsg_ext_baseline[DSG_EXT_BASELINE_COUNT];

#include "acsl/name_policy.acsl.h"

/* @relation(REQ-SHARE-004) */
/*@ requires \valid_read(set);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ext_set_ok(set);
*/
__attribute__((warn_unused_result))
int dsg_ext_set_is_valid(const dsg_ext_set *set);

/* @relation(REQ-SHARE-004) */
/*@ requires \valid(set);
    assigns *set;
    ensures set->count == 0 && dsg_ext_set_ok(set);
*/
void dsg_ext_set_init(dsg_ext_set *set);

/* Adds an operator extension ("foo", ".foo", ".Tar.XZ", ".settingcontent-ms"):
 * 1..32 printable ASCII characters other than / \ < > : " | ? * and space,
 * with single inner dots; folded to lowercase. Entries already in the set are
 * never changed. Returns 0 (added, or already present), -1 (malformed text),
 * -2 (set full or malformed). @relation(REQ-SHARE-004) */
/*@ requires \valid(set);
    requires \valid_read(text + (0 .. len - 1));
    requires \separated(set, text + (0 .. len - 1));
    assigns set->count, set->ext[0 .. DSG_EXT_EXTRA_MAX - 1];
    ensures \result == 0 || \result == -1 || \result == -2;
    ensures \result == 0 ==> dsg_ext_set_ok(set);
    ensures \result == 0 ==> \old(set->count) <= set->count <= \old(set->count) + 1;
    ensures \result == 0 ==> dsg_ext_kept{Pre, Post}(set, \old(set->count));
    ensures \result != 0 ==> set->count == \old(set->count);
    ensures \result != 0 ==> dsg_ext_kept{Pre, Post}(set, DSG_EXT_EXTRA_MAX);
*/
__attribute__((warn_unused_result))
int dsg_ext_set_add(dsg_ext_set *set, const uint8_t *text, size_t len);

/* Judges an already folded and stripped name against the baseline and the
 * extra set: the longest matching extension wins.
 * @relation(REQ-SHARE-001, REQ-SHARE-004) */
/*@ requires \valid_read(folded + (0 .. n - 1));
    requires \valid_read(extra);
    requires \valid(match);
    requires \separated(match, extra);
    assigns *match;
    behavior invalid:
      assumes !dsg_ext_set_ok(extra);
      ensures \result == DSG_NAME_INVALID && *match == \null;
    behavior forbidden:
      assumes dsg_ext_set_ok(extra) && dsg_name_hits(folded, n, extra);
      ensures \result == DSG_NAME_FORBIDDEN;
      ensures dsg_ext_in_policy(*match, extra);
      ensures dsg_ext_matches(folded, n, *match);
      ensures dsg_ext_longest(folded, n, extra, (*match)->len);
    behavior allowed:
      assumes dsg_ext_set_ok(extra) && !dsg_name_hits(folded, n, extra);
      ensures \result == DSG_NAME_ALLOWED && *match == \null;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_name_verdict dsg_name_judge(const uint8_t *folded, size_t n,
                                const dsg_ext_set *extra,
                                const dsg_ext **match);

/* Judges one file name (raw bytes, meant to be UTF-8).
 * @relation(REQ-SHARE-001, REQ-SHARE-002, REQ-SHARE-003) */
/*@ requires \valid_read(name + (0 .. len - 1));
    requires \valid_read(extra);
    requires \valid(out);
    requires \separated(out, extra);
    requires \separated(out, name + (0 .. len - 1));
    assigns *out;
    ensures \result == out->verdict;
    ensures out->folded_len <= DSG_NAME_MAX_BYTES;
    ensures \result == DSG_NAME_INVALID <==> out->rule != DSG_NAME_RULE_NONE &&
                                               out->rule != DSG_NAME_RULE_EXTENSION;
    ensures \result == DSG_NAME_FORBIDDEN ==>
              out->rule == DSG_NAME_RULE_EXTENSION &&
              dsg_ext_set_ok(extra) &&
              dsg_name_trimmed(&out->folded[0], out->folded_len) &&
              dsg_ext_in_policy(out->ext, extra) &&
              dsg_ext_matches(&out->folded[0], out->folded_len, out->ext) &&
              dsg_ext_longest(&out->folded[0], out->folded_len, extra, out->ext->len);
    ensures (\result == DSG_NAME_ALLOWED || \result == DSG_NAME_FORBIDDEN) &&
            dsg_ascii_name(name, len) ==>
              out->folded_len <= len &&
              (\forall integer k; 0 <= k < out->folded_len ==>
                  out->folded[k] == dsg_fold_ascii(name[k])) &&
              (\forall integer k; out->folded_len <= k < len ==>
                  name[k] == '.' || name[k] == ' ');
    ensures \result == DSG_NAME_ALLOWED ==>
              out->rule == DSG_NAME_RULE_NONE && out->ext == \null &&
              dsg_ext_set_ok(extra) &&
              dsg_name_trimmed(&out->folded[0], out->folded_len) &&
              !dsg_name_hits(&out->folded[0], out->folded_len, extra);
    behavior empty:
      assumes len == 0;
      ensures \result == DSG_NAME_INVALID && out->rule == DSG_NAME_RULE_EMPTY;
    behavior too_long:
      assumes len > DSG_NAME_MAX_BYTES;
      ensures \result == DSG_NAME_INVALID && out->rule == DSG_NAME_RULE_TOO_LONG;
    behavior forbidden_byte:
      assumes 0 < len <= DSG_NAME_MAX_BYTES;
      assumes \exists integer i; 0 <= i < len && dsg_forbidden_ascii(name[i]);
      ensures \result == DSG_NAME_INVALID;
    behavior judged:
      assumes 0 < len <= DSG_NAME_MAX_BYTES;
      assumes \forall integer i; 0 <= i < len ==> !dsg_forbidden_ascii(name[i]);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_name_verdict dsg_name_check(const uint8_t *name, size_t len,
                                const dsg_ext_set *extra,
                                dsg_name_result *out);

/* A stable, lowercase token for a rule, e.g. "reserved-char".
 * @relation(REQ-SHARE-005) */
/*@ assigns \nothing;
    ensures \valid_read(\result);
*/
const char *dsg_name_rule_token(dsg_name_rule rule);

#endif
