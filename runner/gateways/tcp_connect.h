// A gateway's connection out: the first of its addresses that accepts. Each
// attempt's socket is handed to the connection's also_stop before it may
// block, so a stopped run never waits for a slow connect.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <vector>

#include "runner/gateways/socket_server.h"

namespace corral::runner {

// Success, or the last attempt's error (host_not_found when there was none).
boost::system::error_code connect_first(boost::asio::ip::tcp::socket& socket,
                                        const std::vector<boost::asio::ip::tcp::endpoint>& endpoints,
                                        const SocketServer::AlsoStop& also_stop);

}  // namespace corral::runner
