#include "admission/gateway_options.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/key_value.h"
#include "core/url.h"
#include "policy/network_address.h"

namespace corral::admission {
namespace {

Result<std::pair<std::string, std::string>> split_pair(const std::string& entry, const std::string& flag) {
  auto pair = split_key_value(entry);
  if (!pair || pair->value.empty()) return Status::invalid_argument(flag + " takes NAME=VALUE, not '" + entry + "'");
  return std::make_pair(pair->key, pair->value);
}

Result<std::string> read_key(const std::string& name, const std::string& source) {
  if (source.rfind("env:", 0) == 0) {
    const char* value = std::getenv(source.substr(4).c_str());
    if (!value || !*value)
      return Status::invalid_argument("--llm-key " + name + ": environment variable " + source.substr(4) +
                                      " is not set");
    return std::string(value);
  }
  if (source.rfind("file:", 0) == 0) {
    std::ifstream in(source.substr(5));
    std::stringstream text;
    text << in.rdbuf();
    std::string key = text.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.pop_back();
    if (!in || key.empty())
      return Status::invalid_argument("--llm-key " + name + ": cannot read a key from " + source.substr(5));
    return key;
  }
  return Status::invalid_argument("--llm-key " + name +
                                  " takes env:VARIABLE or file:PATH (a key is never given on the command line)");
}

}  // namespace

Result<std::map<std::string, runner::LlmProvider>> parse_providers(const std::vector<std::string>& urls,
                                                                   const std::vector<std::string>& keys,
                                                                   const std::vector<std::string>& ca_files) {
  std::map<std::string, runner::LlmProvider> providers;
  for (const std::string& entry : urls) {
    auto pair = split_pair(entry, "--llm");
    if (!pair.is_ok()) return pair.status();
    auto [name, url] = *pair;
    if (name != "anthropic" && name != "openai" && name != "gemini") {
      return Status::invalid_argument("--llm " + name +
                                      ": the gateway speaks anthropic, openai (OpenAI-compatible) and gemini");
    }
    auto parsed = parse_url(url);
    bool base = parsed.is_ok() && (parsed->scheme == "https" || parsed->scheme == "http") && !parsed->has_userinfo &&
                parsed->query.empty() && !parsed->has_fragment;
    if (!base) {
      return Status::invalid_argument("--llm " + name + ": '" + url +
                                      "' is not an http(s) base URL (scheme, host, port, path; no user, query or "
                                      "fragment)");
    }
    providers[name] = {name, url, "", ""};
  }
  for (const std::string& entry : keys) {
    auto pair = split_pair(entry, "--llm-key");
    if (!pair.is_ok()) return pair.status();
    auto provider = providers.find(pair->first);
    if (provider == providers.end())
      return Status::invalid_argument("--llm-key " + pair->first + ": no --llm " + pair->first + "=URL");
    auto key = read_key(pair->first, pair->second);
    if (!key.is_ok()) return key.status();
    provider->second.api_key = *key;
  }
  for (const std::string& entry : ca_files) {
    auto pair = split_pair(entry, "--llm-ca");
    if (!pair.is_ok()) return pair.status();
    auto provider = providers.find(pair->first);
    if (provider == providers.end())
      return Status::invalid_argument("--llm-ca " + pair->first + ": no --llm " + pair->first + "=URL");
    if (::access(pair->second.c_str(), R_OK) != 0)
      return Status::invalid_argument("--llm-ca " + pair->first + ": cannot read " + pair->second);
    provider->second.ca_file = pair->second;
  }
  for (const auto& [name, provider] : providers) {
    if (provider.api_key.empty())
      return Status::invalid_argument("--llm " + name + " needs --llm-key " + name + "=env:VARIABLE or file:PATH");
  }
  return providers;
}

Result<runner::FixedHosts> parse_fixed_hosts(const std::vector<std::string>& entries) {
  runner::FixedHosts hosts;
  for (const std::string& entry : entries) {
    auto pair = split_pair(entry, "--egress-host");
    if (!pair.is_ok()) return pair.status();
    std::stringstream list(pair->second);
    for (std::string address; std::getline(list, address, ',');) {
      if (!policy::parse_ip(address))
        return Status::invalid_argument("--egress-host " + pair->first + ": '" + address + "' is not an IP address");
      hosts[pair->first].push_back(address);
    }
  }
  return hosts;
}

Result<std::map<std::string, AgentTool>> parse_agent_tools(const std::vector<std::string>& entries) {
  std::map<std::string, AgentTool> tools;
  for (const std::string& entry : entries) {
    auto pair = split_pair(entry, "--agent-tool");
    if (!pair.is_ok()) return pair.status();
    const std::string& value = pair->second;
    size_t colon = value.find(':');
    AgentTool tool{value.substr(0, colon), colon == std::string::npos ? "" : value.substr(colon + 1)};
    std::string program = tool.entry.empty() ? tool.host_path : tool.host_path + "/" + tool.entry;
    bool folder = std::filesystem::is_directory(tool.host_path);
    if (tool.host_path.empty() || tool.host_path[0] != '/' || folder != !tool.entry.empty() ||
        tool.entry.find("..") != std::string::npos || ::access(program.c_str(), X_OK) != 0) {
      return Status::invalid_argument("--agent-tool " + pair->first + ": '" + value +
                                      "' is neither an executable file nor FOLDER:ENTRY with ENTRY executable in it "
                                      "(absolute paths)");
    }
    tools[pair->first] = tool;
  }
  return tools;
}

Result<GatewayOptions> parse_gateway_flags(const GatewayFlags& flags) {
  GatewayOptions gateways;
  auto providers = parse_providers(flags.llm_urls, flags.llm_keys, flags.llm_ca_files);
  if (!providers.is_ok()) return providers.status();
  gateways.providers = std::move(*providers);
  auto hosts = parse_fixed_hosts(flags.egress_hosts);
  if (!hosts.is_ok()) return hosts.status();
  gateways.egress_hosts = std::move(*hosts);
  auto tools = parse_agent_tools(flags.agent_tools);
  if (!tools.is_ok()) return tools.status();
  gateways.agent_tools = std::move(*tools);
  return gateways;
}

}  // namespace corral::admission
