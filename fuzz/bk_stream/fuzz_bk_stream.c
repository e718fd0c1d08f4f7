/*
 * libFuzzer harness of a role's copy on its way to the backup writer
 * (src/bkup/bk_stream.h): any bytes read as a role's stream into a fresh
 * backup directory, encrypted to a fixed key. Every status is a defined
 * one and a refusal has a message; on OK the member bytes counted are no
 * more than the input held; the backup directory holds nothing but the
 * role's directory, and the three directories above it nothing but their
 * one child (no name reaches outside it). abort() on any violation.
 * @relation(REQ-BKUP-002)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bkup/bk_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t RECIPIENT[DSG_X25519_LEN] = "the fuzzer's X25519 public key.";

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* dir holds nothing but name (or nothing at all). */
static void only(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            strcmp(e->d_name, name) != 0)
            abort();
    if (d != NULL)
        closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the backup two levels down, so that a name reaching out of it by
     * one, two or three levels lands where it is seen */
    char outer[] = "/tmp/dsg-fuzz-bkstream-XXXXXX", mid[64], top[64], partial[96];
    char err[1024] = "";
    dsg_bk_writer *w = NULL;
    uint64_t members = 0, bytes = 0;
    int fd = memfd_create("stream", 0);
    if (fd < 0 || mkdtemp(outer) == NULL) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    snprintf(mid, sizeof mid, "%s/a", outer);
    snprintf(top, sizeof top, "%s/a/b", outer);
    if (mkdir(mid, 0700) != 0 || mkdir(top, 0700) != 0)
        abort();
    if ((size == 0 || write(fd, data, size) == (ssize_t)size) && lseek(fd, 0, SEEK_SET) == 0 &&
        dsg_bk_writer_new(top, "20261127T030000Z", "2026-11-27T03:00:00.000Z", RECIPIENT, &w,
                          err, sizeof err) == DSG_BK_OK) {
        dsg_bk_status st = dsg_bk_stream_read(w, 7, fd, &members, &bytes, err, sizeof err);
        if (st > DSG_BK_STATE || (st != DSG_BK_OK && err[0] == '\0'))
            abort();
        if (st == DSG_BK_OK && bytes > size)
            abort();
        snprintf(partial, sizeof partial, "%s/20261127T030000Z.partial", top);
        only(partial, "share");   /* role 7 */
        only(top, "20261127T030000Z.partial");
        only(mid, "b");
        only(outer, "a");
        dsg_bk_writer_free(w);
    }
    close(fd);
    nftw(outer, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
