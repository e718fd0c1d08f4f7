/*
 * The worker roles dsgd starts today, and what kind of sandbox each gets.
 */
#ifndef DSGD_ROLES_H
#define DSGD_ROLES_H

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
#define DSGD_ROLE_COUNT 4u   /* and sink (run/sink.h), started only when DSG_TEST_SINK=1 */
#else
#define DSGD_ROLE_COUNT 3u
/* Whether the master starts role r: every role, except the test builds'
 * sink unless the master's environment has DSG_TEST_SINK=1.
 * @relation(REQ-RUN-030) */
int dsgd_role_enabled(const dsgd_role *r);

#endif

extern const dsgd_role dsgd_roles[DSGD_ROLE_COUNT];

/* The role named name, or NULL. @relation(REQ-RUN-030) */
const dsgd_role *dsgd_role_find(const char *name);

/* Whether the master starts role r: every role, except the test builds'
 * sink unless the master's environment has DSG_TEST_SINK=1.
 * @relation(REQ-RUN-030) */
int dsgd_role_enabled(const dsgd_role *r);

#endif
