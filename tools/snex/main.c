/* snex: look into the HDF5 files snex writes, without writing code.
 *
 *     snex ls FILE [PATH]        snex show FILE PATH       snex runs FILE [TRAJ]
 *     snex export FILE PATH --csv|--tsv [-o OUT]           snex plot FILE PATH -o OUT.png
 *
 * This file only dispatches: each subcommand lives in its own file and parses its
 * own options (cli.h). Exit codes: 0 ok, 1 an error in the file or what it holds,
 * 2 a wrong command line. The manual is tools/snex.1. */
#include "cli.h"

#include <string.h>

typedef struct command {
    const char *name;
    cli_command run;
    const char *args, *what;
} command;

static const command commands[] = {
    { "ls", cmd_ls, "[-l] [-d N] FILE [PATH]", "the trajectories in FILE, or the tree under PATH" },
    { "show", cmd_show, "[--all] [--run N] FILE PATH", "a leaf's values" },
    { "runs", cmd_runs, "[--failed] [--where COND] FILE [TRAJ]",
      "the runs: status, run time, explored values" },
    { "export", cmd_export, "--csv|--tsv [-o OUT] [--run N] FILE PATH",
      "a result, a table, or one item of every run as columns" },
    { "plot", cmd_plot, "[-o OUT.png] [-x PARAM] [--var V] [--run N] FILE PATH",
      "a number across runs, a spike raster or state traces" },
    { "merge", cmd_merge, "[-d] [--trial PARAM] [--ignore NAME]... OUT IN1 IN2...",
      "the runs of IN2... appended to IN1's trajectory, in OUT" },
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *to)
{
    fprintf(to, "usage: " CLI_PROG " COMMAND [options] FILE [PATH]\n"
                "Looks into the HDF5 files snex writes: trajectories, parameters, results, runs.\n\n"
                "commands:\n");
    for (size_t k = 0; k < N_COMMANDS; k++)
        fprintf(to, "  " CLI_PROG " %s %s\n      %s\n", commands[k].name, commands[k].args,
                commands[k].what);
    fprintf(to, "\nPATH is a trajectory (TRAJ), TRAJ/dotted.path, or a dotted path, full or short\n"
                "(\"R_ee\", \"results.runs.run_00000003.z\"), in the file's last trajectory.\n"
                "'" CLI_PROG " COMMAND --help' says more; so does 'man " CLI_PROG "'.\n"
                "Exit status: 0 ok, 1 an error in the file or what it holds, 2 a usage error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        if (argc > 2 && strcmp(name, "help") == 0) /* snex help ls */
            return main(3, (char *[]){ argv[0], argv[2], "--help", NULL });
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        /* the library's: they ship together; and which copy of the engine runs here */
        printf(CLI_PROG " %s (engine: %s)\n", snx_version(), snx_engine_isa());
        return CLI_OK;
    }
    for (size_t k = 0; k < N_COMMANDS; k++)
        if (strcmp(name, commands[k].name) == 0) {
            char prog[32]; /* what getopt's messages start with */
            snprintf(prog, sizeof prog, CLI_PROG " %s", name);
            argv[1] = prog;
            return commands[k].run(argc - 1, argv + 1);
        }
    fprintf(stderr, CLI_PROG ": unknown command \"%s\"\n", name);
    usage(stderr);
    return CLI_USAGE;
}
