#include "syscall_groups.h"

#include <stdlib.h>
#include <string.h>

/* Sorted by name (tests/unit/test_seccomp.c keeps it so).  Names follow
 * systemd's SystemCallFilter groups where one exists; @file-read,
 * @file-write, @file-metadata, @memory, @namespace, @sysv-ipc and
 * @threads are landjail's own, and @ipc leaves System V IPC to @sysv-ipc.  Members are x86_64/aarch64 names; a name this
 * architecture lacks is noted, not an error. */
const struct syscall_group syscall_groups[] = {
	{ "@aio", "POSIX asynchronous I/O (not io_uring)",
	  "io_cancel io_destroy io_getevents io_pgetevents io_setup io_submit" },
	{ "@basic-io", "read, write, seek and close open descriptors",
	  "close close_range dup dup2 dup3 lseek pread64 preadv preadv2 pwrite64 "
	  "pwritev pwritev2 read readv write writev" },
	{ "@clock", "set the system clock",
	  "adjtimex clock_adjtime clock_settime settimeofday" },
	{ "@credentials", "read the process's own identity",
	  "capget getegid geteuid getgid getgroups getresgid getresuid getuid" },
	{ "@debug", "trace or inspect other processes (always denied unless allowed)",
	  "perf_event_open pidfd_getfd process_vm_readv process_vm_writev ptrace" },
	{ "@default", "what nearly every program needs to start and end",
	  "@credentials arch_prctl brk clock_getres clock_gettime clock_nanosleep "
	  "execve exit exit_group futex get_robust_list getpgid getpgrp getpid "
	  "getppid getrandom getrlimit getsid gettid gettimeofday membarrier mmap "
	  "mprotect munmap nanosleep pause prlimit64 restart_syscall rseq "
	  "rt_sigreturn sched_getaffinity sched_yield set_robust_list "
	  "set_tid_address time uname" },
	{ "@file-metadata", "change mode, owner, times or xattrs by path "
	  "(always denied unless allowed: Landlock does not govern them)",
	  "chmod chown fchmodat fchmodat2 fchownat file_setattr futimesat lchown "
	  "lremovexattr lsetxattr removexattr removexattrat setxattr setxattrat utime "
	  "utimensat utimes" },
	{ "@file-read", "open, stat, list and read files and directories",
	  "access chdir faccessat faccessat2 fadvise64 fchdir fgetxattr flistxattr "
	  "fstat fstatfs getcwd getdents64 getxattr lgetxattr listxattr llistxattr "
	  "lstat newfstatat open openat openat2 readlink readlinkat stat statfs statx" },
	{ "@file-system", "@file-read, @file-write and descriptor-level file calls",
	  "@file-read @file-write fchmod fchown fcntl flock fremovexattr fsetxattr "
	  "inotify_add_watch inotify_init inotify_init1 inotify_rm_watch" },
	{ "@file-write", "create, write, link, rename, remove and truncate files",
	  "creat fallocate ftruncate link linkat mkdir mkdirat mknod mknodat rename "
	  "renameat renameat2 rmdir symlink symlinkat truncate umask unlink unlinkat" },
	{ "@io-event", "wait for events on descriptors",
	  "epoll_create epoll_create1 epoll_ctl epoll_pwait epoll_pwait2 epoll_wait "
	  "eventfd eventfd2 poll ppoll pselect6 select" },
	{ "@io-uring", "io_uring (its operations bypass seccomp; always denied unless allowed)",
	  "io_uring_enter io_uring_register io_uring_setup" },
	{ "@ipc", "pipes, memfds and POSIX message queues (System V IPC is @sysv-ipc)",
	  "memfd_create mq_getsetattr mq_notify mq_open mq_timedreceive "
	  "mq_timedsend mq_unlink pipe pipe2" },
	{ "@keyring", "the kernel keyring (always denied unless allowed)",
	  "add_key keyctl request_key" },
	{ "@memlock", "lock memory into RAM",
	  "mlock mlock2 mlockall munlock munlockall" },
	{ "@memory", "map, protect and advise memory",
	  "brk madvise mincore mmap mprotect mremap msync munmap" },
	{ "@module", "load and unload kernel modules (always denied unless allowed)",
	  "delete_module finit_module init_module" },
	{ "@mount", "mount filesystems and change the root (always denied unless allowed)",
	  "chroot fsconfig fsmount fsopen fspick mount mount_setattr move_mount "
	  "open_tree pivot_root umount2" },
	{ "@namespace", "enter or create namespaces (always denied unless allowed)",
	  "setns unshare" },
	{ "@network-io", "use sockets ([network] still decides which)",
	  "accept accept4 bind connect getpeername getsockname getsockopt listen "
	  "recvfrom recvmmsg recvmsg sendmmsg sendmsg sendto setsockopt shutdown "
	  "socket socketpair" },
	{ "@process", "create, signal and wait for processes",
	  "clone execveat fork kill pidfd_open pidfd_send_signal prctl "
	  "rt_sigqueueinfo rt_tgsigqueueinfo setpgid setsid tgkill tkill vfork "
	  "wait4 waitid" },
	{ "@raw-io", "raw port I/O", "ioperm iopl" },
	{ "@reboot", "reboot or load a new kernel (always denied unless allowed)",
	  "kexec_file_load kexec_load reboot" },
	{ "@resources", "change scheduling, priorities, memory policy and limits",
	  "ioprio_set mbind migrate_pages move_pages sched_setaffinity sched_setattr "
	  "sched_setparam sched_setscheduler set_mempolicy setpriority setrlimit" },
	{ "@sandbox", "confine oneself further (Landlock, seccomp)",
	  "landlock_add_rule landlock_create_ruleset landlock_restrict_self seccomp" },
	{ "@setuid", "change user and group ids",
	  "setfsgid setfsuid setgid setgroups setregid setresgid setresuid setreuid setuid" },
	{ "@signal", "handle and block signals",
	  "rt_sigaction rt_sigpending rt_sigprocmask rt_sigsuspend rt_sigtimedwait "
	  "sigaltstack signalfd signalfd4" },
	{ "@swap", "enable and disable swap", "swapoff swapon" },
	{ "@sync", "flush data to storage",
	  "fdatasync fsync msync sync sync_file_range syncfs" },
	{ "@system-service", "what a typical command-line program or service uses",
	  "@aio @basic-io @default @file-system @io-event @ipc @memory @network-io "
	  "@process @signal @sync @threads @timer ioctl getpriority sched_getparam "
	  "sched_getscheduler sysinfo" },
	{ "@sysv-ipc", "System V shared memory, message queues and semaphores (always "
	  "denied unless allowed: they reach every process of the user, outside the sandbox too)",
	  "msgctl msgget msgrcv msgsnd semctl semget semop semtimedop shmat shmctl shmdt shmget" },
	{ "@threads", "create and coordinate threads (clone is checked by its flags)",
	  "clone futex futex_waitv get_robust_list gettid membarrier rseq "
	  "set_robust_list set_tid_address tgkill" },
	{ "@timer", "timers and alarms",
	  "alarm getitimer setitimer timer_create timer_delete timer_getoverrun "
	  "timer_gettime timer_settime timerfd_create timerfd_gettime "
	  "timerfd_settime times" },
};

const size_t syscall_groups_count = sizeof(syscall_groups) / sizeof(syscall_groups[0]);

static int by_name(const void *key, const void *row)
{
	return strcmp(key, ((const struct syscall_group *)row)->name);
}

const struct syscall_group *syscall_group_find(const char *name)
{
	return bsearch(name, syscall_groups, syscall_groups_count, sizeof(syscall_groups[0]),
		       by_name);
}
