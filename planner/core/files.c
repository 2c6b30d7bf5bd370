/*
 * files.c - files written whole, run folders replaced whole (old or new,
 * never a mix, under kill -9 too), input paths checked before they are
 * opened, interrupts held meanwhile, and the tests' fault injection.
 *
 * Entry points: pl_signals_hold, pl_signals_release, pl_file_write,
 * pl_file_write_tmp, pl_file_commit, pl_file_sync_dir, pl_file_remove_stale,
 * pl_file_write_new, pl_dir_stage, pl_dir_swap, pl_dir_unswap, pl_dir_remove,
 * pl_dir_remove_stale, pl_path_check, pl_fault_pause, pl_fault_step.
 */
#include "planner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ==== interrupts held over the writing of temporary files ============== */

void pl_signals_hold(sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGHUP);
    sigaddset(&s, SIGQUIT);
    sigprocmask(SIG_BLOCK, &s, old);
}

void pl_signals_release(const sigset_t *old)
{
    sigprocmask(SIG_SETMASK, old, NULL); /* a held interrupt takes effect here */
}

/* ==== files written whole ================================================ */

/* path's folder into a new string ("." when path has no '/'). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return pl_strdup(".");
    size_t k = slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(k + 1);
    if (d) {
        memcpy(d, path, k);
        d[k] = '\0';
    }
    return d;
}

/* 1 when name is a temporary name of ours, ".BASE.tmpPID" or
 * ".BASE.tmpPID.K", for base (NULL: any); *pid = PID. */
static int tmp_name_of(const char *name, const char *base, long *pid)
{
    const char *t = NULL;
    for (const char *s = name; (s = strstr(s, ".tmp")); s++)
        t = s; /* the last ".tmp": BASE may hold one */
    if (name[0] != '.' || !t || t == name)
        return 0;
    if (base && ((size_t)(t - name - 1) != strlen(base) || strncmp(name + 1, base, strlen(base))))
        return 0;
    char *end;
    *pid = strtol(t + 4, &end, 10);
    if (end == t + 4 || *pid <= 0)
        return 0;
    if (*end == '.' && end[1] >= '0' && end[1] <= '9')
        strtoul(end + 1, &end, 10);
    return *end == '\0';
}

