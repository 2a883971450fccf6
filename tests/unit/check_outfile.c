/*
** check_outfile.c -- output files written whole or not at all (outfile.h): a regular file
** through PATH.tmp and a rename, anything else in place.
**
** Each test works in a fresh directory under /tmp. A device is only ever written after
** outfile_is_in_place() has said it is written in place: were that wrong, the test stops
** before a rename could replace /dev/null with a plain file.
*/
#define _DEFAULT_SOURCE /* mkdtemp */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outfile.h"
#include "suites_list.h"

static char dir[64];

static void dir_setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/weft-check-outfile-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void dir_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* dir/name in 'out'. */
static void in_dir(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* The contents of 'path' (at most 255 bytes) in 'out'. */
static void read_text(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    fclose(f);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

START_TEST(new_file_through_tmp)
{
    char path[128], tmp[140], got[256];
    in_dir(path, sizeof path, "report.json");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    OutFile of;
    char *err = NULL;
    ck_assert(!outfile_is_in_place(path));
    ck_assert(outfile_open(&of, path, &err));
    ck_assert_str_eq(of.dest, tmp);
    fputs("whole\n", of.f);
    ck_assert(!exists(path)); /* nothing at PATH until the rename */
    ck_assert(outfile_commit(&of, true, &err));
    ck_assert_ptr_null(err);
    read_text(path, got, sizeof got);
    ck_assert_str_eq(got, "whole\n");
    ck_assert(!exists(tmp));
}
END_TEST

START_TEST(failed_write_keeps_the_old_file)
{
    char path[128], tmp[140], got[256];
    in_dir(path, sizeof path, "report.json");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    write_text(path, "old\n");
    OutFile of;
    char *err = NULL;
    ck_assert(outfile_open(&of, path, &err));
    fputs("half of the new", of.f);
    ck_assert(!outfile_commit(&of, false, &err));
    ck_assert_ptr_null(err); /* the caller's failure: it says why */
    read_text(path, got, sizeof got);
    ck_assert_str_eq(got, "old\n");
    ck_assert(!exists(tmp));
}
END_TEST

START_TEST(missing_directory_refused)
{
    char path[128], want[256];
    in_dir(path, sizeof path, "no-such-dir/report.json");
    OutFile of;
    char *err = NULL;
    ck_assert(!outfile_open(&of, path, &err));
    snprintf(want, sizeof want, "cannot write '%s': No such file or directory", path);
    ck_assert_str_eq(err, want);
    free(err);
}
END_TEST

START_TEST(symlink_written_through)
{
    char link[128], target[128], got[256];
    in_dir(link, sizeof link, "link.json");
    in_dir(target, sizeof target, "target.json");
    write_text(target, "old\n");
    ck_assert_int_eq(symlink("target.json", link), 0);
    ck_assert(outfile_is_in_place(link));
    OutFile of;
    char *err = NULL;
    ck_assert(outfile_open(&of, link, &err));
    ck_assert_str_eq(of.dest, link);
    fputs("new\n", of.f);
    ck_assert(outfile_commit(&of, true, &err));
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert_msg(S_ISLNK(st.st_mode), "the link was replaced by a file");
    read_text(target, got, sizeof got);
    ck_assert_str_eq(got, "new\n");
}
END_TEST

START_TEST(fifo_written_in_place)
{
    char fifo[128], copy[128], got[256], cmd[300];
    in_dir(fifo, sizeof fifo, "pipe");
    in_dir(copy, sizeof copy, "copy");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    ck_assert(outfile_is_in_place(fifo));
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) { /* the reader at the other end */
        snprintf(cmd, sizeof cmd, "cat '%s' > '%s'", fifo, copy);
        _exit(system(cmd) == 0 ? 0 : 1);
    }
    OutFile of;
    char *err = NULL;
    ck_assert(outfile_open(&of, fifo, &err)); /* waits for the reader */
    fputs("through the pipe\n", of.f);
    ck_assert(outfile_commit(&of, true, &err));
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    read_text(copy, got, sizeof got);
    ck_assert_str_eq(got, "through the pipe\n");
    struct stat st;
    ck_assert_int_eq(lstat(fifo, &st), 0);
    ck_assert_msg(S_ISFIFO(st.st_mode), "the FIFO was replaced by a file");
}
END_TEST

START_TEST(devices_written_in_place)
{
    ck_assert(outfile_is_in_place("/dev/null"));
    OutFile of;
    char *err = NULL;
    ck_assert(outfile_open(&of, "/dev/null", &err));
    ck_assert_ptr_null(of.tmp);
    fputs("nothing\n", of.f);
    ck_assert(outfile_commit(&of, true, &err));
    struct stat st;
    ck_assert_int_eq(lstat("/dev/null", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
    /* A full device: the error comes back, naming the file. */
    if (lstat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode)) {
        ck_assert(outfile_is_in_place("/dev/full"));
        ck_assert(outfile_open(&of, "/dev/full", &err));
        fputs("more than fits\n", of.f);
        ck_assert(!outfile_commit(&of, true, &err));
        ck_assert_str_eq(err, "cannot write '/dev/full': No space left on device");
        free(err);
    }
}
END_TEST

START_TEST(dash_is_stdout)
{
    ck_assert(outfile_is_in_place("-"));
    OutFile of;
    char *err = NULL;
    ck_assert(outfile_open(&of, "-", &err));
    ck_assert_ptr_eq(of.f, stdout);
    ck_assert(outfile_commit(&of, true, &err));
    ck_assert_int_ne(fcntl(1, F_GETFD), -1); /* flushed, not closed */
}
END_TEST

START_TEST(prepare_names_the_destination)
{
    char path[128], tmp[140], fifo[128];
    in_dir(path, sizeof path, "picture.svg");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    OutFile of;
    char *err = NULL;
    outfile_prepare(&of, path);
    ck_assert_str_eq(of.dest, tmp);
    ck_assert_ptr_null(of.f);
    write_text(tmp, "<svg/>\n"); /* as 'dot -o' would */
    ck_assert(outfile_commit(&of, true, &err));
    ck_assert(exists(path) && !exists(tmp));
    in_dir(fifo, sizeof fifo, "pipe");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    outfile_prepare(&of, fifo);
    ck_assert_str_eq(of.dest, fifo);
    ck_assert(!outfile_commit(&of, false, &err)); /* nothing written: nothing to undo */
    ck_assert(exists(fifo));
}
END_TEST

Suite *outfile_suite(void)
{
    Suite *s = suite_create("outfile");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
    tcase_add_test(tc, new_file_through_tmp);
    tcase_add_test(tc, failed_write_keeps_the_old_file);
    tcase_add_test(tc, missing_directory_refused);
    tcase_add_test(tc, symlink_written_through);
    tcase_add_test(tc, fifo_written_in_place);
    tcase_add_test(tc, devices_written_in_place);
    tcase_add_test(tc, dash_is_stdout);
    tcase_add_test(tc, prepare_names_the_destination);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
