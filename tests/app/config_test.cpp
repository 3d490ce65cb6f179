#define BOOST_TEST_MODULE ff_config_test
#include <boost/test/unit_test.hpp>

#include <string>

#include "service/app/config.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;

namespace {

std::string ErrorOf(const std::string& yaml) {
  auto c = app::ParseConfig(yaml, "/srv/fedflow");
  if (c.ok()) return "";
  return c.status().message();
}

bool Mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(ConfigTest)

BOOST_AUTO_TEST_CASE(MinimalConfigGetsSafeDefaults) {
  auto c = app::ParseConfig("party_id: 9999\nhttp:\n  port: 9380\n", "/srv/fedflow");
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->party_id == "9999");
  BOOST_TEST(c->http.port == 9380);
  BOOST_TEST(c->http.host == "127.0.0.1");
  BOOST_TEST(c->database.engine == "sqlite");
  BOOST_TEST(c->database.sqlite_path == "/srv/fedflow/fedflow.db");
  BOOST_TEST(c->log.dir == "/srv/fedflow/logs");
  BOOST_TEST(c->schedule_interval_ms == 100);
  BOOST_TEST(c->detect_interval_ms == 1000);
  BOOST_TEST(c->instance_id == "9999-127.0.0.1-9380");
}

BOOST_AUTO_TEST_CASE(FullConfigIsRead) {
  const char* yaml = R"(
party_id: "10000"
instance_id: host-a
http: {host: 0.0.0.0, port: 9381, io_threads: 3, handler_threads: 12}
database:
  engine: mysql
  mysql: {host: db, port: 3307, user: flow, password: pw, name: fedflow}
log: {dir: /var/log/ff, level: debug}
scheduler: {interval_ms: 50, lease_ms: 5000}
detector: {interval_ms: 500, heartbeat_timeout_ms: 9000, partner_grace_ms: 3000}
capacity: {cores: 8, memory_mb: 16384, max_running_jobs: 4}
partners:
  - {party_id: "9999", host: 127.0.0.1, port: 9380}
providers:
  - {name: test, version: "1.0", executable: bin/worker, modules: [Reader, HeteroLR]}
job_defaults: {task_cores: 2, auto_retries: 1}
)";
  auto c = app::ParseConfig(yaml, "/srv/ff");
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  BOOST_TEST(c->instance_id == "host-a");
  BOOST_TEST(c->http.io_threads == 3);
  BOOST_TEST(c->database.mysql_port == 3307u);
  BOOST_TEST(c->database.mysql_database == "fedflow");
  BOOST_TEST(c->log.level == "debug");
  BOOST_TEST(c->lease_ms == 5000);
  BOOST_TEST(c->partner_grace_ms == 3000);
  BOOST_TEST(c->cores == 8);
  BOOST_TEST(c->max_running_jobs == 4);
  BOOST_REQUIRE(c->partners.size() == 1u);
  BOOST_TEST(c->partners[0].port == 9380);
  BOOST_REQUIRE(c->providers.size() == 1u);
  BOOST_TEST(c->providers[0].executable == "/srv/ff/bin/worker");
  BOOST_TEST(c->providers[0].modules.size() == 2u);
  BOOST_TEST(c->job_defaults.task_cores == 2);
}

BOOST_AUTO_TEST_CASE(MissingRequiredKeysAreNamed) {
  BOOST_TEST(Mentions(ErrorOf("http:\n  port: 1\n"), "missing required key 'party_id'"));
  BOOST_TEST(Mentions(ErrorOf("party_id: 1\n"), "missing required key 'http.port'"));
  BOOST_TEST(Mentions(ErrorOf("party_id: 1\nhttp: {host: 127.0.0.1}\n"), "missing required key 'http.port'"));
  BOOST_TEST(Mentions(ErrorOf("party_id: 1\nhttp: {port: 1}\ndatabase: {engine: mysql}\n"), "'database.mysql'"));
  BOOST_TEST(Mentions(ErrorOf("party_id: 1\nhttp: {port: 1}\npartners: [{host: h, port: 2}]\n"),
                      "'partners[0].party_id'"));
  BOOST_TEST(Mentions(ErrorOf(""), "config is empty"));
}

