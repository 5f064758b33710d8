// Private keys in text: PEM blocks of every kind (RSA, DSA, EC, OpenSSH,
// PKCS#8, encrypted, PGP's PRIVATE KEY BLOCK, SSH2's), PuTTY key files, PEM
// wrapped in base64 (kubeconfig's client-key-data) and PEM escaped inside
// JSON strings. A marker is a key when key material follows it, on its line
// or the next ones, or when it stands alone on its line; a marker quoted in
// code ("-----BEGIN RSA PRIVATE KEY-----" as a constant) is not one.
// Certificates and public keys are not keys.
#pragma once

#include <string_view>
#include <vector>

#include "policy/secret_scan.h"

namespace corral::policy::secrets {

// Appends a hit for each key found; `line` of each hit indexes `lines`.
void find_key_blocks(const std::vector<std::string_view>& lines, std::vector<SecretHit>& hits);

}  // namespace corral::policy::secrets
