/* Between the tracer's loop (trace.c) and the decoder that turns one
 * system call into events (trace_decode.c). */
#ifndef LANDJAIL_TRACE_DECODE_H
#define LANDJAIL_TRACE_DECODE_H

#include <sys/ptrace.h>
#include <stdint.h>

#include "trace.h"

/* syscall + up to two paths (rename), or syscall + program, script
 * interpreter and loader (execve). */
#define TRACE_MAX_EVENTS 4

struct tracee {
	pid_t tid, tgid;
	bool seen;      /* its first stop has been taken */
	bool refused;   /* the current call was skipped: set err at exit */
	int err;
	int nev;
	struct trace_event ev[TRACE_MAX_EVENTS];
};

/* Fill t->ev with the events of the call that si enters. */
void trace_decode(struct tracee *t, const struct __ptrace_syscall_info *si);

/* The name of syscall nr on this architecture (static storage). */
const char *trace_syscall_name(int nr);

/* Read len bytes at addr in the tracee: bytes read, or -1. */
ssize_t trace_read_mem(pid_t tid, uint64_t addr, void *buf, size_t len);

#endif
