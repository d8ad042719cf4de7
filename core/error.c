/* Thread-local error messages. A fixed buffer per thread: setting an error must
 * never allocate, because it is also how out-of-memory is reported. */
#include "snex/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SNX_ERRMSG_MAX 1024

static _Thread_local char errmsg[SNX_ERRMSG_MAX];
static _Thread_local int errcode;

int snx_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errmsg, sizeof errmsg, fmt, ap);
    va_end(ap);
    errcode = code;
    return code;
}

int snx_error_context(const char *fmt, ...)
{
    char old[SNX_ERRMSG_MAX];
    memcpy(old, errmsg, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(errmsg, sizeof errmsg, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n + 2 < sizeof errmsg) {
        /* Append ": old", truncating to the buffer. */
        size_t at = (size_t)n, room = sizeof errmsg - at - 3;
        size_t len = strnlen(old, room);
        memcpy(errmsg + at, ": ", 2);
        memcpy(errmsg + at + 2, old, len);
        errmsg[at + 2 + len] = '\0';
    }
    return errcode;
}

const char *snx_errmsg(void) { return errmsg; }
int snx_errcode(void) { return errcode; }

void snx_error_clear(void)
{
    errmsg[0] = '\0';
    errcode = 0;
}

const char *snx_strerror(int code)
{
    switch (code) {
    case SNX_OK: return "OK";
    case SNX_EINVAL: return "InvalidArgument";
    case SNX_ENOMEM: return "NoMemory";
    case SNX_ETYPE: return "TypeError";
    case SNX_ENAME: return "InvalidName";
    case SNX_ENOTFOUND: return "NotFound";
    case SNX_ENOTUNIQUE: return "NotUniqueNode";
    case SNX_ELOCKED: return "ParameterLocked";
    case SNX_EPRESET: return "Presetting";
    case SNX_ENODATA: return "DataNotInStorage";
    case SNX_EVERSION: return "VersionMismatch";
    case SNX_EIO: return "IOError";
    case SNX_ESTATE: return "InvalidState";
    case SNX_EPARSE: return "ParseError";
    case SNX_EDIM: return "DimensionMismatch";
    case SNX_ENOSERVICE: return "NoSuchService";
    case SNX_EEXIST: return "AlreadyExists";
    case SNX_ERUN: return "RunFailed";
    case SNX_EFORMAT: return "FormatError";
    case SNX_ENUMERIC: return "NumericalError";
    default: return "UnknownError";
    }
}
