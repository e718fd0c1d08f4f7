/*
 * The lexical core of the configuration file dsgd.conf (REQ-RUN-027, the
 * proved parser of REQ-RUN-018): one line at a time, and the typed values.
 *
 * Grammar (docs/config.md has the full text):
 *
 *   file    = *(line LF)           UTF-8; a CR right before the LF is ignored
 *   line    = blanks [ "#" *any ]                     a blank or comment line
 *           / blanks key blanks "=" blanks value blanks [ "#" *any ]
 *   blanks  = *(SP / TAB)
 *   key     = segment *("." segment)                  at most 64 bytes
 *   segment = [a-z] *[a-z0-9_]
 *   value   = 1*bare / DQUOTE *(qchar / "\" DQUOTE / "\\") DQUOTE
 *   bare    = any byte but SP TAB # " = and the controls
 *   qchar   = any byte but " and \ and the controls
 *
 * No byte of a line may be a C0 control other than TAB, or DEL; a line is
 * at most DSG_CONF_LINE_MAX bytes (without its LF).
 *
 * Pure functions over caller-owned memory: no allocation, no I/O, no
 * globals.
 */
#ifndef DSG_CONF_LEX_H
#define DSG_CONF_LEX_H

#include <stddef.h>
#include <stdint.h>

#define DSG_CONF_LINE_MAX 4096u  /* bytes of a line, without its LF */
#define DSG_CONF_KEY_MAX 64u     /* bytes of a key */

/* What dsg_conf_line says about a line: BLANK, SETTING or the rule broken. */
typedef enum dsg_conf_kind {
    DSG_CONF_BLANK = 0,             /* blank or comment line */
    DSG_CONF_SETTING = 1,           /* key = value */
    DSG_CONF_ERR_TOO_LONG = 2,      /* more than DSG_CONF_LINE_MAX bytes */
    DSG_CONF_ERR_UTF8 = 3,          /* not well-formed UTF-8 */
    DSG_CONF_ERR_CONTROL = 4,       /* a control byte other than TAB (or a CR not last) */
    DSG_CONF_ERR_KEY = 5,           /* a key that breaks the key grammar */
    DSG_CONF_ERR_KEY_LONG = 6,      /* a key longer than DSG_CONF_KEY_MAX */
    DSG_CONF_ERR_NO_EQUALS = 7,     /* no '=' after the key */
    DSG_CONF_ERR_NO_VALUE = 8,      /* nothing after the '=' */
    DSG_CONF_ERR_ESCAPE = 9,        /* a backslash not followed by '"' or '\' */
    DSG_CONF_ERR_UNTERMINATED = 10, /* a quoted value without its closing quote */
    DSG_CONF_ERR_TRAILING = 11      /* something other than a comment after the value */
} dsg_conf_kind;

/* A classified line. Offsets are byte offsets into the line. */
typedef struct dsg_conf_entry {
    size_t key_off, key_len;   /* SETTING: the key */
    size_t val_off, val_len;   /* SETTING: the value (quoted: between the quotes) */
    uint8_t quoted;            /* SETTING: 1 if the value was double-quoted */
    uint8_t escaped;           /* SETTING: 1 if the quoted value holds \" or \\ */
    size_t err_col;            /* error: offset of the first offending byte */
} dsg_conf_entry;

/* What a typed value parser says. */
typedef enum dsg_conf_val {
    DSG_CONF_VAL_OK = 0,
    DSG_CONF_VAL_EMPTY = 1,        /* no digits / empty text */
    DSG_CONF_VAL_SYNTAX = 2,       /* not a number, not true/false, bad escape */
    DSG_CONF_VAL_LEADING_ZERO = 3, /* "007" */
    DSG_CONF_VAL_OVERFLOW = 4,     /* does not fit in 64 bits */
    DSG_CONF_VAL_RANGE = 5,        /* outside [min, max] */
    DSG_CONF_VAL_UNIT = 6,         /* missing or unknown unit */
    DSG_CONF_VAL_TOO_LONG = 7      /* unquote: the output buffer is too small */
} dsg_conf_val;

