/*
 * A storage role's answer to a dsgctl command the master passed on
 * (DSGD_MSG_ROLE_COMMAND): output, then a report with the exit status and
 * its text. Output that fits one report goes in it; longer output goes in
 * DSGD_MSG_ROLE_PART pieces, each once the master has given back the last
 * one's credit (bus.h). A command that changes stored data answers only
 * once logd has stored the change's record (REQ-LOG-008): the report waits
 * for that record's ticket (audit_out.h). One command at a time per role.
 */
#ifndef DSGD_ROLE_ANSWER_H
#define DSGD_ROLE_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "run/bus.h"

#define DSGD_ANSWER_REPORT_MAX 4000u   /* bytes of a report's text */

/* Takes a command from the master: 0, or -1 while an answer is still going
 * out (the master sends one command at a time, so that is a broken peer).
 * @relation(REQ-RUN-023) */
int dsgd_answer_begin(dsgd_chan *bus);

/* Appends to the answer's output. @relation(REQ-RUN-023) */
void dsgd_answer_put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* @relation(REQ-RUN-023) */
void dsgd_answer_put_bytes(const uint8_t *b, size_t n);

/* Ends the command: status and text go in the report, after the output; a
 * failure's text is its whole answer. Returns 0.
 * @relation(REQ-RUN-023) */
int dsgd_answer_finish(uint8_t status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Makes the report wait for the record of ticket (0: a record that could
 * not be queued, which fails the command with `what`'s message: the store
 * has the change, its record is missing). @relation(REQ-LOG-008) */
void dsgd_answer_wait_for(uint32_t ticket, const char *what);

/* An audit acknowledgement came in: a report waiting for its record goes
 * out (with EX_TEMPFAIL if the record was not stored).
 * @relation(REQ-LOG-008) */
void dsgd_answer_audited(void);

/* Reads the flags of args (words separated by spaces) into set[i] for
 * names[i], n of them (1 or 2 names): 0, or -1 after ending the command
 * with a usage error naming the word that is none of them.
 * @relation(REQ-ACCT-020) */
int dsgd_answer_flags(const char *cmd, const char *args, const char *const *names, int *set,
                      int n);

/* Sends the next piece or the report when the bus has room.
 * @relation(REQ-RUN-023) */
void dsgd_answer_pump(void);

/* Whether the answer can go on now (a poll timeout of 0).
 * @relation(REQ-RUN-023) */
int dsgd_answer_ready(void);

/* Drops the answer (the role stops). @relation(REQ-RUN-023) */
void dsgd_answer_reset(void);

#endif
