/* [syscalls] and the seccomp filter that enforces it together with the
 * socket-family part of [network] and the always-denied calls.
 *
 * The filter is compiled from one verdict per system call (the verdict
 * table, seccomp_verdict.c): the profile's allow and deny lines, the
 * always-denied set, fork =, the network mode and the Landlock ABI fold
 * into it, and a deny line is the last word for its call.  Argument
 * rules only refine a call the table allows (seccomp_args.c).
 *
 *   section_syscalls.c the [syscalls] section (the reader)
 *   seccomp_verdict.c  the verdict table (the plan)
 *   seccomp_args.c     argument rules and the BPF builder (libseccomp)
 *   seccomp_ranges.c   the program: landjail's own range dispatch of the
 *                      calls of one action, then libseccomp's part
 *   seccomp_notify.c   listener handover, and answering notifications
 *   seccomp_cache.c    when the filter cache may be used, and its key
 *   syscall_filter.c   prepare, dump, free
 *
 * The parent builds and compiles the filter (seccomp_prepare); the child
 * only loads the finished program (seccomp_enter) as its last step before
 * execve; the supervisor answers the filter's user notifications
 * (seccomp_handle) and reports each forbidden call by name. */
#ifndef LANDJAIL_SYSCALL_FILTER_H
#define LANDJAIL_SYSCALL_FILTER_H

#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "policy.h"
#include "syscall_names.h"

#define SECCOMP_MAX_NR SYSNAME_MAX_NR

/* The argument rules read these (seccomp_args.c) and the reports name
 * them (seccomp_notify.c): every namespace flag of clone, and the low
 * half of an argument the kernel reads as int. */
#define SECCOMP_CLONE_NEW_ANY (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
			       CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#define SECCOMP_LOW32 0xffffffffULL

/* What the filter does with one system call.  Ordered from the most to
 * the least permissive (the monotonicity test relies on it). */
enum verdict {
	VERDICT_ALLOW,  /* whatever the arguments */
	VERDICT_LOG,    /* allowed and reported (default = log) */
	VERDICT_ARGS,   /* allowed; argument rules refuse some forms */
	VERDICT_ENOSYS, /* clone3: libc falls back to clone, whose flags are seen */
	VERDICT_EACCES, /* truncate below Landlock ABI 3 */
	VERDICT_REFUSE, /* a violation: EPERM, or the end with default = kill */
	VERDICT_COUNT
};

/* Why a call has its verdict, for reports and --dump-seccomp. */
enum verdict_why {
	WHY_ALLOWED,  /* an allow line, a group, or no [syscalls] default */
	WHY_NEEDED,   /* landjail needs it to start the program */
	WHY_UNLISTED, /* not allowed by the allowlist */
	WHY_DENIED,   /* a deny line */
	WHY_ALWAYS,   /* the always-denied set */
	WHY_FORK,     /* fork = no */
	WHY_ABI,      /* the Landlock ABI leaves it to seccomp */
	WHY_COUNTED,  /* a new process, counted against sandbox-processes (proclimit.h) */
	WHY_DISK,     /* [limits] disk watches one directory (disklimit.h) */
	WHY_COUNT
};

struct seccomp_plan {
	const struct policy *p;
	struct sock_filter *insns;
	unsigned short len;
	bool notify;     /* SECCOMP_RET_USER_NOTIF with a listener */
	int sock[2];     /* the listener travels from child [1] to parent [0] */
	int abi;
	bool allowlist;  /* a default is set: unlisted calls are violations */
	bool fork;       /* new processes allowed */
	bool tcp;        /* TCP sockets may be created */
	bool cached;     /* the program came from the filter cache */
	unsigned char verdict[SECCOMP_MAX_NR]; /* enum verdict */
	unsigned char why[SECCOMP_MAX_NR];     /* enum verdict_why */
};

/* Does this kernel (and any filter landjail runs under) give seccomp user
 * notification?  Violations are then reported by name, and the bounds
 * and checks that need the supervisor's answer can hold (plan.c). */
bool seccomp_notify_available(void);

/* Can p's program start processes (fork = yes, or no allowlist)?  The
 * plan's fork (seccomp_plan_basics) says the same. */
bool seccomp_policy_forks(const struct policy *p);

/* The verdict table of p at this Landlock ABI into plan (no descriptors,
 * no kernel calls): seccomp_verdict.c.  notify says whether violations
 * go to the supervisor. */
void seccomp_verdicts(const struct policy *p, int abi, bool notify, struct seccomp_plan *plan);
/* The part of the plan that resolves no syscall name (policy, ABI,
 * notify, allowlist, fork, tcp): what the filter cache is keyed by, with
 * the allow and deny lines.  seccomp_verdicts() sets it too. */
void seccomp_plan_basics(const struct policy *p, int abi, bool notify, struct seccomp_plan *plan);
/* The verdict of any number, including those not tracked per call. */
enum verdict seccomp_verdict_of(const struct seccomp_plan *plan, int nr);
const char *seccomp_verdict_name(enum verdict v);
const char *seccomp_why_name(enum verdict_why w);
/* Is nr execve or execveat, and does the table allow the program's own
 * execs of that call (they are then reported, not refused)? */
bool seccomp_exec_allowed(const struct seccomp_plan *plan, int nr);
/* Is nr one of the always-denied calls (as a name or by its group)? */
bool seccomp_always_denied(int nr);
/* The always-denied set as written, for tests and docs. */
extern const char seccomp_always_denied_list[];

/* Compile plan into a libseccomp context: seccomp_args.c.  0 or -errno.
 * args_only: only the calls whose arguments decide (SECCOMP_DEFER
 * below) get rules, the part of the program after the range dispatch;
 * otherwise every call (the whole filter in libseccomp's form, which the
 * unit tests compare the program with). */
