/*
 * A test helper that makes a backup from given files with the library
 * (src/bkup/bk_backup.h), for the conformance cases of `dsgctl backup`
 * until dsgd makes backups itself (REQ-BKUP-001). Not installed.
 *
 *   bkup_make DEST ID RECIPIENT_PUB.pem SIGNING_KEY SIGNING_PUB.pem ROLE:NAME=FILE...
 *
 * SIGNING_KEY is created (with its public key written to SIGNING_PUB.pem)
 * when it does not exist, else loaded. Every role named gets its role line
 * with the backup's creation time and schema 1. Exit 0, or 1 with the
 * library's message.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bkup/bk_backup.h"
#include "ctl/key_escrow.h"

static int die(const char *what, const char *err)
{
    fprintf(stderr, "bkup_make: %s: %s\n", what, err);
    return 1;
}

/* The signing key at path, made (its public key to pub_path) when missing. */
static int signing_key(const char *path, const char *pub_path, uint8_t key[32], char *err,
                       size_t n)
{
    char pem[DSG_BK_PUB_PEM_MAX];
    if (access(path, F_OK) != 0) {
        if (dsg_bk_signkey_create(path, err, n) != DSG_BK_OK)
            return -1;
    }
    if (dsg_bk_signkey_load(path, key, err, n) != DSG_BK_OK ||
        dsg_bk_signkey_public_pem(key, pem, sizeof pem) != DSG_BK_OK)
        return -1;
    FILE *f = fopen(pub_path, "w");
    if (f == NULL || fputs(pem, f) == EOF || fclose(f) != 0) {
        snprintf(err, n, "%s: cannot write", pub_path);
        return -1;
    }
    return 0;
}

static int add(dsg_bk_writer *w, const char *spec, char *err, size_t n)
{
    char role[16];
    const char *colon = strchr(spec, ':'), *eq = colon != NULL ? strchr(colon, '=') : NULL;
    if (colon == NULL || eq == NULL || (size_t)(colon - spec) >= sizeof role) {
        snprintf(err, n, "'%s' is not ROLE:NAME=FILE", spec);
        return -1;
    }
    memcpy(role, spec, (size_t)(colon - spec));
    role[colon - spec] = '\0';
    char *name = strndup(colon + 1, (size_t)(eq - colon - 1));
    int r = dsg_bk_role_of(role), fd = open(eq + 1, O_RDONLY);
    int rc = r < 0 || fd < 0 || name == NULL ? -1 : 0;
    if (rc != 0)
        snprintf(err, n, "'%s': unknown role or unreadable file", spec);
    else
        rc = dsg_bk_writer_add(w, (unsigned)r, name, fd, err, n) == DSG_BK_OK ? 0 : -1;
    if (fd >= 0)
        close(fd);
    free(name);
    return rc;
}

int main(int argc, char **argv)
{
    char err[1024], when[DSG_BK_TIME_LEN + 1] = "";
    uint8_t pub[32], key[32];
    dsg_bk_writer *w = NULL;
    int declared[DSG_BK_ROLES] = { 0 };
    if (argc < 6) {
        fputs("usage: bkup_make DEST ID RECIPIENT_PUB.pem SIGNING_KEY SIGNING_PUB.pem "
              "ROLE:NAME=FILE...\n", stderr);
        return 2;
    }
    if (dsg_ke_x25519(argv[3], 0, pub, err, sizeof err) != DSG_KE_OK)
        return die(argv[3], err);
    if (signing_key(argv[4], argv[5], key, err, sizeof err) != 0)
        return die(argv[4], err);
    if (dsg_bk_writer_new(argv[1], argv[2], NULL, pub, &w, err, sizeof err) != DSG_BK_OK)
        return die(argv[1], err);
    snprintf(when, sizeof when, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s.000Z", argv[2], argv[2] + 4,
             argv[2] + 6, argv[2] + 9, argv[2] + 11, argv[2] + 13);
    for (int i = 6; i < argc; i++) {
        const char *colon = strchr(argv[i], ':');
        char role[16] = "";
        if (colon != NULL && (size_t)(colon - argv[i]) < sizeof role)
            memcpy(role, argv[i], (size_t)(colon - argv[i]));
        int r = dsg_bk_role_of(role);
        if (r >= 0 && !declared[r]) {
            if (dsg_bk_writer_role(w, (unsigned)r, when, 1, err, sizeof err) != DSG_BK_OK)
                return die(role, err);
            declared[r] = 1;
        }
        if (add(w, argv[i], err, sizeof err) != 0)
            return die("member", err);
    }
    dsg_bk_status st = dsg_bk_writer_commit(w, key, err, sizeof err);
    dsg_bk_writer_free(w);
    return st == DSG_BK_OK ? 0 : die("commit", err);
}
