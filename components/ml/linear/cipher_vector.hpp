#pragma once
// Vectors of reals encrypted under the arbiter's Paillier key (fixed point, crypto::FixedPoint),
// with the few operations the linear models need, on every core. Each vector carries its scale:
// the factors of 2^precision its values hold (an encrypted value times an encoded feature holds
// two). The test-only plaintext mode keeps doubles instead and runs the same protocol, so a run
// can be compared with the same computation without encryption.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "components/crypto/paillier.hpp"

namespace fedflow::ml {

/// Row-major rows x cols.
struct Matrix {
  std::size_t rows = 0, cols = 0;
  std::vector<double> values;
  double at(std::size_t r, std::size_t c) const { return values[r * cols + c]; }
};

struct CipherVector {
  std::vector<mpz_class> cipher;  ///< encrypted mode
  std::vector<double> plain;      ///< plaintext mode
  int scale = 1;
  std::size_t size() const { return cipher.empty() ? plain.size() : cipher.size(); }
};

/// The operations a party without the private key performs. Thread-safe.
class VectorCipher final {
 public:
  /// From the arbiter's key message (KeyMessage): a Paillier public key, or the plaintext mode,
  /// which is taken only when this party itself runs without encryption (`allow_plain`, tests): a
  /// partner cannot make a party send its values in the clear.
  static StatusOr<VectorCipher> FromKeyMessage(const std::string& message, int precision, int threads,
                                               bool allow_plain);
  bool encrypted() const { return key_ != nullptr; }

  StatusOr<CipherVector> Encrypt(const std::vector<double>& values) const;
  /// a + b elementwise (the lower scale raised to the higher one).
  StatusOr<CipherVector> Add(const CipherVector& a, const CipherVector& b) const;
  /// a + plain, the plain values encoded at a's scale.
  StatusOr<CipherVector> AddPlain(const CipherVector& a, const std::vector<double>& plain) const;
  /// a at a higher scale (times 2^(precision * (scale - a.scale)), exact).
  StatusOr<CipherVector> Raise(const CipherVector& a, int scale) const;
  /// For each column c of x over the rows `rows`: sum_i x[rows[i], c] * d[i] (scale d.scale + 1).
  StatusOr<CipherVector> ColumnsTimes(const Matrix& x, const std::vector<std::size_t>& rows, const CipherVector& d) const;
  /// sum_i w[i] * a[i], one value (scale a.scale + 1).
  StatusOr<CipherVector> Dot(const CipherVector& a, const std::vector<double>& w) const;
  /// sum_i a[i], one value (same scale).
  CipherVector Sum(const CipherVector& a) const;
  CipherVector Concat(const CipherVector& a, const CipherVector& b) const;

  std::string Serialize(const CipherVector& v) const;
  /// Checked: sizes, scale, every ciphertext below n^2.
  StatusOr<CipherVector> Deserialize(const std::string& bytes) const;

 private:
  friend class VectorDecryptor;
  VectorCipher() = default;
  std::shared_ptr<const crypto::PaillierPublicKey> key_;
  std::shared_ptr<const crypto::FixedPoint> codec_;
  int precision_ = 23;
  int threads_ = 1;
};

/// The arbiter's side: the key pair and decryption.
class VectorDecryptor final {
 public:
  /// A fresh key of `key_length` bits, or the plaintext mode when !encrypt.
  static StatusOr<VectorDecryptor> Make(bool encrypt, int key_length, int precision, int threads);
  /// What the arbiter sends to the other parties: the public key, or the plaintext marker.
  std::string KeyMessage() const;
  const VectorCipher& cipher() const { return cipher_; }
  /// The values (FailedPrecondition when one overflowed the fixed-point range).
  StatusOr<std::vector<double>> Decrypt(const CipherVector& v) const;

 private:
  VectorDecryptor(VectorCipher cipher) : cipher_(std::move(cipher)) {}
  std::shared_ptr<const crypto::PaillierPrivateKey> key_;
  VectorCipher cipher_;
  int threads_ = 1;
};

}  // namespace fedflow::ml
