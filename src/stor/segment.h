/*
 * The stored-object format (REQ-STOR-003, REQ-STOR-004): the object header,
 * the segment framing, and each segment's nonce and associated data. The
 * encryption itself is src/stor/objcrypt.h's; this module decides only
 * which bytes go where, and is proved (acsl/PROOFS.md, "segment").
 *
 * An object on disk is the header, then its segments in order:
 *
 *   offset  0  magic "DSGO"
 *   offset  4  u16 format version       DSG_SEG_FORMAT_V1
 *   offset  6  u16 algorithm ID         DSG_SEG_ALG_AES256GCM (docs/keys.md)
 *   offset  8  KEK ID, 8 bytes          which key-encryption key wraps the data key
 *   offset 16  wrapped data key, 40     the 32-byte data key under the KEK (RFC 5649)
 *   offset 56  object ID, 16 bytes
 *   offset 72  u64 object version
 *   offset 80  segment 0, segment 1, ...
 *
 * Integers are big-endian. The plaintext is cut into segments of
 * DSG_SEG_PLAIN_MAX (64 KiB) bytes; the last may be shorter, and an empty
 * object is one empty last segment. A stored segment is its ciphertext
 * (as long as its plaintext) followed by the 16-byte GCM tag; only the
 * last stored segment may be shorter than DSG_SEG_STORED_MAX, and every
 * stored segment holds at least the tag. An object has at most 2^32
 * segments (indices 0 .. DSG_SEG_INDEX_MAX), so at most 2^48 bytes.
 *
 * Segment i is sealed with the object's data key, the 12-byte nonce
 * 0^7 || be32(i) || last and the 29 bytes of associated data
 * object ID || be64(version) || be32(i) || last, last being 1 for the
 * final segment and 0 for the others: a segment moved to another place,
 * another object or version, or a non-final segment presented as the end
 * does not open. Each object version has its own data key (REQ-STOR-002),
 * so the nonce needs no random part: distinct positions give distinct
 * nonces (proved), and a data key never sees a nonce twice.
 *
 * Pure functions over caller-owned memory: no allocation, no I/O, no
 * globals other than the constant status tokens.
 */
#ifndef DSG_STOR_SEGMENT_H
#define DSG_STOR_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#define DSG_SEG_MAGIC0 0x44u          /* 'D' */
#define DSG_SEG_MAGIC1 0x53u          /* 'S' */
#define DSG_SEG_MAGIC2 0x47u          /* 'G' */
#define DSG_SEG_MAGIC3 0x4Fu          /* 'O' */
#define DSG_SEG_FORMAT_V1 1u
#define DSG_SEG_ALG_AES256GCM 1u      /* AES-256-GCM segments, AES-256-KWP wrapped key */

#define DSG_SEG_KEK_ID_LEN 8u
#define DSG_SEG_DATA_KEY_LEN 32u
#define DSG_SEG_WRAPPED_LEN 40u       /* RFC 5649: the key and one 8-byte block */
#define DSG_SEG_OBJECT_ID_LEN 16u
#define DSG_SEG_OFF_KEK_ID 8u
#define DSG_SEG_OFF_WRAPPED 16u
#define DSG_SEG_OFF_OBJECT_ID 56u
#define DSG_SEG_OFF_VERSION 72u
#define DSG_SEG_HEADER_LEN 80u

#define DSG_SEG_PLAIN_MAX 65536u      /* plaintext bytes of a segment, at most */
#define DSG_SEG_TAG_LEN 16u
#define DSG_SEG_STORED_MAX (DSG_SEG_PLAIN_MAX + DSG_SEG_TAG_LEN)
#define DSG_SEG_NONCE_LEN 12u
#define DSG_SEG_AD_LEN 29u            /* object ID, version, index, last flag */
#define DSG_SEG_INDEX_MAX 4294967295u /* 2^32 - 1: at most 2^32 segments */

typedef enum dsg_seg_status {
    DSG_SEG_OK = 0,                /* "ok" */
    DSG_SEG_NEED_MORE = 1,         /* "need-more": a frame cannot be told yet */
    DSG_SEG_ERR_SHORT = 2,         /* "truncated": fewer bytes than a header or a tag */
    DSG_SEG_ERR_MAGIC = 3,         /* "bad-magic": not a dsg object */
    DSG_SEG_ERR_FORMAT = 4,        /* "unknown-format": a format version not known */
    DSG_SEG_ERR_ALGORITHM = 5,     /* "unknown-algorithm": stor.unknown_algorithm */
    DSG_SEG_ERR_INDEX = 6,         /* "too-many-segments": beyond 2^32 segments */
    DSG_SEG_ERR_ARGS = 7           /* "bad-args": a flag other than 0 or 1, no room */
} dsg_seg_status;