#include "acsl/conf_lex.acsl.h"

/*@ logic integer dsg_conf_content{L}(char *line, integer len) =
      len >= 1 && line[len - 1] == '\r' ? len - 1 : len;
*/

/* Classifies one line (without its LF; a final CR is ignored). On SETTING
 * fills the key and value slices; on an error writes only err_col; on
 * BLANK writes nothing. @relation(REQ-RUN-027, REQ-RUN-018) */
/*@ requires \valid_read(line + (0 .. len - 1));
    requires \valid(out);
    requires \separated(out, line + (0 .. len - 1));
    assigns *out;
    ensures DSG_CONF_BLANK <= \result <= DSG_CONF_ERR_TRAILING;
    ensures \result != DSG_CONF_SETTING ==>
              out->key_off == \old(out->key_off) && out->key_len == \old(out->key_len) &&
              out->val_off == \old(out->val_off) && out->val_len == \old(out->val_len) &&
              out->quoted == \old(out->quoted) && out->escaped == \old(out->escaped);
    ensures \result <= DSG_CONF_SETTING ==> out->err_col == \old(out->err_col);
    ensures \result >= DSG_CONF_ERR_TOO_LONG ==> out->err_col <= len;
    ensures \result == DSG_CONF_BLANK ==>
              dsg_conf_blank_line(line, dsg_conf_content(line, len));
    ensures \result == DSG_CONF_SETTING ==> dsg_conf_all_blank(line, 0, out->key_off);
    ensures \result == DSG_CONF_SETTING ==>
              dsg_conf_key_ok(line, out->key_off, out->key_off + out->key_len);
    ensures \result == DSG_CONF_SETTING ==>
              out->key_off + out->key_len < out->val_off &&
              out->val_off + out->val_len <= dsg_conf_content(line, len);
    ensures \result == DSG_CONF_SETTING ==>
              (out->quoted == 0 || out->quoted == 1) &&
              (out->escaped == 0 || out->escaped == 1);
    ensures \result == DSG_CONF_SETTING && out->quoted == 0 ==>
              out->escaped == 0 && out->val_len >= 1 &&
              dsg_conf_all_bare(line, out->val_off, out->val_off + out->val_len);
    ensures \result == DSG_CONF_SETTING && out->quoted == 1 ==>
              line[out->val_off - 1] == '"' &&
              out->val_off + out->val_len < dsg_conf_content(line, len) &&
              line[out->val_off + out->val_len] == '"';
    ensures \result == DSG_CONF_SETTING && out->quoted == 1 && out->escaped == 0 ==>
              dsg_conf_no_backslash(line, out->val_off, out->val_off + out->val_len);
    behavior too_long:
      assumes len > DSG_CONF_LINE_MAX;
      ensures \result == DSG_CONF_ERR_TOO_LONG && out->err_col == DSG_CONF_LINE_MAX;
    behavior control:
      assumes len <= DSG_CONF_LINE_MAX;
      assumes !dsg_conf_no_ctl(line, 0, dsg_conf_content(line, len));
      ensures \result == DSG_CONF_ERR_CONTROL || \result == DSG_CONF_ERR_UTF8;
    behavior clean:
      assumes len <= DSG_CONF_LINE_MAX;
      assumes dsg_conf_no_ctl(line, 0, dsg_conf_content(line, len));
      ensures \result != DSG_CONF_ERR_TOO_LONG && \result != DSG_CONF_ERR_CONTROL;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_conf_kind dsg_conf_line(const char *line, size_t len, dsg_conf_entry *out);

/* Copies the raw text between the quotes of a quoted value into buf,
 * resolving \" and \\; *out_len gets the bytes written. Returns OK, SYNTAX
 * (a backslash before anything else, or last) or TOO_LONG (more than cap
 * bytes); on an error nothing is written. @relation(REQ-RUN-027) */
