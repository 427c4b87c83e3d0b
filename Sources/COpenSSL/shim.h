// OpenSSL 3 (Apache-2.0, Debian libssl-dev), linked dynamically. Imported only by the TLS
// module. The functions below wrap what OpenSSL defines as macros (Swift imports no
// function-like macros); each is the macro of its name, nothing more.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/// The C macro is SSL_CTX_set_min_proto_version.
static inline int candor_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

/// The C macro is SSL_set_tlsext_host_name (Server Name Indication).
static inline int candor_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}
