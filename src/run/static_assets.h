/*
 * The web portal's static assets (REQ-SHARE-022, docs/portal.md): the one
 * stylesheet, the one script and the icon, compiled into dsgd from src/run/static/
 * so that no page needs a file at run time or anything from another
 * origin. The auth role serves both under /static/.
 */
#ifndef DSGD_STATIC_ASSETS_H
#define DSGD_STATIC_ASSETS_H

#include <stddef.h>
#include <stdint.h>

typedef struct dsgd_asset {
    const char *path;                /* e.g. "/static/portal.css" */
    const char *type;                /* its Content-Type */
    const uint8_t *bytes;
    size_t len;
} dsgd_asset;

/* The asset served at path[0 .. len), or NULL. @relation(REQ-SHARE-022) */
const dsgd_asset *dsgd_asset_find(const uint8_t *path, size_t len);

/* Every asset, *n of them (for the routes of the role that serves them).
 * @relation(REQ-SHARE-022) */
const dsgd_asset *dsgd_assets(size_t *n);

#endif
