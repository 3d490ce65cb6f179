#include "service/app/config.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "base/ids.hpp"

namespace fedflow::app {
namespace {

namespace fs = std::filesystem;

std::string Join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

/// Path-aware typed reader: every error names the dotted key.
class Reader {
 public:
  /// Refuses keys of `node` outside `known` (typos would otherwise be silently ignored).
  static Status CheckKeys(const YAML::Node& node, const std::string& path, const std::set<std::string>& known) {
    if (!node) return Status::OK();
    if (!node.IsMap()) return InvalidArgumentError("'" + (path.empty() ? "<top level>" : path) + "' must be a mapping");
    for (const auto& kv : node) {
      std::string key = kv.first.Scalar();
      if (known.count(key) == 0) {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        return InvalidArgumentError("unknown key '" + Join(path, key) + "' (known keys here: " + list + ")");
      }
    }
    return Status::OK();
  }

  static Status String(const YAML::Node& parent, const std::string& key, const std::string& path, std::string* out,
                       bool required = false) {
    YAML::Node n = parent[key];
    if (!n || n.IsNull()) return required ? Missing(Join(path, key)) : Status::OK();
    if (!n.IsScalar()) return InvalidArgumentError("'" + Join(path, key) + "' must be a string");
    *out = n.Scalar();
    return Status::OK();
  }

  template <typename Int>
  static Status Integer(const YAML::Node& parent, const std::string& key, const std::string& path, Int* out,
                        std::int64_t min, std::int64_t max, bool required = false) {
    YAML::Node n = parent[key];
    if (!n || n.IsNull()) return required ? Missing(Join(path, key)) : Status::OK();
    std::int64_t v = 0;
    bool parsed = n.IsScalar();
    if (parsed) {
      try {
        v = n.as<std::int64_t>();
      } catch (const YAML::Exception&) {
        parsed = false;
      }
    }
    if (!parsed) {
      return InvalidArgumentError("'" + Join(path, key) + "' must be an integer, got '" + (n.IsScalar() ? n.Scalar() : "a collection") + "'");
    }
    if (v < min || v > max) {
      return InvalidArgumentError("'" + Join(path, key) + "' must be between " + std::to_string(min) + " and " +
                                  std::to_string(max) + ", got " + std::to_string(v));
    }
    *out = static_cast<Int>(v);
    return Status::OK();
  }

  static Status Bool(const YAML::Node& parent, const std::string& key, const std::string& path, bool* out) {
    YAML::Node n = parent[key];
    if (!n || n.IsNull()) return Status::OK();
    try {
      *out = n.as<bool>();
    } catch (const YAML::Exception&) {
      return InvalidArgumentError("'" + Join(path, key) + "' must be true or false, got '" +
                                  (n.IsScalar() ? n.Scalar() : "a collection") + "'");
    }
    return Status::OK();
  }

  static Status Missing(const std::string& key) { return InvalidArgumentError("missing required key '" + key + "'"); }
};

Status ReadHttp(const YAML::Node& n, ServerConfig& c) {
  const std::string p = "http";
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(n, p, {"host", "port", "io_threads", "handler_threads", "waiting_threads", "tls"}));
  if (!n) return Reader::Missing("http.port");
  FEDFLOW_RETURN_IF_ERROR(Reader::String(n, "host", p, &c.http.host));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "port", p, &c.http.port, 0, 65535, true));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "io_threads", p, &c.http.io_threads, 1, 64));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "handler_threads", p, &c.http.handler_threads, 1, 256));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "waiting_threads", p, &c.http.waiting_threads, 1, 1024));
  YAML::Node tls = n["tls"];
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(tls, "http.tls", {"enabled", "cert", "key", "ca"}));
  if (tls) {
    FEDFLOW_RETURN_IF_ERROR(Reader::Bool(tls, "enabled", "http.tls", &c.http.tls));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(tls, "cert", "http.tls", &c.http.tls_cert_file, c.http.tls));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(tls, "key", "http.tls", &c.http.tls_key_file, c.http.tls));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(tls, "ca", "http.tls", &c.http.tls_ca_file));
  }
  return Status::OK();
}

