/* snex error model: every call that can fail returns 0 or a negative SNX_E code
 * (or NULL), and leaves a readable, thread-local message saying what was wrong and
 * where. The kinds mirror pypet's exceptions plus the plain ones. */
#ifndef SNEX_ERROR_H
#define SNEX_ERROR_H

#include "snex/api.h"

enum snx_status {
    SNX_OK = 0,
    SNX_EINVAL = -1,     /* invalid argument (ValueError) */
    SNX_ENOMEM = -2,     /* out of memory */
    SNX_ETYPE = -3,      /* wrong or unsupported type (TypeError) */
    SNX_ENAME = -4,      /* invalid name */
    SNX_ENOTFOUND = -5,  /* no such node or item (AttributeError) */
    SNX_ENOTUNIQUE = -6, /* NotUniqueNodeError */
    SNX_ELOCKED = -7,    /* ParameterLockedException */
    SNX_EPRESET = -8,    /* PresettingError */
    SNX_ENODATA = -9,    /* DataNotInStorageError */
    SNX_EVERSION = -10,  /* VersionMismatchError */
    SNX_EIO = -11,       /* file or system I/O */
    SNX_ESTATE = -12,    /* not allowed in the current state (e.g. during a run) */
    SNX_EPARSE = -13,    /* syntax error in an equation, statement or unit */
    SNX_EDIM = -14,      /* dimension (unit) mismatch */
    SNX_ENOSERVICE = -15,/* no storage service attached */
    SNX_EEXIST = -16,    /* the node already exists */
    SNX_ERUN = -17,      /* one or more runs failed */
    SNX_EFORMAT = -18,   /* corrupt or unreadable file contents */
    SNX_ENUMERIC = -19,  /* a simulation's state became NaN or infinite */
};

/* Sets the calling thread's error message (printf-style) and returns `code`, so that
 * a failing function can say `return snx_error(SNX_EINVAL, "...", ...);`. */
SNX_API int snx_error(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefixes the current message with more context: "context: old message".
 * Returns the current error code. */
SNX_API int snx_error_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The last error message and code of the calling thread ("" and 0 when none). */
SNX_API const char *snx_errmsg(void);
SNX_API int snx_errcode(void);
SNX_API void snx_error_clear(void);

/* A short name of an error code, e.g. "NotUniqueNode" for SNX_ENOTUNIQUE. */
SNX_API const char *snx_strerror(int code);

#endif
