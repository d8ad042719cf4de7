/* The version of snex: the numbers a program was compiled against (macros) and the
 * version of the library it runs with (snx_version()). The Makefile reads its
 * VERSION from here, so this is the one place to change it; libsnex.so's SONAME
 * carries the major number (libsnex.so.0). Until 1.0 a minor release may change the
 * API; the major number changes with every break of the ABI. */
#ifndef SNEX_VERSION_H
#define SNEX_VERSION_H

#include "snex/api.h"

#define SNX_VERSION_MAJOR 0
#define SNX_VERSION_MINOR 1
#define SNX_VERSION_PATCH 0
#define SNX_VERSION_STRING "0.1.0"
/* One number that orders versions: 10000 * major + 100 * minor + patch. */
#define SNX_VERSION_NUMBER \
    (10000 * SNX_VERSION_MAJOR + 100 * SNX_VERSION_MINOR + SNX_VERSION_PATCH)

/* The version of the library linked at run time, e.g. "0.1.0" (a static string, never
 * NULL); compare with SNX_VERSION_STRING to see what a program was built against. */
SNX_API const char *snx_version(void);

#endif
