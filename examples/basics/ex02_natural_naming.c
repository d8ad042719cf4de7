/* pypet example 02, "Natural Naming, Storage and Loading", in snex.
 *
 * A trajectory without an Environment: parameters in nested groups found by full
 * names and by shortcuts, a name that stops being unique (NotUniqueNode), storing the
 * trajectory, then storing one big result by itself and emptying it to free memory,
 * and finally loading the file again with parameters (data) and results (skeleton
 * only) and loading that one result's data on demand.
 *
 * The program checks what it reads and exits non-zero when something is wrong. */
#include "basics.h"

#include <stdio.h>
#include <string.h>

#define FILE_NAME "hdf5/example_02.hdf5"

/* The string parameter `name`, which must read `want`. */
static int expect_string(snx_traj *traj, const char *name, const char *want)
{
    const char *got = snx_traj_string(traj, name);
    if (!got || strcmp(got, want) != 0)
        return wrong("%s is \"%s\", not \"%s\" (%s)", name, got ? got : "", want,
                     snx_traj_status_msg(traj));
    printf("%-45s %s\n", name, got);
    return 0;
}

static int build_and_store(void)
{
    snx_traj *traj = snx_traj_new("example_02", &(snx_traj_opts){ .comment = "Accessing data" });
    snx_hdf5_opts file = { 0 };
    file.overwrite_file = 1;
    if (!traj || snx_hdf5_attach(traj, FILE_NAME, &file))
        return fail("creating the trajectory");

    /* Groups on the way are created: parameters.starwars.characters.han_solo. */
    if (!snx_traj_add_parameter(traj, "starwars.characters.han_solo", snx_str("Harrison Ford"), NULL) ||
        !snx_traj_add_parameter(traj, "starwars.characters.luke_skywalker", snx_str("Mark Hamill"), NULL) ||
        !snx_traj_add_parameter(traj, "starwars.characters.leia_organa", snx_str("Carrie Fisher"), NULL))
        return fail("adding parameters");

    /* The same parameter, by full name, by partial names and by its short name. */
    if (expect_string(traj, "parameters.starwars.characters.han_solo", "Harrison Ford") ||
        expect_string(traj, "starwars.characters.han_solo", "Harrison Ford") ||
        expect_string(traj, "characters.han_solo", "Harrison Ford") ||
        expect_string(traj, "han_solo", "Harrison Ford"))
        return 1;

    /* A second `characters` group makes the shortcut ambiguous. */
    if (!snx_traj_add_parameter(traj, "spaceballs.characters.dark_helmet", snx_str("Rick Moranis"), NULL))
        return fail("adding dark_helmet");
    if (snx_traj_get(traj, "characters") || snx_errcode() != SNX_ENOTUNIQUE)
        return wrong("\"characters\" should be ambiguous now");
    printf("characters: %s\n", snx_errmsg());
    if (expect_string(traj, "starwars.characters.luke_skywalker", "Mark Hamill"))
        return 1;

    if (snx_traj_store(traj, NULL))
        return fail("storing");

    /* A (pretend) large result, stored by itself and then emptied to free memory. */
    snx_node *income = snx_traj_add_result(traj, "starwars.gross_income_of_film", snx_none(),
                                           "George Lucas is rich, dude!");
    if (!income || snx_result_set(income, "amount", snx_double(10.1)) ||
        snx_result_set(income, "currency", snx_str("$$$")))
        return fail("adding the income");
    if (snx_traj_store_node(traj, income, NULL))
        return fail("storing the income");
    snx_result_empty(income);
    if (!snx_result_is_empty(income))
        return wrong("the income is not empty");
    snx_traj_free(traj);
    return 0;
}

int main(int argc, char **argv)
{
    int done = basics_args(argc, argv, "ex02",
                           "pypet example 02, Natural Naming, Storage and Loading: groups made\n"
                           "on the way, shortcuts, a name that stops being unique, store,\n"
                           "empty and load one item.");
    if (done >= 0)
        return done;
    if (build_and_store())
        return 1;

    /* Parameters with data, results as a skeleton (names, comments, no data). */
    snx_load_opts load = snx_load_defaults();
    load.index = -1;
    load.parameters = SNX_LOAD_DATA;
    load.results = SNX_LOAD_SKELETON;
    snx_traj *traj = snx_hdf5_load(FILE_NAME, &load);
    if (!traj)
        return fail("loading");
    if (expect_string(traj, "leia_organa", "Carrie Fisher") ||
        expect_string(traj, "dark_helmet", "Rick Moranis"))
        return 1;

    snx_node *income = snx_traj_get(traj, "gross_income_of_film");
    if (!income)
        return fail("finding the income");
    printf("gross_income_of_film is empty after loading: %s\n",
           snx_result_is_empty(income) ? "yes" : "no");
    if (!snx_result_is_empty(income))
        return wrong("the skeleton should carry no data");
    if (snx_traj_load_node(traj, income, NULL))
        return fail("loading the income");
    const snx_value *amount = snx_result_get(income, "amount");
    const snx_value *currency = snx_result_get(income, "currency");
    if (!amount || snx_value_double(amount) != 10.1 || !currency ||
        strcmp(snx_value_str(currency), "$$$") != 0)
        return wrong("the income did not come back");
    printf("gross_income_of_film: %g %s (%s)\n", snx_value_double(amount), snx_value_str(currency),
           snx_node_comment(income));
    snx_traj_free(traj);
    return 0;
}
