#pragma once
// GMP helpers shared by the RSA and Paillier code: big-endian bytes, and random numbers and
// primes drawn from libsodium's generator.

#include <string>

#include <gmpxx.h>

namespace fedflow::crypto {

/// Big-endian unsigned bytes ("" is 0).
mpz_class BigFromBytes(const std::string& bytes);
/// Big-endian unsigned bytes, shortest form ("" for 0).
std::string BigToBytes(const mpz_class& x);
/// Big-endian unsigned bytes left-padded to exactly `size` (x must fit).
std::string BigToFixedBytes(const mpz_class& x, std::size_t size);
/// A uniformly random integer of `bits` bits (top bit set when `top`).
mpz_class RandomBits(int bits, bool top);
/// A random unit below n, above 1.
mpz_class RandomUnit(const mpz_class& n);
/// A random prime of exactly `bits` bits with its two top bits set (a product of two such has
/// exactly 2 * bits bits); when e > 0, p - 1 is coprime to e.
mpz_class RandomPrime(int bits, const mpz_class& e);

}  // namespace fedflow::crypto
