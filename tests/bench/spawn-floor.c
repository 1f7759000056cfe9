/* The floor of any launcher: posix_spawn COMMAND and wait, nothing else.
 * tests/bench.sh times landjail against it and against a bare exec. */
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
	pid_t pid;
	int status;
	if (argc < 2) {
		fputs("usage: spawn-floor COMMAND [ARG...]\n", stderr);
		return 2;
	}
	if (posix_spawn(&pid, argv[1], NULL, NULL, argv + 1, environ) != 0)
		return 127;
	if (waitpid(pid, &status, 0) < 0)
		return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
