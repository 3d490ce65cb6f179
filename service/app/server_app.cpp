#include "service/app/server_app.hpp"

#include <filesystem>
#include <set>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "orm/allocation_repository.hpp"
#include "orm/command_repository.hpp"
#include "orm/database.hpp"
#include "orm/job_repository.hpp"
#include "orm/registry_repository.hpp"
#include "orm/schedule_repository.hpp"
#include "orm/security_repository.hpp"
#include "orm/table_repository.hpp"
#include "orm/tracking_repository.hpp"
#include "orm/task_repository.hpp"
#include "service/api/admin_routes.hpp"
#include "service/api/compat_routes.hpp"
#include "service/api/data_routes.hpp"
#include "service/api/federation_routes.hpp"
#include "service/api/job_routes.hpp"
#include "service/api/log_routes.hpp"
#include "service/api/model_routes.hpp"
#include "service/api/output_routes.hpp"
#include "service/api/partner_routes.hpp"
#include "service/api/permission_routes.hpp"
#include "service/api/provider_routes.hpp"
#include "service/api/registry_routes.hpp"
#include "service/api/resource_routes.hpp"
#include "service/api/server_routes.hpp"
#include "service/api/site_routes.hpp"
#include "service/api/worker_data_routes.hpp"
#include "orm/federation_repository.hpp"
#include "service/data/table_service.hpp"
#include "service/detector/detector.hpp"
#include "service/executor/process_launcher.hpp"
#include "service/executor/provider_registry.hpp"
#include "service/executor/task_executor.hpp"
#include "service/federation/federation_service.hpp"
#include "service/federation/interconnect_relay.hpp"
#include "service/federation/spool.hpp"
#include "service/model/model_registry.hpp"
#include "service/model/pipeline_models.hpp"
#include "service/model/predict_submission.hpp"
#include "service/model/stored_inputs.hpp"
#include "service/http/http_client.hpp"
#include "service/http/http_server.hpp"
#include "service/http/router.hpp"
#include "service/http/static_site.hpp"
#include "service/interconnect/http_party_client.hpp"
#include "service/interconnect/partner_contract.hpp"
#include "service/json/json.hpp"
#include "service/lifecycle/lifecycle.hpp"
#include "service/partner/job_participant.hpp"
#include "service/scheduler/job_scheduler.hpp"
#include "service/scheduler/partner_stub.hpp"
#include "service/scheduler/scheduling_loop.hpp"
#include "service/security/client_auth.hpp"
#include "service/security/database_nonce_store.hpp"
#include "service/security/partner_permission.hpp"
#include "service/security/request_guard.hpp"
#include "service/security/site_auth.hpp"
#include "service/state/server_state.hpp"
#include "service/tracking/tracker.hpp"

#ifndef FEDFLOW_VERSION
#define FEDFLOW_VERSION "0.0.0"
#endif

