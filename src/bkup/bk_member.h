/*
 * A backup's member files (REQ-BKUP-003): one member, a stream of any
 * size, encrypted to the operator's X25519 public key (docs/backup.md,
 * "Member files").
 *
 * Layout (big-endian):
 *
 *   offset  0  magic "DSGB"
 *   offset  4  u8 format version            1
 *   offset  5  u8 suite                     1: X25519, HKDF-SHA-256, AES-256-GCM
 *   offset  6  recipient key ID, 8 bytes    the first 8 bytes of SHA-256 of the
 *                                           recipient's raw public key
 *   offset 14  ephemeral public key, 32
 *   offset 46  backup ID, 16                YYYYMMDDTHHMMSSZ
 *   offset 62  u8 role                      0..8, the manifest's order
 *   offset 63  u8 name length N             1..255
 *   offset 64  the member's name, N bytes
 *   64 + N     the object: src/stor/objcrypt.h's format (80-byte header,
 *              64 KiB AES-256-GCM segments) under the member key, object
 *              ID the first 16 bytes of SHA-256 of the member header
 *              (offsets 0 .. 64 + N), version 1
 *   the end    the trailer, 12 bytes: "DSGZ", u64 the length of all that
 *              comes before it
 *
 * The member key is HKDF-SHA-256 of the X25519 agreement of a fresh
 * ephemeral key (one per member) and the recipient's key, the salt both
 * public keys, the info "dsg-backup-member-v1 X25519 HKDF-SHA-256
 * AES-256-GCM", a NUL and the whole member header (src/stor/x25519.h). It
 * wraps the object's own random data key (AES-256 key wrap with padding),
 * which seals the segments. A changed header byte gives another member key,
 * which the object's KEK ID refuses; a file of another backup or member
 * names that backup or member in its header; the segments' associated
 * data refuse a segment moved, removed or taken from another member; the
 * trailer tells a file cut short from one altered.
 *
 * The writer writes to a file descriptor and reports the stored size and
 * the SHA-256 of the bytes as stored (for the manifest). The reader is
 * pulled: each call hands out plaintext of segments whose tags verified,
 * reading the descriptor as it needs; memory stays at about two segments
 * whatever the member's size.
 *
 * Not pure (OpenSSL, file descriptors, the heap); in the library.
 */
#ifndef DSG_BKUP_BK_MEMBER_H
#define DSG_BKUP_BK_MEMBER_H

#include <stddef.h>
#include <stdint.h>

#include "stor/x25519.h"

#define DSG_BK_MAGIC "DSGB"
#define DSG_BK_FORMAT_V1 1u
#define DSG_BK_SUITE_X25519_AES256GCM 1u
#define DSG_BK_KEY_ID_LEN 8u
#define DSG_BK_ID_LEN 16u            /* YYYYMMDDTHHMMSSZ */
#define DSG_BK_NAME_MAX 255u
#define DSG_BK_ROLES 9u
#define DSG_BK_FIXED_LEN 64u         /* the member header before the name */
#define DSG_BK_HEADER_MAX (DSG_BK_FIXED_LEN + DSG_BK_NAME_MAX)
#define DSG_BK_TRAILER_LEN 12u
#define DSG_BK_SHA256_LEN 32u

/* What a backup operation ended with (the member's, the backup's). */
typedef enum dsg_bk_status {
    DSG_BK_OK = 0,
    DSG_BK_FORMAT = 1,        /* not a member file, manifest or signature of this format */
    DSG_BK_TRUNCATED = 2,     /* a file cut short */
    DSG_BK_WRONG_KEY = 3,     /* encrypted to another recipient key */
    DSG_BK_OTHER_BACKUP = 4,  /* a member file of another backup */
    DSG_BK_OTHER_MEMBER = 5,  /* a member file of another member of this backup */
    DSG_BK_TAMPERED = 6,      /* a header, segment, size or hash that does not verify */
    DSG_BK_SIGNATURE = 7,     /* the manifest's signature does not verify */
    DSG_BK_MISSING = 8,       /* a member the manifest lists is not there */
    DSG_BK_EXTRA = 9,         /* a file the manifest does not list */
    DSG_BK_DATABASE = 10,     /* a database member fails PRAGMA integrity_check */
    DSG_BK_ARGS = 11,         /* a bad argument: name, role, ID, key file, directory */
    DSG_BK_EXISTS = 12,       /* the destination exists (not empty) */
    DSG_BK_IO = 13,           /* a read, write or sync failed */
    DSG_BK_CRYPTO = 14,       /* OpenSSL or the memory failed */
    DSG_BK_STATE = 15         /* used after an error or after finishing */
} dsg_bk_status;

/* A member header's fields. */
typedef struct dsg_bk_member_header {
    uint8_t key_id[DSG_BK_KEY_ID_LEN];
    uint8_t eph[DSG_X25519_LEN];
    char id[DSG_BK_ID_LEN + 1];
    unsigned role;
    char name[DSG_BK_NAME_MAX + 1];
    size_t name_len;
    size_t len;               /* the header's length, DSG_BK_FIXED_LEN + name_len */
} dsg_bk_member_header;

