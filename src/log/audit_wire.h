/*
 * Audit records on their way to logd (REQ-LOG-001): a role packs its
 * records into one bus message, the master adds the role's name in front,
 * logd unpacks and appends them. Each record is a u32 little-endian length
 * and the canonical encoding of src/log/audit_enc with sequence 0 and an
 * empty source and time: logd assigns the sequence and the time, and takes
 * the source from the channel, never from the record.
 */
#ifndef DSG_AUDIT_WIRE_H
#define DSG_AUDIT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "log/audit.h"
#include "log/audit_enc.h"

/* Appends one record of `type` with fields f[0 .. n) to buf[0 .. *used),
 * within cap. 0; -1 when it does not fit (nothing appended) or the record
 * cannot be encoded (more than DSG_AENC_FIELDS_MAX fields, a field over
 * DSG_AENC_ITEM_MAX bytes). @relation(REQ-LOG-043) */
__attribute__((warn_unused_result))
int dsg_audit_wire_put(uint8_t *buf, size_t cap, size_t *used, uint32_t type,
                       const dsg_audit_field *f, size_t n);

/* The record at *off in buf[0 .. len): 1 with *r (items pointing into buf)
 * and *off past it; 0 at the end; -1 for bytes that are not a record as
 * dsg_audit_wire_put writes them (the rest of the batch is then unusable).
 * @relation(REQ-LOG-043) */
__attribute__((warn_unused_result))
int dsg_audit_wire_next(const uint8_t *buf, size_t len, size_t *off, dsg_aenc_record *r);

#endif