/*@ requires \valid_read(raw + (0 .. len - 1));
    requires \valid(buf + (0 .. cap - 1));
    requires \valid(out_len);
    requires \separated(buf + (0 .. cap - 1), raw + (0 .. len - 1), out_len);
    requires \separated(out_len, raw + (0 .. len - 1));
    assigns buf[0 .. cap - 1], *out_len;
    ensures \result == DSG_CONF_VAL_OK || \result == DSG_CONF_VAL_SYNTAX ||
            \result == DSG_CONF_VAL_TOO_LONG;
    ensures \result == DSG_CONF_VAL_OK ==> *out_len <= len && *out_len <= cap;
    ensures \result != DSG_CONF_VAL_OK ==> *out_len == \old(*out_len) &&
              \forall integer k; 0 <= k < cap ==> buf[k] == \old(buf[k]);
    ensures dsg_conf_no_backslash(raw, 0, len) && len <= cap ==>
              \result == DSG_CONF_VAL_OK && *out_len == len &&
              \forall integer k; 0 <= k < len ==> buf[k] == raw[k];
*/
__attribute__((warn_unused_result))
dsg_conf_val dsg_conf_unquote(const char *raw, size_t len, char *buf, size_t cap,
                              size_t *out_len);

/* An unsigned decimal integer: digits only, no sign, no leading zero but
 * "0" itself, at most 2^64 - 1, within [min, max]. *out is written only on
 * OK. @relation(REQ-RUN-027) */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(out);
    requires \separated(out, s + (0 .. len - 1));
    assigns *out;
    ensures \result == DSG_CONF_VAL_OK || \result == DSG_CONF_VAL_EMPTY ||
            \result == DSG_CONF_VAL_SYNTAX || \result == DSG_CONF_VAL_LEADING_ZERO ||
            \result == DSG_CONF_VAL_OVERFLOW || \result == DSG_CONF_VAL_RANGE;
    ensures \result != DSG_CONF_VAL_OK ==> *out == \old(*out);
    ensures \result == DSG_CONF_VAL_OK ==>
              len >= 1 && dsg_conf_all_digits(s, 0, len) &&
              (s[0] != '0' || len == 1) &&
              *out == dsg_conf_dec(s, 0, len) && min <= *out <= max;
    behavior empty:
      assumes len == 0;
      ensures \result == DSG_CONF_VAL_EMPTY;
    behavior not_digits:
      assumes len >= 1 && !dsg_conf_all_digits(s, 0, len);
      ensures \result == DSG_CONF_VAL_SYNTAX;
    behavior leading_zero:
      assumes len >= 2 && dsg_conf_all_digits(s, 0, len) && s[0] == '0';
      ensures \result == DSG_CONF_VAL_LEADING_ZERO;
    behavior number:
      assumes len >= 1 && dsg_conf_all_digits(s, 0, len) && (s[0] != '0' || len == 1);
      ensures dsg_conf_dec(s, 0, len) > UINT64_MAX ==> \result == DSG_CONF_VAL_OVERFLOW;
      ensures dsg_conf_dec(s, 0, len) <= UINT64_MAX &&
              (dsg_conf_dec(s, 0, len) < min || dsg_conf_dec(s, 0, len) > max) ==>
                \result == DSG_CONF_VAL_RANGE;
      ensures min <= dsg_conf_dec(s, 0, len) <= max ==> \result == DSG_CONF_VAL_OK;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_conf_val dsg_conf_parse_uint(const char *s, size_t len, uint64_t min, uint64_t max,
                                 uint64_t *out);

