/*
 * The backup manifest (REQ-BKUP-017): the text that lists every member of
 * a backup, parsed strictly and written canonically. The format is in
 * docs/backup.md ("The manifest"); in short, LF-terminated lines, one
 * space between fields, in this order:
 *
 *   dsg-backup-manifest 1
 *   id YYYYMMDDTHHMMSSZ
 *   created YYYY-MM-DDTHH:MM:SS.mmmZ
 *   dsg MAJOR.MINOR.PATCH
 *   depends YYYYMMDDTHHMMSSZ                      (0..32, ascending, < id)
 *   role ROLE YYYY-MM-DDTHH:MM:SS.mmmZ schema N   (1..9, in role order)
 *   member ROLE NAME SIZE SHA256HEX               (0.., by role then name)
 *   end
 *
 * Roles are the fixed list dsg_bkm_role; a member's role must have its
 * role line. A NAME is 1..255 bytes of [A-Za-z0-9._-] and "/", read as
 * "/"-separated segments: none empty (no "/" first or last, no "//"), none
 * starting with "." (so no "." or ".." segment), and no ".." anywhere.
 * Each segment is thus free of "/", "..", NUL, control bytes and "\".
 * Numbers are decimal without leading zeros (SIZE <= 2^63-1, the version
 * parts and N <= 2^31-1); digests 64 lowercase hex digits; dates and times
 * valid in the Gregorian calendar (UTC, no leap second).
 *
 * dsg_bkm_parse reads the manifest into the caller's head and member
 * array; member names and digests stay in the caller's buffer (offsets).
 * Anything else is refused with an error and the offset of the first byte
 * that breaks the grammar (the input's length when it ends too early; the
 * start of the line for a line of the wrong kind or order, and for one
 * too many; DSG_BKM_TEXT_MAX for a text longer than that). Strict order
 * makes the text of a manifest unique:
 * dsg_bkm_write gives it back, so parse(write(m)) == m.
 *
 * Pure functions over caller-owned memory: no allocation, no I/O, no
 * globals other than a constant table.
 */
#ifndef DSG_BKUP_MANIFEST_H
#define DSG_BKUP_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#define DSG_BKM_ID_LEN 16u          /* YYYYMMDDTHHMMSSZ */
#define DSG_BKM_TIME_LEN 24u        /* YYYY-MM-DDTHH:MM:SS.mmmZ */
#define DSG_BKM_NAME_MAX 255u
#define DSG_BKM_DEPENDS_MAX 32u
#define DSG_BKM_MEMBERS_MAX 1000000u
#define DSG_BKM_NUM_MAX 2147483647u  /* version parts and schema */
#define DSG_BKM_SIZE_MAX 9223372036854775807ull
#define DSG_BKM_DIGEST_HEX 64u      /* a SHA-256 in lowercase hex digits */
#define DSG_BKM_LINE_MAX 357u       /* the longest line the grammar allows, LF included */
#define DSG_BKM_TEXT_MAX 1073741824u /* 1 GiB: a manifest's length, so offsets fit 32 bits */

/* The roles a backup holds, in the order of the manifest (alphabetical). */
typedef enum dsg_bkm_role {
    DSG_BKM_ROLE_AUTH = 0,
    DSG_BKM_ROLE_EDGE = 1,
    DSG_BKM_ROLE_ENDPOINT = 2,
    DSG_BKM_ROLE_LOGD = 3,
    DSG_BKM_ROLE_MASTER = 4,
    DSG_BKM_ROLE_NOC = 5,
    DSG_BKM_ROLE_PORTAL = 6,
    DSG_BKM_ROLE_SHARE = 7,
    DSG_BKM_ROLE_SOC = 8
} dsg_bkm_role;
#define DSG_BKM_ROLES 9u

/* Everything but the members. Times and IDs are their text, as read. */
typedef struct dsg_bkm_head {
    uint8_t id[DSG_BKM_ID_LEN];
    uint8_t created[DSG_BKM_TIME_LEN];
    uint32_t dsg_major, dsg_minor, dsg_patch;
    size_t ndepends;
    uint8_t depends[DSG_BKM_DEPENDS_MAX][DSG_BKM_ID_LEN];
    uint8_t role_seen[DSG_BKM_ROLES];               /* 1: the role has its line */
    uint8_t role_time[DSG_BKM_ROLES][DSG_BKM_TIME_LEN];
    uint32_t role_schema[DSG_BKM_ROLES];
} dsg_bkm_head;

/* One member: its name is s[name_off .. name_off + name_len), its SHA-256
 * the hex digits s[digest_off .. digest_off + DSG_BKM_DIGEST_HEX). The
 * offsets are 32 bits wide: a manifest is at most DSG_BKM_TEXT_MAX bytes. */
typedef struct dsg_bkm_member {
    uint32_t role;
    uint32_t name_off;
    uint32_t name_len;
    int64_t size;
    uint32_t digest_off;
} dsg_bkm_member;