namespace fedflow::app {

namespace fs = std::filesystem;

struct ServerApp::Impl {
  ServerConfig config;
  Clock& clock = SystemClock::Instance();
  // Declaration order is construction order; destruction runs in reverse (loops before stores).
  std::unique_ptr<orm::Database> db;
  std::unique_ptr<orm::JobRepository> jobs;
  std::unique_ptr<orm::ScheduleRepository> schedule;
  std::unique_ptr<orm::TaskRepository> tasks;
  std::unique_ptr<orm::AllocationRepository> allocations;
  std::unique_ptr<orm::CommandRepository> commands;
  std::unique_ptr<orm::ProviderRepository> provider_rows;
  std::unique_ptr<orm::RegistryRepository> registry;
  std::unique_ptr<orm::NonceRepository> nonce_rows;
  std::unique_ptr<orm::PermissionRepository> permission_rows;
  std::unique_ptr<orm::MetricRepository> metric_rows;
  std::unique_ptr<orm::OutputRepository> output_rows;
  std::unique_ptr<orm::TableRepository> table_rows;
  std::unique_ptr<orm::FederationRepository> fed_rows;
  std::unique_ptr<tracking::Tracker> tracker;
  std::unique_ptr<model::ModelStore> models;
  std::unique_ptr<model::ModelRegistry> model_registry;
  std::unique_ptr<data::TableService> tables;
  security::SigningKey site_key;
  std::unique_ptr<security::DatabaseNonceStore> nonces;
  std::unique_ptr<security::SiteSigner> site_signer;
  std::unique_ptr<security::SiteVerifier> site_verifier;
  std::unique_ptr<security::ClientVerifier> client_verifier;
  std::unique_ptr<security::RequestGuard> guard;
  state::ServerState server_state;
  std::unique_ptr<lifecycle::JobLifecycle> job_lifecycle;
  std::unique_ptr<lifecycle::TaskLifecycle> task_lifecycle;
  std::unique_ptr<lifecycle::AllocationLifecycle> allocation_lifecycle;
  std::unique_ptr<executor::ProviderRegistry> providers;
  http::Router router;
  std::unique_ptr<http::StaticSite> board;
  std::unique_ptr<http::HttpClient> http_client;
  std::unique_ptr<interconnect::HttpPartyClient> party_client;
  std::unique_ptr<interconnect::HttpPartyClient> probe_client;  ///< one short attempt: reachability pings
  std::unique_ptr<executor::ProcessLauncher> launcher;
  std::unique_ptr<executor::TaskExecutor> executor;
  std::unique_ptr<partner::JobParticipant> participant;
  std::unique_ptr<federation::Spool> spool;
  std::unique_ptr<federation::InterconnectRelay> relay;
  std::unique_ptr<federation::FederationService> federation;
  std::unique_ptr<sched::PartnerBreaker> breaker;
  std::unique_ptr<sched::PartnerStub> partner_stub;
  std::unique_ptr<sched::JobScheduler> scheduler;
  std::unique_ptr<sched::SchedulingLoop> loop;
  std::unique_ptr<detector::Detector> detector;
  std::unique_ptr<http::HttpServer> http_server;
  bool started = false;
  bool stopped = false;

  Status OpenStores();
  Status SetUpSecurity();
  Status RegisterConfiguredProviders();
  dsl::PlanContext PlanContext() const;
  /// The server's own files, which no upload or bind may read: keys, config, logs, database,
  /// attempt directories (worker tokens).
  std::vector<std::string> ProtectedPaths() const;
  /// Where streamed request bodies are written while they arrive.
  std::string SpoolDir() const { return config.ResolvePath("tmp/uploads"); }
};

std::vector<std::string> ServerApp::Impl::ProtectedPaths() const {
  const ServerConfig& c = config;
  std::vector<std::string> out{c.ResolvePath("keys"), c.ResolvePath("conf"), c.ResolvePath("jobs"), c.ResolvePath("tmp"),
                               c.log.dir, c.security.private_key, c.federation.spool_dir};
  if (!c.config_file.empty()) out.push_back(c.config_file);
  if (c.database.engine == "sqlite") {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) out.push_back(c.database.sqlite_path + suffix);
  }
  for (const std::string* key : {&c.security.tls_key_file, &c.http.tls_key_file}) {
    if (!key->empty()) out.push_back(*key);
  }
  return out;
}

Status ServerApp::Impl::OpenStores() {
  const ServerConfig& c = config;
  if (c.database.engine == "sqlite") {
    std::error_code ec;
    fs::create_directories(fs::path(c.database.sqlite_path).parent_path(), ec);
  }
  auto opened = orm::OpenDatabase(c.database);
  if (!opened.ok()) return opened.status();
  db = std::move(opened).value();
  jobs = orm::MakeJobRepository(*db);
  schedule = orm::MakeScheduleRepository(*db);
  tasks = orm::MakeTaskRepository(*db);
  allocations = orm::MakeAllocationRepository(*db);
  commands = orm::MakeCommandRepository(*db);
  provider_rows = orm::MakeProviderRepository(*db);
  registry = orm::MakeRegistryRepository(*db);
  nonce_rows = orm::MakeNonceRepository(*db);
  permission_rows = orm::MakePermissionRepository(*db);
  metric_rows = orm::MakeMetricRepository(*db);
  output_rows = orm::MakeOutputRepository(*db);
  table_rows = orm::MakeTableRepository(*db);
  fed_rows = orm::MakeFederationRepository(*db);
  orm::EngineCapacityRow capacity;
  capacity.engine = c.engine;
  capacity.party_id = c.party_id;
  capacity.cores = c.cores;
  capacity.memory_mb = c.memory_mb;
  capacity.max_running_jobs = c.max_running_jobs;
  capacity.updated_ms = clock.NowMs();
  return allocations->RegisterCapacity(capacity).WithContext("capacity");
}

