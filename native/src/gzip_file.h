// Opens a capture file as a FILE* for pcap_fopen_offline, decompressing gzip transparently.
#pragma once
#include <cstdio>
#include <string>

namespace tapwatch {

// Returns a FILE* reading `path` ("-" means standard input). gzip input (magic 1f 8b) is
// decompressed on the fly through zlib; anything else is read as is. nullptr + errorOut on failure.
FILE* OpenMaybeGzip(const std::string& path, std::string* errorOut);

}  // namespace tapwatch
