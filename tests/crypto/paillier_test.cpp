// Paillier: round trips, homomorphism and dot products against plain integer arithmetic and
// against the textbook implementation (each decrypts the other's ciphertexts), fixed-point
// encoding of negative and edge values with overflow reported, and refusals of bad input.

#define BOOST_TEST_MODULE ff_paillier_test
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include "components/crypto/bigint.hpp"
#include "components/crypto/paillier.hpp"
#include "tests/support/paillier_textbook.hpp"

using namespace fedflow;
using namespace fedflow::crypto;

namespace {

/// One 1024-bit key for the whole binary, with the textbook built from the same primes.
struct Keys {
  mpz_class p, q;
  std::unique_ptr<PaillierPrivateKey> fast;
  testing::TextbookPaillier textbook;
  Keys() {
    for (;;) {
      p = RandomPrime(512, 0);
      q = RandomPrime(512, 0);
      auto k = PaillierPrivateKey::FromPrimes(p, q);
      if (!k.ok()) continue;
      fast = std::make_unique<PaillierPrivateKey>(std::move(k).value());
      textbook = testing::TextbookPaillier::FromPrimes(p, q);
      return;
    }
  }
};

Keys& K() {
  static Keys keys;
  return keys;
}

mpz_class RandomBelow(const mpz_class& n) { return RandomBits(static_cast<int>(mpz_sizeinbase(n.get_mpz_t(), 2)), false) % n; }

/// A signed random scalar of up to `bits` bits.
mpz_class SignedScalar(int bits) {
  mpz_class k = RandomBits(bits, false);
  return (RandomBits(1, false) == 1) ? mpz_class(-k) : k;
}

mpz_class Mod(const mpz_class& x, const mpz_class& n) {
  mpz_class r = x % n;
  if (r < 0) r += n;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(Paillier)

BOOST_AUTO_TEST_CASE(RandomAndEdgePlaintextsRoundTrip) {
  const auto& pub = K().fast->public_key();
  std::vector<mpz_class> values = {0, 1, 2, pub.n() - 1, pub.n() - 2, pub.n() / 2, pub.n() / 3};
  for (int i = 0; i < 50; ++i) values.push_back(RandomBelow(pub.n()));
  for (const auto& m : values) {
    const mpz_class c = pub.Encrypt(m);
    BOOST_TEST(pub.CheckCiphertext(c).ok());
    BOOST_TEST((*K().fast->Decrypt(c) == m));
    // The independent implementation reads the same ciphertext, and the other way round.
    BOOST_TEST((K().textbook.Decrypt(c) == m));
    BOOST_TEST((*K().fast->Decrypt(K().textbook.Encrypt(m)) == m));
  }
  // Probabilistic: the same plaintext twice gives two ciphertexts.
  BOOST_TEST((pub.Encrypt(5) != pub.Encrypt(5)));
}

BOOST_AUTO_TEST_CASE(AdditionAndScalarMultiplicationAreHomomorphic) {
  const auto& pub = K().fast->public_key();
  const mpz_class& n = pub.n();
  for (int i = 0; i < 30; ++i) {
    const mpz_class a = RandomBelow(n), b = RandomBelow(n);
    BOOST_TEST((*K().fast->Decrypt(pub.Add(pub.Encrypt(a), pub.Encrypt(b))) == Mod(a + b, n)));
    const mpz_class k = SignedScalar(i < 10 ? 40 : 1000);
    auto scaled = pub.MulPlain(pub.Encrypt(a), k);
    BOOST_REQUIRE(scaled.ok());
    BOOST_TEST((*K().fast->Decrypt(*scaled) == Mod(a * k, n)));
    BOOST_TEST((*K().fast->Decrypt(K().textbook.MulPlain(pub.Encrypt(a), k)) == Mod(a * k, n)));
  }
  BOOST_TEST((*K().fast->Decrypt(*pub.MulPlain(pub.Encrypt(12345), 0)) == 0));
}

BOOST_AUTO_TEST_CASE(DotProductsEqualTheSumOfProducts) {
  const auto& pub = K().fast->public_key();
  const mpz_class& n = pub.n();
  // Sizes around the small-input path and the bucket method, scalars of both signs with zeros.
  for (std::size_t size : {0u, 1u, 3u, 4u, 17u, 300u}) {
    for (int bits : {1, 26, 70}) {
      std::vector<mpz_class> ms(size), cs(size), ks(size);
      mpz_class expected = 0;
      for (std::size_t i = 0; i < size; ++i) {
        ms[i] = RandomBelow(n);
        cs[i] = pub.Encrypt(ms[i]);
        ks[i] = i % 5 == 0 ? mpz_class(0) : SignedScalar(bits);
        expected += ms[i] * ks[i];
      }
      auto dot = pub.DotProduct(cs, ks);
      BOOST_REQUIRE(dot.ok());
      BOOST_TEST((*K().fast->Decrypt(*dot) == Mod(expected, n)), "size " << size << ", bits " << bits);
      BOOST_TEST((K().textbook.Decrypt(K().textbook.DotProduct(cs, ks)) == Mod(expected, n)));
    }
  }
  BOOST_TEST(!pub.DotProduct({pub.Encrypt(1)}, {}).ok());
}

BOOST_AUTO_TEST_CASE(BatchesOnAllCoresMatchOneByOne) {
  const auto& pub = K().fast->public_key();
  std::vector<mpz_class> ms;
  for (int i = 0; i < 200; ++i) ms.push_back(RandomBelow(pub.n()));
  auto cs = pub.EncryptAll(ms, 2);
  auto back = K().fast->DecryptAll(cs, 2);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST((*back == ms));
}

BOOST_AUTO_TEST_CASE(FixedPointEncodesSignedRealsAndReportsOverflow) {
  const auto& pub = K().fast->public_key();
  auto fp = FixedPoint::Make(pub, 23);
  BOOST_REQUIRE(fp.ok());
  for (double x : {0.0, 1.0, -1.0, 0.5, -0.125, 3.14159265, -2.71828, 1e-6, -1e-6, 12345.678, -98765.4321}) {
    auto m = fp->Encode(x);
    BOOST_REQUIRE(m.ok());
    auto back = fp->Decode(*K().fast->Decrypt(pub.Encrypt(*m)));
    BOOST_REQUIRE(back.ok());
    BOOST_TEST(std::abs(*back - x) <= std::ldexp(1.0, -24), x);
  }
  // Sums of negatives and products carry the right sign and scale.
  auto a = fp->Encode(-1.5), b = fp->Encode(0.25);
  auto w = fp->EncodeSigned(-2.0);
  auto sum = fp->Decode(*K().fast->Decrypt(pub.Add(pub.Encrypt(*a), pub.Encrypt(*b))));
  BOOST_TEST(*sum == -1.25);
  auto product = fp->Decode(*K().fast->Decrypt(*pub.MulPlain(pub.Encrypt(*a), *w)), 2);
  BOOST_TEST(*product == 3.0);
  // Too large to encode, not finite, or a result in the band no encoding produces: errors, never
  // a wrong number.
  BOOST_TEST(!fp->Encode(std::ldexp(1.0, 1100)).ok());
  BOOST_TEST(!fp->Encode(std::numeric_limits<double>::infinity()).ok());
  BOOST_TEST(!fp->Encode(std::nan("")).ok());
  auto overflowed = fp->Decode(pub.n() / 2);
  BOOST_TEST(!overflowed.ok());
  BOOST_TEST(overflowed.status().message().find("overflowed") != std::string::npos);
  // Repeated doubling leaves the range: the decoder notices.
  mpz_class big = pub.n() / 3 - 5;
  mpz_class c = pub.Encrypt(big);
  c = pub.Add(c, c);
  BOOST_TEST(!fp->Decode(*K().fast->Decrypt(c)).ok());
  BOOST_TEST(!FixedPoint::Make(pub, 0).ok());
}

BOOST_AUTO_TEST_CASE(BadKeysAndCiphertextsAreRefused) {
  BOOST_TEST(!PaillierPublicKey::FromBytes("").ok());
  BOOST_TEST(!PaillierPublicKey::FromBytes(BigToBytes(mpz_class(1) << 1500)).ok());  // even
  BOOST_TEST(!PaillierPublicKey::FromBytes(BigToBytes((mpz_class(1) << 600) + 1)).ok());  // short
  BOOST_TEST(!PaillierPrivateKey::Generate(1000).ok());
  BOOST_TEST(!PaillierPrivateKey::FromPrimes(K().p, K().p).ok());
  const auto& pub = K().fast->public_key();
  BOOST_TEST(!pub.CheckCiphertext(0).ok());
  BOOST_TEST(!pub.CheckCiphertext(pub.n_squared()).ok());
  BOOST_TEST(!K().fast->Decrypt(pub.n_squared() + 1).ok());
  BOOST_TEST(!pub.CiphertextFromBytes(std::string(10, 'x')).ok());
  BOOST_TEST(!pub.CiphertextFromBytes(std::string(pub.ciphertext_bytes(), '\xff')).ok());  // >= n^2
  BOOST_TEST(!pub.DecodeCiphertexts(std::string(pub.ciphertext_bytes() + 1, '\x01')).ok());
  // Not a unit: the negative scalar's inverse does not exist.
  BOOST_TEST(!pub.MulPlain(pub.n(), -3).ok());
  // Serialized ciphertexts and keys come back as they were.
  std::vector<mpz_class> cs = {pub.Encrypt(1), pub.Encrypt(2)};
  auto decoded = pub.DecodeCiphertexts(pub.EncodeCiphertexts(cs));
  BOOST_REQUIRE(decoded.ok());
  BOOST_TEST((*decoded == cs));
  auto copy = PaillierPublicKey::FromBytes(pub.ToBytes());
  BOOST_REQUIRE(copy.ok());
  BOOST_TEST((*K().fast->Decrypt(copy->Encrypt(77)) == 77));
}

BOOST_AUTO_TEST_CASE(GeneratedKeysHaveTheirLength) {
  for (int bits : {1024, 2048, 3072}) {
    auto key = PaillierPrivateKey::Generate(bits);
    BOOST_REQUIRE(key.ok());
    BOOST_TEST(key->public_key().bits() == bits);
    BOOST_TEST(key->public_key().ciphertext_bytes() == static_cast<std::size_t>(bits / 4));
    const mpz_class m = 987654321;
    BOOST_TEST((*key->Decrypt(key->public_key().Encrypt(m)) == m));
  }
}

BOOST_AUTO_TEST_SUITE_END()
