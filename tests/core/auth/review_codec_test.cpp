#include "core/auth/review_codec.h"

#include <gtest/gtest.h>

#include <string>

namespace mpf::core::auth {
namespace {

mpf::RequestUser jane() {
  mpf::RequestUser user;
  user.name = "jane";
  user.uid = "u-1";
  user.groups = {"dev", "system:authenticated"};
  user.extra = {{"scopes", {"a", "b"}}, {"authentication.kubernetes.io/credential-id", {"X509SHA256=ab"}}};
  return user;
}

TEST(ReviewCodecTest, TokenReviewRequestAsClientGoWritesIt) {
  EXPECT_EQ(token_review_request("abc.def", {}),
            R"({"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},)"
            R"("spec":{"token":"abc.def"},"status":{"user":{}}})");
  EXPECT_EQ(token_review_request("t<&>\"", {"https://kubernetes.default.svc", "api"}),
            R"({"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},)"
            R"("spec":{"token":"t\u003c\u0026\u003e\"","audiences":["https://kubernetes.default.svc","api"]},)"
            R"("status":{"user":{}}})");
  EXPECT_EQ(token_review_request("", {}),
            R"({"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},)"
            R"("spec":{},"status":{"user":{}}})");
}

TEST(ReviewCodecTest, SubjectAccessReviewForResourceRequest) {
  const RequestAttributes attributes =
      request_attributes("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web-0", "");
  EXPECT_EQ(subject_access_review_request(jane(), attributes),
            R"({"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1",)"
            R"("metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"default","verb":"get",)"
            R"("group":"metrics.k8s.io","version":"v1beta1","resource":"pods","name":"web-0"},"user":"jane",)"
            R"("groups":["dev","system:authenticated"],"extra":{"authentication.kubernetes.io/credential-id":)"
            R"(["X509SHA256=ab"],"scopes":["a","b"]},"uid":"u-1"},"status":{"allowed":false}})");
}

TEST(ReviewCodecTest, SubjectAccessReviewOmitsEmptyFields) {
  mpf::RequestUser anonymous;
  anonymous.name = "system:anonymous";
  anonymous.groups = {"system:unauthenticated"};
  EXPECT_EQ(subject_access_review_request(anonymous, request_attributes("GET", "/api/v1/nodes", "")),
            R"({"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1",)"
            R"("metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"verb":"list","version":"v1",)"
            R"("resource":"nodes"},"user":"system:anonymous","groups":["system:unauthenticated"]},)"
            R"("status":{"allowed":false}})");
  EXPECT_EQ(subject_access_review_request(mpf::RequestUser{}, request_attributes("GET", "/metrics", "")),
            R"({"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1",)"
            R"("metadata":{"creationTimestamp":null},"spec":{"nonResourceAttributes":{"path":"/metrics","verb":"get"}},)"
            R"("status":{"allowed":false}})");
  mpf::RequestUser odd;
  odd.name = "a\"b";
  odd.extra = {{"k", {}}};
  EXPECT_EQ(subject_access_review_request(odd, request_attributes("GET", "/api/v1/namespaces/ns/pods/p/log", "")),
            R"({"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1",)"
            R"("metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"ns","verb":"get",)"
            R"("version":"v1","resource":"pods","subresource":"log","name":"p"},"user":"a\"b","extra":{"k":null}},)"
            R"("status":{"allowed":false}})");
}

TEST(ReviewCodecTest, ParsesTokenReviewAnswer) {
  auto answer = parse_token_review_response(
      R"({"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null,)"
      R"("managedFields":[{"x":1}]},"spec":{"token":"t"},"status":{"authenticated":true,"user":{)"
      R"("username":"system:serviceaccount:kube-system:hpa","uid":"1234","groups":["system:serviceaccounts",)"
      R"("system:authenticated"],"extra":{"z":["1"],"authentication.kubernetes.io/pod-name":["p\u00e9"]}},)"
      R"("audiences":["https://kubernetes.default.svc.cluster.local"],"unknown":{"a":[1,2,{"b":null}]}}})");
  ASSERT_TRUE(answer.is_ok()) << answer.status().to_string();
  EXPECT_TRUE(answer->authenticated);
  EXPECT_EQ(answer->user.name, "system:serviceaccount:kube-system:hpa");
  EXPECT_EQ(answer->user.uid, "1234");
  EXPECT_EQ(answer->user.groups, (std::vector<std::string>{"system:serviceaccounts", "system:authenticated"}));
  ASSERT_EQ(answer->user.extra.size(), 2u);
  EXPECT_EQ(answer->user.extra[0].first, "authentication.kubernetes.io/pod-name");
  EXPECT_EQ(answer->user.extra[0].second, (std::vector<std::string>{"p\xC3\xA9"}));
  EXPECT_EQ(answer->user.extra[1].first, "z");
  EXPECT_EQ(answer->audiences, (std::vector<std::string>{"https://kubernetes.default.svc.cluster.local"}));
  EXPECT_EQ(answer->error, "");
}

