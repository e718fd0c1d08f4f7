/*
 * Memory for key bytes (REQ-STOR-010): OpenSSL's secure heap, an arena
 * mapped once at start, locked against swapping (mlock) where
 * RLIMIT_MEMLOCK allows and excluded from core dumps (MADV_DONTDUMP),
 * with guard pages around it. Every long-lived key of dsgd — the roles'
 * data keys, the object store's wrapping key, the search index's key,
 * logd's chain key — lives there, and is wiped when freed. OpenSSL puts
 * the private keys it loads there too (Ed25519, EC).
 *
 * Before dsg_key_mem_init (unit tests, tools), dsg_key_mem_new falls back
 * to ordinary memory, still wiped when freed.
 */
#ifndef DSG_KEY_MEM_H
#define DSG_KEY_MEM_H

#include <stddef.h>
#include <stdint.h>

#define DSG_KEY_MEM_ARENA (128u * 1024u)   /* a power of two, as OpenSSL needs */

/* Maps the arena: 1 when it is locked, excluded from dumps and guarded, 2
 * when it is excluded from dumps but the kernel refused the lock or a
 * guard page (RLIMIT_MEMLOCK is the usual cause), -1 when there is no
 * arena or it could not be excluded from dumps (a message in err). Once per process, before its
 * sandbox: the arena's mmap, mlock and madvise are not allowed after.
 * @relation(REQ-STOR-010) */
__attribute__((warn_unused_result))
int dsg_key_mem_init(char *err, size_t n);

/* len zeroed bytes for a key, or NULL. @relation(REQ-STOR-010) */
uint8_t *dsg_key_mem_new(size_t len);

/* Wipes and frees what dsg_key_mem_new gave; NULL is ignored.
 * @relation(REQ-STOR-010) */
void dsg_key_mem_free(uint8_t *p, size_t len);

/* Whether p lies in the arena. @relation(REQ-STOR-010) */
int dsg_key_mem_is_secure(const void *p);

#endif