Status ReadDatabase(const YAML::Node& n, ServerConfig& c) {
  const std::string p = "database";
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(n, p, {"engine", "sqlite", "mysql", "max_connections"}));
  if (!n) return Status::OK();
  FEDFLOW_RETURN_IF_ERROR(Reader::String(n, "engine", p, &c.database.engine));
  if (c.database.engine != "sqlite" && c.database.engine != "mysql") {
    return InvalidArgumentError("'database.engine' must be sqlite or mysql, got '" + c.database.engine + "'");
  }
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "max_connections", p, &c.database.max_connections, 1, 1024));
  YAML::Node lite = n["sqlite"];
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(lite, "database.sqlite", {"path", "busy_timeout_ms"}));
  if (lite) {
    FEDFLOW_RETURN_IF_ERROR(Reader::String(lite, "path", "database.sqlite", &c.database.sqlite_path));
    FEDFLOW_RETURN_IF_ERROR(
        Reader::Integer(lite, "busy_timeout_ms", "database.sqlite", &c.database.busy_timeout_ms, 0, 600000));
  }
  YAML::Node my = n["mysql"];
  FEDFLOW_RETURN_IF_ERROR(
      Reader::CheckKeys(my, "database.mysql", {"host", "port", "socket", "user", "password", "name"}));
  const bool need = c.database.engine == "mysql";
  if (need && !my) return Reader::Missing("database.mysql");
  if (my) {
    FEDFLOW_RETURN_IF_ERROR(Reader::String(my, "host", "database.mysql", &c.database.mysql_host));
    FEDFLOW_RETURN_IF_ERROR(Reader::Integer(my, "port", "database.mysql", &c.database.mysql_port, 1, 65535));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(my, "socket", "database.mysql", &c.database.mysql_socket));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(my, "user", "database.mysql", &c.database.mysql_user, need));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(my, "password", "database.mysql", &c.database.mysql_password));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(my, "name", "database.mysql", &c.database.mysql_database, need));
  }
  return Status::OK();
}

Status ReadLog(const YAML::Node& n, ServerConfig& c) {
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(n, "log", {"dir", "level", "max_file_mb", "max_files", "console"}));
  if (!n) return Status::OK();
  FEDFLOW_RETURN_IF_ERROR(Reader::String(n, "dir", "log", &c.log.dir));
  FEDFLOW_RETURN_IF_ERROR(Reader::String(n, "level", "log", &c.log.level));
  if (!log::ParseLevel(c.log.level).ok()) {
    return InvalidArgumentError("'log.level' must be one of trace, debug, info, warn, error, critical, off; got '" +
                                c.log.level + "'");
  }
  std::int64_t mb = static_cast<std::int64_t>(c.log.max_file_bytes >> 20);
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "max_file_mb", "log", &mb, 1, 4096));
  c.log.max_file_bytes = static_cast<std::size_t>(mb) << 20;
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "max_files", "log", &c.log.max_files, 1, 1000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Bool(n, "console", "log", &c.log.console));
  return Status::OK();
}

Status ReadScheduler(const YAML::Node& n, ServerConfig& c) {
  const std::string p = "scheduler";
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(
      n, p, {"interval_ms", "lease_ms", "aging_ms", "max_concurrent_jobs", "party_call_timeout_ms", "party_call_retries"}));
  if (!n) return Status::OK();
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "interval_ms", p, &c.schedule_interval_ms, 1, 600000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "lease_ms", p, &c.lease_ms, 100, 3600000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "aging_ms", p, &c.aging_ms, 0, 86400000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "max_concurrent_jobs", p, &c.max_concurrent_jobs_per_tick, 1, 1024));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "party_call_timeout_ms", p, &c.party_call_timeout_ms, 10, 600000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "party_call_retries", p, &c.party_call_retries, 1, 20));
  return Status::OK();
}

