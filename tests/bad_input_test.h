/* The bad-input catalogue (tests/test_*_bad_input.c): hostile inputs to the public
 * API, each of which must fail with its documented code and a message, leak nothing
 * (the suite runs under AddressSanitizer too) and leave the object usable (each test
 * goes on using it afterwards). Every case counts; the last test of each file prints
 * the count ("BAD_INPUT <file> cases=N"), which docs/RELIABILITY.md quotes. */
#ifndef BAD_INPUT_TEST_H
#define BAD_INPUT_TEST_H

#include "snx_test.h"

static size_t bad_cases;

/* A call returning a status fails with `code`, its message containing `frag`. */
#define BAD(expr, code, frag)                                                          \
    do {                                                                               \
        snx_error_clear();                                                             \
        assert_fails((expr), (code), (frag));                                          \
        bad_cases++;                                                                   \
    } while (0)

/* A call returning a pointer gives NULL with `code` and `frag`. */
#define BAD_NULL(expr, code, frag)                                                     \
    do {                                                                               \
        snx_error_clear();                                                             \
        if ((expr) != NULL) {                                                          \
            print_error("%s succeeded\n", #expr);                                      \
            fail();                                                                    \
        }                                                                              \
        assert_fails(snx_errcode(), (code), (frag));                                   \
        bad_cases++;                                                                   \
    } while (0)

/* A value constructor gives an ERROR value with `code` and `frag`. */
#define BAD_VALUE(expr, code, frag)                                                    \
    do {                                                                               \
        snx_error_clear();                                                             \
        snx_value v_ = (expr);                                                         \
        if (v_.type != SNX_T_ERROR) {                                                  \
            snx_value_clear(&v_);                                                      \
            print_error("%s gave a value\n", #expr);                                   \
            fail();                                                                    \
        }                                                                              \
        assert_fails(snx_errcode(), (code), (frag));                                   \
        bad_cases++;                                                                   \
    } while (0)

/* Text of `n` copies of `unit` between `head` and `tail` (caller frees). */
static inline char *bad_repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * n + tl + 1);
    assert_non_null(s);
    memcpy(s, head, hl);
    for (size_t k = 0; k < n; k++)
        memcpy(s + hl + k * ul, unit, ul);
    memcpy(s + hl + ul * n, tail, tl + 1);
    return s;
}

/* n copies of `open`, then `mid`, then n copies of `close` (caller frees). */
static inline char *bad_nest(const char *open, const char *mid, const char *close, size_t n)
{
    char *head = bad_repeat("", open, n, mid);
    char *s = bad_repeat(head, close, n, "");
    free(head);
    return s;
}

/* Prints the number of cases; `at_least` keeps the catalogue from shrinking. */
static inline void bad_report(const char *file, size_t at_least)
{
    printf("BAD_INPUT %s cases=%zu\n", file, bad_cases);
    assert_true(bad_cases >= at_least);
}

#endif
