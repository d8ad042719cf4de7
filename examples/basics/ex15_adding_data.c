/* pypet examples 02 ("Natural Naming") and 15 ("More Ways to Add Data") in snex:
 * every way of putting data into a trajectory, and every way of getting it out.
 *
 * Adding:   root adders with their branch prefix, dotted names that create the
 *           groups on the way, adding below a group node, results with named and
 *           positional items, comments, annotations and links.
 * Reading:  full names, partial names, shortcuts, the abbreviations par/dpar/res/
 *           conf, links, and what happens when a short name stops being unique.
 *
 * The program checks what it reads and exits non-zero on a wrong value, so it
 * doubles as a test. Build with `make`, run build/examples/basics/ex15_adding_data. */
#include "basics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether `name` resolves to the node whose full name is `full`. */
static int finds(snx_traj *traj, const char *name, const char *full)
{
    snx_node *n = snx_traj_get(traj, name);
    printf("  %-40s -> %s\n", name, n ? snx_node_full_name(n) : snx_errmsg());
    return n && strcmp(snx_node_full_name(n), full) == 0;
}

/* ---- 1. adding --------------------------------------------------------------------- */

static int add_through_the_root(snx_traj *traj)
{
    /* The root adders put their branch in front: parameters., config.,
     * derived_parameters., results. Dotted names create the groups on the way:
     * this makes parameters.starwars and parameters.starwars.characters. */
    if (!snx_traj_add_parameter(traj, "starwars.characters.han_solo", snx_str("Harrison Ford"),
                                "The best character of all times") ||
        !snx_traj_add_parameter(traj, "starwars.characters.luke", snx_str("Mark Hamill"), NULL))
        return fail("adding characters");
    /* The branch may be written out, or abbreviated; the result is the same. */
    if (!snx_traj_add_parameter(traj, "parameters.starwars.year", snx_int(1977), NULL) ||
        !snx_traj_add_parameter(traj, "par.starwars.frame_rate", snx_quantity(24, "Hz"),
                                "Frames per second") ||
        !snx_traj_add_config(traj, "ncores", snx_int(2), "How, not what: config") ||
        !snx_traj_add_derived(traj, "starwars.frames", snx_int(24 * 121 * 60),
                              "Computed from parameters"))
        return fail("adding with prefixes");
    return 0;
}

static int add_below_a_group(snx_traj *traj)
{
    /* Adding through a group node: the group's full name is the prefix. */
    snx_node *characters = snx_traj_get(traj, "parameters.starwars.characters");
    if (!characters)
        return fail("finding the characters group");
    snx_node *leia = snx_node_add_leaf(characters, "leia", snx_str("Carrie Fisher"), NULL);
    if (!leia)
        return fail("adding leia");
    printf("added below a group: %s\n", snx_node_full_name(leia));
    /* Groups can be made on their own too, with a comment; dotted names nest. */
    snx_node *droids = snx_node_add_group(characters, "droids.astromech", "Beep boop");
    if (!droids || !snx_node_add_leaf(droids, "r2d2", snx_str("Kenny Baker"), NULL))
        return fail("adding droids");
    return 0;
}

static int add_results(snx_traj *traj)
{
    /* A result holds any number of items. The value given when adding becomes the
     * item named like the result; more items are named ones (pypet's keyword
     * arguments) or positional ones: gross_income_of_film, _1, _2, ... */
    snx_node *income = snx_traj_add_result(traj, "starwars.gross_income_of_film",
                                           snx_double(10.1e11), "George Lucas is rich, dude!");
    if (!income || snx_result_set(income, "currency", snx_str("$$$")) ||
        snx_result_add(income, snx_double(7.75e8)) || /* gross_income_of_film_1 */
        snx_result_add(income, snx_str("estimate")))  /* gross_income_of_film_2 */
        return fail("adding the income result");
    /* Comments can change later; annotations are small typed notes on any node. */
    if (snx_node_set_comment(income, "George Lucas is very rich") ||
        snx_node_annotate(income, "source", snx_str("box office")) ||
        snx_node_annotate(income, "year", snx_int(1977)) ||
        snx_node_annotate(snx_traj_get(traj, "parameters.starwars"), "info",
                          snx_str("A long time ago in a galaxy far, far away")))
        return fail("commenting and annotating");
    return 0;
}

static int add_links(snx_traj *traj)
{
    /* A link is another name for a node. At the root, and on a dotted path whose
     * groups are created (pypet example 14). */
    snx_node *han = snx_traj_get(traj, "han_solo");
    if (!han || snx_node_add_link(snx_traj_root(traj), "captain", han) ||
        snx_traj_add_link(traj, "parameters.crew.pilot", han))
        return fail("adding links");
    return 0;
}

/* ---- 2. reading ---------------------------------------------------------------------- */

