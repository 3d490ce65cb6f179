#include "service/api/site_routes.hpp"

#include <boost/json.hpp>

#include "proto/fedflow/partner.pb.h"
#include "service/http/envelope.hpp"
#include "service/interconnect/partner_contract.hpp"

namespace fedflow::api {

namespace bj = boost::json;

void RegisterSiteRoutes(http::Router& router, const std::string& party_id, const std::string& version,
                        std::vector<PartnerEntry> partners, interconnect::PartyClient& probe, const Clock& clock) {
  router.Add("POST", interconnect::paths::kPing,
             {"interconnect", "Is this server up, and did it accept the caller's signature? Answers its party id.", ""},
             [party_id, version](const http::HttpRequest& req) {
               contract::Ping ping;
               Status parsed = interconnect::FromJson(req.body.empty() ? "{}" : req.body, &ping, "ping");
               if (!parsed.ok()) return http::JsonError(parsed);
               contract::Pong pong;
               pong.set_party_id(party_id);
               pong.set_version(version);
               return http::JsonOkRaw(interconnect::ToJson(pong));
             });

  router.Add("GET", "/v2/site/partners",
             {"application",
              "fedflow: this party's configured partners, each pinged once (signed, short timeout): reachable, "
              "round trip, the party id and version that answered, or why not.",
              "", false, false, /*waits=*/true},
             [party_id, partners = std::move(partners), &probe, &clock](const http::HttpRequest&) {
               std::vector<interconnect::PartyCommand> pings;
               const std::string body = interconnect::ToJson(contract::Ping());
               for (const auto& p : partners) pings.push_back({p.party_id, interconnect::paths::kPing, body, ""});
               const std::int64_t started = clock.NowMs();
               std::vector<interconnect::PartyReply> replies = probe.Send(pings);
               const std::int64_t elapsed = clock.NowMs() - started;
               bj::array out;
               for (std::size_t i = 0; i < partners.size(); ++i) {
                 const PartnerEntry& p = partners[i];
                 bj::object row{{"party_id", p.party_id}, {"host", p.host}, {"port", p.port}, {"tls", p.tls}};
                 const interconnect::PartyReply* r = i < replies.size() ? &replies[i] : nullptr;
                 const bool ok = r && r->status.ok();
                 row["reachable"] = ok;
                 // Replies come back together: the slowest partner's time bounds everyone's.
                 row["round_trip_ms_at_most"] = elapsed;
                 if (ok) {
                   contract::Pong pong;
                   Status parsed = interconnect::FromJson(bj::serialize(r->data), &pong, "pong");
                   if (parsed.ok()) {
                     row["answered_party_id"] = pong.party_id();
                     row["version"] = pong.version();
                     if (pong.party_id() != p.party_id) {
                       row["reachable"] = false;
                       row["message"] = "the server at this address says it is party " + pong.party_id();
                     }
                   } else {
                     row["reachable"] = false;
                     row["message"] = parsed.message();
                   }
                 } else {
                   row["message"] = r ? r->status.message() : "not asked";
                 }
                 out.push_back(std::move(row));
               }
               return http::JsonOk(bj::object{{"party_id", party_id}, {"partners", std::move(out)}});
             });
}

}  // namespace fedflow::api