int seccomp_build(const struct seccomp_plan *plan, bool args_only, void **ctx);

/* What the filter returns for each call (action[0..SECCOMP_MAX_NR)), as
 * a SECCOMP_RET_* value, when one action holds whatever the arguments;
 * SECCOMP_SWITCH when one argument decides (seccomp_arg_switch);
 * SECCOMP_DEFER when other argument rules decide (or the listener
 * handover).  *dflt: the action of every number not in the table. */
#define SECCOMP_DEFER (-1)
#define SECCOMP_SWITCH (-2)
void seccomp_plain_actions(const struct seccomp_plan *plan, int64_t *action, uint32_t *dflt);

/* Argument rules as a few tests, each of one argument's low half (the
 * kernel reads these arguments as int), and'ed with mask, against a few
 * values: equal to value[i] gets action[i], or the decision of test
 * next[i] when that is not 0; no value equal gets otherwise, or test
 * next_otherwise.  A test only names later ones; test 0 is the first.
 * seccomp_args.c makes them (ioctl, prlimit64, fcntl, personality) next to the same
 * rules for libseccomp; the range dispatch compares itself. */
#define SECCOMP_SWITCH_MAX 8
#define SECCOMP_SWITCH_TESTS 3
struct seccomp_test {
	unsigned arg, n;
	uint32_t mask;
	uint32_t value[SECCOMP_SWITCH_MAX], action[SECCOMP_SWITCH_MAX];
	unsigned next[SECCOMP_SWITCH_MAX];
	uint32_t otherwise;
	unsigned next_otherwise;
};
struct seccomp_switch {
	unsigned n_tests;
	struct seccomp_test test[SECCOMP_SWITCH_TESTS];
	bool overflow; /* more than fit: not a switch, libseccomp's part decides */
};
bool seccomp_arg_switch(const struct seccomp_plan *plan, int nr, struct seccomp_switch *sw);

/* The program of plan (seccomp_ranges.c): a search over the syscall
 * number that returns the plain actions itself and jumps to part
 * (libseccomp's program of seccomp_build(args_only), part_len
 * instructions, appended unchanged) for the calls it defers, another
 * architecture and, on x86_64, the x32 numbers.  Only loads of arch
 * and nr and of arguments, jumps and RET K: no scratch memory.  reach:
 * the farthest a conditional jump may go, SECCOMP_JUMP_REACH (the unit
 * tests use less, so that the JAs for the far targets are tried; at
 * least 2).  *insns is malloc'd.  0, or -E2BIG past BPF_MAXINSNS. */
#define SECCOMP_JUMP_REACH 255u
int seccomp_ranges_program(const struct seccomp_plan *plan, const struct sock_filter *part,
			   unsigned part_len, unsigned reach, struct sock_filter **insns,
			   unsigned short *len);
/* seccomp_build() compiled by libseccomp into *insns (malloc'd): with
 * args_only the part after the range dispatch, without it the whole
 * filter as libseccomp alone compiles it (what the unit tests compare
 * the program with).  0 or -errno. */
int seccomp_libseccomp_program(const struct seccomp_plan *plan, bool args_only,
			       struct sock_filter **insns, unsigned short *len);
/* The dispatch as comment lines, for --dump-seccomp. */
void seccomp_ranges_dump(const struct seccomp_plan *plan, FILE *out);

/* Build and compile the filter for p at this Landlock ABI (0: none).
 * Returns 0 or -errno with *msg (malloc'd). */
int seccomp_prepare(const struct policy *p, int abi, struct seccomp_plan *plan, char **msg);
/* The same without the cache and with notify chosen by the caller and no
 * listener socket (the unit tests' way in). */
int seccomp_compile(const struct policy *p, int abi, bool notify, struct seccomp_plan *plan);
void seccomp_plan_free(struct seccomp_plan *plan);

/* The verdict table and libseccomp's readable form of the filter, for
 * --dump-seccomp. */
int seccomp_dump(const struct policy *p, int abi, FILE *out, char **msg);

/* In the child, last before execve: load the filter (*loaded) and hand
 * the listener to the parent.  Nothing else happens between the two:
 * the one sendmsg it makes is allowed by every filter.  0 or -errno. */
int seccomp_enter(const struct seccomp_plan *plan, bool *loaded);

/* In the parent once the child has exec'd (or died): the listener, or -1. */
int seccomp_listener_receive(struct seccomp_plan *plan);

/* What the supervisor answers a notification with (seccomp_notify.c). */
enum notify_answer { ANSWER_CONTINUE, ANSWER_ERRNO, ANSWER_KILL,
		     ANSWER_CHECK_FD, /* the descriptor decides: fdguard.h */
		     ANSWER_DISK      /* measure, then go on: disklimit.h */ };
enum notify_answer seccomp_answer(const struct seccomp_plan *plan, const struct seccomp_data *d,
				  int *err);

/* A mechanism that answers some notifications itself, before the
 * verdict table (proclimit.c): true when it has answered req.  So the
 * seccomp files need not know the mechanisms built on them. */
typedef bool (*seccomp_notify_hook)(const struct seccomp_plan *plan, int listener,
				    const struct seccomp_notif *req);

/* Answer one notification on the listener, offering it to each hook of
 * the NULL-terminated list first; true when the whole sandbox must be
 * killed (default = kill). */
bool seccomp_handle(const struct seccomp_plan *plan, int listener,
		    const seccomp_notify_hook *hooks);

/* Without user notification: say what a death by SIGSYS means. */
void seccomp_report_sigsys(const struct seccomp_plan *plan, const char *program);

#endif
