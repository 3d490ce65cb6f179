#pragma once
// Paillier encryption with g = n + 1 on GMP, made fast by known techniques rather than one full
// modular exponentiation per operation:
// - encryption: (1 + m n) * h^a mod n^2, where h = x^n mod n^2 for a random unit x, and a is a
//   random exponent of |n|/2 bits; h^a comes from a fixed-base table (8-bit windows), so an
//   encryption is |n|/16 multiplications instead of an |n|-bit exponentiation (Damgard, Jurik and
//   Nielsen's short-exponent variant: secure under the decisional composite residuosity
//   assumption with short exponents, far above the 2 * 128 bits that assumption needs);
// - decryption: CRT, exponents p - 1 and q - 1 modulo p^2 and q^2;
// - encrypted dot products prod c_i^k_i: Pippenger's bucket method, positive and negative
//   scalars apart and one inversion at the end;
// - batches on every core (crypto::ParallelFor).
// Ciphertexts from other parties are checked (CheckCiphertext) before they are used.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <gmpxx.h>

#include "base/status.hpp"

namespace fedflow::crypto {

class PaillierPublicKey final {
 public:
  /// From a partner's modulus bytes: InvalidArgument unless odd and 1024 to 4096 bits.
  static StatusOr<PaillierPublicKey> FromBytes(const std::string& n_bytes);
  std::string ToBytes() const;

  int bits() const;
  const mpz_class& n() const;
  const mpz_class& n_squared() const;
  /// Bytes of a serialized ciphertext (|n^2| / 8, fixed).
  std::size_t ciphertext_bytes() const;

  /// Enc(m) for 0 <= m < n. The first call builds the fixed-base table (thread-safe).
  mpz_class Encrypt(const mpz_class& m) const;
  /// Enc(m_i) for each, on `threads` threads.
  std::vector<mpz_class> EncryptAll(const std::vector<mpz_class>& ms, int threads) const;
  /// Enc(a + b).
  mpz_class Add(const mpz_class& a, const mpz_class& b) const;
  /// Enc(k * m) from Enc(m), for a signed scalar (|k| < n); InvalidArgument for a negative k
  /// and a c that is not a unit.
  StatusOr<mpz_class> MulPlain(const mpz_class& c, const mpz_class& k) const;
  /// Enc(sum_i k_i * m_i) from Enc(m_i) and signed scalars k_i (|k_i| < n); InvalidArgument when
  /// the sizes differ.
  StatusOr<mpz_class> DotProduct(const std::vector<mpz_class>& cs, const std::vector<mpz_class>& ks) const;
  /// OK when 0 < c < n^2 (whether c is a unit is left to the operations that need it).
  Status CheckCiphertext(const mpz_class& c) const;

  std::string CiphertextToBytes(const mpz_class& c) const;
  /// Checked like CheckCiphertext; the length must be ciphertext_bytes().
  StatusOr<mpz_class> CiphertextFromBytes(const std::string& bytes) const;
  /// Ciphertexts back to back, each ciphertext_bytes() long.
  std::string EncodeCiphertexts(const std::vector<mpz_class>& cs) const;
  StatusOr<std::vector<mpz_class>> DecodeCiphertexts(const std::string& bytes) const;

 private:
  friend class PaillierPrivateKey;
  struct Impl;
  explicit PaillierPublicKey(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> k_;  // shared: copies are cheap and share one table
};

class PaillierPrivateKey final {
 public:
  /// A fresh key pair with an n of exactly `bits` bits (1024 to 4096, a multiple of 256).
  static StatusOr<PaillierPrivateKey> Generate(int bits);
  /// From two distinct primes of the same size (stored keys, tests).
  static StatusOr<PaillierPrivateKey> FromPrimes(const mpz_class& p, const mpz_class& q);
  const PaillierPublicKey& public_key() const { return public_; }
  /// m with 0 <= m < n (CRT); InvalidArgument for a value that is not a ciphertext of this key.
  StatusOr<mpz_class> Decrypt(const mpz_class& c) const;
  StatusOr<std::vector<mpz_class>> DecryptAll(const std::vector<mpz_class>& cs, int threads) const;

 private:
  PaillierPrivateKey(PaillierPublicKey pub) : public_(std::move(pub)) {}
  mpz_class p_, q_, p2_, q2_, pm1_, qm1_, hp_, hq_, q_inv_p_;
  PaillierPublicKey public_;
};

/// Signed reals as plaintexts: round(x * 2^(precision * scale)) mod n, where `scale` counts the
/// factors of 2^precision a value carries (a product of two encoded values carries 2). Values
/// whose magnitude passes n / 3 are refused when encoded and reported when decoded, never
/// wrapped into a wrong number.
class FixedPoint final {
 public:
  /// `precision` in bits (FATE's floating_point_precision, 23 by default), 1 to 64.
  static StatusOr<FixedPoint> Make(const PaillierPublicKey& key, int precision);
  int precision() const { return precision_; }

  StatusOr<mpz_class> Encode(double x, int scale = 1) const;
  /// The signed integer round(x * 2^(precision * scale)) itself (for plaintext scalars).
  StatusOr<mpz_class> EncodeSigned(double x, int scale = 1) const;
  StatusOr<double> Decode(const mpz_class& m, int scale = 1) const;

 private:
  FixedPoint(mpz_class n, int precision);
  mpz_class n_, max_;
  int precision_;
};

}  // namespace fedflow::crypto
