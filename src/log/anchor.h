/*
 * Lines of the audit trail's anchor file (REQ-LOG-004): one signed
 * checkpoint per line, appended by logd, read by `dsgctl log verify`.
 *
 *   dsg-anchor-1 SOURCE SEQ HEAD TIME SIG\n
 *
 * SOURCE  1..64 bytes of [A-Za-z0-9_.:-]
 * SEQ     the source's last sequence number covered, decimal, 1..2^63-1,
 *         no leading zero
 * HEAD    the hash-chain value after record SEQ, 64 lowercase hex digits
 * TIME    UTC RFC 3339 with milliseconds (24 bytes, ends in Z)
 * SIG     Ed25519 signature, 128 lowercase hex digits, over the bytes of
 *         the line before " SIG" (dsg_anchor_signed_part)
 *
 * The parser is strict: any other spelling of the same checkpoint is
 * refused, so one checkpoint has one line. Parses untrusted bytes (a copy
 * handed to a reviewer); no allocation, no I/O.
 */
#ifndef DSG_ANCHOR_H
#define DSG_ANCHOR_H

#include <stddef.h>
#include <stdint.h>

#define DSG_ANCHOR_MAGIC "dsg-anchor-1"
#define DSG_ANCHOR_SOURCE_MAX 64u
#define DSG_ANCHOR_LINE_MAX 320u   /* longest line, LF excluded */

typedef struct dsg_anchor {
    char source[DSG_ANCHOR_SOURCE_MAX + 1];
    uint64_t seq;
    uint8_t head[32];
    char time[25];
    uint8_t sig[64];
    size_t signed_len;   /* bytes of the line the signature covers */
} dsg_anchor;

typedef enum dsg_anchor_status {
    DSG_ANCHOR_OK = 0,
    DSG_ANCHOR_BAD_MAGIC,
    DSG_ANCHOR_BAD_SOURCE,
    DSG_ANCHOR_BAD_SEQ,
    DSG_ANCHOR_BAD_HEAD,
    DSG_ANCHOR_BAD_TIME,
    DSG_ANCHOR_BAD_SIG,
    DSG_ANCHOR_TOO_LONG,
    DSG_ANCHOR_TRAILING
} dsg_anchor_status;

/* Whether s[0..len) is a source name as above. @relation(REQ-LOG-004) */
int dsg_anchor_source_ok(const char *s, size_t len);

/* Whether s[0..len) is exactly "YYYY-MM-DDTHH:MM:SS.mmmZ" with fields in
 * range (the checkpoint time of REQ-LOG-002's format). @relation(REQ-LOG-004) */
int dsg_anchor_time_ok(const char *s, size_t len);

/* Parses one line (without its LF). @relation(REQ-LOG-004, REQ-LOG-005) */
__attribute__((warn_unused_result))
dsg_anchor_status dsg_anchor_parse(const char *line, size_t len, dsg_anchor *a);

/* Writes the part a signature covers ("dsg-anchor-1 SOURCE SEQ HEAD TIME")
 * into out; returns its length, 0 if a's fields are invalid or it does not
 * fit. @relation(REQ-LOG-004) */
size_t dsg_anchor_signed_part(const dsg_anchor *a, char *out, size_t cap);

/* Writes the whole line with its LF; returns its length or 0.
 * @relation(REQ-LOG-004) */
size_t dsg_anchor_format(const dsg_anchor *a, char *out, size_t cap);

/* A stable token for a status ("ok", "bad-magic", ...). @relation(REQ-LOG-005) */
const char *dsg_anchor_status_token(dsg_anchor_status st);

#endif
