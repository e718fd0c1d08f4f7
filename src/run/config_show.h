/*
 * `dsgctl config show` (REQ-RUN-018): the configuration dsgd runs with,
 * every key with its value and where the value comes from: the embedded
 * default (with the default's source), a line of the file of `dsgd -f`,
 * or a command-line option. The master keeps the configuration in force
 * and renders it; the ctl worker hands the rendering to dsgctl unchanged.
 */
#ifndef DSGD_CONFIG_SHOW_H
#define DSGD_CONFIG_SHOW_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"

/* The configuration in force: the loaded keys, and which of them a
 * command-line option set (from_cmdline[id] is 1). */
typedef struct dsgd_config_in_force {
    dsg_config cfg;
    uint8_t from_cmdline[DSG_CFG_COUNT];
} dsgd_config_in_force;

/* The option that sets key id from the command line ("-l"), or NULL.
 * @relation(REQ-RUN-018) */
const char *dsgd_config_option(dsg_config_id id);

/* Sets key id to text as the option of dsgd_config_option(id) does; 0, or
 * -1 when the text is longer than a value may be. @relation(REQ-RUN-018) */
__attribute__((warn_unused_result))
int dsgd_config_override(dsgd_config_in_force *in, dsg_config_id id, const char *text);

/* Replaces key id's value by the one in force, keeping its origin (a
 * path resolved at start: dsgd.pidfile follows the state directory); 0, or
 * -1 when it is too long. @relation(REQ-RUN-018) */
__attribute__((warn_unused_result))
int dsgd_config_resolved(dsgd_config_in_force *in, dsg_config_id id, const char *text);

/* Where key id's value comes from: "default", "FILE:LINE" or
 * "command line -X". @relation(REQ-RUN-018) */
void dsgd_config_where(const dsgd_config_in_force *in, dsg_config_id id, char *buf,
                       size_t cap);

/* One line per key in the file's own syntax, so the output is itself a
 * configuration file: `key = value  # origin`, where a default's origin
 * reads "default (source: ...)". Returns the length, or 0 when it does
 * not fit in cap. @relation(REQ-RUN-018) */
size_t dsgd_config_show_text(const dsgd_config_in_force *in, unsigned generation, char *out,
                             size_t cap);

/* JSON: {"config_generation", "keys": [{"key", "value", "origin"
 * ("default", "file" or "command-line"), "file" and "line" (origin file),
 * "option" (origin command-line), "default", "source" (the default's
 * source)}]}, by the proved JSON writer. Returns the length, or 0 when it
 * does not fit in cap. @relation(REQ-RUN-018) */
size_t dsgd_config_show_json(const dsgd_config_in_force *in, unsigned generation, uint8_t *out,
                             size_t cap);

#endif
