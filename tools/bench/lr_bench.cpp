// fedflow-lr-bench: HeteroLR's speed.
//   --job    FATE's hetero LR example job (examples/fate/v1-dsl/hetero_lr_normal_*) on breast through
//            three real servers (guest 9999, host and arbiter 10000): job wall time, the HeteroLR
//            task's time and its time per iteration.
//   --epoch  one full-batch epoch on generated data, guest 30 features and the label, host 300
//            features (FATE 2.0's published shape), key_length 1024, guest, host and arbiter on
//            threads sharing this machine's cores; then where the time goes, each part timed alone.
//   fedflow-lr-bench [--job] [--epoch] [--rows N]   (both parts without options; rows 100000)

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "components/crypto/parallel.hpp"
#include "components/ml/common/memory_channel.hpp"
#include "components/ml/linear/hetero_lr.hpp"
#include "tests/support/federation.hpp"

using namespace fedflow;
using namespace fedflow::ml;
namespace bj = boost::json;

namespace {

double Seconds(const std::function<void()>& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::int64_t NumberOf(const bj::object& o, const char* key) {
  const bj::value* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

int RunJob() {
  const std::string root = FEDFLOW_SOURCE_DIR;
  testing::FederationOptions options;
  options.real_components = true;
  auto started = testing::Federation::Start("lr-bench", {{"9999"}, {"10000"}}, options);
  if (!started.ok()) {
    std::fprintf(stderr, "%s\n", started.status().ToString().c_str());
    return 1;
  }
  testing::Federation& f = **started;
  for (const auto& [party, table] : {std::pair<std::string, std::string>{"9999", "breast_hetero_guest"},
                                     {"10000", "breast_hetero_host"}}) {
    std::filesystem::create_directories(f.HomeOf(party) + "/import");
    std::filesystem::copy_file(root + "/examples/fate/data/" + table + ".csv", f.HomeOf(party) + "/import/" + table + ".csv");
    auto up = f.Call(party, "POST", "/v2/data/component/upload",
                     bj::object{{"file", table + ".csv"}, {"namespace", "experiment"}, {"name", table}, {"head", 1}});
    if (!up.ok() || up->code() != 0) {
      std::fprintf(stderr, "upload of %s failed\n", table.c_str());
      return 1;
    }
  }
  const std::string v1 = root + "/examples/fate/v1-dsl/";
  std::printf("FATE's hetero LR example on breast (569 rows, 10 + 20 features, Paillier 1024, 30 iterations of 2 batches)\n");
  std::string trained;
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    auto job = f.Submit("9999", ReadText(v1 + "hetero_lr_normal_dsl.json"), ReadText(v1 + "hetero_lr_normal_conf.json"));
    if (!job.ok()) {
      std::fprintf(stderr, "%s\n", job.status().ToString().c_str());
      return 1;
    }
    auto end = f.WaitJobEnd("9999", *job, 600000);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!end.ok() || *end != "success") {
      std::fprintf(stderr, "job %s did not succeed\n", job->c_str());
      return 1;
    }
    double lr_seconds = 0;
    for (const auto& t : f.LocalTasks("9999", *job)) {
      if (std::string(t.at("task_name").as_string()) != "hetero_lr_0") continue;
      lr_seconds = static_cast<double>(NumberOf(t, "end_time") - NumberOf(t, "start_time")) / 1000.0;
    }
    std::printf("  run %d: job submit to success %.2f s; HeteroLR task %.2f s, %.0f ms per iteration\n", run + 1, wall,
                lr_seconds, lr_seconds * 1000 / 30);
    std::fflush(stdout);
    trained = *job;
  }
  // The trained model, deployed, predicts with FATE's predict example (the whole predict job).
  const std::string model_id = "arbiter-10000#guest-9999#host-10000#model";
  const auto deploy_start = std::chrono::steady_clock::now();
  auto deployed = f.Call("9999", "POST", "/v2/model/deploy", bj::object{{"model_id", model_id}, {"model_version", trained}});
  const double deploy_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - deploy_start).count();
  if (!deployed.ok() || deployed->code() != 0) {
    std::fprintf(stderr, "deploy failed: %s\n", deployed.ok() ? deployed->message().c_str() : deployed.status().ToString().c_str());
    return 1;
  }
  const std::string version(deployed->data().at("model_version").as_string());
  bj::value conf = bj::parse(ReadText(v1 + "hetero_lr_normal_predict_conf.json"));
  bj::object& common = conf.at("job_parameters").at("common").as_object();
  common["job_type"] = "predict";
  common["model_id"] = model_id;
  common["model_version"] = version;
  std::printf("the model deployed at both parties in %.0f ms; FATE's predict example on the same 569 rows:\n", deploy_ms);
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    auto job = f.Submit("9999", ReadText(v1 + "hetero_lr_normal_predict_dsl.json"), bj::serialize(conf));
    auto end = job.ok() ? f.WaitJobEnd("9999", *job, 600000) : StatusOr<std::string>(job.status());
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!end.ok() || *end != "success") {
      std::fprintf(stderr, "predict job did not succeed\n");
      return 1;
    }
    std::printf("  run %d: predict job submit to success %.2f s\n", run + 1, wall);
    std::fflush(stdout);
  }
  return 0;
}

