// fedflow-psi-bench: a guest and a host intersecting N ids each (half of them common) in one
// process, each party with as many threads as there are cores (so the two share the machine as
// two servers on it would), plus the cost of the group operations that bound ECDH-PSI.
//   fedflow-psi-bench [--ids N] [--method rsa|ecdh] [--bits 1024|2048]   (default: both methods, 1M ids)

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "components/crypto/ristretto.hpp"
#include "components/crypto/rsa_blind.hpp"
#include "components/ml/common/memory_channel.hpp"
#include "components/ml/intersection/psi.hpp"

using namespace fedflow;
using namespace fedflow::ml;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

int RunOnce(const std::string& method, int bits, long n) {
  std::vector<std::string> guest, host;
  for (long i = 0; i < n; ++i) guest.push_back("g" + std::to_string(i));
  for (long i = n / 2; i < n + n / 2; ++i) host.push_back("g" + std::to_string(i));
  PsiOptions o;
  o.method = method;
  o.key_length = bits;
  o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  MemoryNetwork net;
  const PartyRef g{"guest", "9999"}, h{"host", "10000"};
  const auto start = Clock::now();
  Status host_status;
  std::thread host_thread([&] {
    MemoryNetwork::End end(net, h);
    host_status = RunPsiHost(end, o, host, g).status();
  });
  MemoryNetwork::End end(net, g);
  auto r = RunPsiGuest(end, o, guest, {h});
  host_thread.join();
  const double s = Seconds(start);
  if (!r.ok() || !host_status.ok()) {
    std::fprintf(stderr, "failed: %s %s\n", r.status().ToString().c_str(), host_status.ToString().c_str());
    return 1;
  }
  std::printf("%-5s %-9s %ld x %ld ids: %lld common in %.1f s (%.0f ids/s per side)\n", method.c_str(),
              method == "rsa" ? (std::to_string(bits) + " bits").c_str() : "", n, n, static_cast<long long>(r->count), s,
              static_cast<double>(n) / s);
  std::fflush(stdout);
  return r->count == n - n / 2 ? 0 : 1;
}

void GroupCosts() {
  const int n = 20000;
  auto start = Clock::now();
  crypto::Point p{};
  for (int i = 0; i < n; ++i) p = crypto::HashToPoint("id" + std::to_string(i));
  const double hash_us = Seconds(start) / n * 1e6;
  crypto::RistrettoKey k = crypto::RistrettoKey::Random();
  start = Clock::now();
  for (int i = 0; i < n; ++i) p = *k.Mask(p);
  const double mul_us = Seconds(start) / n * 1e6;
  // Per id and side, ECDH-PSI hashes once and multiplies twice (its own ids, the other side's points).
  std::printf("ristretto255 on one core: hash-to-group %.1f us, scalar multiplication %.1f us; "
              "1M x 1M floor on 2 cores = (2 x 1M hashes + 4 x 1M multiplications) / 2 = %.0f s\n",
              hash_us, mul_us, (2e6 * hash_us + 4e6 * mul_us) / 1e6 / 2);
}

}  // namespace

int main(int argc, char** argv) {
  long n = 1000000;
  std::string method;
  int bits = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--ids") n = std::atol(argv[i + 1]);
    if (a == "--method") method = argv[i + 1];
    if (a == "--bits") bits = std::atoi(argv[i + 1]);
  }
  if (sodium_init() < 0) return 1;
  GroupCosts();
  int rc = 0;
  if (method.empty() || method == "ecdh") rc |= RunOnce("ecdh", 0, n);
  if (method.empty() || method == "rsa") {
    for (int b : bits ? std::vector<int>{bits} : std::vector<int>{1024, 2048}) rc |= RunOnce("rsa", b, n);
  }
  return rc;
}
