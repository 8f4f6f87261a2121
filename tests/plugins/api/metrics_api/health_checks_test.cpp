// /healthz, /livez and /readyz as pure functions of the check states (reference §1.10).
#include "metrics_api/health_checks.h"

#include <gtest/gtest.h>

#include <string>

namespace mpf::api::metrics {
namespace {

HealthState healthy() {
  HealthState s;
  s.storage_ready = true;
  s.informers_synced = true;
  s.collection_timely = true;
  s.shutting_down = false;
  return s;
}

ServerResponse answer(HealthEndpoint endpoint, std::string_view path, std::string_view query = {},
                      const HealthState& state = healthy()) {
  ServerRequest request;
  request.method = "GET";
  request.path = path;
  request.query = query;
  ServerResponse response;
  answer_health(endpoint, request, state, response);
  return response;
}

constexpr const char* kNotFound =
    R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404})"
    "\n";

TEST(HealthChecksTest, OkBodies) {
  for (auto endpoint : {HealthEndpoint::kHealthz, HealthEndpoint::kLivez, HealthEndpoint::kReadyz}) {
    const ServerResponse r = answer(endpoint, health_path(endpoint));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok");
    EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
  }
}

TEST(HealthChecksTest, VerboseReadyz) {
  const ServerResponse r = answer(HealthEndpoint::kReadyz, "/readyz", "verbose");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            "[+]ping ok\n"
            "[+]log ok\n"
            "[+]poststarthook/max-in-flight-filter ok\n"
            "[+]poststarthook/storage-object-count-tracker-hook ok\n"
            "[+]metric-storage-ready ok\n"
            "[+]metric-informer-sync ok\n"
            "[+]metadata-informer-sync ok\n"
            "[+]shutdown ok\n"
            "readyz check passed\n");
}

TEST(HealthChecksTest, VerboseLivezAndHealthz) {
  EXPECT_EQ(answer(HealthEndpoint::kLivez, "/livez", "verbose=1").body,
            "[+]ping ok\n"
            "[+]log ok\n"
            "[+]poststarthook/max-in-flight-filter ok\n"
            "[+]poststarthook/storage-object-count-tracker-hook ok\n"
            "[+]metric-collection-timely ok\n"
            "[+]metadata-informer-sync ok\n"
            "livez check passed\n");
  EXPECT_EQ(answer(HealthEndpoint::kHealthz, "/healthz", "verbose").body,
            "[+]ping ok\n"
            "[+]log ok\n"
            "[+]poststarthook/max-in-flight-filter ok\n"
            "[+]poststarthook/storage-object-count-tracker-hook ok\n"
            "[+]metadata-informer-sync ok\n"
            "healthz check passed\n");
}

TEST(HealthChecksTest, FailureIsAlwaysVerbose) {
  HealthState s = healthy();
  s.storage_ready = false;
  const ServerResponse r = answer(HealthEndpoint::kReadyz, "/readyz", {}, s);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body,
            "[+]ping ok\n"
            "[+]log ok\n"
            "[+]poststarthook/max-in-flight-filter ok\n"
            "[+]poststarthook/storage-object-count-tracker-hook ok\n"
            "[-]metric-storage-ready failed: reason withheld\n"
            "[+]metric-informer-sync ok\n"
            "[+]metadata-informer-sync ok\n"
            "[+]shutdown ok\n"
            "readyz check failed\n");
  // Checks an endpoint does not run do not fail it.
  EXPECT_EQ(answer(HealthEndpoint::kLivez, "/livez", {}, s).body, "ok");
}

TEST(HealthChecksTest, LivezFailsWhenCollectionIsLate) {
  HealthState s = healthy();
  s.collection_timely = false;
  const ServerResponse r = answer(HealthEndpoint::kLivez, "/livez", {}, s);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("[-]metric-collection-timely failed: reason withheld\n"), std::string::npos);
  EXPECT_TRUE(r.body.ends_with("livez check failed\n"));
  EXPECT_EQ(answer(HealthEndpoint::kReadyz, "/readyz", {}, s).status, 200);
}

TEST(HealthChecksTest, UnsyncedAndShutdown) {
  HealthState s = healthy();
  s.informers_synced = false;
  s.shutting_down = true;
  const ServerResponse r = answer(HealthEndpoint::kReadyz, "/readyz", {}, s);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("[-]metric-informer-sync failed: reason withheld\n[-]metadata-informer-sync failed"),
            std::string::npos);
  EXPECT_NE(r.body.find("[-]shutdown failed: reason withheld\n"), std::string::npos);
  EXPECT_EQ(answer(HealthEndpoint::kHealthz, "/healthz", {}, s).status, 500);
}

