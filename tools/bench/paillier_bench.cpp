// fedflow-paillier-bench: the Paillier library against the textbook implementation
// (tests/support/paillier_textbook) at 1024 and 2048 bits: encrypt, decrypt, add, scalar
// multiply, and an encrypted 10,000 x 30 matrix-vector product X^T [[d]] (FATE's gradient step).
// Scalars are 26-bit signed integers, what fixed-point features with 23 bits of precision give.
//   fedflow-paillier-bench [--quick] [--bits 1024,2048]

#include <chrono>
#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "components/crypto/bigint.hpp"
#include "components/crypto/paillier.hpp"
#include "components/crypto/parallel.hpp"
#include "tests/support/paillier_textbook.hpp"

using namespace fedflow;
using namespace fedflow::crypto;

namespace {

double Seconds(const std::function<void()>& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

mpz_class Signed26() {
  mpz_class k = RandomBits(26, false);
  return RandomBits(1, false) == 1 ? mpz_class(-k) : k;
}

void Row(const char* what, double textbook_per_s, double fast_per_s, const char* unit) {
  std::printf("  %-38s %12.1f %12.1f %8.1fx  %s\n", what, textbook_per_s, fast_per_s, fast_per_s / textbook_per_s, unit);
  std::fflush(stdout);
}

int Run(int bits, bool quick) {
  const int threads = HardwareThreads();
  mpz_class p, q;
  std::unique_ptr<PaillierPrivateKey> key;
  const double keygen = Seconds([&] {
    for (;;) {
      p = RandomPrime(bits / 2, 0);
      q = RandomPrime(bits / 2, 0);
      auto k = PaillierPrivateKey::FromPrimes(p, q);
      if (k.ok() && k->public_key().bits() == bits) {
        key = std::make_unique<PaillierPrivateKey>(std::move(k).value());
        return;
      }
    }
  });
  const auto textbook = testing::TextbookPaillier::FromPrimes(p, q);
  const PaillierPublicKey& pub = key->public_key();
  const double table = Seconds([&] { (void)pub.Encrypt(0); });
  std::printf("%d-bit key: generated in %.2f s; fixed-base table (%d windows of 255) built in %.3f s on %d threads\n", bits,
              keygen, (bits / 2 + 7) / 8, table, threads);
  std::printf("  %-38s %12s %12s %9s\n", "operation", "textbook", "fedflow", "speed-up");

  const int ops = quick ? 50 : (bits <= 1024 ? 400 : 100);
  std::vector<mpz_class> ms(static_cast<std::size_t>(ops));
  for (auto& m : ms) m = RandomBits(bits - 2, false);
  std::vector<mpz_class> tc(ms.size()), fc(ms.size());
  const double t_enc = Seconds([&] {
    for (std::size_t i = 0; i < ms.size(); ++i) tc[i] = textbook.Encrypt(ms[i]);
  });
  const double f_enc = Seconds([&] {
    for (std::size_t i = 0; i < ms.size(); ++i) fc[i] = pub.Encrypt(ms[i]);
  });
  Row("encrypt, one core (ops/s)", ops / t_enc, ops / f_enc, "");
  const double f_enc_all = Seconds([&] { fc = pub.EncryptAll(ms, threads); });
  Row("encrypt, all cores (ops/s)", ops / t_enc, ops / f_enc_all, "");
  const double t_dec = Seconds([&] {
    for (const auto& c : tc) (void)textbook.Decrypt(c);
  });
  const double f_dec = Seconds([&] {
    for (const auto& c : fc) (void)key->Decrypt(c);
  });
  Row("decrypt, one core (ops/s)", ops / t_dec, ops / f_dec, "");
  const int adds = ops * 50;
  mpz_class acc_t = tc[0], acc_f = fc[0];
  const double t_add = Seconds([&] {
    for (int i = 0; i < adds; ++i) acc_t = textbook.Add(acc_t, tc[static_cast<std::size_t>(i % ops)]);
  });
  const double f_add = Seconds([&] {
    for (int i = 0; i < adds; ++i) acc_f = pub.Add(acc_f, fc[static_cast<std::size_t>(i % ops)]);
  });
  Row("add (ops/s)", adds / t_add, adds / f_add, "");
  std::vector<mpz_class> ks(ms.size());
  for (auto& k : ks) k = Signed26();
  const double t_mul = Seconds([&] {
    for (std::size_t i = 0; i < ms.size(); ++i) (void)textbook.MulPlain(tc[i], ks[i]);
  });
  const double f_mul = Seconds([&] {
    for (std::size_t i = 0; i < ms.size(); ++i) (void)pub.MulPlain(fc[i], ks[i]);
  });
  Row("scalar multiply, 26-bit signed (ops/s)", ops / t_mul, ops / f_mul, "");

  // X^T [[d]]: rows x features, one encrypted dot product per feature.
  const std::size_t rows = quick ? 1000 : 10000, features = 30;
  std::vector<mpz_class> d(rows);
  for (auto& c : d) c = pub.Encrypt(RandomBits(bits - 2, false));
  std::vector<std::vector<mpz_class>> x(features, std::vector<mpz_class>(rows));
  for (auto& column : x) {
    for (auto& v : column) v = Signed26();
  }
  std::vector<mpz_class> t_out(features), f_out(features);
  const double t_mv = Seconds([&] {
    for (std::size_t j = 0; j < features; ++j) t_out[j] = textbook.DotProduct(d, x[j]);
  });
  const double f_mv1 = Seconds([&] {
    for (std::size_t j = 0; j < features; ++j) f_out[j] = *pub.DotProduct(d, x[j]);
  });
  const double f_mv = Seconds([&] {
    Status s = ParallelFor(features, threads, [&](std::size_t j) -> Status {
      FEDFLOW_ASSIGN_OR_RETURN(f_out[j], pub.DotProduct(d, x[j]));
      return Status::OK();
    }, 1);
    (void)s;
  });
  for (std::size_t j = 0; j < features; ++j) {
    if (*key->Decrypt(f_out[j]) != textbook.Decrypt(t_out[j])) {
      std::fprintf(stderr, "matrix-vector product: feature %zu differs from the textbook's\n", j);
      return 1;
    }
  }
  std::ostringstream what;
  what << rows << " x " << features << " matrix-vector, one core (s)";
  std::printf("  %-38s %12.2f %12.2f %8.1fx\n", what.str().c_str(), t_mv, f_mv1, t_mv / f_mv1);
  std::printf("  %-38s %12.2f %12.2f %8.1fx\n", "the same, all cores (s)", t_mv, f_mv, t_mv / f_mv);
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::vector<int> sizes = {1024, 2048};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    if (a == "--bits" && i + 1 < argc) {
      sizes.clear();
      std::stringstream list(argv[++i]);
      std::string item;
      while (std::getline(list, item, ',')) sizes.push_back(std::stoi(item));
    }
  }
  std::printf("Paillier: textbook (g^m r^n, c^lambda, one exponentiation per element, one core) against fedflow's library\n");
  for (int bits : sizes) {
    if (int rc = Run(bits, quick)) return rc;
  }
  return 0;
}