/* The header's fields. */
typedef struct dsg_seg_header {
    uint16_t format;
    uint16_t algorithm;
    uint8_t kek_id[DSG_SEG_KEK_ID_LEN];
    uint8_t wrapped_key[DSG_SEG_WRAPPED_LEN];
    uint8_t object_id[DSG_SEG_OBJECT_ID_LEN];
    uint64_t version;
} dsg_seg_header;

/* One stored segment found at the start of a buffer: its ciphertext
 * buf[0 .. ct_len), its tag buf[ct_len .. ct_len + 16). */
typedef struct dsg_seg_frame {
    size_t ct_len;        /* ciphertext bytes == plaintext bytes */
    size_t eaten;         /* ct_len + DSG_SEG_TAG_LEN: the stored segment's size */
    int last;             /* 1: the object's final segment */
} dsg_seg_frame;

#include "acsl/segment.acsl.h"

/* Writes the header h into out[0 .. DSG_SEG_HEADER_LEN). ERR_ARGS when cap
 * is under DSG_SEG_HEADER_LEN, ERR_FORMAT or ERR_ALGORITHM for a format or
 * an algorithm this version does not write; nothing written then.
 * @relation(REQ-STOR-004) */
/*@ requires \valid_read(h) && \valid(out + (0 .. cap - 1));
    requires \separated(h, out + (0 .. cap - 1));
    assigns out[0 .. DSG_SEG_HEADER_LEN - 1];
    ensures \result == DSG_SEG_OK || \result == DSG_SEG_ERR_ARGS ||
            \result == DSG_SEG_ERR_FORMAT || \result == DSG_SEG_ERR_ALGORITHM;
    behavior no_room:
      assumes cap < DSG_SEG_HEADER_LEN;
      assigns \nothing;
      ensures \result == DSG_SEG_ERR_ARGS;
    behavior bad_format:
      assumes cap >= DSG_SEG_HEADER_LEN && h->format != DSG_SEG_FORMAT_V1;
      assigns \nothing;
      ensures \result == DSG_SEG_ERR_FORMAT;
    behavior bad_algorithm:
      assumes cap >= DSG_SEG_HEADER_LEN && h->format == DSG_SEG_FORMAT_V1;
      assumes h->algorithm != DSG_SEG_ALG_AES256GCM;
      assigns \nothing;
      ensures \result == DSG_SEG_ERR_ALGORITHM;
    behavior encoded:
      assumes cap >= DSG_SEG_HEADER_LEN && h->format == DSG_SEG_FORMAT_V1;
      assumes h->algorithm == DSG_SEG_ALG_AES256GCM;
      assigns out[0 .. DSG_SEG_HEADER_LEN - 1];
      ensures \result == DSG_SEG_OK;
      ensures dsg_seg_encodes(out, h);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_seg_status dsg_seg_header_encode(const dsg_seg_header *h, uint8_t *out, size_t cap);

/* Parses the header at the start of buf[0 .. len): total, any bytes of
 * any length. OK: *out holds its fields and the object's first segment
 * starts at DSG_SEG_HEADER_LEN (<= len); with the magic the behavior
 * assumes, the bytes are dsg_seg_encodes of *out. Else, in this order:
 * ERR_SHORT (len < DSG_SEG_HEADER_LEN), ERR_MAGIC, ERR_FORMAT,
 * ERR_ALGORITHM (stor.unknown_algorithm: an algorithm outside the
 * register); *out is not written. @relation(REQ-STOR-004, REQ-STOR-006) */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid(out);
    requires \separated(buf + (0 .. len - 1), out);
    assigns *out;
    ensures \result == DSG_SEG_OK || \result == DSG_SEG_ERR_SHORT ||
            \result == DSG_SEG_ERR_MAGIC || \result == DSG_SEG_ERR_FORMAT ||
            \result == DSG_SEG_ERR_ALGORITHM;
    behavior short:
      assumes len < DSG_SEG_HEADER_LEN;
      assigns \nothing;
      ensures \result == DSG_SEG_ERR_SHORT;
    behavior bad_magic:
      assumes len >= DSG_SEG_HEADER_LEN && !dsg_seg_magic_ok(buf);
      assigns \nothing;
      ensures \result == DSG_SEG_ERR_MAGIC;
    behavior bad_format:
      assumes len >= DSG_SEG_HEADER_LEN && dsg_seg_magic_ok(buf);
      assumes dsg_seg_be16(buf + 4) != DSG_SEG_FORMAT_V1;
      assigns \nothing;
      ensures \result == DSG_SEG_ERR_FORMAT;
    behavior bad_algorithm:
      assumes len >= DSG_SEG_HEADER_LEN && dsg_seg_magic_ok(buf);
      assumes dsg_seg_be16(buf + 4) == DSG_SEG_FORMAT_V1;
      assumes dsg_seg_be16(buf + 6) != DSG_SEG_ALG_AES256GCM;
      assigns \nothing;
      ensures \result == DSG_SEG_ERR_ALGORITHM;
    behavior parsed:
      assumes len >= DSG_SEG_HEADER_LEN && dsg_seg_magic_ok(buf);
      assumes dsg_seg_be16(buf + 4) == DSG_SEG_FORMAT_V1;
      assumes dsg_seg_be16(buf + 6) == DSG_SEG_ALG_AES256GCM;
      assigns *out;
      ensures \result == DSG_SEG_OK;
      ensures DSG_SEG_HEADER_LEN <= len;
      ensures out->format == DSG_SEG_FORMAT_V1 && out->algorithm == DSG_SEG_ALG_AES256GCM;
      ensures dsg_seg_fields(buf, out);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_seg_status dsg_seg_header_parse(const uint8_t *buf, size_t len, dsg_seg_header *out);

