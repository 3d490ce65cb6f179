#define BOOST_TEST_MODULE ff_orm_sqlite_test
#include <boost/test/unit_test.hpp>

#include "tests/orm/orm_contract.hpp"

fedflow::StatusOr<fedflow::orm::DbConfig> FreshContractDatabase(const std::string& name) {
  fedflow::orm::DbConfig c;
  c.engine = "sqlite";
  c.sqlite_path = fedflow::testing::FreshDir(name) + "/fedflow.db";
  return c;
}

BOOST_AUTO_TEST_SUITE(SqliteSpecific)

BOOST_AUTO_TEST_CASE(UnopenablePathNamesTheKey) {
  fedflow::orm::DbConfig c;
  c.sqlite_path = fedflow::testing::FreshDir("unopenable") + "/no/such/dir/x.db";
  auto db = fedflow::orm::OpenDatabase(c);
  BOOST_REQUIRE(!db.ok());
  BOOST_TEST(db.status().message().find("database.sqlite.path") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