TEST(HealthChecksTest, Exclude) {
  HealthState s = healthy();
  s.storage_ready = false;
  EXPECT_EQ(answer(HealthEndpoint::kReadyz, "/readyz", "exclude=metric-storage-ready", s).body, "ok");
  EXPECT_EQ(answer(HealthEndpoint::kReadyz, "/readyz", "exclude=metric-storage-ready&exclude=nope&verbose", s).body,
            "[+]ping ok\n"
            "[+]log ok\n"
            "[+]poststarthook/max-in-flight-filter ok\n"
            "[+]poststarthook/storage-object-count-tracker-hook ok\n"
            "[+]metric-storage-ready excluded: ok\n"
            "[+]metric-informer-sync ok\n"
            "[+]metadata-informer-sync ok\n"
            "[+]shutdown ok\n"
            "warn: some health checks cannot be excluded: no matches for \"nope\"\n"
            "readyz check passed\n");
  // Escaped names are decoded, as url.Query() does.
  EXPECT_NE(answer(HealthEndpoint::kReadyz, "/readyz", "verbose&exclude=poststarthook%2Fmax-in-flight-filter")
                .body.find("[+]poststarthook/max-in-flight-filter excluded: ok\n"),
            std::string::npos);
}

TEST(HealthChecksTest, SingleCheck) {
  ServerResponse r = answer(HealthEndpoint::kReadyz, "/readyz/ping");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
  EXPECT_EQ(answer(HealthEndpoint::kReadyz, "/readyz/poststarthook/max-in-flight-filter").body, "ok");
  HealthState s = healthy();
  s.storage_ready = false;
  r = answer(HealthEndpoint::kReadyz, "/readyz/metric-storage-ready", {}, s);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "internal server error: no metrics to serve\n");
  EXPECT_EQ(answer(HealthEndpoint::kReadyz, "/readyz/ping", {}, s).status, 200);
}

TEST(HealthChecksTest, UnknownPathsAre404) {
  for (const char* path : {"/readyz/nope", "/readyz/", "/readyzx", "/readyz/ping/x"}) {
    const ServerResponse r = answer(HealthEndpoint::kReadyz, path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body, kNotFound) << path;
    EXPECT_EQ(r.content_type, "application/json");
  }
  // A check that exists on another endpoint only.
  EXPECT_EQ(answer(HealthEndpoint::kLivez, "/livez/metric-storage-ready").status, 404);
  EXPECT_EQ(answer(HealthEndpoint::kHealthz, "/healthz/shutdown").status, 404);
}

}  // namespace
}  // namespace mpf::api::metrics

namespace mpf::api::metrics {
namespace {

TEST(HealthChecksTest, VerboseBodiesEndWithTheFailingNodesByReason) {
  std::vector<ScrapeResult> scrapes(5);
  scrapes[1].status = Status::retryable("dial tcp: connection refused");
  scrapes[1].reason = FailureReason::kConnectionRefused;
  scrapes[3].status = Status::retryable("deadline");
  scrapes[3].reason = FailureReason::kTimeout;
  scrapes[4].status = Status::retryable("deadline");
  scrapes[4].reason = FailureReason::kTimeout;
  HealthState state = healthy();
  state.failing_nodes = summarize_failing_targets(scrapes);
  EXPECT_EQ(state.failing_nodes, "3 of 5 nodes failing: 1 connection_refused, 2 timeout");
  const ServerResponse verbose = answer(HealthEndpoint::kReadyz, "/readyz", "verbose", state);
  EXPECT_TRUE(verbose.body.ends_with("readyz check passed\n3 of 5 nodes failing: 1 connection_refused, 2 timeout\n"))
      << verbose.body;
  EXPECT_EQ(answer(HealthEndpoint::kReadyz, "/readyz", {}, state).body, "ok");  // terse bodies stay as they are
  EXPECT_EQ(summarize_failing_targets(std::vector<ScrapeResult>(3)), "");
}

TEST(HealthChecksTest, VerboseBodiesListEverySinkButADegradedSinkNeverFailsReadiness) {
  std::vector<SinkStatus> sinks(3);
  sinks[0] = {"metrics_api", "ok", "", 0};
  sinks[1] = {"prom", "degraded", "retryable: remote write: HTTP 503: overloaded\nretry later", 2};
  sinks[2] = {"influx", "ok", "retryable: old error, recovered since", 0};
  HealthState state = healthy();
  state.sinks = summarize_sinks(sinks);
  EXPECT_EQ(state.sinks,
            "sink metrics_api: ok\n"
            "sink prom: degraded: retryable: remote write: HTTP 503: overloaded retry later (2 queued)\n"
            "sink influx: ok\n");
  const ServerResponse verbose = answer(HealthEndpoint::kReadyz, "/readyz", "verbose", state);
  EXPECT_EQ(verbose.status, 200);
  EXPECT_TRUE(verbose.body.ends_with("readyz check passed\n" + state.sinks)) << verbose.body;
  EXPECT_EQ(answer(HealthEndpoint::kReadyz, "/readyz", {}, state).body, "ok");
  EXPECT_EQ(summarize_sinks({}), "");
}

}  // namespace
}  // namespace mpf::api::metrics
