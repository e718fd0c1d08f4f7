/*
 * What dsgctl reports of the backup work it does itself: run/bkup_report.h.
 */
#define _GNU_SOURCE
#include "run/bkup_report.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/fdio.h"

#define LAST "last-drill"
#define ID_LEN 16u

/* YYYYMMDDTHHMMSSZ by its characters (the date's sense is not checked:
 * the ID only names the backup in the record). */
static int id_form(const char *p)
{
    for (unsigned i = 0; i < ID_LEN; i++) {
        char c = p[i];
        if (i == 8 ? c != 'T' : i == 15 ? c != 'Z' : (c < '0' || c > '9'))
            return 0;
    }
    return 1;
}

int dsgd_bkup_report_parse(const char *body, size_t len, const char *verb, char id[17],
                           int *passed, const char **tail)
{
    static const char ok[] = " passed", bad[] = " failed";
    size_t v = strlen(verb), r = sizeof ok - 1;
    if (len < v + 1 + ID_LEN + r || memcmp(body, verb, v) != 0 || body[v] != ' ' ||
        !id_form(body + v + 1))
        return -1;
    v++;
    const char *res = body + v + ID_LEN;
    if (memcmp(res, ok, r) == 0)
        *passed = 1;
    else if (memcmp(res, bad, r) == 0)
        *passed = 0;
    else
        return -1;
    memcpy(id, body + v, ID_LEN);
    id[ID_LEN] = '\0';
    *tail = res + r;
    return 0;
}

/* STATE/last-drill replaced whole by "ID SECONDS\n" (0600). */
static int keep_last(const char *statedir, const char *id, int64_t now)
{
    char path[4200], line[64];
    snprintf(path, sizeof path, "%s/" LAST, statedir);
    int len = snprintf(line, sizeof line, "%s %" PRId64 "\n", id, now);
    return dsg_replace_file(path, line, (size_t)len, 0600);
}

int dsgd_bkup_drill_report(const char *statedir, const char *id, int passed, const char *who,
                           int64_t now, void (*record)(const char *event, const char *detail),
                           char *out, size_t n)
{
    char detail[300];
    snprintf(detail, sizeof detail, "%s %s; %s", id, passed ? "passed" : "failed", who);
    record("backup-drill", detail);
    if (passed && keep_last(statedir, id, now) != 0) {
        snprintf(out, n, "recorded the drill of %s (passed), but %s/" LAST " cannot be written: "
                 "%s\n", id, statedir, strerror(errno));
        return -1;
    }
    snprintf(out, n, "recorded the drill of %s: %s\n", id, passed ? "passed" : "failed");
    return 0;
}

void dsgd_bkup_verify_report(const char *id, int passed, int decrypted, const char *who,
                             void (*record)(const char *event, const char *detail), char *out,
                             size_t n)
{
    char detail[400];
    const char *what = decrypted ? "signature, sizes and SHA-256, every member decrypted and "
                                   "every database checked"
                                 : "signature, sizes and SHA-256";
    snprintf(detail, sizeof detail, "%s %s: %s; %s", id, passed ? "passed" : "failed", what, who);
    record("backup-checked", detail);
    snprintf(out, n, "recorded the verification of %s: %s\n", id, passed ? "passed" : "failed");
}

int64_t dsgd_bkup_drill_last(const char *statedir, char id[17])
{
    char path[4200], line[64];
    snprintf(path, sizeof path, "%s/" LAST, statedir);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t got = read(fd, line, sizeof line - 1);
    close(fd);
    if (got < (ssize_t)ID_LEN + 3 || !id_form(line) || line[ID_LEN] != ' ')
        return -1;
    line[got] = '\0';
    char *end;
    errno = 0;
    long long t = strtoll(line + ID_LEN + 1, &end, 10);
    if (errno != 0 || end == line + ID_LEN + 1 || *end != '\n' || t < 0)
        return -1;
    memcpy(id, line, ID_LEN);
    id[ID_LEN] = '\0';
    return (int64_t)t;
}

int dsgd_bkup_drill_overdue(int64_t last, int have_backup, int64_t now, uint64_t max_age_s)
{
    if (last < 0)
        return have_backup;
    return now > last && (uint64_t)(now - last) > max_age_s;
}
