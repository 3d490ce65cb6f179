#pragma once
// conf/service_conf.yaml, read with yaml-cpp. Every value has a default except the party's
// identity (`party_id`) and its port (`http.port`); an unknown key, a wrong type or an
// out-of-range value is refused with a message naming the key (docs/configuration.md).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/log.hpp"
#include "base/status.hpp"
#include "orm/database.hpp"
#include "service/dsl/plan_limits.hpp"
#include "service/http/http_server.hpp"

namespace fedflow::app {

/// How to reach another party's server.
struct PartnerRoute {
  std::string party_id;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  bool tls = false;
  std::string public_key;  ///< PEM or file path of the partner's Ed25519 public key (site auth)
};

/// A component provider: an executable implementing some modules (FATE component names).
struct ProviderConfig {
  std::string name;
  std::string version;
  std::string executable;            ///< absolute, or relative to `home`
  std::vector<std::string> modules;  ///< e.g. Reader, DataTransform, HeteroLR
  /// Roles per module from entries written {name: M, roles: [...]}; others run at every role.
  std::map<std::string, std::vector<std::string>> roles;
};

/// Job defaults applied when the job does not say (FATE 1.x semantics).
struct JobDefaults {
  std::int32_t task_cores = 1;
  std::int32_t task_parallelism = 1;
  std::int64_t job_timeout_s = 259200;   ///< 3 days, FATE's default
  std::int64_t task_timeout_s = 259200;
  std::int32_t auto_retries = 0;
  std::int64_t retry_backoff_ms = 1000;  ///< first retry delay; doubles per retry
};

/// An application allowed to call this server when client authentication is on.
struct ClientApp {
  std::string app_id;
  std::string app_secret;
};

/// Authentication, permissions and outbound TLS (docs/security.md). Everything is off by
/// default, as in FATE-Flow, so existing federations keep working until they opt in.
struct SecurityConfig {
  bool site_auth = false;                        ///< sign and verify interconnect requests
  std::string private_key = "keys/site_private.pem";  ///< Ed25519, created on first start
  std::int64_t max_skew_ms = 60000;              ///< allowed clock difference of signed requests
  bool client_auth = false;                      ///< application routes need an app signature
  std::vector<ClientApp> client_apps;
  bool permission = false;                       ///< partners need grants to create jobs here
  std::string tls_ca_file;                       ///< outbound: verify partners' certificates
  std::string tls_cert_file;                     ///< outbound: client certificate (mutual TLS)
  std::string tls_key_file;
};

/// Where tables live and which server-side files clients may name.
struct DataConfig {
  std::string dir = "data";                ///< uploads: <dir>/<namespace>/<name>/<id>.csv
  /// Upload-from-path and bind read only files under these (default: <home>/import). A root may
  /// not contain the server's home, and files of the server itself (keys, config, logs, the
  /// database) are refused wherever they are. `allowed_roots` is the older name of the key.
  std::vector<std::string> import_roots;
};

/// Sizes a request may have; each refusal names its key (docs/security.md).
struct LimitsConfig {
  std::size_t max_body_bytes = 8u << 20;            ///< a buffered request body (JSON APIs)
  std::uint64_t max_upload_bytes = 16ull << 30;     ///< a streamed upload body (written to disk)
  std::size_t json_max_depth = 32;                  ///< nesting of any JSON the server parses
  dsl::PlanLimits plan;                             ///< job size limits, at submit and from partners
};

/// The federation data plane: where messages for this party's workers wait, and how much.
struct FederationConfig {
  std::string spool_dir = "federation";               ///< HA instances of a party must share it
  std::int64_t job_spool_quota_bytes = 8ll << 30;     ///< untaken message bytes one job may hold here
};

/// The model registry: where models are kept, and the backend of model store/restore.
struct ModelConfig {
  std::string dir = "models";  ///< HA instances of a party must share it
  std::string store_dir;       ///< model store/restore archives ("" = off)
};

/// The whole server configuration.
/// The web board: the built files (board/ in the repo, `npm run build`) served at / and /board/.
struct BoardConfig {
  bool enabled = true;
  std::string dir;  ///< "" = the build tree's board/dist (FEDFLOW_BOARD_DIR)
};

struct ServerConfig {
  std::string party_id;
  std::string instance_id;  ///< defaults to "<party_id>-<host>-<port>"; names this server in leases
  std::string home;         ///< base for relative paths (database, logs, jobs); see LoadConfig
  http::HttpServerOptions http;
  orm::DbConfig database;
  log::LogConfig log;

  std::int64_t schedule_interval_ms = 100;
  std::int64_t lease_ms = 15000;
  std::int64_t aging_ms = 60000;       ///< waiting longer than this reserves the parties a job needs
  std::int32_t max_concurrent_jobs_per_tick = 16;

  std::int64_t detect_interval_ms = 1000;
  std::int64_t heartbeat_timeout_ms = 30000;
  std::int64_t partner_grace_ms = 60000;

  std::int64_t party_call_timeout_ms = 10000;
  std::int32_t party_call_retries = 3;

  std::string engine = "local";
  std::int32_t cores = 16;
  std::int64_t memory_mb = 0;          ///< 0 = memory not scheduled
  std::int32_t max_running_jobs = 0;   ///< 0 = unlimited

  std::vector<PartnerRoute> partners;
  std::vector<ProviderConfig> providers;
  JobDefaults job_defaults;
  SecurityConfig security;
  DataConfig data;
  LimitsConfig limits;
  FederationConfig federation;
  ModelConfig model;
  BoardConfig board;
  std::string config_file;  ///< the file this configuration was read from ("" when parsed from text)
  /// fedflow's own provider (the Reader): default fedflow-builtin beside the server binary;
  /// "none" turns it off.
  std::string builtin_provider;

  /// Absolute form of a path from the config (relative to `home`).
  std::string ResolvePath(const std::string& path) const;
};

/// Reads and validates a config file. `home` defaults to the file's directory, or to its parent
/// when the file sits in a directory named `conf`.
StatusOr<ServerConfig> LoadConfig(const std::string& path);
/// Parses config text; relative paths resolve against `home`.
StatusOr<ServerConfig> ParseConfig(const std::string& yaml_text, const std::string& home);

}  // namespace fedflow::app
