/* A classic-BPF interpreter for seccomp programs, as the kernel runs
 * them on a struct seccomp_data: the unit tests run compiled filters on
 * synthetic system calls with it.  Anything a seccomp program may not
 * do (a load outside seccomp_data, a jump out of the program, falling
 * off its end) answers BPF_INTERP_BAD, which no test accepts. */
#ifndef LANDJAIL_BPF_INTERP_H
#define LANDJAIL_BPF_INTERP_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <string.h>

#define BPF_INTERP_BAD 0xffffffffu

static inline uint32_t bpf_alu(uint16_t op, uint32_t a, uint32_t v, int *bad)
{
	switch (op) {
	case BPF_ADD: return a + v;
	case BPF_SUB: return a - v;
	case BPF_MUL: return a * v;
	case BPF_DIV: if (!v) *bad = 1; return v ? a / v : 0;
	case BPF_MOD: if (!v) *bad = 1; return v ? a % v : 0;
	case BPF_OR: return a | v;
	case BPF_AND: return a & v;
	case BPF_XOR: return a ^ v;
	case BPF_LSH: return v < 32 ? a << v : 0;
	case BPF_RSH: return v < 32 ? a >> v : 0;
	case BPF_NEG: return -a;
	default: *bad = 1; return 0;
	}
}

static inline int bpf_jump(uint16_t op, uint32_t a, uint32_t v, int *bad)
{
	switch (op) {
	case BPF_JEQ: return a == v;
	case BPF_JGT: return a > v;
	case BPF_JGE: return a >= v;
	case BPF_JSET: return (a & v) != 0;
	default: *bad = 1; return 0;
	}
}

static inline uint32_t bpf_run(const struct sock_filter *prog, unsigned len,
			       const struct seccomp_data *d)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = { 0 };
	int bad = 0;
	for (unsigned pc = 0; pc < len && !bad; pc++) {
		const struct sock_filter *in = &prog[pc];
		uint32_t k = in->k;
		uint32_t src = BPF_SRC(in->code) == BPF_X ? X : k;
		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
		case BPF_LDX: {
			uint32_t v = 0;
			if (BPF_MODE(in->code) == BPF_ABS && BPF_SIZE(in->code) == BPF_W &&
			    k % 4 == 0 && k + 4 <= sizeof(*d))
				memcpy(&v, (const char *)d + k, 4);
			else if (BPF_MODE(in->code) == BPF_IMM)
				v = k;
			else if (BPF_MODE(in->code) == BPF_MEM && k < BPF_MEMWORDS)
				v = M[k];
			else if (BPF_MODE(in->code) == BPF_LEN)
				v = sizeof(*d);
			else
				bad = 1;
			if (BPF_CLASS(in->code) == BPF_LD)
				A = v;
			else
				X = v;
			break;
		}
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				bad = 1;
			else
				M[k] = BPF_CLASS(in->code) == BPF_ST ? A : X;
			break;
		case BPF_ALU:
			A = bpf_alu(BPF_OP(in->code), A, src, &bad);
			break;
		case BPF_JMP: {
			uint32_t off;
			if (BPF_OP(in->code) == BPF_JA)
				off = k;
			else
				off = bpf_jump(BPF_OP(in->code), A, src, &bad) ? in->jt : in->jf;
			if ((uint64_t)pc + 1 + off >= len)
				bad = 1;
			pc += off;
			break;
		}
		case BPF_RET:
			return BPF_RVAL(in->code) == BPF_K ? k : A;
		case BPF_MISC:
			if (BPF_MISCOP(in->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		default:
			bad = 1;
		}
	}
	return BPF_INTERP_BAD;
}

#endif