typedef struct dsg_bk_member_writer dsg_bk_member_writer;
typedef struct dsg_bk_member_reader dsg_bk_member_reader;

/* The manifest's name of role r (0 .. 8), NULL for another value.
 * @relation(REQ-BKUP-003) */
const char *dsg_bk_role_name(unsigned r);

/* The role named s, or -1. @relation(REQ-BKUP-003) */
int dsg_bk_role_of(const char *s);

/* Whether id is a backup ID's shape: 8 digits, T, 6 digits, Z.
 * @relation(REQ-BKUP-003) */
int dsg_bk_id_ok(const char *id);

/* The recipient key ID of the raw public key pub. 0, or -1 (OpenSSL).
 * @relation(REQ-BKUP-003) */
__attribute__((warn_unused_result))
int dsg_bk_key_id(const uint8_t pub[DSG_X25519_LEN], uint8_t id[DSG_BK_KEY_ID_LEN]);

/* Parses the member header at the start of buf[0 .. len): any bytes of any
 * length. OK with *h (h->len <= len); TRUNCATED when len is too short for
 * the header its bytes so far begin; FORMAT for another magic, version or
 * suite, a role beyond 8, an ID not of its shape, an empty name or a name
 * byte outside A-Z a-z 0-9 . _ - /. @relation(REQ-BKUP-003) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_member_header_parse(const uint8_t *buf, size_t len,
                                         dsg_bk_member_header *h);

/* A writer of the member (role, name) of backup id to fd, encrypted to
 * the raw X25519 public key recipient; the header is written at once. In
 * *out whatever happens (NULL when out of memory): free it with
 * dsg_bk_member_writer_free. ARGS for a role, name or ID outside the header's
 * rules. @relation(REQ-BKUP-003) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_member_writer_new(int fd, const uint8_t recipient[DSG_X25519_LEN],
                                       const char *id, unsigned role, const char *name,
                                       dsg_bk_member_writer **out);

/* The next n bytes of the member's content. @relation(REQ-BKUP-003) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_member_write(dsg_bk_member_writer *w, const uint8_t *p, size_t n);

/* Seals the last segment and writes the trailer: the file's size in
 * *stored, the SHA-256 of its bytes in sha256. The caller syncs and closes
 * fd. @relation(REQ-BKUP-003) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_member_finish(dsg_bk_member_writer *w, uint64_t *stored,
                                   uint8_t sha256[DSG_BK_SHA256_LEN]);

/* Wipes the keys held, frees w (NULL: nothing). @relation(REQ-BKUP-003) */
void dsg_bk_member_writer_free(dsg_bk_member_writer *w);

/* A reader of fd, which must hold the member (role, name) of backup id
 * encrypted to the public key of the raw X25519 private key priv. The
 * header is read and checked at once: FORMAT, TRUNCATED, WRONG_KEY,
 * OTHER_BACKUP, OTHER_MEMBER, TAMPERED (a changed header), IO. In *out
 * whatever happens (NULL when out of memory): its message says why; free
 * it with dsg_bk_member_reader_free. @relation(REQ-BKUP-003, REQ-BKUP-006) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_member_reader_new(int fd, const uint8_t priv[DSG_X25519_LEN],
                                       const char *id, unsigned role, const char *name,
                                       dsg_bk_member_reader **out);

/* At most cap bytes of verified plaintext into buf, their count in *got:
 * OK with *got 0 only at the end, once the whole member (its final
 * segment, its trailer) verified. TAMPERED (a segment that does not
 * verify), TRUNCATED (the file cut short), IO; after an error the reader
 * gives nothing more. @relation(REQ-BKUP-003, REQ-BKUP-006) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_member_read(dsg_bk_member_reader *r, uint8_t *buf, size_t cap,
                                 size_t *got);

/* After the reader gave its end (OK with *got 0): the SHA-256 and the count
 * of every byte it read from fd, the very bytes the plaintext came from, so
 * that they are checked against the manifest without a second read (a file
 * changed between a check and the decryption cannot slip through). Given
 * once; STATE before the end or after an error. @relation(REQ-BKUP-005,
 * REQ-BKUP-006) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_member_reader_digest(dsg_bk_member_reader *r, uint64_t *bytes,
                                          uint8_t sha256[DSG_BK_SHA256_LEN]);

/* The message of the reader's error ("" when none). @relation(REQ-BKUP-003) */
const char *dsg_bk_member_reader_error(const dsg_bk_member_reader *r);

/* Wipes the keys and plaintext held, frees r (NULL: nothing).
 * @relation(REQ-BKUP-003) */
void dsg_bk_member_reader_free(dsg_bk_member_reader *r);

/* The status's token, e.g. "bkup.truncated". @relation(REQ-BKUP-003, REQ-BKUP-005) */
const char *dsg_bk_status_token(dsg_bk_status st);

#endif