/* The nonce of the segment at (index, last) into out[0 .. 12). ERR_INDEX
 * beyond 2^32 segments (index > DSG_SEG_INDEX_MAX, or a segment that is
 * not the last at DSG_SEG_INDEX_MAX), ERR_ARGS for a last flag other than
 * 0 or 1; nothing written then. Distinct positions give distinct nonces:
 * the lemmas dsg_seg_nonce_injective and dsg_seg_nonces_distinct.
 * @relation(REQ-STOR-004) */
/*@ requires \valid(out + (0 .. DSG_SEG_NONCE_LEN - 1));
    assigns out[0 .. DSG_SEG_NONCE_LEN - 1];
    ensures \result == DSG_SEG_OK || \result == DSG_SEG_ERR_ARGS ||
            \result == DSG_SEG_ERR_INDEX;
    ensures \result == DSG_SEG_OK <==> dsg_seg_pos_ok(index, last);
    ensures \result == DSG_SEG_OK ==> dsg_seg_is_nonce(out, index, last);
    ensures \result != DSG_SEG_OK ==>
              dsg_seg_same_bytes{Post, Pre}(out, out, DSG_SEG_NONCE_LEN);
    ensures last != 0 && last != 1 ==> \result == DSG_SEG_ERR_ARGS;
*/
__attribute__((warn_unused_result))
dsg_seg_status dsg_seg_nonce(uint64_t index, int last, uint8_t *out);

/* The associated data of the segment at (index, last) of the object
 * object_id, version into out[0 .. 29). Refused as dsg_seg_nonce refuses.
 * @relation(REQ-STOR-004) */
/*@ requires \valid_read(object_id + (0 .. DSG_SEG_OBJECT_ID_LEN - 1));
    requires \valid(out + (0 .. DSG_SEG_AD_LEN - 1));
    requires \separated(object_id + (0 .. DSG_SEG_OBJECT_ID_LEN - 1),
                        out + (0 .. DSG_SEG_AD_LEN - 1));
    assigns out[0 .. DSG_SEG_AD_LEN - 1];
    ensures \result == DSG_SEG_OK || \result == DSG_SEG_ERR_ARGS ||
            \result == DSG_SEG_ERR_INDEX;
    ensures \result == DSG_SEG_OK <==> dsg_seg_pos_ok(index, last);
    ensures \result == DSG_SEG_OK ==> dsg_seg_is_ad(out, object_id, version, index, last);
    ensures \result != DSG_SEG_OK ==>
              dsg_seg_same_bytes{Post, Pre}(out, out, DSG_SEG_AD_LEN);
*/
__attribute__((warn_unused_result))
dsg_seg_status dsg_seg_ad(const uint8_t *object_id, uint64_t version, uint64_t index,
                          int last, uint8_t *out);

