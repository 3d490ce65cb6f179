#define BOOST_TEST_MODULE ff_orm_mysql_test
#include <boost/test/unit_test.hpp>

#include "tests/orm/orm_contract.hpp"

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

BOOST_AUTO_TEST_SUITE_END()
