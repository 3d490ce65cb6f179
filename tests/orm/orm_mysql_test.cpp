#define BOOST_TEST_MODULE ff_orm_mysql_test
#include <boost/test/unit_test.hpp>

#include "orm/job_repository.hpp"
#include "tests/orm/orm_contract.hpp"
#include "tests/support/mysql_fixture.hpp"

fedflow::StatusOr<fedflow::orm::DbConfig> FreshContractDatabase(const std::string& name) {
  return fedflow::testing::FreshMysqlDatabase("ff_" + name);
}

BOOST_AUTO_TEST_SUITE(MysqlSpecific)

BOOST_AUTO_TEST_CASE(WrongCredentialsAreUnavailableWithTheTarget) {
  auto c = fedflow::testing::FreshMysqlDatabase("ff_creds");
  BOOST_REQUIRE(c.ok());
  c->mysql_user = "nobody";
  auto db = fedflow::orm::OpenDatabase(*c);
  BOOST_REQUIRE(!db.ok());
  BOOST_TEST(db.status().message().find("nobody@") != std::string::npos, db.status().message());
}

// Pooled connections are not pinged when taken: one that the server closed fails its first
// statement with a recoverable error, and the transaction runs again on a new connection.
BOOST_AUTO_TEST_CASE(ReadsAndWritesSurviveTheServerClosingPooledConnections) {
  auto c = fedflow::testing::FreshMysqlDatabase("ff_killed");
  BOOST_REQUIRE(c.ok());
  c->max_connections = 2;
  auto db = fedflow::orm::OpenDatabase(*c);
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  auto jobs = fedflow::orm::MakeJobRepository(**db);
  fedflow::orm::JobRow row;
  row.job_id = "J1";
  row.role = "guest";
  row.party_id = "9999";
  BOOST_REQUIRE(jobs->Create(row).ok());
  BOOST_REQUIRE(jobs->ListByJob("J1").ok());  // the pool's connections are open and idle
  for (int round = 0; round < 3; ++round) {
    auto killed = fedflow::testing::MysqlKillConnections(*c);
    BOOST_REQUIRE_MESSAGE(killed.ok(), killed.status().ToString());
    BOOST_TEST(*killed >= 1);
    auto read = jobs->ListByJob("J1");  // a single-statement read (autocommit)
    BOOST_REQUIRE_MESSAGE(read.ok(), read.status().ToString());
    BOOST_TEST(read->size() == 1u);
    BOOST_REQUIRE(fedflow::testing::MysqlKillConnections(*c).ok());
    BOOST_TEST(jobs->SetDescription(row.id, "round " + std::to_string(round), 5).ok());  // a write transaction
    BOOST_TEST(jobs->Get("J1", "guest", "9999")->description == "round " + std::to_string(round));
  }
}

BOOST_AUTO_TEST_SUITE_END()
