/* The library's version, as compiled into it (snex/version.h). */
#include "snex/version.h"

const char *snx_version(void)
{
    return SNX_VERSION_STRING;
}
