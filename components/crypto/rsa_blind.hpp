#pragma once
// RSA blind signatures for RSA-PSI (FATE 1.11's default intersection): the host signs ids with
// its private exponent; the guest gets its own ids signed without showing them, by blinding each
// hashed id with a random r^e and dividing r out of the signature.

#include <memory>
#include <string>

#include "base/status.hpp"

namespace fedflow::crypto {


/// The public half: modulus n and exponent e.
class RsaPublicKey final {
 public:
  RsaPublicKey();
  ~RsaPublicKey();
  RsaPublicKey(const RsaPublicKey&);
  RsaPublicKey& operator=(const RsaPublicKey&);
  /// From the bytes the host sent; InvalidArgument for a modulus under 1024 bits or an even one.
  static StatusOr<RsaPublicKey> FromBytes(const std::string& n, const std::string& e);
  std::string n_bytes() const;
  std::string e_bytes() const;
  int bits() const;

  /// A blinded hashed id: h * r^e mod n, with `*r_out` (a fresh random unit mod n) kept by the guest.
  std::string Blind(const std::string& hashed_id, std::string* r_out) const;
  /// signature / r mod n; InvalidArgument when `signed_blinded` is not below n.
  StatusOr<std::string> Unblind(const std::string& signed_blinded, const std::string& r) const;

 private:
  friend class RsaPrivateKey;
  struct Numbers;
  std::unique_ptr<Numbers> k_;
};

class RsaPrivateKey final {
 public:
  RsaPrivateKey();
  ~RsaPrivateKey();
  RsaPrivateKey(RsaPrivateKey&&) noexcept;
  RsaPrivateKey& operator=(RsaPrivateKey&&) noexcept;
  /// A fresh key of `bits` (1024..8192) with e = 65537, primes from libsodium's random source.
  static StatusOr<RsaPrivateKey> Generate(int bits);
  const RsaPublicKey& public_key() const { return public_; }
  /// x^d mod n (CRT, constant-time exponentiation); InvalidArgument when x is not below n.
  StatusOr<std::string> Sign(const std::string& x) const;

 private:
  struct Numbers;
  std::unique_ptr<Numbers> k_;
  RsaPublicKey public_;
};

/// The digest of `data` with an OpenSSL digest name (md5, sha1, sha224, sha256, sha384, sha512,
/// sm3); InvalidArgument naming the method when unknown.
StatusOr<std::string> DigestOf(const std::string& method, const std::string& data);

}  // namespace fedflow::crypto
