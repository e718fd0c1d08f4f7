/* The roles table: portal (network-facing), logd (storage), ctl (the
 * control socket: it parses what dsgctl sends, so it is a network role). */
#include <stdlib.h>
#include <string.h>

#include "run/roles.h"

const dsgd_role dsgd_roles[DSGD_ROLE_COUNT] = {
    { "portal", 1u, DSGD_ROLE_NETWORK },
    { "logd", 2u, DSGD_ROLE_STORAGE },
    { "ctl", 3u, DSGD_ROLE_NETWORK },
#ifdef DSG_TEST_HOOKS
    { "sink", 4u, DSGD_ROLE_NETWORK },
#endif
};

int dsgd_role_enabled(const dsgd_role *r)
{
#ifdef DSG_TEST_HOOKS
    if (strcmp(r->name, "sink") == 0) {
        const char *v = getenv("DSG_TEST_SINK");
        return v != NULL && strcmp(v, "1") == 0;
    }
#endif
    (void)r;
    return 1;
}

const dsgd_role *dsgd_role_find(const char *name)
{
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++)
        if (strcmp(dsgd_roles[i].name, name) == 0)
            return &dsgd_roles[i];
    return NULL;
}