Status ReadDetector(const YAML::Node& n, ServerConfig& c) {
  const std::string p = "detector";
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(n, p, {"interval_ms", "heartbeat_timeout_ms", "partner_grace_ms"}));
  if (!n) return Status::OK();
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "interval_ms", p, &c.detect_interval_ms, 10, 600000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "heartbeat_timeout_ms", p, &c.heartbeat_timeout_ms, 100, 86400000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "partner_grace_ms", p, &c.partner_grace_ms, 0, 86400000));
  return Status::OK();
}

Status ReadCapacity(const YAML::Node& n, ServerConfig& c) {
  const std::string p = "capacity";
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(n, p, {"engine", "cores", "memory_mb", "max_running_jobs"}));
  if (!n) return Status::OK();
  FEDFLOW_RETURN_IF_ERROR(Reader::String(n, "engine", p, &c.engine));
  if (!IsSafeIdentifier(c.engine, 64)) return InvalidArgumentError("'capacity.engine' must be letters, digits, _ . -");
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "cores", p, &c.cores, 1, 1000000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "memory_mb", p, &c.memory_mb, 0, INT64_MAX / 2));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "max_running_jobs", p, &c.max_running_jobs, 0, 1000000));
  return Status::OK();
}

Status ReadJobDefaults(const YAML::Node& n, ServerConfig& c) {
  const std::string p = "job_defaults";
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(
      n, p, {"task_cores", "task_parallelism", "job_timeout_s", "task_timeout_s", "auto_retries", "retry_backoff_ms"}));
  if (!n) return Status::OK();
  JobDefaults& d = c.job_defaults;
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "task_cores", p, &d.task_cores, 0, 100000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "task_parallelism", p, &d.task_parallelism, 1, 10000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "job_timeout_s", p, &d.job_timeout_s, 0, 31536000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "task_timeout_s", p, &d.task_timeout_s, 0, 31536000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "auto_retries", p, &d.auto_retries, 0, 100));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "retry_backoff_ms", p, &d.retry_backoff_ms, 0, 3600000));
  return Status::OK();
}

Status ReadPartners(const YAML::Node& n, ServerConfig& c) {
  if (!n || n.IsNull()) return Status::OK();  // a party without partners runs local jobs only
  if (!n.IsSequence()) return InvalidArgumentError("'partners' must be a list of {party_id, host, port}");
  for (std::size_t i = 0; i < n.size(); ++i) {
    std::string p = "partners[" + std::to_string(i) + "]";
    FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(n[i], p, {"party_id", "host", "port", "tls", "public_key"}));
    PartnerRoute r;
    FEDFLOW_RETURN_IF_ERROR(Reader::String(n[i], "party_id", p, &r.party_id, true));
    if (!IsSafeIdentifier(r.party_id, 64)) return InvalidArgumentError("'" + p + ".party_id' must be letters, digits, _ . -");
    FEDFLOW_RETURN_IF_ERROR(Reader::String(n[i], "host", p, &r.host));
    FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n[i], "port", p, &r.port, 1, 65535, true));
    FEDFLOW_RETURN_IF_ERROR(Reader::Bool(n[i], "tls", p, &r.tls));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(n[i], "public_key", p, &r.public_key));
    for (const auto& other : c.partners) {
      if (other.party_id == r.party_id) return InvalidArgumentError("'" + p + ".party_id' " + r.party_id + " is listed twice");
    }
    c.partners.push_back(r);
  }
  return Status::OK();
}

