/*
 * A storage role's copy of its data on its way to the backup writer
 * (REQ-BKUP-002, docs/backup.md "The backup run"): one pipe per role,
 * written by the role, read by the master's backup writer. Frames, in
 * this order (integers big-endian):
 *
 *   'R' TIME[24] u32 SCHEMA          the role line: its snapshot time and
 *                                    its database's schema version; first
 *   'M' u8 N NAME[N] u64 SIZE DATA   a member: its name, SIZE bytes of it
 *   'E'                              the end: every member was sent
 *   'F' u8 N WHY[N]                  the role failed, with the reason
 *
 * then the end of the pipe. The reader hands the role line and each
 * member to the backup writer (src/bkup/bk_backup.h), whose proved
 * manifest writer checks the time and every name: a frame reader needs no
 * rule of its own beyond the shapes above. Anything else, or an end of
 * the pipe before 'E', fails the role's part of the backup.
 *
 * Not pure (descriptors); in the library.
 */
#ifndef DSG_BKUP_BK_STREAM_H
#define DSG_BKUP_BK_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "bkup/bk_backup.h"

/* Encoders, for the role: each frame's bytes into out (at least
 * DSG_BK_STREAM_HEAD_MAX bytes), the length returned; the role writes
 * them as its pipe takes them. */
#define DSG_BK_STREAM_HEAD_MAX (2u + 255u + 8u)

/* The role line. @relation(REQ-BKUP-002, REQ-BKUP-004) */
size_t dsg_bk_stream_role(uint8_t *out, const char snapshot[DSG_BK_TIME_LEN], uint32_t schema);

/* A member's head (name of 1..255 bytes, else 0): size bytes of it must
 * follow. @relation(REQ-BKUP-002) */
size_t dsg_bk_stream_member(uint8_t *out, const char *name, uint64_t size);

/* The end. @relation(REQ-BKUP-002) */
size_t dsg_bk_stream_end(uint8_t *out);

/* The role failed (why cut to 255 bytes). @relation(REQ-BKUP-002) */
size_t dsg_bk_stream_fail(uint8_t *out, const char *why);

/* Reads one role's stream from fd to its end into w as that role's line
 * and members: OK with the member count and their bytes (before
 * encryption), or the failure with the reason in err (the role's own
 * words for an 'F'). @relation(REQ-BKUP-002, REQ-BKUP-003) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_stream_read(dsg_bk_writer *w, unsigned role, int fd, uint64_t *members,
                                 uint64_t *bytes, char *err, size_t n);

#endif
