// The HTTP API in process: every endpoint through handle_api (no socket, no
// daemon), over a real store and a real repository, each with what it
// answers when it works and each way it refuses. Nothing a refusal touches
// may change.
#include "api/api.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include "api/service.h"
#include "core/ids.h"
#include "core/url_encoding.h"
#include "tests/support/test_support.h"

namespace corral::api {
namespace {

using json = nlohmann::json;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    corral::testing::make_sample_repo(dir_ / "repo");
    corral::testing::make_sample_repo(dir_ / "other");
    layout_ = std::make_unique<DataLayout>(dir_ / "data");
    ASSERT_TRUE(layout_->create_directories());
    auto opened = store::Store::open(layout_->database(), clock_);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(*opened);
    service_ = std::make_unique<Service>(*store_, *layout_);
    repo_ = call_admin("POST", "/v1/repos", json{{"path", dir_ / "repo"}}.dump()).second["id"];
    other_ = call_admin("POST", "/v1/repos", json{{"path", dir_ / "other"}}.dump()).second["id"];
    for (const char* role : {"owner", "reviewer", "submitter", "agent"}) {
      tokens_[role] = token(role, repo_);
    }
    tokens_["admin"] = token("admin", "*");
    tokens_["outsider"] = token("owner", other_);  // an owner, of the other repository
  }

  std::string token(const std::string& role, const std::string& repo) {
    auto made =
        call_admin("POST", "/v1/tokens", json{{"name", role + "@" + repo}, {"role", role}, {"repo", repo}}.dump());
    EXPECT_EQ(made.first, 201) << made.second.dump();
    return made.second.value("token", "");
  }

  // (status, body) of a request from the local socket's trusted peer.
  std::pair<int, json> call_admin(const std::string& method, const std::string& target, const std::string& body = "") {
    ApiRequest request{method, target, "", "", body, policy::Caller{"local:0", "admin", "*"}};
    ApiResponse response = handle_api(*service_, request);
    return {response.status, json::parse(response.body, nullptr, false)};
  }

  // (status, body) of a request with `who`'s bearer token ("" for none).
  std::pair<int, json> call(const std::string& who, const std::string& method, const std::string& target,
                            const std::string& body = "") {
    std::string authorization = who.empty() ? "" : "Bearer " + tokens_.at(who);
    ApiResponse response = handle_api(*service_, {method, target, authorization, "", body, std::nullopt});
    return {response.status, json::parse(response.body, nullptr, false)};
  }

  std::string task_body(const std::string& repo, const std::string& extra = "") {
    return "{\"repo\": \"" + repo + "\", \"prompt\": \"do it\", \"agent\": \"true\"" + extra + "}";
  }

  std::string submit() {
    auto made = call("submitter", "POST", "/v1/tasks", task_body(repo_));
    EXPECT_EQ(made.first, 201) << made.second.dump();
    return made.second.value("id", "");
  }

  size_t count(const std::string& collection) {
    return call_admin("GET", "/v1/" + collection).second[collection].size();
  }

  static std::string code(const std::pair<int, json>& answer) { return answer.second["error"].value("code", ""); }

