#include "tests/support/federation.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <chrono>
#include <thread>

#include "base/clock.hpp"
#include "service/security/client_auth.hpp"
#include "service/security/signing_key.hpp"
#include "tests/support/test_dirs.hpp"

namespace fedflow::testing {

namespace bj = boost::json;

std::uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::int64_t ApiAnswer::code() const {
  const bj::value* c = body.if_contains("code");
  return c && c->is_int64() ? c->as_int64() : -1;
}

const bj::value& ApiAnswer::data() const {
  static const bj::value kNull;
  const bj::value* d = body.if_contains("data");
  return d ? *d : kNull;
}

std::string ApiAnswer::message() const {
  const bj::value* m = body.if_contains("message");
  return m && m->is_string() ? std::string(m->as_string()) : "";
}

StatusOr<std::unique_ptr<Federation>> Federation::Start(const std::string& name, const std::vector<PartySetup>& parties,
                                                       const FederationOptions& options) {
  std::unique_ptr<Federation> f(new Federation());
  f->options_ = options;
  std::string root = FreshDir(name);
  f->root_ = root;
  for (const auto& setup : parties) {
    f->party_ids_.push_back(setup.party_id);
    for (int i = 1; i <= std::max(1, setup.instances); ++i) {
      Server s;
      s.setup = setup;
      s.name = i == 1 ? setup.party_id : setup.party_id + "#" + std::to_string(i);
      s.port = FreePort();
      s.home = root + "/party-" + setup.party_id + (i == 1 ? "" : "-" + std::to_string(i));
      f->servers_[s.name] = std::move(s);
    }
  }
  FEDFLOW_RETURN_IF_ERROR(f->MakeKeysAndCertificates(root));
  http::HttpClientOptions client_options;
  if (options.tls) client_options.tls_ca_file = f->tls_dir_ + "/ca.pem";
  f->client_ = std::make_unique<http::HttpClient>(client_options);
  for (auto& [name, s] : f->servers_) FEDFLOW_RETURN_IF_ERROR(f->Launch(s));
  for (auto& [name, s] : f->servers_) {
    if (!f->WaitHealthy(name, 20000)) {
      return UnavailableError("server " + name + " did not become healthy: " + ReadFile(s.home + "/out.txt"));
    }
  }
  return f;
}

std::string Federation::PrivateKeyOf(const std::string& party) const { return root_ + "/keys/" + party + ".pem"; }

Status Federation::MakeKeysAndCertificates(const std::string& root) {
  if (options_.site_auth) {
    for (const auto& id : party_ids_) {
      auto key = security::SigningKey::LoadOrCreatePrivate(PrivateKeyOf(id));
      if (!key.ok()) return key.status();
      WriteFile(root + "/keys/" + id + ".pub.pem", key->PublicPem());
    }
  }
  if (!options_.tls) return Status::OK();
  // A CA, and one certificate per party naming 127.0.0.1 (servers and their outbound calls).
  tls_dir_ = root + "/tls";
  std::filesystem::create_directories(tls_dir_);
  std::string out;
  auto openssl = [&](std::vector<std::string> args) -> Status {
    args.insert(args.begin(), "/usr/bin/openssl");
    int rc = RunCommand(args, &out, 30000);
    return rc == 0 ? Status::OK() : InternalError("openssl failed: " + out);
  };
  const std::string ca_key = tls_dir_ + "/ca.key", ca = tls_dir_ + "/ca.pem";
  FEDFLOW_RETURN_IF_ERROR(openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                   "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=fedflow test CA"}));
  WriteFile(tls_dir_ + "/san.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
  for (const auto& id : party_ids_) {
    const std::string key = tls_dir_ + "/" + id + ".key", csr = tls_dir_ + "/" + id + ".csr";
    FEDFLOW_RETURN_IF_ERROR(openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                     "-keyout", key, "-out", csr, "-subj", "/CN=party " + id}));
    FEDFLOW_RETURN_IF_ERROR(openssl({"x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
                                     "-out", tls_dir_ + "/" + id + ".pem", "-days", "2", "-extfile",
                                     tls_dir_ + "/san.ext"}));
  }
  return Status::OK();
}

std::string Federation::SecurityYaml(const Server& p) const {
  std::string yaml = "security:\n";
  const std::string& id = p.setup.party_id;
  if (options_.site_auth) yaml += "  site_auth: true\n  private_key: " + PrivateKeyOf(id) + "\n";
  if (options_.permission) yaml += "  permission: true\n";
  if (!options_.client_app_id.empty()) {
    yaml += "  client_auth: true\n  client_apps: [{app_id: " + options_.client_app_id +
            ", app_secret: \"" + options_.client_app_secret + "\"}]\n";
  }
  if (options_.tls) yaml += "  outbound_tls: {ca: " + tls_dir_ + "/ca.pem}\n";
  return yaml == "security:\n" ? "" : yaml;
}

