/* What every basics example shares: its command line (--help, nothing else) and the
 * two ways it gives up, with its name in front of the message:
 *   fail("storing")             a call failed: adds what snx_errmsg() says;
 *   wrong("z is %g", z)         a value is not what it should be.
 * Both return 1, so that `return fail(...)` ends main with a failure. Each example is a
 * one-file program (the Makefile builds each .c file of examples/basics alone) and includes
 * this once. */
#ifndef BASICS_H
#define BASICS_H

#include "snex.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *basics_name = "example";

/* Reads the command line: -1 to go on; otherwise the exit code (0 after --help with
 * `about` on stdout, 2 for anything else with a usage line on stderr). */
static inline int basics_args(int argc, char **argv, const char *name, const char *about)
{
    basics_name = name;
    const char *prog = argc > 0 ? argv[0] : name;
    if (argc == 1)
        return -1;
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: %s\n%s\nIt checks what it reads back and exits "
               "non-zero on any disagreement.\n", prog, about);
        return 0;
    }
    fprintf(stderr, "%s: unexpected argument \"%s\"\nusage: %s [--help]\n", name, argv[1], prog);
    return 2;
}

static inline int fail(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", basics_name, what, snx_errmsg());
    return 1;
}

static inline int wrong(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int wrong(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", basics_name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return 1;
}

#endif
