#include "core/auth/request_attributes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mpf::core::auth {
namespace {

struct Case {
  std::string method;
  std::string target;  // path?query
  std::string verb;
  std::string prefix;
  std::string group;
  std::string version;
  std::string namespace_name;
  std::string resource;
  std::string subresource;
  std::string name;
};

RequestAttributes resolve(const std::string& method, const std::string& target) {
  const std::size_t question = target.find('?');
  const std::string path = target.substr(0, question);
  const std::string query = question == std::string::npos ? "" : target.substr(question + 1);
  return request_attributes(method, path, query);
}

// TestGetAPIRequestInfo's success table (requestinfo_test.go), plus metrics.k8s.io paths.
TEST(RequestAttributesTest, ResourceRequestsAsRequestInfoResolvesThem) {
  const std::vector<Case> cases = {
      {"GET", "/api/v1/namespaces", "list", "api", "", "v1", "", "namespaces", "", ""},
      {"GET", "/api/v1/namespaces/other", "get", "api", "", "v1", "other", "namespaces", "", "other"},
      {"GET", "/api/v1/namespaces/other/pods", "list", "api", "", "v1", "other", "pods", "", ""},
      {"GET", "/api/v1/namespaces/other/pods/foo", "get", "api", "", "v1", "other", "pods", "", "foo"},
      {"HEAD", "/api/v1/namespaces/other/pods/foo", "get", "api", "", "v1", "other", "pods", "", "foo"},
      {"GET", "/api/v1/pods", "list", "api", "", "v1", "", "pods", "", ""},
      {"HEAD", "/api/v1/pods", "list", "api", "", "v1", "", "pods", "", ""},
      {"GET", "/api/v1/proxy/namespaces/other/pods/foo", "proxy", "api", "", "v1", "other", "pods", "", "foo"},
      {"GET", "/api/v1/proxy/namespaces/other/pods/foo/subpath/not/a/subresource", "proxy", "api", "", "v1", "other",
       "pods", "", "foo"},
      {"GET", "/api/v1/watch/pods", "watch", "api", "", "v1", "", "pods", "", ""},
      {"GET", "/api/v1/pods?watch=true", "watch", "api", "", "v1", "", "pods", "", ""},
      {"GET", "/api/v1/pods?watch=false", "list", "api", "", "v1", "", "pods", "", ""},
      {"GET", "/api/v1/watch/namespaces/other/pods", "watch", "api", "", "v1", "other", "pods", "", ""},
      {"GET", "/api/v1/namespaces/other/pods?watch=1", "watch", "api", "", "v1", "other", "pods", "", ""},
      {"GET", "/api/v1/namespaces/other/pods?watch=0", "list", "api", "", "v1", "other", "pods", "", ""},
      {"GET", "/api/v1/namespaces/other/pods/foo/status", "get", "api", "", "v1", "other", "pods", "status", "foo"},
      {"GET", "/api/v1/namespaces/other/pods/foo/proxy/subpath", "get", "api", "", "v1", "other", "pods", "proxy",
       "foo"},
      {"PUT", "/api/v1/namespaces/other/finalize", "update", "api", "", "v1", "other", "namespaces", "finalize",
       "other"},
      {"PUT", "/api/v1/namespaces/other/status", "update", "api", "", "v1", "other", "namespaces", "status", "other"},
      {"PATCH", "/api/v1/namespaces/other/pods/foo", "patch", "api", "", "v1", "other", "pods", "", "foo"},
      {"DELETE", "/api/v1/namespaces/other/pods/foo", "delete", "api", "", "v1", "other", "pods", "", "foo"},
      {"POST", "/api/v1/namespaces/other/pods", "create", "api", "", "v1", "other", "pods", "", ""},
      {"DELETE", "/api/v1/nodes", "deletecollection", "api", "", "v1", "", "nodes", "", ""},
      {"DELETE", "/api/v1/namespaces", "deletecollection", "api", "", "v1", "", "namespaces", "", ""},
      {"DELETE", "/api/v1/namespaces/other/pods", "deletecollection", "api", "", "v1", "other", "pods", "", ""},
      {"DELETE", "/apis/extensions/v1/namespaces/other/pods", "deletecollection", "apis", "extensions", "v1", "other",
       "pods", "", ""},
      {"POST", "/apis/extensions/v1/namespaces/other/pods", "create", "apis", "extensions", "v1", "other", "pods", "",
       ""},
      {"POST", "/apis/extensions/v1beta3/namespaces/other/pods", "create", "apis", "extensions", "v1beta3", "other",
       "pods", "", ""},
      // The Metrics API.
      {"GET", "/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods/p", "get", "apis", "metrics.k8s.io", "v1beta1", "ns",
       "pods", "", "p"},
      {"GET", "/apis/metrics.k8s.io/v1beta1/pods", "list", "apis", "metrics.k8s.io", "v1beta1", "", "pods", "", ""},
      {"GET", "/apis/metrics.k8s.io/v1beta1/nodes/node-1", "get", "apis", "metrics.k8s.io", "v1beta1", "", "nodes", "",
       "node-1"},
      {"GET", "/apis/metrics.k8s.io/v1beta1/nodes?watch=true", "watch", "apis", "metrics.k8s.io", "v1beta1", "",
       "nodes", "", ""},
      {"GET", "/apis/metrics.k8s.io/v1beta1/nodes/", "list", "apis", "metrics.k8s.io", "v1beta1", "", "nodes", "", ""},
      // A method RequestInfo does not map leaves the verb empty.
      {"OPTIONS", "/apis/metrics.k8s.io/v1beta1/nodes", "", "apis", "metrics.k8s.io", "v1beta1", "", "nodes", "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target);
    const RequestAttributes a = resolve(c.method, c.target);
    EXPECT_TRUE(a.resource_request);
    EXPECT_EQ(a.verb, c.verb);
    EXPECT_EQ(a.api_prefix, c.prefix);
    EXPECT_EQ(a.api_group, c.group);
    EXPECT_EQ(a.api_version, c.version);
    EXPECT_EQ(a.namespace_name, c.namespace_name);
    EXPECT_EQ(a.resource, c.resource);
    EXPECT_EQ(a.subresource, c.subresource);
    EXPECT_EQ(a.name, c.name);
    EXPECT_EQ(a.path, c.target.substr(0, c.target.find('?')));
  }
}

// TestGetNonAPIRequestInfo and the error cases of TestGetAPIRequestInfo.
TEST(RequestAttributesTest, NonResourceRequestsKeepMethodAndPath) {
  const std::vector<std::string> paths = {"/",        "/api/version/",      "/apis/group/version/",
                                          "/badprefix/version/resource",    "/apis/version/resource",
                                          "/not-api/version/resource",      "/apis/extensions/v1beta1",
                                          "/apis/extensions/v1beta1/",      "/api/version",
                                          "/api",     "",                   "/metrics",
                                          "/apis",    "/apis/metrics.k8s.io", "/openapi/v2",
                                          "/healthz"};
  for (const std::string& path : paths) {
    SCOPED_TRACE(path);
    const RequestAttributes a = request_attributes("GET", path, "");
    EXPECT_FALSE(a.resource_request);
    EXPECT_EQ(a.verb, "get");
    EXPECT_EQ(a.path, path);
    EXPECT_EQ(a.api_prefix, "");
    EXPECT_EQ(a.resource, "");
  }
  EXPECT_EQ(request_attributes("HEAD", "/metrics", "").verb, "head");
  EXPECT_EQ(request_attributes("Post", "/metrics", "").verb, "post");
}

TEST(RequestAttributesTest, ResourceRequestShapes) {
  for (const std::string path : {"/api/version/resource", "/apis/group/version/resource/name/subresource",
                                 "/api/version/resource/name/subresource", "/apis/batch/v1/job",
                                 "/apis/batch/v1/job/foo", "/apis/batch/v1/job/foo/scale"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(request_attributes("GET", path, "").resource_request);
  }
}

// TestSelectorParsing: a fieldSelector on metadata.name names the object of a list or watch.
TEST(RequestAttributesTest, FieldSelectorOnMetadataNameNamesTheObject) {
  struct SelectorCase {
    std::string method;
    std::string target;
    std::string verb;
    std::string name;
  };
  const std::vector<SelectorCase> cases = {
      {"GET", "/apis/group/version/resource", "list", ""},
      {"GET", "/apis/group/version/resource?fieldSelector=metadata.name=name1", "list", "name1"},
      {"GET", "/apis/group/version/resource?watch=true&fieldSelector=metadata.name=name1", "watch", "name1"},
      {"GET", "/apis/group/version/resource?fieldSelector=foo=bar&labelSelector=baz=qux", "list", ""},
      {"GET", "/apis/group/version/resource?fieldSelector=metadata.name=name1,foo", "list", ""},
      {"GET", "/apis/group/version/resource?fieldSelector=metadata.name=name1,foo&watch=true", "watch", ""},
      {"GET", "/apis/group/version/resource?fieldSelector=metadata.name=name1,foo&watch=false", "list", ""},
      {"DELETE", "/apis/group/version/resource?fieldSelector=foo=bar&labelSelector=baz=qux", "deletecollection", ""},
      {"GET",
       "/apis/group/version/resource?fieldSelector=metadata.name=foo&fieldSelector=metadata.name=bar&labelSelector="
       "foo=bar&labelSelector=foo=baz",
       "list", "foo"},
      {"GET", "/apis/group/version/resource/name?fieldSelector=foo=bar&labelSelector=foo=bar", "get", "name"},
      {"GET", "/apis/group/version/watch/resource?fieldSelector=metadata.name=foo&labelSelector=foo=bar", "watch",
       ""},
      {"GET", "/apis/group/version/watch/resource/name?fieldSelector=metadata.name=foo&labelSelector=foo=bar",
       "watch", "name"},
      // Beyond the Go table: how the selector and the other list options decode.
      {"GET", "/apis/g/v/r?fieldSelector=metadata.name%3D%3Dn2", "list", "n2"},     // "==" and escapes
      {"GET", "/apis/g/v/r?fieldSelector=metadata.name!%3Dn2", "list", ""},          // "!=" names nothing
      {"GET", "/apis/g/v/r?fieldSelector=spec.x=1,metadata.name=b,metadata.name=a", "list", "a"},  // sorted terms
      {"GET", "/apis/g/v/r?fieldSelector=metadata.name=a%2Fb", "list", ""},          // not a path segment name
      {"GET", "/apis/g/v/r?fieldSelector=metadata.name=..", "list", ""},
      {"GET", "/apis/g/v/r?fieldSelector=metadata.name=a%5C,b", "list", "a,b"},      // \, unescaped
      {"GET", "/apis/g/v/r?fieldSelector=metadata.name=a%5Cx", "list", ""},          // bad escape fails decoding
      {"GET", "/apis/g/v/r?fieldSelector=metadata.name=n&limit=abc", "list", ""},     // a bad limit drops it
      {"GET", "/apis/g/v/r?fieldSelector=metadata.name=n&limit=-5", "list", "n"},
      {"GET", "/apis/g/v/r?fieldSelector=metadata.name=n&timeoutSeconds=1.5&watch=1", "watch", ""},
      {"GET", "/apis/g/v/r?fieldSelector=metadata.name=n&labelSelector=a%20in", "list", ""},  // bad labels
      {"GET", "/apis/g/v/r?fieldSelector=metadata.name=n;x", "list", ""},  // ';' drops the pair
      {"GET", "/apis/g/v/r?watch=TRUE", "watch", ""},
      {"GET", "/apis/g/v/r?watch=FaLsE", "list", ""},
      {"GET", "/apis/g/v/r?watch=", "watch", ""},  // Convert_Slice_string_To_bool: only 0/false are false
      {"GET", "/apis/g/v/r?watch=0&watch=1", "list", ""},  // the first value counts
      {"GET", "/apis/g/v/r?watch", "watch", ""},
      {"GET", "/apis/g/v/r?%77atch=1", "watch", ""},
  };
  for (const SelectorCase& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target);
    const RequestAttributes a = resolve(c.method, c.target);
    EXPECT_EQ(a.verb, c.verb);
    EXPECT_EQ(a.name, c.name);
  }
}

TEST(RequestAttributesTest, PathIsSplitPercentDecodedButReportedAsSent) {
  const RequestAttributes a = request_attributes("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/d%65v/pods/a%20b", "");
  EXPECT_EQ(a.namespace_name, "dev");
  EXPECT_EQ(a.name, "a b");
  EXPECT_EQ(a.path, "/apis/metrics.k8s.io/v1beta1/namespaces/d%65v/pods/a%20b");
  // Go splits the decoded path, so an encoded slash separates segments too.
  const RequestAttributes slash = request_attributes("GET", "/api/v1/namespaces/ns/pods/x%2Fstatus", "");
  EXPECT_EQ(slash.name, "x");
  EXPECT_EQ(slash.subresource, "status");
  // A bad escape (which Go's server rejects before any filter) is taken as sent.
  EXPECT_EQ(request_attributes("GET", "/api/v1/pods/%zz", "").name, "%zz");
  // Inner empty segments are kept, as strings.Split keeps them.
  const RequestAttributes empty = request_attributes("GET", "/api/v1//pods", "");
  EXPECT_EQ(empty.resource, "");
  EXPECT_EQ(empty.name, "pods");
}

TEST(RequestAttributesTest, SpecialVerbWithoutResourceStopsEarly) {
  // RequestInfo returns an error here with what it found so far: a resource request, verb from the method.
  const RequestAttributes a = request_attributes("GET", "/api/v1/watch", "");
  EXPECT_TRUE(a.resource_request);
  EXPECT_EQ(a.verb, "get");
  EXPECT_EQ(a.api_version, "v1");
  EXPECT_EQ(a.resource, "");
}

TEST(RequestAttributesTest, NamespaceSubresourcesAndNamespacedResources) {
  const RequestAttributes ns = request_attributes("GET", "/api/v1/namespaces/other/status", "");
  EXPECT_EQ(ns.resource, "namespaces");
  EXPECT_EQ(ns.name, "other");
  EXPECT_EQ(ns.subresource, "status");
  EXPECT_EQ(ns.namespace_name, "other");
  const RequestAttributes watch = request_attributes("GET", "/api/v1/watch/namespaces/other", "");
  EXPECT_EQ(watch.verb, "watch");
  EXPECT_EQ(watch.resource, "namespaces");
  EXPECT_EQ(watch.name, "other");
  const RequestAttributes proxy = request_attributes("GET", "/api/v1/proxy/nodes/n1/x/y", "");
  EXPECT_EQ(proxy.verb, "proxy");
  EXPECT_EQ(proxy.subresource, "");
  EXPECT_EQ(proxy.name, "n1");
}

}  // namespace
}  // namespace mpf::core::auth
