/* What the fuzz targets (tools/fuzz/fuzz_*.c, built and run by `make fuzz`) share:
 * cutting libFuzzer's input into fields.
 *
 * An input is a list of text fields separated by lines holding only "%%", so that
 * seeds stay readable and editable:
 *
 *     dV/dt = -V/tau : 1
 *     %%
 *     V > 1
 *
 * Fields missing at the end are NULL; a target treats NULL as "not given". A failure
 * the library reports (a negative code with a message) is a pass; a crash, a
 * sanitizer report, a leak, or a broken invariant (fuzz_check) is a finding. */
#ifndef SNEX_FUZZ_H
#define SNEX_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"

#define FUZZ_MAX_FIELDS 16

typedef struct fuzz_fields {
    char *text;                    /* the input, NUL-terminated, cut in place */
    char *field[FUZZ_MAX_FIELDS];  /* NULL where the input has fewer fields */
    size_t n;
} fuzz_fields;

static inline void fuzz_fields_cut(fuzz_fields *f, const uint8_t *data, size_t size)
{
    memset(f, 0, sizeof *f);
    f->text = malloc(size + 1);
    if (!f->text)
        abort();
    memcpy(f->text, data, size);
    f->text[size] = '\0';
    char *p = f->text;
    f->field[f->n++] = p;
    while (f->n < FUZZ_MAX_FIELDS && (p = strstr(p, "\n%%\n")) != NULL) {
        *p = '\0';
        p += 4;
        f->field[f->n++] = p;
    }
}

static inline void fuzz_fields_free(fuzz_fields *f) { free(f->text); }

/* An invariant of the library that must hold whatever the input: a finding when not. */
#define fuzz_check(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: invariant broken: %s (last error: %s)\n", __FILE__,   \
                    __LINE__, #cond, snx_errmsg());                                       \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* A call that failed must have said why: a code and a message. */
#define fuzz_check_error(rc) fuzz_check((rc) < 0 && snx_errmsg()[0] != '\0')
/* A call that returns a status: 0, or an error with its message. */
#define fuzz_check_rc(rc)                                                                 \
    do {                                                                                  \
        int fuzz_rc_ = (rc);                                                              \
        if (fuzz_rc_)                                                                     \
            fuzz_check_error(fuzz_rc_);                                                   \
    } while (0)

/* A field, or `otherwise` when it is missing or empty. */
static inline const char *fuzz_given(const char *field, const char *otherwise)
{
    return field && field[0] ? field : otherwise;
}

#endif