Status ReadProviders(const YAML::Node& n, ServerConfig& c) {
  if (!n) return Status::OK();
  if (!n.IsSequence()) return InvalidArgumentError("'providers' must be a list of {name, version, executable, modules}");
  for (std::size_t i = 0; i < n.size(); ++i) {
    std::string p = "providers[" + std::to_string(i) + "]";
    FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(n[i], p, {"name", "version", "executable", "modules"}));
    ProviderConfig pc;
    FEDFLOW_RETURN_IF_ERROR(Reader::String(n[i], "name", p, &pc.name, true));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(n[i], "version", p, &pc.version, true));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(n[i], "executable", p, &pc.executable, true));
    YAML::Node modules = n[i]["modules"];
    if (!modules || !modules.IsSequence() || modules.size() == 0) {
      return InvalidArgumentError("'" + p + ".modules' must be a non-empty list of module names");
    }
    for (std::size_t j = 0; j < modules.size(); ++j) {
      const YAML::Node& m = modules[j];
      const std::string where = p + ".modules[" + std::to_string(j) + "]";
      if (m.IsScalar()) {
        pc.modules.push_back(m.Scalar());
        continue;
      }
      FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(m, where, {"name", "roles"}));
      std::string name;
      FEDFLOW_RETURN_IF_ERROR(Reader::String(m, "name", where, &name, true));
      pc.modules.push_back(name);
      if (!m["roles"]) continue;
      if (!m["roles"].IsSequence() || m["roles"].size() == 0) {
        return InvalidArgumentError("'" + where + ".roles' must be a non-empty list of roles");
      }
      for (const auto& r : m["roles"]) pc.roles[name].push_back(r.Scalar());
    }
    c.providers.push_back(pc);
  }
  return Status::OK();
}

Status ReadSecurity(const YAML::Node& n, ServerConfig& c) {
  const std::string p = "security";
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(n, p, {"site_auth", "private_key", "max_skew_ms", "client_auth",
                                                   "client_apps", "permission", "outbound_tls"}));
  if (!n) return Status::OK();
  SecurityConfig& sc = c.security;
  FEDFLOW_RETURN_IF_ERROR(Reader::Bool(n, "site_auth", p, &sc.site_auth));
  FEDFLOW_RETURN_IF_ERROR(Reader::String(n, "private_key", p, &sc.private_key));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "max_skew_ms", p, &sc.max_skew_ms, 1000, 3600000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Bool(n, "client_auth", p, &sc.client_auth));
  FEDFLOW_RETURN_IF_ERROR(Reader::Bool(n, "permission", p, &sc.permission));
  YAML::Node apps = n["client_apps"];
  if (apps && !apps.IsSequence()) return InvalidArgumentError("'security.client_apps' must be a list of {app_id, app_secret}");
  for (std::size_t i = 0; apps && i < apps.size(); ++i) {
    std::string ap = "security.client_apps[" + std::to_string(i) + "]";
    FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(apps[i], ap, {"app_id", "app_secret"}));
    ClientApp app;
    FEDFLOW_RETURN_IF_ERROR(Reader::String(apps[i], "app_id", ap, &app.app_id, true));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(apps[i], "app_secret", ap, &app.app_secret, true));
    if (!IsSafeIdentifier(app.app_id, 64)) return InvalidArgumentError("'" + ap + ".app_id' must be letters, digits, _ . -");
    if (app.app_secret.size() < 16) {
      return InvalidArgumentError("'" + ap + ".app_secret' must be at least 16 characters (a guessable secret is no secret)");
    }
    for (const auto& other : sc.client_apps) {
      if (other.app_id == app.app_id) return InvalidArgumentError("'" + ap + ".app_id' " + app.app_id + " is listed twice");
    }
    sc.client_apps.push_back(app);
  }
  if (sc.client_auth && sc.client_apps.empty()) {
    return InvalidArgumentError("'security.client_auth' is on but 'security.client_apps' lists no app: nobody could call "
                                "this server");
  }
  YAML::Node tls = n["outbound_tls"];
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(tls, "security.outbound_tls", {"ca", "cert", "key"}));
  if (tls) {
    FEDFLOW_RETURN_IF_ERROR(Reader::String(tls, "ca", "security.outbound_tls", &sc.tls_ca_file));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(tls, "cert", "security.outbound_tls", &sc.tls_cert_file));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(tls, "key", "security.outbound_tls", &sc.tls_key_file));
    if (sc.tls_cert_file.empty() != sc.tls_key_file.empty()) {
      return InvalidArgumentError("'security.outbound_tls': give both 'cert' and 'key' (mutual TLS) or neither");
    }
  }
  if (sc.site_auth) {
    for (std::size_t i = 0; i < c.partners.size(); ++i) {
      if (c.partners[i].public_key.empty()) {
        return InvalidArgumentError("missing 'partners[" + std::to_string(i) + "].public_key' (party " +
                                    c.partners[i].party_id +
                                    "): site authentication is on, so every partner needs its public key");
      }
    }
  }
  return Status::OK();
}

