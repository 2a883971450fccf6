/*
** standalone.c -- run a fuzz target on files, without libFuzzer.
**
** 'fuzz_search FILE...' calls LLVMFuzzerTestOneInput on each file's bytes, as libFuzzer replays
** a corpus: the build without -DWEFT_FUZZ=ON links the targets with this main, so that any
** compiler builds them and ctest runs them on the models of tests/cli/ (the bug-<n>-<what>.weft
** cases among them) and models/, and on tests/fuzz/corpus/trace/, under the sanitizers of its
** build. A target aborts on what it finds.
*/
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        char *text;
        size_t len;
        int why = 0;
        if (!f || !util_read_all(f, SIZE_MAX, &text, &len, &why)) {
            fprintf(stderr, "%s: %s: %s\n", argv[0], argv[i], strerror(f ? why : errno));
            if (f)
                fclose(f);
            return 2;
        }
        fclose(f);
        printf("%s: %s\n", argv[0], argv[i]);
        fflush(stdout);
        LLVMFuzzerTestOneInput((const uint8_t *)text, len);
        free(text);
    }
    return 0;
}
