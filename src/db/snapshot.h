/*
 * A consistent online copy of a role's own database for a backup (spec/bkup.md
 * REQ-BKUP-002): SQLite's online backup API copies the database, a few pages
 * at a time so that the role goes on serving between steps, into a
 * temporary file beside it (the role's own directory: a chrooted role has
 * no other), restarting by itself when another connection writes meanwhile
 * and taking the role's own writes along; the complete copy is then written
 * to a descriptor the caller gives (the backup's member, opened by whoever
 * runs the backup) and the temporary file removed. No role opens another's
 * files. Not pure (files, SQLite); library code of the storage roles.
 */
#ifndef DSG_DB_SNAPSHOT_H
#define DSG_DB_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

struct sqlite3;

typedef struct dsg_db_snapshot dsg_db_snapshot;

/* Starts a copy of src's main database into tmp_path, created here (mode
 * 0600, refused when it exists: nothing is overwritten). 0 with *out, or
 * -1 with a message. @relation(REQ-BKUP-002) */
__attribute__((warn_unused_result))
int dsg_db_snapshot_begin(struct sqlite3 *src, const char *tmp_path, dsg_db_snapshot **out,
                          char *err, size_t n);

/* Copies at most `pages` pages (at least 1): 1 when more remain (or the
 * source was busy: step again later), 0 when the copy is complete, -1 with
 * a message (then only abort is left). @relation(REQ-BKUP-002) */
int dsg_db_snapshot_step(dsg_db_snapshot *s, int pages, char *err, size_t n);

/* After a step answered 0, instead of finish: the copy closed, opened
 * read-only into *fd (close-on-exec) with its size in *bytes, and its
 * temporary file removed (the descriptor keeps the bytes), s freed: for a
 * caller that sends the copy in pieces, with its size first. 0, or -1
 * with a message (the temporary file removed and s freed all the same).
 * @relation(REQ-BKUP-002) */
__attribute__((warn_unused_result))
int dsg_db_snapshot_take(dsg_db_snapshot *s, int *fd, uint64_t *bytes, char *err, size_t n);

/* After a step answered 0: the copy's bytes written to fd, the temporary
 * file removed and s freed. 0 with the byte count in *bytes, or -1 with a
 * message (the temporary file removed and s freed all the same).
 * @relation(REQ-BKUP-002) */
__attribute__((warn_unused_result))
int dsg_db_snapshot_finish(dsg_db_snapshot *s, int fd, uint64_t *bytes, char *err, size_t n);

/* Gives up: the temporary file removed, s freed. NULL allowed.
 * @relation(REQ-BKUP-002) */
void dsg_db_snapshot_abort(dsg_db_snapshot *s);

#endif
