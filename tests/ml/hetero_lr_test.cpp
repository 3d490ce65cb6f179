// HeteroLR on FATE's breast data (guest: 10 features and the label, host: 20 features), three
// parties on threads of this process: the FATE example's parameters reach FATE's own quality bar,
// the encrypted run's weights equal those of the same protocol on plain numbers, and every
// optimizer and penalty converges.

#define BOOST_TEST_MODULE ff_hetero_lr_test
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <thread>

#include "components/ml/common/memory_channel.hpp"
#include "components/ml/evaluation/metrics.hpp"
#include "components/ml/linear/hetero_lr.hpp"
#include "components/sdk/table.hpp"

using namespace fedflow;
using namespace fedflow::ml;

namespace {

const PartyRef kGuest{"guest", "9999"};
const PartyRef kHost{"host", "10000"};
const PartyRef kArbiter{"arbiter", "10000"};

/// A breast CSV: id, [y], features.
PartyData Load(const std::string& file, bool with_label) {
  auto t = worker::CsvTable::Read(std::string(FEDFLOW_SOURCE_DIR) + "/examples/fate/data/" + file);
  BOOST_REQUIRE_MESSAGE(t.ok(), t.status().ToString());
  PartyData d;
  const std::size_t first = with_label ? 2 : 1;
  d.x.cols = t->header.size() - first;
  for (const auto& row : t->rows) {
    d.ids.push_back(row[0]);
    if (with_label) d.y.push_back(std::stod(row[1]));
    for (std::size_t c = first; c < row.size(); ++c) d.x.values.push_back(std::stod(row[c]));
  }
  d.x.rows = d.ids.size();
  return d;
}

struct Run {
  HeteroLrModel guest, host, arbiter;
};

Run Train(const HeteroLrParams& p) {
  static const PartyData guest = Load("breast_hetero_guest.csv", true);
  static const PartyData host = Load("breast_hetero_host.csv", false);
  MemoryNetwork net;
  Run out;
  Status host_status, arbiter_status;
  std::thread host_thread([&] {
    MemoryNetwork::End end(net, kHost);
    auto m = TrainHeteroLrHost(end, p, host, kGuest, kArbiter);
    host_status = m.status();
    if (m.ok()) out.host = *m;
  });
  std::thread arbiter_thread([&] {
    MemoryNetwork::End end(net, kArbiter);
    auto m = TrainHeteroLrArbiter(end, p, kGuest, {kHost});
    arbiter_status = m.status();
    if (m.ok()) out.arbiter = *m;
  });
  MemoryNetwork::End end(net, kGuest);
  auto g = TrainHeteroLrGuest(end, p, guest, {kHost}, kArbiter);
  host_thread.join();
  arbiter_thread.join();
  BOOST_REQUIRE_MESSAGE(g.ok(), g.status().ToString());
  BOOST_REQUIRE_MESSAGE(host_status.ok(), host_status.ToString());
  BOOST_REQUIRE_MESSAGE(arbiter_status.ok(), arbiter_status.ToString());
  out.guest = *g;
  return out;
}

double Auc(const std::vector<double>& scores) {
  static const PartyData guest = Load("breast_hetero_guest.csv", true);
  std::vector<int> labels;
  for (double y : guest.y) labels.push_back(y > 0.5 ? 1 : 0);
  return ComputeBinary(labels, scores).auc;
}

/// hetero_lr_normal_conf.json's hetero_lr_0.
HeteroLrParams FateExample() {
  HeteroLrParams p;
  p.optimizer.penalty = "L2";
  p.optimizer.alpha = 0.01;
  p.optimizer.optimizer = "rmsprop";
  p.optimizer.learning_rate = 0.15;
  p.batch_size = 320;
  p.max_iter = 30;
  p.tol = 0.0001;
  p.early_stop = "diff";
  p.init_method = "zeros";
  p.key_length = 1024;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(HeteroLr)

BOOST_AUTO_TEST_CASE(TheFateExampleReachesFatesQualityAndMatchesThePlainProtocol) {
  HeteroLrParams p = FateExample();
  Run encrypted = Train(p);
  const double auc = Auc(encrypted.guest.scores);
  BOOST_TEST_MESSAGE("encrypted: " << encrypted.guest.iterations << " iterations, AUC " << auc << ", last loss "
                                   << encrypted.guest.loss.back());
  BOOST_TEST(auc >= 0.98);
  BOOST_TEST(encrypted.guest.weights.size() == 11u);  // 10 coefficients and the intercept
  BOOST_TEST(encrypted.host.weights.size() == 20u);
  BOOST_TEST(encrypted.guest.loss.back() < encrypted.guest.loss.front());
  BOOST_TEST(encrypted.guest.loss == encrypted.arbiter.loss);

  p.encrypt = false;
  Run plain = Train(p);
  BOOST_TEST(plain.guest.iterations == encrypted.guest.iterations);
  for (std::size_t i = 0; i < plain.guest.weights.size(); ++i) {
    BOOST_TEST(std::abs(plain.guest.weights[i] - encrypted.guest.weights[i]) < 1e-5, "guest weight " << i);
  }
  for (std::size_t i = 0; i < plain.host.weights.size(); ++i) {
    BOOST_TEST(std::abs(plain.host.weights[i] - encrypted.host.weights[i]) < 1e-5, "host weight " << i);
  }
  for (std::size_t i = 0; i < plain.guest.loss.size(); ++i) {
    BOOST_TEST(std::abs(plain.guest.loss[i] - encrypted.guest.loss[i]) < 1e-5, "loss " << i);
  }
}

BOOST_AUTO_TEST_CASE(EveryOptimizerAndPenaltyConverges) {
  for (const std::string optimizer : {"sgd", "rmsprop", "adam", "adagrad", "nesterov_momentum_sgd"}) {
    for (const std::string penalty : {"L1", "L2", "none"}) {
      HeteroLrParams p = FateExample();
      p.encrypt = false;  // the protocol is the same; the encrypted one is compared above
      p.optimizer.optimizer = optimizer;
      p.optimizer.penalty = penalty;
      p.optimizer.learning_rate = optimizer == "sgd" || optimizer == "nesterov_momentum_sgd" ? 0.3 : 0.15;
      p.tol = 1e-6;
      Run r = Train(p);
      const double auc = Auc(r.guest.scores);
      BOOST_TEST(r.guest.loss.back() < r.guest.loss.front(), optimizer << " " << penalty);
      BOOST_TEST(auc >= 0.95, optimizer << " " << penalty << ": AUC " << auc);
    }
  }
}

BOOST_AUTO_TEST_CASE(TwoHostsSplitTheFeaturesAndStillLearn) {
  // The host's 20 features split between two hosts (10 each), encrypted and plain.
  const PartyData guest = Load("breast_hetero_guest.csv", true);
  const PartyData host = Load("breast_hetero_host.csv", false);
  PartyData first = host, second = host;
  first.x.cols = second.x.cols = 10;
  first.x.values.clear();
  second.x.values.clear();
  for (std::size_t r = 0; r < host.x.rows; ++r) {
    for (std::size_t c = 0; c < 20; ++c) (c < 10 ? first : second).x.values.push_back(host.x.at(r, c));
  }
  const PartyRef host2{"host", "10001"};
  auto run = [&](bool encrypt) {
    HeteroLrParams p = FateExample();
    p.encrypt = encrypt;
    p.early_stop = "weight_diff";  // with two hosts there is no loss, as in FATE
    p.tol = 1e-9;
    p.max_iter = 10;
    MemoryNetwork net;
    Status s1, s2, sa;
    HeteroLrModel m1, m2;
    std::thread t1([&] {
      MemoryNetwork::End end(net, kHost);
      auto m = TrainHeteroLrHost(end, p, first, kGuest, kArbiter);
      s1 = m.status();
      if (m.ok()) m1 = *m;
    });
    std::thread t2([&] {
      MemoryNetwork::End end(net, host2);
      auto m = TrainHeteroLrHost(end, p, second, kGuest, kArbiter);
      s2 = m.status();
      if (m.ok()) m2 = *m;
    });
    std::thread ta([&] {
      MemoryNetwork::End end(net, kArbiter);
      sa = TrainHeteroLrArbiter(end, p, kGuest, {kHost, host2}).status();
    });
    MemoryNetwork::End end(net, kGuest);
    auto g = TrainHeteroLrGuest(end, p, guest, {kHost, host2}, kArbiter);
    t1.join();
    t2.join();
    ta.join();
    BOOST_REQUIRE_MESSAGE(g.ok(), g.status().ToString());
    BOOST_REQUIRE(s1.ok() && s2.ok() && sa.ok());
    BOOST_TEST(m1.weights.size() == 10u);
    BOOST_TEST(m2.weights.size() == 10u);
    return std::make_pair(*g, m1);
  };
  auto [encrypted, host_model] = run(true);
  BOOST_TEST(Auc(encrypted.scores) >= 0.98);
  BOOST_TEST(std::isnan(encrypted.loss.front()));  // no loss with several hosts
  auto [plain, plain_host] = run(false);
  for (std::size_t i = 0; i < plain.weights.size(); ++i) BOOST_TEST(std::abs(plain.weights[i] - encrypted.weights[i]) < 1e-5);
  for (std::size_t i = 0; i < plain_host.weights.size(); ++i) BOOST_TEST(std::abs(plain_host.weights[i] - host_model.weights[i]) < 1e-5);
}

BOOST_AUTO_TEST_CASE(AnArbiterCannotSwitchAPartyToPlaintext) {
  // A hostile arbiter sends the test-only plaintext marker instead of a key: guest and host, which
  // run encrypted, refuse before sending anything.
  const PartyData guest = Load("breast_hetero_guest.csv", true);
  const PartyData host = Load("breast_hetero_host.csv", false);
  auto plain = VectorDecryptor::Make(false, 1024, 23, 1);
  BOOST_REQUIRE(plain.ok());
  MemoryNetwork net;
  MemoryNetwork::End arbiter(net, kArbiter);
  BOOST_REQUIRE(arbiter.Send("paillier_key", plain->KeyMessage(), kGuest).ok());
  BOOST_REQUIRE(arbiter.Send("paillier_key", plain->KeyMessage(), kHost).ok());
  MemoryNetwork::End g(net, kGuest), h(net, kHost);
  auto refused_guest = TrainHeteroLrGuest(g, FateExample(), guest, {kHost}, kArbiter);
  auto refused_host = TrainHeteroLrHost(h, FateExample(), host, kGuest, kArbiter);
  BOOST_TEST(refused_guest.status().code() == StatusCode::kPermissionDenied);
  BOOST_TEST(refused_guest.status().message().find("no Paillier public key") != std::string::npos);
  BOOST_TEST(refused_host.status().code() == StatusCode::kPermissionDenied);
}

BOOST_AUTO_TEST_CASE(EarlyStopAndFullBatchAndBadParameters) {
  HeteroLrParams p = FateExample();
  p.encrypt = false;
  p.batch_size = -1;
  p.early_stop = "weight_diff";
  p.tol = 0.05;
  p.max_iter = 200;
  Run r = Train(p);
  BOOST_TEST(r.guest.converged);
  BOOST_TEST(r.guest.iterations < 200);
  p.early_stop = "abs";
  p.tol = 10;  // any loss is below it: stops after the first iteration
  BOOST_TEST(Train(p).guest.iterations == 1);

  HeteroLrParams bad = FateExample();
  bad.optimizer.optimizer = "lbfgs";
  BOOST_TEST(CheckHeteroLrParams(bad).message().find("optimizer 'lbfgs'") != std::string::npos);
  bad = FateExample();
  bad.batch_size = 3;
  BOOST_TEST(CheckHeteroLrParams(bad).message().find("batch_size") != std::string::npos);
  bad = FateExample();
  bad.key_length = 1000;
  BOOST_TEST(CheckHeteroLrParams(bad).message().find("key_length") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
