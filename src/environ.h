/* The environment the sandboxed program gets.  A web application's
 * environment holds its secrets, so by default only a short list of
 * harmless variables passes (policy_default_env_keep). */
#ifndef LANDJAIL_ENVIRON_H
#define LANDJAIL_ENVIRON_H

#include "policy.h"

/* Build the program's environment from the caller's (in) and p. */
void environ_build(const struct policy *p, char *const *in, struct strv *out);

#endif
