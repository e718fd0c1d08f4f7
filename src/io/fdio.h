/*
 * Writing to a descriptor until everything is written: the one loop the
 * storage code (audit store, object store, backups, database copies)
 * shares. Not pure (write(2)); library code.
 */
#ifndef DSG_FDIO_H
#define DSG_FDIO_H

#include <stddef.h>

/* Writes buf[0 .. n) to fd, again after EINTR and after a short write.
 * 0, or -1 with errno set (EIO when write made no progress).
 * @relation(REQ-RUN-020) */
__attribute__((warn_unused_result))
int dsg_write_all(int fd, const void *buf, size_t n);

#endif
