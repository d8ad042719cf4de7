/* Small helpers every module uses: allocation that reports failure through the
 * error model, and a growable byte buffer. */
#ifndef SNEX_UTIL_H
#define SNEX_UTIL_H

#include "snex/api.h"

#include <stdarg.h>
#include <stddef.h>

/* Like malloc/calloc/realloc/strdup, but on failure set SNX_ENOMEM with a message. */
SNX_API void *snx_malloc(size_t size);
SNX_API void *snx_calloc(size_t count, size_t size);
SNX_API void *snx_realloc(void *ptr, size_t size);
SNX_API char *snx_strdup(const char *s);
SNX_API char *snx_strndup(const char *s, size_t n);

/* Grows *items (of *cap elements of `size` bytes) so that it holds at least `need`
 * elements, doubling. Returns 0 or SNX_ENOMEM (and leaves *items untouched). */
SNX_API int snx_grow(void *items_ptr, size_t *cap, size_t need, size_t size);

/* A growable byte buffer. Zero-initialise ({0}) before use; free with snx_buf_free. */
typedef struct snx_buf {
    char *data;
    size_t len, cap;
} snx_buf;

/* Room for `extra` more bytes; appending bytes, a string, printf-style text (always
 * NUL-terminated). Each returns 0 or SNX_ENOMEM, leaving the buffer as it was. */
SNX_API int snx_buf_reserve(snx_buf *b, size_t extra);
SNX_API int snx_buf_append(snx_buf *b, const void *data, size_t n);
SNX_API int snx_buf_puts(snx_buf *b, const char *s);
SNX_API int snx_buf_printf(snx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
SNX_API int snx_buf_vprintf(snx_buf *b, const char *fmt, va_list ap);
/* Hands the NUL-terminated contents to the caller and resets the buffer. */
SNX_API char *snx_buf_take(snx_buf *b);
SNX_API void snx_buf_free(snx_buf *b);

#endif
