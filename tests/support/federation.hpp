#pragma once
// A local federation for integration and fault tests: one real fedflow-server process per
// party on free loopback ports, each knowing the others, with the test provider registered.
// Every server is stopped by the test (by pid) when the Federation is destroyed.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "base/status.hpp"
#include "service/http/http_client.hpp"
#include "tests/support/process.hpp"

namespace fedflow::testing {

/// One party of the federation.
struct PartySetup {
  std::string party_id;
  int cores = 16;
  int max_running_jobs = 0;
  std::string extra_yaml;     ///< appended to the party's service_conf.yaml
  int instances = 1;          ///< >1: HA, every instance on `database_yaml` (a shared MySQL database)
  std::string database_yaml;  ///< replaces the SQLite default for this party
};

/// Federation-wide settings.
struct FederationOptions {
  std::int64_t schedule_interval_ms = 50;
  std::int64_t detect_interval_ms = 200;
  std::int64_t heartbeat_timeout_ms = 5000;
  std::int64_t partner_grace_ms = 5000;
  std::int64_t party_call_timeout_ms = 2000;
  std::int64_t aging_ms = 60000;
  std::string database_yaml;  ///< replaces the SQLite default (e.g. a MySQL section)
  // Security: everything off unless asked.
  bool site_auth = false;        ///< every party signs its interconnect calls (keys made per party)
  bool permission = false;       ///< partners need grants to create jobs
  std::string client_app_id;     ///< when set, client authentication is on with this app
  std::string client_app_secret;
  bool tls = false;              ///< https listeners and party calls, with a CA made for the test
  /// Reader jobs use fedflow's built-in Reader (the test provider then lacks Reader/reader).
  bool builtin_reader = false;
  /// Real components: the built-in Reader and fedflow-ml run Reader, DataTransform, Intersection
  /// and Evaluation (the test provider keeps only its own test modules).
  bool real_components = false;
  /// The `log:` section of every party's config.
  std::string log_yaml = "{level: info, console: false}";
};

/// An HTTP answer with its parsed envelope.
struct ApiAnswer {
  int http_status = 0;
  boost::json::object body;
  std::int64_t code() const;
  const boost::json::value& data() const;
  std::string message() const;
};

class Federation final {
 public:
  static StatusOr<std::unique_ptr<Federation>> Start(const std::string& name, const std::vector<PartySetup>& parties,
                                                     const FederationOptions& options = {});
  ~Federation();

  /// Servers are named by party id; the second instance of party P is "P#2".
  std::uint16_t PortOf(const std::string& server) const;
  std::string HomeOf(const std::string& server) const;
  ChildProcess& ProcessOf(const std::string& server);
  /// Party ids (one per party, the first instance of each).
  const std::vector<std::string>& parties() const { return party_ids_; }

  /// Directory with ca.pem, and <party>.pem / <party>.key (when `tls`).
  const std::string& tls_dir() const { return tls_dir_; }
  /// The PEM file of a party's site private key (when `site_auth`).
  std::string PrivateKeyOf(const std::string& party) const;

  /// Any API call (signed as the client app when client authentication is on); `body` is sent as JSON for POST, as a query string for GET (flat strings).
  StatusOr<ApiAnswer> Call(const std::string& party, const std::string& method, const std::string& path,
                           const boost::json::object& body = {});
  /// Uploads the CSV file `csv_path` (with a header) as table `ns`.`name` at `party`, from the
  /// party's import root as an operator would; the refusal as a Status.
  Status UploadCsv(const std::string& party, const std::string& csv_path, const std::string& ns, const std::string& name);
  /// Submits a FATE 1.x job at `party`; the job id, or the refusal as a Status.
  StatusOr<std::string> Submit(const std::string& party, const std::string& dsl, const std::string& conf);
  /// The federated status view (/v2/job/status) at the scheduling party.
  StatusOr<boost::json::object> JobStatus(const std::string& party, const std::string& job_id);
  /// Waits until the scheduler's job status is one of `statuses`; returns it (or the last seen
  /// status in a DeadlineExceeded error).
  StatusOr<std::string> WaitJobStatus(const std::string& party, const std::string& job_id,
                                      const std::set<std::string>& statuses, std::int64_t timeout_ms);
  /// Waits for an end status (success, failed, canceled, timeout) confirmed by every party.
  StatusOr<std::string> WaitJobEnd(const std::string& party, const std::string& job_id, std::int64_t timeout_ms);
  /// This party's job rows (/v2/job/query); empty when none or unreachable.
  std::vector<boost::json::object> LocalJobs(const std::string& party, const std::string& job_id);
  /// This party's task attempts of a job (all attempts); empty when none or unreachable.
  std::vector<boost::json::object> LocalTasks(const std::string& party, const std::string& job_id);

  /// SIGKILL a server; Restart starts it again on the same port and home.
  void Kill9(const std::string& party);
  Status Restart(const std::string& party);
  /// Waits for /v2/server/health at the party.
  bool WaitHealthy(const std::string& party, std::int64_t timeout_ms);

 private:
  struct Server {
    PartySetup setup;
    std::string name;         ///< "9999" or "9999#2"
    std::uint16_t port = 0;
    std::string home;
    std::unique_ptr<ChildProcess> process;
  };
  Status Launch(Server& s);
  std::string SecurityYaml(const Server& s) const;
  Status MakeKeysAndCertificates(const std::string& root);

  FederationOptions options_;
  std::vector<std::string> party_ids_;
  std::map<std::string, Server> servers_;
  std::string root_;
  std::string tls_dir_;
  std::unique_ptr<http::HttpClient> client_;
};

/// A free loopback TCP port.
std::uint16_t FreePort();

}  // namespace fedflow::testing