Status Federation::Launch(Server& p) {
  std::string yaml = "party_id: \"" + p.setup.party_id + "\"\n";
  yaml += "home: " + p.home + "\n";
  yaml += "instance_id: \"" + p.setup.party_id + "-" + std::to_string(p.port) + "\"\n";
  yaml += "http: {port: " + std::to_string(p.port) + ", handler_threads: 16";
  if (options_.tls) {
    const std::string& id = p.setup.party_id;
    yaml += ", tls: {enabled: true, cert: " + tls_dir_ + "/" + id + ".pem, key: " + tls_dir_ + "/" + id + ".key}";
  }
  yaml += "}\n";
  yaml += "log: " + options_.log_yaml + "\n";
  yaml += "scheduler: {interval_ms: " + std::to_string(options_.schedule_interval_ms) +
          ", party_call_timeout_ms: " + std::to_string(options_.party_call_timeout_ms) +
          ", aging_ms: " + std::to_string(options_.aging_ms) + ", lease_ms: 3000}\n";
  yaml += "detector: {interval_ms: " + std::to_string(options_.detect_interval_ms) +
          ", heartbeat_timeout_ms: " + std::to_string(options_.heartbeat_timeout_ms) +
          ", partner_grace_ms: " + std::to_string(options_.partner_grace_ms) + "}\n";
  yaml += "capacity: {cores: " + std::to_string(p.setup.cores) +
          ", max_running_jobs: " + std::to_string(p.setup.max_running_jobs) + "}\n";
  yaml += "job_defaults: {task_cores: 1, retry_backoff_ms: 100}\n";
  if (!p.setup.database_yaml.empty()) {
    yaml += p.setup.database_yaml + "\n";
  } else if (!options_.database_yaml.empty()) {
    yaml += options_.database_yaml + "\n";
  }
  yaml += "partners:\n";
  for (const auto& id : party_ids_) {
    if (id == p.setup.party_id) continue;
    yaml += "  - {party_id: \"" + id + "\", host: 127.0.0.1, port: " + std::to_string(servers_.at(id).port);
    if (options_.tls) yaml += ", tls: true";
    if (options_.site_auth) yaml += ", public_key: " + root_ + "/keys/" + id + ".pub.pem";
    yaml += "}\n";
  }
  const bool real = options_.real_components;
  yaml += "providers:\n  - {name: test, version: \"1.0\", executable: " + std::string(FEDFLOW_TEST_WORKER_BIN) +
          ", modules: [" + std::string(options_.builtin_reader || real ? "" : "Reader, reader, ") +
          std::string(real ? "" : "DataTransform, Intersection, Evaluation, HeteroLR, FeatureScale, HomoLR, ") +
          "TestModule,"
          " psi, feature_scale, hetero_feature_binning, hetero_feature_selection, coordinated_lr, evaluation]}\n";
  yaml += SecurityYaml(p);
  yaml += p.setup.extra_yaml;
  WriteFile(p.home + "/conf/service_conf.yaml", yaml);
  auto child = ChildProcess::Start({FEDFLOW_SERVER_BIN, "--config", p.home + "/conf/service_conf.yaml"},
                                   p.home + "/out.txt");
  if (!child.ok()) return child.status();
  p.process.reset(*child);
  return Status::OK();
}

Federation::~Federation() {
  for (auto& [id, p] : servers_) {
    if (p.process && p.process->Running()) {
      p.process->Resume();
      if (p.process->Stop(SIGTERM, 10000) < 0) p.process->Kill9();
    }
  }
  // Workers run in their own process groups and outlive servers by design: end them too.
  for (auto& [id, p] : servers_) {
    std::string out;
    RunCommand({"/usr/bin/pkill", "-KILL", "-f", p.home + "/jobs/"}, &out, 5000);
  }
}

std::uint16_t Federation::PortOf(const std::string& server) const { return servers_.at(server).port; }
std::string Federation::HomeOf(const std::string& server) const { return servers_.at(server).home; }
ChildProcess& Federation::ProcessOf(const std::string& server) { return *servers_.at(server).process; }

