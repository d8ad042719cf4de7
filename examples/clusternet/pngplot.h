/* What the example's two PLplot programs share (plotff, and clusternet's per-run
 * figures): a check that the PNG driver exists, and leak suppressions for what PLplot
 * keeps until exit. Header-only on purpose: plotff is a one-file program (the
 * Makefile builds every plot*.c alone), and each program includes this once. */
#ifndef CLUSTERNET_PNGPLOT_H
#define CLUSTERNET_PNGPLOT_H

#include <plplot.h>
#include <stdbool.h>
#include <string.h>

#define PNGPLOT_DEVICE "pngcairo"

/* PLplot asks on the terminal for another device when the one set is missing, so
 * look first. */
static inline bool pngplot_have_device(void)
{
    enum { MAX_DEVICES = 256 };
    PLCHAR_VECTOR menus[MAX_DEVICES], names[MAX_DEVICES];
    PLCHAR_VECTOR *menu_p = menus, *name_p = names;
    int n = MAX_DEVICES;
    plgDevs(&menu_p, &name_p, &n);
    for (int k = 0; k < n; k++)
        if (names[k] && strcmp(names[k], PNGPLOT_DEVICE) == 0)
            return true;
    return false;
}

#if defined(__SANITIZE_ADDRESS__)
#define PNGPLOT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PNGPLOT_ASAN 1
#endif
#endif

#ifdef PNGPLOT_ASAN
/* Under AddressSanitizer (make asan): PLplot and the fontconfig/pango caches of its
 * cairo driver keep memory until exit (valgrind shows the same); the programs' own
 * leaks still show. The system libraries have no frame pointers, so their stacks stop
 * at them. The runtime looks this function up, so it must stay visible. */
__attribute__((visibility("default"))) const char *__lsan_default_suppressions(void);
__attribute__((visibility("default"))) const char *__lsan_default_suppressions(void)
{
    return "leak:libplplot.so\nleak:libltdl.so\nleak:libfontconfig.so\n";
}
#endif

#endif
