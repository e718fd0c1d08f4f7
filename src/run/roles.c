/* The roles table: portal (network-facing), logd (storage), ctl (the
 * control socket: it parses what dsgctl sends, so it is a network role),
 * logfwd (the TLS client that forwards the audit trail to collectors: it
 * reads what they send, so it is a network role), auth (storage: the
 * accounts), share (storage: the areas of protected-information sharing). */
#include <stdio.h>
#include <string.h>

#include "run/roles.h"

const dsgd_role dsgd_roles[DSGD_ROLE_COUNT] = {
    { "portal", 1u, DSGD_ROLE_NETWORK },
    { "logd", 2u, DSGD_ROLE_STORAGE },
    { "ctl", 3u, DSGD_ROLE_NETWORK },
    { "logfwd", 5u, DSGD_ROLE_NETWORK },
    { "auth", 6u, DSGD_ROLE_STORAGE },
    { "share", 7u, DSGD_ROLE_STORAGE },
#ifdef DSG_TEST_HOOKS
    { "sink", 4u, DSGD_ROLE_NETWORK },
#endif
};

const dsgd_role *dsgd_role_find(const char *name)
{
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++)
        if (strcmp(dsgd_roles[i].name, name) == 0)
            return &dsgd_roles[i];
    return NULL;
}

int dsgd_roles_parse(const char *list, uint32_t *enabled, char *why, size_t n)
{
    uint32_t set = 1u << DSGD_ROLE_LOGD;
    const char *p = list;
    for (;;) {
        char name[32];
        size_t len;
        const dsgd_role *r;
        p += strspn(p, " \t,");
        if (*p == '\0')
            break;
        len = strcspn(p, " \t,");
        if (len >= sizeof name) {
            snprintf(why, n, "'%.*s...': no such role", 16, p);
            return -1;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        p += len;
        if ((r = dsgd_role_find(name)) == NULL) {
            snprintf(why, n, "'%s': no such role", name);
            return -1;
        }
        if (r - dsgd_roles == DSGD_ROLE_LOGFWD) {
            snprintf(why, n, "'logfwd' is started by log.forward, not named in dsgd.roles");
            return -1;
        }
        if (set & (1u << (r - dsgd_roles)) && r - dsgd_roles != DSGD_ROLE_LOGD) {
            snprintf(why, n, "'%s' is named twice", name);
            return -1;
        }
        set |= 1u << (r - dsgd_roles);
    }
    *enabled = set;
    return 0;
}
