/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_CRYPTO_SHA2_H
#define _SHIM_CRYPTO_SHA2_H

/*
 * The kernel's SHA-256 library over OpenSSL's libcrypto. OpenSSL 3 marks
 * the SHA256_CTX functions deprecated in favour of EVP; they are what the
 * kernel's by-value struct sha256_state maps to, so silence that here.
 */

#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <linux/types.h>

#define SHA256_DIGEST_SIZE	32
#define SHA256_BLOCK_SIZE	64

struct sha256_state {
	SHA256_CTX ctx;
};

static inline void sha256_init(struct sha256_state *sctx)
{
	SHA256_Init(&sctx->ctx);
}

static inline void sha256_update(struct sha256_state *sctx, const u8 *data,
				 unsigned int len)
{
	SHA256_Update(&sctx->ctx, data, len);
}

/* Writes the digest and wipes the state. */
static inline void sha256_final(struct sha256_state *sctx, u8 *out)
{
	SHA256_Final(out, &sctx->ctx);
	OPENSSL_cleanse(sctx, sizeof(*sctx));
}

static inline void sha256(const u8 *data, unsigned int len, u8 *out)
{
	SHA256(data, len, out);
}

#endif /* _SHIM_CRYPTO_SHA2_H */