Status ServerApp::Impl::SetUpSecurity() {
  const SecurityConfig& sc = config.security;
  // The key pair exists whether or not site authentication is on, so operators can exchange
  // public keys before they turn it on.
  auto key = security::SigningKey::LoadOrCreatePrivate(sc.private_key);
  if (!key.ok()) return key.status();
  site_key = std::move(key).value();
  nonces = std::make_unique<security::DatabaseNonceStore>(*nonce_rows);
  if (sc.site_auth) {
    site_signer = std::make_unique<security::SiteSigner>(config.party_id, site_key, clock);
    std::map<std::string, security::SigningKey> partner_keys;
    for (std::size_t i = 0; i < config.partners.size(); ++i) {
      const PartnerRoute& p = config.partners[i];
      auto public_key = security::SigningKey::LoadPublic(p.public_key);
      if (!public_key.ok()) {
        return public_key.status().WithContext("partners[" + std::to_string(i) + "].public_key (party " + p.party_id + ")");
      }
      partner_keys.emplace(p.party_id, std::move(public_key).value());
    }
    // Another instance of this party (HA) signs with the same key.
    auto own_public = security::SigningKey::LoadPublic(site_key.PublicPem());
    if (!own_public.ok()) return own_public.status();
    partner_keys.emplace(config.party_id, std::move(own_public).value());
    site_verifier = std::make_unique<security::SiteVerifier>(std::move(partner_keys), *nonces, clock, sc.max_skew_ms);
  }
  if (sc.client_auth) {
    std::map<std::string, std::string> secrets;
    for (const auto& app : sc.client_apps) secrets[app.app_id] = app.app_secret;
    client_verifier = std::make_unique<security::ClientVerifier>(std::move(secrets), *nonces, clock, sc.max_skew_ms);
  }
  security::GuardOptions go;
  go.site = site_verifier.get();
  go.client = client_verifier.get();
  go.quiet_paths = {"/v2/partner/task/collect", "/v2/scheduler/task/report"};
  go.clock = &clock;
  guard = std::make_unique<security::RequestGuard>(std::move(go));
  security::RequestGuard* g = guard.get();
  router.SetGuard([g](const http::HttpRequest& req, const http::RouteDoc& doc) { return g->Check(req, doc); });
  router.SetObserver([g](const http::HttpRequest& req, const http::RouteDoc& doc, const http::HttpResponse& res) {
    g->Record(req, doc, res);
  });
  return Status::OK();
}

Status ServerApp::Impl::RegisterConfiguredProviders() {
  FEDFLOW_RETURN_IF_ERROR(providers->Load());
  // fedflow's own provider first, so a configured provider of the same module takes precedence.
  std::string builtin = config.builtin_provider;
  if (builtin.empty()) {
    std::error_code ec;
    builtin = (fs::read_symlink("/proc/self/exe", ec).parent_path() / "fedflow-builtin").string();
  }
  if (builtin != "none") {
    const std::vector<std::string> data_roles = {"guest", "host", "local"};
    executor::Provider p{"fedflow", FEDFLOW_VERSION, builtin, {"Reader", "reader"}, "builtin"};
    p.roles = {{"Reader", data_roles}, {"reader", data_roles}};
    Status registered = providers->Register(p);
    if (!registered.ok()) {
      if (!config.builtin_provider.empty()) return registered.WithContext("builtin_provider");
      log::Get("app")->warn("builtin provider not available ({}): jobs need a provider for Reader", registered.message());
    }
    // fedflow-ml beside the Reader: real components, registered without any configuration.
    const std::string ml = (fs::path(builtin).parent_path() / "fedflow-ml").string();
    executor::Provider m{"fedflow-ml", FEDFLOW_VERSION, ml, {"DataTransform", "DataIO", "Intersection", "FeatureScale", "HeteroLR", "HomoLR", "Evaluation"},
                         "builtin"};
    m.roles = {{"DataTransform", data_roles},
               {"DataIO", data_roles},
               {"Intersection", {"guest", "host"}},
               {"FeatureScale", data_roles},
               {"HeteroLR", {"guest", "host", "arbiter"}},
               {"HomoLR", {"guest", "host", "arbiter"}},
               {"Evaluation", {"guest", "host", "local"}}};
    Status ml_registered = providers->Register(m);
    if (!ml_registered.ok()) {
      log::Get("app")->warn("provider fedflow-ml not available ({}): DataTransform, Intersection, FeatureScale, HeteroLR, HomoLR and Evaluation need "
                            "another provider", ml_registered.message());
    }
  }
  for (const auto& pc : config.providers) {
    executor::Provider p;
    p.name = pc.name;
    p.version = pc.version;
    p.executable = pc.executable;
    p.modules.insert(pc.modules.begin(), pc.modules.end());
    p.roles = pc.roles;
    p.source = "config";
    FEDFLOW_RETURN_IF_ERROR(providers->Register(p).WithContext("providers"));
  }
  return Status::OK();
}