/// Standardized-looking features and a label from a hidden linear model.
void Generate(std::size_t rows, PartyData* guest, PartyData* host) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  guest->x = Matrix{rows, 30, {}};
  host->x = Matrix{rows, 300, {}};
  guest->x.values.resize(rows * 30);
  host->x.values.resize(rows * 300);
  for (std::size_t r = 0; r < rows; ++r) {
    double z = 0;
    for (std::size_t c = 0; c < 30; ++c) z += (guest->x.values[r * 30 + c] = normal(rng)) * 0.05;
    for (std::size_t c = 0; c < 300; ++c) z += (host->x.values[r * 300 + c] = normal(rng)) * 0.01;
    guest->ids.push_back(std::to_string(r));
    host->ids.push_back(std::to_string(r));
    guest->y.push_back(z + 0.3 * normal(rng) > 0 ? 1 : 0);
  }
}

int RunEpoch(std::size_t rows) {
  PartyData guest, host;
  Generate(rows, &guest, &host);
  HeteroLrParams p;
  p.max_iter = 1;
  p.batch_size = -1;
  p.key_length = 1024;
  p.optimizer.optimizer = "sgd";
  p.threads = crypto::HardwareThreads();
  const PartyRef g{"guest", "9999"}, h{"host", "10000"}, a{"arbiter", "10001"};
  std::printf("one epoch, %zu rows, guest 30 + host 300 features, full batch, Paillier %d, %d cores shared by the parties\n",
              rows, p.key_length, p.threads);
  MemoryNetwork net(std::chrono::hours(1));
  Status hs, as;
  const double epoch = Seconds([&] {
    std::thread host_thread([&] {
      MemoryNetwork::End end(net, h);
      hs = TrainHeteroLrHost(end, p, host, g, a).status();
    });
    std::thread arbiter_thread([&] {
      MemoryNetwork::End end(net, a);
      as = TrainHeteroLrArbiter(end, p, g, {h}).status();
    });
    MemoryNetwork::End end(net, g);
    Status gs = TrainHeteroLrGuest(end, p, guest, {h}, a).status();
    host_thread.join();
    arbiter_thread.join();
    if (!gs.ok() || !hs.ok() || !as.ok()) std::fprintf(stderr, "training failed: %s %s %s\n", gs.ToString().c_str(),
                                                         hs.ToString().c_str(), as.ToString().c_str());
  });
  std::printf("  epoch (training, loss, then the prediction of every row): %.1f s  (FATE 2.0: 136 s on 16 cores per party)\n",
              epoch);
  // The parts, alone and on every core.
  auto keys = VectorDecryptor::Make(true, p.key_length, p.precision, p.threads);
  const VectorCipher& cipher = keys->cipher();
  std::vector<double> d(rows);
  for (std::size_t i = 0; i < rows; ++i) d[i] = 0.25 * guest.x.at(i, 0) - 0.5;
  StatusOr<CipherVector> encrypted = InternalError("not run");
  const double encrypt = Seconds([&] { encrypted = cipher.Encrypt(d); });
  std::vector<std::size_t> all(rows);
  for (std::size_t i = 0; i < rows; ++i) all[i] = i;
  const double host_gradient = Seconds([&] { (void)cipher.ColumnsTimes(host.x, all, *encrypted); });
  const double guest_gradient = Seconds([&] { (void)cipher.ColumnsTimes(guest.x, all, *encrypted); });
  std::string bytes;
  const double transport = Seconds([&] {
    bytes = cipher.Serialize(*encrypted);
    (void)cipher.Deserialize(bytes);
  });
  std::printf("  where the time goes (each part alone, all cores):\n");
  std::printf("    encrypt %zu values (done twice per epoch: guest and host)   %6.1f s\n", rows, encrypt);
  std::printf("    host gradient X^T [[d]], 300 columns                        %6.1f s\n", host_gradient);
  std::printf("    guest gradient X^T [[d]], 30 columns                        %6.1f s\n", guest_gradient);
  std::printf("    serialize and check %zu ciphertexts (%.1f MB, sent twice)  %6.1f s\n", rows, bytes.size() / 1e6, transport);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool job = false, epoch = false;
  std::size_t rows = 100000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--job") job = true;
    if (a == "--epoch") epoch = true;
    if (a == "--rows" && i + 1 < argc) rows = static_cast<std::size_t>(std::stoll(argv[++i]));
  }
  if (!job && !epoch) job = epoch = true;
  if (job) {
    if (int rc = RunJob()) return rc;
  }
  return epoch ? RunEpoch(rows) : 0;
}
