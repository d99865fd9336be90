/*
 * launcher: run a program and report its exit status and resource usage on a file descriptor.
 *
 *     launcher FD PROGRAM [ARGS...]
 *
 * Why not fork+exec straight from Python: Linux carries a process's peak RSS (ru_maxrss)
 * across fork and exec, so a program started by a 100 MB Python kernel would report at least
 * 100 MB. Started from this small process instead, the program's ru_maxrss is its own.
 *
 * The launcher ignores SIGTERM and SIGINT (the program gets the default actions back), so that
 * stopping the whole process group stops the program and the launcher still reports on it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static double seconds(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec / 1e6; }

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s FD PROGRAM [ARGS...]\n", argv[0]);
        return 127;
    }
    int report = atoi(argv[1]);
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "launcher: fork: %s\n", strerror(errno));
        return 127;
    }
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        close(report);
        execvp(argv[2], argv + 2);
        fprintf(stderr, "launcher: cannot run %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage usage;
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "launcher: wait4: %s\n", strerror(errno));
            return 127;
        }
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    dprintf(report, "{\"exit_code\": %d, \"maxrss_kb\": %ld, \"user_s\": %.6f, \"system_s\": %.6f}\n",
            code, usage.ru_maxrss, seconds(usage.ru_utime), seconds(usage.ru_stime));
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