static int read_by_names(snx_traj *traj)
{
    const char *han = "parameters.starwars.characters.han_solo";
    printf("names that lead to han_solo:\n");
    if (!finds(traj, han, han) ||                          /* full name */
        !finds(traj, "starwars.characters.han_solo", han) || /* partial name */
        !finds(traj, "characters.han_solo", han) ||
        !finds(traj, "starwars.han_solo", han) ||           /* groups may be skipped */
        !finds(traj, "han_solo", han) ||                    /* shortcut */
        !finds(traj, "par.han_solo", han) ||                /* abbreviation */
        !finds(traj, "captain", han) ||                     /* link at the root */
        !finds(traj, "crew.pilot", han) ||                  /* link further down */
        !finds(traj, "pilot", han))                         /* link by shortcut */
        return wrong("a name did not lead to han_solo");
    if (!finds(traj, "conf.ncores", "config.ncores") ||
        !finds(traj, "dpar.frames", "derived_parameters.starwars.frames") ||
        !finds(traj, "res.starwars.gross_income_of_film",
               "results.starwars.gross_income_of_film") ||
        !finds(traj, "r2d2", "parameters.starwars.characters.droids.astromech.r2d2"))
        return wrong("an abbreviation or shortcut went astray");
    /* Values: the getters look the name up, lock the parameter and convert. */
    if (strcmp(snx_traj_string(traj, "han_solo"), "Harrison Ford") != 0 ||
        snx_traj_int(traj, "year") != 1977 || snx_traj_int(traj, "ncores") != 2 ||
        snx_traj_double(traj, "frame_rate") != 24.0 || /* quantities read in SI */
        snx_traj_int(traj, "frames") != 174240)
        return wrong("a parameter value is wrong");
    snx_node *income = snx_traj_get(traj, "gross_income_of_film");
    const snx_value *currency = snx_result_get(income, "currency");
    const snx_value *second = snx_result_get_pos(income, 1);
    if (!currency || strcmp(snx_value_str(currency), "$$$") != 0 || !second ||
        snx_value_double(second) != 7.75e8 ||
        snx_traj_double(traj, "gross_income_of_film") != 10.1e11)
        return wrong("a result item is wrong");
    char *notes = snx_node_annotations_to_str(income);
    printf("income: %s (%zu items; annotations: %s)\n", snx_node_comment(income),
           snx_result_n_items(income), notes);
    int notes_ok = strcmp(notes, "source='box office'; year=1977") == 0;
    free(notes);
    if (!notes_ok || snx_traj_status(traj))
        return wrong("annotations or status: %s", snx_traj_status_msg(traj));
    return 0;
}

static int not_unique_then_resolved(snx_traj *traj)
{
    /* "characters" is unique so far... */
    if (!snx_traj_get(traj, "characters"))
        return fail("finding characters");
    /* ...until a group of that name appears at the same depth elsewhere. */
    if (!snx_traj_add_group(traj, "parameters.spaceballs.characters", "Mel Brooks"))
        return fail("adding spaceballs");
    if (snx_traj_get(traj, "characters") || snx_errcode() != SNX_ENOTUNIQUE)
        return wrong("\"characters\" should now be ambiguous");
    printf("as expected, %s: %s\n", snx_strerror(snx_errcode()), snx_errmsg());
    /* Being more specific resolves it. */
    if (!finds(traj, "starwars.characters", "parameters.starwars.characters") ||
        !finds(traj, "spaceballs.characters", "parameters.spaceballs.characters"))
        return wrong("the longer names should be unique");
    /* The leaves below are still unique by their own names. */
    return finds(traj, "luke", "parameters.starwars.characters.luke")
               ? 0
               : wrong("luke should still be found");
}

static int change_a_read_value(snx_traj *traj)
{
    /* Reading locked "year": a value that was read cannot change by accident... */
    snx_node *year = snx_traj_get(traj, "year");
    if (snx_par_set(year, snx_int(1980)) != SNX_ELOCKED)
        return wrong("a read parameter should be locked");
    printf("as expected, %s: %s\n", snx_strerror(snx_errcode()), snx_errmsg());
    /* ...unless it is unlocked on purpose (pypet example 15's f_unlock). */
    snx_par_unlock(year);
    if (snx_par_set(year, snx_int(1980)))
        return fail("setting the unlocked year");
    return snx_traj_int(traj, "year") == 1980 ? 0 : wrong("year should be 1980 now");
}

int main(int argc, char **argv)
{
    int done = basics_args(argc, argv, "ex15",
                           "pypet examples 02 and 15, Adding Data: every way of putting data\n"
                           "into a trajectory (prefixes, groups, results, links) and of\n"
                           "getting it out.");
    if (done >= 0)
        return done;
    snx_traj *traj = snx_traj_new("example_15", &(snx_traj_opts){ .comment = "Adding data" });
    if (!traj)
        return fail("creating the trajectory");
    int rc = add_through_the_root(traj) || add_below_a_group(traj) || add_results(traj) ||
             add_links(traj) || read_by_names(traj) || not_unique_then_resolved(traj) ||
             change_a_read_value(traj);
    if (!rc)
        printf("%zu nodes, all values as expected\n", snx_traj_n_nodes(traj));
    snx_traj_free(traj);
    return rc;
}
