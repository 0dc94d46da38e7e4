// CaptureHandle: one libpcap handle (live interface or capture file) exposed to JS.
// Packets are copied into a caller-owned batch buffer, one JS call per batch, never per packet.
#pragma once
#include <napi.h>
#include <pcap/pcap.h>
#include <uv.h>

#include <string>
#include <vector>

namespace tapwatch {

// Per-packet header written in front of each packet in a batch buffer (little-endian u32s):
// tsSec, tsNsec, caplen, wirelen; packet bytes follow, padded to a multiple of 4.
constexpr size_t kRecordHeaderBytes = 16;

class CaptureHandle : public Napi::ObjectWrap<CaptureHandle> {
 public:
  static Napi::Object Init(Napi::Env env, Napi::Object exports);
  explicit CaptureHandle(const Napi::CallbackInfo& info);
  ~CaptureHandle() override;

 private:
  Napi::Value OpenOffline(const Napi::CallbackInfo& info);
  Napi::Value OpenLive(const Napi::CallbackInfo& info);
  Napi::Value ReadInto(const Napi::CallbackInfo& info);
  Napi::Value StartPolling(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  // Fills [buf, buf+cap) with as many packets as are ready. Returns the packet count, or -1 at end
  // of file; sets *error (and returns what it has) when libpcap reports a read error.
  int FillBatch(uint8_t* buf, size_t cap, size_t* usedOut, std::string* error);
  bool ApplyFilter(Napi::Env env, const Napi::Value& filter);
  Napi::Object DescribeOpened(Napi::Env env);
  void StopPolling();
  static void OnReadable(uv_poll_t* poll, int status, int events);
  void DeliverReadyBatches();

  pcap_t* pcap_ = nullptr;
  bool live_ = false;
  bool nanoTimestamps_ = false;
  bool eof_ = false;
  std::string deferredError_;
  // A packet read from libpcap that did not fit in the previous batch (header + bytes).
  std::vector<uint8_t> carry_;
  uv_poll_t* poll_ = nullptr;
  Napi::FunctionReference onBatch_;
  Napi::FunctionReference onError_;
  Napi::ObjectReference batchBuffer_;
  Napi::AsyncContext* asyncContext_ = nullptr;
};

}  // namespace tapwatch