TEST(ReviewCodecTest, TokenReviewAnswerToleratesOrderNullsAndAbsence) {
  auto answer = parse_token_review_response(
      R"({"status":{"error":"token expired","user":null,"authenticated":false,"audiences":null},"kind":null})");
  ASSERT_TRUE(answer.is_ok()) << answer.status().to_string();
  EXPECT_FALSE(answer->authenticated);
  EXPECT_EQ(answer->error, "token expired");
  EXPECT_TRUE(answer->audiences.empty());

  auto minimal = parse_token_review_response("{}");
  ASSERT_TRUE(minimal.is_ok());
  EXPECT_FALSE(minimal->authenticated);

  // Later values win, as decoding into a Go struct and map does; invalid UTF-8 becomes U+FFFD.
  auto repeated = parse_token_review_response(
      R"({"status":{"user":{"username":"a","extra":{"k":["1"],"k":["2"]}},"user":{"username":"b)" "\xff" R"("}}})");
  ASSERT_TRUE(repeated.is_ok()) << repeated.status().to_string();
  EXPECT_EQ(repeated->user.name, "b\xEF\xBF\xBD");
  ASSERT_EQ(repeated->user.extra.size(), 1u);
  EXPECT_EQ(repeated->user.extra[0].second, (std::vector<std::string>{"2"}));
}

TEST(ReviewCodecTest, TokenReviewAnswerRejections) {
  auto message = [](std::string_view json) {
    auto answer = parse_token_review_response(json);
    if (answer.is_ok()) return std::string("ok");
    EXPECT_EQ(answer.status().code(), StatusCode::kPermanent);
    return answer.status().message();
  };
  EXPECT_EQ(message(R"({"kind":"Status","apiVersion":"v1","status":"Failure"})"),
            "TokenReview response: kind is \"Status\", want TokenReview");
  EXPECT_EQ(message(R"({"apiVersion":"authentication.k8s.io/v1beta1"})"),
            "TokenReview response: apiVersion is \"authentication.k8s.io/v1beta1\", want authentication.k8s.io/v1");
  EXPECT_EQ(message("[]"), "TokenReview response: not a JSON object");
  EXPECT_EQ(message("\"x\""), "TokenReview response: not a JSON object");
  EXPECT_EQ(message("null"), "TokenReview response: not a JSON object");
  EXPECT_EQ(message(""), "TokenReview response: not JSON at offset 0: The document is empty.");
  EXPECT_EQ(message(R"({"status":{"authenticated":true}} x)"),
            "TokenReview response: not JSON at offset 34: The document root must not be followed by other values.");
  EXPECT_EQ(message(R"({"status":{"authenticated":"yes"}})"),
            "TokenReview response: status.authenticated is a string, want a boolean");
  EXPECT_EQ(message(R"({"status":{"user":{"groups":"a"}}})"),
            "TokenReview response: status.user.groups is a string, want an array of strings");
  EXPECT_EQ(message(R"({"status":{"user":{"groups":["a",1]}}})"),
            "TokenReview response: status.user.groups[] is a number, want a string");
  EXPECT_EQ(message(R"({"status":{"user":{"extra":{"k":"v"}}}})"),
            "TokenReview response: status.user.extra.k is a string, want an array of strings");
  EXPECT_EQ(message(R"({"status":[]})"), "TokenReview response: status is an array, want an object");
  EXPECT_EQ(message(R"({"status":{"user":{"username":{}}}})"),
            "TokenReview response: status.user.username is an object, want a string");
  EXPECT_EQ(message(R"({"kind":7})"), "TokenReview response: kind is a number, want a string");
  EXPECT_EQ(message(std::string(100000, '[')), "TokenReview response: not a JSON object");
  EXPECT_EQ(message(R"({"metadata":)" + std::string(100000, '[')),
            "TokenReview response: nested more than 256 levels deep");
  EXPECT_EQ(message(std::string("{}\0{", 4)), "TokenReview response: not JSON at offset 2: NUL byte");
}

