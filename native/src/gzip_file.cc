// gzip support for capture files: libpcap reads a FILE*, so wrap zlib's gzFile in a glibc
// fopencookie stream. zlib reads non-gzip data transparently, which also covers standard input,
// whose first bytes cannot be peeked without consuming them.
#include "gzip_file.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace tapwatch {
namespace {

ssize_t GzRead(void* cookie, char* buf, size_t size) {
  int n = gzread(static_cast<gzFile>(cookie), buf, static_cast<unsigned>(size));
  if (n < 0) {
    errno = EIO;
    return -1;
  }
  return n;
}

int GzClose(void* cookie) { return gzclose(static_cast<gzFile>(cookie)) == Z_OK ? 0 : EOF; }

bool HasGzipMagic(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  unsigned char magic[2] = {0, 0};
  size_t got = std::fread(magic, 1, 2, f);
  std::fclose(f);
  return got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

FILE* WrapGz(gzFile gz) {
  gzbuffer(gz, 256 * 1024);
  cookie_io_functions_t io = {GzRead, nullptr, nullptr, GzClose};
  FILE* f = fopencookie(gz, "rb", io);
  if (f == nullptr) gzclose(gz);
  return f;
}

}  // namespace

FILE* OpenMaybeGzip(const std::string& path, std::string* errorOut) {
  if (path == "-") {
    int fd = dup(STDIN_FILENO);
    gzFile gz = fd >= 0 ? gzdopen(fd, "rb") : nullptr;
    if (gz == nullptr) {
      if (fd >= 0) close(fd);
      *errorOut = "cannot read standard input";
      return nullptr;
    }
    return WrapGz(gz);
  }
  if (HasGzipMagic(path)) {
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr) {
      *errorOut = path + ": " + std::strerror(errno);
      return nullptr;
    }
    FILE* f = WrapGz(gz);
    if (f == nullptr) *errorOut = path + ": cannot create a stream for the gzip reader";
    return f;
  }
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) *errorOut = path + ": " + std::strerror(errno);
  return f;
}

}  // namespace tapwatch
