/*
 * The setup pipe on fd 5: how the master hands a worker what it must have
 * before its sandbox is loaded and cannot fetch itself once sandboxed (the
 * portal: settings, certificate and key, portal_setup.h; logfwd: settings,
 * CA certificates and collectors, logfwd_setup.h; docs/sandbox.md).
 *
 * The master fills the pipe and closes its write end before fork: the whole
 * setup fits one pipe buffer, so there is no protocol and no blocking. The
 * worker reads fd 5 to EOF and closes it before its sandbox step 1.
 *
 * Wire format, the same for every worker (integers little-endian u32):
 *
 *   magic      the worker's own ("DSGP" portal, "DSGF" logfwd)
 *   version    of that worker's layout
 *   settings   a fixed number of u32, in the worker's order
 *   blobs      a fixed number of (u32 length, that many bytes), none empty
 *
 * and nothing after the last blob. This module writes and reads the frame
 * (magic, version, blobs) and moves the bytes; each worker's module says
 * what its settings and blobs are and which of them may be zero.
 */
#ifndef DSGD_SETUP_PIPE_H
#define DSGD_SETUP_PIPE_H

#include <stddef.h>
#include <stdint.h>

#define DSGD_SETUP_FD 5
/* the whole setup fits in one pipe buffer (64 KiB), so the master writes it
 * before fork and never blocks */
#define DSGD_SETUP_MAX 60000u

/* One worker's layout. */
typedef struct dsgd_setup_format {
    const char *name;      /* "portal", "logfwd": for messages */
    uint32_t magic;
    uint32_t version;
    size_t head;           /* bytes before the first blob: magic, version, settings */
} dsgd_setup_format;

/* Master: magic and version at buf[0 .. 8). @relation(REQ-RUN-042, REQ-RUN-053) */
void dsgd_setup_put_head(uint8_t *buf, const dsgd_setup_format *f);

/* Master: a blob at buf + at (its u32 length, then its len bytes); returns
 * where the next one starts. @relation(REQ-RUN-042, REQ-RUN-053) */
size_t dsgd_setup_put_blob(uint8_t *buf, size_t at, const void *p, size_t len);

/* Master: a pipe (close-on-exec both ends) holding buf[0 .. len), after
 * which buf is wiped (it may hold a private key); returns its read end with
 * the write end closed, or -1 after logging why.
 * @relation(REQ-RUN-042, REQ-RUN-053) */
__attribute__((warn_unused_result))
int dsgd_setup_fill(const dsgd_setup_format *f, uint8_t *buf, size_t len);

/* Worker: reads fd to EOF into buf (at most size bytes) and checks that it
 * starts with f's magic and version and holds its settings; *n is the
 * length read. 0, or -1 with a message in err.
 * @relation(REQ-RUN-042, REQ-RUN-053) */
__attribute__((warn_unused_result))
int dsgd_setup_read(int fd, uint8_t *buf, size_t size, const dsgd_setup_format *f, size_t *n,
                    char *err, size_t errsize);

/* Worker: the blob at *at of buf[0 .. n), which moves *at past it: 0 and
 * its place, or -1 when it is empty or runs past the end.
 * @relation(REQ-RUN-042, REQ-RUN-053) */
__attribute__((warn_unused_result))
int dsgd_setup_take_blob(const uint8_t *buf, size_t n, size_t *at, const uint8_t **p,
                         size_t *len);

/* Worker: the same for a blob of text, which must hold no NUL byte (it is
 * not NUL-terminated). @relation(REQ-RUN-042, REQ-RUN-053) */
__attribute__((warn_unused_result))
int dsgd_setup_take_text(const uint8_t *buf, size_t n, size_t *at, const char **p, size_t *len);

/* Worker: "setup pipe on fd 5: why" in err; returns -1.
 * @relation(REQ-RUN-042, REQ-RUN-053) */
int dsgd_setup_bad(char *err, size_t errsize, const char *why);

#endif
