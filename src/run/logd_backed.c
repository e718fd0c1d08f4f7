/*
 * What of the audit trail a verified backup holds: run/logd_backed.h.
 */
#define _GNU_SOURCE
#include "run/logd_backed.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io/fdio.h"

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" by its characters. */
static int time_form(const char *t)
{
    static const char form[] = "dddd-dd-ddTdd:dd:dd.dddZ";
    for (size_t i = 0; i < DSGD_BACKED_TIME_LEN; i++)
        if (form[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != form[i])
            return 0;
    return 1;
}

/* "YYYYMMDDTHHMMSSZ" by its characters. */
static int id_form(const char *p)
{
    for (size_t i = 0; i < DSGD_BACKED_ID_LEN; i++)
        if (i == 8 ? p[i] != 'T' : i == 15 ? p[i] != 'Z' : (p[i] < '0' || p[i] > '9'))
            return 0;
    return 1;
}

void dsgd_backed_load(dsgd_backed *b, const char *dir)
{
    char path[4200], line[64];
    memset(b, 0, sizeof *b);
    snprintf(path, sizeof path, "%s/" DSGD_BACKED_FILE, dir);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, line, sizeof line - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)(DSGD_BACKED_ID_LEN + 1 + DSGD_BACKED_TIME_LEN + 1) || !id_form(line) ||
        line[DSGD_BACKED_ID_LEN] != ' ' || !time_form(line + DSGD_BACKED_ID_LEN + 1) ||
        line[got - 1] != '\n')
        return;
    memcpy(b->id, line, DSGD_BACKED_ID_LEN);
    memcpy(b->upto, line + DSGD_BACKED_ID_LEN + 1, DSGD_BACKED_TIME_LEN);
}

void dsgd_backed_copied(dsgd_backed *b, const char *id, const char *at)
{
    b->pending_id[0] = b->pending_at[0] = '\0';
    if (strlen(id) == DSGD_BACKED_ID_LEN && id_form(id) && strlen(at) == DSGD_BACKED_TIME_LEN &&
        time_form(at)) {
        memcpy(b->pending_id, id, DSGD_BACKED_ID_LEN + 1);
        memcpy(b->pending_at, at, DSGD_BACKED_TIME_LEN + 1);
    }
}

/* "ID TIME\n" as dir's file, replaced whole (0600). */
static int save(const char *dir, const char *id, const char *at)
{
    char path[4200], line[64];
    snprintf(path, sizeof path, "%s/" DSGD_BACKED_FILE, dir);
    int len = snprintf(line, sizeof line, "%s %s\n", id, at);
    return dsg_replace_file(path, line, (size_t)len, 0600);
}

int dsgd_backed_verified(dsgd_backed *b, const char *dir, const uint8_t *id, size_t len)
{
    if (b->pending_id[0] == '\0' || len != DSGD_BACKED_ID_LEN ||
        memcmp(id, b->pending_id, DSGD_BACKED_ID_LEN) != 0)
        return 0;
    int moved = strcmp(b->pending_at, b->upto) > 0;
    if (moved && save(dir, b->pending_id, b->pending_at) != 0)
        return -1;
    if (moved) {
        memcpy(b->id, b->pending_id, sizeof b->id);
        memcpy(b->upto, b->pending_at, sizeof b->upto);
    }
    b->pending_id[0] = b->pending_at[0] = '\0';
    return moved;
}

int dsgd_backed_cut(const dsgd_backed *b, const char *before, char out[DSGD_BACKED_TIME_LEN + 1])
{
    const char *cut = b->upto[0] != '\0' && strcmp(b->upto, before) >= 0 ? before : b->upto;
    snprintf(out, DSGD_BACKED_TIME_LEN + 1, "%s", cut);
    return cut != before;
}
