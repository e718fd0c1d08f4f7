/*
 * A storage role's part of a backup run (REQ-BKUP-002, REQ-BKUP-009,
 * docs/backup.md "The backup run"). The master passes the role the write
 * end of a pipe on its fd 4 (SCM_RIGHTS over a SOCK_SEQPACKET socketpair,
 * as logfwd gets its sockets) and then asks on the bus (DSGD_MSG_BACKUP,
 * the backup's ID). Between its other work, one piece a turn of its poll
 * loop, the role copies its databases with the online backup API
 * (src/db/snapshot.h, a few pages a turn, each into a temporary file in
 * its own directory, removed once the copy is open), then writes the
 * stream of src/bkup/bk_stream.h: its role line (the time the last copy
 * completed, its main database's schema version), the databases, then its
 * files (logd's anchor.log as it stood when the copy completed, the share
 * role's objects as stored), and the end mark. The pipe is non-blocking:
 * each turn the role writes what it takes, at most 256 KiB, and waits for
 * POLLOUT when it is full, so a slow writer never stalls the role's other
 * work. Then it closes the pipe and answers DSGD_MSG_BACKUP_DONE (u8
 * status, 0 or 1, then the summary or the reason). It opens only its own
 * files.
 */
#ifndef DSGD_ROLE_BACKUP_H
#define DSGD_ROLE_BACKUP_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "run/bus.h"

struct sqlite3;

#define DSGD_BACKUP_PASS_FD 4   /* the pipes' way in (a storage role's fd 4) */
#define DSGD_BACKUP_ID_LEN 16u  /* YYYYMMDDTHHMMSSZ, the body of DSGD_MSG_BACKUP */

#define DSGD_BACKUP_DBS 2u       /* databases a role may have */

/* What a role backs up: its databases (the first one's schema version is
 * the role's), then the files next_file names (paths relative to the
 * role's directory), each cut to *limit bytes (UINT64_MAX: whole).
 * copied, when not NULL, is called with the backup's ID in the turn the
 * last database's copy completed, before any file is read. */
typedef struct dsgd_backup_source {
    struct sqlite3 *db[DSGD_BACKUP_DBS];    /* NULL: none */
    const char *db_name[DSGD_BACKUP_DBS];
    /* 1 with the next file in name, 0 when there is none left, -1 with a
     * message */
    int (*next_file)(char *name, size_t cap, uint64_t *limit, char *err, size_t n);
    void (*copied)(const char *id);
} dsgd_backup_source;

/* The role's directory (where the temporary copy goes) and how to find
 * what it backs up; a temporary copy a killed run left there (plaintext
 * beside the store) is removed at once. The worker ignores SIGPIPE in a
 * role that backs up, so a writer that went away is a write error, not
 * the role's end.
 * @relation(REQ-BKUP-002) */
void dsgd_role_backup_init(const char *dir, int (*source)(dsgd_backup_source *src));

/* A DSGD_MSG_BACKUP from the master: the pipe taken from fd 4 and the run
 * begun. 0, or -1 (a malformed message, or one while a run goes on: the
 * channel is closed). @relation(REQ-BKUP-002) */
int dsgd_role_backup_start(const dsgd_msg *m, dsgd_chan *chan);

/* Whether a run has work now (the loop then polls without waiting).
 * @relation(REQ-BKUP-002) */
int dsgd_role_backup_busy(void);

/* While the answer waits for bus room: how long the loop may sleep before
 * trying it again (ms); else -1. No busy loop meanwhile.
 * @relation(REQ-BKUP-002) */
int dsgd_role_backup_retry_ms(void);

/* While the pipe is full: its descriptor for POLLOUT into *pf, 1; else 0.
 * @relation(REQ-BKUP-002) */
size_t dsgd_role_backup_pollfd(struct pollfd *pf);

/* One piece of the run; the answer once it is over. 0, or -1 when the
 * channel is broken. @relation(REQ-BKUP-002) */
int dsgd_role_backup_step(dsgd_chan *chan);

#endif
