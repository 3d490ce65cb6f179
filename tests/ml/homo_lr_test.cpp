// HomoLR and its secure aggregation, clients and arbiter on threads of this process: pairwise
// masks cancel in the sum for two and three clients while one client's masked vector says nothing,
// and FATE's homo LR example parameters on breast_homo_guest/host reach AUC 0.97 on
// breast_homo_test with the same model at every client.

#define BOOST_TEST_MODULE ff_homo_lr_test
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <thread>

#include "components/ml/common/memory_channel.hpp"
#include "components/ml/evaluation/metrics.hpp"
#include "components/ml/linear/homo_lr.hpp"
#include "components/ml/linear/secure_aggregation.hpp"
#include "components/sdk/table.hpp"

using namespace fedflow;
using namespace fedflow::ml;

namespace {

const PartyRef kGuest{"guest", "9999"};
const PartyRef kHost{"host", "10000"};
const PartyRef kHost2{"host", "10001"};
const PartyRef kArbiter{"arbiter", "10000"};

struct Labelled {
  Matrix x;
  std::vector<double> y;
};

Labelled Load(const std::string& file) {
  auto t = worker::CsvTable::Read(std::string(FEDFLOW_SOURCE_DIR) + "/examples/fate/data/" + file);
  BOOST_REQUIRE_MESSAGE(t.ok(), t.status().ToString());
  Labelled d;
  d.x.cols = t->header.size() - 2;
  for (const auto& row : t->rows) {
    d.y.push_back(std::stod(row[1]));
    for (std::size_t c = 2; c < row.size(); ++c) d.x.values.push_back(std::stod(row[c]));
  }
  d.x.rows = d.y.size();
  return d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SecureAggregation)

BOOST_AUTO_TEST_CASE(MasksCancelInTheSumAndHideEachVector) {
  for (const std::vector<PartyRef>& clients : {std::vector<PartyRef>{kGuest, kHost}, std::vector<PartyRef>{kGuest, kHost, kHost2}}) {
    MemoryNetwork net;
    std::vector<std::vector<double>> values = {{1.5, -2.25, 1000.0}, {0.5, 0.25, -3.0}, {-7.0, 1e-6, 0.0}};
    std::vector<std::vector<std::uint64_t>> masked(clients.size());
    std::vector<Status> status(clients.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < clients.size(); ++i) {
      threads.emplace_back([&, i] {
        MemoryNetwork::End end(net, clients[i]);
        auto masks = PairwiseMasks::Agree(end, clients[i], clients, "job/task");
        status[i] = masks.status();
        if (!masks.ok()) return;
        auto m = masks->Mask(values[i], 3);
        status[i] = m.status();
        if (m.ok()) masked[i] = *m;
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& s : status) BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    auto sum = SumOfMasked(masked);
    BOOST_REQUIRE(sum.ok());
    for (std::size_t k = 0; k < 3; ++k) {
      double expected = 0;
      for (std::size_t i = 0; i < clients.size(); ++i) expected += values[i][k];
      BOOST_TEST(std::abs((*sum)[k] - expected) < 1e-9, "value " << k);
    }
    // One client's masked vector alone is not its values.
    auto alone = SumOfMasked({masked[0]});
    BOOST_TEST(std::abs((*alone)[0] - values[0][0]) > 1.0);
  }
  PairwiseMasks none;
  BOOST_TEST(!none.Mask({2e9}, 0).ok());  // outside the fixed-point range: refused, not wrapped
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(HomoLr)

BOOST_AUTO_TEST_CASE(TheFateExampleReachesAucOf097OnTheHeldOutSet) {
  const Labelled guest = Load("breast_homo_guest.csv"), host = Load("breast_homo_host.csv"), test = Load("breast_homo_test.csv");
  // homo_lr_train_conf.json's homo_lr_0.
  HomoLrParams p;
  p.optimizer.penalty = "L2";
  p.optimizer.alpha = 0.01;
  p.optimizer.optimizer = "sgd";
  p.optimizer.learning_rate = 0.15;
  p.batch_size = -1;
  p.max_iter = 30;
  p.tol = 1e-5;
  p.early_stop = "diff";
  p.init_method = "zeros";
  MemoryNetwork net;
  HomoLrModel g, h, a;
  Status gs, hs, as;
  const std::vector<PartyRef> clients = {kGuest, kHost};
  std::thread host_thread([&] {
    MemoryNetwork::End end(net, kHost);
    auto m = TrainHomoLrClient(end, p, host.x, host.y, kHost, clients, kArbiter, "job/homo_lr_0");
    hs = m.status();
    if (m.ok()) h = *m;
  });
  std::thread arbiter_thread([&] {
    MemoryNetwork::End end(net, kArbiter);
    auto m = TrainHomoLrArbiter(end, p, clients);
    as = m.status();
    if (m.ok()) a = *m;
  });
  MemoryNetwork::End end(net, kGuest);
  auto m = TrainHomoLrClient(end, p, guest.x, guest.y, kGuest, clients, kArbiter, "job/homo_lr_0");
  host_thread.join();
  arbiter_thread.join();
  BOOST_REQUIRE_MESSAGE(m.ok(), m.status().ToString());
  BOOST_REQUIRE_MESSAGE(hs.ok(), hs.ToString());
  BOOST_REQUIRE_MESSAGE(as.ok(), as.ToString());
  g = *m;
  BOOST_TEST((g.weights == h.weights));  // one model at every client
  BOOST_TEST((g.weights == a.weights));
  BOOST_TEST(g.loss.back() < g.loss.front());
  std::vector<int> labels;
  for (double y : test.y) labels.push_back(y > 0.5 ? 1 : 0);
  const double auc = ComputeBinary(labels, PredictLinear(test.x, g.weights, true)).auc;
  BOOST_TEST_MESSAGE("homo LR: " << g.rounds << " rounds, test AUC " << auc);
  BOOST_TEST(auc >= 0.97);
  // The same rounds without federation: the sample-weighted average of the two clients' models
  // after one local epoch from zero is what the first aggregate must be.
  HomoLrParams one = p;
  one.max_iter = 1;
  auto solo = [&](const Labelled& d, const PartyRef& self) {
    MemoryNetwork local;
    HomoLrModel out;
    std::thread arb([&] {
      MemoryNetwork::End e(local, kArbiter);
      (void)TrainHomoLrArbiter(e, one, {self, kHost2});
    });
    std::thread twin([&] {  // a second client with the same rows: the average is this client's model
      MemoryNetwork::End e(local, kHost2);
      (void)TrainHomoLrClient(e, one, d.x, d.y, kHost2, {self, kHost2}, kArbiter, "solo");
    });
    MemoryNetwork::End e(local, self);
    auto r = TrainHomoLrClient(e, one, d.x, d.y, self, {self, kHost2}, kArbiter, "solo");
    arb.join();
    twin.join();
    BOOST_REQUIRE(r.ok());
    return r->weights;
  };
  const std::vector<double> wg = solo(guest, kGuest), wh = solo(host, kHost);
  MemoryNetwork net1;
  HomoLrModel first;
  std::thread arb1([&] {
    MemoryNetwork::End e(net1, kArbiter);
    (void)TrainHomoLrArbiter(e, one, clients);
  });
  std::thread host1([&] {
    MemoryNetwork::End e(net1, kHost);
    (void)TrainHomoLrClient(e, one, host.x, host.y, kHost, clients, kArbiter, "first");
  });
  MemoryNetwork::End e1(net1, kGuest);
  auto together = TrainHomoLrClient(e1, one, guest.x, guest.y, kGuest, clients, kArbiter, "first");
  arb1.join();
  host1.join();
  BOOST_REQUIRE(together.ok());
  const double ng = static_cast<double>(guest.x.rows), nh = static_cast<double>(host.x.rows);
  for (std::size_t i = 0; i < wg.size(); ++i) {
    BOOST_TEST(std::abs(together->weights[i] - (ng * wg[i] + nh * wh[i]) / (ng + nh)) < 1e-8, "weight " << i);
  }
}

BOOST_AUTO_TEST_CASE(EveryOptimizerAndPenaltyConverges) {
  const Labelled guest = Load("breast_homo_guest.csv"), host = Load("breast_homo_host.csv"), test = Load("breast_homo_test.csv");
  std::vector<int> labels;
  for (double y : test.y) labels.push_back(y > 0.5 ? 1 : 0);
  for (const std::string optimizer : {"sgd", "rmsprop", "adam", "adagrad", "nesterov_momentum_sgd"}) {
    for (const std::string penalty : {"L1", "L2", "none"}) {
      HomoLrParams p;
      p.optimizer.optimizer = optimizer;
      p.optimizer.penalty = penalty;
      p.optimizer.alpha = 0.01;
      p.optimizer.learning_rate = 0.15;
      p.batch_size = -1;
      p.max_iter = 20;
      p.aggregate_iters = 2;
      p.tol = 1e-9;
      MemoryNetwork net;
      const std::vector<PartyRef> clients = {kGuest, kHost};
      std::thread h([&] {
        MemoryNetwork::End e(net, kHost);
        (void)TrainHomoLrClient(e, p, host.x, host.y, kHost, clients, kArbiter, "opt");
      });
      std::thread a([&] {
        MemoryNetwork::End e(net, kArbiter);
        (void)TrainHomoLrArbiter(e, p, clients);
      });
      MemoryNetwork::End e(net, kGuest);
      auto m = TrainHomoLrClient(e, p, guest.x, guest.y, kGuest, clients, kArbiter, "opt");
      h.join();
      a.join();
      BOOST_REQUIRE_MESSAGE(m.ok(), m.status().ToString());
      BOOST_TEST(m->rounds == 10);  // 20 epochs, aggregated every 2
      BOOST_TEST(m->loss.back() < m->loss.front(), optimizer << " " << penalty);
      const double auc = ComputeBinary(labels, PredictLinear(test.x, m->weights, true)).auc;
      BOOST_TEST(auc >= 0.95, optimizer << " " << penalty << ": AUC " << auc);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
