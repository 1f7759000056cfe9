/* Reports carry names the program chose: every byte outside printable
 * ASCII is escaped, and a line never overflows its buffer. */
#include <stdbool.h>
#include <string.h>

#include "report.h"
#include "tap.h"

static const struct {
	const char *in, *out;
} cases[] = {
	{ "convert[12] was stopped", "convert[12] was stopped" },
	{ "\x1b[31mRED", "\\x1b[31mRED" },     /* a terminal escape */
	{ "a\nlandjail: forged", "a\\x0alandjail: forged" }, /* a second line */
	{ "bell\a\r", "bell\\x07\\x0d" },
	{ "del\x7f", "del\\x7f" },
	{ "caf\xc3\xa9", "caf\\xc3\\xa9" },    /* UTF-8, and 8-bit C1 controls */
	{ "back\\slash", "back\\\\slash" },    /* so that \x cannot be forged */
	{ "", "" },
};

int main(void)
{
	char out[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = report_escape(out, sizeof(out), cases[i].in);
		TAP_STR(out, cases[i].out, "escape case %zu", i);
		TAP_OK(n == strlen(cases[i].out), "...and its length (%zu)", n);
	}
	/* Cut short at a whole escape, always terminated. */
	char small[6];
	report_escape(small, sizeof(small), "ab\x1b" "cd");
	TAP_STR(small, "ab", "a line too long for the buffer stops before a partial escape");
	report_escape(small, sizeof(small), "abcdefgh");
	TAP_STR(small, "abcde", "...and plain text fills it");
	return tap_done();
}
