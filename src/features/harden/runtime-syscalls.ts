/**
 * Syscalls the runtime makes inside the container after it has loaded the seccomp filter
 * and before (and while) it execs the workload. Every generated profile allows them, or
 * the container would not start.
 *
 * Measured on this engine (runc 1.1.5, Docker 20.10.24) by recording a workload that only
 * exits, 25 times, as root and as uid 65534, with and without no-new-privileges and
 * --cap-drop ALL: the records whose comm is `runc:[2:INIT]`. runc loads the filter just
 * before exec with no-new-privileges, and before setting up users and capabilities
 * without it, hence the user and capability calls. To them are added the calls runc's Go
 * runtime may make at any moment (scheduling, signals, memory) and the kernel's own
 * restart of an interrupted call. Every one is also allowed by Docker's default profile
 * (moby profiles/seccomp/default.json; docs/harden.md lists the comparison).
 */
export const RUNTIME_SYSCALLS: readonly string[] = [
  // measured
  'capget', 'capset', 'chdir', 'close', 'epoll_ctl', 'execve', 'faccessat2', 'fchown', 'fcntl', 'fstat', 'fstatfs', 'futex',
  'getcwd', 'getdents64', 'getpid', 'getppid', 'newfstatat', 'openat', 'prctl', 'read', 'rt_sigreturn', 'setgid', 'setgroups',
  'setuid', 'write',
  // the Go runtime and the kernel
  'exit', 'gettid', 'madvise', 'mmap', 'munmap', 'nanosleep', 'restart_syscall', 'rt_sigaction', 'rt_sigprocmask', 'sched_yield',
  'sigaltstack', 'tgkill',
];