bool Federation::WaitHealthy(const std::string& party, std::int64_t timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = Call(party, "GET", "/v2/server/health");
    if (r.ok() && r->http_status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

Status Federation::UploadCsv(const std::string& party, const std::string& csv_path, const std::string& ns,
                             const std::string& name) {
  const std::string file = name + ".csv";
  std::error_code ec;
  std::filesystem::create_directories(HomeOf(party) + "/import", ec);
  std::filesystem::copy_file(csv_path, HomeOf(party) + "/import/" + file,
                             std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) return InternalError("cannot copy " + csv_path + " to party " + party + "'s import root: " + ec.message());
  FEDFLOW_ASSIGN_OR_RETURN(ApiAnswer up, Call(party, "POST", "/v2/data/component/upload",
                                              boost::json::object{{"file", file}, {"namespace", ns}, {"name", name}, {"head", 1}}));
  if (up.code() != 0) return InternalError("upload of " + ns + "." + name + " at " + party + ": " + up.message());
  return Status::OK();
}

StatusOr<ApiAnswer> Federation::Call(const std::string& party, const std::string& method, const std::string& path,
                                     const bj::object& body) {
  http::ClientRequest r;
  r.method = method;
  r.port = PortOf(party);
  r.tls = options_.tls;
  r.target = path;
  r.timeout_ms = 20000;
  if (method == "GET") {
    std::string q;
    for (const auto& kv : body) {
      std::string v = kv.value().is_string() ? std::string(kv.value().as_string()) : bj::serialize(kv.value());
      q += (q.empty() ? "?" : "&") + std::string(kv.key()) + "=" + v;
    }
    r.target += q;
  } else {
    r.body = bj::serialize(body);
  }
  if (!options_.client_app_id.empty()) {
    for (auto& h : security::ClientAuthHeaders(options_.client_app_id, options_.client_app_secret, r.target, r.body,
                                               SystemClock::Instance().NowMs())) {
      r.headers.push_back(std::move(h));
    }
  }
  auto res = client_->Call(r);
  if (!res.ok()) return res.status();
  ApiAnswer a;
  a.http_status = res->status;
  boost::system::error_code ec;
  bj::value v = bj::parse(res->body, ec);
  if (!ec && v.is_object()) a.body = v.as_object();
  return a;
}

StatusOr<std::string> Federation::Submit(const std::string& party, const std::string& dsl, const std::string& conf) {
  boost::system::error_code ec1, ec2;
  bj::value d = bj::parse(dsl, ec1);
  bj::value c = bj::parse(conf, ec2);
  if (ec1 || ec2) return InvalidArgumentError("test job files are not JSON");
  auto r = Call(party, "POST", "/v2/job/submit", bj::object{{"dsl", d}, {"runtime_conf", c}});
  if (!r.ok()) return r.status();
  if (r->http_status != 200 || r->code() != 0) {
    return Status(StatusCode::kFailedPrecondition,
                  "HTTP " + std::to_string(r->http_status) + " code " + std::to_string(r->code()) + ": " + r->message());
  }
  return std::string(r->body.at("job_id").as_string());
}

StatusOr<bj::object> Federation::JobStatus(const std::string& party, const std::string& job_id) {
  auto r = Call(party, "GET", "/v2/job/status", bj::object{{"job_id", job_id}});
  if (!r.ok()) return r.status();
  if (r->http_status != 200 || !r->data().is_object()) return NotFoundError(r->message());
  return r->data().as_object();
}

StatusOr<std::string> Federation::WaitJobStatus(const std::string& party, const std::string& job_id,
                                                const std::set<std::string>& statuses, std::int64_t timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto s = JobStatus(party, job_id);
    if (s.ok()) {
      last = std::string(s->at("status").as_string());
      if (statuses.count(last)) return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return DeadlineExceededError("job " + job_id + " still '" + last + "' after " + std::to_string(timeout_ms) + " ms");
}

StatusOr<std::string> Federation::WaitJobEnd(const std::string& party, const std::string& job_id,
                                             std::int64_t timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto s = JobStatus(party, job_id);
    if (s.ok()) {
      last = std::string(s->at("status").as_string());
      bool ended = last == "success" || last == "failed" || last == "canceled" || last == "timeout";
      if (ended && s->at("end_synced").as_bool()) return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return DeadlineExceededError("job " + job_id + " still '" + last + "' after " + std::to_string(timeout_ms) + " ms");
}

std::vector<bj::object> Federation::LocalJobs(const std::string& party, const std::string& job_id) {
  auto r = Call(party, "GET", "/v2/job/query", bj::object{{"job_id", job_id}});
  if (!r.ok()) return {};
  std::vector<bj::object> out;
  if (r->data().is_array()) {
    for (const auto& v : r->data().as_array()) out.push_back(v.as_object());
  }
  return out;
}

std::vector<bj::object> Federation::LocalTasks(const std::string& party, const std::string& job_id) {
  auto r = Call(party, "GET", "/v2/job/task/query", bj::object{{"job_id", job_id}, {"all", "true"}});
  if (!r.ok()) return {};
  std::vector<bj::object> out;
  if (r->data().is_array()) {
    for (const auto& v : r->data().as_array()) out.push_back(v.as_object());
  }
  return out;
}

void Federation::Kill9(const std::string& server) { servers_.at(server).process->Kill9(); }

Status Federation::Restart(const std::string& party) {
  Server& p = servers_.at(party);
  if (p.process && p.process->Running()) p.process->Kill9();
  FEDFLOW_RETURN_IF_ERROR(Launch(p));
  if (!WaitHealthy(party, 20000)) return UnavailableError("party " + party + " did not come back");
  return Status::OK();
}

}  // namespace fedflow::testing
