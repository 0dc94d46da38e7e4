{
  "targets": [
    {
      "target_name": "tapwatch_pcap",
      "sources": ["src/addon.cc", "src/capture_handle.cc", "src/gzip_file.cc", "src/unix_datagram.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra"],
      "libraries": ["-lpcap", "-lz"]
    }
  ]
}
