/* The filter cache names and checks its entries with SHA-256: check it
 * against the FIPS 180-4 examples and at the block-padding boundaries
 * (55, 56, 63, 64 bytes) against values from sha256sum(1), with the
 * CPU's SHA extensions where it has them and without. */
#include <stdio.h>
#include <string.h>

#include "filter_cache.h"
#include "tap.h"

static const char *hex(const void *msg, size_t n)
{
	static char out[2 * SHA256_BYTES + 1];
	uint8_t d[SHA256_BYTES];
	sha256(msg, n, d);
	for (int i = 0; i < SHA256_BYTES; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	return out;
}

static void is_digest(const void *msg, size_t n, const char *want, const char *what)
{
	const char *got = hex(msg, n);
	TAP_OK(strcmp(got, want) == 0, "SHA-256 of %s", what);
	if (strcmp(got, want))
		printf("#   got  %s\n#   want %s\n", got, want);
}

int main(void)
{
	is_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		  "the empty message");
	is_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		  "\"abc\"");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	is_digest(two, strlen(two),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
		  "the two-block FIPS example");
	char a[1000];
	memset(a, 'a', sizeof(a));
	is_digest(a, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
		  "55 x a (one padded block)");
	is_digest(a, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
		  "56 x a (the length spills into a second block)");
	is_digest(a, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
		  "64 x a (one full block, then padding)");
	is_digest(a, 1000, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3",
		  "1000 x a");
	/* sha256() takes the CPU's SHA extensions where it has them: the
	 * portable rounds must give the same digest at every length and
	 * alignment, and the known one for 1000 x a. */
	uint8_t buf[1100], d1[SHA256_BYTES], d2[SHA256_BYTES];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + (i >> 3));
	size_t differ = 0;
	for (size_t n = 0; n <= 1024; n++) {
		sha256(buf + n % 7, n, d1);
		sha256_portable(buf + n % 7, n, d2);
		differ += memcmp(d1, d2, sizeof(d1)) != 0;
	}
	TAP_OK(differ == 0, "SHA-256 with and without the SHA extensions agree at 0..1024 bytes "
	       "(%zu differ)", differ);
	sha256_portable(a, 1000, d2);
	sha256(a, 1000, d1);
	TAP_OK(memcmp(d1, d2, sizeof(d1)) == 0 && strcmp(hex(a, 1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3") == 0,
	       "the portable rounds give the known digest of 1000 x a");
	return tap_done();
}
