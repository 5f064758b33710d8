// The sensitive-file list as a table: the credential stores real machines and
// repositories hold must be caught, their harmless siblings (templates,
// examples, public keys) and ordinary files must not; the tool gate and the
// diff checks read the one list alike; owners add and remove patterns.
#include "policy/sensitive_files.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/diff_checks.h"
#include "policy/path_rules.h"

namespace corral::policy {
namespace {

const std::vector<std::string> kSensitive = {"id_rsa",
                                             "id_rsa.bak",
                                             "id_rsa.old",
                                             "id_ed25519",
                                             "id_ecdsa_sk",
                                             "id_dsa",
                                             "deploy_rsa",
                                             "github_ed25519",
                                             "ci_deploy_key",
                                             "deploy-key.txt",
                                             "server.ppk",
                                             "putty/work.ppk",
                                             ".ssh/config",
                                             ".ssh/known_hosts",
                                             "tls.key",
                                             "server.pem",
                                             "cert.p12",
                                             "store.pfx",
                                             "app.jks",
                                             "release.keystore",
                                             ".gnupg/private-keys-v1.d/A1.key",
                                             "secring.gpg",
                                             "my-private-key.asc",
                                             "backup.sec",
                                             "me.agekey",
                                             ".config/sops/age/keys.txt",
                                             ".password-store/work/github.gpg",
                                             "vault.kdbx",
                                             ".env",
                                             ".env.local",
                                             ".env.production",
                                             "prod.env",
                                             ".envrc",
                                             ".netrc",
                                             "_netrc",
                                             ".htpasswd",
                                             ".git-credentials",
                                             ".npmrc",
                                             ".pypirc",
                                             "pip.conf",
                                             "pip.ini",
                                             ".cargo/credentials",
                                             ".cargo/credentials.toml",
                                             ".gem/credentials",
                                             ".m2/settings-security.xml",
                                             ".composer/auth.json",
                                             ".config/composer/auth.json",
                                             ".aws/credentials",
                                             ".aws/config",
                                             ".azure/accessTokens.json",
                                             ".config/gcloud/credentials.db",
                                             ".oci/config",
                                             ".config/doctl/config.yaml",
                                             ".bluemix/config.json",
                                             ".aliyun/config.json",
                                             ".s3cfg",
                                             ".boto",
                                             "credentials.json",
                                             "application_default_credentials.json",
                                             "client_secret_123-abc.apps.googleusercontent.com.json",
                                             "my-project-service-account.json",
                                             "gcp_service_account_key.json",
                                             "google-credentials.json",
                                             "aws_credentials.json",
                                             ".docker/config.json",
                                             ".dockercfg",
                                             ".config/containers/auth.json",
                                             ".kube/config",
                                             "kubeconfig",
                                             "prod.kubeconfig",
                                             "kubeconfig.yaml",
                                             "kubeconfig.yml",
                                             "var/run/secrets/kubernetes.io/serviceaccount/token",
                                             "terraform.tfstate",
                                             "terraform.tfstate.backup",
                                             "prod.tfvars",
                                             "secrets.tfvars.json",
                                             ".terraform.d/credentials.tfrc.json",
                                             ".terraformrc",
                                             "terraform.rc",
                                             ".vault-token",
                                             ".pgpass",
                                             "pgpass.conf",
                                             ".my.cnf",
                                             ".mylogin.cnf",
                                             ".bash_history",
                                             ".zsh_history",
                                             ".sh_history",
                                             ".history",
                                             ".python_history",
                                             ".node_repl_history",
                                             ".psql_history",
                                             ".mysql_history",
                                             ".sqlite_history",
                                             ".irb_history",
                                             ".rediscli_history",
                                             ".local/share/fish/fish_history",
                                             "proc/1/environ",
                                             ".git/config"};

const std::vector<std::string> kHarmless = {"id_rsa.pub",
                                            "id_ed25519.pub",
                                            "deploy_rsa.pub",
                                            "server.pub",
                                            ".env.example",
                                            ".env.sample",
                                            ".env.template",
                                            ".env.dist",
                                            "env.example",
                                            "prod.tfvars.example",
                                            "terraform.tfvars.sample",
                                            "kubeconfig.example",
                                            "credentials.json.example",
                                            ".npmrc.template",
                                            "config.example.json",
                                            "src/keyboard.c",
                                            "docs/keys.md",
                                            "src/env.ts",
                                            "environment.yml",
                                            "README.md",
                                            "src/auth.js",
                                            "auth/login.go",
                                            "lib/credentials.py",
                                            "credentials_test.go",
                                            "src/ssh/client.c",
                                            "keystore.go",
                                            "src/tokenizer.rs",
                                            "history.md",
                                            "docs/history.txt",
                                            "CHANGELOG.md",
                                            "package.json",
                                            "pyproject.toml",
                                            "Cargo.toml",
                                            "settings.py",
                                            "config/settings.yaml",
                                            "src/kube/client.go",
                                            "terraform/main.tf",
                                            "terraform/variables.tf",
                                            "docker-compose.yml",
                                            "Dockerfile",
                                            ".dockerignore",
                                            ".gitignore",
                                            ".github/workflows/ci.yml",
                                            "src/pem_reader.c",
                                            "src/rsa.c",
                                            "lib/id_mapper.py",
                                            "tests/fixtures/users.json",
                                            "public/index.html",
                                            "envoy.yaml",
                                            "src/netrc_parser.rs",
                                            "proc/README.md"};

std::vector<std::string> placed(const std::string& path) { return {path, "home/user/" + path, "a/b/" + path}; }

TEST(SensitiveFiles, EveryCredentialStoreIsCaughtAnywhere) {
  size_t lines = 0;
  for (const std::string& file : kSensitive) {
    for (const std::string& path : placed(file)) {
      if (file == ".git/config" && path != file) continue;  // the repository's own config, at the top
      ++lines;
      EXPECT_NE(sensitive_match(default_sensitive_patterns(), path), nullptr) << path;
    }
  }
  EXPECT_GE(lines, 150u);
}

TEST(SensitiveFiles, TemplatesExamplesPublicKeysAndOrdinaryFilesPass) {
  size_t lines = 0;
  for (const std::string& file : kHarmless) {
    for (const std::string& path : placed(file)) {
      ++lines;
      const std::string* rule = sensitive_match(default_sensitive_patterns(), path);
      EXPECT_EQ(rule, nullptr) << path << " matched " << (rule ? *rule : "");
    }
  }
  EXPECT_GE(lines, 150u);
}

TEST(SensitiveFiles, TheToolGateAndTheDiffChecksReadTheOneList) {
  DiffRules rules = default_diff_rules();
  for (const std::string& path : {std::string("deploy/id_rsa.bak"), std::string(".env.example"),
                                  std::string("infra/prod.tfvars"), std::string("keys/id_ed25519.pub")}) {
    bool gate = check_path(path, PathPolicy{}).rule == "sensitive_file";
    ProposedChange change;
    change.status = 'A';
    change.path = path;
    change.new_mode = 0100644;
    DiffVerdict verdict = check_diff({change}, rules);
    bool diff = false;
    for (const Finding& finding : verdict.findings) diff = diff || finding.rule == "sensitive_file";
    EXPECT_EQ(gate, diff) << path;
  }
}

TEST(SensitiveFiles, OwnersAddPatternsAndRemoveDefaultsWithANegation) {
  std::vector<std::string> patterns = default_sensitive_patterns();
  patterns.push_back("config/secrets/");
  patterns.push_back("!fixtures/.env");
  EXPECT_NE(sensitive_match(patterns, "config/secrets/db.yml"), nullptr);
  EXPECT_EQ(sensitive_match(patterns, "fixtures/.env"), nullptr);
  EXPECT_NE(sensitive_match(patterns, "app/.env"), nullptr) << "only the exempted one";
}

}  // namespace
}  // namespace corral::policy
