/* The dsgd master: state directories, pidfile, workers, supervision. */
#ifndef DSGD_MASTER_H
#define DSGD_MASTER_H

#include "run/settings.h"

#define DSGD_VERSION "0.1.0"

/* Runs the master until SIGTERM/SIGINT; returns the process exit status.
 * self_exe is the binary to re-exec for each worker (/proc/self/exe read at
 * start). @relation(REQ-RUN-030, REQ-RUN-034, REQ-RUN-035, REQ-RUN-036) */
int dsgd_master_main(dsgd_settings *s, const char *self_exe);

#endif
