/* Allocation wrappers that report through snx_errmsg(), and the byte buffer. */
#include "snex/util.h"
#include "snex/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *snx_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        snx_error(SNX_ENOMEM, "out of memory allocating %zu bytes", size);
    return p;
}

void *snx_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        snx_error(SNX_ENOMEM, "out of memory allocating %zu x %zu bytes", count, size);
    return p;
}

void *snx_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        snx_error(SNX_ENOMEM, "out of memory reallocating %zu bytes", size);
    return p;
}

char *snx_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = snx_malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

char *snx_strdup(const char *s) { return snx_strndup(s, strlen(s)); }

int snx_grow(void *items_ptr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need)
        ncap *= 2;
    void **items = items_ptr;
    void *p = snx_realloc(*items, ncap * size);
    if (!p)
        return SNX_ENOMEM;
    *items = p;
    *cap = ncap;
    return 0;
}

int snx_buf_reserve(snx_buf *b, size_t extra)
{
    /* +1 keeps room for a terminating NUL after any append. */
    return snx_grow(&b->data, &b->cap, b->len + extra + 1, 1);
}

int snx_buf_append(snx_buf *b, const void *data, size_t n)
{
    if (snx_buf_reserve(b, n))
        return SNX_ENOMEM;
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int snx_buf_puts(snx_buf *b, const char *s) { return snx_buf_append(b, s, strlen(s)); }

int snx_buf_vprintf(snx_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return snx_error(SNX_EINVAL, "bad format string \"%s\"", fmt);
    if (snx_buf_reserve(b, (size_t)n))
        return SNX_ENOMEM;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int snx_buf_printf(snx_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = snx_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *snx_buf_take(snx_buf *b)
{
    if (!b->data && snx_buf_reserve(b, 0))
        return NULL;
    b->data[b->len] = '\0';
    char *s = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void snx_buf_free(snx_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