BOOST_AUTO_TEST_CASE(WrongTypesAreNamed) {
  BOOST_TEST(Mentions(ErrorOf("party_id: 1\nhttp: {port: abc}\n"), "'http.port' must be an integer, got 'abc'"));
  BOOST_TEST(Mentions(ErrorOf("party_id: 1\nhttp: {port: 70000}\n"), "'http.port' must be between 0 and 65535"));
  BOOST_TEST(Mentions(ErrorOf("party_id: 1\nhttp: {port: 1}\nscheduler: {interval_ms: [1]}\n"),
                      "'scheduler.interval_ms' must be an integer"));
  BOOST_TEST(Mentions(ErrorOf("party_id: 1\nhttp: {port: 1, tls: {enabled: maybe}}\n"),
                      "'http.tls.enabled' must be true or false"));
  BOOST_TEST(Mentions(ErrorOf("party_id: [1]\nhttp: {port: 1}\n"), "'party_id' must be a string"));
  BOOST_TEST(Mentions(ErrorOf("party_id: 1\nhttp: {port: 1}\ndatabase: {engine: oracle}\n"), "'database.engine'"));
  BOOST_TEST(Mentions(ErrorOf("party_id: 1\nhttp: {port: 1}\nlog: {level: loud}\n"), "'log.level'"));
  BOOST_TEST(Mentions(ErrorOf("party_id: 1\nhttp: 5\n"), "'http' must be a mapping"));
}

BOOST_AUTO_TEST_CASE(UnknownKeysAreRefusedSoTyposDoNotPassSilently) {
  std::string e = ErrorOf("party_id: 1\nhttp: {prot: 1, port: 2}\n");
  BOOST_TEST(Mentions(e, "unknown key 'http.prot'"));
  BOOST_TEST(Mentions(e, "port"));
  BOOST_TEST(Mentions(ErrorOf("party_id: 1\nhttp: {port: 2}\nscheduller: {}\n"), "unknown key 'scheduller'"));
}

BOOST_AUTO_TEST_CASE(InvalidYamlReportsPosition) {
  BOOST_TEST(Mentions(ErrorOf("party_id: 1\nhttp: {port: 2\n"), "not valid YAML: line"));
}

BOOST_AUTO_TEST_CASE(UnsafePartyIdIsRefused) {
  BOOST_TEST(Mentions(ErrorOf("party_id: ../x\nhttp: {port: 2}\n"), "'party_id' must be letters"));
}

BOOST_AUTO_TEST_CASE(SecurityIsOffByDefaultAndReadWhenGiven) {
  auto plain = app::ParseConfig("party_id: 9999\nhttp: {port: 9380}\n", "/srv/fedflow");
  BOOST_REQUIRE(plain.ok());
  BOOST_TEST(!plain->security.site_auth);
  BOOST_TEST(!plain->security.client_auth);
  BOOST_TEST(!plain->security.permission);
  BOOST_TEST(plain->security.private_key == "/srv/fedflow/keys/site_private.pem");
  auto on = app::ParseConfig(
      "party_id: 9999\nhttp: {port: 9380}\n"
      "partners: [{party_id: '10000', port: 9381, public_key: keys/10000.pem}]\n"
      "security: {site_auth: true, max_skew_ms: 30000, permission: true, client_auth: true,\n"
      "           client_apps: [{app_id: ops, app_secret: 0123456789abcdef}]}\n",
      "/srv/fedflow");
  BOOST_REQUIRE_MESSAGE(on.ok(), on.status().ToString());
  BOOST_TEST(on->security.site_auth);
  BOOST_TEST(on->security.max_skew_ms == 30000);
  BOOST_TEST(on->security.client_apps.size() == 1u);
  BOOST_TEST(on->partners[0].public_key == "/srv/fedflow/keys/10000.pem");
}

BOOST_AUTO_TEST_CASE(UnsafeSecuritySettingsAreRefusedWithTheKey) {
  const std::string base = "party_id: 9999\nhttp: {port: 9380}\n";
  BOOST_TEST(Mentions(ErrorOf(base + "partners: [{party_id: '10000', port: 9381}]\nsecurity: {site_auth: true}\n"),
                      "partners[0].public_key"));
  BOOST_TEST(Mentions(ErrorOf(base + "security: {client_auth: true}\n"), "security.client_apps"));
  BOOST_TEST(Mentions(ErrorOf(base + "security: {client_apps: [{app_id: ops, app_secret: short}]}\n"),
                      "security.client_apps[0].app_secret"));
  BOOST_TEST(Mentions(ErrorOf(base + "security: {max_skew_ms: 5}\n"), "security.max_skew_ms"));
  BOOST_TEST(Mentions(ErrorOf(base + "security: {sitee_auth: true}\n"), "security.sitee_auth"));
  BOOST_TEST(Mentions(ErrorOf(base + "security: {outbound_tls: {ca: /no/such/ca.pem}}\n"), "security.outbound_tls.ca"));
  BOOST_TEST(Mentions(ErrorOf(base + "security: {outbound_tls: {cert: /a.pem}}\n"), "both 'cert' and 'key'"));
  BOOST_TEST(Mentions(ErrorOf("party_id: 9999\nhttp: {port: 9380, tls: {enabled: true, cert: /no/c.pem, key: /no/k.pem}}\n"),
                      "http.tls.cert"));
}

