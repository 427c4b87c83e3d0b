import COpenSSL

/// What every TLS connection of one client shares, loaded once (a missing or unreadable file
/// is an error when the service starts, not at each connection attempt): TLS 1.2 or newer,
/// the server always verified against `ca` (a PEM file of one or more CA certificates; nil:
/// the system's trust store), and the client certificate (`certificate`, PEM, the leaf first
/// and any intermediates after it) with its private key (`key`, PEM), sent when the server
/// asks for one.
public final class TLSClientContext: @unchecked Sendable {
    /// The `SSL_CTX`, owned; immutable once built (OpenSSL allows `SSL_new` from any thread).
    let context: OpaquePointer

    public init(ca: String?, certificate: String?, key: String?) throws(TLSError) {
        precondition((certificate == nil) == (key == nil), "a client certificate without its key, or a key without its certificate")
        ERR_clear_error()
        guard let made = SSL_CTX_new(TLS_client_method()) else { throw TLSError.library("SSL_CTX_new") }
        context = made
        // From here a throw frees the context in deinit.
        guard candor_SSL_CTX_set_min_proto_version(made, TLS1_2_VERSION) == 1 else {
            throw TLSError.library("SSL_CTX_set_min_proto_version(TLS 1.2)")
        }
        SSL_CTX_set_verify(made, SSL_VERIFY_PEER, nil)
        if let ca {
            guard SSL_CTX_load_verify_file(made, ca) == 1 else { throw TLSError.library("\(ca): cannot load the CA certificates") }
        } else {
            guard SSL_CTX_set_default_verify_paths(made) == 1 else { throw TLSError.library("cannot load the system's CA certificates") }
        }
        if let certificate, let key {
            guard SSL_CTX_use_certificate_chain_file(made, certificate) == 1 else {
                throw TLSError.library("\(certificate): cannot load the client certificate")
            }
            guard SSL_CTX_use_PrivateKey_file(made, key, SSL_FILETYPE_PEM) == 1 else {
                throw TLSError.library("\(key): cannot load the client key")
            }
            guard SSL_CTX_check_private_key(made) == 1 else {
                throw TLSError.library("\(key): not the key of the client certificate \(certificate)")
            }
        }
    }

    deinit { SSL_CTX_free(context) }
}
