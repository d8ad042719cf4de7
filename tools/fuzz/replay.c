/* Runs a fuzz target (tools/fuzz/fuzz_*.c) on the files named on the command line,
 * without libFuzzer: what tools/faults/fuzz_seeds.sh (make faults) builds with the
 * ordinary compiler, so that the targets keep building and their seed corpora keep
 * passing where clang is not installed. A crash or broken invariant aborts.
 *
 *     replay FILE...            prints "replay: N inputs" */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    for (int k = 1; k < argc; k++) {
        FILE *f = fopen(argv[k], "rb");
        if (!f) {
            perror(argv[k]);
            return 1;
        }
        uint8_t *data = NULL;
        size_t size = 0, cap = 0, got;
        do {
            if (size == cap && !(data = realloc(data, cap = 2 * cap + 4096)))
                abort();
            got = fread(data + size, 1, cap - size, f);
            size += got;
        } while (got > 0);
        fclose(f);
        LLVMFuzzerTestOneInput(data, size);
        free(data);
    }
    printf("replay: %d inputs\n", argc - 1);
    return 0;
}