  corral::testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<DataLayout> layout_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Service> service_;
  std::string repo_, other_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(ApiTest, HealthNeedsNoCaller) {
  ApiResponse response = handle_api(*service_, {"GET", "/v1/health", "", "", "", std::nullopt});
  EXPECT_EQ(response.status, 200);
}

TEST_F(ApiTest, EveryOtherEndpointNeedsAValidBearer) {
  for (const char* authorization : {"", "Basic abc", "Bearer crl_not-a-token", "Bearer"}) {
    ApiResponse response = handle_api(*service_, {"GET", "/v1/tasks", authorization, "", "", std::nullopt});
    EXPECT_EQ(response.status, 401) << authorization;
  }
  EXPECT_EQ(handle_api(*service_, {"GET", "/v1/tasks", "bearer " + tokens_["admin"], "", "", std::nullopt}).status, 200)
      << "the scheme is case-insensitive (RFC 7235)";
  std::string owner_token_id;
  json tokens = call_admin("GET", "/v1/tokens").second["tokens"];
  for (const json& listed : tokens) {
    if (listed["name"] == "owner@" + repo_) owner_token_id = listed["id"];
  }
  EXPECT_EQ(call_admin("DELETE", "/v1/tokens/" + owner_token_id).first, 200);
  EXPECT_EQ(call("owner", "GET", "/v1/tasks").first, 401) << "a revoked token is no caller";
  EXPECT_EQ(call("reviewer", "GET", "/v1/tasks").first, 200) << "the others still are";
}

TEST_F(ApiTest, UnknownPathsAndMethodsAreNamed) {
  EXPECT_EQ(call("admin", "GET", "/v1/nothing").first, 404);
  EXPECT_EQ(call("admin", "GET", "/v2/tasks").first, 404);
  auto wrong_method = call("admin", "PUT", "/v1/tasks");
  EXPECT_EQ(wrong_method.first, 405);
  EXPECT_EQ(code(wrong_method), "method_not_allowed");
}

TEST_F(ApiTest, SubmitQueuesATaskAndRefusesBadOnesWithoutChangingAnything) {
  auto made = call("submitter", "POST", "/v1/tasks", task_body(repo_));
  ASSERT_EQ(made.first, 201) << made.second.dump();
  EXPECT_EQ(made.second["state"], "queued");
  EXPECT_EQ(made.second["submitter"], "submitter@" + repo_);
  struct Refusal {
    std::string who, body;
    int status;
    std::string code;
  };
  for (const Refusal& bad : std::vector<Refusal>{
           {"submitter", "not json", 400, "invalid_argument"},
           {"submitter", "{\"repo\": \"" + repo_ + "\"}", 400, "invalid_argument"},
           {"submitter", task_body(repo_, ", \"priority\": 1000"), 400, "invalid_argument"},
           {"submitter", task_body(repo_, ", \"priority\": 18446744073709551615"), 400, "invalid_argument"},
           {"submitter", task_body(repo_, ", \"timeout_seconds\": 9223372036854775808"), 400, "invalid_argument"},
           {"submitter", "{\"repo\": \"" + repo_ + "\", \"prompt\": \"a\\u0000b\", \"agent\": \"true\"}", 400,
            "invalid_argument"},
           {"submitter", task_body(repo_, ", \"base\": \"no-such-revision\""), 400, "invalid_argument"},
           {"submitter", task_body(repo_, ", \"colour\": \"red\""), 400, "invalid_argument"},
           {"submitter", task_body("/no/such/repo"), 404, "not_found"},
           {"submitter", task_body(other_), 403, "permission_denied"},
           {"reviewer", task_body(repo_), 403, "permission_denied"},
           {"agent", task_body(repo_), 403, "permission_denied"},
           {"submitter",
            "{\"tasks\": [" + task_body(repo_, ", \"ref\": \"a\", \"parents\": [\"b\"]") + ", " +
                task_body(repo_, ", \"ref\": \"b\", \"parents\": [\"a\"]") + "]}",
            400, "invalid_argument"},
       }) {
    auto answer = call(bad.who, "POST", "/v1/tasks", bad.body);
    EXPECT_EQ(answer.first, bad.status) << bad.body << " -> " << answer.second.dump();
    EXPECT_EQ(code(answer), bad.code) << bad.body;
  }
  EXPECT_EQ(count("tasks"), 1u) << "nothing refused was queued";
  EXPECT_EQ(call("submitter", "POST", "/v1/tasks", task_body(repo_, ", \"base\": \"main\"")).first, 201)
      << "a base the repository has";
}

TEST_F(ApiTest, ListAndShowTasksWithinTheCallersScope) {
  std::string id = submit();
  EXPECT_EQ(call("reviewer", "GET", "/v1/tasks").second["tasks"].size(), 1u);
  EXPECT_EQ(call("outsider", "GET", "/v1/tasks").second["tasks"].size(), 0u) << "another repository's tasks";
  EXPECT_EQ(call("reviewer", "GET", "/v1/tasks?state=queued").second["tasks"].size(), 1u);
  EXPECT_EQ(call("reviewer", "GET", "/v1/tasks?state=merged").second["tasks"].size(), 0u);
  EXPECT_EQ(call("reviewer", "GET", "/v1/tasks?state=bogus").first, 400);
  EXPECT_EQ(call("reviewer", "GET", "/v1/tasks?limit=0").first, 400);
  EXPECT_EQ(call("reviewer", "GET", "/v1/tasks/" + id).second["prompt"], "do it");
  EXPECT_EQ(call("outsider", "GET", "/v1/tasks/" + id).first, 403);
  EXPECT_EQ(call("reviewer", "GET", "/v1/tasks/" + new_id("t")).first, 404);
  EXPECT_EQ(call("reviewer", "GET", "/v1/tasks/not-an-id").first, 400);
}

// The queue's filters (the web UI's too): by agent and by submitter, with
// the state and repository ones.
TEST_F(ApiTest, TasksAreFilteredByAgentAndSubmitter) {
  submit();  // agent "true", by the submitter
  auto other =
      call("owner", "POST", "/v1/tasks", task_body(repo_).replace(task_body(repo_).find("\"true\""), 6, "\"echo hi\""));
  ASSERT_EQ(other.first, 201) << other.second.dump();
  auto listed = [&](const std::string& query) {
    std::vector<std::string> ids;
    json tasks = call("admin", "GET", "/v1/tasks?" + query).second["tasks"];
    for (const json& task : tasks) ids.push_back(task["id"]);
    return ids;
  };
  EXPECT_EQ(listed("").size(), 2u);
  EXPECT_EQ(listed("agent=echo%20hi"), std::vector<std::string>{other.second["id"]});
  EXPECT_EQ(listed("submitter=owner%40" + repo_), std::vector<std::string>{other.second["id"]});
  EXPECT_EQ(listed("submitter=submitter%40" + repo_ + "&agent=true").size(), 1u);
  EXPECT_TRUE(listed("submitter=nobody").empty());
}

// A long queue comes a page at a time, oldest or newest first, with the
// count of all that match.
TEST_F(ApiTest, TasksComeInPagesWithTheirTotal) {
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(submit());
  auto page = [&](const std::string& query) {
    auto answer = call("reviewer", "GET", "/v1/tasks?" + query);
    EXPECT_EQ(answer.first, 200) << query << ": " << answer.second.dump();
    std::vector<std::string> listed;
    for (const json& task : answer.second["tasks"]) listed.push_back(task["id"]);
    EXPECT_EQ(answer.second["total"], 7) << query;
    return listed;
  };
  EXPECT_EQ(page("limit=3"), (std::vector<std::string>{ids[0], ids[1], ids[2]}));
  EXPECT_EQ(page("limit=3&offset=3"), (std::vector<std::string>{ids[3], ids[4], ids[5]}));
  EXPECT_EQ(page("limit=3&offset=6"), (std::vector<std::string>{ids[6]}));
  EXPECT_TRUE(page("limit=3&offset=7").empty());
  EXPECT_EQ(page("limit=2&order=newest"), (std::vector<std::string>{ids[6], ids[5]}));
  EXPECT_EQ(page("limit=2&offset=2&order=newest"), (std::vector<std::string>{ids[4], ids[3]}));
  EXPECT_EQ(call("reviewer", "GET", "/v1/tasks?order=sideways").first, 400);
  EXPECT_EQ(call("reviewer", "GET", "/v1/tasks?offset=-1").first, 400);
  EXPECT_EQ(call("outsider", "GET", "/v1/tasks").second["total"], 0) << "the count is of what the caller may read";
}

// A stack: a diamond (a; b and c after a; d after b and c) and a task apart.
TEST_F(ApiTest, AStackIsEveryTaskLinkedThroughParentsAndChildren) {
  auto made = call("submitter", "POST", "/v1/tasks",
                   "{\"tasks\": [" + task_body(repo_, ", \"ref\": \"a\"") + ", " +
                       task_body(repo_, ", \"ref\": \"b\", \"parents\": [\"a\"]") + ", " +
                       task_body(repo_, ", \"ref\": \"c\", \"parents\": [\"a\"]") + ", " +
                       task_body(repo_, ", \"ref\": \"d\", \"parents\": [\"b\", \"c\"]") + "]}");
  ASSERT_EQ(made.first, 201) << made.second.dump();
  std::vector<std::string> ids;
  for (const json& task : made.second["tasks"]) ids.push_back(task["id"]);
  ASSERT_EQ(ids.size(), 4u);
  std::string apart = submit();
  for (const std::string& from : {ids[0], ids[3], ids[1]}) {
    auto stack = call("reviewer", "GET", "/v1/tasks/" + from + "/stack");
    ASSERT_EQ(stack.first, 200) << stack.second.dump();
    std::set<std::string> listed;
    for (const json& task : stack.second["tasks"]) listed.insert(task["id"].get<std::string>());
    EXPECT_EQ(listed, std::set<std::string>(ids.begin(), ids.end())) << "from " << from;
    EXPECT_EQ(stack.second["truncated"], false);
  }
  auto alone = call("reviewer", "GET", "/v1/tasks/" + apart + "/stack");
  ASSERT_EQ(alone.second["tasks"].size(), 1u);
  EXPECT_EQ(call("outsider", "GET", "/v1/tasks/" + ids[0] + "/stack").first, 403);
  EXPECT_EQ(call("reviewer", "GET", "/v1/tasks/not-an-id/stack").first, 400);
}

// The repository page's chart: the KPIs after each outcome, per agent.
TEST_F(ApiTest, KpisOverTimeAreSeriesForTheRepositoryAndEachAgent) {
  ASSERT_TRUE(store_
                  ->with([&](store::Transaction& tx) -> Status {
                    CORRAL_RETURN_IF_ERROR(tx.outcomes.record(repo_, "t-1", "claude", "merged"));
                    CORRAL_RETURN_IF_ERROR(tx.outcomes.record(repo_, "t-2", "codex", "rejected"));
                    return tx.outcomes.record(repo_, "t-3", "claude", "merged");
                  })
                  .is_ok());
  auto answer = call("reviewer", "GET", "/v1/repos/" + repo_ + "/kpis");
  ASSERT_EQ(answer.first, 200) << answer.second.dump();
  json series = answer.second["series"];
  EXPECT_EQ(answer.second["outcomes"], 3);
  ASSERT_EQ(series[""].size(), 3u) << series.dump();
  ASSERT_EQ(series["claude"].size(), 2u);
  ASSERT_EQ(series["codex"].size(), 1u);
  EXPECT_NEAR(series[""][2]["success_rate"].get<double>(), 2.0 / 3, 0.01);
  EXPECT_LT(series["claude"][1]["success_lower"].get<double>(), 1.0);
  EXPECT_FALSE(series["claude"][1]["time"].get<std::string>().empty());
  ASSERT_EQ(answer.second["recent"].size(), 3u);
  EXPECT_EQ(answer.second["recent"][1]["task"], "t-2");
  EXPECT_EQ(answer.second["recent"][1]["outcome"], "rejected");
  EXPECT_EQ(call("outsider", "GET", "/v1/repos/" + repo_ + "/kpis").first, 403);
  EXPECT_EQ(call("reviewer", "POST", "/v1/repos/" + repo_ + "/kpis", "{}").first, 405);
}

// A `repo` filter is an id or a registered path; any other is an error, not
// an empty list.
TEST_F(ApiTest, RepositoryFiltersTakeAnIdOrAPathAndRefuseUnknownOnes) {
  submit();
  std::string path = percent_encode(dir_ / "repo");
  for (const std::string& filter : {repo_, path}) {
    EXPECT_EQ(call("reviewer", "GET", "/v1/tasks?repo=" + filter).second["tasks"].size(), 1u) << filter;
    EXPECT_EQ(call("reviewer", "GET", "/v1/events?repo=" + filter).second["events"],
              call("reviewer", "GET", "/v1/events?repo=" + repo_).second["events"])
        << filter;
    EXPECT_EQ(call("reviewer", "GET", "/v1/reviews?repo=" + filter).first, 200) << filter;
  }
  std::string unknown = percent_encode(dir_ / "never-added");
  for (const std::string& target : {"/v1/tasks?repo=" + unknown, "/v1/events?repo=" + unknown,
                                    "/v1/reviews?repo=" + unknown, "/v1/tasks?repo=" + new_id("repo")}) {
    auto answer = call("reviewer", "GET", target);
    EXPECT_EQ(answer.first, 404) << target << ": " << answer.second.dump();
    EXPECT_NE(answer.second.dump().find("is not registered"), std::string::npos) << answer.second.dump();
  }
}

TEST_F(ApiTest, CancelAndRetryFollowTheTasksLife) {
  std::string id = submit();
  EXPECT_EQ(call("reviewer", "POST", "/v1/tasks/" + id + "/cancel").first, 403);
  EXPECT_EQ(call("submitter", "POST", "/v1/tasks/" + id + "/retry").first, 409) << "a queued task is not retried";
  auto cancelled = call("submitter", "POST", "/v1/tasks/" + id + "/cancel");
  ASSERT_EQ(cancelled.first, 200) << cancelled.second.dump();
  EXPECT_EQ(cancelled.second["state"], "cancelled");
  EXPECT_EQ(call("submitter", "POST", "/v1/tasks/" + id + "/cancel").first, 409) << "cancelled once";
  auto retried = call("submitter", "POST", "/v1/tasks/" + id + "/retry");
  ASSERT_EQ(retried.first, 200) << retried.second.dump();
  EXPECT_EQ(retried.second["state"], "queued");
}

TEST_F(ApiTest, OnlyAMergedTaskIsRolledBackAndOnlyByItsOwner) {
  std::string id = submit();
  EXPECT_EQ(call("submitter", "POST", "/v1/tasks/" + id + "/rollback", "{\"reason\": \"bad\"}").first, 403);
  auto not_merged = call("owner", "POST", "/v1/tasks/" + id + "/rollback", "{\"reason\": \"bad\"}");
  EXPECT_EQ(not_merged.first, 409) << not_merged.second.dump();
  EXPECT_EQ(call("owner", "GET", "/v1/tasks/" + id).second["state"], "queued");
}

TEST_F(ApiTest, RepositoriesAreAddedByAdminsAndShownWithinScope) {
  EXPECT_EQ(count("repos"), 2u);
  EXPECT_EQ(call("owner", "POST", "/v1/repos", json{{"path", dir_ / "other"}}.dump()).first, 403);
  EXPECT_EQ(call("admin", "POST", "/v1/repos", json{{"path", dir_ / "missing"}}.dump()).first, 400);
  EXPECT_EQ(call("admin", "POST", "/v1/repos", "{\"path\": 7}").first, 400);
  EXPECT_EQ(call("owner", "GET", "/v1/repos").second["repos"].size(), 1u) << "its own repository only";
  auto shown = call("reviewer", "GET", "/v1/repos/" + repo_);
  ASSERT_EQ(shown.first, 200) << shown.second.dump();
  EXPECT_TRUE(shown.second.contains("settings"));
  EXPECT_EQ(call("reviewer", "GET", "/v1/repos/" + other_).first, 403);
  EXPECT_EQ(count("repos"), 2u);
}

TEST_F(ApiTest, SettingsChangeOnlyByOwnersAndOnlyWhenValid) {
  std::string target = "/v1/repos/" + repo_ + "/settings";
  auto changed = call("owner", "PATCH", target, "{\"check_command\": \"make test\"}");
  ASSERT_EQ(changed.first, 200) << changed.second.dump();
  EXPECT_EQ(call("owner", "GET", target).second["settings"]["check_command"], "make test");
  EXPECT_EQ(call("reviewer", "PATCH", target, "{\"check_command\": \"true\"}").first, 403);
  EXPECT_EQ(call("outsider", "PATCH", target, "{\"check_command\": \"true\"}").first, 403);
  auto bad = call("owner", "PATCH", target, "{\"check_timeout_seconds\": -5}");
  EXPECT_EQ(bad.first, 400);
  EXPECT_NE(bad.second["error"]["message"].get<std::string>().find("check_timeout_seconds"), std::string::npos);
  EXPECT_EQ(call("owner", "PATCH", target, "{\"no_such_setting\": 1}").first, 400);
  EXPECT_EQ(call("owner", "GET", target).second["settings"]["check_command"], "make test")
      << "refusals changed nothing";
  auto simulated = call("owner", "POST", "/v1/repos/" + repo_ + "/simulate", "{\"exploration_share\": 0.2}");
  EXPECT_EQ(simulated.first, 200) << simulated.second.dump();
  EXPECT_EQ(call("owner", "POST", "/v1/repos/" + repo_ + "/simulate", "{\"exploration_share\": 7}").first, 400);
  // No outcomes yet: the proposed pin alone decides the proposed tier.
  auto pinned = call("owner", "POST", "/v1/repos/" + repo_ + "/simulate", "{\"pin\": \"trusted\"}");
  ASSERT_EQ(pinned.first, 200) << pinned.second.dump();
  EXPECT_EQ(pinned.second["outcomes"], 0);
  EXPECT_EQ(pinned.second["tier_proposed"], "trusted");
  EXPECT_EQ(pinned.second["tier_now"], "observe");
}

// Every change is a numbered version; a rollback restores one exactly, as a
// new version, and says so in two events.
TEST_F(ApiTest, SettingsHaveAHistoryAndARollbackRestoresAVersionExactly) {
  std::string target = "/v1/repos/" + repo_ + "/settings";
  json original = call("owner", "GET", target).second["settings"];
  ASSERT_EQ(call("owner", "PATCH", target + "?reason=faster%20checks", "{\"check_command\": \"make quick\"}").first,
            200);
  auto second = call("owner", "PATCH", target + "?reason=more%20hosts", R"({"egress": {"hosts": ["pypi.org"]}})");
  ASSERT_EQ(second.first, 200) << second.second.dump();
  EXPECT_EQ(second.second["version"], 3);
  json changed = call("owner", "GET", target).second["settings"];

  auto history = call("reviewer", "GET", target + "/history");
  ASSERT_EQ(history.first, 200) << history.second.dump();
  json versions = history.second["versions"];
  ASSERT_EQ(versions.size(), 3u) << "the settings before their history began, then each change";
  EXPECT_EQ(versions[0]["settings"], original);
  EXPECT_EQ(versions[1]["changed_by"], "owner@" + repo_);
  EXPECT_EQ(versions[1]["reason"], "faster checks");
  EXPECT_EQ(versions[1]["change"], json({{"check_command", "make quick"}}));
  EXPECT_EQ(versions[2]["settings"], changed);
  EXPECT_FALSE(versions[2]["at"].get<std::string>().empty());

  // Refusals change nothing.
  std::string rollback = target + "/rollback";
  EXPECT_EQ(call("reviewer", "POST", rollback, R"({"version": 1, "reason": "r"})").first, 403);
  EXPECT_EQ(call("owner", "POST", rollback, R"({"version": 9, "reason": "r"})").first, 404);
  EXPECT_EQ(call("owner", "POST", rollback, R"({"version": 1})").first, 400) << "a reason is required";
  EXPECT_EQ(call("owner", "POST", rollback, R"({"version": 1, "reason": "  "})").first, 400);
  EXPECT_EQ(call("owner", "POST", rollback, R"({"version": "one", "reason": "r"})").first, 400);
  EXPECT_EQ(call("owner", "GET", target).second["settings"], changed);
  EXPECT_EQ(call("owner", "GET", target + "/history").second["versions"].size(), 3u);

  auto restored = call("owner", "POST", rollback, R"({"version": 1, "reason": "the checks broke"})");
  ASSERT_EQ(restored.first, 200) << restored.second.dump();
  EXPECT_EQ(restored.second["version"], 4);
  EXPECT_EQ(restored.second["restored"], 1);
  EXPECT_EQ(call("owner", "GET", target).second["settings"], original) << "restored exactly";
  auto rolled = call_admin("GET", "/v1/events?type=policy.rolled_back").second["events"];
  ASSERT_EQ(rolled.size(), 1u);
  EXPECT_EQ(rolled[0]["payload"]["restored"], 1);
  EXPECT_EQ(rolled[0]["payload"]["reason"], "the checks broke");
  auto policy_changes = call_admin("GET", "/v1/events?type=policy.changed").second["events"];
  ASSERT_EQ(policy_changes.size(), 3u);
  EXPECT_EQ(policy_changes[2]["payload"]["version"], 4);

  // A simulation against a version: version 3's settings beside those in force.
  auto against = call("owner", "POST", "/v1/repos/" + repo_ + "/simulate?version=3", "{}");
  ASSERT_EQ(against.first, 200) << against.second.dump();
  EXPECT_EQ(against.second["proposed_settings"], changed);
  EXPECT_EQ(call("owner", "POST", "/v1/repos/" + repo_ + "/simulate?version=99", "{}").first, 404);
  EXPECT_EQ(call("owner", "POST", "/v1/repos/" + repo_ + "/simulate?version=x", "{}").first, 400);
}

TEST_F(ApiTest, ABranchMovesOnlyForwardAndOnlyForItsOwner) {
  std::string head = corral::testing::sh_ok("git -C " + corral::testing::quote(dir_ / "repo") + " rev-parse HEAD");
  std::string target = "/v1/repos/" + repo_ + "/branches";
  EXPECT_EQ(call("submitter", "POST", target, json{{"branch", "main"}, {"commit", head}}.dump()).first, 403);
  EXPECT_EQ(call("owner", "POST", target, "{\"branch\": \"main\"}").first, 400) << "commit is required";
  auto forced = call("owner", "POST", target, json{{"branch", "main"}, {"commit", head}, {"force", true}}.dump());
  EXPECT_EQ(forced.first, 403) << forced.second.dump();
  EXPECT_NE(forced.second["error"]["message"].get<std::string>().find("forced update of a protected branch"),
            std::string::npos);
  auto events = call_admin("GET", "/v1/events?type=alert.raised").second["events"];
  ASSERT_EQ(events.size(), 1u) << "a forced move of a protected branch is refused and raises an alert";
  EXPECT_EQ(events[0]["repo"], repo_);
  auto outcomes = store_->with([&](store::Transaction& tx) { return tx.outcomes.of_repo(repo_); });
  ASSERT_TRUE(outcomes.is_ok());
  EXPECT_TRUE(outcomes->empty()) << "a person's refused request is an alert, not an outcome of the agents' work";
}

TEST_F(ApiTest, ReviewsNeedAReviewAndARightfulReviewer) {
  std::string id = submit();
  EXPECT_EQ(call("reviewer", "GET", "/v1/reviews").second["reviews"].size(), 0u);
  EXPECT_EQ(call("reviewer", "GET", "/v1/reviews/" + id).first, 404) << "no diff yet";
  for (const char* page : {"?files_limit=0", "?files_offset=-1", "?patch_bytes=x", "?patch_bytes=999999999"}) {
    EXPECT_EQ(call("reviewer", "GET", "/v1/reviews/" + id + page).first, 400) << page;
  }
  EXPECT_EQ(call("reviewer", "POST", "/v1/reviews/" + id + "/approve", "{\"diff_hash\": \"x\"}").first, 409);
  EXPECT_EQ(call("submitter", "POST", "/v1/reviews/" + id + "/approve", "{\"diff_hash\": \"x\"}").first, 403);
  EXPECT_EQ(call("agent", "POST", "/v1/reviews/" + id + "/reject", "{\"diff_hash\": \"x\", \"reason\": \"r\"}").first,
            403);
  EXPECT_EQ(call("reviewer", "POST", "/v1/reviews/" + id + "/approve", "not json").first, 400);
  EXPECT_EQ(call("owner", "GET", "/v1/tasks/" + id).second["state"], "queued");
}

TEST_F(ApiTest, TokensAreAnAdminsAndTheirSecretsAreNeverListed) {
  auto made = call("admin", "POST", "/v1/tokens", "{\"name\": \"ci\", \"role\": \"submitter\"}");
  ASSERT_EQ(made.first, 201);
  std::string secret = made.second["token"];
  EXPECT_EQ(secret.rfind("crl_", 0), 0u);
  auto listed = call("admin", "GET", "/v1/tokens");
  EXPECT_EQ(listed.second.dump().find(secret), std::string::npos);
  EXPECT_EQ(call("owner", "GET", "/v1/tokens").first, 403);
  EXPECT_EQ(call("owner", "POST", "/v1/tokens", "{\"name\": \"x\", \"role\": \"admin\"}").first, 403);
  EXPECT_EQ(call("admin", "POST", "/v1/tokens", "{\"name\": \"x\", \"role\": \"king\"}").first, 400);
  EXPECT_EQ(call("admin", "POST", "/v1/tokens", "{\"name\": \"x\", \"role\": \"owner\", \"repo\": \"/nowhere\"}").first,
            404);
  EXPECT_EQ(call("owner", "DELETE", "/v1/tokens/" + made.second["id"].get<std::string>()).first, 403);
  EXPECT_EQ(call("admin", "DELETE", "/v1/tokens/" + made.second["id"].get<std::string>()).first, 200);
}

// A repository-scoped admin would be a global one in disguise: refused. Every
// token made or revoked is an event in the chain, with who did it.
TEST_F(ApiTest, ScopedAdminsAreRefusedAndTokenChangesAreEvents) {
  auto scoped = call("admin", "POST", "/v1/tokens", json{{"name", "x"}, {"role", "admin"}, {"repo", repo_}}.dump());
  EXPECT_EQ(scoped.first, 400) << scoped.second.dump();
  EXPECT_NE(scoped.second["error"]["message"].get<std::string>().find("--role owner"), std::string::npos);
  auto made = call("admin", "POST", "/v1/tokens", "{\"name\": \"ci\", \"role\": \"submitter\"}");
  ASSERT_EQ(made.first, 201);
  ASSERT_EQ(call("admin", "DELETE", "/v1/tokens/" + made.second["id"].get<std::string>()).first, 200);
  auto created = call_admin("GET", "/v1/events?type=token.created").second["events"];
  ASSERT_FALSE(created.empty());
  EXPECT_EQ(created.back()["payload"]["name"], "ci");
  EXPECT_EQ(created.back()["payload"]["by"], "admin@*");
  EXPECT_EQ(created.back()["payload"].dump().find(made.second["token"].get<std::string>()), std::string::npos)
      << "never the secret";
  auto revoked = call_admin("GET", "/v1/events?type=token.revoked").second["events"];
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0]["payload"]["id"], made.second["id"]);
  json seen_by_outsider = call("outsider", "GET", "/v1/events?type=token.").second["events"];
  ASSERT_EQ(seen_by_outsider.size(), 1u) << "its own token's making only: " << seen_by_outsider.dump();
  EXPECT_EQ(seen_by_outsider[0]["repo"], other_) << "a repository's owner does not see global token events";
}