Status ReadData(const YAML::Node& n, ServerConfig& c) {
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(n, "data", {"dir", "import_roots", "allowed_roots"}));
  if (!n) return Status::OK();
  FEDFLOW_RETURN_IF_ERROR(Reader::String(n, "dir", "data", &c.data.dir));
  if (n["import_roots"] && n["allowed_roots"]) {
    return InvalidArgumentError("'data.allowed_roots' is the old name of 'data.import_roots': give only import_roots");
  }
  const std::string key = n["allowed_roots"] ? "data.allowed_roots" : "data.import_roots";
  YAML::Node roots = n["allowed_roots"] ? n["allowed_roots"] : n["import_roots"];
  if (roots && !roots.IsSequence()) return InvalidArgumentError("'" + key + "' must be a list of directories");
  for (std::size_t i = 0; roots && i < roots.size(); ++i) {
    if (!roots[i].IsScalar() || roots[i].Scalar().empty()) {
      return InvalidArgumentError("'" + key + "[" + std::to_string(i) + "]' must be a directory path");
    }
    c.data.import_roots.push_back(roots[i].Scalar());
  }
  return Status::OK();
}

Status ReadLimits(const YAML::Node& n, ServerConfig& c) {
  const std::string p = "limits";
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(n, p, {"max_body_bytes", "max_upload_bytes", "json_max_depth", "max_job_bytes",
                                                   "max_components", "max_parameter_bytes", "max_plan_bytes",
                                                   "yaml_max_nodes"}));
  if (!n) return Status::OK();
  LimitsConfig& l = c.limits;
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "max_body_bytes", p, &l.max_body_bytes, 4096, 1ll << 32));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "max_upload_bytes", p, &l.max_upload_bytes, 4096, 1ll << 50));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "json_max_depth", p, &l.json_max_depth, 4, 1000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "max_job_bytes", p, &l.plan.max_job_bytes, 1024, 1ll << 32));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "max_components", p, &l.plan.max_components, 1, 100000));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "max_parameter_bytes", p, &l.plan.max_parameter_bytes, 256, 1ll << 32));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "max_plan_bytes", p, &l.plan.max_plan_bytes, 1024, 1ll << 34));
  FEDFLOW_RETURN_IF_ERROR(Reader::Integer(n, "yaml_max_nodes", p, &l.plan.yaml_max_nodes, 16, 100000000));
  return Status::OK();
}

Status ReadFederation(const YAML::Node& n, ServerConfig& c) {
  const std::string p = "federation";
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(n, p, {"spool_dir", "job_spool_quota_bytes"}));
  if (!n) return Status::OK();
  FEDFLOW_RETURN_IF_ERROR(Reader::String(n, "spool_dir", p, &c.federation.spool_dir));
  FEDFLOW_RETURN_IF_ERROR(
      Reader::Integer(n, "job_spool_quota_bytes", p, &c.federation.job_spool_quota_bytes, 1 << 20, 1ll << 50));
  return Status::OK();
}

