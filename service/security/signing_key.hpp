#pragma once
// Ed25519 keys for site authentication (OpenSSL): each party signs its interconnect requests
// with its private key; partners verify with its public key from their route table.

#include <memory>
#include <string>

#include "base/status.hpp"

namespace fedflow::security {

/// A private key (can sign) or a public key (can only verify). Copies share the key; thread-safe
/// to use.
class SigningKey final {
 public:
  SigningKey();
  ~SigningKey();
  SigningKey(const SigningKey& other);
  SigningKey& operator=(const SigningKey& other);
  SigningKey(SigningKey&& other);  ///< leaves `other` empty (no key), still usable
  SigningKey& operator=(SigningKey&& other);

  /// A fresh Ed25519 key pair.
  static StatusOr<SigningKey> Generate();
  /// Reads a PEM private key file, creating it (mode 0600, with parent directories) when absent.
  static StatusOr<SigningKey> LoadOrCreatePrivate(const std::string& path);
  /// A public key from PEM text, or from a file when `pem_or_path` is not PEM text.
  static StatusOr<SigningKey> LoadPublic(const std::string& pem_or_path);

  bool can_sign() const;
  /// PEM of the public half.
  std::string PublicPem() const;
  /// PEM of the private key (empty for a public key).
  std::string PrivatePem() const;
  /// 64-byte Ed25519 signature of `data`.
  StatusOr<std::string> Sign(const std::string& data) const;
  bool Verify(const std::string& data, const std::string& signature) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(const std::string& data);
/// Base64 (standard alphabet, padded) and back; Decode fails on malformed input.
std::string Base64Encode(const std::string& data);
StatusOr<std::string> Base64Decode(const std::string& text);
/// Lower-case hex MD5 of `data` (FATE-Flow 2.x client signatures only).
std::string Md5Hex(const std::string& data);
/// HMAC-SHA1 of `data` with `key` (raw bytes): FATE-Flow 1.x client authentication.
std::string HmacSha1(const std::string& key, const std::string& data);
/// Constant-time comparison.
bool SecureEquals(const std::string& a, const std::string& b);

}  // namespace fedflow::security
