/*
 * The headers of a POSIX tar archive (pax interchange format, POSIX.1-2008
 * `pax`, "ustar Interchange Format" and "pax Interchange Format"), for the
 * bulk download of REQ-MFA-015 / REQ-SHARE-013: one regular file per
 * entry, flat (no directories), streamed as
 *
 *   [x header block, pax records padded to 512] ustar header block,
 *   content padded to 512, ..., then two zero blocks
 *
 * - The ustar block: name (100), mode 0644, uid and gid 0, size and mtime
 *   in octal, the checksum (the unsigned sum of the 512 bytes with the
 *   checksum field counted as 8 spaces, written as 6 octal digits, NUL,
 *   space), typeflag '0', magic "ustar\0" and version "00".
 * - A pax extended header (typeflag 'x') goes first when the name does not
 *   fit the ustar name field as it is: longer than 100 bytes or with a byte
 *   outside printable ASCII (a Japanese name); its `path` record carries
 *   the name's UTF-8 bytes and the ustar name is an ASCII stand-in (each
 *   byte outside printable ASCII written '_', cut at 100). A size of 8 GiB
 *   or more, beyond 11 octal digits, travels as a `size` record. Each
 *   record is "LEN KEY=VALUE\n", LEN the record's own length in decimal.
 *
 * A name must be 1 .. DSG_TAR_NAME_MAX bytes without NUL or '/', and not
 * "." or "..": every entry extracts into the directory tar runs in. Pure:
 * no allocation, no I/O. Proved with WP (acsl/PROOFS.md, "tar"): no
 * runtime error, no write outside the caller's buffer, the lengths the
 * contracts give; the bytes themselves are checked against the format by
 * tests/check_tar.c and tar(1).
 */
#ifndef DSG_CORE_TAR_H
#define DSG_CORE_TAR_H

#include <stddef.h>
#include <stdint.h>

#include "acsl/tar.acsl.h"

#define DSG_TAR_BLOCK 512u
#define DSG_TAR_NAME_MAX 1024u           /* bytes of an entry's name */
/* The most bytes dsg_tar_head writes: an x block, the pax records of the
 * longest name and a size (3 blocks), the ustar block. */
#define DSG_TAR_HEAD_MAX (5u * DSG_TAR_BLOCK)
#define DSG_TAR_END_LEN (2u * DSG_TAR_BLOCK)   /* the two zero blocks at the end */
#define DSG_TAR_OCTAL_MAX 077777777777ull      /* what 11 octal digits hold */

typedef struct dsg_tar_entry {
    const uint8_t *name;                 /* UTF-8, as the user sees it */
    size_t name_len;
    uint64_t size;                       /* bytes of content */
    int64_t mtime;                       /* seconds since the epoch; clamped to
                                          * 0 .. DSG_TAR_OCTAL_MAX */
} dsg_tar_entry;

/* 1 when e's name is one an entry may have (see above). @relation(REQ-MFA-015) */
/*@ requires \valid_read(e) && \valid_read(e->name + (0 .. e->name_len - 1));
    assigns \nothing;
    ensures \result == 1 <==> dsg_tar_name_valid(e->name, e->name_len, DSG_TAR_NAME_MAX);
    ensures \result == 0 || \result == 1;
*/
int dsg_tar_name_ok(const dsg_tar_entry *e);

/* The bytes dsg_tar_head writes for e (a multiple of DSG_TAR_BLOCK), 0
 * when the name is not one. @relation(REQ-MFA-015) */
/*@ requires \valid_read(e) && \valid_read(e->name + (0 .. e->name_len - 1));
    assigns \nothing;
    ensures \result == 0 <==> !dsg_tar_name_valid(e->name, e->name_len, DSG_TAR_NAME_MAX);
    ensures \result == 0 || (DSG_TAR_BLOCK <= \result <= DSG_TAR_HEAD_MAX &&
                             \result % DSG_TAR_BLOCK == 0);
*/
size_t dsg_tar_head_len(const dsg_tar_entry *e);

/* Writes e's header blocks into out[0 .. cap): their length, or 0 (a name
 * that is not one, cap too small; out is then unspecified).
 * @relation(REQ-MFA-015, REQ-SHARE-013) */
/*@ requires \valid_read(e) && \valid_read(e->name + (0 .. e->name_len - 1));
    requires \valid(out + (0 .. cap - 1));
    requires \separated(out + (0 .. cap - 1), e, e->name + (0 .. e->name_len - 1));
    assigns out[0 .. cap - 1];
    ensures \result == 0 || (DSG_TAR_BLOCK <= \result <= cap && \result <= DSG_TAR_HEAD_MAX &&
                             \result % DSG_TAR_BLOCK == 0);
    ensures \result != 0 ==> dsg_tar_name_valid(e->name, e->name_len, DSG_TAR_NAME_MAX);
*/
size_t dsg_tar_head(uint8_t *out, size_t cap, const dsg_tar_entry *e);

/* The zero bytes after size bytes of content, to the next block.
 * @relation(REQ-MFA-015) */
/*@ assigns \nothing;
    ensures \result < DSG_TAR_BLOCK && (size + \result) % DSG_TAR_BLOCK == 0;
*/
size_t dsg_tar_pad(uint64_t size);

/* The bytes of a whole entry (header, content, padding), 0 when the name
 * is not one or the sum does not fit in 64 bits. @relation(REQ-MFA-015) */
/*@ requires \valid_read(e) && \valid_read(e->name + (0 .. e->name_len - 1));
    assigns \nothing;
    ensures \result == 0 || \result >= e->size + DSG_TAR_BLOCK;
*/
uint64_t dsg_tar_entry_len(const dsg_tar_entry *e);

/* 1 when block (512 bytes) is a ustar header whose checksum is right:
 * the check a reader makes, for tests and integrators.
 * @relation(REQ-MFA-015) */
/*@ requires \valid_read(block + (0 .. DSG_TAR_BLOCK - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
int dsg_tar_checksum_ok(const uint8_t block[DSG_TAR_BLOCK]);

#endif