typedef enum dsg_bkm_status {
    DSG_BKM_OK = 0,
    DSG_BKM_ERR_HEADER = 1,      /* not "dsg-backup-manifest 1" LF */
    DSG_BKM_ERR_LINE = 2,        /* a line of an unknown kind or out of order */
    DSG_BKM_ERR_SYNTAX = 3,      /* no SP or LF where one must be */
    DSG_BKM_ERR_ID = 4,          /* a malformed backup ID */
    DSG_BKM_ERR_TIME = 5,        /* a malformed time */
    DSG_BKM_ERR_NUMBER = 6,      /* no digit, a leading zero, above the limit */
    DSG_BKM_ERR_ROLE = 7,        /* not a role of the list */
    DSG_BKM_ERR_ORDER = 8,       /* depends, role or member lines out of order */
    DSG_BKM_ERR_DUPLICATE = 9,   /* a role or a member (role and name) twice */
    DSG_BKM_ERR_UNDECLARED = 10, /* a member of a role without its role line */
    DSG_BKM_ERR_NAME = 11,       /* a member name outside the grammar */
    DSG_BKM_ERR_DIGEST = 12,     /* not 64 lowercase hex digits */
    DSG_BKM_ERR_TOO_MANY = 13,   /* more depends or members than allowed */
    DSG_BKM_ERR_TRAILING = 14,   /* bytes after "end" LF */
    DSG_BKM_ERR_TOO_LONG = 15,   /* more than DSG_BKM_TEXT_MAX bytes */
    /* dsg_bkm_write only */
    DSG_BKM_ERR_RECORD = 16,     /* the records do not make a manifest */
    DSG_BKM_ERR_SPACE = 17       /* the output buffer is too small */
} dsg_bkm_status;

#include "acsl/bkup_manifest.acsl.h"

/* Parses the manifest s[0 .. len) into *h and m[0 .. cap). OK: *count
 * members (at most cap and DSG_BKM_MEMBERS_MAX), each of a role of the
 * list, its name and digest inside the input, the name satisfying the name
 * rule (proved); each of a role with its role line, strictly after the
 * member before it (checked, tested); *err_at == len. Any other
 * result: *count is 0, *err_at the offset of the error; *h and m may have
 * been written. @relation(REQ-BKUP-017) */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(h) && \valid(m + (0 .. cap - 1)) && \valid(count) && \valid(err_at);
    requires \separated(h, m + (0 .. cap - 1), count, err_at, s + (0 .. len - 1));
    assigns *h, m[0 .. cap - 1], *count, *err_at;
    ensures DSG_BKM_OK <= \result <= DSG_BKM_ERR_TOO_LONG;
    ensures *err_at <= len;
    ensures \result == DSG_BKM_OK ==>
              *count <= cap && *count <= DSG_BKM_MEMBERS_MAX && *err_at == len;
    ensures \result == DSG_BKM_OK ==> dsg_bkm_head_ok(h);
    ensures \result == DSG_BKM_OK ==> dsg_bkm_members_ok(s, len, h, m, *count);
    ensures \result != DSG_BKM_OK ==> *count == 0;
*/
__attribute__((warn_unused_result))
dsg_bkm_status dsg_bkm_parse(const uint8_t *s, size_t len, dsg_bkm_head *h, dsg_bkm_member *m,
                             size_t cap, size_t *count, size_t *err_at);

/* Writes the canonical text of *h and m[0 .. n) (names and digests in
 * text[0 .. text_len)) into out[0 .. cap): OK and its length in *out_len.
 * RECORD when the records break a rule of the grammar (each field, the
 * orders, a name or digest outside text), SPACE when cap is too small;
 * then *out_len is 0 and out may have been written.
 * @relation(REQ-BKUP-017) */
/*@ requires \valid_read(h) && \valid_read(m + (0 .. n - 1));
    requires \valid_read(text + (0 .. text_len - 1));
    requires \valid(out + (0 .. cap - 1)) && \valid(out_len);
    requires \separated(out + (0 .. cap - 1), out_len, h, m + (0 .. n - 1),
                        text + (0 .. text_len - 1));
    requires \separated(out_len, out + (0 .. cap - 1));
    assigns out[0 .. cap - 1], *out_len;
    ensures \result == DSG_BKM_OK || \result == DSG_BKM_ERR_RECORD ||
            \result == DSG_BKM_ERR_SPACE;
    ensures \result == DSG_BKM_OK ==> *out_len <= cap;
    ensures \result != DSG_BKM_OK ==> *out_len == 0;
*/
__attribute__((warn_unused_result))
dsg_bkm_status dsg_bkm_write(const dsg_bkm_head *h, const dsg_bkm_member *m, size_t n,
                             const uint8_t *text, size_t text_len, uint8_t *out, size_t cap,
                             size_t *out_len);

/* A stable, lowercase token for a status, e.g. "duplicate".
 * @relation(REQ-BKUP-017) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_bkm_status_token(dsg_bkm_status status);

#endif