void pl_file_remove_stale(const char *dir, const char *base)
{
    DIR *dh = opendir(dir);
    struct dirent *e;
    while (dh && (e = readdir(dh))) {
        long pid;
        if (!tmp_name_of(e->d_name, base, &pid) || kill((pid_t)pid, 0) == 0 || errno == EPERM)
            continue; /* not ours, or its process still runs */
        char *path = malloc(strlen(dir) + strlen(e->d_name) + 2);
        if (path) {
            sprintf(path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        free(path);
    }
    if (dh)
        closedir(dh);
}

/* Write n bytes to fd, through short writes and interrupts. */
static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t k = write(fd, s, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        s += k;
        n -= (size_t)k;
    }
    return 0;
}

int pl_file_write_tmp(pl_ctx *ctx, const char *path, const void *data, size_t n, char **tmp)
{
    *tmp = NULL;
    char *dir = dir_of(path);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char *t = dir ? malloc(strlen(dir) + strlen(base) + 48) : NULL;
    if (!t) {
        free(dir);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    struct stat st;
    int fd = -1, keep_mode = stat(path, &st) == 0 && S_ISREG(st.st_mode);
    for (unsigned k = 0; fd < 0 && k < 1000; k++) { /* the first name free: O_EXCL says */
        sprintf(t, "%s/.%s.tmp%ld.%u", dir, base, (long)getpid(), k);
        fd = open(t, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    int bad = fd < 0 || (keep_mode && fchmod(fd, st.st_mode & 07777) != 0) ||
              write_all(fd, data ? data : "", n) != 0 || fsync(fd) != 0;
    int e = errno;
    if (fd >= 0 && close(fd) != 0 && !bad)
        bad = 1, e = errno;
    free(dir);
    if (bad) {
        if (fd >= 0)
            unlink(t);
        free(t);
        return pl_error(ctx, PL_IO, "%s: cannot write: %s", path, strerror(e));
    }
    *tmp = t;
    return PL_OK;
}

int pl_file_commit(pl_ctx *ctx, const char *tmp, const char *path)
{
    if (rename(tmp, path) == 0)
        return PL_OK;
    int e = errno;
    unlink(tmp);
    return pl_error(ctx, PL_IO, "%s: cannot write: %s", path, strerror(e));
}

void pl_file_sync_dir(const char *path)
{
    char *dir = dir_of(path);
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        fsync(fd); /* the renames on the disk; some file systems cannot: no matter */
        close(fd);
    }
    free(dir);
}

/* Not a regular file (a terminal, a pipe, /dev/stdout): written as it is,
 * there is nothing to replace.  Opened without waiting: a named pipe that
 * no one reads is an error (ENXIO), not a hang; then written blocking. */
static int write_in_place(pl_ctx *ctx, const char *path, const void *data, size_t n)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 && errno == ENXIO)
        return pl_error(ctx, PL_IO, "%s: cannot write: a named pipe that no program reads", path);
    int bad = fd < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 ||
              write_all(fd, data ? data : "", n) != 0;
    int e = errno;
    if (fd >= 0 && close(fd) != 0 && !bad)
        bad = 1, e = errno;
    return bad ? pl_error(ctx, PL_IO, "%s: cannot write: %s", path, strerror(e)) : PL_OK;
}

int pl_file_write(pl_ctx *ctx, const char *path, const void *data, size_t n)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return S_ISDIR(st.st_mode) ? pl_error(ctx, PL_IO, "%s: cannot write: %s", path, strerror(EISDIR))
                                   : write_in_place(ctx, path, data, n);
    /* a link to a file: the file is replaced, the link kept */
    char *real = lstat(path, &st) == 0 && S_ISLNK(st.st_mode) ? realpath(path, NULL) : NULL;
    const char *target = real ? real : path;
    char *dir = dir_of(target), *tmp = NULL;
    const char *base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
    if (dir)
        pl_file_remove_stale(dir, base); /* what a killed run left */
    sigset_t held;
    pl_signals_hold(&held); /* an interrupt lands once the file is whole */
    int rc = pl_file_write_tmp(ctx, target, data, n, &tmp);
    if (rc == PL_OK) {
        pl_fault_pause("file");
        rc = pl_file_commit(ctx, tmp, target);
    }
    if (rc == PL_OK)
        pl_file_sync_dir(target);
    pl_signals_release(&held);
    free(tmp);
    free(dir);
    free(real);
    return rc;
}

/* ==== folders replaced whole ============================================ */

