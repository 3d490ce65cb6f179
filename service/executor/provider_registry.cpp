#include "service/executor/provider_registry.hpp"

#include <unistd.h>

#include <boost/json.hpp>

#include "base/ids.hpp"
#include "base/log.hpp"

namespace fedflow::executor {

std::vector<std::string> Provider::RolesOf(const std::string& module) const {
  auto it = roles.find(module);
  return it == roles.end() ? std::vector<std::string>{} : it->second;
}

Status AddManifestModules(const boost::json::array& entries, Provider* p) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const boost::json::value& m = entries[i];
    const std::string where = "modules[" + std::to_string(i) + "]";
    if (m.is_string()) {
      p->modules.insert(std::string(m.as_string()));
      continue;
    }
    const boost::json::object* o = m.if_object();
    const boost::json::value* name = o ? o->if_contains("name") : nullptr;
    if (!name || !name->is_string()) {
      return InvalidArgumentError(where + " must be a module name or {\"name\": ..., \"roles\": [...]}");
    }
    const std::string module(name->as_string());
    p->modules.insert(module);
    const boost::json::value* roles = o->if_contains("roles");
    if (!roles) continue;
    if (!roles->is_array() || roles->as_array().empty()) return InvalidArgumentError(where + ".roles must be a non-empty list");
    std::vector<std::string> list;
    for (const auto& r : roles->as_array()) {
      std::string role = r.is_string() ? std::string(r.as_string()) : "";
      if (role != "guest" && role != "host" && role != "arbiter" && role != "local") {
        return InvalidArgumentError(where + ".roles lists '" + role + "'; roles are guest, host, arbiter, local");
      }
      list.push_back(role);
    }
    p->roles[module] = list;
  }
  return Status::OK();
}

boost::json::array ManifestModules(const Provider& p) {
  boost::json::array out;
  for (const auto& m : p.modules) {
    auto it = p.roles.find(m);
    if (it == p.roles.end()) {
      out.emplace_back(m);
      continue;
    }
    boost::json::array roles;
    for (const auto& r : it->second) roles.emplace_back(r);
    out.push_back(boost::json::object{{"name", m}, {"roles", std::move(roles)}});
  }
  return out;
}

ProviderRegistry::ProviderRegistry(orm::ProviderRepository& repository, const Clock& clock)
    : repository_(repository), clock_(clock) {}

Status ProviderRegistry::Load() {
  auto rows = repository_.List();
  if (!rows.ok()) return rows.status();
  std::vector<Provider> loaded;
  for (const auto& r : *rows) {
    Provider p{r.name, r.version, r.executable, {}, r.source};
    boost::system::error_code ec;
    auto modules = boost::json::parse(r.modules_json, ec);
    Status added = !ec && modules.is_array() ? AddManifestModules(modules.as_array(), &p)
                                             : InvalidArgumentError("modules are not a JSON list");
    if (!added.ok()) log::Get("executor")->warn("provider={} stored modules unreadable: {}", p.Key(), added.message());
    loaded.push_back(std::move(p));
  }
  std::sort(loaded.begin(), loaded.end(), [](const Provider& a, const Provider& b) { return a.Key() < b.Key(); });
  std::lock_guard<std::mutex> lock(mutex_);
  providers_ = std::move(loaded);
  return Status::OK();
}

Status ProviderRegistry::Register(const Provider& p) {
  if (!IsSafeIdentifier(p.name, 64)) return InvalidArgumentError("provider name '" + p.name + "' must be letters, digits, _ . -");
  if (!IsSafeIdentifier(p.version, 64)) {
    return InvalidArgumentError("provider version '" + p.version + "' must be letters, digits, _ . -");
  }
  if (p.executable.empty() || p.executable[0] != '/') {
    return InvalidArgumentError("provider executable must be an absolute path, got '" + p.executable + "'");
  }
  if (::access(p.executable.c_str(), X_OK) != 0) {
    return InvalidArgumentError("provider executable '" + p.executable + "' does not exist or is not executable");
  }
  if (p.modules.empty()) return InvalidArgumentError("provider " + p.Key() + " lists no modules");
  for (const auto& m : p.modules) {
    if (!IsSafeIdentifier(m, 128)) return InvalidArgumentError("module name '" + m + "' must be letters, digits, _ . -");
  }
  for (const auto& [module, roles] : p.roles) {
    if (!p.modules.count(module)) return InvalidArgumentError("provider " + p.Key() + " declares roles for '" + module + "', which it does not list");
    for (const auto& r : roles) {
      if (r != "guest" && r != "host" && r != "arbiter" && r != "local") {
        return InvalidArgumentError("module '" + module + "' of provider " + p.Key() + " lists role '" + r +
                                    "'; roles are guest, host, arbiter, local");
      }
    }
  }
  orm::ProviderRow row{p.name, p.version, p.executable, boost::json::serialize(ManifestModules(p)), p.source,
                       clock_.NowMs()};
  FEDFLOW_RETURN_IF_ERROR(repository_.Upsert(row));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    providers_.erase(std::remove_if(providers_.begin(), providers_.end(),
                                    [&](const Provider& x) { return x.Key() == p.Key(); }),
                     providers_.end());
    providers_.push_back(p);
  }
  log::Get("executor")->info("provider={} executable={} modules={} source={} registered", p.Key(), p.executable,
                             p.modules.size(), p.source);
  return Status::OK();
}

Status ProviderRegistry::Remove(const std::string& name, const std::string& version) {
  FEDFLOW_RETURN_IF_ERROR(repository_.Delete(name, version));
  std::lock_guard<std::mutex> lock(mutex_);
  providers_.erase(std::remove_if(providers_.begin(), providers_.end(),
                                  [&](const Provider& x) { return x.name == name && x.version == version; }),
                   providers_.end());
  return Status::OK();
}

std::vector<Provider> ProviderRegistry::List() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return providers_;
}

StatusOr<Provider> ProviderRegistry::Resolve(const std::string& module, const std::string& pin) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string pin_name = pin, pin_version;
  if (auto at = pin.find('@'); at != std::string::npos) {
    pin_name = pin.substr(0, at);
    pin_version = pin.substr(at + 1);
  }
  const Provider* chosen = nullptr;
  for (const auto& p : providers_) {
    if (!p.modules.count(module)) continue;
    if (!pin.empty() && (p.name != pin_name || (!pin_version.empty() && p.version != pin_version))) continue;
    chosen = &p;  // later registrations win
  }
  if (chosen) return *chosen;
  std::string known;
  for (const auto& p : providers_) known += (known.empty() ? "" : ", ") + p.Key();
  if (known.empty()) known = "none";
  if (!pin.empty()) {
    return InvalidArgumentError("module '" + module + "' with provider '" + pin +
                                "' is not implemented by any registered provider (registered: " + known + ")");
  }
  return InvalidArgumentError("module '" + module + "' is not implemented by any registered provider (registered: " +
                              known + ")");
}

}  // namespace fedflow::executor
