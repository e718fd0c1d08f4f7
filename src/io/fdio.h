/*
 * Writing to a descriptor until everything is written: the one loop the
 * storage code (audit store, object store, backups, database copies)
 * shares; replacing a small file whole; telling an empty directory. Not
 * pure (write(2), files); library code.
 */
#ifndef DSG_FDIO_H
#define DSG_FDIO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes buf[0 .. n) to fd, again after EINTR and after a short write.
 * 0, or -1 with errno set (EIO when write made no progress).
 * @relation(REQ-RUN-020) */
__attribute__((warn_unused_result))
int dsg_write_all(int fd, const void *buf, size_t n);

/* path replaced whole by data[0 .. len): written to path.new (created
 * exclusively with mode, never through a link; one left by a run cut
 * short is removed first), synced, renamed over path, its directory
 * synced as well as it can be. A reader sees the old file or the new one.
 * 0, or -1 with errno set (path.new removed).
 * @relation(REQ-BKUP-006, REQ-BKUP-007, REQ-BKUP-010) */
__attribute__((warn_unused_result))
int dsg_replace_file(const char *path, const void *data, size_t len, mode_t mode);

/* Whether the directory open on fd holds nothing but "." and "..": 1,
 * 0, or -1 when it cannot be read (fd stays open and where it was).
 * @relation(REQ-BKUP-006) */
__attribute__((warn_unused_result))
int dsg_dir_empty(int fd);

#endif
