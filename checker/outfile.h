/*
** outfile.h -- the files weft writes (--json, --junit, --trace, --schedules, pictures), whole
** or not at all.
**
** A regular file, or a name that does not exist yet, is written as PATH.tmp beside it and
** renamed over PATH once every byte is out, so a failed or interrupted write leaves PATH as it
** was (or absent). Anything else already at PATH is written in place, opened as any program
** would open it: a device (/dev/null), a pipe (a FIFO; /dev/stdout on a pipe), a symbolic
** link (written through, the link kept). Renaming over those would replace the device, the
** pipe or the link itself with a plain file: as root, '--json /dev/null' made /dev/null a
** regular file. "-" is stdout.
*/
#ifndef WEFT_OUTFILE_H
#define WEFT_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct OutFile {
    const char *path; /* the file asked for, "-" for stdout */
    char *tmp;        /* PATH.tmp, renamed over PATH by outfile_commit; NULL: written in place */
    const char *dest; /* where the bytes go: tmp, or path itself */
    FILE *f;          /* open on dest by outfile_open; NULL after outfile_prepare */
} OutFile;

/* True if 'path' would be written in place: "-", or something other than a regular file
** already there (not following a symbolic link). */
bool outfile_is_in_place(const char *path);

/* Decide where the bytes of 'path' go (of->dest) without opening it: for a child process that
** writes the file itself (Graphviz's 'dot -o'). Not for "-". */
void outfile_prepare(OutFile *of, const char *path);

/* Open 'path' for writing (of->f); false with *err_out ("cannot write 'PATH': why", the caller
** frees it) if it cannot be opened. */
bool outfile_open(OutFile *of, const char *path, char **err_out);

/* Finish the file: 'ok' (every byte was written), close it (stdout is only flushed) and rename
** PATH.tmp over PATH; else drop what was written (PATH.tmp is removed; a file written in place
** keeps what reached it). False with *err_out if closing or renaming failed, or if the stream
** had an error. Frees what outfile_open or outfile_prepare took. */
bool outfile_commit(OutFile *of, bool ok, char **err_out);

#endif