dsl::PlanContext ServerApp::Impl::PlanContext() const {
  dsl::PlanContext ctx;
  const JobDefaults& d = config.job_defaults;
  ctx.defaults.set_task_cores(d.task_cores);
  ctx.defaults.set_task_parallelism(d.task_parallelism);
  ctx.defaults.set_auto_retries(d.auto_retries);
  ctx.defaults.set_retry_backoff_ms(d.retry_backoff_ms);
  ctx.defaults.set_timeout_ms(d.job_timeout_s * 1000);
  ctx.defaults.set_task_timeout_ms(d.task_timeout_s * 1000);
  ctx.defaults.set_computing_partitions(8);
  ctx.defaults.set_job_type("train");
  ctx.limits = config.limits.plan;
  executor::ProviderRegistry* registry = providers.get();
  ctx.check_module = [registry](const std::string& module, const std::string& pin) {
    return registry->Resolve(module, pin).status();
  };
  ctx.roles_of = [registry](const std::string& module, const std::string& pin) -> std::vector<std::string> {
    auto p = registry->Resolve(module, pin);
    return p.ok() ? p->RolesOf(module) : std::vector<std::string>{};
  };
  std::set<std::string> known{config.party_id};
  for (const auto& p : config.partners) known.insert(p.party_id);
  ctx.check_party = [known](const std::string& party) -> Status {
    if (known.count(party)) return Status::OK();
    return InvalidArgumentError("party " + party + " has no route: add it to 'partners' in the config of this server");
  };
  return ctx;
}

ServerApp::ServerApp(ServerConfig config) : impl_(std::make_unique<Impl>()) { impl_->config = std::move(config); }

ServerApp::~ServerApp() { Stop(); }

