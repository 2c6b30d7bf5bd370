/*
 * mappng.c - plan.png from plan.svg (map.c) through rsvg-convert, when it
 * is installed; the font is the SVG's named one (WenQuanYi Micro Hei), so
 * the PNG is the same on machines with the same packages.
 *
 * Entry point: pl_map_png.
 */
#include "planner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ==== PNG through rsvg-convert ========================================= */

static char *find_program(const char *name)
{
    const char *path = getenv("PATH");
    if (!path)
        return NULL;
    while (*path) {
        size_t k = strcspn(path, ":");
        char buf[4096];
        if (k && k + strlen(name) + 2 < sizeof buf) {
            snprintf(buf, sizeof buf, "%.*s/%s", (int)k, path, name);
            if (access(buf, X_OK) == 0)
                return pl_strdup(buf);
        }
        path += k;
        if (*path)
            path++;
    }
    return NULL;
}

/* The SVG to rsvg-convert's stdin and the PNG from its stdout, through
 * pipes pumped with poll (either may fill while the other waits): no
 * temporary file, so nothing can be left behind, even by kill -9. */
static int pump(int to, int from, const pl_buf *in, pl_buf *out)
{
    size_t sent = 0;
    char chunk[65536];
    int open_in = 1;
    for (;;) {
        struct pollfd fds[2] = {{.fd = from, .events = POLLIN}, {.fd = open_in ? to : -1, .events = POLLOUT}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (open_in && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t k = (fds[1].revents & POLLOUT) ? write(to, in->s + sent, in->n - sent) : -1;
            if (k > 0)
                sent += (size_t)k;
            if (k < 0 || sent == in->n) {
                close(to); /* all sent (or the reader went away): end of input */
                open_in = 0;
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t k = read(from, chunk, sizeof chunk);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            pl_buf_putn(out, chunk, (size_t)k);
        }
    }
    if (open_in)
        close(to);
    return sent == in->n && !out->oom ? 0 : -1;
}

int pl_map_png(pl_ctx *ctx, const pl_buf *svg, pl_buf *png)
{
    char *prog = find_program("rsvg-convert");
    if (!prog)
        return PL_OK; /* no converter: no PNG, the SVG is the map */
    int in[2] = {-1, -1}, out[2] = {-1, -1}, rc = PL_OK;
    posix_spawn_file_actions_t fa;
    int have_fa = 0;
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || posix_spawn_file_actions_init(&fa)) {
        rc = pl_error(ctx, PL_IO, "cannot start %s: %s", prog, strerror(errno));
        goto done;
    }
    have_fa = 1;
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    char *argv[] = {prog, "--zoom", "2", "--background-color", "white", "--format", "png", NULL};
    pid_t pid;
    int status = 0;
    /* a writer whose reader died gets EPIPE, not a deadly SIGPIPE */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigaction(SIGPIPE, &ign, &old);
    if (posix_spawn(&pid, prog, &fa, NULL, argv, environ) != 0) {
        sigaction(SIGPIPE, &old, NULL);
        rc = pl_error(ctx, PL_IO, "cannot start %s: %s", prog, strerror(errno));
        goto done;
    }
    close(in[0]);
    close(out[1]);
    in[0] = out[1] = -1;
    int pumped = pump(in[1], out[0], svg, png);
    in[1] = -1; /* closed by pump */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    sigaction(SIGPIPE, &old, NULL);
    if (pumped || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || png->n == 0)
        rc = pl_error(ctx, PL_IO, "%s failed to draw plan.png from plan.svg", prog);
done:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (out[i] >= 0)
            close(out[i]);
    }
    if (have_fa)
        posix_spawn_file_actions_destroy(&fa);
    free(prog);
    return rc;
}