int pl_file_write_new(pl_ctx *ctx, const char *path, const char *as, const void *data, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    int bad = fd < 0 || write_all(fd, data ? data : "", n) != 0 || fsync(fd) != 0;
    int e = errno;
    if (fd >= 0 && close(fd) != 0 && !bad)
        bad = 1, e = errno;
    if (bad && fd >= 0)
        unlink(path);
    return bad ? pl_error(ctx, PL_IO, "%s: cannot write: %s", as ? as : path, strerror(e)) : PL_OK;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb, (void)flag, (void)f;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

int pl_dir_remove(const char *path)
{
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The folder's last part ("plan" of "out/plan/"), into a new string. */
static char *base_of(const char *path)
{
    size_t k = strlen(path);
    while (k > 1 && path[k - 1] == '/')
        k--;
    size_t b = k;
    while (b > 0 && path[b - 1] != '/')
        b--;
    return strndup(path + b, k - b);
}

/* final's sibling ".BASE.WHAT" + PID (+ ".K" when k >= 0), into a new string. */
static char *sibling(const char *final, const char *what, int k)
{
    char *dir = dir_of(final), *base = base_of(final), *s = NULL;
    if (dir && base && (s = malloc(strlen(dir) + strlen(base) + 64))) {
        sprintf(s, "%s/.%s.%s%ld", dir, base, what, (long)getpid());
        if (k >= 0)
            sprintf(s + strlen(s), ".%d", k);
    }
    free(dir);
    free(base);
    return s;
}

int pl_dir_stage(pl_ctx *ctx, const char *final, char **tmp)
{
    struct stat st;
    int keep = stat(final, &st) == 0 && S_ISDIR(st.st_mode);
    *tmp = NULL;
    for (int k = 0; k < 1000; k++) { /* the first name free: mkdir says */
        char *t = sibling(final, "tmp", k);
        if (!t)
            return pl_error(ctx, PL_NOMEM, "out of memory");
        pl_fault_step(ctx, "make the new folder");
        if (mkdir(t, 0777) == 0) {
            if (keep)
                chmod(t, st.st_mode & 07777); /* the old folder's mode */
            *tmp = t;
            return PL_OK;
        }
        int e = errno;
        free(t);
        if (e != EEXIST)
            return pl_error(ctx, PL_IO, "%s: cannot make the new folder beside it: %s", final, strerror(e));
    }
    return pl_error(ctx, PL_IO, "%s: cannot make the new folder beside it: %s", final, strerror(EEXIST));
}

/* Two renames where the file system cannot exchange: final aside under
 * ".BASE.oldPID", tmp to final, the old one to tmp.  Killed between the
 * first two, final is missing and the old folder waits under its ".old"
 * name: pl_dir_remove_stale puts it back. */
static int swap_by_renames(pl_ctx *ctx, const char *tmp, const char *final, int *had_old)
{
    char *old = sibling(final, "old", -1);
    int rc = old ? PL_OK : pl_error(ctx, PL_NOMEM, "out of memory");
    *had_old = rc == PL_OK && rename(final, old) == 0;
    if (rc == PL_OK && !*had_old && errno != ENOENT)
        rc = pl_error(ctx, PL_IO, "%s: cannot move aside: %s", final, strerror(errno));
    if (rc == PL_OK && *had_old)
        pl_fault_step(ctx, "swap: the old folder aside");
    if (rc == PL_OK && rename(tmp, final) != 0) {
        rc = pl_error(ctx, PL_IO, "%s: cannot put the new folder in place: %s", final, strerror(errno));
        if (*had_old)
            rename(old, final); /* the old one back */
    }
    if (rc == PL_OK && *had_old) {
        pl_fault_step(ctx, "swap: the new folder in place");
        if (rename(old, tmp) != 0)
            pl_dir_remove(old);
    }
    free(old);
    return rc;
}

int pl_dir_swap(pl_ctx *ctx, const char *tmp, const char *final, int *had_old)
{
    pl_fault_step(ctx, "swap the folders");
    int rc = PL_OK, e = EINVAL;
    const char *no = getenv("PLANNER_NO_EXCHANGE"); /* tests: the two-rename way */
    *had_old = 0;
    if (!no && renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
        goto synced;
    if (!no && errno == EEXIST && renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_EXCHANGE) == 0) {
        *had_old = 1;
        goto synced;
    }
    e = no ? EINVAL : errno;
    if (e == EINVAL || e == ENOSYS || e == EOPNOTSUPP)
        rc = swap_by_renames(ctx, tmp, final, had_old);
    else
        rc = pl_error(ctx, PL_IO, "%s: cannot put the new folder in place: %s", final, strerror(e));
    if (rc != PL_OK)
        return rc;
synced:
    pl_file_sync_dir(final);
    return PL_OK;
}

int pl_dir_unswap(pl_ctx *ctx, const char *tmp, const char *final, int had_old)
{
    int again;
    if (had_old)
        return pl_dir_swap(ctx, tmp, final, &again);
    if (rename(final, tmp) != 0)
        return pl_error(ctx, PL_IO, "%s: cannot take the new folder back: %s", final, strerror(errno));
    pl_file_sync_dir(final);
    return PL_OK;
}

/* 1 when name is ".BASE.oldPID" (*pid = PID). */
static int old_name_of(const char *name, const char *base, long *pid)
{
    size_t k = strlen(base);
    if (name[0] != '.' || strncmp(name + 1, base, k) || strncmp(name + 1 + k, ".old", 4))
        return 0;
    char *end;
    *pid = strtol(name + k + 5, &end, 10);
    return end != name + k + 5 && *pid > 0 && !*end;
}

int pl_dir_remove_stale(const char *final)
{
    char *dir = dir_of(final), *base = base_of(final);
    int n = 0;
    struct stat st;
    for (int pass = 0; dir && base && pass < 2; pass++) { /* the ".old" ones first */
        DIR *dh = opendir(dir);
        struct dirent *e;
        while (dh && (e = readdir(dh))) {
            long pid;
            int old = old_name_of(e->d_name, base, &pid);
            if (!(pass == 0 ? old : tmp_name_of(e->d_name, base, &pid)) || kill((pid_t)pid, 0) == 0 ||
                errno == EPERM)
                continue; /* not ours, or its process still runs */
            char *path = malloc(strlen(dir) + strlen(e->d_name) + 2);
            if (!path)
                break;
            sprintf(path, "%s/%s", dir, e->d_name);
            if (old && lstat(final, &st) != 0 && rename(path, final) == 0) {
                fprintf(stderr, "planner: %s was missing: put back the previous folder from %s, "
                                "left by a run that was killed (process %ld)\n", final, path, pid);
            } else if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && pl_dir_remove(path) == 0) {
                fprintf(stderr, "planner: removed %s, left by a run that was killed (process %ld)\n", path, pid);
            }
            n++;
            free(path);
        }
        if (dh)
            closedir(dh);
    }
    free(dir);
    free(base);
    return n;
}

/* ==== input paths checked before they are opened ======================== */

int pl_path_check(pl_ctx *ctx, const char *path, const char *what, const char *id, int flags)
{
    struct stat st;
    if (!path || stat(path, &st) != 0 || S_ISREG(st.st_mode))
        return PL_OK; /* a file, or missing: the opener says so in its words */
    size_t k = strlen(path);
    while (k > 1 && path[k - 1] == '/')
        k--;
    if (S_ISDIR(st.st_mode) && (flags & PL_PATH_GDB) && k > 4 && !strncmp(path + k - 4, ".gdb", 4))
        return PL_OK; /* an Esri File Geodatabase is a folder */
    const char *kind = S_ISFIFO(st.st_mode)  ? "a named pipe (FIFO)"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISDIR(st.st_mode)  ? "a folder"
                                              : "not a regular file";
    if (id)
        return pl_error(ctx, PL_IO, "%s '%s': %s is %s, not a file", what, id, path, kind);
    return pl_error(ctx, PL_IO, "%s %s is %s, not a file", what, path, kind);
}

/* ==== fault injection for the tests ===================================== */

void pl_fault_pause(const char *where)
{
    /* PLANNER_FAULT_PAUSE=WHERE:MS stops the run MS milliseconds at WHERE
     * ("write": a run folder's temporary files written, not yet renamed;
     * "file": the same for one file of pl_file_write; "store": the run's
     * rows written, not yet committed), so that a test can interrupt or
     * kill it there.  Unset, it costs one getenv. */
    const char *e = getenv("PLANNER_FAULT_PAUSE");
    size_t k = strlen(where);
    if (!e || strncmp(e, where, k) || e[k] != ':')
        return;
    long ms = strtol(e + k + 1, NULL, 10);
    if (ms > 0 && ms < 60000) {
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
    }
}

void pl_fault_step(pl_ctx *ctx, const char *what)
{
    /* PLANNER_FAULT_STEP=K kills the run (SIGKILL, as kill -9 does) just
     * before its K-th file operation; PLANNER_FAULT_STEP=list names each
     * on stderr.  Unset, it costs one getenv. */
    const char *e = getenv("PLANNER_FAULT_STEP");
    if (!e)
        return;
    int k = pl_ctx_next_step(ctx);
    if (!strcmp(e, "list"))
        fprintf(stderr, "planner: step %d: %s\n", k, what);
    else if (atol(e) == k)
        raise(SIGKILL);
}
