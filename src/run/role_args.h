/*
 * What a storage role reads from a dsgctl command line the master passed
 * on: who asked (ctl appends "[ --admin NAME] --uid U --pid P", the
 * administrator whose login ctl checked and the kernel's credentials of
 * the dsgctl process) and the numbers commands take.
 */
#ifndef DSGD_ROLE_ARGS_H
#define DSGD_ROLE_ARGS_H

#include <stdint.h>

#include "auth/acct_app.h"
#include "auth/acct_store.h"

/* Who asked for a command. */
typedef struct dsgd_who {
    char actor[DSG_ACCT_ACTOR_MAX + 1];   /* the administrator, or "uid:U" without a login */
    char uid[16], pid[16];                /* "" for an automatic action of the role */
} dsgd_who;

/* Splits "[ --admin NAME] --uid U --pid P" off the end of line into *w.
 * 0, or -1 when it is missing or malformed. @relation(REQ-ACCT-012, REQ-RUN-021) */
int dsgd_who_take(char *line, dsgd_who *w);

/* The last occurrence of s in line, or NULL. @relation(REQ-ACCT-012) */
char *dsgd_arg_last_of(char *line, const char *s);

/* A decimal number from 1 up, the whole of s up to a space or its end;
 * *rest: after the space. 0, or -1. @relation(REQ-ACCT-020) */
int dsgd_arg_id(const char *s, int64_t *id, const char **rest);

#endif