/* The stored segment at the start of buf[0 .. len), the bytes of an object
 * after its header from a segment boundary on; at_end 1 when nothing
 * follows them, 0 when more may come; index the segment's index. In this
 * order: ERR_ARGS (at_end not 0 or 1), ERR_INDEX (index > DSG_SEG_INDEX_MAX);
 * more than DSG_SEG_STORED_MAX bytes: a full segment that is not the last
 * (ERR_INDEX at DSG_SEG_INDEX_MAX: it would need a 2^32 + 1st); else
 * NEED_MORE while at_end is 0 (the last segment cannot be told yet); else
 * ERR_SHORT under DSG_SEG_TAG_LEN bytes; else the last segment, all of the
 * bytes. OK: the frame lies within buf (eaten <= len). *out is written only
 * on OK. @relation(REQ-STOR-004) */
/*@ requires \valid(out);
    assigns *out;
    ensures \result == DSG_SEG_OK || \result == DSG_SEG_NEED_MORE ||
            \result == DSG_SEG_ERR_ARGS || \result == DSG_SEG_ERR_INDEX ||
            \result == DSG_SEG_ERR_SHORT;
    ensures \result == DSG_SEG_OK ==>
              out->eaten <= len && out->eaten == out->ct_len + DSG_SEG_TAG_LEN &&
              out->ct_len <= DSG_SEG_PLAIN_MAX && dsg_seg_pos_ok(index, out->last);
    ensures \result == DSG_SEG_OK && out->last == 0 ==> out->ct_len == DSG_SEG_PLAIN_MAX;
    ensures \result == DSG_SEG_OK && out->last == 1 ==> out->eaten == len;
    ensures \result != DSG_SEG_OK ==>
              out->ct_len == \old(out->ct_len) && out->eaten == \old(out->eaten) &&
              out->last == \old(out->last);
    behavior bad_args:
      assumes at_end != 0 && at_end != 1;
      ensures \result == DSG_SEG_ERR_ARGS;
    behavior bad_index:
      assumes (at_end == 0 || at_end == 1) && index > DSG_SEG_INDEX_MAX;
      ensures \result == DSG_SEG_ERR_INDEX;
    behavior more:
      assumes (at_end == 0 || at_end == 1) && index <= DSG_SEG_INDEX_MAX;
      assumes len > DSG_SEG_STORED_MAX;
      ensures index < DSG_SEG_INDEX_MAX ==> \result == DSG_SEG_OK && out->last == 0;
      ensures index == DSG_SEG_INDEX_MAX ==> \result == DSG_SEG_ERR_INDEX;
    behavior wait:
      assumes at_end == 0 && index <= DSG_SEG_INDEX_MAX && len <= DSG_SEG_STORED_MAX;
      ensures \result == DSG_SEG_NEED_MORE;
    behavior short:
      assumes at_end == 1 && index <= DSG_SEG_INDEX_MAX && len < DSG_SEG_TAG_LEN;
      ensures \result == DSG_SEG_ERR_SHORT;
    behavior final:
      assumes at_end == 1 && index <= DSG_SEG_INDEX_MAX;
      assumes DSG_SEG_TAG_LEN <= len <= DSG_SEG_STORED_MAX;
      ensures \result == DSG_SEG_OK && out->last == 1 && out->eaten == len;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_seg_status dsg_seg_frame_next(size_t len, int at_end, uint64_t index, dsg_seg_frame *out);

/* The size of an object of plain_len plaintext bytes: *segments its
 * segments, *stored its bytes on disk (header, ciphertext, one tag per
 * segment). ERR_INDEX beyond 2^32 segments, nothing written then.
 * @relation(REQ-STOR-004) */
/*@ requires \valid(segments) && \valid(stored) && \separated(segments, stored);
    assigns *segments, *stored;
    ensures \result == DSG_SEG_OK || \result == DSG_SEG_ERR_INDEX;
    ensures \result == DSG_SEG_OK <==> dsg_seg_count(plain_len) <= DSG_SEG_INDEX_MAX + 1;
    ensures \result == DSG_SEG_OK ==>
              *segments == dsg_seg_count(plain_len) &&
              *stored == DSG_SEG_HEADER_LEN + plain_len + DSG_SEG_TAG_LEN * *segments;
    ensures \result != DSG_SEG_OK ==> *segments == \old(*segments) && *stored == \old(*stored);
*/
__attribute__((warn_unused_result))
dsg_seg_status dsg_seg_size(uint64_t plain_len, uint64_t *segments, uint64_t *stored);

/* A stable, lowercase token for a status, e.g. "too-many-segments".
 * @relation(REQ-STOR-004) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_seg_status_token(dsg_seg_status status);

#endif
