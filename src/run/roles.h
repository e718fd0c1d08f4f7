/*
 * The worker roles dsgd starts today, and what kind of sandbox each gets.
 */
#ifndef DSGD_ROLES_H
#define DSGD_ROLES_H

#include <stddef.h>
#include <stdint.h>

typedef enum dsgd_role_kind {
    DSGD_ROLE_NETWORK = 0,   /* parses network input: no files, sockets or exec */
    DSGD_ROLE_STORAGE = 1    /* owns var/<role>/: chroot + Landlock, files there only */
} dsgd_role_kind;

typedef struct dsgd_role {
    const char *name;
    uint32_t id;             /* the role number HELLO carries */
    dsgd_role_kind kind;
} dsgd_role;

#ifdef DSG_TEST_HOOKS
#define DSGD_ROLE_COUNT 7u   /* and sink (run/sink.h), for the body tests */
#else
#define DSGD_ROLE_COUNT 6u
#endif
#define DSGD_ROLE_LOGD 1u    /* its index: it always runs */
#define DSGD_ROLE_LOGFWD 3u  /* its index: it runs when log.forward names collectors */

extern const dsgd_role dsgd_roles[DSGD_ROLE_COUNT];

/* The role named name, or NULL. @relation(REQ-RUN-030) */
const dsgd_role *dsgd_role_find(const char *name);

/* The roles of a dsgd.roles value ("portal, ctl": names separated by
 * commas and blanks) as a bit per index of dsgd_roles, logd's always set:
 * 0, or -1 with the problem in why (an unknown name, a name twice, logfwd,
 * which log.forward starts).
 * @relation(REQ-RUN-001) */
int dsgd_roles_parse(const char *list, uint32_t *enabled, char *why, size_t n);

#endif
