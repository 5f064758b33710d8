#include "runner/gateways/tcp_connect.h"

#include <boost/asio/error.hpp>

namespace corral::runner {

boost::system::error_code connect_first(boost::asio::ip::tcp::socket& socket,
                                        const std::vector<boost::asio::ip::tcp::endpoint>& endpoints,
                                        const SocketServer::AlsoStop& also_stop) {
  boost::system::error_code ec = boost::asio::error::host_not_found;
  for (const auto& endpoint : endpoints) {
    boost::system::error_code ignored;
    socket.close(ignored);  // a failed attempt's socket is not reused
    socket.open(endpoint.protocol(), ec);
    if (ec) continue;
    also_stop(socket.native_handle());
    socket.connect(endpoint, ec);
    if (!ec) return ec;
  }
  boost::system::error_code ignored;
  socket.close(ignored);
  return ec;
}

}  // namespace corral::runner