Status ServerApp::Start() {
  Impl& s = *impl_;
  const ServerConfig& c = s.config;
  json::SetMaxDepth(c.limits.json_max_depth);
  FEDFLOW_RETURN_IF_ERROR(s.OpenStores());
  FEDFLOW_RETURN_IF_ERROR(s.SetUpSecurity());
  s.job_lifecycle = std::make_unique<lifecycle::JobLifecycle>(*s.jobs, *s.schedule, s.clock);
  s.task_lifecycle = std::make_unique<lifecycle::TaskLifecycle>(*s.tasks, *s.schedule, s.clock);
  s.allocation_lifecycle = std::make_unique<lifecycle::AllocationLifecycle>(*s.allocations, s.clock);
  s.providers = std::make_unique<executor::ProviderRegistry>(*s.provider_rows, s.clock);
  FEDFLOW_RETURN_IF_ERROR(s.RegisterConfiguredProviders());
  s.tracker = std::make_unique<tracking::Tracker>(*s.metric_rows, *s.output_rows, s.clock);
  {
    data::TableServiceOptions to{c.party_id, c.data.dir, c.data.import_roots, s.ProtectedPaths()};
    for (const auto& root : c.data.import_roots) {
      std::error_code ec;
      fs::create_directories(root, ec);  // the default <home>/import, so operators find where to put files
    }
    s.tables = std::make_unique<data::TableService>(std::move(to), *s.table_rows, s.clock);
  }

  // Interconnect: partners by route, this party in-process through the router.
  // Partners' answers are bounded like requests to this server are.
  s.http_client = std::make_unique<http::HttpClient>(http::HttpClientOptions{
      2, 32, c.security.tls_ca_file, c.security.tls_cert_file, c.security.tls_key_file, c.limits.max_body_bytes * 4u});
  FEDFLOW_RETURN_IF_ERROR(s.http_client->TlsReady().WithContext("security.outbound_tls"));
  interconnect::HttpPartyClientOptions pc;
  pc.self_party_id = c.party_id;
  pc.timeout_ms = c.party_call_timeout_ms;
  pc.attempts = c.party_call_retries;
  for (const auto& p : c.partners) pc.routes[p.party_id] = interconnect::PartyAddress{p.host, p.port, p.tls};
  http::Router* router = &s.router;
  interconnect::RequestSigner signer;
  if (s.site_signer) {
    security::SiteSigner* site_signer = s.site_signer.get();
    signer = [site_signer](const std::string& method, const std::string& path, const std::string& body,
                           const std::string& body_sha256, std::vector<std::pair<std::string, std::string>>* headers) {
      if (body_sha256.empty()) {
        site_signer->Sign(method, path, body, headers);
      } else {
        site_signer->SignDigest(method, path, body_sha256, headers);
      }
    };
  }
  s.party_client = std::make_unique<interconnect::HttpPartyClient>(
      pc, *s.http_client, [router](const http::HttpRequest& req) { return router->Dispatch(req); }, signer);
  interconnect::HttpPartyClientOptions probe = pc;
  probe.attempts = 1;
  probe.timeout_ms = std::min<std::int64_t>(pc.timeout_ms, 3000);
  s.probe_client = std::make_unique<interconnect::HttpPartyClient>(
      probe, *s.http_client, [router](const http::HttpRequest& req) { return router->Dispatch(req); }, signer);
  interconnect::PartyClient* party_client = s.party_client.get();
  auto nudge_scheduler = [party_client](const std::string& job_id, const std::string& scheduler_party) {
    contract::ReportTask report;
    report.set_job_id(job_id);
    party_client->Notify({scheduler_party, interconnect::paths::kSchedulerReport, interconnect::ToJson(report), ""});
  };

  executor::ExecutorOptions eo;
  eo.jobs_dir = c.ResolvePath("jobs");
  eo.logs_dir = c.log.dir;
  eo.server_host = c.http.host == "0.0.0.0" ? "127.0.0.1" : c.http.host;
  eo.server_port = c.http.port;
  eo.server_tls = c.http.tls;
  eo.server_tls_ca = c.security.tls_ca_file;
  if (!c.http.tls_ca_file.empty()) {  // the listener wants client certificates: lend the party's
    eo.server_tls_cert = c.security.tls_cert_file;
    eo.server_tls_key = c.security.tls_key_file;
  }
  eo.instance_id = c.instance_id;
  eo.heartbeat_interval_ms = std::max<std::int64_t>(100, c.heartbeat_timeout_ms / 5);
  s.models = std::make_unique<model::ModelStore>(c.model.dir);
  eo.stored_model_path = [models = s.models.get()](const InputRef& in, const std::string& role, const std::string& party) {
    return model::StoredInputPath(*models, in, role, party);
  };
  s.launcher = std::make_unique<executor::ProcessLauncher>();
  s.executor = std::make_unique<executor::TaskExecutor>(
      eo, *s.launcher, *s.providers, *s.tasks, *s.task_lifecycle, s.clock,
      [nudge_scheduler, &s](const orm::TaskAttemptRow& attempt) {
        if (!s.participant) return;
        auto spec = s.participant->SpecOf(attempt.job_id);
        if (spec.ok()) nudge_scheduler(attempt.job_id, (*spec)->initiator().party_id());
      });

  partner::ParticipantDeps pd;
  pd.party_id = c.party_id;
  pd.engine = c.engine;
  pd.jobs = s.jobs.get();
  pd.tasks = s.tasks.get();
  pd.allocations = s.allocations.get();
  pd.job_lifecycle = s.job_lifecycle.get();
  pd.task_lifecycle = s.task_lifecycle.get();
  pd.allocation_lifecycle = s.allocation_lifecycle.get();
  pd.providers = s.providers.get();
  pd.executor = s.executor.get();
  pd.clock = &s.clock;
  pd.nudge_scheduler = nudge_scheduler;
  pd.server_state = &s.server_state;
  {
    orm::PermissionRepository* grants = c.security.permission ? s.permission_rows.get() : nullptr;
    executor::ProviderRegistry* providers = s.providers.get();
    data::TableService* tables = s.tables.get();
    std::string self = c.party_id;
    pd.admission_check = [grants, providers, tables, self](const JobSpec& spec, const std::string&) -> Status {
      if (grants && spec.initiator().party_id() != self) {
        auto rows = grants->List(spec.initiator().party_id());
        if (!rows.ok()) return rows.status();
        FEDFLOW_RETURN_IF_ERROR(security::CheckPartnerPermission(spec, self, *rows));
      }
      // The built-in Reader's tables must exist before the job is created, not fail at run time.
      std::vector<std::pair<std::string, std::string>> needed;
      for (const auto& t : spec.tasks()) {
        auto provider = providers->Resolve(t.module(), t.provider());
        if (!provider.ok() || provider->source != "builtin") continue;
        for (const auto& table : security::TablesReadBy(spec, t, self)) needed.emplace_back(t.name(), table);
      }
      return tables->CheckPresent(needed);
    };
  }
  pd.forget_tracking = [tracker = s.tracker.get()](const std::string& job_id) { return tracker->ForgetJob(job_id); };
  pd.plan_context = [impl = &s] { return impl->PlanContext(); };
  pd.keep_models = [models = s.models.get(), outputs = s.output_rows.get(), clock = &s.clock,
                    self = c.party_id](const JobSpec& spec) {
    return model::KeepPipelineModels(*models, *outputs, spec, self, clock->NowMs());
  };
  pd.check_model_inputs = [models = s.models.get(), self = c.party_id](const JobSpec& spec) {
    return model::CheckStoredInputs(*models, spec, self);
  };
  pd.forget_messages = [impl = &s](const std::string& job_id) {
    return impl->federation ? impl->federation->ForgetJob(job_id) : Status::OK();
  };
  s.participant = std::make_unique<partner::JobParticipant>(pd);

  // The data plane: messages between workers of a task's parties, relayed over the interconnect.
  s.spool = std::make_unique<federation::Spool>(c.federation.spool_dir, *s.fed_rows, s.clock,
                                                c.federation.job_spool_quota_bytes);
  s.relay = std::make_unique<federation::InterconnectRelay>(*s.party_client);
  federation::FederationDeps fd;
  fd.party_id = c.party_id;
  fd.jobs = s.jobs.get();
  fd.tasks = s.tasks.get();
  partner::JobParticipant* participant = s.participant.get();
  fd.spec_of = [participant](const std::string& job_id) { return participant->SpecOf(job_id); };
  fd.spool = s.spool.get();
  fd.relay = s.relay.get();
  fd.bodies_signed = s.site_verifier != nullptr;
  s.federation = std::make_unique<federation::FederationService>(std::move(fd));

  sched::SchedulerOptions so;
  so.party_id = c.party_id;
  so.instance_id = c.instance_id;
  so.lease_ms = c.lease_ms;
  so.aging_ms = c.aging_ms;
  so.partner_grace_ms = c.partner_grace_ms;
  // A partner that did not answer is skipped for a few ticks instead of costing a timeout per call.
  s.breaker = std::make_unique<sched::PartnerBreaker>(s.clock, std::max<std::int64_t>(c.schedule_interval_ms * 5, 500),
                                                      std::max<std::int64_t>(c.party_call_timeout_ms, 5000));
  s.partner_stub = std::make_unique<sched::PartnerStub>(*s.party_client, c.party_id, s.breaker.get());
  s.scheduler = std::make_unique<sched::JobScheduler>(so, *s.schedule, *s.job_lifecycle, *s.task_lifecycle,
                                                      *s.partner_stub, s.clock);
  sched::JobScheduler* scheduler = s.scheduler.get();
  s.loop = std::make_unique<sched::SchedulingLoop>([scheduler](ThreadPool& pool) { scheduler->RunOnce(pool); },
                                                   c.schedule_interval_ms,
                                                   static_cast<std::size_t>(c.max_concurrent_jobs_per_tick));
  sched::SchedulingLoop* loop = s.loop.get();
  s.scheduler->set_nudge([loop](const std::string& job_id) { loop->Nudge(job_id); });
  s.scheduler->set_server_state(&s.server_state);

  // Routes.
  api::ServerIdentity identity{c.party_id, c.instance_id, FEDFLOW_VERSION, c.database.engine, s.db->schema_version(),
                               s.clock.NowMs()};
  orm::Database* raw_db = s.db.get();
  api::RegisterServerRoutes(s.router, identity, s.clock, [raw_db] { return raw_db->Ping(); });
  api::RegisterPartnerRoutes(s.router, *s.participant, *s.commands, s.clock);
  std::vector<api::PartnerEntry> partner_entries;
  for (const auto& p : c.partners) partner_entries.push_back({p.party_id, p.host, p.port, p.tls});
  api::RegisterSiteRoutes(s.router, c.party_id, FEDFLOW_VERSION, std::move(partner_entries), *s.probe_client, s.clock);
  api::RegisterWorkerRoutes(s.router, *s.participant);
  api::RegisterWorkerDataRoutes(s.router, *s.participant, *s.tracker, *s.tables);
  api::RegisterFederationRoutes(s.router, *s.participant, *s.federation);
  api::RegisterOutputRoutes(s.router, *s.tracker);
  api::RegisterDataRoutes(s.router, *s.tables);
  api::RegisterProviderRoutes(s.router, *s.providers);
  api::RegisterResourceRoutes(s.router, c.engine, *s.allocations, *s.participant);
  api::RegisterLogRoutes(s.router, c.log.dir, *s.tasks);
  api::RegisterRegistryRoutes(s.router, c.party_id, s.site_key.PublicPem(), *s.registry, s.clock);
  api::RegisterPermissionRoutes(s.router, *s.permission_rows, s.clock, c.security.permission);
  model::RegistryOptions ro;
  ro.party_id = c.party_id;
  ro.backend_dir = c.model.store_dir;
  ro.max_archive_bytes = static_cast<std::size_t>(c.limits.max_body_bytes);
  s.model_registry = std::make_unique<model::ModelRegistry>(*s.models, ro, s.clock);
  api::RegisterModelRoutes(s.router, *s.model_registry, *s.party_client, s.clock);
  api::JobApiDeps jd;
  jd.party_id = c.party_id;
  jd.scheduler = s.scheduler.get();
  jd.jobs = s.jobs.get();
  jd.tasks = s.tasks.get();
  jd.schedule = s.schedule.get();
  jd.parties = s.party_client.get();
  jd.participant = s.participant.get();
  jd.server_state = &s.server_state;
  jd.logs_dir = c.log.dir;
  jd.clock = &s.clock;
  Impl* impl = &s;
  jd.plan_context = [impl] { return impl->PlanContext(); };
  jd.nudge = [loop](const std::string& job_id) { loop->Nudge(job_id); };
  jd.prepare_submission = [models = s.models.get()](const boost::json::object& args) {
    return model::PreparePredictSubmission(*models, args);
  };
  api::RegisterJobRoutes(s.router, jd);
  api::RegisterSchedulerRoutes(s.router, jd);
  api::RegisterAdminRoutes(s.router, jd);
  api::RegisterCompatRoutes(s.router);
  if (c.board.enabled) {
    const std::string dir = c.board.dir.empty() ? std::string(FEDFLOW_BOARD_DIR) : c.board.dir;
    auto site = http::StaticSite::Load(dir);
    if (site.ok()) {
      s.board = std::make_unique<http::StaticSite>(std::move(site).value());
    } else {
      // The API works without the board: say why the page is missing, on the page and here.
      log::Get("app")->warn("board not served: {}", site.status().message());
      s.board = std::make_unique<http::StaticSite>(http::StaticSite::Unavailable(site.status().message()));
    }
  } else {
    s.board = std::make_unique<http::StaticSite>(http::StaticSite::Unavailable("the board is off here (board.enabled: false)"));
  }
  const http::StaticSite* board = s.board.get();
  s.router.SetPages([board](const http::HttpRequest& req) { return board->Serve(req.path); });
  api::RegisterApiListing(s.router);

  // Restart reconciliation: before serving, fail attempts whose workers died with the previous
  // process and release what ended jobs still hold; then keep doing it periodically.
  detector::DetectorOptions dopt;
  dopt.instance_id = c.instance_id;
  dopt.interval_ms = c.detect_interval_ms;
  dopt.heartbeat_timeout_ms = c.heartbeat_timeout_ms;
  orm::InstanceRow instance{c.instance_id, c.party_id, c.http.host, c.http.port, FEDFLOW_VERSION, s.clock.NowMs(),
                            s.clock.NowMs()};
  orm::RegistryRepository* registry = s.registry.get();
  Clock* clock = &s.clock;
  orm::NonceRepository* nonce_rows = s.nonce_rows.get();
  dopt.also_each_pass = [registry, clock, instance, nonce_rows]() mutable {
    instance.heartbeat_ms = clock->NowMs();
    // Both are retried on the next pass; a failure is worth a line, not a stop.
    Status beat = registry->UpsertInstance(instance);
    if (!beat.ok()) log::Get("detector")->warn("instance heartbeat not recorded: {}", beat.message());
    auto purged = nonce_rows->Purge(clock->NowMs());
    if (!purged.ok()) log::Get("detector")->warn("old nonces not purged: {}", purged.status().message());
  };
  detector::DetectorDeps dd;
  dd.jobs = s.jobs.get();
  dd.tasks = s.tasks.get();
  dd.allocations = s.allocations.get();
  dd.commands = s.commands.get();
  dd.task_lifecycle = s.task_lifecycle.get();
  dd.allocation_lifecycle = s.allocation_lifecycle.get();
  dd.executor = s.executor.get();
  dd.clock = &s.clock;
  dd.on_attempt_failed = [&s, nudge_scheduler](const orm::TaskAttemptRow& attempt) {
    auto spec = s.participant->SpecOf(attempt.job_id);
    if (spec.ok()) nudge_scheduler(attempt.job_id, (*spec)->initiator().party_id());
  };
  s.detector = std::make_unique<detector::Detector>(dopt, dd);
  auto reconciled = s.detector->RunOnce();
  if (reconciled.workers_gone + reconciled.never_launched + reconciled.allocations_released > 0) {
    log::Get("app")->warn("restart reconciliation: {} attempts lost their worker, {} were never launched, {} "
                          "allocations released",
                          reconciled.workers_gone, reconciled.never_launched, reconciled.allocations_released);
  }

  // Quick reads run on the network thread when the database is in process (SQLite) and client
  // authentication is off. A MySQL read waits for a round trip, and the nonce check of client
  // authentication writes: either would stall a network thread, so they go to the handler pool.
  http::InlinePredicate run_inline;
  if (!c.security.client_auth && c.database.engine == "sqlite") {
    run_inline = [router](const http::HttpRequest& req) { return router->IsQuickRead(req.method, req.path); };
  }
  // Uploads stream to files in the spool directory; a crash may have left some there.
  const std::string spool = s.SpoolDir();
  {
    std::error_code ec;
    fs::remove_all(spool, ec);
    fs::create_directories(spool, ec);
    if (ec) return InternalError("cannot create " + spool + ": " + ec.message());
  }
  const std::uint64_t upload_limit = c.limits.max_upload_bytes;
  http::BodyPolicyChooser body_policy = [router, spool, upload_limit](const http::HttpRequest& header) {
    http::BodyPolicy policy;
    if (router->StreamsBody(header.method, header.path)) {
      policy.limit = static_cast<std::size_t>(upload_limit);
      policy.limit_key = "limits.max_upload_bytes";
      policy.spool_dir = spool;
    }
    return policy;
  };
  http::InlinePredicate waits = [router](const http::HttpRequest& req) { return router->Waits(req.method, req.path); };
  s.http_server = std::make_unique<http::HttpServer>(
      c.http, [router](http::HttpRequest&& req) { return router->Dispatch(req); }, std::move(run_inline),
      std::move(body_policy), std::move(waits));
  FEDFLOW_RETURN_IF_ERROR(s.http_server->Start());
  s.executor->set_server_port(s.http_server->port());
  s.loop->Start();
  s.detector->Start();
  s.started = true;
  log::Get("app")->info("party_id={} instance_id={} listening={}:{} tls={} database={} schema_version={} cores={} "
                        "partners={} providers={} site_auth={} client_auth={} permission={}",
                        c.party_id, c.instance_id, c.http.host, s.http_server->port(), c.http.tls, c.database.engine,
                        s.db->schema_version(), c.cores, c.partners.size(), s.providers->List().size(),
                        c.security.site_auth, c.security.client_auth, c.security.permission);
  return Status::OK();
}

void ServerApp::Stop() {
  Impl& s = *impl_;
  if (s.stopped) return;
  s.stopped = true;
  if (s.detector) s.detector->Stop();
  if (s.loop) s.loop->Stop();
  if (s.spool) s.spool->Shutdown();  // receivers waiting for messages answer at once
  if (s.http_server) s.http_server->Stop();
  s.detector.reset();
  s.loop.reset();
  s.http_server.reset();
  s.scheduler.reset();
  s.executor.reset();  // no longer hears the reaper, the last user of the participant
  s.launcher.reset();
  s.federation.reset();
  s.relay.reset();
  s.spool.reset();
  s.participant.reset();
  s.party_client.reset();
  s.http_client.reset();
  s.db.reset();
  if (s.started) log::Get("app")->info("party_id={} instance_id={} stopped", s.config.party_id, s.config.instance_id);
}

std::vector<http::RouteInfo> ServerApp::Routes() const { return impl_->router.Routes(); }

std::uint16_t ServerApp::port() const { return impl_->http_server ? impl_->http_server->port() : 0; }

}  // namespace fedflow::app
