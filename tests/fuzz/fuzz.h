/*
 * fuzz.h - what every harness in tests/fuzz/ shares: the libFuzzer entry
 * point (run by libFuzzer under `make fuzz`, and by driver.c over the seed
 * corpora under `make fuzz-seeds`) and a NUL-terminated copy of the input
 * for parsers that take C strings.
 *
 * A harness parses untrusted bytes only: it writes no file, opens no
 * socket, and frees everything it was given, so that leaks are findings.
 */
#ifndef MAILAUTH_FUZZ_H
#define MAILAUTH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data as a C string (malloc'd; the caller frees it): a NUL in the input
 * ends the string there, as it would for a parser given C strings. */
char	*fuzz_cstr(const uint8_t *data, size_t size);

#endif
