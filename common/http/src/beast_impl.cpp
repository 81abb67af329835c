// Compiles Boost.Beast and Asio's SSL support once for the whole project
// (BOOST_BEAST_SEPARATE_COMPILATION).
#include <utility>

#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