TEST_F(ApiTest, EventsArePagedAndFilteredToTheCallersScope) {
  std::string id = submit();
  auto page = call("reviewer", "GET", "/v1/events?task=" + id);
  ASSERT_EQ(page.first, 200);
  ASSERT_EQ(page.second["events"].size(), 1u);
  EXPECT_EQ(page.second["events"][0]["type"], "task.queued");
  EXPECT_EQ(call("outsider", "GET", "/v1/events?task=" + id).second["events"].size(), 0u);
  EXPECT_EQ(call("reviewer", "GET", "/v1/events?after=-1").first, 400);
  EXPECT_EQ(call("reviewer", "GET", "/v1/events?limit=abc").first, 400);
  EXPECT_EQ(call("reviewer", "GET", "/v1/events?repo=" + other_).first, 403);
}

// The web UI's sign-in: a token for a cookie. The cookie is its token's
// caller; reads need nothing more, changes need the session's CSRF token; a
// bad token makes no session; signing out and revoking the token end it.
TEST_F(ApiTest, ASessionCookieIsItsTokensCallerAndChangesNeedTheCsrfToken) {
  auto sign_in = [&](const std::string& token, bool secure) {
    ApiRequest request{"POST", "/v1/session", "", "", json{{"token", token}}.dump(), std::nullopt};
    request.secure = secure;
    return handle_api(*service_, request);
  };
  ApiResponse refused = sign_in("corral-not-a-token", false);
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_TRUE(refused.headers.empty()) << "no cookie for a bad token";
  EXPECT_EQ(handle_api(*service_, {"POST", "/v1/session", "", "", "[1]", std::nullopt}).status, 400);

  ApiResponse signed_in = sign_in(tokens_["submitter"], false);
  ASSERT_EQ(signed_in.status, 201) << signed_in.body;
  ASSERT_EQ(signed_in.headers.size(), 1u);
  const std::string& set_cookie = signed_in.headers[0].second;
  EXPECT_EQ(signed_in.headers[0].first, "Set-Cookie");
  EXPECT_NE(set_cookie.find("; HttpOnly; SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("; Max-Age=43200"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "plain HTTP: " << set_cookie;
  EXPECT_NE(sign_in(tokens_["submitter"], true).headers[0].second.find("; Secure"), std::string::npos);
  json session = json::parse(signed_in.body);
  EXPECT_EQ(session["role"], "submitter");
  std::string csrf = session["csrf"];
  std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  EXPECT_EQ(cookie.find(tokens_["submitter"]), std::string::npos) << "the cookie is not the token";

  auto with_cookie = [&](const std::string& method, const std::string& target, const std::string& body,
                         const std::string& csrf_header) {
    ApiRequest request{method, target, "", "", body, std::nullopt};
    request.cookie = "theme=dark; " + cookie + "; other=1";
    request.csrf_token = csrf_header;
    ApiResponse response = handle_api(*service_, request);
    return std::pair<int, json>{response.status, json::parse(response.body, nullptr, false)};
  };
  EXPECT_EQ(with_cookie("GET", "/v1/tasks", "", "").first, 200) << "reading needs no CSRF token";
  EXPECT_EQ(with_cookie("GET", "/v1/session", "", "").second["csrf"], csrf);
  size_t tasks = count("tasks");
  auto forged = with_cookie("POST", "/v1/tasks", task_body(repo_), "");
  EXPECT_EQ(forged.first, 403) << forged.second.dump();
  EXPECT_NE(forged.second["error"].value("message", "").find("X-CSRF-Token"), std::string::npos);
  EXPECT_EQ(with_cookie("POST", "/v1/tasks", task_body(repo_), csrf + "x").first, 403);
  EXPECT_EQ(count("tasks"), tasks) << "refused changes change nothing";
  EXPECT_EQ(with_cookie("POST", "/v1/tasks", task_body(repo_), csrf).first, 201);
  EXPECT_EQ(with_cookie("POST", "/v1/tokens", json{{"name", "x"}, {"role", "admin"}}.dump(), csrf).first, 403)
      << "a session has its token's role, no more";

  auto sign_out = with_cookie("DELETE", "/v1/session", "", csrf);
  EXPECT_EQ(sign_out.first, 200) << sign_out.second.dump();
  EXPECT_EQ(with_cookie("GET", "/v1/tasks", "", "").first, 401) << "signed out";

  // A new session, then its token revoked: the session ends with it.
  ApiResponse again = sign_in(tokens_["owner"], false);
  cookie = again.headers[0].second.substr(0, again.headers[0].second.find(';'));
  EXPECT_EQ(with_cookie("GET", "/v1/tasks", "", "").first, 200);
  std::string owner_id;
  json listed_tokens = call_admin("GET", "/v1/tokens").second["tokens"];
  for (const json& listed : listed_tokens) {
    if (listed["name"] == "owner@" + repo_) owner_id = listed["id"];
  }
  ASSERT_EQ(call_admin("DELETE", "/v1/tokens/" + owner_id).first, 200);
  auto after_revoke = with_cookie("GET", "/v1/tasks", "", "");
  EXPECT_EQ(after_revoke.first, 401);
  EXPECT_NE(after_revoke.second["error"].value("message", "").find("revoked"), std::string::npos);
}

// The chain's state, as `corral audit verify` walks it, for readers of every
// repository; a caller scoped to one repository is refused.
TEST_F(ApiTest, TheAuditChainIsReadByUnscopedCallers) {
  submit();
  auto audit = call("admin", "GET", "/v1/audit");
  ASSERT_EQ(audit.first, 200) << audit.second.dump();
  EXPECT_EQ(audit.second["intact"], true);
  EXPECT_GE(audit.second["events_checked"].get<int64_t>(), 1);
  EXPECT_EQ(audit.second["head_hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(call("owner", "GET", "/v1/audit").first, 403) << "scoped to one repository";
  EXPECT_EQ(call("admin", "POST", "/v1/audit").first, 405);
}

}  // namespace
}  // namespace corral::api