Status ReadModel(const YAML::Node& n, ServerConfig& c) {
  const std::string p = "model";
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(n, p, {"dir", "store_dir"}));
  if (!n) return Status::OK();
  FEDFLOW_RETURN_IF_ERROR(Reader::String(n, "dir", p, &c.model.dir));
  FEDFLOW_RETURN_IF_ERROR(Reader::String(n, "store_dir", p, &c.model.store_dir));
  return Status::OK();
}

Status ReadBoard(const YAML::Node& n, ServerConfig& c) {
  const std::string p = "board";
  FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(n, p, {"enabled", "dir"}));
  if (!n) return Status::OK();
  FEDFLOW_RETURN_IF_ERROR(Reader::Bool(n, "enabled", p, &c.board.enabled));
  FEDFLOW_RETURN_IF_ERROR(Reader::String(n, "dir", p, &c.board.dir));
  return Status::OK();
}

/// Import roots: absolute, and never around the server's own files.
Status CheckImportRoots(const ServerConfig& c) {
  for (std::size_t i = 0; i < c.data.import_roots.size(); ++i) {
    fs::path root = fs::path(c.data.import_roots[i]).lexically_normal();
    fs::path home = fs::path(c.home).lexically_normal();
    std::string r = root.string(), h = home.string();
    while (r.size() > 1 && r.back() == '/') r.pop_back();
    while (h.size() > 1 && h.back() == '/') h.pop_back();
    bool contains_home = r == "/" || h == r || (h.size() > r.size() && h.compare(0, r.size(), r) == 0 && h[r.size()] == '/');
    if (contains_home) {
      return InvalidArgumentError("'data.import_roots[" + std::to_string(i) + "]' is " + r +
                                  ", which contains the server's home " + h +
                                  " (its keys, config, logs and database): name a directory for files to import, "
                                  "such as " + h + "/import");
    }
  }
  return Status::OK();
}

Status CheckReadable(const std::string& path, const std::string& key) {
  if (path.empty()) return Status::OK();
  std::ifstream in(path);
  if (!in) return InvalidArgumentError("cannot read '" + path + "' (" + key + ")");
  return Status::OK();
}

}  // namespace

std::string ServerConfig::ResolvePath(const std::string& path) const {
  if (path.empty()) return home;
  fs::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (fs::path(home) / p).lexically_normal().string();
}

