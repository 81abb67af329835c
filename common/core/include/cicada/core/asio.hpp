#pragma once

// The one way Asio enters cicada. Boost 1.74's awaitable.hpp uses std::exchange
// without including <utility>, which GCC 12 rejects: include it first.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cicada/core/pooled_frames.hpp"

namespace cicada {

namespace asio = boost::asio;

template <typename T = void>
using awaitable = asio::awaitable<T>;

using asio::use_awaitable;

}  // namespace cicada
