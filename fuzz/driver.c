/* driver.c - replay saved inputs through a fuzz harness without libFuzzer.
 *
 * Linked with one fuzz/NAME.c by the plain compiler, so `make test` replays the corpus
 * and the regression inputs on machines without clang. Each argument is one input; a
 * line per file says it ran, and a crash stops the process as it would under libFuzzer. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;
    int rc = -1;
    if (f == NULL) {
        perror(path);
        return -1;
    }
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            uint8_t *more = realloc(buf, cap);
            if (more == NULL)
                goto out;
            buf = more;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    if (ferror(f)) {
        perror(path);
        goto out;
    }
    /* An exact-size copy, so a read past the input's end is seen (by ASan, valgrind). */
    uint8_t *exact = malloc(len ? len : 1);
    if (exact == NULL)
        goto out;
    for (size_t i = 0; i < len; i++)
        exact[i] = buf[i];
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    rc = 0;
out:
    free(buf);
    fclose(f);
    return rc;
}

int main(int argc, char **argv)
{
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        if (run_file(argv[i]) < 0)
            failed = 1;
        else
            printf("ran %s\n", argv[i]);
    }
    return failed;
}