BOOST_AUTO_TEST_CASE(ImportRootsDefaultToAnImportDirectoryAndNeverContainTheHome) {
  auto c = app::ParseConfig("party_id: 9999\nhttp: {port: 9380}\n", "/srv/fedflow");
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->data.import_roots.size() == 1u);
  BOOST_TEST(c->data.import_roots[0] == "/srv/fedflow/import");
  c = app::ParseConfig("party_id: 9999\nhttp: {port: 9380}\ndata: {allowed_roots: [/data/in]}\n", "/srv/fedflow");
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->data.import_roots[0] == "/data/in");
  for (const char* root : {"/", "/srv", "/srv/fedflow", ".", "/srv/fedflow/"}) {
    std::string e = ErrorOf(std::string("party_id: 9999\nhttp: {port: 9380}\ndata: {import_roots: [\"") + root + "\"]}\n");
    BOOST_TEST(Mentions(e, "contains the server's home /srv/fedflow"), root << ": " << e);
  }
  BOOST_TEST(Mentions(ErrorOf("party_id: 9999\nhttp: {port: 9380}\ndata: {import_roots: [a], allowed_roots: [b]}\n"),
                      "old name of 'data.import_roots'"));
}

BOOST_AUTO_TEST_CASE(LimitsHaveSafeDefaultsAndAreRead) {
  auto c = app::ParseConfig("party_id: 9999\nhttp: {port: 9380}\n", "/srv/fedflow");
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->limits.max_body_bytes == 8u << 20);
  BOOST_TEST(c->http.body_limit == 8u << 20);
  BOOST_TEST(c->limits.plan.max_components == 200u);
  c = app::ParseConfig("party_id: 9999\nhttp: {port: 9380}\nlimits: {max_body_bytes: 65536, max_components: 7, "
                       "yaml_max_nodes: 500, max_upload_bytes: 1048576}\n",
                       "/srv/fedflow");
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  BOOST_TEST(c->http.body_limit == 65536u);
  BOOST_TEST(c->limits.plan.max_components == 7u);
  BOOST_TEST(c->limits.plan.yaml_max_nodes == 500u);
  BOOST_TEST(c->limits.max_upload_bytes == 1048576u);
  BOOST_TEST(Mentions(ErrorOf("party_id: 9999\nhttp: {port: 9380}\nlimits: {max_body_bytes: 10}\n"),
                      "'limits.max_body_bytes' must be between 4096"));
  BOOST_TEST(Mentions(ErrorOf("party_id: 9999\nhttp: {port: 9380}\nlimits: {max_bodies: 10}\n"),
                      "unknown key 'limits.max_bodies'"));
}

BOOST_AUTO_TEST_CASE(LoadConfigResolvesPathsAgainstTheFileDirectory) {
  std::string dir = testing::FreshDir("config");
  testing::WriteFile(dir + "/conf/service_conf.yaml", "party_id: 9\nhttp: {port: 5}\ndatabase: {sqlite: {path: db/x.db}}\n");
  auto c = app::LoadConfig(dir + "/conf/service_conf.yaml");
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->database.sqlite_path == dir + "/db/x.db");
  BOOST_TEST(c->home == dir);  // <home>/conf/service_conf.yaml
  testing::WriteFile(dir + "/elsewhere/flow.yaml", "party_id: 9\nhttp: {port: 5}\n");
  BOOST_TEST(app::LoadConfig(dir + "/elsewhere/flow.yaml")->home == dir + "/elsewhere");
  auto missing = app::LoadConfig(dir + "/nope.yaml");
  BOOST_TEST(!missing.ok());
  BOOST_TEST(Mentions(missing.status().message(), "cannot read config file"));
}

BOOST_AUTO_TEST_SUITE_END()
