/* The dsgd master: state directories, pidfile, workers, supervision. */
#ifndef DSGD_MASTER_H
#define DSGD_MASTER_H

#include <stddef.h>

#include "run/config_show.h"
#include "run/settings.h"

#define DSGD_VERSION "0.1.0"

/* Loads the settings again from where they first came from (SIGHUP):
 * 0, or -1 with a message naming the file and line in err. */
typedef int (*dsgd_reload_fn)(dsgd_settings *s, dsgd_config_in_force *in, char *err, size_t n);

/* Runs the master until SIGTERM/SIGINT; returns the process exit status.
 * self_exe is the binary to re-exec for each worker (/proc/self/exe read at
 * start); in is the configuration in force (for `dsgctl config show`);
 * reload is called on SIGHUP. Started as root it needs the worker
 * user and never creates it (make install and sysusers.d do), and it needs
 * no capability beyond the systemd unit's bounding set (docs/install.md).
 * @relation(REQ-RUN-008, REQ-RUN-009, REQ-RUN-018, REQ-RUN-024, REQ-RUN-030, REQ-RUN-034, REQ-RUN-035, REQ-RUN-036, REQ-RUN-048) */
int dsgd_master_main(dsgd_settings *s, const dsgd_config_in_force *in, const char *self_exe,
                     dsgd_reload_fn reload);

#endif
