/* What a storage role reads from a command line: see role_args.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/role_args.h"

char *dsgd_arg_last_of(char *line, const char *s)
{
    char *found = NULL;
    for (char *at = strstr(line, s); at != NULL; at = strstr(at + 1, s))
        found = at;
    return found;
}

int dsgd_who_take(char *line, dsgd_who *w)
{
    char *at = dsgd_arg_last_of(line, " --uid ");
    unsigned long uid, pid;
    int used = 0;
    if (at == NULL || sscanf(at, " --uid %lu --pid %lu%n", &uid, &pid, &used) != 2 ||
        at[used] != '\0')
        return -1;
    *at = '\0';
    snprintf(w->uid, sizeof w->uid, "%lu", uid);
    snprintf(w->pid, sizeof w->pid, "%lu", pid);
    snprintf(w->actor, sizeof w->actor, "uid:%lu", uid);
    char *admin = dsgd_arg_last_of(line, " --admin ");
    if (admin != NULL) {
        const char *name = admin + 9;
        if (strlen(name) == 0 || strlen(name) > DSG_ACCT_USER_ID_MAX || strchr(name, ' ') != NULL)
            return -1;
        snprintf(w->actor, sizeof w->actor, "%s", name);
        *admin = '\0';
    }
    return 0;
}

int dsgd_arg_id(const char *s, int64_t *id, const char **rest)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (s[0] < '1' || s[0] > '9' || errno != 0 || (*end != '\0' && *end != ' '))
        return -1;
    *id = v;
    *rest = *end == ' ' ? end + 1 : end;
    return 0;
}
