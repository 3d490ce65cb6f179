#include "service/app/server_app.hpp"

#include <filesystem>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "orm/allocation_repository.hpp"
#include "orm/database.hpp"
#include "service/api/server_routes.hpp"
#include "service/http/http_server.hpp"
#include "service/http/router.hpp"

#ifndef FEDFLOW_VERSION
#define FEDFLOW_VERSION "0.0.0"
#endif

namespace fedflow::app {

struct ServerApp::Impl {
  ServerConfig config;
  Clock& clock = SystemClock::Instance();
  std::unique_ptr<orm::Database> db;
  http::Router router;
  std::unique_ptr<http::HttpServer> http_server;
  bool started = false;
  bool stopped = false;
};

ServerApp::ServerApp(ServerConfig config) : impl_(std::make_unique<Impl>()) { impl_->config = std::move(config); }

ServerApp::~ServerApp() { Stop(); }

Status ServerApp::Start() {
  Impl& s = *impl_;
  const ServerConfig& c = s.config;
  if (c.database.engine == "sqlite") {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(c.database.sqlite_path).parent_path(), ec);
  }
  auto db = orm::OpenDatabase(c.database);
  if (!db.ok()) return db.status();
  s.db = std::move(db).value();

  orm::EngineCapacityRow capacity;
  capacity.engine = c.engine;
  capacity.party_id = c.party_id;
  capacity.cores = c.cores;
  capacity.memory_mb = c.memory_mb;
  capacity.max_running_jobs = c.max_running_jobs;
  capacity.updated_ms = s.clock.NowMs();
  FEDFLOW_RETURN_IF_ERROR(orm::MakeAllocationRepository(*s.db)->RegisterCapacity(capacity).WithContext("capacity"));

  api::ServerIdentity identity{c.party_id, c.instance_id, FEDFLOW_VERSION, c.database.engine,
                               s.db->schema_version(), s.clock.NowMs()};
  orm::Database* raw_db = s.db.get();
  api::RegisterServerRoutes(s.router, identity, s.clock, [raw_db] { return raw_db->Ping(); });

  s.http_server = std::make_unique<http::HttpServer>(
      c.http, [&router = s.router](http::HttpRequest&& req) { return router.Dispatch(req); });
  FEDFLOW_RETURN_IF_ERROR(s.http_server->Start());
  s.started = true;
  log::Get("app")->info("party_id={} instance_id={} listening={}:{} database={} schema_version={} cores={}",
                        c.party_id, c.instance_id, c.http.host, s.http_server->port(), c.database.engine,
                        s.db->schema_version(), c.cores);
  return Status::OK();
}

void ServerApp::Stop() {
  Impl& s = *impl_;
  if (s.stopped) return;
  s.stopped = true;
  if (s.http_server) s.http_server->Stop();
  s.http_server.reset();
  s.db.reset();
  if (s.started) log::Get("app")->info("party_id={} instance_id={} stopped", s.config.party_id, s.config.instance_id);
}

std::uint16_t ServerApp::port() const { return impl_->http_server ? impl_->http_server->port() : 0; }

}  // namespace fedflow::app
