#include "policy/sensitive_files.h"

namespace corral::policy {

std::vector<std::string> default_sensitive_patterns() {
  return {"*.pem",
          "*.key",
          "*.p12",
          "*.pfx",
          "*.jks",
          "*.keystore",
          "id_rsa",
          "id_dsa",
          "id_ecdsa",
          "id_ed25519",
          "**/.ssh/",
          ".env",
          ".env.*",
          "*.env",
          ".netrc",
          ".npmrc",
          ".pypirc",
          ".git-credentials",
          "**/.aws/",
          "**/.docker/config.json",
          "**/.kube/",
          "kubeconfig",
          "**/.config/gcloud/",
          "**/.azure/",
          "credentials.json",
          "*.tfstate",
          "*.kdbx",
          ".git/config",
          "**/.gnupg/"};
}

}  // namespace corral::policy