StatusOr<ServerConfig> ParseConfig(const std::string& yaml_text, const std::string& home) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError("config is not valid YAML: line " + std::to_string(e.mark.line + 1) + " column " +
                                std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (!root || root.IsNull()) return InvalidArgumentError("config is empty: at least 'party_id' and 'http.port' are required");
  ServerConfig c;
  c.home = home;
  try {
    FEDFLOW_RETURN_IF_ERROR(Reader::CheckKeys(root, "",
                                              {"party_id", "instance_id", "home", "http", "database", "log", "scheduler",
                                               "detector", "capacity", "partners", "providers", "job_defaults",
                                               "security", "data", "limits", "federation", "model", "board", "builtin_provider"}));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(root, "party_id", "", &c.party_id, true));
    if (!IsSafeIdentifier(c.party_id, 64)) {
      return InvalidArgumentError("'party_id' must be letters, digits, _ . - (got '" + c.party_id + "')");
    }
    FEDFLOW_RETURN_IF_ERROR(Reader::String(root, "instance_id", "", &c.instance_id));
    std::string home_override;
    FEDFLOW_RETURN_IF_ERROR(Reader::String(root, "home", "", &home_override));
    if (!home_override.empty()) c.home = c.ResolvePath(home_override);
    FEDFLOW_RETURN_IF_ERROR(ReadHttp(root["http"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadDatabase(root["database"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadLog(root["log"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadScheduler(root["scheduler"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadDetector(root["detector"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadCapacity(root["capacity"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadPartners(root["partners"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadProviders(root["providers"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadJobDefaults(root["job_defaults"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadSecurity(root["security"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadData(root["data"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadLimits(root["limits"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadFederation(root["federation"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadModel(root["model"], c));
    FEDFLOW_RETURN_IF_ERROR(ReadBoard(root["board"], c));
    FEDFLOW_RETURN_IF_ERROR(Reader::String(root, "builtin_provider", "", &c.builtin_provider));
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(std::string("config: ") + e.what());
  }
  if (c.instance_id.empty()) c.instance_id = c.party_id + "-" + c.http.host + "-" + std::to_string(c.http.port);
  if (!IsSafeIdentifier(c.instance_id)) {
    return InvalidArgumentError("'instance_id' must be letters, digits, _ . - (got '" + c.instance_id + "')");
  }
  c.database.sqlite_path = c.ResolvePath(c.database.sqlite_path);
  c.log.dir = c.ResolvePath(c.log.dir);
  for (auto& p : c.providers) p.executable = c.ResolvePath(p.executable);
  c.data.dir = c.ResolvePath(c.data.dir);
  c.federation.spool_dir = c.ResolvePath(c.federation.spool_dir);
  c.model.dir = c.ResolvePath(c.model.dir);
  if (!c.model.store_dir.empty()) c.model.store_dir = c.ResolvePath(c.model.store_dir);
  if (!c.board.dir.empty()) c.board.dir = c.ResolvePath(c.board.dir);
  if (c.data.import_roots.empty()) c.data.import_roots.push_back("import");
  for (auto& root : c.data.import_roots) root = c.ResolvePath(root);
  FEDFLOW_RETURN_IF_ERROR(CheckImportRoots(c));
  c.http.body_limit = c.limits.max_body_bytes;
  if (!c.builtin_provider.empty() && c.builtin_provider != "none") c.builtin_provider = c.ResolvePath(c.builtin_provider);
  // Key and certificate paths are relative to home; public keys may also be inline PEM text.
  SecurityConfig& sc = c.security;
  sc.private_key = c.ResolvePath(sc.private_key);
  for (std::string* path : {&sc.tls_ca_file, &sc.tls_cert_file, &sc.tls_key_file, &c.http.tls_cert_file,
                            &c.http.tls_key_file, &c.http.tls_ca_file}) {
    if (!path->empty()) *path = c.ResolvePath(*path);
  }
  for (auto& partner : c.partners) {
    if (!partner.public_key.empty() && partner.public_key.find("-----BEGIN") == std::string::npos) {
      partner.public_key = c.ResolvePath(partner.public_key);
    }
  }
  FEDFLOW_RETURN_IF_ERROR(CheckReadable(sc.tls_ca_file, "security.outbound_tls.ca"));
  FEDFLOW_RETURN_IF_ERROR(CheckReadable(sc.tls_cert_file, "security.outbound_tls.cert"));
  FEDFLOW_RETURN_IF_ERROR(CheckReadable(sc.tls_key_file, "security.outbound_tls.key"));
  FEDFLOW_RETURN_IF_ERROR(CheckReadable(c.http.tls_cert_file, "http.tls.cert"));
  FEDFLOW_RETURN_IF_ERROR(CheckReadable(c.http.tls_key_file, "http.tls.key"));
  FEDFLOW_RETURN_IF_ERROR(CheckReadable(c.http.tls_ca_file, "http.tls.ca"));
  return c;
}

StatusOr<ServerConfig> LoadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return InvalidArgumentError("cannot read config file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  // Home: the config's directory, or its parent when that directory is `conf/` (the layout
  // <home>/conf/service_conf.yaml); `home:` in the file overrides both.
  fs::path dir = fs::absolute(path).parent_path();
  if (dir.filename() == "conf") dir = dir.parent_path();
  auto c = ParseConfig(ss.str(), dir.string());
  if (!c.ok()) return c.status().WithContext(path);
  c->config_file = fs::absolute(path).lexically_normal().string();
  return c;
}

}  // namespace fedflow::app