TEST(ReviewCodecTest, ParsesSubjectAccessReviewAnswer) {
  auto allowed = parse_subject_access_review_response(
      R"({"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{},)"
      R"("spec":{"resourceAttributes":{"verb":"list"}},"status":{"allowed":true,"reason":"RBAC: allowed by )"
      R"(ClusterRoleBinding \"system:metrics-server\""}})");
  ASSERT_TRUE(allowed.is_ok()) << allowed.status().to_string();
  EXPECT_TRUE(allowed->allowed);
  EXPECT_FALSE(allowed->denied);
  EXPECT_EQ(allowed->reason, "RBAC: allowed by ClusterRoleBinding \"system:metrics-server\"");

  auto denied = parse_subject_access_review_response(
      R"({"status":{"evaluationError":"webhook down","denied":true,"allowed":false,"reason":null}})");
  ASSERT_TRUE(denied.is_ok()) << denied.status().to_string();
  EXPECT_FALSE(denied->allowed);
  EXPECT_TRUE(denied->denied);
  EXPECT_EQ(denied->evaluation_error, "webhook down");

  auto wrong = parse_subject_access_review_response(R"({"kind":"TokenReview"})");
  ASSERT_FALSE(wrong.is_ok());
  EXPECT_EQ(wrong.status().message(), "SubjectAccessReview response: kind is \"TokenReview\", want SubjectAccessReview");
  auto bad_type = parse_subject_access_review_response(R"({"status":{"allowed":1}})");
  ASSERT_FALSE(bad_type.is_ok());
  EXPECT_EQ(bad_type.status().message(), "SubjectAccessReview response: status.allowed is a number, want a boolean");
}

TEST(ReviewCodecTest, UnauthorizedBodyIsGoByteForByte) {
  EXPECT_EQ(unauthorized_body(),
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized",)"
            R"("reason":"Unauthorized","code":401})");
}

TEST(ReviewCodecTest, ForbiddenMessages) {
  mpf::RequestUser user;
  user.name = "jane";
  EXPECT_EQ(forbidden_message(user, request_attributes("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", ""), ""),
            "pods.metrics.k8s.io is forbidden: User \"jane\" cannot list resource \"pods\" in API group "
            "\"metrics.k8s.io\" in the namespace \"default\"");
  EXPECT_EQ(forbidden_message(user, request_attributes("GET", "/apis/metrics.k8s.io/v1beta1/nodes/node-1", ""),
                              "no RBAC policy matched"),
            "nodes.metrics.k8s.io \"node-1\" is forbidden: User \"jane\" cannot get resource \"nodes\" in API group "
            "\"metrics.k8s.io\" at the cluster scope: no RBAC policy matched");
  mpf::RequestUser anonymous;
  anonymous.name = "system:anonymous";
  EXPECT_EQ(forbidden_message(anonymous, request_attributes("GET", "/metrics", ""), ""),
            "forbidden: User \"system:anonymous\" cannot get path \"/metrics\"");
  EXPECT_EQ(forbidden_message(user, request_attributes("GET", "/api/v1/namespaces/ns/pods/p/log", ""), ""),
            "pods \"p\" is forbidden: User \"jane\" cannot get resource \"pods/log\" in API group \"\" in the "
            "namespace \"ns\"");
  // The sanitizer covers forbiddenMessage, not the reason nor NewForbidden's prefix.
  mpf::RequestUser html;
  html.name = "<b>&";
  EXPECT_EQ(forbidden_message(html, request_attributes("GET", "/x<y>", ""), "a<b"),
            "forbidden: User \"&lt;b&gt;&amp;\" cannot get path \"/x&lt;y&gt;\": a<b");
  EXPECT_EQ(forbidden_message(user, request_attributes("GET", "/api/v1/nodes/a<b", ""), ""),
            "nodes \"a<b\" is forbidden: User \"jane\" cannot get resource \"nodes\" in API group \"\" at the "
            "cluster scope");
  mpf::RequestUser quoted;
  quoted.name = "a\"b\n";
  EXPECT_EQ(forbidden_message(quoted, request_attributes("GET", "/healthz", ""), ""),
            "forbidden: User \"a\\\"b\\n\" cannot get path \"/healthz\"");
}

TEST(ReviewCodecTest, ForbiddenBodies) {
  mpf::RequestUser user;
  user.name = "jane";
  EXPECT_EQ(forbidden_body(user, request_attributes("GET", "/apis/metrics.k8s.io/v1beta1/nodes/node-1", ""), ""),
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"nodes.metrics.k8s.io )"
            R"(\"node-1\" is forbidden: User \"jane\" cannot get resource \"nodes\" in API group \"metrics.k8s.io\" )"
            R"(at the cluster scope","reason":"Forbidden","details":{"name":"node-1","group":"metrics.k8s.io",)"
            R"("kind":"nodes"},"code":403})");
  EXPECT_EQ(forbidden_body(user, request_attributes("GET", "/api/v1/pods", ""), ""),
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods is forbidden: )"
            R"(User \"jane\" cannot list resource \"pods\" in API group \"\" at the cluster scope","reason":)"
            R"("Forbidden","details":{"kind":"pods"},"code":403})");
  EXPECT_EQ(forbidden_body(user, request_attributes("GET", "/openapi/v2", ""), "x&y"),
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User )"
            R"(\"jane\" cannot get path \"/openapi/v2\": x\u0026y","reason":"Forbidden","details":{},"code":403})");
}

}  // namespace
}  // namespace mpf::core::auth
