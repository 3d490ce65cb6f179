#pragma once
// Paillier exactly as the textbook states it (Paillier 1999, with g = n + 1): g^m r^n mod n^2 with
// both exponentiations, decryption by c^lambda mod n^2, c^k for a scalar (through the inverse for a
// negative k, as python-paillier does), and a dot product as one exponentiation per element. The
// independent reference that tests check the fast library against, and the baseline of its
// benchmark. Not for production.

#include <vector>

#include <gmpxx.h>

namespace fedflow::testing {

struct TextbookPaillier {
  mpz_class n, n2, g, lambda, mu;

  static TextbookPaillier FromPrimes(const mpz_class& p, const mpz_class& q);
  mpz_class Encrypt(const mpz_class& m) const;
  mpz_class Decrypt(const mpz_class& c) const;
  mpz_class Add(const mpz_class& a, const mpz_class& b) const;
  mpz_class MulPlain(const mpz_class& c, const mpz_class& k) const;
  mpz_class DotProduct(const std::vector<mpz_class>& cs, const std::vector<mpz_class>& ks) const;
};

}  // namespace fedflow::testing
