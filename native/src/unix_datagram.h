// One-shot send of a datagram to an AF_UNIX socket: the transport of systemd's sd_notify protocol,
// which Node's net and dgram modules cannot speak (no unix datagram sockets).
#pragma once
#include <napi.h>

namespace tapwatch {

// sendUnixDatagram(path: string, data: Buffer): void. A path starting with '@' names a Linux
// abstract-namespace socket ('@' becomes the leading NUL byte). Never blocks: a full receive queue
// fails with EAGAIN. Throws an Error whose message carries strerror(errno) and whose `code` is the
// errno name (e.g. ECONNREFUSED).
Napi::Value SendUnixDatagram(const Napi::CallbackInfo& info);

}  // namespace tapwatch
