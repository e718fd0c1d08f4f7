/*
 * Where backups go (spec/bkup.md REQ-BKUP-016): bkup.dest, checked against
 * the state directory when dsgd starts. A backup on the disk it protects
 * dies with it, so the destination must be an existing directory outside
 * the state directory and on another filesystem; bkup.allow_same_fs
 * accepts the same filesystem (a development machine), with a warning at
 * every start, but never a destination inside the state directory or one
 * that holds it. Linked into dsgd only (not libdsg).
 */
#ifndef DSGD_BKUP_DEST_H
#define DSGD_BKUP_DEST_H

#include <stddef.h>

/* Checks dest against statedir (absolute, resolved). "" is no destination:
 * 0. Otherwise 0 with dest's resolved path in resolved[0 .. cap) and, when
 * it is on the state directory's filesystem and allow_same_fs is set, the
 * warning to print in warn[0 .. wn) ("" when none); or -1 with the reason
 * in err, naming both paths. @relation(REQ-BKUP-016) */
__attribute__((warn_unused_result))
int dsgd_bkup_dest_check(const char *dest, const char *statedir, int allow_same_fs,
                         char *resolved, size_t cap, char *warn, size_t wn, char *err, size_t n);

#endif
