/*
 * Encrypting and decrypting stored objects, one segment at a time
 * (REQ-STOR-002, REQ-STOR-003, REQ-STOR-005, REQ-STOR-013), in the format
 * of src/stor/segment.h, with OpenSSL's EVP interface: AES-256-GCM for the
 * segments, AES-256 key wrap with padding (RFC 5649) for the data key.
 *
 * The writer draws a fresh 256-bit data key for each object version from
 * OpenSSL's private DRBG (RAND_priv_bytes), wraps it under the KEK it is
 * given and writes the header through the sink at once; plaintext pushed in
 * chunks of any size is sealed segment by segment, and a full segment is
 * written only once more plaintext shows it is not the last. Finishing
 * seals the last segment (empty for an empty object, or after a multiple
 * of 64 KiB). The reader takes the stored bytes in chunks of any size and
 * hands a segment's plaintext to its sink only after that segment's tag has
 * verified; finishing checks that the final segment was there. Both hold
 * one segment at a time: memory does not grow with the object.
 *
 * The KEK ID in the header is dsg_oc_kek_id of the KEK: a reader with
 * another KEK is told so before it tries to unwrap the data key.
 *
 * Errors (dsg_oc_status_token names them): a read that finds a segment
 * altered, removed, reordered, duplicated, taken from another object or
 * version, a missing final segment, or bytes after it, fails with
 * stor.integrity and a message naming the object, its version and the
 * segment (dsg_oc_reader_error, dsg_oc_reader_index). After any error the
 * writer or reader accepts nothing more (DSG_OC_ERR_STATE).
 *
 * Not pure (OpenSSL, its random generator, the heap); linked into the
 * library and the unit tests.
 */
#ifndef DSG_STOR_OBJCRYPT_H
#define DSG_STOR_OBJCRYPT_H

#include <stddef.h>
#include <stdint.h>

#include "stor/segment.h"

#define DSG_OC_KEK_LEN 32u

typedef enum dsg_oc_status {
    DSG_OC_OK = 0,
    DSG_OC_ERR_INTEGRITY = 1,   /* "stor.integrity": a segment or the header does not verify */
    DSG_OC_ERR_KEY = 2,         /* "stor.key": the KEK does not open the data key */
    DSG_OC_ERR_FORMAT = 3,      /* "stor.format": not a dsg object, or a truncated header */
    DSG_OC_ERR_ALGORITHM = 4,   /* "stor.unknown_algorithm" (REQ-STOR-006) */
    DSG_OC_ERR_TOO_LARGE = 5,   /* "stor.too_large": more than 2^32 segments */
    DSG_OC_ERR_SINK = 6,        /* "stor.sink": the sink refused the bytes */
    DSG_OC_ERR_CRYPTO = 7,      /* "stor.crypto": OpenSSL failed (memory, random bytes) */
    DSG_OC_ERR_STATE = 8        /* "stor.state": used after an error or after finishing */
} dsg_oc_status;

/* Where bytes go: 0 when n bytes at p were taken, anything else to stop. */
typedef int (*dsg_oc_sink)(void *ctx, const uint8_t *p, size_t n);

typedef struct dsg_oc_writer dsg_oc_writer;
typedef struct dsg_oc_reader dsg_oc_reader;

/* The KEK ID of kek: the first 8 bytes of HMAC-SHA-256(kek, "dsg KEK ID").
 * 0, or -1 (OpenSSL). @relation(REQ-STOR-003) */
__attribute__((warn_unused_result))
int dsg_oc_kek_id(const uint8_t kek[DSG_OC_KEK_LEN], uint8_t id[DSG_SEG_KEK_ID_LEN]);

/* wrapped (DSG_SEG_WRAPPED_LEN bytes, AES-256 key wrap with padding, RFC
 * 5649) unwrapped under kek into key: 0, or -1 when the key wrap's
 * integrity check refuses it (another KEK, a changed byte) or OpenSSL
 * fails; key is wiped then. The format of the data key in an object's
 * header, and of the share role's store key under the master's KEK
 * (docs/keys.md). @relation(REQ-STOR-011) */
__attribute__((warn_unused_result))
int dsg_oc_key_unwrap(const uint8_t kek[DSG_OC_KEK_LEN],
                      const uint8_t wrapped[DSG_SEG_WRAPPED_LEN],
                      uint8_t key[DSG_SEG_DATA_KEY_LEN]);

/* A writer of version `version` of the object object_id under kek, its
 * bytes to sink(ctx, ...), in *out: the header has been written. Free it
 * with dsg_oc_writer_free whatever happens. @relation(REQ-STOR-002) */
__attribute__((warn_unused_result))
dsg_oc_status dsg_oc_writer_new(const uint8_t kek[DSG_OC_KEK_LEN],
                                const uint8_t object_id[DSG_SEG_OBJECT_ID_LEN],
                                uint64_t version, dsg_oc_sink sink, void *ctx,
                                dsg_oc_writer **out);

/* The next n bytes of plaintext. @relation(REQ-STOR-003) */
__attribute__((warn_unused_result))
dsg_oc_status dsg_oc_writer_push(dsg_oc_writer *w, const uint8_t *p, size_t n);

/* Seals and writes the last segment. @relation(REQ-STOR-003) */
__attribute__((warn_unused_result))
dsg_oc_status dsg_oc_writer_finish(dsg_oc_writer *w);

/* Wipes the data key and the plaintext held, frees w (NULL: nothing).
 * @relation(REQ-STOR-013) */
void dsg_oc_writer_free(dsg_oc_writer *w);

/* A reader of objects under kek, the plaintext to sink(ctx, ...). With
 * expect_id non-NULL, the header must name that object and expect_version:
 * another object's file is refused (stor.integrity). @relation(REQ-STOR-005) */
__attribute__((warn_unused_result))
dsg_oc_status dsg_oc_reader_new(const uint8_t kek[DSG_OC_KEK_LEN], const uint8_t *expect_id,
                                uint64_t expect_version, dsg_oc_sink sink, void *ctx,
                                dsg_oc_reader **out);

/* The next n stored bytes; every segment they complete is verified, then
 * its plaintext goes to the sink. @relation(REQ-STOR-005) */
__attribute__((warn_unused_result))
dsg_oc_status dsg_oc_reader_push(dsg_oc_reader *r, const uint8_t *p, size_t n);

/* The stored bytes are all there: verifies the final segment. OK only when
 * the whole object verified. @relation(REQ-STOR-003) */
__attribute__((warn_unused_result))
dsg_oc_status dsg_oc_reader_finish(dsg_oc_reader *r);

/* The header read so far, or NULL before it is complete.
 * @relation(REQ-STOR-003) */
const dsg_seg_header *dsg_oc_reader_header(const dsg_oc_reader *r);

/* The index of the segment the reader is at: after an integrity error,
 * the segment that failed. @relation(REQ-STOR-003) */
uint64_t dsg_oc_reader_index(const dsg_oc_reader *r);

/* The message of the reader's error ("" when none), naming the object,
 * version and segment. @relation(REQ-STOR-003) */
const char *dsg_oc_reader_error(const dsg_oc_reader *r);

/* Wipes the keys and the plaintext held, frees r (NULL: nothing).
 * @relation(REQ-STOR-013) */
void dsg_oc_reader_free(dsg_oc_reader *r);

/* The error's name, e.g. "stor.integrity". @relation(REQ-STOR-003) */
const char *dsg_oc_status_token(dsg_oc_status status);

#endif
