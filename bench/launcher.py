"""Start benchmarked processes from a small process, and report time and memory.

A child's peak resident set (``ru_maxrss``) starts from what its parent had
when it forked, so children forked from the runner, which holds generated
stores in memory, would all seem as large as it. This script, started with
``python -S`` before anything is loaded, stays a few megabytes; it reads one
JSON request a line (argv, env, cwd, stdout and stderr files), forks and execs
the command, waits for it with ``os.wait4`` and answers one JSON line: wall
seconds from fork to exit, peak memory in KiB and the exit code.
"""

import json
import os
import sys
import time


def launch(request: dict) -> list:  # type: ignore[type-arg]
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(request["cwd"])
            stdin = os.open(os.devnull, os.O_RDONLY)
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
            stdout = os.open(request["stdout"] or os.devnull, flags, 0o600)
            stderr = os.open(request["stderr"], flags, 0o600)
            os.dup2(stdin, 0)
            os.dup2(stdout, 1)
            os.dup2(stderr, 2)
            os.execve(request["argv"][0], request["argv"], request["env"])
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - started
    return [elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]


def main() -> None:
    for line in sys.stdin:
        sys.stdout.write(json.dumps(launch(json.loads(line))) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
