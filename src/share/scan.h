/*
 * The upload scanning interface (REQ-SHARE-014, spec/av.md REQ-AV-001):
 * every uploaded object gets exactly one verdict, and the verdict is
 * fail-closed.
 *
 * - CLEAN: the engine saw the whole object, every byte of the size
 *   declared at dsg_scan_new and no more, and found nothing;
 * - INFECTED: the engine found something; the text is the detection name;
 * - NOT_SCANNED: anything else, with the reason as text: "no engine" (the
 *   engine is disabled or not available), "size mismatch: N of M bytes"
 *   (fewer or more bytes than declared: an object that was never fed is
 *   one), "internal error" (no scanner, a misused scanner). Never CLEAN.
 *
 * Only a CLEAN object may become visible (REQ-SHARE-014); the caller holds
 * a NOT_SCANNED one and quarantines an INFECTED one.
 *
 * Until a real engine is plugged in the one engine is the built-in check,
 * recorded as engine "builtin-eicar" so that nobody takes it for a real
 * scan (REQ-AV-001): it recognises the EICAR anti-malware test file and
 * nothing else.
 *
 * The scanner takes the object as a stream, in pieces of any size, and
 * keeps at most the first 128 bytes.
 */
#ifndef DSG_SHARE_SCAN_H
#define DSG_SHARE_SCAN_H

#include <stddef.h>
#include <stdint.h>

typedef enum dsg_scan_verdict {
    DSG_SCAN_CLEAN = 0,
    DSG_SCAN_INFECTED = 1,
    DSG_SCAN_NOT_SCANNED = 2
} dsg_scan_verdict;

/* The engine a scanner runs: the configuration's choice. */
typedef enum dsg_scan_engine {
    DSG_SCAN_ENGINE_NONE = 0,     /* disabled: every verdict NOT_SCANNED "no engine" */
    DSG_SCAN_ENGINE_BUILTIN = 1   /* the built-in check (EICAR test file only) */
} dsg_scan_engine;

#define DSG_SCAN_TEXT_MAX 95u   /* bytes of a detection name or reason */

typedef struct dsg_scan_result {
    dsg_scan_verdict verdict;
    char text[DSG_SCAN_TEXT_MAX + 1];   /* INFECTED: the detection; NOT_SCANNED: the reason; CLEAN: "" */
    const char *engine;                 /* "builtin-eicar" or "none": a static string */
    uint64_t seen;                      /* bytes the scanner was given */
    uint64_t size;                      /* bytes declared at dsg_scan_new */
} dsg_scan_result;

typedef struct dsg_scan dsg_scan;

/* 1 when engine can give a verdict other than NOT_SCANNED "no engine"
 * (the built-in check), 0 for DSG_SCAN_ENGINE_NONE and any value outside
 * the enum. @relation(REQ-SHARE-014) */
int dsg_scan_engine_available(dsg_scan_engine engine);

/* A scanner for one object of size bytes with engine, or NULL when out of
 * memory (dsg_scan_finish(NULL, r) then says NOT_SCANNED "internal
 * error"). An engine that is not available still gives a scanner, whose
 * verdict is NOT_SCANNED "no engine". @relation(REQ-SHARE-014, REQ-AV-001) */
dsg_scan *dsg_scan_new(dsg_scan_engine engine, uint64_t size);

/* Gives the scanner the next n bytes p[0 .. n) of the object. 0; -1 when
 * the scanner has failed (more bytes than declared, p NULL with n > 0, a
 * NULL scanner, after dsg_scan_finish): the verdict will be NOT_SCANNED
 * and further bytes change nothing. @relation(REQ-SHARE-014) */
__attribute__((warn_unused_result))
int dsg_scan_push(dsg_scan *s, const uint8_t *p, size_t n);

/* Declares the size of an object whose length was not known when the
 * scanner was made (dsg_scan_new with UINT64_MAX: a part of a
 * multipart/form-data upload, whose end only its delimiter tells): the
 * verdict then holds the bytes seen to it as dsg_scan_new's size would.
 * 0; -1 when the scanner is NULL, finished, or has seen more than size
 * (it fails). @relation(REQ-SHARE-014) */
__attribute__((warn_unused_result))
int dsg_scan_declare(dsg_scan *s, uint64_t size);

/* The verdict on what the scanner was given, written to *r and returned.
 * Ends the scanner: a later push or finish fails ("internal error").
 * A NULL r gets nothing written and NOT_SCANNED returned.
 * @relation(REQ-SHARE-014, REQ-AV-001) */
__attribute__((warn_unused_result))
dsg_scan_verdict dsg_scan_finish(dsg_scan *s, dsg_scan_result *r);

/* Frees a scanner (NULL is fine). @relation(REQ-SHARE-014) */
void dsg_scan_free(dsg_scan *s);

/* "clean", "infected" or "not-scanned"; "not-scanned" for a value outside
 * the enum. @relation(REQ-SHARE-014) */
const char *dsg_scan_verdict_token(dsg_scan_verdict v);

#endif
