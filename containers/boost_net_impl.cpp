// The one translation unit that compiles Boost.Asio (with its TLS) and Boost.Beast
// (BOOST_*_SEPARATE_COMPILATION): every other file that uses them only
// includes declarations, which keeps builds short on 2 cores.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
