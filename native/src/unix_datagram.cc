// sd_notify transport without libsystemd: socket(AF_UNIX, SOCK_DGRAM), sendto, close. The receiver
// (systemd) sets SO_PASSCRED, so the kernel attaches our credentials without an explicit cmsg.
#include "unix_datagram.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

namespace tapwatch {
namespace {

const char* ErrnoName(int err) {
  switch (err) {
    case ENOENT: return "ENOENT";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EAGAIN: return "EAGAIN";
    case ENOTSOCK: return "ENOTSOCK";
    case EPROTOTYPE: return "EPROTOTYPE";
    case EMSGSIZE: return "EMSGSIZE";
    case ENOBUFS: return "ENOBUFS";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    default: return "EUNKNOWN";
  }
}

void ThrowErrno(Napi::Env env, const std::string& what, int err) {
  Napi::Error e = Napi::Error::New(env, what + ": " + std::strerror(err));
  e.Set("code", Napi::String::New(env, ErrnoName(err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.ThrowAsJavaScriptException();
}

}  // namespace

Napi::Value SendUnixDatagram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsBuffer()) {
    Napi::TypeError::New(env, "sendUnixDatagram(path: string, data: Buffer)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string path = info[0].As<Napi::String>().Utf8Value();
  Napi::Buffer<uint8_t> data = info[1].As<Napi::Buffer<uint8_t>>();

  struct sockaddr_un addr;
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  // An abstract name may use the whole sun_path; a filesystem path needs room for its NUL.
  const bool abstract = !path.empty() && path[0] == '@';
  const size_t limit = abstract ? sizeof addr.sun_path : sizeof addr.sun_path - 1;
  if (path.size() < 2 && abstract) {
    Napi::Error::New(env, "sendUnixDatagram: empty abstract socket name").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (path.empty() || path.size() > limit || path.find('\0') != std::string::npos) {
    ThrowErrno(env, "sendUnixDatagram " + path, path.empty() ? ENOENT : ENAMETOOLONG);
    return env.Undefined();
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (abstract) addr.sun_path[0] = '\0';
  // Abstract names are length-delimited (no trailing NUL); paths include theirs.
  const socklen_t addrLen =
      static_cast<socklen_t>(offsetof(struct sockaddr_un, sun_path) + path.size() + (abstract ? 0 : 1));

  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ThrowErrno(env, "sendUnixDatagram socket", errno);
    return env.Undefined();
  }
  ssize_t sent;
  do {
    sent = sendto(fd, data.Data(), data.Length(), MSG_DONTWAIT | MSG_NOSIGNAL,
                  reinterpret_cast<const struct sockaddr*>(&addr), addrLen);
  } while (sent < 0 && errno == EINTR);
  const int err = errno;
  close(fd);
  if (sent < 0) {
    ThrowErrno(env, "sendUnixDatagram " + path, err);
  } else if (static_cast<size_t>(sent) != data.Length()) {
    Napi::Error::New(env, "sendUnixDatagram " + path + ": short send").ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

}  // namespace tapwatch
