/*
** outfile.c -- the files weft writes, whole or not at all (see outfile.h).
*/
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

bool outfile_is_in_place(const char *path)
{
    struct stat st;
    return !strcmp(path, "-") || (lstat(path, &st) == 0 && !S_ISREG(st.st_mode));
}

void outfile_prepare(OutFile *of, const char *path)
{
    *of = (OutFile){.path = path, .dest = path};
    if (!outfile_is_in_place(path)) {
        of->tmp = xasprintf("%s.tmp", path);
        of->dest = of->tmp;
    }
}

bool outfile_open(OutFile *of, const char *path, char **err_out)
{
    if (!strcmp(path, "-")) {
        *of = (OutFile){.path = path, .dest = path, .f = stdout};
        return true;
    }
    outfile_prepare(of, path);
    of->f = fopen(of->dest, "w");
    if (of->f)
        return true;
    *err_out = xasprintf("cannot write '%s': %s", path, strerror(errno));
    free(of->tmp);
    of->tmp = NULL;
    return false;
}

bool outfile_commit(OutFile *of, bool ok, char **err_out)
{
    int err = 0;
    if (of->f) {
        errno = 0;
        if (ok && (fflush(of->f) != 0 || ferror(of->f)))
            err = errno ? errno : EIO;
        if (of->f != stdout && fclose(of->f) != 0 && ok && !err)
            err = errno;
        of->f = NULL;
    }
    if (ok && !err && of->tmp && rename(of->tmp, of->path) != 0)
        err = errno;
    ok = ok && !err;
    if (!ok && of->tmp)
        remove(of->tmp);
    if (err)
        *err_out = xasprintf("cannot write '%s': %s", of->path, strerror(err));
    if (err && !strcmp(of->path, "-"))
        clearerr(stdout); /* said here: not again at exit */
    free(of->tmp);
    of->tmp = NULL;
    return ok;
}
