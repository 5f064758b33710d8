#include "policy/secrets/key_blocks.h"

#include <cctype>

#include "policy/secrets/secret_values.h"

namespace corral::policy::secrets {
namespace {

bool is_base64_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '='; }

std::string_view trimmed(std::string_view text, std::string_view junk = " \t\r\"',;") {
  size_t start = text.find_first_not_of(junk);
  if (start == std::string_view::npos) return {};
  return text.substr(start, text.find_last_not_of(junk) - start + 1);
}

// Key material: a run of at least 40 base64 characters that is not a
// placeholder (docs write "MIIE..." or "<your key>").
bool is_key_material(std::string_view text) {
  text = trimmed(text);
  size_t length = bounded_run(text, 0, is_base64_char, text.size());
  return length >= 40 && !is_placeholder(text.substr(0, length));
}

// After a marker inside a JSON or code string, the key goes on after escaped
// newlines: "-----BEGIN PRIVATE KEY-----\nMIIEvg...".
std::string_view after_escapes(std::string_view text) {
  size_t at = 0;
  while (at < text.size()) {
    if (text[at] == ' ' || text[at] == '\t') {
      ++at;
    } else if (text[at] == '\\' && at + 1 < text.size() && (text[at + 1] == 'n' || text[at + 1] == 'r')) {
      at += 2;
    } else {
      break;
    }
  }
  return text.substr(at);
}

// A PEM or PGP header line between the marker and the key material.
bool is_armor_header(std::string_view line) {
  line = trimmed(line);
  if (line.empty()) return true;
  for (std::string_view header : {"Proc-Type:", "DEK-Info:", "Version:", "Comment:", "Hash:", "Charset:"}) {
    if (line.starts_with(header)) return true;
  }
  return false;
}

// Where a private key's begin marker starts in `line`, or npos.
size_t private_key_marker(std::string_view line, size_t& marker_end) {
  for (size_t begin = line.find("BEGIN "); begin != std::string_view::npos; begin = line.find("BEGIN ", begin + 1)) {
    size_t dashes = begin > 0 && line[begin - 1] == ' ' ? begin - 1 : begin;  // SSH2's "---- BEGIN"
    if (dashes < 4 || line.compare(dashes - 4, 4, "----") != 0) continue;
    std::string_view window = line.substr(begin, 100);
    size_t end = window.find("-----");
    size_t ssh2_end = window.find(" ----");
    size_t close = end != std::string_view::npos ? end : ssh2_end;
    if (close == std::string_view::npos) continue;
    std::string_view kind = window.substr(0, close);
    close += begin;
    if (kind.find("PRIVATE KEY") == std::string_view::npos) continue;
    marker_end = line.find_first_not_of('-', close + 1);
    if (marker_end == std::string_view::npos) marker_end = line.size();
    size_t start = dashes - 4;
    while (start > 0 && line[start - 1] == '-') --start;
    return start;
  }
  return std::string_view::npos;
}

void find_pem_keys(const std::vector<std::string_view>& lines, std::vector<SecretHit>& hits) {
  for (size_t index = 0; index < lines.size(); ++index) {
    std::string_view line = lines[index];
    size_t marker_end = 0;
    size_t marker = private_key_marker(line, marker_end);
    if (marker == std::string_view::npos) continue;
    std::string_view rest = after_escapes(line.substr(marker_end));
    bool stands_alone = trimmed(line.substr(0, marker), " \t\"'|:=").empty() && trimmed(rest).empty();
    bool material = is_key_material(rest);
    if (!material && trimmed(rest).empty()) {
      size_t next = index + 1;
      while (next < lines.size() && next <= index + 4 && is_armor_header(lines[next])) ++next;
      if (next < lines.size()) {
        material = is_key_material(lines[next]);
      } else {
        material = stands_alone;  // the hunk ends at the marker: a marker alone on its line is a key file's start
      }
    }
    if (material) hits.push_back({"private_key", index, marker + 1});
  }
}

// PuTTY's key files start "PuTTY-User-Key-File-2: ssh-rsa" (or -3).
void find_putty_keys(const std::vector<std::string_view>& lines, std::vector<SecretHit>& hits) {
  for (size_t index = 0; index < lines.size(); ++index) {
    std::string_view line = trimmed(lines[index], " \t");
    if (!line.starts_with("PuTTY-User-Key-File-") || line.size() < 24 || line[21] != ':') continue;
    if (!is_ascii_digit(line[20])) continue;
    hits.push_back({"private_key", index, lines[index].find("PuTTY") + 1});
  }
}

// PEM in base64, as kubeconfigs and Kubernetes secrets carry it: "-----BEGIN"
// encodes to "LS0tLS1CRUdJTi".
void find_wrapped_keys(const std::vector<std::string_view>& lines, std::vector<SecretHit>& hits) {
  static constexpr std::string_view kEncodedBegin = "LS0tLS1CRUdJTi";
  for (size_t index = 0; index < lines.size(); ++index) {
    std::string_view line = lines[index];
    for (size_t at = line.find(kEncodedBegin); at != std::string_view::npos; at = line.find(kEncodedBegin, at + 1)) {
      size_t length = bounded_run(line, at, is_base64_char, 120);
      auto decoded = decode_base64(line.substr(at, length - length % 4));
      if (decoded && decoded->find("PRIVATE KEY") != std::string::npos) {
        hits.push_back({"private_key", index, at + 1});
        break;
      }
    }
  }
}

}  // namespace

void find_key_blocks(const std::vector<std::string_view>& lines, std::vector<SecretHit>& hits) {
  find_pem_keys(lines, hits);
  find_putty_keys(lines, hits);
  find_wrapped_keys(lines, hits);
}

}  // namespace corral::policy::secrets
