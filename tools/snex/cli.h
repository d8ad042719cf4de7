/* The snex command: what its subcommands share.
 *
 * tools/snex/ is one program, one job per file: main.c dispatches to a subcommand
 * (ls.c, show.c, runs.c, export.c, plot.c, merge.c); load.c opens a file and finds what a
 * PATH names in it; format.c writes values for people (display units, array
 * summaries, tables); term.c knows about colour and error messages.
 *
 * Every subcommand is `int cmd_X(int argc, char **argv)` with argv[0] the
 * subcommand's name, and returns the exit code: CLI_OK, CLI_ERROR (the file or what
 * it holds is wrong; a message on stderr names the file), CLI_USAGE (the command
 * line is wrong). Files are read through snex's loading API only (snx_hdf5_list,
 * snx_hdf5_load, snx_traj_load_node, snx_hdf5_load_from_runs): parameters with
 * their data (they are small, and the explored ranges give the number of runs),
 * derived parameters and results as a skeleton whose leaves are read one at a time
 * when they are shown. */
#ifndef SNEX_TOOL_CLI_H
#define SNEX_TOOL_CLI_H

#include "snex.h"

#include <stdbool.h>
#include <stdio.h>

#define CLI_PROG "snex"

enum { CLI_OK = 0, CLI_ERROR = 1, CLI_USAGE = 2 };

typedef int (*cli_command)(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_runs(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/* ---- term.c: messages and colour ---------------------------------------------- */

/* "snex: FILE: what" on stderr (what printf-style); returns CLI_ERROR. */
int cli_fail(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, ending with ": " and snx_errmsg(). */
int cli_fail_snx(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "snex CMD: what" and a pointer to --help on stderr; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* getopt's end for every subcommand: -h/--help prints `usage` on stdout and gives
 * CLI_OK; anything else is an option getopt refused (it said why): CLI_USAGE. */
int cli_help_or_bad(int opt, const char *cmd, const char *usage);
/* Positional arguments after the options: between min and max of them (CLI_OK), or
 * a usage error (CLI_USAGE). */
int cli_positionals(int argc, char **argv, int min, int max, const char *cmd);

/* Colour on stdout: only when it is a terminal and NO_COLOR is not set. */
typedef enum { CLI_BOLD, CLI_DIM, CLI_RED, CLI_GREEN, CLI_YELLOW, CLI_BLUE, CLI_CYAN,
               CLI_RESET } cli_style;
const char *cli_style_code(cli_style s);

/* ---- load.c: files, trajectories, paths ----------------------------------------- */

/* What a subcommand loads besides the parameters (always with data). */
typedef enum { CLI_LOAD_PARAMETERS, CLI_LOAD_SKELETON } cli_load_what;

typedef struct cli_traj {
    const char *file;
    snx_traj *traj;
    const char *path; /* what PATH names inside the trajectory; "" for all of it */
    char *owned;      /* storage behind path */
} cli_traj;

/* Whether `file` can be opened at all (exists, is a regular file, is readable);
 * CLI_OK or CLI_ERROR with a message. */
int cli_check_file(const char *file);
/* The trajectory names of the file (snx_hdf5_list), at least one; CLI_ERROR with a
 * message naming the file otherwise. Free with snx_hdf5_names_free. */
int cli_list(const char *file, char ***names, long *n);
/* Loads the trajectory named by `traj_path` ("TRAJ", "TRAJ/dotted.path",
 * "TRAJ.dotted.path" when the first component is a trajectory of the file, or just
 * "dotted.path" in the file's last trajectory; NULL: the last trajectory). */
int cli_open(const char *file, const char *traj_path, cli_load_what what, cli_traj *out);
void cli_close(cli_traj *t);

/* A leaf named by a path, or one item gathered across the runs. */
typedef struct cli_target {
    snx_node *node;    /* one leaf or group (NULL when across runs) */
    long n;            /* across runs: the runs that have it, in run order */
    long *runs;
    snx_node **nodes;
    char *item_path;   /* across runs: its path below the run group */
} cli_target;

/* Finds what t->path names: with run >= 0, in that run (the trajectory is set to
 * it); else when across is true and the path names a leaf below the runs' groups
 * without naming a run ("mean_fano_factor", "statistics.rate_e"), every run's one,
 * loaded; else the one node. CLI_ERROR with a message naming the file. */
int cli_resolve(cli_traj *t, const char *path, long run, bool across, cli_target *out);
void cli_target_free(cli_target *tg);
/* What a subcommand does with what PATH names. */
typedef int (*cli_target_fn)(cli_traj *t, cli_target *tg, const void *ctx);
/* Opens FILE with a skeleton (cli_open), finds PATH (cli_resolve: run, across) and
 * calls fn; closes everything after. Returns fn's code, or the error. */
int cli_on_target(const char *file, const char *path, long run, bool across,
                  cli_target_fn fn, const void *ctx);
/* A node's full name, or the trajectory's name for the root (for messages). */
const char *cli_node_label(const cli_traj *t, const snx_node *node);
/* The data of a leaf loaded from the skeleton when still empty. */
int cli_load_leaf(cli_traj *t, snx_node *leaf);
/* The single value of a leaf: a parameter's, or the item of a result named like it
 * (or its only item); NULL when it has none. */
const snx_value *cli_leaf_value(const snx_node *leaf);
/* Whether a node hangs below a run_XXXXXXXX group. */
bool cli_in_run(const snx_node *node);
/* The value a parameter has in run idx (its range's when explored). */
const snx_value *cli_par_in_run(const snx_node *par, long idx);
/* A short, unique name of an explored parameter for column headers: the last
 * component ("R_ee"), or the full name when two share it. */
const char *cli_explored_label(const snx_traj *traj, size_t i);
/* Parses a run index ("3", "run_00000003", "r_3") in range; CLI_USAGE otherwise. */
int cli_parse_run(const char *cmd, const char *text, long *out);

/* ---- format.c: values for people ------------------------------------------------- */

typedef struct cli_fmt_opts {
    bool all;        /* every element of arrays and every row of tables */
    const char *indent;
} cli_fmt_opts;

/* The unit an array or quantity is shown in and the factor from SI (1 and NULL when
 * none). */
double cli_display_scale(const snx_value *v, const char **unit);
/* "double_array [4, 3000] Hz", "quantity ms", "string": type, shape, unit. */
void cli_describe(FILE *out, const snx_value *v);
/* A number as people read it (%.6g, integers without a point). */
void cli_print_number(FILE *out, double x);
/* A scalar for a column or a listing (caller frees): numbers with 6 significant
 * digits, quantities in their display unit, the first line of a text. */
char *cli_inline_str(const snx_value *v, size_t max_len);
/* One value on one line: scalars as cli_inline_str, arrays and tables described. */
void cli_print_inline(FILE *out, const snx_value *v, size_t max_len);
/* A value in full detail: scalars and strings as they are, quantities in their
 * display unit, arrays as shape + first/last + min/mean/max (or every element),
 * tables as columns. */
void cli_print_value(FILE *out, const snx_value *v, const cli_fmt_opts *o);

#endif
