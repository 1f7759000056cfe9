/* --explain: run the command once observed under its policy's plan,
 * refusing (for the observer, not the program) what the real policy
 * would refuse, and print each refusal with the line that would allow
 * it.  main then runs the command really confined for its status. */
#ifndef LANDJAIL_EXPLAIN_H
#define LANDJAIL_EXPLAIN_H

#include "cli.h"
#include "policy.h"

/* 0 to go on to the confined run, or an exit status (125, 126, 127). */
int explain_main(const struct cli *c, const struct policy *p);

#endif
