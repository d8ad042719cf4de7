/* The snex command's messages and colour. Errors go to stderr as
 * "snex: FILE: what is wrong"; usage errors as "snex CMD: what" plus where help
 * is. Colour is for people at a terminal only: never in a pipe or a file, never when
 * NO_COLOR is set (https://no-color.org). */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

static void vreport(const char *file, const char *fmt, va_list ap, bool with_snx)
{
    fprintf(stderr, CLI_PROG ": ");
    if (file)
        fprintf(stderr, "%s: ", file);
    vfprintf(stderr, fmt, ap);
    if (with_snx && *snx_errmsg())
        fprintf(stderr, ": %s", snx_errmsg());
    fputc('\n', stderr);
}

int cli_fail(const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(file, fmt, ap, false);
    va_end(ap);
    return CLI_ERROR;
}

int cli_fail_snx(const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(file, fmt, ap, true);
    va_end(ap);
    return CLI_ERROR;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, CLI_PROG " %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '" CLI_PROG " %s --help'.\n", cmd);
    return CLI_USAGE;
}

int cli_help_or_bad(int opt, const char *cmd, const char *usage)
{
    if (opt == 'h') {
        fputs(usage, stdout);
        return CLI_OK;
    }
    /* getopt said what was wrong already ("unrecognized option"). */
    fprintf(stderr, "Try '" CLI_PROG " %s --help'.\n", cmd);
    return CLI_USAGE;
}

int cli_positionals(int argc, char **argv, int min, int max, const char *cmd)
{
    int n = argc - optind;
    if (n < min)
        return cli_usage_error(cmd, "missing %s", n == 0 ? "FILE" : "PATH");
    if (n > max)
        return cli_usage_error(cmd, "unexpected argument \"%s\"", argv[optind + max]);
    return CLI_OK;
}

static bool colour_on(void)
{
    static int on = -1;
    if (on < 0) {
        const char *no = getenv("NO_COLOR");
        on = isatty(STDOUT_FILENO) && !(no && *no);
    }
    return on;
}

const char *cli_style_code(cli_style s)
{
    static const char *const codes[] = {
        [CLI_BOLD] = "\033[1m",   [CLI_DIM] = "\033[2m",     [CLI_RED] = "\033[31m",
        [CLI_GREEN] = "\033[32m", [CLI_YELLOW] = "\033[33m", [CLI_BLUE] = "\033[34m",
        [CLI_CYAN] = "\033[36m",  [CLI_RESET] = "\033[0m",
    };
    return colour_on() ? codes[s] : "";
}
