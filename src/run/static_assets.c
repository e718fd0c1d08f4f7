/* The portal's static assets: see static_assets.h. The files are taken
 * into the object as they are by the assembler (.incbin, from the
 * directory make runs in; the GNUmakefile makes this object depend on
 * them), each followed by its end symbol. */
#include <string.h>

#include "run/static_assets.h"

#define EMBED(sym, file)                                                   \
    __asm__(".section .rodata\n"                                           \
            ".global " #sym "\n" #sym ":\n"                                \
            ".incbin \"" file "\"\n"                                       \
            ".global " #sym "_end\n" #sym "_end:\n"                        \
            ".previous\n");                                                \
    extern const uint8_t sym[], sym##_end[]

EMBED(dsgd_asset_css, "src/run/static/portal.css");
EMBED(dsgd_asset_js, "src/run/static/webauthn.js");
EMBED(dsgd_asset_icon, "src/run/static/icon.svg");

static dsgd_asset assets[3] = {
    { "/static/portal.css", "text/css; charset=utf-8", NULL, 0 },
    { "/static/webauthn.js", "text/javascript; charset=utf-8", NULL, 0 },
    { "/static/icon.svg", "image/svg+xml", NULL, 0 },
};

static void fill(void)
{
    assets[0].bytes = dsgd_asset_css;
    assets[0].len = (size_t)(dsgd_asset_css_end - dsgd_asset_css);
    assets[1].bytes = dsgd_asset_js;
    assets[1].len = (size_t)(dsgd_asset_js_end - dsgd_asset_js);
    assets[2].bytes = dsgd_asset_icon;
    assets[2].len = (size_t)(dsgd_asset_icon_end - dsgd_asset_icon);
}

const dsgd_asset *dsgd_assets(size_t *n)
{
    fill();
    *n = sizeof assets / sizeof assets[0];
    return assets;
}

const dsgd_asset *dsgd_asset_find(const uint8_t *path, size_t len)
{
    fill();
    for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++)
        if (strlen(assets[i].path) == len && memcmp(assets[i].path, path, len) == 0)
            return &assets[i];
    return NULL;
}
