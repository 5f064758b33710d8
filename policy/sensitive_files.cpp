#include "policy/sensitive_files.h"

#include "policy/path_glob.h"

namespace corral::policy {

std::vector<std::string> default_sensitive_patterns() {
  return {
      // Private keys and key stores; SSH and PuTTY keys under any prefix or suffix.
      "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.ppk", "id_rsa*", "id_dsa*", "id_ecdsa*",
      "id_ed25519*", "*_rsa", "*_dsa", "*_ecdsa", "*_ed25519", "*deploy_key*", "*deploy-key*", "**/.ssh/",
      // PGP and age private keys, password stores.
      "**/.gnupg/", "secring.*", "*private*.asc", "*.sec", "*.agekey", "**/sops/age/keys.txt", "**/.password-store/",
      "*.kdbx",
      // Environment files.
      ".env", ".env.*", "*.env", ".envrc",
      // Login and package managers' credentials.
      ".netrc", "_netrc", ".htpasswd", ".git-credentials", ".git/config", ".npmrc", ".pypirc", "pip.conf", "pip.ini",
      "**/.cargo/credentials", "**/.cargo/credentials.toml", "**/.gem/credentials", "**/.m2/settings-security.xml",
      "**/.composer/auth.json", "**/.config/composer/auth.json",
      // Cloud CLIs, service-account and OAuth client-secret files.
      "**/.aws/", "**/.azure/", "**/.config/gcloud/", "**/.oci/", "**/.config/doctl/", "**/.bluemix/", "**/.aliyun/",
      ".s3cfg", ".boto", "credentials.json", "application_default_credentials.json", "client_secret*.json",
      "*service-account*.json", "*service_account*.json", "*-credentials.json", "*_credentials.json",
      // Container registries (the old format and the new) and Kubernetes.
      "**/.docker/config.json", ".dockercfg", "**/containers/auth.json", "**/.kube/", "kubeconfig", "*.kubeconfig",
      "kubeconfig.y*ml", "**/secrets/kubernetes.io/serviceaccount/",
      // Terraform: state, its backups, variable files, the CLI's credentials; Vault.
      "*.tfstate", "*.tfstate.backup", "*.tfvars", "*.tfvars.json", "**/.terraform.d/credentials.tfrc.json",
      ".terraformrc", "terraform.rc", ".vault-token",
      // Database clients' passwords and configs.
      ".pgpass", "pgpass.conf", ".my.cnf", ".mylogin.cnf",
      // Shell and REPL history.
      ".bash_history", ".zsh_history", ".sh_history", ".history", ".python_history", ".node_repl_history",
      ".psql_history", ".mysql_history", ".sqlite_history", ".irb_history", ".rediscli_history", "**/fish/fish_history",
      // A process's environment.
      "**/proc/*/environ",
      // Their harmless siblings: templates and examples, public keys.
      "!*.example", "!*.sample", "!*.template", "!*.dist", "!*.pub"};
}

const std::string* sensitive_match(const std::vector<std::string>& patterns, std::string_view path) {
  const std::string* found = nullptr;
  for (const std::string& pattern : patterns) {
    if (pattern.starts_with('!')) {
      if (glob_matches(std::string_view(pattern).substr(1), path)) return nullptr;
    } else if (!found && glob_matches(pattern, path)) {
      found = &pattern;
    }
  }
  return found;
}

}  // namespace corral::policy