/* Exactly "true" (1) or "false" (0). @relation(REQ-RUN-027) */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(out);
    requires \separated(out, s + (0 .. len - 1));
    assigns *out;
    ensures \result == DSG_CONF_VAL_OK || \result == DSG_CONF_VAL_SYNTAX;
    ensures \result != DSG_CONF_VAL_OK ==> *out == \old(*out);
    behavior is_true:
      assumes len == 4 && s[0] == 't' && s[1] == 'r' && s[2] == 'u' && s[3] == 'e';
      ensures \result == DSG_CONF_VAL_OK && *out == 1;
    behavior is_false:
      assumes len == 5 && s[0] == 'f' && s[1] == 'a' && s[2] == 'l' && s[3] == 's' &&
              s[4] == 'e';
      ensures \result == DSG_CONF_VAL_OK && *out == 0;
    behavior other:
      assumes !(len == 4 && s[0] == 't' && s[1] == 'r' && s[2] == 'u' && s[3] == 'e');
      assumes !(len == 5 && s[0] == 'f' && s[1] == 'a' && s[2] == 'l' && s[3] == 's' &&
                s[4] == 'e');
      ensures \result == DSG_CONF_VAL_SYNTAX;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_conf_val dsg_conf_parse_bool(const char *s, size_t len, int *out);

/* A duration: decimal digits (as dsg_conf_parse_uint) and a unit ms, s, m,
 * h or d, in milliseconds within [min_ms, max_ms]. @relation(REQ-RUN-027) */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(out);
    requires \separated(out, s + (0 .. len - 1));
    assigns *out;
    ensures \result == DSG_CONF_VAL_OK || \result == DSG_CONF_VAL_EMPTY ||
            \result == DSG_CONF_VAL_SYNTAX || \result == DSG_CONF_VAL_LEADING_ZERO ||
            \result == DSG_CONF_VAL_OVERFLOW || \result == DSG_CONF_VAL_RANGE ||
            \result == DSG_CONF_VAL_UNIT;
    ensures \result != DSG_CONF_VAL_OK ==> *out == \old(*out);
    ensures \result == DSG_CONF_VAL_OK ==> min_ms <= *out <= max_ms;
    ensures \result == DSG_CONF_VAL_OK ==> dsg_conf_run(s, 0, len) >= 1;
    ensures \result == DSG_CONF_VAL_OK ==>
              dsg_conf_ms_unit(s, dsg_conf_run(s, 0, len), len) != 0;
    ensures \result == DSG_CONF_VAL_OK ==>
              *out == dsg_conf_dec(s, 0, dsg_conf_run(s, 0, len)) *
                      dsg_conf_ms_unit(s, dsg_conf_run(s, 0, len), len);
*/
__attribute__((warn_unused_result))
dsg_conf_val dsg_conf_parse_duration(const char *s, size_t len, uint64_t min_ms,
                                     uint64_t max_ms, uint64_t *out);

/* A size: decimal digits (as dsg_conf_parse_uint) and an optional unit B,
 * KiB, MiB or GiB (none: bytes), in bytes within [min, max].
 * @relation(REQ-RUN-027) */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(out);
    requires \separated(out, s + (0 .. len - 1));
    assigns *out;
    ensures \result == DSG_CONF_VAL_OK || \result == DSG_CONF_VAL_EMPTY ||
            \result == DSG_CONF_VAL_SYNTAX || \result == DSG_CONF_VAL_LEADING_ZERO ||
            \result == DSG_CONF_VAL_OVERFLOW || \result == DSG_CONF_VAL_RANGE ||
            \result == DSG_CONF_VAL_UNIT;
    ensures \result != DSG_CONF_VAL_OK ==> *out == \old(*out);
    ensures \result == DSG_CONF_VAL_OK ==> min <= *out <= max;
    ensures \result == DSG_CONF_VAL_OK ==> dsg_conf_run(s, 0, len) >= 1;
    ensures \result == DSG_CONF_VAL_OK ==>
              dsg_conf_size_unit(s, dsg_conf_run(s, 0, len), len) != 0;
    ensures \result == DSG_CONF_VAL_OK ==>
              *out == dsg_conf_dec(s, 0, dsg_conf_run(s, 0, len)) *
                      dsg_conf_size_unit(s, dsg_conf_run(s, 0, len), len);
*/
__attribute__((warn_unused_result))
dsg_conf_val dsg_conf_parse_size(const char *s, size_t len, uint64_t min, uint64_t max,
                                 uint64_t *out);

#endif
