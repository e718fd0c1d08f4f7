/* Whether an account may be used from an address: see org_access.h. */
#include "auth/org_access.h"

/* Index = the result; the last row answers any value outside the enum. */
static const char texts[DSG_ORG_OUTSIDE + 2][56] = {
    "inside the registered networks of its organisation",
    "inside auth.ministry_networks",
    "the organisation is not registered",
    "the organisation is registered as another kind",
    "outside the registered networks of its organisation",
    "refused",
};

dsg_org_access dsg_org_access_decide(const dsg_org_facts *f)
{
    if (f->registered != 0 && f->kind_matches != 0 && f->in_org == 1)
        return DSG_ORG_ALLOWED;
    if (f->ministry_account != 0 && f->in_ministry == 1)
        return DSG_ORG_ALLOWED_MINISTRY;
    if (f->registered == 0)
        return DSG_ORG_UNREGISTERED;
    if (f->kind_matches == 0)
        return DSG_ORG_KIND_MISMATCH;
    return DSG_ORG_OUTSIDE;
}

int dsg_org_access_allowed(dsg_org_access a)
{
    return a == DSG_ORG_ALLOWED || a == DSG_ORG_ALLOWED_MINISTRY;
}

const char *dsg_org_access_text(dsg_org_access a)
{
    unsigned i = (unsigned)a;
    if (i > (unsigned)DSG_ORG_OUTSIDE)
        i = (unsigned)DSG_ORG_OUTSIDE + 1u;
    return texts[i];
}
