#include "service/executor/provider_registry.hpp"

#include <unistd.h>

#include <boost/json.hpp>

#include "base/ids.hpp"
#include "base/log.hpp"

namespace fedflow::executor {

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
    if (!ec && modules.is_array()) {
      for (const auto& m : modules.as_array()) {
        if (m.is_string()) p.modules.insert(std::string(m.as_string()));
      }
    }
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
  boost::json::array modules;
  for (const auto& m : p.modules) modules.emplace_back(m);
  orm::ProviderRow row{p.name, p.version, p.executable, boost::json::serialize(modules), p.source, clock_.NowMs()};
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
